//! Root finding against closed forms, a cycling case, and the square Moré–Garbow–Hillstrom systems.

use hessopt::problems::mgh;
use hessopt::root::{
    RootOptions, RootReport, Scalar, ScalarMethod, System, SystemMethod, solve_scalar, solve_system,
};
use hessopt::solve::{Options, Termination};
use hessopt::{Formula, FormulaSet};
use nalgebra::DMatrix;

fn scalar(src: &str) -> Formula {
    Formula::parse(src).unwrap()
}

fn run(
    f: &Formula,
    x0: f64,
    method: ScalarMethod,
    bracket: Option<(f64, f64)>,
) -> hessopt::root::RootReport {
    run_shifted(f, 0.0, x0, method, bracket)
}

#[test]
fn square_root_of_two_every_scalar_method() {
    let f = scalar("x^2 - 2");
    for (m, bracket) in [
        (ScalarMethod::Newton, None),
        (ScalarMethod::Secant, None),
        (ScalarMethod::Brent, Some((0.0, 2.0))),
        (ScalarMethod::Brent, None),
    ] {
        let r = run(&f, 1.0, m, bracket);
        assert!(r.converged, "{m:?}: {r:?}");
        assert!((r.x[0].abs() - 2f64.sqrt()).abs() < 1e-12, "{m:?}: {r:?}");
        println!(
            "sqrt(2) {m:?} bracket {bracket:?}: {} iterations, {} evaluations",
            r.iterations, r.evaluations
        );
    }
    let newton = run(&f, 1.0, ScalarMethod::Newton, None);
    assert!(newton.iterations <= 6, "quadratic convergence: {newton:?}");
}

#[test]
fn inverse_square_root_by_newton() {
    // The classic: 1/√a as the root of 1/x² − a (here a = 2), from 0.5.
    let r = run(&scalar("1/x^2 - 2"), 0.5, ScalarMethod::Newton, None);
    assert!(
        r.converged && (r.x[0] - 0.5f64.sqrt()).abs() < 1e-12,
        "{r:?}"
    );
}

#[test]
fn multiple_root_slows_newton_to_linear() {
    // (x − 1)³: Newton's error shrinks by 2/3 per step (linear), yet it converges.
    let r = run(&scalar("(x - 1)^3"), 2.0, ScalarMethod::Newton, None);
    assert!(r.converged, "{r:?}");
    assert!(
        r.iterations >= 15,
        "linear convergence takes many steps: {}",
        r.iterations
    );
    assert!((r.x[0] - 1.0).abs() < 1e-3);
    let simple = run(
        &scalar("x - 1 + (x - 1)^3"),
        2.0,
        ScalarMethod::Newton,
        None,
    );
    assert!(simple.iterations < r.iterations / 2);
}

#[test]
fn safeguard_rescues_cycling_newton() {
    // Plain Newton on x³ − 2x + 2 from 0 cycles 0 → 1 → 0 → …; the |f| safeguard escapes.
    let f = scalar("x^3 - 2*x + 2");
    let r = run(&f, 0.0, ScalarMethod::Newton, None);
    assert!(r.converged, "{r:?}");
    assert!((r.x[0] + 1.769_292_354_238_631).abs() < 1e-10, "{r:?}");
}

#[test]
fn brent_bracket_without_sign_change_is_an_error_as_in_uniroot() {
    let f = scalar("x^2 + 1");
    let fv = |x: f64| f.value(&[x]).unwrap_or(f64::NAN);
    let eq = Scalar { f: &fv, df: None };
    let e = solve_scalar(
        &eq,
        0.0,
        Some((-1.0, 1.0)),
        ScalarMethod::Brent,
        &RootOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("f(-1) = 2 and f(1) = 2 are not of opposite sign"),
        "{e}"
    );
    // Without a bracket the outward search fails and says so in the report.
    let r = run(&f, 0.0, ScalarMethod::Brent, None);
    assert_eq!(r.termination, Termination::NoBracket);
    assert!(!r.converged);
}

fn values_of(set: &FormulaSet) -> impl Fn(&[f64], &mut [f64]) + '_ {
    move |x: &[f64], out: &mut [f64]| set.values_into(x, out)
}

fn jacobian_of(set: &FormulaSet) -> impl Fn(&[f64], &mut DMatrix<f64>) + '_ {
    move |x: &[f64], j: &mut DMatrix<f64>| set.jacobian_into(x, j)
}

/// Solves the system `src` in x, y (exact Jacobian) from `x0`.
fn solve_xy(src: &str, x0: &[f64], method: SystemMethod, opts: &RootOptions) -> RootReport {
    let set = FormulaSet::parse_with_vars(src, &["x", "y"]).unwrap();
    let (f, j) = (values_of(&set), jacobian_of(&set));
    let sys = System {
        n: 2,
        f: &f,
        jacobian: Some(&j),
    };
    solve_system(&sys, x0, method, opts).unwrap()
}

