//! Numerical Hessians from values: hessopt's extrapolated stencils against a plain central stencil
//! (step ε^¼·max(1, |x|), 2n² + 1 evaluations) and the finitediff crate's
//! `forward_hessian_nograd`, on a function that costs about 1 µs per evaluation, n = 2, 10, 50.
//! Evaluation counts are printed once per n; the overhead beyond the evaluations themselves is
//! (time per Hessian − evaluations × time per evaluation) / time per Hessian.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hessopt::diff;
use std::cell::Cell;
use std::hint::black_box;

/// Extended Rosenbrock plus a fixed amount of work, about 1 µs in all.
fn costly(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        s += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    let mut w = black_box(0.5f64);
    for _ in 0..black_box(80) {
        w = (w * 1.000_001).sin() + 0.5;
    }
    s + 1e-300 * w
}

/// Central differences with one fixed step per coordinate.
fn plain_central(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let h: Vec<f64> = x
        .iter()
        .map(|v| f64::EPSILON.powf(0.25) * v.abs().max(1.0))
        .collect();
    let f0 = f(x);
    let mut p = x.to_vec();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        p[i] = x[i] + h[i];
        let fp = f(&p);
        p[i] = x[i] - h[i];
        let fm = f(&p);
        p[i] = x[i];
        out[i * n + i] = (fp - 2.0 * f0 + fm) / (h[i] * h[i]);
        for j in 0..i {
            let mut q = |si: f64, sj: f64| {
                p[i] = x[i] + si * h[i];
                p[j] = x[j] + sj * h[j];
                let v = f(&p);
                p[i] = x[i];
                p[j] = x[j];
                v
            };
            let v =
                (q(1.0, 1.0) - q(1.0, -1.0) - q(-1.0, 1.0) + q(-1.0, -1.0)) / (4.0 * h[i] * h[j]);
            out[i * n + j] = v;
            out[j * n + i] = v;
        }
    }
    out
}

/// The exact Hessian of the extended Rosenbrock part (row-major), from hessopt's formula tape.
fn exact_hessian(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let terms: Vec<String> = (0..n / 2)
        .map(|i| {
            format!(
                "100*(x{b} - x{a}^2)^2 + (1 - x{a})^2",
                a = 2 * i,
                b = 2 * i + 1
            )
        })
        .collect();
    let vars: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let f = hessopt::Formula::parse_with_vars(&terms.join(" + "), &vars).unwrap();
    f.hessian(x)
        .unwrap()
        .hessian
        .transpose()
        .as_slice()
        .to_vec()
}

/// Normwise relative error ‖a − b‖ / ‖b‖.
fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let d: f64 = a.iter().zip(b).map(|(u, v)| (u - v).powi(2)).sum();
    let m: f64 = b.iter().map(|v| v * v).sum();
    (d / m).sqrt()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("numeric_hessian");
    for n in [2usize, 10, 50] {
        let x: Vec<f64> = (0..n)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect();
        let count = Cell::new(0usize);
        let counted = |p: &[f64]| {
            count.set(count.get() + 1);
            costly(p)
        };
        let h = diff::hessian(&counted, &x).unwrap();
        let ours = count.replace(0);
        let hp = plain_central(&counted, &x);
        let plain = count.replace(0);
        let fd = |p: &Vec<f64>| -> Result<f64, anyhow::Error> { Ok(counted(p)) };
        let hf = finitediff::vec::forward_hessian_nograd(&fd)(&x).unwrap();
        let peer = count.replace(0);
        let exact = exact_hessian(&x);
        let ours_h: Vec<f64> = h.hessian.transpose().as_slice().to_vec();
        let hf: Vec<f64> = hf.concat();
        println!(
            "n = {n}: evaluations hessopt {ours} (≤ {}), plain central {plain}, finitediff {peer}; \
             relative error hessopt {:.1e}, plain {:.1e}, finitediff {:.1e}",
            4 * n * n + 4 * n + 1,
            rel_err(&ours_h, &exact),
            rel_err(&hp, &exact),
            rel_err(&hf, &exact),
        );
        group.bench_with_input(BenchmarkId::new("one_evaluation", n), &n, |b, _| {
            b.iter(|| costly(black_box(&x)))
        });
        group.bench_with_input(BenchmarkId::new("hessopt", n), &n, |b, _| {
            b.iter(|| diff::hessian(&costly, black_box(&x)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("plain_central", n), &n, |b, _| {
            b.iter(|| plain_central(&costly, black_box(&x)))
        });
        let fd = |p: &Vec<f64>| -> Result<f64, anyhow::Error> { Ok(costly(p)) };
        let fd_hessian = finitediff::vec::forward_hessian_nograd(&fd);
        group.bench_with_input(BenchmarkId::new("finitediff", n), &n, |b, _| {
            b.iter(|| fd_hessian(black_box(&x)).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
