//! Newton and the trust region with a sparse Hessian and a sparse Cholesky (issue 14 item 4):
//! the same iterates as the dense path, the automatic choice at large n, the second-order check
//! above the dense limit, and the errors.

use hessopt::diff::coloring::symmetric_pattern;
use hessopt::solve::{
    HessianStorage, Method, Newton, Options, Subproblem, Termination, TrustRegion, minimize,
};
use hessopt::{Formula, Problem};

/// Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² on n variables (a tridiagonal
/// Hessian), from (−1.2, 1, −1.2, 1, …).
fn chained(n: usize) -> (Formula, Vec<f64>) {
    let f = Formula::parse_with_lengths(
        "sum(i = 1..len(x) - 1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)",
        &[("x", n)],
    )
    .unwrap();
    let x0 = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    (f, x0)
}

fn traced() -> Options {
    Options::default().with_trace(true)
}

/// Largest difference between two points relative to max(1, |x|).
fn gap(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (u, v)| m.max((u - v).abs() / u.abs().max(1.0)))
}

/// Dense and sparse storage make the same map x_k ↦ x_{k+1}: from every iterate of the dense
/// run, one iteration of each lands on the same point to rounding. Whole runs end at the same
/// point, but not iterate for iterate: rounding differences (another elimination order) grow
/// over the nonconvex phase of chained Rosenbrock (Newton at n = 50: 1e-9 after 20 iterations,
/// 1e-2 after 80 of its 97; the trust region takes 220 or 216 iterations).
fn same_iterates(p: &Problem<'_>, dense: Method, sparse: Method, x0: &[f64]) {
    let a = minimize(p, x0, &dense, &traced()).unwrap();
    let b = minimize(p, x0, &sparse, &traced()).unwrap();
    assert!(
        a.converged && b.converged,
        "{:?} / {:?}",
        a.termination,
        b.termination
    );
    assert!(a.iterations > 10, "{}", a.iterations);
    assert!(gap(&a.x, &b.x) < 1e-8);
    let one = Options::default().with_max_iter(1).unwrap();
    let mut moved = 0;
    for it in a.trace[..a.trace.len() - 1].iter().step_by(3) {
        let next_dense = minimize(p, &it.x, &dense, &one).unwrap();
        let next_sparse = minimize(p, &it.x, &sparse, &one).unwrap();
        let d = gap(&next_dense.x, &next_sparse.x);
        assert!(d < 1e-12, "iteration {}: {d:e}", it.iteration);
        moved += usize::from(next_dense.x != it.x);
    }
    assert!(moved > 5, "{moved}");
}

#[test]
fn sparse_newton_and_trust_region_make_the_dense_iterates_at_n_50() {
    let (f, x0) = chained(50);
    let p = Problem::from_formula(&f);
    let newton = |s| Method::Newton(Newton::default().with_storage(s));
    same_iterates(
        &p,
        newton(HessianStorage::Dense),
        newton(HessianStorage::Sparse),
        &x0,
    );
    let tr = |s| Method::TrustRegion(TrustRegion::default().with_storage(s));
    same_iterates(
        &p,
        tr(HessianStorage::Dense),
        tr(HessianStorage::Sparse),
        &x0,
    );
}

#[test]
fn auto_goes_sparse_where_dense_is_refused() {
    // n = 12 000: a dense Hessian is 1.07 GiB, over the 1 GiB default limit. From (−1.2, 1, …)
    // Newton needs O(n) iterations on chained Rosenbrock (1753 at n = 1000, 17 383 at n = 10⁴);
    // from 0.5 it needs 21 at n = 1000.
    let (f, _) = chained(12_000);
    let x0 = vec![0.5; 12_000];
    let p = Problem::from_formula(&f);
    let dense = Method::Newton(Newton::default().with_storage(HessianStorage::Dense));
    let e = minimize(&p, &x0, &dense, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("dense 12000 × 12000 Hessian"), "{e}");
    for m in [
        Method::from_name("newton").unwrap(),
        Method::from_name("trust-region").unwrap(),
    ] {
        let r = minimize(&p, &x0, &m, &Options::default()).unwrap();
        assert!(r.converged, "{}: {:?}", m.name(), r.termination);
        assert_eq!(r.termination, Termination::GradientNorm);
        // The certificate re-checked here: the gradient at the returned point.
        let mut g = vec![0.0; x0.len()];
        p.gradient_into(&r.x, &mut g);
        assert!(g.iter().all(|v| v.abs() <= 1e-8));
        assert!(r.x.iter().all(|v| (v - 1.0).abs() < 1e-7));
    }
}