/// Item 5 of issue 11: ‖F‖ → 0 only as x → ∞. A point where ‖F‖∞ ≤ tol on such an asymptote
/// (exp(−x) at x = 28, 1/x at x = 10¹²) is not_a_root, for systems as for one equation; iterates
/// beyond 1e150 are unbounded; never root_found. (scipy's MINPACK hybr/lm on exp(−x) from 0:
/// maxfev reached, success False.) Roots far from the origin and exact roots stay root_found.
#[test]
fn asymptotes_are_not_roots() {
    let long = |tol: f64| RootOptions {
        ftol: tol,
        max_iter: 5000,
        ..RootOptions::default()
    };
    let methods = [SystemMethod::Newton, SystemMethod::Broyden];
    for (src, x0) in [
        ("exp(-x); y - 1", [0.0, 0.0]),
        ("1/x; y", [1.0, 1.0]),
        ("x*exp(-x); y + x - x", [2.0, 3.0]),
        ("exp(-(x + y)); x - y", [0.0, 0.0]),
    ] {
        for (method, tol) in methods.iter().flat_map(|m| [(*m, 1e-12), (*m, 1e-300)]) {
            let r = solve_xy(src, &x0, method, &long(tol));
            assert!(
                !r.converged
                    && matches!(
                        r.termination,
                        Termination::NotARoot
                            | Termination::Unbounded
                            | Termination::MaxIterations
                            | Termination::NoProgress
                    ),
                "{src} {method:?} tol {tol}: {r:?}"
            );
        }
        let r = solve_xy(src, &x0, SystemMethod::Newton, &RootOptions::default());
        assert_eq!(r.termination, Termination::NotARoot, "{src}: {r:?}");
    }
    // Running off to 1e150: unbounded, for the system and for the one equation.
    let r = solve_xy("1/x; y", &[1.0, 0.0], SystemMethod::Newton, &long(1e-300));
    assert_eq!(r.termination, Termination::Unbounded, "{r:?}");
    let inv = scalar("1/x");
    let value = |x: f64| inv.value(&[x]).unwrap();
    let eq = Scalar {
        f: &value,
        df: None,
    };
    let r = solve_scalar(&eq, 1.0, None, ScalarMethod::Secant, &long(1e-300)).unwrap();
    assert_eq!(
        (r.termination, r.converged),
        (Termination::Unbounded, false),
        "{r:?}"
    );
    // Genuine roots stay roots: far from the origin, and exact.
    for (src, x0, root) in [
        ("x - 1e6; y - x", [0.0, 0.0], 1e6),
        ("x^3 - 8; y - 2", [1.0, 1.0], 2.0),
    ] {
        for method in methods {
            let r = solve_xy(src, &x0, method, &RootOptions::default());
            assert!(
                r.converged && (r.x[0] - root).abs() <= 1e-9 * root,
                "{src}: {r:?}"
            );
        }
    }
}

#[test]
fn circle_and_line() {
    let set = FormulaSet::parse("x^2 + y^2 - 4; x - y").unwrap();
    let (f, j) = (values_of(&set), jacobian_of(&set));
    for method in [SystemMethod::Newton, SystemMethod::Broyden] {
        let sys = System {
            n: 2,
            f: &f,
            jacobian: Some(&j),
        };
        let r = solve_system(&sys, &[1.0, 0.0], method, &RootOptions::default()).unwrap();
        assert!(r.converged, "{method:?}: {r:?}");
        assert!((r.x[0] - 2f64.sqrt()).abs() < 1e-10 && (r.x[1] - 2f64.sqrt()).abs() < 1e-10);
    }
}

/// The square MGH systems (m = n): those with a root must be solved by Newton; for those whose
/// standard start leads to a minimum of ‖F‖ that is not a root the report must say so.
#[test]
fn mgh_square_systems() {
    let no_root_from_start = ["freudenstein_roth", "chebyquad"];
    for p in mgh().into_iter().filter(|p| p.residuals.len() == p.n) {
        let set = p.residual_set().unwrap();
        let (f, j) = (values_of(&set), jacobian_of(&set));
        let sys = System {
            n: p.n,
            f: &f,
            jacobian: Some(&j),
        };
        for method in [SystemMethod::Newton, SystemMethod::Broyden] {
            let r = solve_system(&sys, &p.x0, method, &RootOptions::default()).unwrap();
            println!(
                "{:<28} {:?}: {:?} after {} iterations, {} F, {} J, |F| {:.1e}",
                p.name,
                method,
                r.termination,
                r.iterations,
                r.evaluations,
                r.jacobian_evaluations,
                r.residual_norm
            );
            if r.converged {
                assert!(r.residual_norm <= 1e-12);
            } else if method == SystemMethod::Newton {
                assert!(
                    no_root_from_start.contains(&p.name.as_str()),
                    "{}: {r:?}",
                    p.name
                );
                assert_eq!(r.termination, Termination::NotARoot, "{}", p.name);
            }
        }
    }
}

