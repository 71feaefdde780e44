//! `hessopt gradient`: value and gradient at a point.

use super::{DiffMethod, PointArgs, refuse_untrusted};
use crate::output::{Output, Report, num, vec_short, vec_text};
use hessopt::{Result, diff};
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<Output> {
    let (f, x) = args.formula()?;
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", "), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    match args.method {
        DiffMethod::Exact => {
            let (value, gradient) = f.gradient(&x)?;
            r.field("value", num(value), json!(value));
            r.field("gradient", vec_text(&gradient), json!(gradient));
        }
        DiffMethod::Numeric => {
            let g = diff::gradient(&|p: &[f64]| f.value(p).unwrap_or(f64::NAN), &x)?;
            refuse_untrusted(f.vars().iter().map(|v| format!("df/d{v}")).zip(&g.error))?;
            r.field("value", num(g.value), json!(g.value));
            r.field("gradient", vec_text(&g.gradient), json!(g.gradient));
            r.field("error_estimate", vec_short(&g.error), json!(g.error));
            r.field(
                "evaluations",
                g.evaluations.to_string(),
                json!(g.evaluations),
            );
        }
    }
    r.field(
        "method",
        args.method.name().into(),
        json!(args.method.name()),
    );
    Ok(r.finish())
}
