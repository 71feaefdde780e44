//! `converged` is a certificate (issue 11): every converged report is re-checked here,
//! independently of the solver, at the point it returned — on random problems for every
//! minimizer, and on the traps that used to report convergence at a wrong point.
//!
//! The re-checks: first order with the formula's exact gradient, cross-checked against this
//! file's own central differences; second order with this file's own closed-form eigenvalues of
//! the 2 × 2 Hessian on the free variables (negative curvature along which f decreases by more
//! than 1e-8·max(1, |f|) fails the check); for the zeroth-order methods (no gradient, so no
//! first-order test of their own), that a BFGS polish from the returned point does not improve f
//! beyond the simplex's tolerance.

mod common;

use hessopt::solve::{METHOD_NAMES, Method, NelderMead, Options, Termination, minimize};
use hessopt::{Formula, Problem};
use proptest::prelude::*;

const G_TOL: f64 = 1e-8;

/// Own central differences with step h·max(1, |xᵢ|) (`relative`) or h.
fn central_gradient(f: &Formula, x: &[f64], h: f64, relative: bool) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let h = if relative { h * x[i].abs().max(1.0) } else { h };
            let (mut a, mut b) = (x.to_vec(), x.to_vec());
            a[i] += h;
            b[i] -= h;
            (f.value(&a).unwrap() - f.value(&b).unwrap()) / (2.0 * h)
        })
        .collect()
}

/// Smallest eigenvalue of the symmetric Hessian restricted to the free variables (n ≤ 2), in
/// closed form, and the largest magnitude.
fn min_eigenvalue(h: &[[f64; 2]; 2], free: [bool; 2]) -> (f64, f64) {
    match free {
        [true, true] => {
            let (a, b, c) = (h[0][0], h[0][1], h[1][1]);
            let mid = 0.5 * (a + c);
            let rad = (0.25 * (a - c).powi(2) + b * b).sqrt();
            (mid - rad, mid.abs() + rad)
        }
        [true, false] => (h[0][0], h[0][0].abs()),
        [false, true] => (h[1][1], h[1][1].abs()),
        [false, false] => (0.0, 0.0),
    }
}