/// The pole traps of issue 11: Brent's bracket closing on a pole or a jump, Newton and secant
/// following an asymptote down to |f| ≤ tol, brackets near ±f64::MAX.
#[test]
fn poles_jumps_and_asymptotes_are_not_roots() {
    for (src, x0, m, bracket, want) in [
        (
            "1/x",
            1.0,
            ScalarMethod::Brent,
            Some((-1.0, 1.0)),
            Termination::Discontinuity,
        ),
        (
            "tan(x)",
            1.5,
            ScalarMethod::Brent,
            Some((1.0, 2.0)),
            Termination::Discontinuity,
        ),
        (
            "x/abs(x)",
            0.5,
            ScalarMethod::Brent,
            Some((-1.0, 2.0)),
            Termination::Discontinuity,
        ),
        (
            "1/x",
            1.0,
            ScalarMethod::Newton,
            None,
            Termination::NotARoot,
        ),
        (
            "1/(x - 1)",
            0.5,
            ScalarMethod::Secant,
            None,
            Termination::NotARoot,
        ),
        (
            "exp(-x)",
            0.0,
            ScalarMethod::Newton,
            None,
            Termination::NotARoot,
        ),
    ] {
        let r = run(&scalar(src), x0, m, bracket);
        assert_eq!((r.termination, r.converged), (want, false), "{src}: {r:?}");
    }
    // Roots next to poles are still found: tan on [−1, 1], 1/x − 2 on [0.1, 1].
    for (src, bracket, root) in [("tan(x)", (-1.0, 1.0), 0.0), ("1/x - 2", (0.1, 1.0), 0.5)] {
        let r = run(&scalar(src), 0.5, ScalarMethod::Brent, Some(bracket));
        assert!(r.converged && (r.x[0] - root).abs() < 1e-12, "{src}: {r:?}");
    }
    for (src, root) in [
        ("x", 0.0),
        ("x - 1e307", 1e307),
        ("atan(x) - 1", 1f64.tan()),
    ] {
        let r = run(
            &scalar(src),
            0.0,
            ScalarMethod::Brent,
            Some((-1e308, 1e308)),
        );
        assert!(
            r.residual_norm.is_finite() && r.x[0].is_finite(),
            "{src}: {r:?}"
        );
        if r.converged {
            assert!(
                (r.x[0] - root).abs() <= 1e-12 * root.abs().max(1.0),
                "{src}: {r:?}"
            );
        }
    }
}

