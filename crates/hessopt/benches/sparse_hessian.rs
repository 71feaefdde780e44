//! Exact sparse Hessians of extended Rosenbrock written as an indexed sum: compile (parse, pattern,
//! star coloring) at n = 10⁵, the Hessian at n = 1 000 (sparse against the dense tape Hessian)
//! and at n = 10⁵. JAX's jitted dense Hessian on the same function and point is measured by
//! `bench/jax_hessian.py` (run it beside this bench, same machine).
//!
//! Figures to read: `sparse/1000` against JAX's n = 1 000 time (goal: 3× faster),
//! `sparse/100000` (goal < 0.2 s) and `compile/100000` (goal < 5 s); `numeric_from_gradient/1000`
//! is the numerical Hessian with the pattern (its evaluations and worst error are printed first;
//! goal ≤ 200 evaluations, error < 1e-7).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hessopt::Formula;
use hessopt::diff::NumDiff;
use hessopt::expr::{SparseHessian, SparseWorkspace};
use std::hint::black_box;

const SRC: &str = "sum(i = 1..len(x)/2, 100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2)";

fn start(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

fn compile(n: usize) -> SparseHessian {
    SparseHessian::new(Formula::parse_with_lengths(SRC, &[("x", n)]).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact_hessian_ext_rosenbrock");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("compile", 100_000), |b| {
        b.iter(|| compile(black_box(100_000)))
    });
    for n in [1000usize, 100_000] {
        let plan = compile(n);
        let x = start(n);
        let mut ws = SparseWorkspace::default();
        let mut grad = vec![0.0; n];
        let mut values = vec![0.0; plan.pattern().nnz()];
        g.bench_with_input(BenchmarkId::new("sparse", n), &n, |b, _| {
            b.iter(|| {
                plan.evaluate(black_box(&x), &mut ws, &mut grad, &mut values)
                    .unwrap()
            })
        });
    }
    let n = 1000;
    let f = Formula::parse_with_lengths(SRC, &[("x", n)]).unwrap();
    let x = start(n);
    let (mut ws, mut grad, mut h) = (f.workspace(), vec![0.0; n], vec![0.0; n * n]);
    g.bench_with_input(BenchmarkId::new("dense", n), &n, |b, _| {
        b.iter(|| {
            f.hessian_with(black_box(&x), &mut ws, &mut grad, &mut h)
                .unwrap()
        })
    });
    let plan = compile(n);
    let pattern = plan.pattern().clone();
    let exact = plan.hessian(&x).unwrap().hessian;
    let grad = |p: &[f64]| f.gradient(p).map_or_else(|_| vec![f64::NAN; n], |(_, g)| g);
    let nd = NumDiff::new();
    let h = nd
        .sparse_hessian_from_gradient(&grad, &x, &pattern)
        .unwrap();
    let worst = h
        .jacobian
        .values()
        .iter()
        .zip(exact.values())
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    eprintln!(
        "numerical sparse Hessian, n = {n}: {} gradient evaluations, {} colors, max error {worst:.2e}",
        h.evaluations, h.groups
    );
    g.bench_with_input(BenchmarkId::new("numeric_from_gradient", n), &n, |b, _| {
        b.iter(|| {
            nd.sparse_hessian_from_gradient(&grad, black_box(&x), &pattern)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