/// The certificate of a converged gradient-method report on a 2-variable formula, re-checked.
fn check_gradient_certificate(
    f: &Formula,
    x: &[f64],
    bounds: Option<([f64; 2], [f64; 2])>,
    newton_decrement: bool,
) -> std::result::Result<(), String> {
    let (value, g) = f.gradient(x).map_err(|e| e.to_string())?;
    // The tape gradient agrees with central differences of step 1e-7·max(1, |xᵢ|), or of step
    // 1e-7 where f oscillates faster than the relative step resolves (cos(y/(2 + sin y)) at
    // y = 6429 turns its argument by 4 over 1e-7·y).
    let agrees = |own: &[f64]| {
        (0..2).all(|i| (own[i] - g[i]).abs() <= 1e-4 * (1.0 + value.abs() + g[i].abs()))
    };
    let own = central_gradient(f, x, 1e-7, true);
    if !agrees(&own) && !agrees(&central_gradient(f, x, 1e-7, false)) {
        return Err(format!("tape gradient {g:?} vs central {own:?} at {x:?}"));
    }
    // First order: projected gradient; a variable is free unless it sits on a bound (or within
    // 1e-6 relative with the gradient pushing outwards), as the driver and curvature_at hold it.
    let mut free = [true, true];
    let mut pg = 0.0f64;
    for i in 0..2 {
        let (lo, hi) = bounds.map_or((f64::NEG_INFINITY, f64::INFINITY), |(l, h)| (l[i], h[i]));
        pg = pg.max(((x[i] - g[i]).clamp(lo, hi) - x[i]).abs());
        let s = x[i].abs().max(1.0);
        let at_lo = (x[i] - lo).abs() <= 1e-10 * s || (x[i] - lo <= 1e-6 * s && g[i] > 0.0);
        let at_hi = (hi - x[i]).abs() <= 1e-10 * s || (hi - x[i] <= 1e-6 * s && g[i] < 0.0);
        free[i] = !(at_lo || at_hi);
    }
    let d = f.hessian(x).map_err(|e| e.to_string())?;
    let h = [
        [d.hessian[(0, 0)], d.hessian[(0, 1)]],
        [d.hessian[(1, 0)], d.hessian[(1, 1)]],
    ];
    // newton_decrement certifies f minimal to rounding: ½gᵀH⁻¹g ≤ 4ε|f| with the model's H;
    // re-checked with the exact H (positive definite, closed-form inverse), 16 times looser. SR1
    // on (y/(2 + sin y))³ stops so at y = −2.1424 with |g| = 4.7e-8 > G_TOL (PROPTEST_CASES=2000).
    // Σ (vᵀg)²/(2λ) over the eigenpairs of H (a flat direction, λ = 0, counts only when g has
    // no part along it: f may not depend on x at all).
    let (mid, rad) = (
        0.5 * (h[0][0] + h[1][1]),
        (0.25 * (h[0][0] - h[1][1]).powi(2) + h[0][1] * h[0][1]).sqrt(),
    );
    let pairs = if h[0][1] == 0.0 {
        [(h[0][0], [1.0, 0.0]), (h[1][1], [0.0, 1.0])]
    } else {
        [mid - rad, mid + rad].map(|l| (l, eigenvector(&h, [true, true], l)))
    };
    let decrement: f64 = pairs
        .iter()
        .map(|&(l, v)| {
            let along = v[0] * g[0] + v[1] * g[1];
            match (along == 0.0, l > 0.0) {
                (true, _) => 0.0,
                (false, true) => 0.5 * along * along / l,
                (false, false) => f64::INFINITY,
            }
        })
        .sum();
    let minimal_to_rounding = bounds.is_none() && decrement <= 64.0 * f64::EPSILON * value.abs();
    if pg > G_TOL && !(newton_decrement && minimal_to_rounding) {
        return Err(format!("projected gradient {pg:e} > {G_TOL:e} at {x:?}"));
    }
    let (lmin, scale) = min_eigenvalue(&h, free);
    if lmin < -1e-9 * scale {
        // Negative curvature: a minimum only if f cannot be decreased along it by more than
        // 1e-8·max(1, |f|) (the driver's significance), probed here on our own.
        let v = eigenvector(&h, free, lmin);
        let target = value - 1e-8 * value.abs().max(1.0);
        let lo = bounds.map_or([f64::NEG_INFINITY; 2], |b| b.0);
        let hi = bounds.map_or([f64::INFINITY; 2], |b| b.1);
        let mut alpha = x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        for _ in 0..60 {
            for sign in [1.0, -1.0] {
                let p: Vec<f64> = (0..2)
                    .map(|i| (x[i] + sign * alpha * v[i]).clamp(lo[i], hi[i]))
                    .collect();
                let fp = f.value(&p).unwrap_or(f64::NAN);
                if fp < target {
                    return Err(format!(
                        "negative curvature {lmin:e} at {x:?}: f({p:?}) = {fp:e} < f = {value:e}"
                    ));
                }
            }
            alpha *= 0.5;
        }
    }
    Ok(())
}

/// Unit eigenvector of the free part of the 2 × 2 symmetric `h` for its eigenvalue `lambda`.
fn eigenvector(h: &[[f64; 2]; 2], free: [bool; 2], lambda: f64) -> [f64; 2] {
    let (a, b, c) = (h[0][0], h[0][1], h[1][1]);
    let v = match free {
        [true, true] if b != 0.0 => {
            if (lambda - a).abs() >= (lambda - c).abs() {
                [b, lambda - a]
            } else {
                [lambda - c, b]
            }
        }
        [true, true] if a <= c => [1.0, 0.0],
        [true, false] => [1.0, 0.0],
        _ => [0.0, 1.0],
    };
    let n = v[0].hypot(v[1]);
    [v[0] / n, v[1] / n]
}