#[test]
fn limits_stop_root_finders() {
    let f = scalar("x^3 - 2*x + 2");
    let value = |x: f64| f.value(&[x]).unwrap();
    let eq = Scalar {
        f: &value,
        df: None,
    };
    let opts = RootOptions {
        max_evals: Some(5),
        ..RootOptions::default()
    };
    let r = solve_scalar(&eq, 0.0, Some((-3.0, 0.0)), ScalarMethod::Brent, &opts).unwrap();
    assert_eq!(r.termination, Termination::MaxEvaluations, "{r:?}");
    assert!(!r.converged && r.evaluations <= 6);
    let set = FormulaSet::parse("x^2 + y^2 - 4; x - y").unwrap();
    let (fs, js) = (values_of(&set), jacobian_of(&set));
    let sys = System {
        n: 2,
        f: &fs,
        jacobian: Some(&js),
    };
    let r = solve_system(
        &sys,
        &[10.0, 0.0],
        SystemMethod::Newton,
        &RootOptions {
            max_iter: 1,
            ..RootOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        (r.termination, r.iterations),
        (Termination::MaxIterations, 1)
    );
    let r = solve_system(
        &sys,
        &[10.0, 0.0],
        SystemMethod::Broyden,
        &RootOptions {
            time_limit: Some(std::time::Duration::ZERO),
            ..RootOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r.termination, Termination::TimeLimit);
    // The minimizers' Monitor: a trace of every iteration, a callback that stops the run.
    let traced = RootOptions {
        keep_trace: true,
        ..RootOptions::default()
    };
    let r = solve_system(&sys, &[10.0, 0.0], SystemMethod::Newton, &traced).unwrap();
    assert!(r.converged && r.trace.len() == r.iterations, "{r:?}");
    assert_eq!(r.trace.last().map(|i| i.value), Some(r.residual_norm));
    let mut seen = 0;
    let mut stop_at_two = |_: &hessopt::solve::IterationInfo| {
        seen += 1;
        if seen == 2 {
            hessopt::solve::Control::Stop
        } else {
            hessopt::solve::Control::Continue
        }
    };
    let r = hessopt::root::solve_scalar_with_callback(
        &eq,
        0.0,
        Some((-3.0, 0.0)),
        ScalarMethod::Brent,
        &traced,
        Some(&mut stop_at_two),
    )
    .unwrap();
    assert_eq!(
        (r.termination, r.iterations, r.trace.len()),
        (Termination::Callback, 2, 2)
    );
}

mod common;

use proptest::prelude::*;

/// The scalar certificate re-checked from f alone: |f(x)| ≤ 1e-12 or f changes sign within
/// x ± (8ε|x| + 2e-15); and x is a minimum of |f| at some scale: at one of the distances
/// h = 10⁻¹²…10⁰ · max(|x|, 1), |f| on both sides of x is at least |f(x)| (a pole fails this:
/// |f| falls away from it on both sides).
fn scalar_certificate_holds(f: &dyn Fn(f64) -> f64, x: f64) -> bool {
    let fx = f(x);
    if fx == 0.0 {
        return true;
    }
    let w = 8.0 * f64::EPSILON * x.abs() + 2e-15;
    let sign_change = f(x - w) * f(x + w) <= 0.0 || f(x - w) * fx <= 0.0 || fx * f(x + w) <= 0.0;
    let minimum = (0..=12).any(|k| {
        let h = 10f64.powi(-k) * x.abs().max(1.0);
        let (l, r) = (f(x - h).abs(), f(x + h).abs());
        let at_least = |v: f64| v.is_nan() || v >= fx.abs();
        at_least(l) && at_least(r) && (l.is_finite() || r.is_finite())
    });
    (fx.abs() <= 1e-12 || sign_change) && minimum
}

proptest! {
    #![proptest_config(common::config(40))]

    /// Root finders and Levenberg–Marquardt never panic on random systems (f(x, y), y − 0.3); every
    /// converged system report has ‖F(x)‖∞ ≤ 1e-12 evaluated here from the formulas, and every
    /// converged scalar report passes [`scalar_certificate_holds`].
    #[test]
    fn converged_roots_are_roots(src in common::formula(), x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let set = FormulaSet::parse_with_vars(&format!("{src}; y - 0.3"), &["x", "y"]).unwrap();
        let (f, j) = (values_of(&set), jacobian_of(&set));
        let sys = System { n: 2, f: &f, jacobian: Some(&j) };
        let g = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        for method in [SystemMethod::Newton, SystemMethod::Broyden] {
            if let Ok(r) = solve_system(&sys, &[x, y], method, &RootOptions::default()) {
                if r.converged {
                    let f1 = g.value(&r.x).unwrap_or(f64::NAN);
                    prop_assert!(f1.abs() <= 1e-12 && (r.x[1] - 0.3).abs() <= 1e-12, "{r:?}");
                }
            }
        }
        let lsq = hessopt::solve::LeastSquares::from_formulas(&set);
        let _ = hessopt::solve::LevenbergMarquardt::default().solve(&lsq, &[x, y], &Options::default());
        let value = |t: f64| g.value(&[t, 0.3]).unwrap_or(f64::NAN);
        let deriv = |t: f64| g.gradient(&[t, 0.3]).map(|(_, d)| d[0]).unwrap_or(f64::NAN);
        let eq = Scalar { f: &value, df: Some(&deriv) };
        for m in [ScalarMethod::Newton, ScalarMethod::Secant, ScalarMethod::Brent] {
            if let Ok(r) = solve_scalar(&eq, x, None, m, &RootOptions::default()) {
                prop_assert!(!r.converged || scalar_certificate_holds(&value, r.x[0]), "{m:?}: {r:?}");
            }
        }
    }

    /// Random functions with a pole inside the bracket, g(x)/(x − p): Brent (and Newton, secant
    /// from inside) either find a root that passes the independent check or do not converge.
    #[test]
    fn poles_are_never_roots(src in common::formula(), p in -2.0f64..2.0, u in 0.01f64..3.0, v in 0.01f64..3.0) {
        let g = Formula::parse_with_vars(&format!("({src}) / (x - {p})"), &["x", "y"]).unwrap();
        let value = |t: f64| g.value(&[t, 0.3]).unwrap_or(f64::NAN);
        let deriv = |t: f64| g.gradient(&[t, 0.3]).map(|(_, d)| d[0]).unwrap_or(f64::NAN);
        let eq = Scalar { f: &value, df: Some(&deriv) };
        for (m, bracket) in [
            (ScalarMethod::Brent, Some((p - u, p + v))),
            (ScalarMethod::Newton, None),
            (ScalarMethod::Secant, None),
        ] {
            if let Ok(r) = solve_scalar(&eq, p + 0.5 * v, bracket, m, &RootOptions::default()) {
                prop_assert!(!r.converged || scalar_certificate_holds(&value, r.x[0]), "{m:?}: {r:?}");
                prop_assert!(r.residual_norm.is_finite(), "{r:?}");
            }
        }
    }
}

/// Equations of small scale (issue 12): |f| ≤ tol (1e-12, absolute) held at the start for
/// 1e-13·(x − 1) from 0, so the system was certified root_found at (0, 0) and the one equation
/// called not_a_root, while one Newton step lands on the root. A full Newton step that is not
/// negligible and shrinks |F| a thousandfold now continues the run; asymptotes still stop
/// (`asymptotes_are_not_roots`).
#[test]
fn small_scaled_equations_are_solved_not_certified_at_the_start() {
    for a in ["1e-13", "1e-20", "1e-100"] {
        let f = scalar(&format!("{a}*(x - 1)"));
        for m in [ScalarMethod::Newton, ScalarMethod::Secant] {
            let r = run(&f, 0.0, m, None);
            assert!(
                r.converged && (r.x[0] - 1.0).abs() < 1e-6,
                "{a} {m:?}: {r:?}"
            );
        }
        let src = format!("{a}*(x - 1); y - x");
        for m in [SystemMethod::Newton, SystemMethod::Broyden] {
            let r = solve_xy(&src, &[0.0, 0.0], m, &RootOptions::default());
            assert!(r.converged, "{src} {m:?}: {r:?}");
            assert!(
                (r.x[0] - 1.0).abs() < 1e-9 && (r.x[1] - 1.0).abs() < 1e-9,
                "{src}: {r:?}"
            );
        }
    }
}

/// Rows of extreme scale (attack finding): 1e-200·(x − 1); y − x was `not_a_root` at (0, 0) (the
/// row's slope 1e-200 looked singular beside the other), 1e200·(x − 1); y − x too. Each row is
/// now solved times a power of two chosen at x0; the residual norm is reported in the user's
/// units.
#[test]
fn system_rows_of_extreme_scale_are_solved() {
    for a in ["1e-300", "1e-200", "1e-13", "1e13", "1e200", "1e300"] {
        let src = format!("{a}*(x - 1); y - x");
        for m in [SystemMethod::Newton, SystemMethod::Broyden] {
            let r = solve_xy(&src, &[0.0, 0.0], m, &RootOptions::default());
            assert!(r.converged, "{src} {m:?}: {r:?}");
            assert!(
                (r.x[0] - 1.0).abs() < 1e-12 && (r.x[1] - 1.0).abs() < 1e-12,
                "{src} {m:?}: {r:?}"
            );
            // In the user's units: at most 1e-12 times the row's scale.
            let a: f64 = a.parse().unwrap();
            assert!(r.residual_norm <= a.max(1.0) * 1e-12, "{src} {m:?}: {r:?}");
        }
    }
}

/// A multiple root is not certified where |f| first drops below the absolute tolerance: (x − 1)⁹
/// from 3 was `root_found` at 1.046 (|f| = 9.5e-13 ≤ 1e-12). A full step that is not negligible
/// and still shrinks |f|, off any asymptote, continues the run: it ends within √ε of the root
/// (scalar Newton, secant, and the same equation in a system). x² ends within 3e-8 of 0.
#[test]
fn multiple_roots_are_followed_below_the_tolerance() {
    let f = scalar("(x - 1)^9");
    for m in [ScalarMethod::Newton, ScalarMethod::Secant] {
        let r = run(&f, 3.0, m, None);
        assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-6, "{m:?}: {r:?}");
    }
    let r = solve_xy(
        "(x - 1)^9; y - x",
        &[3.0, 3.0],
        SystemMethod::Newton,
        &RootOptions::default(),
    );
    assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-6, "{r:?}");
    let r = run(&scalar("x^2"), 1.0, ScalarMethod::Newton, None);
    assert!(r.converged && r.x[0].abs() < 3e-8, "{r:?}");
}

