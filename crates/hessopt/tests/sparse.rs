//! Exact sparse Hessians of formulas (pattern from the tape, star coloring) against the sympy
//! references, closed forms and the dense Hessian; numerical sparse derivatives of black boxes
//! (CPR Jacobians, Hessians by coloring or from values) against the exact ones.

mod common;

use common::{assert_close, formula};
use hessopt::diff::NumDiff;
use hessopt::diff::coloring::pattern_from_entries;
use hessopt::expr::SparseHessian;
use hessopt::{Formula, FormulaSet};
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

const EXT_ROSENBROCK: &str = "sum(i = 1..len(x)/2, 100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2)";

/// Largest |numerical − exact| over the stored entries, and whether every error is within a
/// small multiple of its estimate (or at rounding level).
fn compare(
    got: &nalgebra_sparse::CscMatrix<f64>,
    estimate: &nalgebra_sparse::CscMatrix<f64>,
    exact: &nalgebra_sparse::CscMatrix<f64>,
) -> (f64, bool) {
    assert_eq!(got.pattern(), exact.pattern());
    let mut worst = 0.0f64;
    let mut covered = true;
    for ((g, e), w) in got
        .values()
        .iter()
        .zip(estimate.values())
        .zip(exact.values())
    {
        let err = (g - w).abs();
        worst = worst.max(err);
        covered &= err <= 10.0 * e + 1e-12 * (1.0 + w.abs());
    }
    (worst, covered)
}

/// The figure as a budget check: the numerical Hessian of extended Rosenbrock at
/// n = 1 000 with the pattern, from the exact gradient as a black box: at most 200 gradient
/// evaluations and every entry within 1e-7 of the exact sparse Hessian.
#[test]
fn numerical_sparse_hessian_from_gradient_at_n_1000() {
    let n = 1000;
    let f = Formula::parse_with_lengths(EXT_ROSENBROCK, &[("x", n)]).unwrap();
    let x: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 } + 0.001 * i as f64)
        .collect();
    let exact = f.sparse_hessian(&x).unwrap();
    let pattern = f.hessian_sparsity().unwrap();
    let g = |p: &[f64]| f.gradient(p).map_or_else(|_| vec![f64::NAN; n], |(_, g)| g);
    let h = NumDiff::new()
        .sparse_hessian_from_gradient(&g, &x, &pattern)
        .unwrap();
    assert!(
        h.evaluations <= 200,
        "{} gradient evaluations",
        h.evaluations
    );
    assert_eq!(h.groups, 2);
    let (worst, covered) = compare(&h.jacobian, &h.error, &exact.hessian);
    assert!(worst < 1e-7, "max error {worst}");
    assert!(covered, "an error exceeds its estimate");
    let hm = densify(&h.jacobian);
    assert_eq!(hm, hm.transpose());
}

/// From values only, on the pattern: O(n + nnz) evaluations instead of the dense 4n² + 4n + 1.
#[test]
fn numerical_sparse_hessian_from_values() {
    let n = 40;
    let f = Formula::parse_with_lengths(
        "sum(i = 1..len(x)-1, (x[i+1] - x[i]^2)^2 + exp(x[i]/3))",
        &[("x", n)],
    )
    .unwrap();
    let x: Vec<f64> = (0..n).map(|i| 0.2 + 0.03 * i as f64).collect();
    let exact = f.sparse_hessian(&x).unwrap();
    let pattern = f.hessian_sparsity().unwrap();
    let value = |p: &[f64]| f.value(p).unwrap_or(f64::NAN);
    let h = NumDiff::new().sparse_hessian(&value, &x, &pattern).unwrap();
    let (worst, covered) = compare(&h.hessian, &h.error, &exact.hessian);
    assert!(worst < 1e-6, "max error {worst}");
    assert!(covered, "an error exceeds its estimate");
    assert_close("gradient", &h.gradient, &exact.gradient, 1e-8);
    assert!(h.evaluations < 20 * n, "{} evaluations", h.evaluations);
    let dense = NumDiff::new().hessian(&value, &x).unwrap();
    assert!(h.evaluations * 5 < dense.evaluations);
}

/// Curtis–Powell–Reid: a banded vector function, three groups instead of n columns.
#[test]
fn numerical_sparse_jacobian_by_column_groups() {
    let n = 30;
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            let left = if i > 1 {
                format!("x[{}]", i - 1)
            } else {
                "0".into()
            };
            let right = if i < n {
                format!("x[{}]", i + 1)
            } else {
                "0".into()
            };
            format!("sin(x[{i}]) * exp({left}/4) + {right}^2 - 1")
        })
        .collect();
    let names: Vec<String> = (1..=n).map(|i| format!("x[{i}]")).collect();
    let vars: Vec<&str> = names.iter().map(String::as_str).collect();
    let fs = FormulaSet::parse_with_vars(&rows.join("; "), &vars).unwrap();
    let x: Vec<f64> = (0..n).map(|i| 0.5 - 0.02 * i as f64).collect();
    let (_, jac) = fs.jacobian(&x).unwrap();
    let entries: Vec<(usize, usize)> = (0..n)
        .flat_map(|i: usize| (i.saturating_sub(1)..(i + 2).min(n)).map(move |j| (i, j)))
        .collect();
    let pattern = pattern_from_entries(n, n, &entries).unwrap();
    let f = |p: &[f64]| fs.values(p).unwrap_or_else(|_| vec![f64::NAN; n]);
    let j = NumDiff::new().sparse_jacobian(&f, &x, &pattern).unwrap();
    assert_eq!(j.groups, 3);
    for (r, c, v) in j.jacobian.triplet_iter() {
        assert!(
            (v - jac[(r, c)]).abs() < 1e-9,
            "({r}, {c}): {v} vs {}",
            jac[(r, c)]
        );
    }
    let dense = NumDiff::new().jacobian(&f, &x).unwrap();
    assert!(
        j.evaluations * 5 < dense.evaluations,
        "{} vs {}",
        j.evaluations,
        dense.evaluations
    );
    // A black box of batches: the same numbers, a handful of calls instead of one per point.
    let calls = std::cell::Cell::new(0);
    let batch = |points: &[Vec<f64>]| {
        calls.set(calls.get() + 1);
        points.iter().map(|p| f(p)).collect()
    };
    let jb = NumDiff::new()
        .sparse_jacobian_batched(&batch, &x, &pattern)
        .unwrap();
    assert_eq!(jb, j);
    assert!(calls.get() * 3 < j.evaluations, "{} calls", calls.get());
    // A pattern of the wrong size is an error, not a panic.
    let small = pattern_from_entries(n, n - 1, &[(0, 0)]).unwrap();
    assert!(NumDiff::new().sparse_jacobian(&f, &x, &small).is_err());
}