/// A zeroth-order report's minimum, re-checked by a BFGS polish from its point.
fn check_polish(f: &Formula, x: &[f64], value: f64) -> std::result::Result<(), String> {
    let p = Problem::from_formula(f);
    let options = Options::default().with_max_evals(5_000).unwrap();
    let polished = minimize(&p, x, &Method::from_name("bfgs").unwrap(), &options)
        .map_err(|e| e.to_string())?;
    if polished.value < value - 1e-6 * value.abs().max(1.0) {
        return Err(format!(
            "BFGS from the converged point {x:?} (f = {value:e}) reaches f = {:e}",
            polished.value
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(common::config(24))]

    /// Every minimizer, random smooth formulas in two variables, random starts: each converged
    /// report satisfies its certificate, re-checked here.
    #[test]
    fn every_converged_report_is_certified(src in common::formula(), x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let p = Problem::from_formula(&f);
        let options = Options::default().with_max_iter(300).unwrap().with_max_evals(3000).unwrap();
        for name in METHOD_NAMES.iter().filter(|m| !["brent", "lbfgsb"].contains(m)) {
            let Ok(r) = minimize(&p, &[x, y], &Method::from_name(name).unwrap(), &options) else {
                continue;
            };
            if !r.converged {
                continue;
            }
            prop_assert!(r.termination.certifies(), "{name}: {}", r.termination);
            let check = if ["nelder-mead", "sann"].contains(name) {
                check_polish(&f, &r.x, r.value)
            } else {
                check_gradient_certificate(&f, &r.x, None, r.termination == Termination::NewtonDecrement)
            };
            prop_assert!(check.is_ok(), "{name} on {src} from ({x}, {y}): {} ({})", check.unwrap_err(), r.termination);
        }
    }

    /// L-BFGS-B with random boxes: the projected-gradient and reduced second-order certificates.
    #[test]
    fn bounded_converged_reports_are_certified(
        src in common::formula(),
        lo in prop::array::uniform2(-3.0f64..0.0),
        width in prop::array::uniform2(0.1f64..4.0),
        t in prop::array::uniform2(0.0f64..1.0),
    ) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let hi = [lo[0] + width[0], lo[1] + width[1]];
        let p = Problem::from_formula(&f).with_bounds(lo.to_vec(), hi.to_vec()).unwrap();
        let x0 = [lo[0] + t[0] * width[0], lo[1] + t[1] * width[1]];
        let options = Options::default().with_max_iter(300).unwrap().with_max_evals(3000).unwrap();
        if let Ok(r) = minimize(&p, &x0, &Method::from_name("lbfgsb").unwrap(), &options) {
            if r.converged {
                let check = check_gradient_certificate(&f, &r.x, Some((lo, hi)), r.termination == Termination::NewtonDecrement);
                prop_assert!(check.is_ok(), "lbfgsb on {src} in {lo:?}..{hi:?}: {}", check.unwrap_err());
            }
        }
    }

    /// Brent on random one-variable functions and intervals: a converged report is not beaten
    /// by probes around its point, nor by a fine grid near it.
    #[test]
    fn brent_converged_reports_are_local_minima(src in common::formula(), y in -3.0f64..3.0, a in -3.0f64..0.0, w in 0.1f64..4.0) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let g = |x: &[f64]| f.value(&[x[0], y]).unwrap_or(f64::NAN);
        let p = Problem::new(1, g).with_bounds(vec![a], vec![a + w]).unwrap();
        if let Ok(r) = minimize(&p, &[a + 0.5 * w], &Method::from_name("brent").unwrap(), &Options::default()) {
            if r.converged {
                let x = r.x[0];
                for k in 1..=20 {
                    let h = 1e-7 * (k as f64) * x.abs().max(1.0);
                    for probe in [(x - h).max(a), (x + h).min(a + w)] {
                        let fp = g(&[probe]);
                        prop_assert!(fp >= r.value - 1e-9 * r.value.abs().max(1.0), "f({probe}) = {fp} < f({x}) = {}", r.value);
                    }
                }
            }
        }
    }
}