/// Brent without a bracket searches one outwards; on exp(−x) the search met x = 1085, where f
/// underflows to exactly 0, and called it a root. An exact zero without a sign change is now
/// bisected to the edge of f's zeros: a root where f beside it is a normal number (max(0,
/// 1000 − x): 1000), `not_a_root` where it is subnormal (exp(−x): the edge 745.13).
#[test]
fn an_underflow_to_zero_is_not_a_root() {
    let r = run(&scalar("exp(-x)"), 0.0, ScalarMethod::Brent, None);
    assert!(
        !r.converged && r.termination == Termination::NotARoot,
        "{r:?}"
    );
    assert!((r.x[0] - 745.13).abs() < 0.01, "{r:?}");
    let r = run(&scalar("max(0, 1000 - x)"), 0.0, ScalarMethod::Brent, None);
    assert!(r.converged && (r.x[0] - 1000.0).abs() < 1e-9, "{r:?}");
}

/// The edge of f's zeros at 0 itself: no double lies between the last two bisection points
/// (narrow at rounding width never holds where 4ε|x| is 0), and the bisection of max(0, x) from
/// 1 looped forever at x = 0 (review finding). It is a root at 0; the mirror image too.
#[test]
fn an_edge_of_zeros_at_the_origin_is_a_root_and_ends() {
    for (src, x0) in [("max(0, x)", 1.0), ("max(0, -x)", -1.0), ("max(0, x)", 3.5)] {
        let r = run(&scalar(src), x0, ScalarMethod::Brent, None);
        assert!(
            r.converged && r.termination == Termination::RootFound && r.x[0].abs() < 1e-300,
            "{src} from {x0}: {r:?}"
        );
        assert!(r.evaluations < 5000, "{src} from {x0}: {r:?}");
    }
}

