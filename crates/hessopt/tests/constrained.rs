//! Hock–Schittkowski test problems (Hock & Schittkowski, "Test Examples for Nonlinear
//! Programming Codes", 1981; numbers HS6, HS21, HS28, HS35, HS43, HS71) with their published
//! solutions, solved by the augmented Lagrangian; and an infeasible problem.

use hessopt::solve::{
    AugmentedLagrangian, Constraint, Options, Termination, minimize_constrained, parse_constraint,
};
use hessopt::{Formula, Problem};

struct Hs {
    name: &'static str,
    objective: &'static str,
    vars: &'static [&'static str],
    constraints: &'static [&'static str],
    bounds: Option<(&'static [f64], &'static [f64])>,
    x0: &'static [f64],
    fstar: f64,
    xstar: &'static [f64],
}

const PROBLEMS: &[Hs] = &[
    Hs {
        name: "HS6",
        objective: "(1 - x1)^2",
        vars: &["x1", "x2"],
        constraints: &["10*(x2 - x1^2) = 0"],
        bounds: None,
        x0: &[-1.2, 1.0],
        fstar: 0.0,
        xstar: &[1.0, 1.0],
    },
    Hs {
        name: "HS21",
        objective: "0.01*x1^2 + x2^2 - 100",
        vars: &["x1", "x2"],
        constraints: &["10*x1 - x2 >= 10"],
        bounds: Some((&[2.0, -50.0], &[50.0, 50.0])),
        x0: &[-1.0, -1.0],
        fstar: -99.96,
        xstar: &[2.0, 0.0],
    },
    Hs {
        name: "HS28",
        objective: "(x1 + x2)^2 + (x2 + x3)^2",
        vars: &["x1", "x2", "x3"],
        constraints: &["x1 + 2*x2 + 3*x3 = 1"],
        bounds: None,
        x0: &[-4.0, 1.0, 1.0],
        fstar: 0.0,
        xstar: &[0.5, -0.5, 0.5],
    },
    Hs {
        name: "HS35",
        objective: "9 - 8*x1 - 6*x2 - 4*x3 + 2*x1^2 + 2*x2^2 + x3^2 + 2*x1*x2 + 2*x1*x3",
        vars: &["x1", "x2", "x3"],
        constraints: &["x1 + x2 + 2*x3 <= 3"],
        bounds: Some((
            &[0.0, 0.0, 0.0],
            &[f64::INFINITY, f64::INFINITY, f64::INFINITY],
        )),
        x0: &[0.5, 0.5, 0.5],
        fstar: 1.0 / 9.0,
        xstar: &[4.0 / 3.0, 7.0 / 9.0, 4.0 / 9.0],
    },
    Hs {
        name: "HS43",
        objective: "x1^2 + x2^2 + 2*x3^2 + x4^2 - 5*x1 - 5*x2 - 21*x3 + 7*x4",
        vars: &["x1", "x2", "x3", "x4"],
        constraints: &[
            "8 - x1^2 - x2^2 - x3^2 - x4^2 - x1 + x2 - x3 + x4 >= 0",
            "10 - x1^2 - 2*x2^2 - x3^2 - 2*x4^2 + x1 + x4 >= 0",
            "5 - 2*x1^2 - x2^2 - x3^2 - 2*x1 + x2 + x4 >= 0",
        ],
        bounds: None,
        x0: &[0.0, 0.0, 0.0, 0.0],
        fstar: -44.0,
        xstar: &[0.0, 1.0, 2.0, -1.0],
    },
    Hs {
        name: "HS71",
        objective: "x1*x4*(x1 + x2 + x3) + x3",
        vars: &["x1", "x2", "x3", "x4"],
        constraints: &["x1*x2*x3*x4 >= 25", "x1^2 + x2^2 + x3^2 + x4^2 = 40"],
        bounds: Some((&[1.0, 1.0, 1.0, 1.0], &[5.0, 5.0, 5.0, 5.0])),
        x0: &[1.0, 5.0, 5.0, 1.0],
        fstar: 17.014_017_3,
        xstar: &[1.0, 4.742_999_4, 3.821_150_3, 1.379_408_2],
    },
];

#[test]
fn hock_schittkowski_problems() {
    for p in PROBLEMS {
        let f = Formula::parse_with_vars(p.objective, p.vars).unwrap();
        let mut problem = Problem::from_formula(&f);
        if let Some((lo, hi)) = p.bounds {
            problem = problem.with_bounds(lo.to_vec(), hi.to_vec()).unwrap();
        }
        let parsed: Vec<_> = p
            .constraints
            .iter()
            .map(|c| parse_constraint(c, p.vars).unwrap())
            .collect();
        let constraints: Vec<Constraint> = parsed
            .iter()
            .map(|(f, k)| Constraint::from_formula(*k, f))
            .collect();
        let x0: Vec<f64> = match p.bounds {
            Some((lo, hi)) => {
                p.x0.iter()
                    .zip(lo.iter().zip(hi))
                    .map(|(x, (l, h))| x.clamp(*l, *h))
                    .collect()
            }
            None => p.x0.to_vec(),
        };
        let r = minimize_constrained(
            &problem,
            &constraints,
            &x0,
            &AugmentedLagrangian::default(),
            &Options::default(),
        )
        .unwrap();
        println!(
            "{:<5} f {:<12.8} (f* {:<10.6}) viol {:.1e} kkt {:.1e} outer {} f+g {} multipliers {:?}",
            p.name,
            r.value,
            p.fstar,
            r.max_violation,
            r.kkt.stationarity,
            r.outer_iterations,
            r.evaluations.f + r.evaluations.gradient,
            r.multipliers
        );
        assert!(r.converged, "{}: {:?}", p.name, r.termination);
        assert!(
            (r.value - p.fstar).abs() <= 1e-6 * p.fstar.abs().max(1.0),
            "{}: f = {}",
            p.name,
            r.value
        );
        for (a, b) in r.x.iter().zip(p.xstar) {
            assert!(
                (a - b).abs() <= 1e-4 * b.abs().max(1.0),
                "{}: x = {:?}",
                p.name,
                r.x
            );
        }
        assert!(r.max_violation <= 1e-8);
    }
}

#[test]
fn infeasible_constraints_are_reported_as_such() {
    let f = Formula::parse("x^2").unwrap();
    let problem = Problem::from_formula(&f);
    let parsed = [
        parse_constraint("x >= 1", &["x"]).unwrap(),
        parse_constraint("x <= 0", &["x"]).unwrap(),
    ];
    let constraints: Vec<Constraint> = parsed
        .iter()
        .map(|(f, k)| Constraint::from_formula(*k, f))
        .collect();
    let r = minimize_constrained(
        &problem,
        &constraints,
        &[3.0],
        &AugmentedLagrangian::default(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(r.termination, Termination::Infeasible);
    assert!(!r.converged && r.max_violation > 0.1);
    assert!(parse_constraint("x > 1", &["x"]).is_err());
    assert!(parse_constraint("x >= 1 >= 0", &["x"]).is_err());
    let e = parse_constraint("x =", &["x"]).unwrap_err().to_string();
    assert!(e.contains("needs an expression on both sides"), "{e}");
}