/// A random two-variable term with its x and y renamed (not the x of `exp`, `max`).
fn rename(term: &str, x: &str, y: &str) -> String {
    term.replace("exp", "#")
        .replace("max", "&")
        .replace('x', x)
        .replace('y', y)
        .replace('#', "exp")
        .replace('&', "max")
}

/// The sparse Hessian holds every nonzero of the dense one and equals it to rounding, exactly
/// symmetric; value and gradient are the dense path's to the bit.
fn matches_dense(
    src: &str,
    sparse: &hessopt::expr::SparseDerivatives,
    dense: &hessopt::expr::Derivatives,
) -> Result<(), TestCaseError> {
    prop_assert!(covers(&sparse.hessian, &dense.hessian), "{src}");
    let got = densify(&sparse.hessian);
    let scale = 1.0 + dense.hessian.iter().map(|v| v.abs()).fold(0.0, f64::max);
    for (g, w) in got.iter().zip(dense.hessian.iter()) {
        prop_assert!((g - w).abs() <= 1e-12 * scale, "{src}: {g} vs {w}");
    }
    prop_assert_eq!(&got, &got.transpose());
    prop_assert_eq!(&sparse.gradient, &dense.gradient);
    prop_assert_eq!(sparse.value, dense.value);
    Ok(())
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
            .map(|(t, i, j)| rename(t, names[*i], names[*j]))
            .collect();
        let src = src.join(" + ");
        let f = Formula::parse_with_vars(&src, &names).unwrap();
        let Ok(dense) = f.hessian(&x) else { return Ok(()) };
        let sparse = f.sparse_hessian(&x).unwrap();
        matches_dense(&src, &sparse, &dense)?;
    }
}

/// The constant-operand forms the sweeps specialize (a constant term or factor on either side,
/// negation, squares) and the kinks (`abs`, `min`, `max`), on one variable or a pair.
fn special_term() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(2.5 - x)^2 * y".to_string()),
        Just("(x - 0.5) * (y + 1.5) * -3".to_string()),
        Just("-x^2 * (0.25 * y)".to_string()),
        Just("-(x * y) + x / 4 + 2 / (3 + y^2)".to_string()),
        Just("abs(x - y) * min(x, y^2) + max(x^2, y)".to_string()),
        Just("(1 + x^2) * (1 - y)".to_string()),
        Just("x^2".to_string()),
    ]
}

proptest! {
    #![proptest_config(common::config(40))]

    /// Twelve variables, one term coupling ten of them (more colors than one block of lanes
    /// holds: two blocks), random and specialized terms on random pairs: the sparse Hessian equals
    /// the dense one, the gradient bitwise, and one workspace reused at a second point (by
    /// `evaluate` and `hessian_with`) gives bitwise the numbers of a fresh one.
    #[test]
    fn sparse_equals_dense_over_two_blocks(
        terms in proptest::collection::vec(
            (prop_oneof![formula(), special_term()], 0usize..12, 0usize..12), 1..6),
        x in proptest::collection::vec(-1.5f64..1.5, 12),
        x2 in proptest::collection::vec(-1.5f64..1.5, 12),
    ) {
        let names: Vec<String> = (0..12).map(|i| format!("u{i}")).collect();
        let mut src: Vec<String> = terms
            .iter()
            .map(|(t, i, j)| rename(t, &names[*i], &names[*j]))
            .collect();
        src.push(format!("0.1 * sin({})", names[..10].join(" + ")));
        let src = src.join(" + ");
        let vars: Vec<&str> = names.iter().map(String::as_str).collect();
        let f = Formula::parse_with_vars(&src, &vars).unwrap();
        let plan = SparseHessian::new(f.clone()).unwrap();
        prop_assert!(plan.colors() > 8, "{src}: {} colors", plan.colors());
        let nnz = plan.pattern().nnz();
        let mut ws = hessopt::expr::SparseWorkspace::default();
        let (mut g, mut v) = (vec![0.0; 12], vec![0.0; nnz]);
        for point in [&x, &x2] {
            let Ok(dense) = f.hessian(point) else { continue };
            let value = plan.evaluate(point, &mut ws, &mut g, &mut v).unwrap();
            let fresh = plan.hessian(point).unwrap();
            prop_assert_eq!(&plan.hessian_with(point, &mut ws).unwrap(), &fresh);
            prop_assert_eq!(value, fresh.value);
            prop_assert_eq!(&g, &fresh.gradient);
            prop_assert_eq!(&v[..], fresh.hessian.values());
            matches_dense(&src, &fresh, &dense)?;
        }
    }
}
