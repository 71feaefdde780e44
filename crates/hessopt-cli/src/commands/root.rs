//! `hessopt root`: solve f(x) = 0 or a system F(x) = 0 (formulas separated by ';').

use clap::Args;
use hessopt::root::{
    RootOptions, Scalar, ScalarMethod, System, SystemMethod, solve_scalar_with_callback,
    solve_system_with_callback,
};
use hessopt::solve::Callback;
use hessopt::{Error, Result};
use nalgebra::DMatrix;
use serde_json::json;

use super::{RunArgs, check_point, formula_text, parse_formula_set, parse_numbers};
use crate::output::{Output, Report, num_short, vec_text};

/// Arguments of `root`.
#[derive(Debug, Args)]
pub struct RootArgs {
    /// The equation(s), e.g. "x^2 - 2" or "x^2 + y^2 - 4; x - y", @FILE or - for standard input.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// Starting point, comma separated in variable order (not needed with --bracket).
    #[arg(long, allow_hyphen_values = true, value_name = "X1,X2,...")]
    pub x0: Option<String>,
    /// Variable order, comma separated (default: natural order, x before y, x2 before x10).
    #[arg(long, value_name = "A,B,...")]
    pub vars: Option<String>,
    /// A bracket a,b with a sign change, for one equation: Brent's method, as R's uniroot (an error
    /// when f(a) and f(b) have the same sign).
    #[arg(long, allow_hyphen_values = true, value_name = "A,B")]
    pub bracket: Option<String>,
    /// newton (default), secant, brent (one equation; the default with --bracket), broyden
    /// (systems). Case-insensitive.
    #[arg(long)]
    pub method: Option<String>,
    /// Residual tolerance on the largest |F_i|.
    #[arg(long, default_value_t = 1e-12, allow_hyphen_values = true)]
    pub tol: f64,
    #[command(flatten)]
    pub run: RunArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &RootArgs) -> Result<Output> {
    let text = formula_text(&args.expr)?;
    // A vector's len(x) is taken from --x0, else from the bracket's one unknown.
    let n = match &args.x0 {
        Some(t) => Some(parse_numbers("x0", t)?.len()),
        None => args.bracket.as_ref().map(|_| 1),
    };
    let set = parse_formula_set(&text, &args.vars, n)?;
    if set.len() != set.dim() {
        return Err(Error::invalid(
            "equations",
            format!(
                "{} equations in {} unknowns: root needs a square system",
                set.len(),
                set.dim()
            ),
        ));
    }
    if args.tol.is_nan() || args.tol <= 0.0 {
        return Err(Error::invalid("--tol", format!("{} is not > 0", args.tol)));
    }
    let limits = args.run.options()?;
    let defaults = RootOptions::default();
    let opts = RootOptions {
        ftol: args.tol,
        max_iter: limits.max_iter.unwrap_or(defaults.max_iter),
        max_evals: limits.max_evals,
        ..defaults
    };
    let mut trace = args.run.tracer("|F|", args.json);
    let callback: Option<Callback<'_>> = trace.as_mut().map(|t| t as Callback<'_>);
    let bracket = match &args.bracket {
        None => None,
        Some(t) => {
            let v = parse_numbers("bracket", t)?;
            if v.len() != 2 {
                return Err(Error::invalid("--bracket", "give two numbers a,b"));
            }
            Some((v[0], v[1]))
        }
    };
    let x0 = match (&args.x0, bracket) {
        (Some(t), _) => parse_numbers("x0", t)?,
        // Brent inside the bracket needs no start (the point is only reported if f(a) f(b) > 0).
        (None, Some((a, b))) => vec![0.5 * (a + b)],
        (None, None) => {
            return Err(Error::invalid(
                "--x0",
                "a start is needed (or, for one equation, --bracket=a,b)",
            ));
        }
    };
    check_point("x0", &x0, set.vars())?;
    let method_name = args.method.as_deref().map(str::to_ascii_lowercase);
    let r = if set.dim() == 1 {
        let method = match method_name.as_deref() {
            None if bracket.is_some() => ScalarMethod::Brent,
            None | Some("newton") => ScalarMethod::Newton,
            Some("secant") => ScalarMethod::Secant,
            Some("brent") => ScalarMethod::Brent,
            Some(other) => {
                return Err(Error::invalid(
                    "method",
                    format!(
                        "unknown method '{other}' for one equation (known: newton, secant, brent)"
                    ),
                ));
            }
        };
        if bracket.is_some() && method != ScalarMethod::Brent {
            return Err(Error::invalid(
                "--bracket",
                "is used by brent only (newton and secant start from --x0)",
            ));
        }
        let f = |x: f64| set.values(&[x]).map_or(f64::NAN, |v| v[0]);
        let df = |x: f64| set.jacobian(&[x]).map_or(f64::NAN, |(_, j)| j[(0, 0)]);
        solve_scalar_with_callback(
            &Scalar {
                f: &f,
                df: Some(&df),
            },
            x0[0],
            bracket,
            method,
            &opts,
            callback,
        )?
    } else {
        if bracket.is_some() {
            return Err(Error::invalid("--bracket", "only for one equation"));
        }
        let method = match method_name.as_deref() {
            None | Some("newton") => SystemMethod::Newton,
            Some("broyden") => SystemMethod::Broyden,
            Some(other) => {
                return Err(Error::invalid(
                    "method",
                    format!("unknown method '{other}' for systems (known: newton, broyden)"),
                ));
            }
        };
        let f = |x: &[f64], out: &mut [f64]| set.values_into(x, out);
        let j = |x: &[f64], out: &mut DMatrix<f64>| set.jacobian_into(x, out);
        solve_system_with_callback(
            &System {
                n: set.dim(),
                f: &f,
                jacobian: Some(&j),
            },
            &x0,
            method,
            &opts,
            callback,
        )?
    };
    let mut out = Report::new(args.json);
    out.outcome(r.method, r.converged, r.termination.as_str());
    out.field("vars", set.vars().join(", "), json!(set.vars()));
    out.field("x", vec_text(&r.x), json!(r.x));
    // At a pole or jump the residual at x is not a number to print.
    let residual = if r.residual_norm.is_finite() {
        num_short(r.residual_norm)
    } else {
        "not finite at x (a pole or a jump)".into()
    };
    out.field("residual_norm", residual, json!(r.residual_norm));
    out.field("iterations", r.iterations.to_string(), json!(r.iterations));
    out.field(
        "evaluations",
        format!("f {}, jacobian {}", r.evaluations, r.jacobian_evaluations),
        json!({"f": r.evaluations, "jacobian": r.jacobian_evaluations}),
    );
    Ok(out.finish())
}
