//! `hessopt jacobian`: values and Jacobian of formulas separated by ';'.

use super::{DiffMethod, PointArgs};
use crate::output::{Output, Report, matrix_json, matrix_short, matrix_text, vec_text};
use hessopt::{Result, diff};
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<Output> {
    let (f, x) = args.formula_set()?;
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", "), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    match args.method {
        DiffMethod::Exact => {
            let (values, jacobian) = f.jacobian(&x)?;
            r.field("values", vec_text(&values), json!(values));
            r.field("jacobian", matrix_text(&jacobian), matrix_json(&jacobian));
        }
        DiffMethod::Numeric => {
            let black_box = |p: &[f64]| f.values(p).unwrap_or_else(|_| vec![f64::NAN; f.len()]);
            let j = diff::jacobian(&black_box, &x)?;
            r.field("values", vec_text(&j.values), json!(j.values));
            r.field(
                "jacobian",
                matrix_text(&j.jacobian),
                matrix_json(&j.jacobian),
            );
            r.field(
                "error_estimate",
                matrix_short(&j.error),
                matrix_json(&j.error),
            );
            r.field(
                "evaluations",
                j.evaluations.to_string(),
                json!(j.evaluations),
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