/// Sign tests by products underflowed (review finding): Brent's bracket search on
/// 1e-170·(x − 2) from 5 took f(4.5)·f(5.5) = 8.75e-340 → 0 for a sign change at an end where
/// f is 0 and reported root_found at 5.5 with residual 0 (f there 3.5e-170; the root is 2); a
/// given bracket [3, 4] of 1e-200·(x − 2) passed the same-sign test. Now the root 2 (the search
/// finds a true bracket), with the residual f there, and the bracket is an error.
#[test]
fn tiny_values_of_one_sign_are_no_sign_change() {
    for src in ["1e-170*(x - 2)", "1e-300*(x - 2)", "-1e-200*(x - 2)"] {
        let f = scalar(src);
        let r = run(&f, 5.0, ScalarMethod::Brent, None);
        assert!(r.converged && (r.x[0] - 2.0).abs() < 1e-9, "{src}: {r:?}");
        assert_eq!(
            r.residual_norm,
            f.value(&r.x).unwrap().abs(),
            "{src}: {r:?}"
        );
    }
    let f = scalar("1e-200*(x - 2)");
    let value = |x: f64| f.value(&[x]).unwrap();
    let eq = Scalar {
        f: &value,
        df: None,
    };
    let r = solve_scalar(
        &eq,
        3.5,
        Some((3.0, 4.0)),
        ScalarMethod::Brent,
        &RootOptions::default(),
    );
    assert!(r.is_err(), "{r:?}");
}

/// Brent stopped at the first bracket end with |f| ≤ ftol and, finding |f| still shrinking
/// towards the root, reported `not_a_root` there with the sign change in hand (review finding):
/// 1e-13·(x − 2) on [0, 5] ended at 0 after 0 iterations. It now goes on to the bracket's
/// rounding width: the root 2 (R's uniroot finds it too); 1/(x − 2) on [0, 5] is still a pole.
#[test]
fn brent_goes_on_below_ftol_while_it_holds_a_sign_change() {
    for src in ["1e-13*(x - 2)", "1e-200*(x - 2)", "-1e-300*(x - 2)^3"] {
        let r = run(&scalar(src), 2.5, ScalarMethod::Brent, Some((0.0, 5.0)));
        assert!(
            r.converged && r.termination == Termination::RootFound && (r.x[0] - 2.0).abs() < 1e-6,
            "{src}: {r:?}"
        );
    }
    let r = run(
        &scalar("1/(x - 2)"),
        2.5,
        ScalarMethod::Brent,
        Some((0.0, 5.0)),
    );
    assert_eq!(r.termination, Termination::Discontinuity, "{r:?}");
}

/// A given bracket with an end where f is exactly 0 and no sign change goes through the zero-edge
/// test of a searched one: exp(−x) on [0, 1000] was root_found at 1000, where f only underflowed
/// (scipy 1.17's brentq and R's uniroot return 1000 too); now not_a_root at the underflow edge
/// 745.13. A touching root at the edge of a zero set near 0 cannot be told from that by f's
/// values (max(0, x)²: 0 from 1.57e-162 down, f beside it subnormal): not_a_root at the edge,
/// searched or given (decided in session 5: no certificate where underflow made f zero). Edges
/// with a normal neighbour and sign changes are roots as before.
#[test]
fn a_bracket_end_where_f_underflowed_to_zero_is_no_root() {
    let r = run(
        &scalar("exp(-x)"),
        0.0,
        ScalarMethod::Brent,
        Some((0.0, 1000.0)),
    );
    assert!(
        !r.converged && r.termination == Termination::NotARoot && (r.x[0] - 745.13).abs() < 0.01,
        "{r:?}"
    );
    for bracket in [None, Some((-1.0, 5.0))] {
        let r = run(&scalar("max(0, x)^2"), 5.0, ScalarMethod::Brent, bracket);
        assert!(
            !r.converged
                && r.termination == Termination::NotARoot
                && r.x[0] > 0.0
                && r.x[0] < 1e-150
                && r.residual_norm == 0.0,
            "{bracket:?}: {r:?}"
        );
    }
    for (src, bracket, root) in [
        ("max(0, x - 1)^2", (0.0, 5.0), 1.0),
        ("max(0, 1000 - x)", (0.0, 2000.0), 1000.0),
        ("x - 2", (2.0, 5.0), 2.0),
        ("x - 2", (0.0, 2.0), 2.0),
    ] {
        let r = run(&scalar(src), 0.0, ScalarMethod::Brent, Some(bracket));
        assert!(
            r.converged && (r.x[0] - root).abs() < 1e-12,
            "{src} on {bracket:?}: {r:?}"
        );
    }
}

