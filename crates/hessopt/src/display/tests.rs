//! The reports' text on closed-form cases.

use super::*;
use crate::fit::{Data, Objective, fit};
use crate::root::{RootOptions, Scalar, ScalarMethod, solve_scalar};
use crate::solve::{
    AugmentedLagrangian, Constraint, Kind, LeastSquares, LevenbergMarquardt, Options, curvature_at,
    minimize_constrained,
};
use crate::{Formula, Problem};

/// The `name  value` lines of a report, names trimmed.
fn fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once("  ").unwrap_or((l, ""));
            (k.trim().to_string(), v.trim().to_string())
        })
        .collect()
}

fn field<'t>(f: &'t [(String, String)], name: &str) -> &'t str {
    &f.iter().find(|(k, _)| k == name).unwrap().1
}

/// Numbers in a field's text, in order.
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || "-.e".contains(c)))
        .filter_map(|t| t.parse().ok())
        .collect()
}

#[test]
fn numbers_print_like_percent_g() {
    assert_eq!(num_sig(0.0, 6), "0");
    assert_eq!(num_sig(1e-5, 6), "0.00001");
    assert_eq!(num_sig(9.99e-6, 6), "9.99e-6");
    assert_eq!(num_sig(123456789.0, 6), "123456789"); // the integer part is kept whole
    assert_eq!(num_sig(1e16, 6), "1e16");
    assert_eq!(num_sig(f64::NAN, 6), "NaN");
    assert_eq!(num_sig(f64::NEG_INFINITY, 6), "-inf");
    let m = DMatrix::from_row_slice(2, 2, &[1.0, -0.5, 2.0 / 3.0, 1e-7]);
    assert_eq!(matrix_sig(&m, 3), "[[1, -0.5], [0.667, 1e-7]]");
}

/// Ordinary least squares y = a + b x on x = 0..3, y = (1, 3, 5, 7.5): b = Sxy/Sxx = 10.75/5 =
/// 2.15, a = 4.125 − 1.5 b = 0.9, RSS = 0.075, σ² = 0.0375 on 2 df, SE(b) = √(σ²/5),
/// SE(a) = √(σ²(1/4 + 1.5²/5)); the t(2) p-values and intervals (t₀.₉₇₅(2) = 4.302653) and
/// AIC = 4(log 2π + 1 + log(0.075/4)) + 6 printed with '%.6g' by scipy 1.17 from these closed
/// forms are the digits below.
#[test]
fn fit_summary_is_r_coefficient_table() {
    let data = Data::from_columns([
        ("x", vec![0.0, 1.0, 2.0, 3.0]),
        ("y", vec![1.0, 3.0, 5.0, 7.5]),
    ])
    .unwrap();
    let model = Objective::Residual("y - (a + b*x)".into());
    let s = fit(&data, &model, &["a", "b"], &[0.0, 0.0]).unwrap();
    let text = s.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Nonlinear least squares fit of 4 rows (converged, "),
        "{text}"
    );
    assert_eq!(lines[1], "");
    assert_eq!(
        &lines[2..5],
        &[
            "   Estimate  Std. Error  t value    Pr(>|t|)     2.5 %   97.5 %",
            "a       0.9    0.162019  5.55492   0.0309126  0.202891  1.59711",
            "b      2.15   0.0866025  24.8261  0.00161856   1.77738  2.52262",
        ],
        "{text}"
    );
    assert_eq!(
        &lines[5..],
        &[
            "",
            "minimized residual sum of squares: 0.075   AIC: 1.4452622",
            "residual standard error: 0.193649 on 2 degrees of freedom",
            "covariance: [[0.02625, -0.01125], [-0.01125, 0.0075]]",
        ],
        "{text}"
    );
}

