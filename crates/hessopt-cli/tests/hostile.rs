//! The regression corpus of hostile inputs (issue 12): every case in `hostile/cases.json` runs the
//! binary under a time limit and must end with its expected exit code — 0 with the expected text
//! and no NaN printed as a result, or 2 with exactly one stderr line naming the problem — never a
//! hang, panic or abort. Fixtures live beside the table; `{dir}` in an argument is that directory,
//! `{tmp}` a fresh scratch directory. Cases that need a pipe or a generated file are tests below.

mod common;

use common::run;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hessopt-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch directory");
    d
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// Checks one finished case against its expectations (`{dir}` in a needle is the corpus
/// directory); returns what is wrong, if anything.
fn verdict(case: &Value, out: &Output) -> Option<String> {
    let dir = corpus_dir().to_string_lossy().to_string();
    let strings = |v: &Value| -> Vec<String> {
        strings(v)
            .iter()
            .map(|s| s.replace("{dir}", &dir))
            .collect()
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // "exit": one code, or a list where the verdict (0 converged, 1 not) is not the point.
    let allowed: Vec<i64> = match &case["exit"] {
        Value::Array(a) => a.iter().filter_map(Value::as_i64).collect(),
        v => vec![v.as_i64().unwrap_or(0)],
    };
    let want = allowed[0];
    if !out
        .status
        .code()
        .is_some_and(|c| allowed.contains(&i64::from(c)))
    {
        return Some(format!(
            "exit {:?}, want {allowed:?}; stderr {stderr:?}",
            out.status.code()
        ));
    }
    if want == 2 && (stderr.lines().count() != 1 || !stdout.is_empty()) {
        return Some(format!(
            "want one stderr line and no stdout, got {stderr:?}"
        ));
    }
    if want != 2 && (stdout.contains("NaN") || stdout.contains("nan")) {
        return Some(format!("NaN printed as a result: {stdout}"));
    }
    for needle in strings(&case["stdout"]) {
        if !stdout.contains(&needle) {
            return Some(format!("stdout lacks {needle:?}: {stdout}"));
        }
    }
    for needle in strings(&case["stdout_lacks"]) {
        if stdout.contains(&needle) {
            return Some(format!("stdout has {needle:?}: {stdout}"));
        }
    }
    for needle in strings(&case["stderr"]) {
        if !stderr.contains(&needle) {
            return Some(format!("stderr lacks {needle:?}: {stderr}"));
        }
    }
    None
}

#[test]
fn the_corpus() {
    let dir = corpus_dir();
    let text = std::fs::read_to_string(dir.join("cases.json")).expect("the corpus table");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("cases.json is a JSON array");
    let tmp = scratch("corpus");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("every case has a name");
        let args: Vec<String> = strings(&case["args"])
            .iter()
            .map(|a| {
                a.replace("{dir}", &dir.to_string_lossy())
                    .replace("{tmp}", &tmp.to_string_lossy())
            })
            .collect();
        if let Some(why) = verdict(case, &run(&args)) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 50, "the corpus lost cases: {}", cases.len());
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hessopt"))
        .args([
            "minimize",
            "(x - 1)^2 + 1e-3*y^4",
            "--x0=100,100",
            "--method",
            "gradient-descent",
            "--max-iter",
            "100000",
            "--trace",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read one line, then close the pipe as `head -1` does.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("a first trace line");
    drop(stdout);
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn a_dense_hessian_over_the_budget_is_refused_with_its_size() {
    let tmp = scratch("dense");
    let n = 3000;
    let formula: Vec<String> = (0..n).map(|i| format!("(v{i} - 1)^2")).collect();
    std::fs::write(tmp.join("f.txt"), formula.join(" + ")).expect("write");
    std::fs::write(tmp.join("at.txt"), vec!["0"; n].join("\n")).expect("write");
    let f = format!("@{}", tmp.join("f.txt").display());
    let at = format!("--at=@{}", tmp.join("at.txt").display());
    for method in ["exact", "numeric"] {
        let args: Vec<String> = [
            "--max-dense-mb",
            "64",
            "hessian",
            &f,
            &at,
            "--method",
            method,
        ]
        .map(String::from)
        .to_vec();
        let case = serde_json::json!({"exit": 2, "stderr": [
            "a dense 3000 × 3000 Hessian is 68.66 MiB, over the limit of 64 MiB (raise it with --max-dense-mb)"]});
        assert_eq!(verdict(&case, &run(&args)), None, "{method}");
    }
    // The same formula minimizes with a method that needs no dense matrix.
    let args: Vec<String> = ["--max-dense-mb", "64", "minimize", &f]
        .map(String::from)
        .into_iter()
        .chain([
            at.replace("--at", "--x0"),
            "--method".into(),
            "lbfgs".into(),
        ])
        .collect();
    let case = serde_json::json!({"exit": 0, "stdout": "yes (gradient_norm)"});
    assert_eq!(verdict(&case, &run(&args)), None);
}

/// Numerical derivatives at the edges of the float range (issue 12), from the command line: each
/// value within 10 × its error estimate of the closed form (JSON output).
#[test]
fn numerical_derivatives_at_tiny_and_huge_points() {
    // (formula, point, the Hessian row by row, the gradient)
    let cases: &[(&str, &str, &[f64], &[f64])] = &[
        ("x^2", "1e-200", &[2.0], &[2e-200]),
        ("x^2", "1e154", &[2.0], &[2e154]),
        (
            "x^2 + y^2",
            "1e-300,1",
            &[2.0, 0.0, 0.0, 2.0],
            &[2e-300, 2.0],
        ),
        ("exp(x)", "1e-250", &[1.0], &[1.0]),
        // softplus(x − 300) at 300: σ'(0) = 1/4; softplus(50(x − 300)): 50²/4.
        ("log(1 + exp(x - 300))", "300", &[0.25], &[0.5]),
        ("log(1 + exp((x - 300)*50))", "300", &[625.0], &[25.0]),
    ];
    for &(f, at, hessian, gradient) in cases {
        let args: Vec<String> = ["hessian", f, &format!("--at={at}"), "--method", "numeric"]
            .map(String::from)
            .into_iter()
            .chain(["--json".to_string()])
            .collect();
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{f} at {at}: {out:?}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let flat = |key: &str| -> Vec<f64> {
            let rows = v[key].as_array().expect(key);
            rows.iter()
                .flat_map(|r| match r {
                    Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
                    x => x.as_f64().into_iter().collect::<Vec<_>>(),
                })
                .collect()
        };
        let (h, e) = (flat("hessian"), flat("error_estimate"));
        let (g, ge) = (flat("gradient"), flat("gradient_error_estimate"));
        for (k, want) in hessian.iter().enumerate() {
            assert!(
                (h[k] - want).abs() <= 10.0 * e[k],
                "{f} at {at}: H {h:?} ± {e:?}"
            );
        }
        for (k, want) in gradient.iter().enumerate() {
            assert!(
                (g[k] - want).abs() <= 10.0 * ge[k] + 1e-13 * want.abs(),
                "{f} at {at}: g {g:?} ± {ge:?}"
            );
        }
    }
}
