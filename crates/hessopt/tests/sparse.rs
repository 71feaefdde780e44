//! Exact sparse Hessians of formulas (pattern from the tape, star coloring) against the sympy
//! references, closed forms and the dense Hessian.

mod common;

use common::{assert_close, formula};
use hessopt::Formula;
use hessopt::expr::SparseHessian;
use nalgebra::DMatrix;
use proptest::prelude::*;

/// The sparse matrix as a dense one, and a check that every nonzero of `dense` is in its pattern.
fn densify(h: &nalgebra_sparse::CscMatrix<f64>) -> DMatrix<f64> {
    let mut d = DMatrix::zeros(h.nrows(), h.ncols());
    for (i, j, v) in h.triplet_iter() {
        d[(i, j)] = *v;
    }
    d
}

fn covers(h: &nalgebra_sparse::CscMatrix<f64>, dense: &DMatrix<f64>) -> bool {
    (0..dense.nrows())
        .all(|i| (0..dense.ncols()).all(|j| dense[(i, j)] == 0.0 || h.get_entry(i, j).is_some()))
}

#[test]
fn shared_cases_sparse_exact_to_1e12() {
    let Some(cases) = common::derivative_cases() else {
        return;
    };
    for c in &cases {
        let vars: Vec<&str> = c.vars.iter().map(String::as_str).collect();
        let f = Formula::parse_with_vars(&c.expr, &vars).unwrap();
        let d = f.sparse_hessian(&c.at).unwrap();
        assert_close(&format!("{} value", c.name), &[d.value], &[c.f], 1e-12);
        assert_close(&format!("{} gradient", c.name), &d.gradient, &c.grad, 1e-12);
        let n = vars.len();
        let want = DMatrix::from_row_iterator(n, n, c.hess.iter().flatten().copied());
        assert!(
            covers(&d.hessian, &want),
            "{}: pattern misses a nonzero",
            c.name
        );
        let got = densify(&d.hessian);
        assert_close(
            &format!("{} hessian", c.name),
            got.as_slice(),
            want.as_slice(),
            1e-12,
        );
    }
}

/// Extended Rosenbrock: f = Σ_k 100 (x_2k − x_(2k−1)²)² + (1 − x_(2k−1))²; H is block diagonal with
/// blocks [[1200 a² − 400 b + 2, −400 a], [−400 a, 200]] at (a, b) = (x_(2k−1), x_2k).
#[test]
fn extended_rosenbrock_closed_form() {
    let n = 40;
    let src: Vec<String> = (0..n / 2)
        .map(|k| format!("100*(x{} - x{}^2)^2 + (1 - x{})^2", 2 * k + 1, 2 * k, 2 * k))
        .collect();
    let names: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    let vars: Vec<&str> = names.iter().map(String::as_str).collect();
    let f = Formula::parse_with_vars(&src.join(" + "), &vars).unwrap();
    let plan = SparseHessian::new(f).unwrap();
    assert_eq!(plan.colors(), 2);
    assert_eq!(plan.pattern().nnz(), 2 * n);
    let x: Vec<f64> = (0..n).map(|i| 0.3 + 0.05 * i as f64).collect();
    let h = densify(&plan.hessian(&x).unwrap().hessian);
    for k in 0..n / 2 {
        let (a, b) = (x[2 * k], x[2 * k + 1]);
        let (i, j) = (2 * k, 2 * k + 1);
        assert_close(
            "h_aa",
            &[h[(i, i)]],
            &[1200.0 * a * a - 400.0 * b + 2.0],
            1e-14,
        );
        assert_close(
            "h_ab",
            &[h[(i, j)], h[(j, i)]],
            &[-400.0 * a, -400.0 * a],
            1e-14,
        );
        assert_eq!(h[(j, j)], 200.0);
    }
}

/// Formulas that do not couple some variables: a product across, a quotient, nothing linear.
#[test]
fn pattern_of_small_formulas() {
    let f = Formula::parse_with_vars("a*b + c/d + 3*e + sin(f)", &["a", "b", "c", "d", "e", "f"])
        .unwrap();
    let p = f.hessian_sparsity().unwrap();
    let entries: Vec<(usize, usize)> = p.entries().map(|(c, r)| (r, c)).collect();
    // a–b (off-diagonal only), c–d and d–d (a quotient), f–f; e is linear.
    assert_eq!(entries, [(1, 0), (0, 1), (3, 2), (2, 3), (3, 3), (5, 5)]);
}

proptest! {
    #![proptest_config(common::config(120))]

    /// Sums of random two-variable formulas on random pairs of six variables: the sparse Hessian
    /// equals the dense one (both exact; rounding may differ in the last bits) and its pattern
    /// holds every nonzero of the dense one.
    #[test]
    fn sparse_equals_dense(
        terms in proptest::collection::vec((formula(), 0usize..6, 0usize..6), 1..5),
        x in proptest::collection::vec(-1.5f64..1.5, 6),
    ) {
        let names = ["u0", "u1", "u2", "u3", "u4", "u5"];
        let src: Vec<String> = terms
            .iter()
            .map(|(t, i, j)| {
                // Rename the variables x and y, not the x of "exp".
                t.replace("exp", "#").replace('x', names[*i]).replace('y', names[*j]).replace('#', "exp")
            })
            .collect();
        let src = src.join(" + ");
        let f = Formula::parse_with_vars(&src, &names).unwrap();
        let Ok(dense) = f.hessian(&x) else { return Ok(()) };
        let sparse = f.sparse_hessian(&x).unwrap();
        prop_assert!(covers(&sparse.hessian, &dense.hessian), "{src}");
        let got = densify(&sparse.hessian);
        let scale = 1.0 + dense.hessian.iter().map(|v| v.abs()).fold(0.0, f64::max);
        for (g, w) in got.iter().zip(dense.hessian.iter()) {
            prop_assert!((g - w).abs() <= 1e-12 * scale, "{src}: {g} vs {w}");
        }
        prop_assert_eq!(&got, &got.transpose());
        prop_assert_eq!(sparse.gradient, dense.gradient);
    }
}