/// Without standard errors (n = p) every missing cell is '-', and the warning is printed.
#[test]
fn fit_summary_without_standard_errors_has_dashes() {
    let data = Data::from_columns([("x", vec![1.0, 2.0]), ("y", vec![1.0, 3.0])]).unwrap();
    let model = Objective::Residual("y - (a + b*x)".into());
    let s = fit(&data, &model, &["a", "b"], &[0.0, 0.0]).unwrap();
    let text = s.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["a", "-1", "-", "-", "-", "-", "-"]
    );
    assert_eq!(
        lines[4].split_whitespace().collect::<Vec<_>>(),
        ["b", "2", "-", "-", "-", "-", "-"]
    );
    assert!(lines[6].ends_with("AIC: -"), "{text}");
    assert!(
        lines[7].starts_with("warning: zero degrees of freedom"),
        "{text}"
    );
}

/// f = (x − 1)² + 4(y + 2)² + xy: H = [[2, 1], [1, 8]], eigenvalues 5 ∓ √10, condition
/// (5 + √10)/(5 − √10), H⁻¹ = [[8, −1], [−1, 2]]/15.
#[test]
fn optimum_curvature_prints_hessian_and_standard_errors() {
    let f = Formula::parse_with_vars("(x - 1)^2 + 4*(y + 2)^2 + x*y", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    // The minimum: 2(x − 1) + y = 0, 8(y + 2) + x = 0.
    let c = curvature_at(&p, &[32.0 / 15.0, -34.0 / 15.0]).unwrap();
    let (lo, hi) = (5.0 - 10f64.sqrt(), 5.0 + 10f64.sqrt());
    let expected = format!(
        "hessian           [[2, 1], [1, 8]]\n\
         eigenvalues       [{}, {}]  (ascending)\n\
         classification    {}\n\
         condition number  {}\n\
         standard errors   [{}, {}]\n\
         covariance        [[0.53333, -0.066667], [-0.066667, 0.13333]]",
        num_sig(lo, 5),
        num_sig(hi, 5),
        crate::analysis::Classification::Minimum.explain(),
        num_sig(hi / lo, 5),
        num_sig((8.0f64 / 15.0).sqrt(), 5),
        num_sig((2.0f64 / 15.0).sqrt(), 5),
    );
    assert_eq!(c.to_string(), expected);
    assert!(expected.contains("[1.8377, 8.1623]") && expected.contains("4.4415"));
}

/// With y held at its lower bound the free and fixed variables are listed (0-based).
#[test]
fn optimum_curvature_names_variables_at_bounds() {
    let f = Formula::parse_with_vars("(x - 1)^2 + (y + 2)^2", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f)
        .with_bounds(vec![-5.0, 0.0], vec![5.0, 5.0])
        .unwrap();
    let text = curvature_at(&p, &[1.0, 0.0]).unwrap().to_string();
    let f = fields(&text);
    assert_eq!(field(&f, "free variables"), "0");
    assert_eq!(field(&f, "fixed at bound"), "1");
    assert_eq!(field(&f, "hessian"), "[[2]]");
    assert_eq!(field(&f, "standard errors"), "[0.70711]");
}

/// r = (x − 1, x − 3): x = 2, RSS = 2, σ² = RSS/(m − n) = 2, (JᵀJ)⁻¹ = 1/2: SE 1.
#[test]
fn lsq_report_prints_fit_and_standard_errors() {
    let problem = LeastSquares::new(2, 1, |x: &[f64], r: &mut [f64]| {
        r[0] = x[0] - 1.0;
        r[1] = x[0] - 3.0;
    });
    let r = LevenbergMarquardt::default()
        .solve(&problem, &[0.0], &Options::default())
        .unwrap();
    let text = r.to_string();
    let f = fields(&text);
    assert_eq!(field(&f, "method"), "levenberg-marquardt");
    assert_eq!(field(&f, "converged"), format!("yes ({})", r.termination));
    assert_eq!(numbers(field(&f, "x")), [2.0]);
    assert_eq!(numbers(field(&f, "rss")), [2.0]);
    assert_eq!(field(&f, "standard errors"), "[1]");
    assert_eq!(field(&f, "covariance"), "[[1]]");
    assert_eq!(
        field(&f, "evaluations"),
        format!(
            "residuals {}, jacobian {}",
            r.residual_evaluations, r.jacobian_evaluations
        )
    );
}

/// min x + y on x² + y² = 1 (an equality given as x² + y² − 1 = 0, no gradient: numerical):
/// x = y = −1/√2, value −√2, multiplier −1/√2 (∇f = λ∇c: 1 = λ·2x).
#[test]
fn constrained_report_prints_multipliers_and_kkt() {
    let f = Formula::parse_with_vars("x + y", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    let circle = [Constraint::new(
        Kind::Equal,
        "x^2 + y^2 - 1",
        |x: &[f64]| x[0] * x[0] + x[1] * x[1] - 1.0,
    )];
    let r = minimize_constrained(
        &p,
        &circle,
        &[0.5, -0.5],
        &AugmentedLagrangian::default(),
        &Options::default(),
    )
    .unwrap();
    let text = r.to_string();
    let f = fields(&text);
    assert_eq!(field(&f, "converged"), "yes (kkt_conditions)", "{text}");
    let h = -std::f64::consts::FRAC_1_SQRT_2;
    for (got, want) in numbers(field(&f, "x")).iter().zip([h, h]) {
        assert!((got - want).abs() < 1e-7, "{text}");
    }
    assert!(
        (numbers(field(&f, "value"))[0] + 2f64.sqrt()).abs() < 1e-7,
        "{text}"
    );
    assert!(
        (numbers(field(&f, "multipliers"))[0] - h).abs() < 1e-6,
        "{text}"
    );
    assert!(numbers(field(&f, "max violation"))[0] <= 1e-8, "{text}");
    assert!(field(&f, "kkt").starts_with("stationarity "), "{text}");
    assert_eq!(
        field(&f, "iterations"),
        format!("{} outer, {} inner", r.outer_iterations, r.inner_iterations)
    );
}

/// min (x − 1)² + 4(y + 2)² + xy by BFGS: x = (32, −34)/15, f = −49/15.
#[test]
fn report_prints_the_minimum() {
    let f = Formula::parse_with_vars("(x - 1)^2 + 4*(y + 2)^2 + x*y", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&f);
    let method = crate::solve::Method::from_name("bfgs").unwrap();
    let r = crate::solve::minimize(&p, &[0.0, 0.0], &method, &Options::default()).unwrap();
    let text = r.to_string();
    let f = fields(&text);
    assert_eq!(field(&f, "method"), "bfgs");
    assert_eq!(field(&f, "converged"), "yes (gradient_norm)", "{text}");
    let x = numbers(field(&f, "x"));
    assert!(
        (x[0] - 32.0 / 15.0).abs() < 1e-8 && (x[1] + 34.0 / 15.0).abs() < 1e-8,
        "{text}"
    );
    assert!(
        (numbers(field(&f, "value"))[0] + 49.0 / 15.0).abs() < 1e-12,
        "{text}"
    );
    assert!(numbers(field(&f, "gradient norm"))[0] <= 1e-8, "{text}");
    let e = r.evaluations;
    assert_eq!(
        field(&f, "evaluations"),
        format!("f {}, gradient {}, hessian {}", e.f, e.gradient, e.hessian)
    );
    assert!(f.iter().any(|(k, _)| k == "time ms"), "{text}");
}

/// x³ = 8 on the bracket [0, 5]: x = 2.
#[test]
fn root_report_prints_the_root() {
    let cube = |x: f64| x * x * x - 8.0;
    let eq = Scalar { f: &cube, df: None };
    let r = solve_scalar(
        &eq,
        1.0,
        Some((0.0, 5.0)),
        ScalarMethod::Brent,
        &RootOptions::default(),
    )
    .unwrap();
    let text = r.to_string();
    let f = fields(&text);
    assert_eq!(field(&f, "method"), r.method);
    assert_eq!(field(&f, "converged"), "yes (root_found)");
    assert!((numbers(field(&f, "x"))[0] - 2.0).abs() < 1e-12, "{text}");
    assert!(numbers(field(&f, "residual norm"))[0] <= 1e-12, "{text}");
    assert_eq!(
        field(&f, "evaluations"),
        format!(
            "function {}, jacobian {}",
            r.evaluations, r.jacobian_evaluations
        )
    );
}
