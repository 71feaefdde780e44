use super::*;
use crate::error::Error;

#[test]
fn one_sided_at_a_bound() {
    // log(x) is undefined left of 0; with bounds [1e-3, ∞) at x = 1e-3 the stencil must go right.
    let f = |x: &[f64]| x[0].ln() + x[1] * x[1];
    let nd = NumDiff::new()
        .with_bounds(vec![1e-3, -10.0], vec![10.0, 10.0])
        .unwrap();
    let h = nd.hessian(&f, &[1e-3, 0.5]).unwrap();
    assert_eq!(h.one_sided, vec![true, false]);
    assert!((h.gradient[0] - 1e3).abs() < 1e-5 * 1e3, "{:?}", h.gradient);
    assert!(
        (h.hessian[(0, 0)] + 1e6).abs() < 1e-4 * 1e6,
        "{}",
        h.hessian
    );
    assert!(h.hessian[(0, 1)].abs() < 1e-6);
}

#[test]
fn nan_side_switches_to_one_sided() {
    let f = |x: &[f64]| (x[0] - 1.0).sqrt() * 2.0;
    let g = gradient(&f, &[1.0 + 1e-9]);
    // Too close to the branch point for any stencil: an error or an honest (large) estimate.
    if let Ok(g) = g {
        assert!(g.gradient[0].is_finite());
    }
    let g = gradient(&f, &[1.5]).unwrap();
    assert!((g.gradient[0] - 1.0 / 0.5f64.sqrt()).abs() < 1e-9);
}

#[test]
fn non_finite_everywhere_is_an_error() {
    let f = |_: &[f64]| f64::NAN;
    assert!(matches!(hessian(&f, &[1.0]), Err(Error::NonFinite { .. })));
    let nd = NumDiff::new();
    assert!(nd.clone().with_first_step(0.0).is_err());
    assert!(nd.with_bounds(vec![1.0], vec![0.0]).is_err());
}

#[test]
fn jacobian_and_hvp_from_gradient() {
    let f = |x: &[f64]| vec![x[0] * x[1], x[0] + x[1].sin()];
    let j = jacobian(&f, &[1.0, 2.0]).unwrap();
    let want = [2.0, 1.0, 1.0, 2f64.cos()];
    for (k, w) in want.iter().enumerate() {
        let (r, c) = (k / 2, k % 2);
        assert!((j.jacobian[(r, c)] - w).abs() < 1e-10, "{}", j.jacobian);
    }
    // f = x² y + y³: ∇f = (2xy, x² + 3y²), H = [[2y, 2x], [2x, 6y]].
    let g = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0] + 3.0 * x[1] * x[1]];
    let (hv, _, _) = NumDiff::new()
        .hvp_from_gradient(&g, &[1.0, 2.0], &[1.0, -1.0])
        .unwrap();
    assert!(
        (hv[0] - 2.0).abs() < 1e-9 && (hv[1] + 10.0).abs() < 1e-9,
        "{hv:?}"
    );
    let h = NumDiff::new()
        .hessian_from_gradient(&g, &[1.0, 2.0])
        .unwrap();
    assert!((h.jacobian[(0, 1)] - 2.0).abs() < 1e-9);
    // The same product from values only: f = x² y + y³.
    let fv = |x: &[f64]| x[0] * x[0] * x[1] + x[1].powi(3);
    let (hv, err, evals) = NumDiff::new().hvp(&fv, &[1.0, 2.0], &[1.0, -1.0]).unwrap();
    assert!(
        (hv[0] - 2.0).abs() < 1e-7 && (hv[1] + 10.0).abs() < 1e-7,
        "{hv:?} ± {err:?}"
    );
    assert!(evals > 0);
    let fs = |x: &[f64]| x[0] * x[0] * x[1];
    let (d, _, _) = NumDiff::new()
        .directional_derivative(&fs, &[1.0, 2.0], &[0.0, 3.0])
        .unwrap();
    assert!((d - 3.0).abs() < 1e-10);
}

#[cfg(feature = "parallel")]
#[test]
fn parallel_gives_the_same_numbers() {
    let f = |x: &[f64]| (x[0] * x[1]).sin() + x[2].exp() * x[0] + x[1].powi(3);
    let x = [0.4, -1.3, 0.2];
    let a = NumDiff::new().hessian(&f, &x).unwrap();
    let b = NumDiff::new().hessian_parallel(&f, &x).unwrap();
    assert_eq!(a, b);
}

/// Jacobians (and Hessians from a gradient) in rounds of points: the same numbers in a few calls.
#[test]
fn batched_jacobian_gives_the_same_numbers() {
    let f = |x: &[f64]| vec![x[0] * x[1].exp(), (x[0] - x[2]).sin(), x[1] * x[2].powi(3)];
    let x = [0.7, -0.4, 1.3];
    let calls = std::cell::Cell::new(0);
    let batch = |points: &[Vec<f64>]| {
        calls.set(calls.get() + 1);
        points.iter().map(|p| f(p)).collect::<Vec<_>>()
    };
    let nd = NumDiff::new();
    let a = nd.jacobian(&f, &x).unwrap();
    assert_eq!(nd.jacobian_batched(&batch, &x).unwrap(), a);
    assert!(calls.get() * 3 < a.evaluations, "{} calls", calls.get());
    let h = nd.hessian_from_gradient_batched(&batch, &x).unwrap();
    assert_eq!(h, nd.hessian_from_gradient(&f, &x).unwrap());
}
