//! Every method on every problem it suits: the 35 Moré–Garbow–Hillstrom problems of the library
//! and the seven of ../shared/cases/minimize.jsonl, with exact derivatives, default settings and
//! a cap of 20 000 f + g evaluations. Solved means f − f* ≤ 1e-8 (f0 − f*) (or that close to a
//! local minimum the paper reports). The expected failures are listed explicitly per method; an
//! unexpected failure fails the test, an unexpected success is printed (then the list should
//! shrink). Run with `--nocapture` for the table of solved counts and median evaluations.

use std::collections::BTreeSet;

use hessopt::solve::{METHOD_NAMES, Method, Options, minimize};
use hessopt::{Formula, Problem};

/// (method, problems it is expected not to solve under the suite's settings).
const EXPECTED_FAILURES: &[(&str, &[&str])] = &[
    // biggs_exp6: BFGS, DFP, L-BFGS and CG reach the saddle s = 1/2 of the line of stationary
    // points with f = 5.65565e-3 (problems/mgh.rs), where scipy 1.17's BFGS, CG (gtol 1e-8) and
    // L-BFGS-B (pgtol 1e-8, factr 1e7) stop, at x = (1.7114, 17.6832, 1.1631, 5.1866, 1.7114,
    // 1.1631), all three reporting success. With the exact Hessian ours step off it along the
    // negative curvature and go on to f = 0 (solve/driver.rs); L-BFGS-B stops short of the
    // saddle with small_f_change (listed below).
    // Witness: argmin 0.11's DFP (examples/argmin_witness.rs: Moré–Thuente c1 = 1e-4 and the same
    // c2, H₀ = I, ‖∇f‖₂ ≤ 1e-8). meyer: argmin fails at every c2 in {0.9, 0.1, 0.01, 0.001}
    // (f not finite at x = (1.4e9, −3.4e8, −2e5) for 0.9 and 0.1; f = 1.42e9 after 1000
    // iterations for 0.01 and 0.001); ours stops at 1.1212e5 with line_search_failed, the
    // plateau where scipy's L-BFGS-B also stops. broyden_banded: the local minimum f = 3.05728
    // (gradient test passed), where argmin's DFP with c2 = 0.01 or 0.001 ends too (and L-BFGS,
    // below; with c2 = 0.1 argmin's DFP reaches NaN).
    ("dfp", &["meyer", "broyden_banded"]),
    // Witness: scipy 1.17's trust-constr with its SR1 Hessian update (bench/scipy_witness.py:
    // exact gradients, gtol 1e-8, maxiter 1000), the reference SR1. meyer: it stops at f =
    // 2.070e4 after 1000 iterations (argmin 0.11's SR1 trust region: f = 217 after 1000); ours
    // at 1.0e4, max_iterations. gulf: gtol holds at f = 5.40e-8 for scipy and at 4.13e-8 for
    // ours, both above the suite's 1e-8·f0 = 4.1304e-8 (scipy's BFGS: 4.35e-8). osborne1: scipy
    // never leaves the start (f = f0 = 0.8790 after 1000 iterations), nor does ours
    // (trust_region_collapsed at f0).
    ("sr1", &["meyer", "gulf", "osborne1"]),
    // The same local minimum f = 3.05728 (gradient test passed) as argmin 0.11's L-BFGS with
    // Moré–Thuente and m = 5, 10 or 20 from the standard start.
    ("lbfgs", &["broyden_banded"]),
    // Each one stopped by the factr test (small_f_change, not converged) at the value scipy 1.17's
    // L-BFGS-B stops at with the same settings (pgtol 1e-8, factr 1e7): powell_badly_scaled
    // 0.1352, gaussian 1.177e-8, meyer 1.121e5, wood 7.877, kowalik_osborne 3.075e-4 (short of
    // f* by more than 1e-8 of f0 − f*), osborne1 7.700e-5, trigonometric 2.795e-5 (the local
    // minimum, not yet to 1e-8), discrete_boundary_value 1.243e-11; shared:wood is MGH wood.
    (
        "lbfgsb",
        &[
            "powell_badly_scaled",
            "gaussian",
            "meyer",
            "wood",
            "kowalik_osborne",
            "osborne1",
            "biggs_exp6",
            "trigonometric",
            "discrete_boundary_value",
            "shared:wood",
        ],
    ),
    // meyer: scipy 1.17's CG (bench/scipy_witness.py: exact gradients, gtol 1e-8, maxiter 10 000)
    // stops at f = 3.4546e4 after 621 iterations ("precision loss"); ours at 6.64e4,
    // line_search_failed. gulf: ‖∇f‖∞ ≤ 1e-8 holds at f = 4.8e-8, short of the suite's
    // 1e-8·f0 = 4.13e-8; scipy's BFGS at gtol 1e-8 stops the same way (f = 4.35e-8, "success")
    // and scipy's CG at the start (f0 = 4.13, "precision loss"). broyden_banded: the local
    // minimum f = 3.05728 (lbfgs, below), where argmin 0.11's nonlinear CG (Polak–Ribière+,
    // Moré–Thuente c2 = 0.1, examples/argmin_witness.rs) ends with ‖∇f‖∞ ≤ 1e-8 after 60
    // iterations; scipy's CG (c2 = 0.4, its own first steps) reaches the global minimum instead.
    ("cg", &["meyer", "gulf", "broyden_banded"]),
    // Witness: argmin 0.11's SteepestDescent with the same Moré–Thuente search (c1 = 1e-4,
    // c2 = 0.1; examples/argmin_witness.rs, stopped at 20 000 f+g or ‖∇f‖∞ ≤ 1e-8) fails each:
    // f not finite (powell_badly_scaled, osborne1), f = 1.42e9 (meyer), a non-descent direction
    // error (gulf), biggs_exp6 8.56e-3 at the cap, and broyden_banded at the local minimum
    // 3.05728. Ours (every second step of Barzilai–Borwein length): powell_badly_scaled 8.18e-6
    // (line_search_failed), meyer 9.38e4 (line_search_failed), gulf 2.16e-7, osborne1 5.80e-5,
    // biggs_exp6 1.08e-6 at the cap, broyden_banded certified at the local minimum 3.05728.
    // penalty2, osborne2 and watson, unsolved by the accurate search alone (it zig-zags: at the
    // cap penalty2 2.972e-4, osborne2 4.023e-2, watson 5.97e-3), are solved since the
    // Barzilai–Borwein steps (solve/first_order/gradient_descent.rs).
    (
        "gradient-descent",
        &[
            "powell_badly_scaled",
            "meyer",
            "gulf",
            "osborne1",
            "biggs_exp6",
            "broyden_banded",
        ],
    ),
];