/// Both ends of the bracket exact zeros, searched or given: exp(−x) from 1000 was root_found at
/// 900 and 1/x⁴⁰⁰ from 10 at 9 (f underflowed at both ends of the first bracket tried); on
/// [800, 1000] at 800. Now the first point beyond the bracket where f is not 0 makes it a
/// one-zero-end bracket for the edge test: not_a_root at the underflow edge. Edges with a normal
/// neighbour are still roots (max(0, x − 1)² from −3 at 1, max(0, 1000 − x) from 1500 at 1000).
#[test]
fn a_bracket_of_two_underflowed_zeros_is_no_root() {
    for (src, x0, bracket, edge) in [
        ("exp(-x)", 1000.0, None, 745.13),
        ("1/x^400", 10.0, None, 5.897),
        ("exp(-x)", 0.0, Some((800.0, 1000.0)), 745.13),
    ] {
        let r = run(&scalar(src), x0, ScalarMethod::Brent, bracket);
        assert!(
            !r.converged && r.termination == Termination::NotARoot && (r.x[0] - edge).abs() < 0.01,
            "{src} from {x0} {bracket:?}: {r:?}"
        );
    }
    for (src, x0, root) in [
        ("max(0, x - 1)^2", -3.0, 1.0),
        ("max(0, 1000 - x)", 1500.0, 1000.0),
    ] {
        let r = run(&scalar(src), x0, ScalarMethod::Brent, None);
        assert!(r.converged && (r.x[0] - root).abs() < 1e-9, "{src}: {r:?}");
    }
}

/// Newton and the secant from a point where f underflowed to 0 stopped at once: exp(−x) from
/// 1000 and 1/x⁴⁰⁰ from 10 were root_found after one evaluation. An exact zero is now a root when
/// f is not 0 somewhere on each side (x² at 1e-200, x − 2 at 2: two evaluations more), and
/// otherwise the zero-edge test towards the nonzero side decides: not_a_root there; an edge at 0
/// itself (max(0, x) from −3) is a root.
#[test]
fn an_exact_zero_at_the_start_is_checked_like_an_edge() {
    for method in [ScalarMethod::Newton, ScalarMethod::Secant] {
        for (src, x0) in [("exp(-x)", 1000.0), ("1/x^400", 10.0)] {
            let r = run(&scalar(src), x0, method, None);
            assert!(
                !r.converged && r.termination == Termination::NotARoot,
                "{method:?} {src} from {x0}: {r:?}"
            );
        }
        for (src, x0) in [("x^2", 1e-200), ("x - 2", 2.0), ("max(0, x)", -3.0)] {
            let r = run(&scalar(src), x0, method, None);
            assert!(
                r.converged && r.termination == Termination::RootFound && r.x[0] == x0,
                "{method:?} {src} from {x0}: {r:?}"
            );
        }
    }
}

/// Systems at an exact zero of F: exp(−x); y − 1 from (1000, 0) was root_found at (1000, 1),
/// where exp(−x) only underflowed (scipy 1.17's hybr and lm report success there too). ‖F‖∞
/// along each axis now gets the scalar finders' zero-set test: not_a_root. Exact roots stay
/// roots (x − 1; y − 2, x·y; x − y at 0, x²; y at (1e-200, 0)).
#[test]
fn a_system_at_an_underflowed_zero_is_no_root() {
    let o = RootOptions::default();
    for method in [SystemMethod::Newton, SystemMethod::Broyden] {
        let r = solve_xy("exp(-x); y - 1", &[1000.0, 0.0], method, &o);
        assert!(
            !r.converged && r.termination == Termination::NotARoot,
            "{method:?}: {r:?}"
        );
        for (src, x0) in [
            ("x - 1; y - 2", [0.0, 0.0]),
            ("x*y; x - y", [0.0, 0.0]),
            ("x^2; y", [1e-200, 0.0]),
        ] {
            let r = solve_xy(src, &x0, method, &o);
            assert!(
                r.converged && r.termination == Termination::RootFound,
                "{method:?} {src}: {r:?}"
            );
        }
    }
}

/// A root certified through NaN probes (issue 11, found by `poles_are_never_roots` at
/// PROPTEST_CASES=2000): Newton on (2.107 + erf(x))/(x − 1.8503) from 2.507 ran along the 1/x
/// tail to x = 3.9e12, |f| = 8e-13 ≤ ftol, and was root_found — erf(x) was NaN there (e^(−x²)'s
/// rounding-error factor overflowed), and the certificate's probes take one finite side as
/// enough where the other is NaN. erf is 1 there now: an asymptote, not_a_root.
#[test]
fn an_asymptote_where_erf_was_nan_is_not_a_root() {
    let g = scalar("(2.107 + erf(x)) / (x - 1.8502990330050693)");
    let r = run_shifted(&g, 0.0, 2.5071494, ScalarMethod::Newton, None);
    assert!(
        !r.converged && r.termination == Termination::NotARoot,
        "{r:?}"
    );
}