fn run(src: &str, vars: &[&str], x0: &[f64], method: &str) -> hessopt::solve::Report {
    let f = Formula::parse_with_vars(src, vars).unwrap();
    let p = Problem::from_formula(&f);
    let m = if method == "default" {
        Method::default_for(&p)
    } else {
        Method::from_name(method).unwrap()
    };
    minimize(&p, x0, &m, &Options::default()).unwrap()
}

#[test]
fn nelder_mead_one_variable_quadratics_end_at_the_minimum() {
    // The simplex used to straddle the minimum with equal values and stop there ((x − 1)² from
    // 10 ended at x = 0, "simplex_converged"): 40 quadratics a(x − c)² + d of that kind.
    let r = run("(x - 1)^2", &["x"], &[10.0], "nelder-mead");
    assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-4, "{r}");
    for k in 0..40 {
        let kf = k as f64;
        let (a, c, d) = (
            0.5 + (kf * 0.37) % 4.0,
            -5.0 + (kf * 1.7) % 10.0,
            (kf * 0.3) % 2.0 - 1.0,
        );
        let x0 = c + [9.0, -7.0, 3.5, -0.25, 20.0][k % 5];
        let src = format!("{a}*(x - ({c}))^2 + ({d})");
        let r = run(&src, &["x"], &[x0], "nelder-mead");
        assert!(
            r.converged && (r.x[0] - c).abs() <= 1e-3 * c.abs().max(1.0),
            "{src} from {x0}: {r}"
        );
    }
}

#[test]
fn nelder_mead_with_a_free_variable_and_on_a_kink() {
    let r = run("x^2 + 0*y", &["x", "y"], &[1.0, 1.0], "nelder-mead");
    assert!(r.converged && r.x[0].abs() < 1e-4, "{r}");
    // Used to stop at (0.15, 0.05).
    let r = run("abs(x) + abs(y)", &["x", "y"], &[1.0, 1.0], "nelder-mead");
    assert!(
        r.converged && r.x[0].abs() < 1e-6 && r.x[1].abs() < 1e-6,
        "{r}"
    );
}

#[test]
fn stationary_points_that_are_not_minima_are_not_converged() {
    // A maximum after 0 iterations and a saddle used to "converge". Every gradient method steps
    // off along the negative curvature (second-order methods with their own Hessian, first-order
    // ones with the exact Hessian of the certificate) and finds f unbounded below.
    for method in [
        "default",
        "newton",
        "sr1",
        "bfgs",
        "lbfgs",
        "cg",
        "gradient-descent",
    ] {
        let r = run("-x^2", &["x"], &[0.0], method);
        assert!(
            !r.converged && r.termination == Termination::Unbounded,
            "{method}: {r}"
        );
        let r = run("x^2 - y^2", &["x", "y"], &[1.0, 0.0], method);
        assert!(
            !r.converged && r.termination == Termination::Unbounded,
            "{method}: {r}"
        );
    }
    // A method that steps off a saddle goes on to the minimum beyond it.
    for method in ["trust-region", "bfgs", "lbfgs", "cg"] {
        let r = run("x^2 + y^4/4 - y^2/2", &["x", "y"], &[1.0, 0.0], method);
        assert!(
            r.converged && (r.x[1].abs() - 1.0).abs() < 1e-6,
            "{method}: {r}"
        );
    }
}