/// Methods that cannot be expected to solve these problems at all (their failure on every
/// problem is the expectation): SGD with its untuned default gain diverges or crawls; simulated
/// annealing has no convergence test and only approaches minima; both are checked on problems
/// made for them in `solver_behaviour.rs`.
const NOT_FOR_THIS_SUITE: &[&str] = &["sgd", "sann", "brent"];

struct Case {
    name: String,
    formula: Formula,
    x0: Vec<f64>,
    solved: Box<dyn Fn(f64) -> bool>,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = hessopt::problems::mgh()
        .into_iter()
        .map(|p| {
            let formula = p.objective().unwrap();
            let f0 = formula.value(&p.x0).unwrap();
            let x0 = p.x0.clone();
            Case {
                name: p.name.clone(),
                formula,
                x0,
                solved: Box::new(move |f| p.solved(f, f0)),
            }
        })
        .collect();
    if let Some(shared) = hessopt_cases::minimize_cases().unwrap() {
        for c in shared {
            let vars: Vec<&str> = c.vars.iter().map(String::as_str).collect();
            let formula = Formula::parse_with_vars(&c.expr, &vars).unwrap();
            assert!((formula.value(&c.x0).unwrap() - c.f0).abs() <= 1e-12 * c.f0.abs());
            out.push(Case {
                name: format!("shared:{}", c.name),
                formula,
                x0: c.x0.clone(),
                solved: Box::new(move |f| c.solved(f)),
            });
        }
    }
    out
}

