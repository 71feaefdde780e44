//! Newton with a sparse Hessian and a sparse Cholesky (minimum-degree ordering) on chained
//! Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² at n = 10⁴ and 10⁵ from x_i = 0.5: the whole
//! run (sparse plan and ordering built on first use, every iteration, the certificate with its
//! sparse second-order check). Peak memory is measured on the CLI with `/usr/bin/time -v`
//! (`hessopt minimize FORMULA --x0=@FILE --method newton`).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hessopt::solve::{Method, Options, minimize};
use hessopt::{Formula, Problem};
use std::hint::black_box;

const SRC: &str = "sum(i = 1..len(x) - 1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("sparse_newton_chained_rosenbrock");
    g.sample_size(10);
    let newton = Method::from_name("newton").unwrap();
    for n in [10_000usize, 100_000] {
        let f = Formula::parse_with_lengths(SRC, &[("x", n)]).unwrap();
        let x0 = vec![0.5; n];
        let r = minimize(
            &Problem::from_formula(&f),
            &x0,
            &newton,
            &Options::default(),
        )
        .unwrap();
        eprintln!(
            "n = {n}: {:?}, {} iterations, f = {:.6}, |g|inf = {:.1e}",
            r.termination, r.iterations, r.value, r.gradient_norm
        );
        g.bench_with_input(BenchmarkId::new("newton", n), &n, |b, _| {
            b.iter(|| {
                let p = Problem::from_formula(&f);
                minimize(&p, black_box(&x0), &newton, &Options::default()).unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