/// f = x + y has no minimum, but x runs to only 1e17 … 1e60 in the iteration limit, short of the
/// driver's f < −1e300 / ‖x‖∞ > 1e150: the runs ended `max_iterations` (L-BFGS-B
/// `line_search_failed` at −2.7e17). A run that stops that way now probes the steepest descent
/// ray: f falling over 64 doublings of the step is `unbounded`. A stop short of a minimum that
/// exists stays what it was.
#[test]
fn runs_out_of_iterations_on_an_unbounded_linear_function_end_unbounded() {
    let f = Formula::parse_with_vars("x + y", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    let options = Options::default().with_max_iter(30).unwrap();
    for method in [
        "bfgs",
        "lbfgs",
        "lbfgsb",
        "cg",
        "gradient-descent",
        "dfp",
        "newton",
    ] {
        let r = minimize(
            &p,
            &[0.0, 0.0],
            &Method::from_name(method).unwrap(),
            &options,
        )
        .unwrap();
        assert!(
            !r.converged && r.termination == Termination::Unbounded && r.value < -1e15,
            "{method}: {r}"
        );
    }
    // The probe (up to 125 calls) is not made where it would overrun max_evals.
    for budget in [100, 200] {
        let options = Options::default().with_max_evals(budget).unwrap();
        let r = minimize(
            &p,
            &[0.0, 0.0],
            &Method::from_name("lbfgsb").unwrap(),
            &options,
        )
        .unwrap();
        assert!(
            r.evaluations.f + r.evaluations.gradient <= budget,
            "{budget}: {r}"
        );
    }
    let rosenbrock = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&rosenbrock);
    let options = Options::default().with_max_iter(5).unwrap();
    for method in ["bfgs", "lbfgsb", "cg", "gradient-descent"] {
        let r = minimize(
            &p,
            &[-1.2, 1.0],
            &Method::from_name(method).unwrap(),
            &options,
        )
        .unwrap();
        assert_eq!(r.termination, Termination::MaxIterations, "{method}: {r}");
    }
}

#[test]
fn small_step_and_f_change_tests_are_stalls_unless_certified() {
    let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    // A loose f-change test stops early: that is not convergence.
    let loose = Options::default().with_f_tol(0.1).unwrap();
    let r = minimize(
        &p,
        &[-1.2, 1.0],
        &Method::from_name("bfgs").unwrap(),
        &loose,
    )
    .unwrap();
    assert!(
        !r.converged && r.termination == Termination::SmallFChange,
        "{r}"
    );
    // Rejected trials (trust region, SR1, Nelder–Mead) do not move x; the x-change test used to
    // fire on them ("small_step" after the first rejection).
    let tight = Options::default().with_x_tol(1e-12).unwrap();
    for name in ["trust-region", "sr1", "nelder-mead"] {
        let r = minimize(&p, &[-1.2, 1.0], &Method::from_name(name).unwrap(), &tight).unwrap();
        assert!(
            r.converged && (r.x[0] - 1.0).abs() < 1e-3,
            "{name} with x_tol: {r}"
        );
    }
}

#[test]
fn nelder_mead_certificate_restarts_until_no_improvement() {
    // Wood's function: the first simplex cycle stalls at f ≈ 1.6; restarts at the best point go
    // on until a fresh simplex finds nothing better.
    let wood = "100*(x2 - x1^2)^2 + (1 - x1)^2 + 90*(x4 - x3^2)^2 + (1 - x3)^2 + 10*(x2 + x4 - 2)^2 + (x2 - x4)^2/10";
    let f = Formula::parse_with_vars(wood, &["x1", "x2", "x3", "x4"]).unwrap();
    let p = Problem::from_formula(&f);
    let r = minimize(
        &p,
        &[-3.0, -1.0, -3.0, -1.0],
        &Method::NelderMead(NelderMead::default()),
        &Options::default().with_max_evals(20_000).unwrap(),
    )
    .unwrap();
    if r.converged {
        let polish = check_polish(&f, &r.x, r.value);
        assert!(polish.is_ok(), "{r}: {polish:?}");
    } else {
        assert_eq!(r.termination, Termination::MaxEvaluations, "{r}");
    }
}

