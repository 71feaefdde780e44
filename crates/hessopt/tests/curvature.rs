//! Curvature without a dense Hessian: Lanczos on exact Hessian-vector products of a formula, and
//! Hutchinson's trace, checked against the dense eigendecomposition; a spectrum known in closed
//! form at n = 20 000.

use hessopt::Formula;
use hessopt::analysis::lanczos::{Which, extreme_eigenvalues, hutchinson_trace};
use nalgebra::SymmetricEigen;

#[test]
fn lanczos_on_formula_hvp_matches_dense_eigenvalues() {
    let n = 60;
    let terms: Vec<String> = (1..n)
        .map(|i| format!("100*(x{} - x{i}^2)^2 + (1 - x{i})^2", i + 1))
        .collect();
    let vars: Vec<String> = (1..=n).map(|i| format!("x{i}")).collect();
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let f = Formula::parse_with_vars(&terms.join(" + "), &vars).unwrap();
    let x: Vec<f64> = (0..n).map(|i| 0.3 + 0.01 * i as f64).collect();
    let dense = f.hessian(&x).unwrap().hessian;
    let mut exact: Vec<f64> = SymmetricEigen::new(dense.clone())
        .eigenvalues
        .iter()
        .copied()
        .collect();
    exact.sort_by(f64::total_cmp);
    let ws = std::cell::RefCell::new(f.workspace());
    let hv = |v: &[f64], out: &mut [f64]| {
        let mut g = vec![0.0; n];
        f.hvp_with(&x, v, &mut ws.borrow_mut(), &mut g, out)
            .unwrap();
    };
    let top = extreme_eigenvalues(&hv, n, 3, Which::Largest, 7).unwrap();
    for (k, r) in top.iter().enumerate() {
        let want = exact[n - 1 - k];
        assert!(
            (r.value - want).abs() <= 1e-8 * want.abs(),
            "top {k}: {} vs {want}",
            r.value
        );
    }
    let bottom = extreme_eigenvalues(&hv, n, 2, Which::Smallest, 7).unwrap();
    for (k, r) in bottom.iter().enumerate() {
        assert!(
            (r.value - exact[k]).abs() <= 1e-8 * exact[n - 1].abs(),
            "bottom {k}"
        );
    }
    let (trace, se) = hutchinson_trace(&hv, n, 400, 3).unwrap();
    let exact_trace: f64 = (0..n).map(|i| dense[(i, i)]).sum();
    assert!(
        (trace - exact_trace).abs() <= 4.0 * se,
        "{trace} ± {se} vs {exact_trace}"
    );
}

/// The closed-form spectrum of [`hessopt::problems::KnownSpectrum`] at n = 20 000.
#[test]
fn closed_form_spectrum_at_n_20000() {
    let n = 20_000;
    let op = hessopt::problems::KnownSpectrum::new(n);
    let hv = |v: &[f64], out: &mut [f64]| op.apply(v, out);
    let top = extreme_eigenvalues(&hv, n, 3, Which::Largest, 1).unwrap();
    let values: Vec<f64> = top.iter().map(|r| r.value).collect();
    for (got, want) in values.iter().zip([5.0, 3.0, 2.0]) {
        assert!((got - want).abs() < 1e-9, "{values:?}");
    }
    let bottom = extreme_eigenvalues(&hv, n, 1, Which::Smallest, 1).unwrap();
    assert!((bottom[0].value + 1.0).abs() < 1e-9, "{bottom:?}");
    let (trace, se) = hutchinson_trace(&hv, n, 50, 2).unwrap();
    let exact: f64 = op.eigenvalues.iter().sum();
    assert!(
        (trace - exact).abs() <= 4.0 * se,
        "{trace} ± {se} vs {exact}"
    );
}