#[test]
fn second_order_above_the_dense_limit_moves_off_a_maximum() {
    // Σ (x_i² − 1)² at 0 (n = 300 > 200): ∇f = 0 and H = −4I, a maximum. The sparse check finds
    // it and Newton steps off to a minimum (every |x_i| = 1) instead of stopping at x0.
    let n = 300;
    let f = Formula::parse_with_lengths("sum(i = 1..len(x), (x[i]^2 - 1)^2)", &[("x", n)]).unwrap();
    let p = Problem::from_formula(&f);
    let r = minimize(
        &p,
        &vec![0.0; n],
        &Method::from_name("newton").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.converged, "{:?}", r.termination);
    assert!(
        r.x.iter().all(|v| (v.abs() - 1.0).abs() < 1e-8),
        "{:?}",
        &r.x[..5]
    );
    // A saddle: Σ_{i ≤ 150} (x_i² − 1)² + Σ_{i > 150} x_i² from 0 ends at a minimum too.
    let f = Formula::parse_with_lengths(
        "sum(i = 1..150, (x[i]^2 - 1)^2) + sum(i = 151..len(x), x[i]^2)",
        &[("x", n)],
    )
    .unwrap();
    let p = Problem::from_formula(&f);
    let r = minimize(
        &p,
        &vec![0.0; n],
        &Method::from_name("trust-region").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.converged, "{:?}", r.termination);
    assert!(r.x[..150].iter().all(|v| (v.abs() - 1.0).abs() < 1e-8));
    assert!(r.x[150..].iter().all(|v| v.abs() < 1e-8));
}

#[test]
fn user_sparse_hessian_and_errors() {
    // f = Σ (x_i − i)⁴ + x_i²: a diagonal Hessian given only in sparse form.
    let n = 40;
    let pattern = symmetric_pattern(n, &(0..n).map(|i| (i, i)).collect::<Vec<_>>()).unwrap();
    let p = Problem::new(n, |x: &[f64]| {
        x.iter()
            .enumerate()
            .map(|(i, v)| (v - i as f64).powi(4) + v * v)
            .sum()
    })
    .with_gradient(|x: &[f64], g: &mut [f64]| {
        for (i, (g, v)) in g.iter_mut().zip(x).enumerate() {
            *g = 4.0 * (v - i as f64).powi(3) + 2.0 * v;
        }
    })
    .with_sparse_hessian(pattern, |x: &[f64], h: &mut [f64]| {
        for (i, (h, v)) in h.iter_mut().zip(x).enumerate() {
            *h = 12.0 * (v - i as f64).powi(2) + 2.0;
        }
    })
    .unwrap();
    let r = minimize(
        &p,
        &vec![0.0; n],
        &Method::from_name("newton").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(
        r.converged && r.evaluations.hessian > 0,
        "{:?}",
        r.termination
    );
    // Stationarity of each coordinate: 4(x − i)³ + 2x = 0.
    for (i, v) in r.x.iter().enumerate() {
        assert!((4.0 * (v - i as f64).powi(3) + 2.0 * v).abs() < 1e-8);
    }
    // Errors: an asymmetric pattern; sparse without one; sparse with the exact subproblem.
    let asym = hessopt::diff::coloring::pattern_from_entries(2, 2, &[(0, 1)]).unwrap();
    let e =
        Problem::new(2, |x: &[f64]| x[0]).with_sparse_hessian(asym, |_: &[f64], _: &mut [f64]| {});
    assert!(e.unwrap_err().to_string().contains("not symmetric"));
    let plain = Problem::new(2, |x: &[f64]| x[0] * x[0] + x[1] * x[1]);
    let sparse = Method::Newton(Newton::default().with_storage(HessianStorage::Sparse));
    let e = minimize(&plain, &[1.0, 1.0], &sparse, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("no sparse Hessian"), "{e}");
    let (f, x0) = chained(4);
    let exact = TrustRegion::default()
        .with_subproblem(Subproblem::Exact)
        .with_storage(HessianStorage::Sparse);
    let e = minimize(
        &Problem::from_formula(&f),
        &x0,
        &Method::TrustRegion(exact),
        &Options::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("exact trust-region subproblem"),
        "{e}"
    );
}

/// n = 10⁵ (the figure) from 0.5: memory O(nnz). Release-only speed; run with
/// `cargo test --release --test sparse_newton -- --ignored`; the bench `sparse_newton` times it.
#[test]
#[ignore]
fn newton_at_n_1e5() {
    let (f, _) = chained(100_000);
    let x0 = vec![0.5; 100_000];
    let p = Problem::from_formula(&f);
    let r = minimize(
        &p,
        &x0,
        &Method::from_name("newton").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.converged, "{:?}", r.termination);
    // The global minimum, or the local one near x1 = −1 (f = 3.98662) chained Rosenbrock has.
    assert!(
        r.value < 1e-12 || (r.value - 3.986_623_854_3).abs() < 1e-8,
        "{}",
        r.value
    );
}
