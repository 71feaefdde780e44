//! Numerical derivatives at the edges of the floating-point range (issue 12): tiny and huge
//! points, functions that vary on a scale far below |x| or far below what x can resolve, and the
//! evaluation budget. The rule checked throughout: an estimate is within 10 × its error estimate
//! of the closed form, or it says it cannot be trusted (an infinite error estimate or an error).

mod common;

use hessopt::diff::{self, NumDiff};
use proptest::prelude::*;

/// The documented evaluation bound of a dense Hessian: 4n² + 4n + 1, plus 2L per coordinate for
/// ladders that move (L = min(n + 3, max_levels) levels, 6 by default).
fn hessian_bound(n: usize) -> usize {
    let levels = (n + 3).min(6);
    4 * n * n + 4 * n + 1 + 2 * n * levels
}

/// Hessian entries against closed forms: within 10 × the error estimate (and a rounding floor).
fn assert_hessian(name: &str, est: &diff::HessianEstimate, want: &[f64]) {
    let n = est.hessian.nrows();
    for (k, w) in want.iter().enumerate() {
        let (got, err) = (est.hessian[(k / n, k % n)], est.error[(k / n, k % n)]);
        assert!(
            err.is_finite() && (got - w).abs() <= 10.0 * err + 1e-14 * w.abs(),
            "{name}: H[{k}] = {got:e} ± {err:e}, want {w:e}"
        );
    }
    assert!(
        est.evaluations <= hessian_bound(n),
        "{name}: {} evaluations",
        est.evaluations
    );
}

#[test]
fn tiny_and_huge_points() {
    let sq = |x: &[f64]| x[0] * x[0];
    let h = diff::hessian(&sq, &[1e-200]).unwrap();
    assert_hessian("x^2 at 1e-200", &h, &[2.0]);
    assert!((h.hessian[(0, 0)] - 2.0).abs() < 1e-12);
    // x² is 1e308 here and overflows from x = 1.3407807929942596e154 on.
    let h = diff::hessian(&sq, &[1e154]).unwrap();
    assert_hessian("x^2 at 1e154", &h, &[2.0]);
    assert!((h.gradient[0] - 2e154).abs() < 1e-12 * 2e154);
    let h = diff::hessian(&sq, &[1.3e154]).unwrap();
    assert_hessian("x^2 at 1.3e154", &h, &[2.0]);
    // At the overflow edge the step shrinks or turns one-sided: honest, however wide.
    let edge = 1.340_78e154;
    let h = diff::hessian(&sq, &[edge]).unwrap();
    assert!(
        (h.hessian[(0, 0)] - 2.0).abs() <= 10.0 * h.error[(0, 0)],
        "{h:?}"
    );
    // f itself not finite at x: an error, not a number.
    assert!(diff::hessian(&sq, &[1.35e154]).is_err());
    let sum = |x: &[f64]| x[0] * x[0] + x[1] * x[1];
    let h = diff::hessian(&sum, &[1e-300, 1.0]).unwrap();
    assert_hessian("x^2 + y^2 at (1e-300, 1)", &h, &[2.0, 0.0, 0.0, 2.0]);
    let g = diff::gradient(&sum, &[1e-300, 1.0]).unwrap();
    assert!(g.gradient[0].abs() <= 10.0 * g.error[0] && (g.gradient[1] - 2.0).abs() < 1e-10);
    // A function whose scale is 1 at a point of size 1e-250: the ladder moves up.
    let h = diff::hessian(&|x: &[f64]| x[0].exp(), &[1e-250]).unwrap();
    assert_hessian("exp(x) at 1e-250", &h, &[1.0]);
    assert!((h.hessian[(0, 0)] - 1.0).abs() < 1e-8, "{h:?}");
    // sin(x) at 1e-5: the first derivative is resolved at the relative step, so the ladder
    // stays; the second is rough (rounding over h² = 1.6e-13) and says so.
    let h = diff::hessian(&|x: &[f64]| x[0].sin(), &[1e-5]).unwrap();
    assert_hessian("sin(x) at 1e-5", &h, &[-(1e-5f64).sin()]);
}

/// sin(x) at 1e20: x + h resolves nothing finer than 16 384, far above sin's period, so no step
/// gives a quotient worth anything (the old answer was 1.4e-36 ± 1.5e-37; cos(1e20) = -0.76).
#[test]
fn unresolvable_variation_is_untrusted() {
    let f = |x: &[f64]| x[0].sin();
    for x in [1e20, -3e17, 1e300] {
        let h = diff::hessian(&f, &[x]).unwrap();
        assert!(h.error[(0, 0)].is_infinite(), "{x}: {h:?}");
        assert!(h.gradient_error[0].is_infinite(), "{x}: {h:?}");
        let g = diff::gradient(&f, &[x]).unwrap();
        assert!(g.error[0].is_infinite(), "{x}: {g:?}");
    }
}

/// Softplus terms that bend on a scale of 1 or 1/50 at x = 300 (first step 12): the quotients
/// contract too slowly or not at all, and the ladder moves down to the function's own scale.
/// Closed forms: softplus'' (u) = σ(u)(1 − σ(u)), times k² for softplus(k u).
#[test]
fn scale_far_below_x() {
    let sigma = |u: f64| 1.0 / (1.0 + (-u).exp());
    let cases = [
        (1.0, 300.0, 300.0),
        (1.0, 300.0, 301.3),
        (50.0, 300.0, 300.0),
        (50.0, 300.0, 300.01),
        (1.0, -300.0, -299.5),
    ];
    for (k, c, x0) in cases {
        let f = move |x: &[f64]| (1.0 + (k * (x[0] - c)).exp()).ln();
        let u = k * (x0 - c);
        let want = k * k * sigma(u) * (1.0 - sigma(u));
        let h = diff::hessian(&f, &[x0]).unwrap();
        assert_hessian(&format!("softplus({k} (x - 300)) at {x0}"), &h, &[want]);
        assert!(
            (h.hessian[(0, 0)] - want).abs() < 1e-6 * want,
            "k = {k}, x = {x0}: {} vs {want}",
            h.hessian[(0, 0)]
        );
    }
}