#[test]
fn every_method_on_the_suite() {
    let cases = cases();
    let options = Options::default().with_max_evals(20_000).unwrap();
    let mut unexpected = Vec::new();
    println!("{:<18} {:>7} {:>12}", "method", "solved", "median f+g");
    for name in METHOD_NAMES
        .iter()
        .filter(|m| !NOT_FOR_THIS_SUITE.contains(m))
    {
        let expected: BTreeSet<&str> = EXPECTED_FAILURES
            .iter()
            .find(|(m, _)| m == name)
            .map(|(_, list)| list.iter().copied().collect())
            .unwrap_or_default();
        let method = Method::from_name(name).unwrap();
        let mut solved_evals = Vec::new();
        let mut failed = Vec::new();
        for case in &cases {
            let problem = Problem::from_formula(&case.formula);
            let report = minimize(&problem, &case.x0, &method, &options).unwrap();
            let solved = (case.solved)(report.value);
            if solved {
                solved_evals.push(report.evaluations.f + report.evaluations.gradient);
                if expected.contains(case.name.as_str()) {
                    println!("  unexpected success: {name} on {}", case.name);
                }
            } else if !expected.contains(case.name.as_str()) {
                failed.push(format!(
                    "{} (f = {:.4e}, {})",
                    case.name, report.value, report.termination
                ));
                unexpected.push(format!(
                    "{name} on {}: f = {:e} ({})",
                    case.name, report.value, report.termination
                ));
            } else {
                failed.push(format!(
                    "{} (f = {:.4e}, {})",
                    case.name, report.value, report.termination
                ));
            }
        }
        solved_evals.sort_unstable();
        let median = solved_evals
            .get(solved_evals.len() / 2)
            .copied()
            .unwrap_or(0);
        println!(
            "{name:<18} {:>3}/{:<3} {median:>12}",
            solved_evals.len(),
            cases.len()
        );
        println!("  not solved: {failed:?}");
    }
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n")
    );
}

#[test]
fn goal_figures_on_rosenbrock() {
    let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    let o = Options::default();
    let bfgs = minimize(&p, &[-1.2, 1.0], &Method::from_name("bfgs").unwrap(), &o).unwrap();
    assert!(bfgs.converged && bfgs.value < 1e-12, "{bfgs}");
    assert!(
        bfgs.evaluations.f <= 45,
        "bfgs used {} f-evaluations",
        bfgs.evaluations.f
    );
    let nm = minimize(
        &p,
        &[-1.2, 1.0],
        &Method::from_name("nelder-mead").unwrap(),
        &o,
    )
    .unwrap();
    assert!(nm.converged && nm.value < 24.2e-8, "{nm}");
    // R's optim stops after 195 evaluations at f = 8.8e-8 on its reltol test alone; the restart
    // certificate (a fresh simplex at the best point, half the last one's size, must not
    // improve) costs further cycles and ends at f = 5.1e-16 after 262, the probe for an infimum
    // at infinity included (465 with the restart at R's start size).
    assert!(
        nm.evaluations.f <= 280,
        "nelder-mead used {} f-evaluations",
        nm.evaluations.f
    );
}

#[test]
fn default_method_solves_every_problem() {
    for case in cases() {
        let problem = Problem::from_formula(&case.formula);
        let method = Method::default_for(&problem);
        let report = minimize(&problem, &case.x0, &method, &Options::default()).unwrap();
        assert!(
            (case.solved)(report.value),
            "{} with {}: {report}",
            case.name,
            method.name()
        );
    }
}
