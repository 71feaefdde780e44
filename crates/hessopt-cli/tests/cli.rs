//! Runs the `hessopt` binary: outputs, JSON fields, exit codes, bad input.

use serde_json::Value;
use std::process::{Command, Output};

fn hessopt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hessopt"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the command, asserts success, returns stdout.
fn succeeds(args: &[&str]) -> String {
    let out = hessopt(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs a command with `--json`: one JSON object on stdout, and the exit code agrees with it: 0
/// when `converged` is true or absent, 1 when it is false (the report is printed all the same).
fn json(args: &[&str]) -> Value {
    let out = hessopt(args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON object ({e}); stderr {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let want = if v["converged"] == false { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(want), "{args:?}: exit code for {v}");
    v
}

fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().flat_map(floats).collect(),
        other => vec![other.as_f64().expect("a number")],
    }
}

fn close(got: &[f64], want: &[f64], rtol: f64) -> bool {
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| (g - w).abs() <= rtol * w.abs() + rtol * 1e-3 * scale)
}

/// Asserts the command fails with exit code 2 and exactly one line on stderr, containing `needle`.
fn fails_with(args: &[&str], needle: &str) {
    let out = hessopt(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {err}");
    assert_eq!(
        err.lines().count(),
        1,
        "{args:?}: one stderr line, got {err:?}"
    );
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn shared_cases_through_the_binary() {
    let Some(cases) = hessopt_cases::derivative_cases().expect("shared cases") else {
        return;
    };
    for c in cases {
        let at = format!(
            "--at={}",
            c.at.iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let vars = c.vars.join(",");
        let h = json(&["hessian", &c.expr, &at, "--vars", &vars, "--json"]);
        let want_h: Vec<f64> = c.hess.iter().flatten().copied().collect();
        assert!(
            close(&floats(&h["hessian"]), &want_h, 1e-12),
            "{}: {h}",
            c.name
        );
        assert!(close(&floats(&h["gradient"]), &c.grad, 1e-12), "{}", c.name);
        assert!(
            close(&[h["value"].as_f64().unwrap()], &[c.f], 1e-12),
            "{}",
            c.name
        );
        let g = json(&["gradient", &c.expr, &at, "--vars", &vars, "--json"]);
        assert!(close(&floats(&g["gradient"]), &c.grad, 1e-12), "{}", c.name);
    }
}

#[test]
fn shared_cases_numeric_within_1e7() {
    let Some(cases) = hessopt_cases::derivative_cases().expect("shared cases") else {
        return;
    };
    for c in cases {
        let at = format!(
            "--at={}",
            c.at.iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let vars = c.vars.join(",");
        let h = json(&[
            "hessian", &c.expr, &at, "--vars", &vars, "--json", "--method", "numeric",
        ]);
        let want_h: Vec<f64> = c.hess.iter().flatten().copied().collect();
        // Normwise relative error, as in the goal.
        let got = floats(&h["hessian"]);
        let diff: f64 = got
            .iter()
            .zip(&want_h)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        let norm: f64 = want_h.iter().map(|a| a * a).sum::<f64>().sqrt();
        assert!(diff <= 1e-7 * norm, "{}: {h}", c.name);
        assert_eq!(h["method"], "numeric");
        let evals = h["evaluations"].as_u64().unwrap() as usize;
        let n = c.vars.len();
        assert!(
            evals <= 4 * n * n + 4 * n + 1,
            "{}: {evals} evaluations",
            c.name
        );
        assert_eq!(floats(&h["error_estimate"]).len(), n * n);
        let g = json(&[
            "gradient", &c.expr, &at, "--vars", &vars, "--json", "--method", "numeric",
        ]);
        // Normwise relative, with an absolute floor where the exact gradient is zero.
        let gd: f64 = floats(&g["gradient"])
            .iter()
            .zip(&c.grad)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        let gn: f64 = c.grad.iter().map(|a| a * a).sum::<f64>().sqrt();
        assert!(gd <= 1e-7 * gn.max(1e-3), "{}: {g}", c.name);
        assert!(g["evaluations"].as_u64().unwrap() > 0);
    }
    let j = json(&[
        "jacobian",
        "x*y; x + sin(y)",
        "--at=1,2",
        "--json",
        "--method",
        "numeric",
    ]);
    assert!(
        close(&floats(&j["jacobian"]), &[2.0, 1.0, 1.0, 2f64.cos()], 1e-9),
        "{j}"
    );
    assert!(j.get("error_estimate").is_some() && j.get("evaluations").is_some());
}

#[test]
fn hessian_json_contract() {
    let v = json(&[
        "hessian",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--at=1,1",
        "--vars",
        "x,y",
        "--json",
    ]);
    for key in [
        "vars",
        "at",
        "value",
        "gradient",
        "hessian",
        "eigenvalues",
        "definiteness",
        "classification",
        "condition_number",
        "method",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(floats(&v["hessian"]), vec![802.0, -400.0, -400.0, 200.0]);
    assert_eq!(v["definiteness"], "positive_definite");
    assert_eq!(v["classification"], "minimum");
    assert_eq!(v["method"], "exact");
    assert!((v["condition_number"].as_f64().unwrap() - 2508.0096).abs() < 1e-3);
    let saddle = json(&["hessian", "x^3 + y^3 - 3*x*y", "--at=0,0", "--json"]);
    assert_eq!(saddle["classification"], "saddle");
    assert_eq!(saddle["definiteness"], "indefinite");
    let max = json(&["hessian", "-x^2 - y^2", "--at=0,0", "--json"]);
    assert_eq!(max["classification"], "maximum");
    let deg = json(&["hessian", "x^4 + y^2", "--at=0,0", "--json"]);
    assert_eq!(deg["classification"], "degenerate");
    assert_eq!(deg["definiteness"], "positive_semidefinite");
    let ns = json(&["hessian", "x^2 + y", "--at=1,1", "--json"]);
    assert_eq!(ns["classification"], "not_stationary");
}

#[test]
fn text_output_and_negative_points() {
    let text = succeeds(&[
        "hessian",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--at=-1.2,1",
        "--vars=x,y",
    ]);
    assert!(text.contains("hessian"), "{text}");
    assert!(text.contains("[-1.2, 1]"), "{text}");
    let g = json(&["gradient", "x^2*y", "--at", "-2,3", "--json"]);
    assert_eq!(floats(&g["gradient"]), vec![-12.0, 4.0]);
    assert_eq!(g["vars"], serde_json::json!(["x", "y"]));
}

#[test]
fn jacobian_contract() {
    let v = json(&["jacobian", "x*y; x + sin(y)", "--at=1,2", "--json"]);
    assert_eq!(floats(&v["values"]), vec![2.0, 1.0 + 2f64.sin()]);
    assert_eq!(floats(&v["jacobian"]), vec![2.0, 1.0, 1.0, 2f64.cos()]);
    assert_eq!(v["vars"], serde_json::json!(["x", "y"]));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for cmd in ["gradient", "hessian", "jacobian"] {
        fails_with(&[cmd, "x +", "--at=1"], "parse error at byte 3");
        fails_with(&[cmd, "foo(x)", "--at=1"], "unknown function 'foo'");
        fails_with(
            &[cmd, "x*y", "--at=1"],
            "1 values given but the formula has 2 variables",
        );
        fails_with(&[cmd, "x*y", "--at=1,abc"], "'abc' is not a finite number");
        fails_with(&[cmd, "1/x", "--at=0"], "not finite");
        fails_with(&[cmd, "log(x)", "--at=-1"], "not finite");
        fails_with(
            &[cmd, "x", "--at=1", "--method", "magic"],
            "invalid value 'magic'",
        );
        fails_with(&[cmd, "x"], "--at");
        fails_with(&[cmd, "x + q", "--at=1", "--vars", "x"], "variable 'q'");
    }
    fails_with(&["frobnicate"], "unrecognized subcommand");
    fails_with(
        &["hessian", "@/nonexistent/f.txt", "--at=1"],
        "cannot read /nonexistent/f.txt",
    );
    // 200 000 nested parentheses: too long for one argv entry, so through a file.
    let dir = std::env::temp_dir().join(format!("hessopt-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unclosed = dir.join("unclosed.txt");
    std::fs::write(&unclosed, format!("{}x", "(".repeat(200_000))).unwrap();
    fails_with(
        &["hessian", &format!("@{}", unclosed.display()), "--at=1"],
        "never closed",
    );
    let deep = dir.join("deep.txt");
    let n = 200_000;
    std::fs::write(&deep, format!("{}x^2{}", "(".repeat(n), ")".repeat(n))).unwrap();
    let v = json(&[
        "hessian",
        &format!("@{}", deep.display()),
        "--at=3",
        "--json",
    ]);
    assert_eq!(floats(&v["hessian"]), vec![2.0]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn minimize_json_contract_and_every_method_name() {
    let v = json(&[
        "minimize",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--x0=-1.2,1",
        "--vars=x,y",
        "--json",
    ]);
    for key in [
        "x",
        "value",
        "gradient_norm",
        "converged",
        "termination",
        "iterations",
        "method",
        "evaluations",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    for key in ["f", "gradient", "hessian"] {
        assert!(
            v["evaluations"][key].as_u64().is_some(),
            "evaluations.{key}: {v}"
        );
    }
    assert_eq!(v["converged"], true);
    assert!(close(&floats(&v["x"]), &[1.0, 1.0], 1e-6));
    let names = [
        "nelder-mead",
        "bfgs",
        "dfp",
        "sr1",
        "lbfgs",
        "lbfgsb",
        "cg",
        "newton",
        "trust-region",
        "gradient-descent",
        "sgd",
        "sann",
    ];
    for m in names {
        // Robbins–Monro's decaying gain reaches |g| ≤ 1e-6 but not the default 1e-8 in 10 000 steps.
        let tol = if m == "sgd" { "1e-6" } else { "1e-8" };
        let v = json(&[
            "minimize",
            "(x - 1)^2 + 2*(y + 0.5)^2",
            "--x0=0,0",
            "--method",
            m,
            "--tol",
            tol,
            "--json",
        ]);
        assert_eq!(v["method"], m);
        let x = floats(&v["x"]);
        let tol = if m == "sann" { 0.5 } else { 1e-3 };
        assert!(
            (x[0] - 1.0).abs() < tol && (x[1] + 0.5).abs() < tol,
            "{m}: {v}"
        );
        if m == "sann" {
            assert_eq!(v["converged"], false, "sann has no convergence test");
        } else {
            assert_eq!(v["converged"], true, "{m}: {v}");
        }
    }
    let b = json(&[
        "minimize",
        "(x - 2)^2 + sin(3*x)",
        "--x0=1",
        "--method",
        "brent",
        "--lower=0",
        "--upper=4",
        "--json",
    ]);
    assert_eq!(b["termination"], "interval_converged");
    assert!((floats(&b["x"])[0] - 1.649_428_390_5).abs() < 1e-6, "{b}");
}

#[test]
fn minimize_shared_problems_with_the_default_method() {
    let Some(cases) = hessopt_cases::minimize_cases().expect("shared cases") else {
        return;
    };
    for c in cases {
        let x0 = format!(
            "--x0={}",
            c.x0.iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let v = json(&[
            "minimize",
            &c.expr,
            &x0,
            "--vars",
            &c.vars.join(","),
            "--json",
        ]);
        let f = v["value"].as_f64().unwrap();
        assert!(c.solved(f), "{}: {v}", c.name);
    }
}

#[test]
fn minimize_bounds_trace_and_bad_input() {
    let v = json(&[
        "minimize",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--x0=-1.2,1",
        "--vars=x,y",
        "--lower=-2,-1",
        "--upper=0.5,inf",
        "--json",
    ]);
    assert_eq!(v["method"], "lbfgsb");
    assert!(close(&floats(&v["x"]), &[0.5, 0.25], 1e-8), "{v}");
    // A start outside the box is projected, with a note.
    let text = succeeds(&[
        "minimize",
        "(x - 3)^2",
        "--x0=10",
        "--lower=0",
        "--upper=5",
        "--method",
        "lbfgsb",
    ]);
    assert!(text.contains("projected"), "{text}");
    let text = succeeds(&[
        "minimize",
        "(x - 2)^2 + y^2",
        "--x0=0,1",
        "--method",
        "bfgs",
        "--trace",
    ]);
    assert!(
        text.lines().filter(|l| l.starts_with("iter ")).count() >= 1,
        "{text}"
    );
    // With constraints: one line per outer iteration of the augmented Lagrangian, as many as
    // the report's outer iterations.
    let text = succeeds(&[
        "minimize",
        "x + y",
        "--x0=0.5,0.5",
        "--constraint",
        "x^2 + y^2 = 1",
        "--trace",
    ]);
    let outer: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("iterations"))
        .and_then(|l| l.trim().split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("an iterations line");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("iter ")).count(),
        outer,
        "{text}"
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--method", "magic"],
        "unknown method 'magic'",
    );
    fails_with(
        &["minimize", "x^2 + y", "--x0=1"],
        "1 values given but the formula has 2 variables",
    );
    fails_with(
        &["minimize", "x^2", "--x0=nan"],
        "'nan' is not a finite number",
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--lower=2", "--upper=1"],
        "lower[0] = 2 > upper[0] = 1",
    );
    fails_with(&["minimize", "log(x)", "--x0=-1"], "not finite");
    fails_with(
        &["minimize", "x^2 + y^2", "--x0=1,1", "--method", "brent"],
        "needs exactly one variable",
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--method", "bfgs", "--lower=0"],
        "does not handle bounds",
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--max-iter", "0"],
        "invalid --max-iter",
    );
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../hessopt/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn fit_reproduces_glm_through_the_binary() {
    // References: statsmodels 0.15.0 GLM (see crates/hessopt/tests/fit.rs).
    let eta = "(b0 + b1*x1 + b2*x2)";
    let v = json(&[
        "fit",
        &fixture("logistic.csv"),
        "--nll",
        &format!("logsumexp(0, {eta}) - y*{eta}"),
        "--params",
        "b0,b1,b2",
        "--start=0,0,0",
        "--json",
    ]);
    for key in [
        "params",
        "estimates",
        "standard_errors",
        "covariance",
        "value",
        "converged",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!(close(
        &floats(&v["estimates"]),
        &[
            -0.450_597_451_965_691_06,
            1.430_188_421_957_396_4,
            -1.004_469_300_562_278_2
        ],
        1e-6
    ));
    assert!(close(
        &floats(&v["standard_errors"]),
        &[
            0.441_147_611_667_985_33,
            0.442_474_112_780_452_5,
            0.462_161_811_627_292_5
        ],
        1e-6
    ));
    assert_eq!(v["converged"], true);
    let text = succeeds(&[
        "fit",
        &fixture("poisson.csv"),
        "--nll",
        "exp(b0 + b1*x) - y*(b0 + b1*x)",
        "--params=b0,b1",
        "--start=0,0",
    ]);
    assert!(
        text.contains("Std. Error") && text.contains("0.939342") && text.contains("0.144949"),
        "{text}"
    );
}

#[test]
fn fit_bad_input() {
    let dir = std::env::temp_dir().join(format!("hessopt-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let good = write("good.csv", "x,y\n1,2\n2,3\n3,5\n");
    let args = |file: &str| {
        vec![
            "fit".to_string(),
            file.to_string(),
            "--residual".into(),
            "y - a*x".into(),
            "--params=a".into(),
            "--start=1".into(),
        ]
    };
    let run = |a: Vec<String>, needle: &str| {
        fails_with(&a.iter().map(String::as_str).collect::<Vec<_>>(), needle)
    };
    run(args(&write("empty.csv", "")), "the file is empty");
    run(
        args(&write("text.csv", "x,y\n1,2\n2,abc\n")),
        "line 3, column 'y': 'abc' is not a finite number",
    );
    run(
        args(&write("ragged.csv", "x,y\n1,2\n2\n")),
        "line 3: 1 cells, but the header has 2 columns",
    );
    run(
        args("/nonexistent/data.csv"),
        "cannot read /nonexistent/data.csv",
    );
    let mut missing = args(&good);
    missing[3] = "y - a*z".into();
    run(missing, "'z' is neither a parameter (a) nor a column");
    let mut no_model = args(&good);
    no_model.drain(2..4);
    run(no_model, "give exactly one of --nll and --residual");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn minimize_hessian_reports_standard_errors() {
    let v = json(&[
        "minimize",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--x0=-1.2,1",
        "--vars=x,y",
        "--hessian",
        "--json",
    ]);
    for key in [
        "hessian",
        "eigenvalues",
        "classification",
        "covariance",
        "standard_errors",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["classification"], "minimum");
    // H = [[802, −400], [−400, 200]] ⇒ H⁻¹ = [[0.5, 1], [1, 2.005]].
    assert!(
        close(&floats(&v["covariance"]), &[0.5, 1.0, 1.0, 2.005], 1e-8),
        "{v}"
    );
    assert!(close(
        &floats(&v["standard_errors"]),
        &[0.5f64.sqrt(), 2.005f64.sqrt()],
        1e-8
    ));
    // A saddle: no standard errors, a warning instead.
    let s = json(&[
        "minimize",
        "x^2 - y^2",
        "--x0=0,0",
        "--method",
        "nelder-mead",
        "--hessian",
        "--json",
    ]);
    assert!(s["standard_errors"].is_null(), "{s}");
    assert!(
        s["warning"].to_string().contains("not positive definite"),
        "{s}"
    );
    // With an active bound: y is fixed, the reduced Hessian on x gives its standard error.
    let b = json(&[
        "minimize",
        "(x - 1)^2 + (y - 3)^2",
        "--x0=0,0",
        "--lower=0,0",
        "--upper=2,2",
        "--hessian",
        "--json",
    ]);
    assert_eq!(b["fixed_at_bound"], serde_json::json!(["y"]));
    assert!(
        (b["standard_errors"][0].as_f64().unwrap() - 0.5f64.sqrt()).abs() < 1e-12,
        "{b}"
    );
    assert!(
        b["standard_errors"][1].is_null(),
        "a variable at its bound has no standard error"
    );
}

#[test]
fn constrained_minimize_reports_multipliers_and_kkt() {
    // Hock–Schittkowski 71: f* = 17.0140173, multipliers (0.55229366, −0.16146857).
    let v = json(&[
        "minimize",
        "x1*x4*(x1 + x2 + x3) + x3",
        "--vars=x1,x2,x3,x4",
        "--x0=1,5,5,1",
        "--lower=1,1,1,1",
        "--upper=5,5,5,5",
        "--constraint",
        "x1*x2*x3*x4 >= 25",
        "--constraint",
        "x1^2 + x2^2 + x3^2 + x4^2 = 40",
        "--json",
    ]);
    for key in [
        "multipliers",
        "max_violation",
        "kkt",
        "x",
        "value",
        "converged",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["converged"], true);
    assert!(
        (v["value"].as_f64().unwrap() - 17.014_017_3).abs() < 1e-6,
        "{v}"
    );
    assert!(
        close(
            &floats(&v["multipliers"]),
            &[0.552_293_66, -0.161_468_57],
            1e-6
        ),
        "{v}"
    );
    assert!(v["max_violation"].as_f64().unwrap() <= 1e-8);
    let bad = json(&[
        "minimize",
        "x^2",
        "--x0=3",
        "--constraint",
        "x >= 1",
        "--constraint",
        "x <= 0",
        "--json",
    ]);
    assert_eq!(
        (bad["converged"].clone(), bad["termination"].clone()),
        (serde_json::json!(false), serde_json::json!("infeasible"))
    );
    fails_with(
        &["minimize", "x^2", "--x0=3", "--constraint", "x > 1"],
        "has a strict '>': write '>='",
    );
    fails_with(
        &["minimize", "x^2", "--x0=3", "--constraint", "x + 1"],
        "has no '>=', '<=' or '='",
    );
    fails_with(
        &[
            "minimize",
            "x^2",
            "--x0=3",
            "--constraint",
            "x >= 1",
            "--method",
            "bfgs",
        ],
        "cannot take --constraint",
    );
    fails_with(
        &["minimize", "x^2", "--x0=3", "--constraint", "x + q >= 1"],
        "variable 'q'",
    );
}

#[test]
fn least_squares_commands() {
    let v = json(&[
        "lsq",
        "10*(y - x^2); 1 - x",
        "--x0=-1.2,1",
        "--vars=x,y",
        "--json",
    ]);
    for key in [
        "x",
        "residual_norm",
        "converged",
        "termination",
        "iterations",
        "evaluations",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!(close(&floats(&v["x"]), &[1.0, 1.0], 1e-10), "{v}");
    let dir = std::env::temp_dir().join(format!("hessopt-lstsq-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("A.csv");
    let b = dir.join("b.csv");
    std::fs::write(&a, "# A, rank 1\n1,1\n2,2\n3,3\n").unwrap();
    std::fs::write(
        &b,
        "2\n4\n  # comments are skipped, as numpy's loadtxt does\n6\n",
    )
    .unwrap();
    let (a, b) = (a.display().to_string(), b.display().to_string());
    // Rank 1: minimum-norm solution (1, 1).
    let v = json(&["lstsq", &a, &b, "--json"]);
    assert_eq!(v["rank"], 1);
    assert!(close(&floats(&v["x"]), &[1.0, 1.0], 1e-12), "{v}");
    // ‖x‖ ≤ 1: x = (1, 1)/√2, λ = σβ − σ² with σ = √28, σβ = 2·√392 (closed form, see lstsq tests).
    let v = json(&["lstsq", &a, &b, "--max-norm", "1", "--json"]);
    let h = 0.5f64.sqrt();
    assert!(close(&floats(&v["x"]), &[h, h], 1e-10), "{v}");
    assert!(
        (v["lambda"].as_f64().unwrap() - (2.0 * 392f64.sqrt() - 28.0)).abs() < 1e-8,
        "{v}"
    );
    std::fs::write(dir.join("bad.csv"), "1,x\n").unwrap();
    fails_with(
        &["lstsq", &dir.join("bad.csv").display().to_string(), &b],
        "'x' is not a finite number",
    );
    fails_with(&["lstsq", &a, &b, "--max-norm", "-1"], "invalid --max-norm");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn root_command() {
    let v = json(&["root", "x^2 - 2", "--x0=1", "--json"]);
    for key in [
        "x",
        "residual_norm",
        "converged",
        "termination",
        "iterations",
        "evaluations",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!((floats(&v["x"])[0] - 2f64.sqrt()).abs() < 1e-12);
    let s = json(&["root", "x^2 + y^2 - 4; x - y", "--x0=1,0", "--json"]);
    assert!(
        close(&floats(&s["x"]), &[2f64.sqrt(), 2f64.sqrt()], 1e-12),
        "{s}"
    );
    let b = json(&[
        "root",
        "x^3 - 2*x + 2",
        "--x0=0",
        "--bracket=-3,0",
        "--json",
    ]);
    assert_eq!(b["method"], "brent");
    assert!(
        (floats(&b["x"])[0] + 1.769_292_354_238_631).abs() < 1e-10,
        "{b}"
    );
    let br = json(&[
        "root",
        "x^2 + y^2 - 4; x - y",
        "--x0=1,0",
        "--method",
        "broyden",
        "--json",
    ]);
    assert_eq!(br["converged"], true);
    let none = json(&["root", "x^2 + 1", "--x0=0", "--method", "brent", "--json"]);
    assert_eq!(
        (none["converged"].clone(), none["termination"].clone()),
        (serde_json::json!(false), serde_json::json!("no_bracket"))
    );
    // A minimum of |F| that is not a root is never reported as converged.
    let m = json(&["root", "x^2 + 1", "--x0=0.5", "--json"]);
    assert_eq!(m["converged"], false, "{m}");
    fails_with(&["root", "x*y", "--x0=1,1"], "1 equations in 2 unknowns");
    fails_with(
        &["root", "x^2 - 2", "--x0=1", "--method", "broyden"],
        "unknown method 'broyden' for one equation",
    );
    fails_with(
        &["root", "x - y; x + y", "--x0=1,1", "--method", "secant"],
        "unknown method 'secant' for systems",
    );
    fails_with(
        &["root", "x^2 - 2", "--x0=1", "--bracket=1"],
        "give two numbers",
    );
}

/// The root traps of issue 11: a sign change that closes on a pole is a `discontinuity`, |f| ≤ tol
/// reached only along an asymptote is `not_a_root`, a bracket near ±f64::MAX neither overflows nor
/// prints NaN, a non-finite start is one error line.
#[test]
fn root_traps_are_not_converged() {
    for (args, want) in [
        (&["1/x", "--x0=1", "--bracket=-1,1"][..], "discontinuity"),
        (&["tan(x)", "--bracket=1,2"][..], "discontinuity"),
        (&["x/abs(x)", "--bracket=-1,2"][..], "discontinuity"),
        (&["1/x", "--x0=1"][..], "not_a_root"),
        (&["exp(-x)", "--x0=0", "--method=secant"][..], "not_a_root"),
        (&["x^2 + 1; x*y", "--x0=1,1"][..], "not_a_root"),
    ] {
        let v = json(&[&["root"][..], args, &["--json"]].concat());
        assert_eq!(
            (v["converged"].clone(), v["termination"].as_str()),
            (serde_json::json!(false), Some(want)),
            "{args:?}: {v}"
        );
    }
    let big = json(&["root", "x", "--bracket=-1e308,1e308", "--json"]);
    assert_eq!(big["termination"], "root_found", "{big}");
    assert_eq!(floats(&big["x"]), [0.0]);
    assert_eq!(floats(&big["residual_norm"]), [0.0]);
    let shifted = json(&["root", "x - 1e307", "--bracket=-1e308,1e308", "--json"]);
    assert!(
        (floats(&shifted["x"])[0] / 1e307 - 1.0).abs() < 1e-15,
        "{shifted}"
    );
    fails_with(&["root", "x^2 - 2", "--x0=1e308"], "f at x0 is not finite");
}

/// Issue 11: the KKT conditions hold at the constrained maximum (1, 1)/√2 too; the reduced
/// Hessian of the Lagrangian is negative there, so the run steps off and ends at the minimum.
#[test]
fn constrained_maximum_is_not_converged() {
    let v = json(&[
        "minimize",
        "x + y",
        "--x0=0.5,0.5",
        "--constraint",
        "x^2 + y^2 = 1",
        "--json",
    ]);
    assert_eq!(v["termination"], "kkt_conditions", "{v}");
    let s = std::f64::consts::FRAC_1_SQRT_2;
    assert!(close(&floats(&v["x"]), &[-s, -s], 1e-6), "{v}");
    let u = json(&[
        "minimize",
        "x*y",
        "--x0=1,1",
        "--constraint",
        "x + y = 2",
        "--json",
    ]);
    assert_eq!(
        (u["converged"].clone(), u["termination"].as_str()),
        (serde_json::json!(false), Some("unbounded")),
        "{u}"
    );
}

/// Issue 11: a likelihood without a finite maximum is `unbounded`, not converged (exit 1), and the
/// table has no standard errors.
#[test]
fn fit_without_finite_mle_is_unbounded() {
    let dir = std::env::temp_dir().join(format!("hessopt-unbounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("separated.csv");
    std::fs::write(&csv, "x,y\n-2,0\n-1,0\n-0.5,0\n0.5,1\n1,1\n2,1\n").unwrap();
    let csv = csv.display().to_string();
    for (nll, params, start) in [
        ("logsumexp(0, a + b*x) - y*(a + b*x)", "a,b", "0,0"),
        ("-log(a)", "a", "1"),
    ] {
        let args = [
            "fit", &csv, "--nll", nll, "--params", params, "--start", start,
        ];
        let v = json(&[&args[..], &["--json"]].concat());
        assert_eq!(
            (v["converged"].clone(), v["termination"].as_str()),
            (serde_json::json!(false), Some("unbounded")),
            "{v}"
        );
        assert!(v["standard_errors"].is_null(), "{v}");
        let out = hessopt(&args);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("NOT converged, unbounded"), "{text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn svg_paths(path: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| matches!(n.tag_name().name(), "path" | "polyline" | "line"))
        .count()
}

#[test]
fn plots_are_svg_with_paths() {
    let dir = std::env::temp_dir().join(format!("hessopt-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let contour = dir.join("rosen.svg");
    let out = succeeds(&[
        "plot",
        "100*(y - x^2)^2 + (1 - x)^2",
        "--vars=x,y",
        "--x0=-1.2,1",
        "--methods",
        "bfgs,newton,nelder-mead",
        "--out",
        &contour.display().to_string(),
    ]);
    assert!(out.contains("bfgs (38 iterations)"), "{out}");
    let text = std::fs::read_to_string(&contour).unwrap();
    for label in ["bfgs", "newton", "nelder-mead", "start"] {
        assert!(text.contains(label), "legend lacks {label}");
    }
    assert!(svg_paths(&contour) > 20, "contours and paths");
    let conv = dir.join("conv.svg");
    succeeds(&[
        "plot",
        "(x - 1)^2 + 10*(y - x)^2 + z^2",
        "--x0=0,1,2",
        "--methods",
        "bfgs,cg",
        "--convergence",
        "--out",
        &conv.display().to_string(),
    ]);
    assert!(svg_paths(&conv) >= 2);
    fails_with(
        &["plot", "x + y + z", "--x0=0,0,0", "--out", "/tmp/x.svg"],
        "contour plots need exactly two variables",
    );
    fails_with(
        &[
            "plot",
            "x^2 + y^2",
            "--x0=1,1",
            "--out",
            "/tmp/x.svg",
            "--window=1,0,0,1",
        ],
        "xmin < xmax",
    );
    fails_with(
        &[
            "plot",
            "x^2 + y^2",
            "--x0=1,1",
            "--out",
            "/nonexistent/dir/x.svg",
        ],
        "/nonexistent/dir/x.svg",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bench_on_a_small_subset() {
    let dir = std::env::temp_dir().join(format!("hessopt-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("profile.svg");
    let v = json(&[
        "bench",
        "--methods",
        "bfgs,trust-region",
        "--problems",
        "4",
        "--out",
        &profile.display().to_string(),
        "--json",
    ]);
    assert_eq!(v["problems"], 4);
    assert_eq!(v["methods"][1]["method"], "trust-region");
    assert_eq!(v["methods"][1]["solved"], 4, "{v}");
    assert!(v["reference"]["source"].as_str().unwrap().contains("scipy"));
    // scipy at both settings, told apart: its defaults and hessopt's tolerances.
    let reference = v["reference"]["methods"].as_array().unwrap();
    for (settings, method) in [
        ("defaults", "scipy-bfgs"),
        ("hessopt_tol", "scipy-bfgs@hessopt"),
    ] {
        assert!(
            reference
                .iter()
                .any(|r| r["settings"] == settings && r["method"] == method),
            "{settings}: {v}"
        );
        let how = v["reference"]["settings"][settings].as_str().unwrap();
        assert!(how.contains("gtol"), "{how}");
    }
    assert_eq!(v["runs"].as_array().unwrap().len(), 8);
    assert!(svg_paths(&profile) >= 2);
    std::fs::remove_dir_all(&dir).ok();
    fails_with(&["bench", "--methods", "magic"], "unknown method 'magic'");
    assert_eq!(
        (&v["settings"], &v["matched_reference"]),
        (
            &serde_json::json!("hessopt"),
            &serde_json::json!("hessopt_tol")
        )
    );
    // hessopt at scipy's defaults, to compare with scipy's runs at its defaults.
    let v = json(&[
        "bench",
        "--methods",
        "bfgs,nelder-mead",
        "--problems",
        "2",
        "--settings",
        "scipy",
        "--json",
    ]);
    assert_eq!(
        (&v["settings"], &v["matched_reference"]),
        (&serde_json::json!("scipy"), &serde_json::json!("defaults"))
    );
    // Rosenbrock within scipy's maxfev 200·n = 400 (scipy itself: 159).
    let nm = &v["runs"][1];
    assert!(
        nm["solved"] == true && nm["evaluations"].as_u64().unwrap() <= 400,
        "{v}"
    );
}

#[test]
fn brent_and_uniroot_need_no_start() {
    // R: optimize(function(x) (x - 2)^2, c(0, 5)) gives 2; uniroot(function(x) x^2 - 2, c(0, 5)).
    for method in [None, Some("Brent")] {
        let mut args = vec!["minimize", "(x - 2)^2", "--lower=0", "--upper=5", "--json"];
        args.extend(method.map(|m| ["--method", m]).into_iter().flatten());
        let m = json(&args);
        assert_eq!(m["method"], "brent");
        assert!((floats(&m["x"])[0] - 2.0).abs() < 1e-7, "{m}");
    }
    let r = json(&["root", "x^2 - 2", "--bracket=0,5", "--json"]);
    assert_eq!(
        (r["method"].clone(), r["converged"].clone()),
        ("brent".into(), true.into())
    );
    assert!((floats(&r["x"])[0] - 2f64.sqrt()).abs() < 1e-12, "{r}");
    fails_with(
        &["root", "x^2 + 1", "--bracket=0,5"],
        "f(0) = 1 and f(5) = 26 are not of opposite sign",
    );
    fails_with(
        &["root", "x^2 - 2", "--bracket=0,5", "--method", "newton"],
        "--bracket: is used by brent only",
    );
    fails_with(&["root", "x^2 - 2"], "--x0: a start is needed");
    fails_with(
        &["minimize", "(x - 2)^2"],
        "a start is needed for trust-region",
    );
    fails_with(
        &[
            "minimize",
            "(x - 2)^2",
            "--lower=0",
            "--upper=5",
            "--method",
            "bfgs",
        ],
        "a start is needed for bfgs",
    );
}

#[test]
fn r_and_scipy_method_spellings() {
    let rosen = "100*(y - x^2)^2 + (1 - x)^2";
    for (given, ours) in [
        ("BFGS", "bfgs"),
        ("L-BFGS-B", "lbfgsb"),
        ("Nelder-Mead", "nelder-mead"),
        ("CG", "cg"),
        ("SANN", "sann"),
        ("trust-ncg", "trust-region"),
        ("trust-exact", "trust-region"),
    ] {
        let v = json(&[
            "minimize",
            rosen,
            "--x0=-1.2,1",
            "--method",
            given,
            "--json",
        ]);
        assert_eq!(v["method"], ours, "{given}");
    }
    // trust-exact really is the exact subproblem: its path differs from Steihaug's.
    let iters = |m: &str| {
        json(&["minimize", rosen, "--x0=-1.2,1", "--method", m, "--json"])["iterations"].clone()
    };
    assert_ne!(iters("trust-exact"), iters("trust-ncg"));
    let b = json(&[
        "minimize",
        "(x - 2)^2",
        "--lower=0",
        "--upper=5",
        "--method",
        "BRENT",
        "--json",
    ]);
    assert_eq!(b["method"], "brent");
    let r = json(&["root", "x^2 - 2", "--x0=1", "--method", "Secant", "--json"]);
    assert_eq!(r["method"], "secant");
    // No alias for a method we do not have.
    for missing in ["Powell", "TNC", "SLSQP", "Newton-CG", "dogleg"] {
        fails_with(
            &["minimize", rosen, "--x0=-1.2,1", "--method", missing],
            "unknown method",
        );
    }
}

#[test]
fn exit_codes_usage_and_hints() {
    // 1: finished without converging, the report printed all the same.
    let out = hessopt(&[
        "minimize",
        "x^2 + y",
        "--x0=1,1",
        "--method",
        "bfgs",
        "--max-iter",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("converged      no (max_iterations)"),
        "{text}"
    );
    let v = json(&[
        "minimize",
        "x^2 + y",
        "--x0=1,1",
        "--max-iter",
        "3",
        "--json",
    ]);
    assert_eq!(v["converged"], false);
    // fit and lsq follow the same rule.
    let fit = hessopt(&[
        "fit",
        "../hessopt/tests/data/poisson.csv",
        "--nll",
        "exp(b0 + b1*x) - y*(b0 + b1*x)",
        "--params",
        "b0,b1",
        "--start=0,0",
    ]);
    assert_eq!(fit.status.code(), Some(0));
    // 2: bad input; no arguments at all prints the usage.
    let none = hessopt(&[]);
    assert_eq!(none.status.code(), Some(2));
    let usage = String::from_utf8_lossy(&none.stderr);
    assert!(
        usage.contains("Usage: hessopt [OPTIONS] <COMMAND>") && usage.contains("Exit codes:"),
        "{usage}"
    );
    let help = succeeds(&["--help"]);
    assert!(
        help.contains("1  the solver finished without converging"),
        "{help}"
    );
    fails_with(
        &["minimize", "x^2", "--x00=1"],
        "(tip: a similar argument exists: '--x0')",
    );
}

#[test]
fn variables_in_natural_order() {
    // A chained sum written from the end: first appearance would give x2, x1, x3, …, x10.
    let chain: Vec<String> = (1..12)
        .map(|i| format!("(x{} - x{} - 1)^2", i + 1, i))
        .collect();
    let expr = format!("{} + (x1 - 1)^2", chain.join(" + "));
    let names: Vec<String> = (1..=12).map(|i| format!("x{i}")).collect();
    let x0: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
    let v = json(&["gradient", &expr, "--at", &x0.join(","), "--json"]);
    assert_eq!(v["vars"], serde_json::json!(names));
    // Zero gradient at x_i = i, and only when the point landed on the right variables.
    assert!(floats(&v["gradient"]).iter().all(|g| *g == 0.0), "{v}");
    let t = succeeds(&["hessian", "100*(y - x^2)^2 + (1 - x)^2", "--at=1,1"]);
    assert!(t.contains("vars              x, y"), "{t}");
}

#[test]
fn formulas_from_files_with_comments_and_from_stdin() {
    let dir = std::env::temp_dir().join(format!("hessopt-cli-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        format!("@{}", p.display())
    };
    let nll = write(
        "poisson.txt",
        "# Poisson regression, one row's negative log-likelihood\nexp(b0 + b1*x)  # mean\n  - y*(b0 + b1*x)\n",
    );
    let data = "../hessopt/tests/data/poisson.csv";
    let from_file = json(&[
        "fit",
        data,
        "--nll",
        &nll,
        "--params",
        "b0,b1",
        "--start=0,0",
        "--json",
    ]);
    let inline = json(&[
        "fit",
        data,
        "--nll",
        "exp(b0 + b1*x) - y*(b0 + b1*x)",
        "--params",
        "b0,b1",
        "--start=0,0",
        "--json",
    ]);
    assert_eq!(from_file["estimates"], inline["estimates"]);
    let c = write("constraint.txt", "# the unit disc\nx^2 + y^2 <= 1\n");
    let v = json(&[
        "minimize",
        "-x - y",
        "--x0=0,0",
        "--constraint",
        &c,
        "--json",
    ]);
    let x = floats(&v["x"]);
    assert!(close(&x, &[0.5f64.sqrt(), 0.5f64.sqrt()], 1e-6), "{v}");
    // Standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hessopt"))
        .args(["hessian", "-", "--at=1,2", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"# from a pipe\nx^2*y\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(floats(&h["hessian"]), [4.0, 2.0, 2.0, 0.0]);
    fails_with(
        &[
            "minimize",
            "x^2",
            "--x0=1",
            "--constraint",
            "@/nonexistent/c.txt",
        ],
        "/nonexistent/c.txt",
    );
    fails_with(&["gradient", "foo(x)", "--at=1"], "(known: sin, cos,");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Long vectors: an indexed sum whose length comes from a point in a file, the sparse Hessian as
/// triplets (extended Rosenbrock: 2 × 2 blocks [[1200a² − 400b + 2, −400a], [−400a, 200]]), and a
/// minimization from a start in a file.
#[test]
fn sparse_hessian_of_an_indexed_sum_from_a_point_file() {
    let dir = std::env::temp_dir().join(format!("hessopt-sparse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let at = dir.join("x.txt");
    let n = 200;
    let x: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let text: Vec<String> = x.iter().map(|v| format!("{v}")).collect();
    std::fs::write(&at, format!("# start\n{}\n", text.join("\n"))).unwrap();
    let at_arg = format!("--at=@{}", at.display());
    let src = "sum(i = 1..len(x)/2, 100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2)";
    let v = json(&["hessian", src, &at_arg, "--sparse", "--json"]);
    assert_eq!(v["pattern"]["nnz"], 2 * n);
    assert_eq!(v["pattern"]["colors"], 2);
    let h = &v["hessian"];
    assert_eq!(h["nnz"], 2 * n);
    let (rows, cols, values) = (floats(&h["rows"]), floats(&h["cols"]), floats(&h["values"]));
    for ((r, c), val) in rows.iter().zip(&cols).zip(&values) {
        let (r, c) = (*r as usize, *c as usize);
        let (a, b) = (x[r.min(c) / 2 * 2], x[r.min(c) / 2 * 2 + 1]);
        let want = match (r % 2, c % 2) {
            (0, 0) => 1200.0 * a * a - 400.0 * b + 2.0,
            (1, 1) => 200.0,
            _ => -400.0 * a,
        };
        assert!(close(&[*val], &[want], 1e-14), "({r}, {c}) {val} vs {want}");
    }
    // The formula as a black box on the same pattern: within the error estimates.
    let num = json(&[
        "hessian",
        src,
        &at_arg,
        "--sparse",
        "--method=numeric",
        "--json",
    ]);
    assert_eq!(num["hessian"]["rows"], v["hessian"]["rows"]);
    let (got, est) = (
        floats(&num["hessian"]["values"]),
        floats(&num["error_estimate"]),
    );
    for ((g, e), w) in got.iter().zip(&est).zip(&values) {
        assert!(
            (g - w).abs() <= 10.0 * e + 1e-9,
            "{g} vs {w} (estimate {e})"
        );
    }
    let text = succeeds(&["hessian", src, &at_arg, "--sparse"]);
    assert!(
        text.contains("200 × 200, 400 stored entries, 2 colors"),
        "{text}"
    );
    let x0 = format!("--x0=@{}", at.display());
    let m = json(&["minimize", src, &x0, "--method=newton", "--json"]);
    assert_eq!(m["converged"], true);
    assert!(floats(&m["x"]).iter().all(|v| (v - 1.0).abs() < 1e-6));
    fails_with(
        &["hessian", src, "--at=@/nonexistent/x.txt", "--sparse"],
        "nonexistent",
    );
    std::fs::write(&at, "1, 2, zwei").unwrap();
    fails_with(&["hessian", src, &at_arg], "'zwei' is not a finite number");
    std::fs::remove_dir_all(&dir).ok();
}

/// Newton with a sparse Hessian and a sparse Cholesky (chosen from n = 200 when at most 10% of the
/// Hessian can be nonzero): chained Rosenbrock at n = 3000 (a dense Hessian would be 72 MB) from
/// a start in a file; --sparse forces it and is refused where no Hessian is used.
#[test]
fn sparse_newton_from_a_point_file() {
    let dir = std::env::temp_dir().join(format!("hessopt-sparse-newton-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let at = dir.join("x0.txt");
    std::fs::write(&at, vec!["0.5"; 3000].join(" ")).unwrap();
    let x0 = format!("--x0=@{}", at.display());
    let src = "sum(i = 1..len(x) - 1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";
    for method in ["--method=newton", "--method=trust-region"] {
        let m = json(&["minimize", src, &x0, method, "--json"]);
        assert_eq!(m["converged"], true, "{method}");
        assert_eq!(m["termination"], "gradient_norm");
        // The global minimum (all ones, f = 0), or the local one near x1 = −1 that chained
        // Rosenbrock has for n ≥ 4 (f = 3.98662; Newton from 0.5 ends there).
        let f = m["value"].as_f64().unwrap();
        assert!(
            f < 1e-12 || (f - 3.986_623_854_3).abs() < 1e-8,
            "{method}: {f}"
        );
    }
    let m = json(&[
        "minimize",
        "x^2 + (y - 1)^4 + x*y",
        "--x0=1,1",
        "--method=newton",
        "--sparse",
        "--json",
    ]);
    assert_eq!(m["converged"], true);
    // --sparse without --method: the trust region (the default at n = 3000 is L-BFGS, which
    // refused the flag).
    let m = json(&["minimize", src, &x0, "--sparse", "--json"]);
    assert_eq!(m["method"], "trust-region");
    assert_eq!(m["converged"], true);
    fails_with(
        &["minimize", src, &x0, "--method=bfgs", "--sparse"],
        "--sparse: only newton and trust-region",
    );
    fails_with(
        &["minimize", src, &x0, "--method=trust-exact", "--sparse"],
        "exact trust-region subproblem needs a dense Hessian",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn maximize_and_reltol() {
    // max 5 − (x − 1)² − 2(y + 1)² + xy at (4/7, −6/7), f = 30/7; −∇²f = [[2, −1], [−1, 4]],
    // whose inverse (1/7)[[4, 1], [1, 2]] is the covariance.
    let f = "5 - (x - 1)^2 - 2*(y + 1)^2 + x*y";
    let v = json(&[
        "minimize",
        f,
        "--x0=0,0",
        "--maximize",
        "--hessian",
        "--json",
    ]);
    assert!(
        close(&floats(&v["x"]), &[4.0 / 7.0, -6.0 / 7.0], 1e-10),
        "{v}"
    );
    assert!(
        (v["value"].as_f64().unwrap() - 30.0 / 7.0).abs() < 1e-12,
        "{v}"
    );
    assert_eq!(v["classification"], "maximum");
    assert_eq!(floats(&v["hessian"]), [-2.0, 1.0, 1.0, -4.0]);
    assert!(
        close(
            &floats(&v["covariance"]),
            &[4.0 / 7.0, 1.0 / 7.0, 1.0 / 7.0, 2.0 / 7.0],
            1e-10
        ),
        "{v}"
    );
    // Without --hessian the maximum is still classified.
    let m = json(&["minimize", "-(x^2)", "--x0=1", "--maximize", "--json"]);
    // The exact trust-region subproblem (the default) lands at x = 5.5e-17 (rounding of the
    // eigendecomposition's step), not exactly at 0.
    assert!(m["value"].as_f64().unwrap().abs() < 1e-30, "{m}");
    assert_eq!(m["classification"], "maximum");
    let t = succeeds(&["minimize", f, "--x0=0,0", "--maximize"]);
    assert!(
        t.contains("local maximum") && t.contains("maximized"),
        "{t}"
    );
    // --reltol: R's reltol for Nelder–Mead; a tighter one gets closer to (1, 1).
    let rosen = "100*(y - x^2)^2 + (1 - x)^2";
    let err = |reltol: &str| {
        let v = json(&[
            "minimize",
            rosen,
            "--x0=-1.2,1",
            "--method",
            "Nelder-Mead",
            "--reltol",
            reltol,
            "--json",
        ]);
        floats(&v["x"])
            .iter()
            .map(|x| (x - 1.0).abs())
            .fold(0.0, f64::max)
    };
    assert!(
        err("1e-14") < err("1e-4"),
        "{} vs {}",
        err("1e-14"),
        err("1e-4")
    );
    // For a gradient method it is the f-change stop, which is not a certificate (exit code 1).
    // (Steepest descent's accurate line search lowers f by more than 0.1% per step all the way
    // to the minimum here, so the stop needs a coarse reltol: it fires after 7 steps at 1e-2.)
    let b = json(&[
        "minimize",
        rosen,
        "--x0=-1.2,1",
        "--method",
        "gradient-descent",
        "--reltol",
        "1e-2",
        "--json",
    ]);
    assert_eq!(
        (b["converged"].clone(), b["termination"].clone()),
        (false.into(), "small_f_change".into())
    );
    fails_with(
        &[
            "minimize",
            "x^2",
            "--lower=0",
            "--upper=1",
            "--reltol",
            "1e-6",
        ],
        "brent has no test on f",
    );
    fails_with(
        &[
            "minimize", "x^2", "--x0=1", "--method", "sann", "--reltol", "1e-6",
        ],
        "sann has no test on f",
    );
    let help = succeeds(&["minimize", "--help"]);
    assert!(
        help.contains("10 000 for nelder-mead (R: 500)") && help.contains("R's fnscale"),
        "{help}"
    );
}

#[test]
fn nelder_mead_xatol_fatol() {
    // scipy's simplex test (xatol = fatol = 1e-4, its defaults): a certified stop that ends
    // within about xatol of (1, 1) in fewer evaluations than R's reltol (the default test).
    let rosen = "100*(y - x^2)^2 + (1 - x)^2";
    let run = |extra: &[&str]| {
        let mut args = vec![
            "minimize",
            rosen,
            "--x0=-1.2,1",
            "--method=Nelder-Mead",
            "--json",
        ];
        args.extend_from_slice(extra);
        let v = json(&args);
        assert_eq!(v["termination"], "simplex_converged", "{v}");
        let err = floats(&v["x"])
            .iter()
            .map(|x| (x - 1.0).abs())
            .fold(0.0, f64::max);
        (err, v["evaluations"]["f"].as_u64().unwrap())
    };
    let (default_err, default_evals) = run(&[]);
    let (loose_err, loose_evals) = run(&["--xatol=1e-4", "--fatol=1e-4"]);
    assert!(
        loose_err < 1e-2 && loose_evals < default_evals,
        "{loose_err} {loose_evals}"
    );
    assert!(default_err < loose_err, "{default_err} vs {loose_err}");
    // Either alone takes scipy's 1e-4 for the other; a tight pair gets closer.
    assert_eq!(run(&["--xatol=1e-4"]), (loose_err, loose_evals));
    assert_eq!(run(&["--fatol=1e-4"]), (loose_err, loose_evals));
    let (tight_err, _) = run(&["--xatol=1e-10", "--fatol=1e-14"]);
    assert!(tight_err < 1e-6, "{tight_err}");
    let nm = ["minimize", "x^2", "--x0=1", "--method=nelder-mead"];
    for (flag, bad, needle) in [
        ("--xatol", "-1", "--xatol"),
        ("--xatol", "nan", "--xatol"),
        ("--fatol", "inf", "--fatol"),
        ("--fatol", "-1e-3", "--fatol"),
    ] {
        let mut args = nm.to_vec();
        args.extend_from_slice(&[flag, bad]);
        fails_with(&args, needle);
    }
    fails_with(
        &["minimize", "x^2", "--x0=1", "--method=bfgs", "--xatol=1e-4"],
        "nelder-mead's simplex test, not bfgs's",
    );
    fails_with(
        &[
            "minimize",
            "x^2",
            "--x0=1",
            "--method=nelder-mead",
            "--fatol=1e-4",
            "--reltol=1e-8",
        ],
        "give one of them",
    );
    fails_with(
        &[
            "minimize",
            "x^2 + y^2",
            "--x0=1,1",
            "--constraint",
            "x + y >= 1",
            "--xatol=1e-4",
        ],
        "not available with --constraint",
    );
}

#[test]
fn minimize_traps_name_their_termination() {
    // Issue 11: each used to print converged: true at a wrong point. With the exact Hessian BFGS
    // steps off the maximum and the saddle as the second-order methods do (it reported
    // 'maximum' and 'saddle' there before) and goes on to the minimum beyond a saddle.
    let cases: [(&[&str], bool, &str); 6] = [
        (&["-x^2", "--x0=0"], false, "unbounded"),
        (&["-x^2", "--x0=0", "--method=bfgs"], false, "unbounded"),
        (
            &["x^2 - y^2", "--vars", "x,y", "--x0=1,0", "--method=bfgs"],
            false,
            "unbounded",
        ),
        (
            &[
                "x^2 + y^4/4 - y^2/2",
                "--vars",
                "x,y",
                "--x0=1,0",
                "--method=bfgs",
            ],
            true,
            "gradient_norm",
        ),
        (
            &["x^2 - y^2", "--vars", "x,y", "--x0=1,0"],
            false,
            "unbounded",
        ),
        (
            &["(x - 1)^2", "--x0=10", "--method=nelder-mead"],
            true,
            "simplex_converged",
        ),
    ];
    for (args, converged, termination) in cases {
        let mut all = vec!["minimize"];
        all.extend_from_slice(args);
        all.push("--json");
        let v = json(&all);
        assert_eq!(
            (v["converged"].as_bool(), v["termination"].as_str()),
            (Some(converged), Some(termination)),
            "{args:?}: {v}"
        );
    }
    let v = json(&[
        "minimize",
        "(x - 1)^2",
        "--x0=10",
        "--method=nelder-mead",
        "--json",
    ]);
    assert!(close(&floats(&v["x"]), &[1.0], 1e-6), "{v}");
}

/// Lines of `--trace` output (to stderr with --json) and the report's `iterations`.
fn traced(args: &[&str]) -> (usize, Value) {
    let out = hessopt(args);
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let lines = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("iter "))
        .count();
    (lines, v)
}

#[test]
fn root_and_lsq_take_trace_and_limits() {
    // One trace line per iteration, on stderr when the report is JSON.
    for args in [
        &[
            "root",
            "x^2 + y^2 - 4; x - y",
            "--x0=10,0",
            "--trace",
            "--json",
        ][..],
        &[
            "root",
            "cos(x) - x",
            "--x0=1",
            "--method=secant",
            "--trace",
            "--json",
        ],
        &["root", "x^3 - 2", "--bracket=0,3", "--trace", "--json"],
        &[
            "lsq",
            "x - 1; 10*(y - x^2)",
            "--x0=-1.2,1",
            "--trace",
            "--json",
        ],
    ] {
        let (lines, v) = traced(args);
        assert_eq!(v["converged"], true, "{args:?}: {v}");
        assert_eq!(
            Some(lines as u64),
            v["iterations"].as_u64(),
            "{args:?}: {v}"
        );
    }
    // Limits: the named stop, exit 1, and the evaluation counts within the limit.
    let v = json(&["root", "cos(x) - x", "--x0=1", "--max-evals=2", "--json"]);
    assert_eq!(v["termination"], "max_evaluations", "{v}");
    assert!(v["evaluations"]["f"].as_u64().unwrap() <= 2, "{v}");
    let v = json(&[
        "root",
        "x^2 + y^2 - 4; x - y",
        "--x0=10,0",
        "--max-iter=2",
        "--json",
    ]);
    assert_eq!(
        (v["termination"].as_str(), v["iterations"].as_u64()),
        (Some("max_iterations"), Some(2)),
        "{v}"
    );
    let v = json(&[
        "lsq",
        "x - 1; 10*(y - x^2)",
        "--x0=-1.2,1",
        "--max-evals=7",
        "--json",
    ]);
    assert_eq!(v["termination"], "max_evaluations", "{v}");
    assert!(v["evaluations"]["residuals"].as_u64().unwrap() <= 7, "{v}");
    let v = json(&[
        "lsq",
        "x - 1; 10*(y - x^2)",
        "--x0=-1.2,1",
        "--max-iter=3",
        "--json",
    ]);
    assert_eq!(
        (v["termination"].as_str(), v["iterations"].as_u64()),
        (Some("max_iterations"), Some(3)),
        "{v}"
    );
    let v = json(&[
        "minimize",
        "(x - 1)^2 + 100*(y - x^2)^2",
        "--x0=-1.2,1",
        "--max-evals=10",
        "--json",
    ]);
    assert_eq!(v["termination"], "max_evaluations", "{v}");
    for cmd in [
        &["root", "x - 1", "--x0=0", "--max-evals=0"][..],
        &["lsq", "x - 1", "--x0=0", "--max-evals=0"],
        &["minimize", "x^2", "--x0=1", "--max-evals=0"],
    ] {
        fails_with(cmd, "invalid --max-evals: must be at least 1");
    }
    fails_with(
        &["lsq", "x - 1", "--x0=0", "--max-iter=0"],
        "invalid --max-iter: must be at least 1",
    );
}

/// `fit --residual` whose least-squares estimate lies at infinity (y − exp(a·x) on data around
/// 0: a → −∞): unbounded, exit 1, no standard errors (it printed converged with SE = inf).
#[test]
fn least_squares_fit_at_infinity_is_unbounded() {
    let dir = std::env::temp_dir().join(format!("hessopt-unbounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flat.csv");
    std::fs::write(&path, "x,y\n1,-0.5\n2,0.1\n3,-0.2\n4,0.05\n5,-0.1\n").unwrap();
    let path = path.to_str().unwrap();
    let args = [
        "fit",
        path,
        "--residual",
        "y - exp(a*x)",
        "--params",
        "a",
        "--start",
        "0",
    ];
    let v = json(&[&args[..], &["--json"]].concat());
    assert_eq!(
        (&v["converged"], &v["termination"]),
        (&Value::Bool(false), &Value::from("unbounded")),
        "{v}"
    );
    let out = hessopt(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("a "))
        .expect("the estimate's row");
    assert!(text.contains("unbounded") && !row.contains("inf"), "{text}");
    assert_eq!(
        row.split_whitespace().nth(2),
        Some("-"),
        "no standard error: {text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A negative number written with a negative exponent is a value, not a run of short flags: clap's
/// `allow_negative_numbers` takes `-1e3` but not `-1e-3` ("unexpected argument '-1' found"), so
/// numeric options take hyphen values and their own check names the problem.
#[test]
fn negative_exponent_values_reach_the_option_checks() {
    fails_with(
        &["minimize", "x^2", "--x0=1", "--tol", "-1e-3"],
        "invalid --tol: -0.001 is not a finite number",
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--reltol", "-1e-3"],
        "invalid --reltol: -0.001 is not a finite number",
    );
    fails_with(
        &["root", "x", "--x0=1", "--tol", "-2.5e-3"],
        "invalid --tol: -0.0025 is not > 0",
    );
    fails_with(
        &["minimize", "x^2", "--x0=1", "--max-dense-mb", "-1e-3"],
        "invalid value '-1e-3' for '--max-dense-mb",
    );
    fails_with(
        &[
            "minimize",
            "x^2",
            "--x0=1",
            "--method=nelder-mead",
            "--reltol",
            "-1e-3",
        ],
        "invalid --reltol: -0.001 is not > 0",
    );
    let v = json(&["minimize", "(x + 1e-3)^2", "--x0", "-1e-3", "--json"]);
    assert_eq!(v["converged"], true);
}

/// `--trace` at large n prints each point as numpy prints a long array: the first and last three
/// entries and the length (at n = 1e5 each line was the whole point, 1.6 MB for two lines); up to
/// 1000 entries the point is printed in full.
#[test]
fn trace_lines_summarize_long_points() {
    let dir = std::env::temp_dir().join(format!("hessopt-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, summarized) in [(1001, true), (1000, false)] {
        let file = dir.join(format!("x0_{n}.txt"));
        let point: Vec<String> = (0..n).map(|i| format!("{}", i % 7)).collect();
        std::fs::write(&file, point.join(",")).unwrap();
        let out = succeeds(&[
            "minimize",
            "sum(i = 1..len(x), (x[i] - 2)^2)",
            &format!("--x0=@{}", file.display()),
            "--trace",
        ]);
        let line = out.lines().find(|l| l.starts_with("iter ")).unwrap();
        if summarized {
            assert!(line.ends_with("] (n = 1001)") && line.len() < 200, "{line}");
            assert_eq!(line.matches(", ").count(), 6, "{line}");
            assert!(line.contains(", ..., "), "{line}");
        } else {
            assert_eq!(line.matches(", ").count(), 999, "{line}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
