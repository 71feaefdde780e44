//! Limited-memory methods at scale on extended Rosenbrock from the standard start (memory 10):
//! - `lbfgs_ext_rosenbrock`: n = 10⁴ and 10⁶, hessopt's L-BFGS against argmin's L-BFGS
//!   (Moré–Thuente) on the same closures in the same run, both stopped at ‖∇f‖ ≤ 1e-6 (hessopt:
//!   largest entry; argmin: Euclidean norm, which is stricter).
//! - `iterations_n1e5`: 20 iterations at n = 10⁵ (no stopping test) of L-BFGS, of L-BFGS-B
//!   without bounds and of L-BFGS-B in the box [−2, 2]ⁿ, i.e. the cost
//!   per iteration including the line search's evaluations (printed once); and 15 iterations of
//!   L-BFGS-B on chained Rosenbrock with x_i ≥ 1.2 for even i (`lbfgsb_half_active`): half the
//!   variables at a bound, so the subspace step's Gram entries span large free and active sets.
//! - `lbfgsb_box_n1e6`: L-BFGS-B in that box at n = 10⁶ to scipy's default stopping rules
//!   (projected gradient 1e-5, factr 1e7); bench/scipy_lbfgsb_scale.py runs scipy's L-BFGS-B on
//!   the same problem written in numpy.
//!
//! Iterations and evaluations are printed once per case.

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hessopt::Problem;
use hessopt::solve::{Lbfgs, Lbfgsb, Method, Options, Report, minimize};

fn value(x: &[f64]) -> f64 {
    (0..x.len() / 2)
        .map(|i| 100.0 * (x[2 * i + 1] - x[2 * i].powi(2)).powi(2) + (1.0 - x[2 * i]).powi(2))
        .sum()
}

fn gradient(x: &[f64], g: &mut [f64]) {
    for i in 0..x.len() / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        g[2 * i] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        g[2 * i + 1] = 200.0 * (b - a * a);
    }
}

fn chained_value(x: &[f64]) -> f64 {
    (0..x.len() - 1)
        .map(|i| 100.0 * (x[i + 1] - x[i].powi(2)).powi(2) + (1.0 - x[i]).powi(2))
        .sum()
}

fn chained_gradient(x: &[f64], g: &mut [f64]) {
    g.fill(0.0);
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i], x[i + 1]);
        g[i] += -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        g[i + 1] += 200.0 * (b - a * a);
    }
}

/// Chained Rosenbrock with x_i ≥ 1.2 for even i (those end at the bound) and x_i ≤ 2.
fn run_half_active(n: usize, method: &Method, options: &Options) -> Report {
    let lower = (0..n)
        .map(|i| if i % 2 == 0 { 1.2 } else { -2.0 })
        .collect();
    let p = Problem::new(n, chained_value)
        .with_gradient(chained_gradient)
        .with_bounds(lower, vec![2.0; n])
        .unwrap();
    minimize(&p, &start(n), method, options).unwrap()
}

fn start(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

struct ExtRosenbrock;

impl CostFunction for ExtRosenbrock {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        Ok(value(p))
    }
}

impl Gradient for ExtRosenbrock {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let mut g = vec![0.0; p.len()];
        gradient(p, &mut g);
        Ok(g)
    }
}

fn run(n: usize, method: &Method, bounds: bool, options: &Options) -> Report {
    let mut p = Problem::new(n, value).with_gradient(gradient);
    if bounds {
        p = p.with_bounds(vec![-2.0; n], vec![2.0; n]).unwrap();
    }
    minimize(&p, &start(n), method, options).unwrap()
}

fn run_hessopt(n: usize) -> (f64, usize, usize) {
    let options = Options::default()
        .with_g_tol(1e-6)
        .unwrap()
        .with_max_iter(1000)
        .unwrap();
    let r = run(n, &Method::Lbfgs(Lbfgs::default()), false, &options);
    (
        r.value,
        r.iterations,
        r.evaluations.f + r.evaluations.gradient,
    )
}

fn run_argmin(n: usize) -> (f64, u64, u64) {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(1e-6)
        .unwrap()
        .with_tolerance_cost(0.0)
        .unwrap();
    let res = Executor::new(ExtRosenbrock, solver)
        .configure(|s| s.param(start(n)).max_iters(1000).counting(true))
        .run()
        .unwrap();
    let counts = res.state.get_func_counts();
    let evals = counts.get("cost_count").copied().unwrap_or(0)
        + counts.get("gradient_count").copied().unwrap_or(0);
    (res.state.get_best_cost(), res.state.get_iter(), evals)
}

fn bench_lbfgs(c: &mut Criterion) {
    let mut group = c.benchmark_group("lbfgs_ext_rosenbrock");
    for n in [10_000usize, 1_000_000] {
        let (f, it, ev) = run_hessopt(n);
        let (fa, ita, eva) = run_argmin(n);
        println!(
            "n = {n}: hessopt f {f:.2e} in {it} iterations, {ev} f+g; argmin f {fa:.2e} in {ita} iterations, {eva} f+g"
        );
        group.bench_with_input(BenchmarkId::new("hessopt", n), &n, |b, &n| {
            b.iter(|| run_hessopt(n))
        });
        group.bench_with_input(BenchmarkId::new("argmin", n), &n, |b, &n| {
            b.iter(|| run_argmin(n))
        });
    }
    group.finish();
}

fn summary(name: &str, r: &Report) {
    println!(
        "{name}: f {:.3e}, |pg| {:.1e}, {} iterations, {} f+g, {} ({:.1?})",
        r.value,
        r.gradient_norm,
        r.iterations,
        r.evaluations.f + r.evaluations.gradient,
        r.termination,
        r.elapsed
    );
}

fn bench_iterations(c: &mut Criterion) {
    let n = 100_000;
    let options = Options::default()
        .with_g_tol(0.0)
        .unwrap()
        .with_max_iter(20)
        .unwrap();
    let no_factr = Method::Lbfgsb(Lbfgsb::default().with_factr(0.0).unwrap());
    let cases = [
        ("lbfgs", Method::Lbfgs(Lbfgs::default()), false),
        ("lbfgsb", no_factr.clone(), false),
        ("lbfgsb_box", no_factr, true),
    ];
    let mut group = c.benchmark_group("iterations_n1e5");
    for (name, method, bounds) in &cases {
        summary(name, &run(n, method, *bounds, &options));
        group.bench_function(*name, |b| b.iter(|| run(n, method, *bounds, &options)));
    }
    let (method, options) = (&cases[1].1, options.with_max_iter(15).unwrap());
    summary("lbfgsb_half_active", &run_half_active(n, method, &options));
    group.bench_function("lbfgsb_half_active", |b| {
        b.iter(|| run_half_active(n, method, &options))
    });
    group.finish();
}

fn bench_box(c: &mut Criterion) {
    let n = 1_000_000;
    let options = Options::default().with_g_tol(1e-5).unwrap();
    let method = Method::Lbfgsb(Lbfgsb::default());
    summary("lbfgsb_box n = 1e6", &run(n, &method, true, &options));
    let mut group = c.benchmark_group("lbfgsb_box_n1e6");
    group.bench_function("hessopt", |b| b.iter(|| run(n, &method, true, &options)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench_lbfgs, bench_iterations, bench_box
}
criterion_main!(benches);