/// The bound 4n² + 4n + 1 holds while every ladder stays where it started; moved ladders (here
/// one-sided at a bound, moved down for softplus, up for exp at 1e-250) take at most 2L more
/// per coordinate. The counts are the real ones.
#[test]
fn evaluation_counts() {
    let smooth = |x: &[f64]| (x[0] * x[1]).sin() + x[1].exp();
    let h = diff::hessian(&smooth, &[0.4, -1.3]).unwrap();
    assert!(h.evaluations <= 4 * 4 + 4 * 2 + 1, "{}", h.evaluations);
    // log(x) at its bound: one-sided passes after a failed central step.
    let f = |x: &[f64]| x[0].ln() + x[1].ln();
    let nd = NumDiff::new()
        .with_bounds(vec![1.0, 1.0], vec![10.0, 10.0])
        .unwrap();
    let h = nd.hessian(&f, &[1.0, 1.0]).unwrap();
    assert_eq!(h.one_sided, vec![true, true]);
    assert!(
        h.evaluations > 25 && h.evaluations <= hessian_bound(2),
        "{}",
        h.evaluations
    );
    let softplus = |x: &[f64]| (1.0 + (50.0 * (x[0] - 300.0)).exp()).ln() + x[1] * x[1];
    let h = diff::hessian(&softplus, &[300.0, 1.0]).unwrap();
    assert!(h.evaluations <= hessian_bound(2), "{}", h.evaluations);
}

/// A smooth function of one variable with its first two derivatives in closed form.
#[derive(Debug, Clone, Copy)]
enum Smooth {
    Sin(f64),
    Exp(f64),
    Cubic([f64; 4]),
}

impl Smooth {
    fn eval(self, x: f64) -> [f64; 3] {
        match self {
            Smooth::Sin(a) => [(a * x).sin(), a * (a * x).cos(), -a * a * (a * x).sin()],
            Smooth::Exp(a) => {
                let e = (a * x).exp();
                [e, a * e, a * a * e]
            }
            Smooth::Cubic([c0, c1, c2, c3]) => [
                c0 + x * (c1 + x * (c2 + x * c3)),
                c1 + x * (2.0 * c2 + x * 3.0 * c3),
                2.0 * c2 + 6.0 * c3 * x,
            ],
        }
    }
}

fn smooth() -> impl Strategy<Value = Smooth> {
    prop_oneof![
        (-3.0f64..3.0).prop_map(|e| Smooth::Sin(10f64.powf(e))),
        (-3.0f64..1.0).prop_map(|e| Smooth::Exp(-(10f64.powf(e)))),
        (-3.0f64..1.0).prop_map(|e| Smooth::Exp(10f64.powf(e))),
        prop::array::uniform4(-2.0f64..2.0).prop_map(Smooth::Cubic),
    ]
}

/// Within 10 × the estimate (with floors for the closed form's own rounding), or flagged.
fn bounded(what: &str, got: f64, err: f64, want: f64) -> Result<(), String> {
    if err.is_infinite() || !want.is_finite() {
        return Ok(());
    }
    if !got.is_finite() || !err.is_finite() {
        return Err(format!("{what}: {got:e} ± {err:e}"));
    }
    if (got - want).abs() <= 10.0 * err + 1e-12 * want.abs() + 1e-300 {
        Ok(())
    } else {
        Err(format!("{what}: {got:e} ± {err:e}, want {want:e}"))
    }
}

proptest! {
    #![proptest_config(common::config(300))]

    /// Random smooth functions at random points ±1e-300 … 1e300 (the function either on its own
    /// scale, with x multiplied by 1/|x|·10^±1, or on an absolute one): every gradient and
    /// Hessian estimate bounds its error or is flagged (infinite estimate, or an error).
    #[test]
    fn estimates_bound_their_error_or_say_so(
        g in smooth(),
        e in -300.0f64..300.0,
        negative in any::<bool>(),
        relative in any::<bool>(),
        rel in -1.0f64..1.0,
    ) {
        let x = if negative { -(10f64.powf(e)) } else { 10f64.powf(e) };
        // On its own scale only above the scale floor: steps stay above 1e-140 (their squares
        // normal), so a function varying on a scale below that is outside the engine's reach —
        // and sin(a x) sampled at steps h/4^k can alias into a smooth-looking ladder there.
        let relative = relative && x.abs() >= 1e-100;
        let s = if relative { 10f64.powf(rel) / x.abs() } else { 1.0 };
        let f = move |p: &[f64]| g.eval(s * p[0])[0];
        let [_, d1, d2] = g.eval(s * x);
        let (d1, d2) = (s * d1, s * s * d2);
        let what = format!("{g:?} with x scaled by {s:e} at x = {x:e}");
        if let Ok(h) = diff::hessian(&f, &[x]) {
            let checked = bounded(&format!("{what}: H"), h.hessian[(0, 0)], h.error[(0, 0)], d2)
                .and_then(|()| bounded(&format!("{what}: g"), h.gradient[0], h.gradient_error[0], d1));
            prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
            prop_assert!(h.evaluations <= hessian_bound(1), "{what}: {} evaluations", h.evaluations);
        }
        if let Ok(gr) = diff::gradient(&f, &[x]) {
            let checked = bounded(&format!("{what}: gradient"), gr.gradient[0], gr.error[0], d1);
            prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
        }
    }
}
