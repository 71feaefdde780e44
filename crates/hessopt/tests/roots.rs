//! Root finding against closed forms, a cycling case, and the square Moré–Garbow–Hillstrom systems.

use hessopt::problems::mgh;
use hessopt::root::{
    RootOptions, RootTermination, Scalar, ScalarMethod, System, SystemMethod, solve_scalar,
    solve_system,
};
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
    let value = |x: f64| f.value(&[x]).unwrap();
    let deriv = |x: f64| f.gradient(&[x]).map(|(_, g)| g[0]).unwrap_or(f64::NAN);
    let eq = Scalar {
        f: &value,
        df: Some(&deriv),
    };
    solve_scalar(&eq, x0, bracket, method, &RootOptions::default()).unwrap()
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
    assert_eq!(r.termination, RootTermination::NoBracket);
    assert!(!r.converged);
}

fn values_of(set: &FormulaSet) -> impl Fn(&[f64], &mut [f64]) + '_ {
    move |x: &[f64], out: &mut [f64]| set.values_into(x, out)
}

fn jacobian_of(set: &FormulaSet) -> impl Fn(&[f64], &mut DMatrix<f64>) + '_ {
    move |x: &[f64], j: &mut DMatrix<f64>| set.jacobian_into(x, j)
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
                assert_eq!(
                    r.termination,
                    RootTermination::LocalMinimumNotRoot,
                    "{}",
                    p.name
                );
            }
        }
    }
}

mod common;

use proptest::prelude::*;

proptest! {
    #![proptest_config(common::config(60))]

    /// Root finders and Levenberg–Marquardt never panic on random systems (f(x, y), y − 0.3),
    /// and a converged report always has a small residual.
    #[test]
    fn no_panics_on_random_systems(src in common::formula(), x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let set = FormulaSet::parse_with_vars(&format!("{src}; y - 0.3"), &["x", "y"]).unwrap();
        let (f, j) = (values_of(&set), jacobian_of(&set));
        let sys = System { n: 2, f: &f, jacobian: Some(&j) };
        for method in [SystemMethod::Newton, SystemMethod::Broyden] {
            if let Ok(r) = solve_system(&sys, &[x, y], method, &RootOptions::default()) {
                prop_assert!(!r.converged || r.residual_norm <= 1e-12, "{r:?}");
            }
        }
        let lsq = hessopt::solve::LeastSquares::from_formulas(&set);
        let _ = hessopt::solve::LevenbergMarquardt::default().solve(&lsq, &[x, y]);
        let g = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let value = |t: f64| g.value(&[t, 0.3]).unwrap();
        let deriv = |t: f64| g.gradient(&[t, 0.3]).map(|(_, d)| d[0]).unwrap_or(f64::NAN);
        let eq = Scalar { f: &value, df: Some(&deriv) };
        for m in [ScalarMethod::Newton, ScalarMethod::Secant, ScalarMethod::Brent] {
            if let Ok(r) = solve_scalar(&eq, x, None, m, &RootOptions::default()) {
                prop_assert!(!r.converged || r.termination == RootTermination::Bracket || r.residual_norm <= 1e-12);
            }
        }
    }
}
