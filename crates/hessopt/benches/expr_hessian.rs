//! Exact Hessians of formulas (tape, forward-over-reverse) against one value evaluation and against
//! num-dual's `hessian` on the same function, extended Rosenbrock with n = 10 and n = 100.
//!
//! The figures to read: `hessian/tape/n` ÷ `value/tape/n` (target ≤ 10·n) and
//! `hessian/num-dual/n` ÷ `hessian/tape/n`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hessopt::Formula;
use hessopt::dual::{self, DualNum};
use std::hint::black_box;

fn ext_rosenbrock_formula(n: usize) -> Formula {
    let terms: Vec<String> = (0..n / 2)
        .map(|i| {
            let (a, b) = (2 * i + 1, 2 * i + 2);
            format!("100*(x{b} - x{a}^2)^2 + (1 - x{a})^2")
        })
        .collect();
    let vars: Vec<String> = (1..=n).map(|i| format!("x{i}")).collect();
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    Formula::parse_with_vars(&terms.join(" + "), &vars).unwrap()
}

fn ext_rosenbrock<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut s = D::from(0.0);
    for i in 0..x.len() / 2 {
        let a = x[2 * i + 1].clone() - x[2 * i].powi(2);
        let b = -x[2 * i].clone() + 1.0;
        s += a.powi(2) * 100.0 + b.powi(2);
    }
    s
}

fn start(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

fn bench(c: &mut Criterion) {
    for n in [10usize, 100] {
        let f = ext_rosenbrock_formula(n);
        let x = start(n);
        let mut ws = f.workspace();
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n * n];
        c.bench_with_input(BenchmarkId::new("value/tape", n), &n, |b, _| {
            b.iter(|| f.value_with(black_box(&x), &mut ws).unwrap())
        });
        c.bench_with_input(BenchmarkId::new("gradient/tape", n), &n, |b, _| {
            b.iter(|| f.gradient_with(black_box(&x), &mut ws, &mut g).unwrap())
        });
        c.bench_with_input(BenchmarkId::new("hessian/tape", n), &n, |b, _| {
            b.iter(|| {
                f.hessian_with(black_box(&x), &mut ws, &mut g, &mut h)
                    .unwrap()
            })
        });
        c.bench_with_input(BenchmarkId::new("value/rust", n), &n, |b, _| {
            b.iter(|| ext_rosenbrock::<f64>(black_box(&x)))
        });
        c.bench_with_input(BenchmarkId::new("hessian/num-dual", n), &n, |b, _| {
            b.iter(|| dual::hessian(ext_rosenbrock, black_box(&x)).unwrap())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
