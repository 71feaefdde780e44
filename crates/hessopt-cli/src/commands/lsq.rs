//! `hessopt lsq`: nonlinear least squares on residual formulas by Levenberg–Marquardt.

use clap::Args;
use hessopt::Result;
use hessopt::solve::{Callback, LeastSquares, LevenbergMarquardt};
use serde_json::json;

use super::{RunArgs, check_point, formula_text, parse_formula_set, parse_numbers};
use crate::output::{Output, Report, matrix_json, matrix_short, num, vec_short, vec_text};

/// Arguments of `lsq`.
#[derive(Debug, Args)]
pub struct LsqArgs {
    /// Residual formulas separated by ';', e.g. "x - 1; 10*(y - x^2)", @FILE or - for stdin.
    #[arg(allow_hyphen_values = true)]
    pub residuals: String,
    /// Starting point, comma separated in variable order.
    #[arg(long, allow_hyphen_values = true, value_name = "X1,X2,...")]
    pub x0: String,
    /// Variable order, comma separated (default: natural order, x before y, x2 before x10).
    #[arg(long, value_name = "A,B,...")]
    pub vars: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &LsqArgs) -> Result<Output> {
    let text = formula_text(&args.residuals)?;
    let x0 = parse_numbers("x0", &args.x0)?;
    let set = parse_formula_set(&text, &args.vars, Some(x0.len()))?;
    check_point("x0", &x0, set.vars())?;
    let problem = LeastSquares::from_formulas(&set);
    let options = args.run.options()?;
    let mut trace = args.run.tracer("rss", args.json);
    let r = LevenbergMarquardt::default().solve_with_callback(
        &problem,
        &x0,
        &options,
        trace.as_mut().map(|t| t as Callback<'_>),
    )?;
    let mut out = Report::new(args.json);
    out.outcome("levenberg-marquardt", r.converged, r.termination.as_str());
    out.field("vars", set.vars().join(", "), json!(set.vars()));
    out.field("x", vec_text(&r.x), json!(r.x));
    out.field(
        "residual_norm",
        num(r.residual_norm()),
        json!(r.residual_norm()),
    );
    out.field("rss", num(r.rss), json!(r.rss));
    out.field("iterations", r.iterations.to_string(), json!(r.iterations));
    out.field(
        "evaluations",
        format!(
            "residuals {}, jacobian {}",
            r.residual_evaluations, r.jacobian_evaluations
        ),
        json!({"residuals": r.residual_evaluations, "jacobian": r.jacobian_evaluations}),
    );
    match (&r.standard_errors, &r.covariance) {
        (Some(se), Some(c)) => {
            out.field("standard_errors", vec_short(se), json!(se));
            out.field("covariance", matrix_short(c), matrix_json(c));
        }
        _ => {
            out.field(
                "standard_errors",
                "- (needs more residuals than parameters and full rank)".into(),
                serde_json::Value::Null,
            );
        }
    }
    Ok(out.finish())
}
