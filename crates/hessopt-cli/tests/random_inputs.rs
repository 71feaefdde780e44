//! Every command on random finite inputs (issue 12: gradient, hessian, jacobian, minimize with and
//! without bounds and brent, lsq, root by Newton, Brent and for systems, fit by least squares and
//! likelihood, lstsq, plot): small random formulas, points and bounds of
//! extreme magnitudes, random CSV tables. Each run must end with exit 0, 1 or 2 — never a panic
//! (101), an abort or a hang — print no NaN or infinity as a result, and on exit 2 print exactly
//! one line on stderr and nothing on stdout. Cases are few (a debug binary, a handful of runs
//! each); `PROPTEST_CASES` runs more.

mod common;

use common::run;
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Output;

/// What is wrong with a finished run, if anything.
fn judge(args: &[String], out: &Output) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    match code {
        Some(2) if stderr.lines().count() == 1 && stdout.is_empty() => Ok(()),
        Some(2) => Err(format!(
            "exit 2 wants one stderr line: {stderr:?} {stdout:?}"
        )),
        Some(0 | 1) => {
            let bad = stdout
                .split(|c: char| c.is_whitespace() || ",[]()\":;=".contains(c))
                .find(|t| {
                    let t = t.trim_start_matches(['+', '-']);
                    t.eq_ignore_ascii_case("nan") || t == "inf" || t == "Infinity"
                });
            match bad {
                Some(t) => Err(format!("{t:?} printed as a result:\n{stdout}")),
                None => Ok(()),
            }
        }
        _ => Err(format!("exit {code:?}; stderr {stderr}")),
    }
    .map_err(|e| format!("hessopt {}: {e}", args.join(" ")))
}

/// A small formula in x and y: functions, operators and constants of all magnitudes.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        prop::sample::select(vec!["0", "1", "2.5", "1e-300", "1e300", "1e-8", "7"])
            .prop_map(String::from),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (
                prop::sample::select(vec![
                    "sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "atan", "-"
                ]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (inner, prop::sample::select(vec![2, 3, -1])).prop_map(|(a, k)| format!("({a})^{k}")),
        ]
    })
}

/// A coordinate: ordinary, tiny, huge, zero, negative.
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        -3.0f64..3.0,
        prop::sample::select(vec![
            0.0, 1.0, -1.0, 1e-300, -1e-300, 1e300, -1e300, 1e154, 1e-12
        ]),
    ]
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("hessopt-random-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch directory");
    d
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(20),
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_123),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_command_ends_cleanly(
        f in formula(),
        g in formula(),
        a in coordinate(),
        b in coordinate(),
        (lo, hi) in (coordinate(), coordinate()),
        rows in prop::collection::vec((coordinate(), coordinate()), 0..6),
        method in prop::sample::select(vec!["bfgs", "nelder-mead", "newton", "lbfgsb", "cg", "sr1"]),
    ) {
        let at = format!("{a},{b}");
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let dir = scratch();
        let csv = dir.join("t.csv");
        let table: String = rows.iter().map(|(x, y)| format!("{x},{y}\n")).collect();
        std::fs::write(&csv, format!("x,y\n{table}")).unwrap();
        let (am, bm) = (dir.join("a.csv"), dir.join("b.csv"));
        std::fs::write(&am, rows.iter().map(|(x, y)| format!("{x},{y}\n")).collect::<String>()).unwrap();
        std::fs::write(&bm, rows.iter().map(|(x, _)| format!("{}\n", x * 2.0)).collect::<String>()).unwrap();
        let csv = csv.display().to_string();
        let one = f.replace('y', "(1)");
        let runs: Vec<Vec<String>> = vec![
            strings(&["gradient", &f, &format!("--at={at}"), "--vars", "x,y"]),
            strings(&["gradient", &f, &format!("--at={at}"), "--vars", "x,y", "--method", "numeric"]),
            strings(&["hessian", &f, &format!("--at={at}"), "--vars", "x,y"]),
            strings(&["hessian", &f, &format!("--at={at}"), "--vars", "x,y", "--method", "numeric"]),
            strings(&["jacobian", &format!("{f}; {g}"), &format!("--at={at}"), "--vars", "x,y"]),
            strings(&["minimize", &f, &format!("--x0={at}"), "--vars", "x,y", "--method", method, "--max-iter", "300"]),
            strings(&["minimize", &f, &format!("--x0={at}"), "--vars", "x,y", "--lower", &format!("{lo},{lo}"), "--upper", &format!("{hi},{hi}"), "--max-iter", "300"]),
            strings(&["minimize", &one, "--vars", "x", "--method", "brent", &format!("--lower={lo}"), &format!("--upper={hi}")]),
            strings(&["lsq", &format!("{f}; {g}"), &format!("--x0={at}"), "--vars", "x,y", "--max-iter", "300"]),
            strings(&["root", &one, &format!("--x0={a}"), "--vars", "x"]),
            strings(&["root", &one, "--vars", "x", &format!("--bracket={lo},{hi}")]),
            strings(&["root", &format!("{f}; {g}"), &format!("--x0={at}"), "--vars", "x,y"]),
            strings(&["fit", &csv, "--residual", "y - p*x - q", "--params", "p,q", &format!("--start={at}")]),
            strings(&["fit", &csv, "--nll", &format!("({}) ^ 2", f.replace('x', "p").replace('y', "q")), "--params", "p,q", &format!("--start={at}")]),
            strings(&["lstsq", &am.display().to_string(), &bm.display().to_string()]),
            strings(&["plot", &f, &format!("--x0={at}"), "--vars", "x,y", "--out", &dir.join("p.svg").display().to_string()]),
        ];
        for args in &runs {
            let checked = judge(args, &run(args));
            prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
        }
    }
}