#[test]
fn curvature_at_agrees_with_the_solver_and_computes_a_missing_gradient() {
    use hessopt::solve::{curvature_at, curvature_at_tol};
    // BFGS's certificate and curvature_at's stationarity are one rule: a point certified with a
    // tolerance is stationary for curvature_at with that tolerance (Brown badly scaled, where a
    // rule relative to |x| = 1e6 used to disagree).
    let f =
        Formula::parse_with_vars("(x - 1e6)^2 + (y - 2e-6)^2 + (x*y - 2)^2", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    let o = Options::default().with_g_tol(1e-6).unwrap();
    let r = minimize(&p, &[1.0, 1.0], &Method::from_name("bfgs").unwrap(), &o).unwrap();
    if r.converged {
        let c = curvature_at_tol(&p, &r.x, o.g_tol).unwrap();
        assert!(c.analysis.stationary, "{r}\n{:?}", c.analysis);
    }
    // A Hessian without a gradient: the gradient is computed, not taken as zero.
    let q = Problem::new(1, |x: &[f64]| (x[0] - 1.0).powi(2)).with_hessian(|_x, h| h[(0, 0)] = 2.0);
    let c = curvature_at(&q, &[0.0]).unwrap();
    assert!(!c.analysis.stationary, "{:?}", c.analysis);
}

/// Scale (issue 11, found by `tests/scaled_certificates.rs`): 1e-10·(x² + y⁴/4 − y²/2) from its
/// saddle (1, 0) was certified `gradient_norm` by every gradient method in 0 iterations — the
/// Hessian's negative curvature was seen, but f falls by only 2.5e-11 along it, below the step-off
/// significance 1e-8·max(1, |f|). The floor now follows f's own scale (min(1, |f(x0)|)): the
/// methods step off and end at the minimum (0, ±1), as at scale 1.
#[test]
fn a_saddle_of_a_small_scaled_function_is_left() {
    for scale in ["1e-10", "1e-6", "1"] {
        for method in [
            "bfgs",
            "lbfgs",
            "cg",
            "newton",
            "trust-region",
            "gradient-descent",
        ] {
            let r = run(
                &format!("{scale}*(x^2 + y^4/4 - y^2/2)"),
                &["x", "y"],
                &[1.0, 0.0],
                method,
            );
            assert!(
                r.converged && (r.x[1].abs() - 1.0).abs() < 1e-3,
                "{scale}, {method}: {r}"
            );
        }
    }
}

/// A numerical gradient far from the origin (issue 11, found by `tests/scaled_certificates.rs`):
/// BFGS without a gradient on x + logsumexp(atan(x), 0) + 0.05(x² + y²), shifted by 1e4, was
/// certified at x = 9989.98 where the true derivative is −7.03e-8 (mpmath), above g_tol = 1e-8:
/// the run's central differences step ε^⅓·1e4 = 0.06. The certificate is now checked on the
/// extrapolated gradient: the run goes on, and a line search on f ≈ −4.79 cannot resolve the
/// last 1e-8 (f changes by 2e-14 there), so it ends `line_search_failed` at a true derivative of
/// about 1e-8 — a stall named as one, not a certificate.
#[test]
fn a_numerical_gradient_far_from_the_origin_is_refined_before_certifying() {
    let s = 1e4;
    let f = move |x: &[f64]| {
        let u = x[0] - s;
        let v = x[1] - s;
        u + (u.atan().exp() + 1.0).ln() + 0.05 * (u * u + v * v)
    };
    // d/du: 1 + σ(atan u)/(1 + u²) + 0.1u, σ the logistic function.
    let exact = |u: f64| 1.0 + 1.0 / (1.0 + (-u.atan()).exp()) / (1.0 + u * u) + 0.1 * u;
    let p = Problem::new(2, f);
    let r = minimize(
        &p,
        &[s, s],
        &Method::from_name("bfgs").unwrap(),
        &Options::default(),
    )
    .unwrap();
    let g = exact(r.x[0] - s);
    assert!(
        g.abs() <= if r.converged { 1e-8 } else { 1e-7 } && (r.x[1] - s).abs() <= 1e-6,
        "true gradient {g:e}: {r}"
    );
}

/// newton_decrement re-checked by the driver (issue 11, found by `tests/scaled_certificates.rs`):
/// the trust region with numerical derivatives on 10·(c^atan(u) + 0.05(u² + v²)), c =
/// 2 + sin(−1.335), u = x − 1e6, v = y − 1e6, stopped `newton_decrement` at u = −0.06344, where
/// f at u = −0.06450 is lower by 2.2e-4 (the minimum is at −0.2546): its decrement test used the coarse central-difference
/// gradient (step 6 at x = 1e6). The driver now re-checks the decrement with the extrapolated
/// gradient and its own Hessian: the run ends `trust_region_collapsed` there (the extrapolated
/// gradient is 0.21; the method's own derivatives cannot go on), and a converged report would
/// have to be at the minimum u* = −0.2546 (the root of the exact derivative, bisected here).
#[test]
fn a_newton_decrement_from_coarse_derivatives_is_rechecked() {
    let s = 1e6;
    let c = 2.0 + (-1.335f64).sin();
    let f = move |x: &[f64]| {
        let (u, v) = (x[0] - s, x[1] - s);
        10.0 * (c.powf(u.atan()) + 0.05 * (u * u + v * v))
    };
    let derivative = |u: f64| c.powf(u.atan()) * c.ln() / (1.0 + u * u) + 0.1 * u;
    let (mut lo, mut hi) = (-1.0, 0.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if derivative(mid) < 0.0 {
            lo = mid
        } else {
            hi = mid
        }
    }
    let p = Problem::new(2, f);
    let r = minimize(
        &p,
        &[999_997.680_506_254_3, s],
        &Method::from_name("trust-region").unwrap(),
        &Options::default()
            .with_max_iter(300)
            .unwrap()
            .with_max_evals(3000)
            .unwrap(),
    )
    .unwrap();
    assert!(
        !r.converged || ((r.x[0] - s) - lo).abs() <= 1e-4,
        "u* = {lo}: {r}"
    );
}

/// Aliasing in the extrapolated gradient (issue 11, found by `tests/scaled_certificates.rs` at
/// PROPTEST_CASES=2000): BFGS from values alone on 1e-8·(atan2(2.668, 2 + sin(v³)) + 0.05(u² +
/// v²)), u, v = x − 1e5, y − 1e5, was gradient_norm at v = 2.90594 with a true derivative of
/// −5.80e-8: the extrapolation's first ladder (steps from 4000) aliased sin(v³) into 2.9e-9 ±
/// 3e-12. Estimates from smaller steps are now compared with it; a converged report has a true
/// gradient within g_tol.
#[test]
fn an_aliased_extrapolated_gradient_is_cross_checked() {
    let g = Formula::parse_with_vars(
        "atan2(2.668, 2 + sin((y)^3)) + 0.05*(x^2 + y^2)",
        &["x", "y"],
    )
    .unwrap();
    let s = 1e5;
    let f = |x: &[f64]| g.value(&[x[0] - s, x[1] - s]).unwrap_or(f64::NAN) * 1e-8;
    let r = minimize(
        &Problem::new(2, f),
        &[s, s + 2.905_938_927_84],
        &Method::from_name("bfgs").unwrap(),
        &Options::default(),
    )
    .unwrap();
    let (_, d) = g.gradient(&[r.x[0] - s, r.x[1] - s]).unwrap();
    let exact = d.iter().fold(0.0f64, |m, v| m.max(1e-8 * v.abs()));
    assert!(
        !r.converged || exact <= 1.5e-8,
        "exact gradient {exact:e}: {r}"
    );
}