/// A scalar method on f(x − `shift`) from x0 (in x); f not finite is NaN.
fn run_shifted(
    f: &Formula,
    shift: f64,
    x0: f64,
    method: ScalarMethod,
    bracket: Option<(f64, f64)>,
) -> RootReport {
    let value = |t: f64| f.value(&[t - shift]).unwrap_or(f64::NAN);
    let deriv = |t: f64| {
        f.gradient(&[t - shift])
            .map(|(_, d)| d[0])
            .unwrap_or(f64::NAN)
    };
    let eq = Scalar {
        f: &value,
        df: Some(&deriv),
    };
    solve_scalar(&eq, x0, bracket, method, &RootOptions::default()).unwrap()
}

/// Brent stopped at |f| ≤ ftol with its sign change still wide (issue 11, found by
/// `tests/scaled_certificates.rs`): x³ on [−1, 0.3] was root_found near x = 1e-4 and 1e-5·x³ at
/// x = 3.6e-3, a root of multiplicity three 1e-4 (3.6e-3) away. Now only the bracket's width
/// ends Brent's run, as in R's uniroot and scipy's brentq.
#[test]
fn brent_narrows_a_multiple_root_to_the_bracket_width() {
    for src in ["x^3", "1e-5*x^3", "(x - 0.1)^5"] {
        let r = run(&scalar(src), 0.0, ScalarMethod::Brent, Some((-1.0, 0.3)));
        let root = if src.contains("0.1") { 0.1 } else { 0.0 };
        assert!(
            r.converged && (r.x[0] - root).abs() <= 1e-12,
            "{src}: {r:?}"
        );
    }
}

/// A small-scaled equation far from the origin (issue 11, found by
/// `tests/scaled_certificates.rs`): the secant on 1e-8·cos(x − 1e4) from 1e4 − 1.35 was
/// root_found 2.8e-5 from the root (|f| = 2.8e-13 ≤ ftol): the step on, 2.8e-5, was below the
/// √ε·|x| = 1.5e-4 taken as negligible, although it cut |f| 1e5-fold. A step above x's rounding
/// that cuts |f| a thousandfold now goes on.
#[test]
fn a_small_scaled_root_far_from_the_origin_is_reached() {
    let f = scalar("1e-8*cos(x - 1e4)");
    let root = 1e4 - std::f64::consts::FRAC_PI_2;
    for method in [ScalarMethod::Secant, ScalarMethod::Newton] {
        let r = run(&f, 1e4 - 1.351525744560741, method, None);
        assert!(
            r.converged && (r.x[0] - root).abs() <= 1e-10,
            "{method:?}: {r:?}"
        );
    }
}

/// A pole far from the origin (issue 11, found by `tests/scaled_certificates.rs`): Newton on
/// (u³ + lognormcdf(u))/(u − 0.858313165418297), u = x − 1e5, closed a sign change on the pole
/// and was root_found with |f| = 1.6e10: the certificate probed |f| out to 2·|x| = 2e5, where
/// u³ exceeds the pole's value on both sides. A closing sign change is now probed within the
/// run's span: discontinuity.
#[test]
fn a_pole_far_from_the_origin_is_no_root() {
    let g = scalar("((x)^3 + lognormcdf(x)) / (x - 0.858313165418297)");
    let r = run_shifted(&g, 1e5, 2.340202609548334 + 1e5, ScalarMethod::Newton, None);
    assert!(
        !r.converged && r.termination == Termination::Discontinuity,
        "{r:?}"
    );
}

/// x² + 1 = 0 (no real root) with central-difference Jacobians: x reaches 5e-12, never exactly
/// 0, where J ≈ 1e-11 and each Newton step is cut 40 times to a decrease of ½‖F‖² near 1e-22;
/// the run crawled through the whole iteration limit (max_iterations after 200 iterations and
/// 8563 evaluations, from Python's hessopt.root). Five such steps in a row now end it
/// no_progress, not converged.
#[test]
fn a_crawl_towards_no_root_ends_no_progress() {
    let f = |x: &[f64], out: &mut [f64]| out[0] = x[0] * x[0] + 1.0;
    let sys = System {
        n: 1,
        f: &f,
        jacobian: None,
    };
    for x0 in [1.0, 3.0] {
        let r = solve_system(&sys, &[x0], SystemMethod::Newton, &RootOptions::default()).unwrap();
        assert_eq!(r.termination, Termination::NoProgress, "{r:?}");
        assert!(
            !r.converged && r.evaluations < 1000 && r.residuals[0] >= 1.0,
            "{r:?}"
        );
    }
}
