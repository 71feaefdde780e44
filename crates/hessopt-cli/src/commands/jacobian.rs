//! `hessopt jacobian`: values and Jacobian of formulas separated by ';'.

use super::{DiffMethod, PointArgs};
use crate::output::{Report, matrix_json, matrix_text, vec_text};
use hessopt::Result;
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<String> {
    let (f, x) = args.formula_set()?;
    let (values, jacobian) = match args.method {
        DiffMethod::Exact => f.jacobian(&x)?,
    };
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", ").as_str().into(), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    r.field("values", vec_text(&values), json!(values));
    r.field("jacobian", matrix_text(&jacobian), matrix_json(&jacobian));
    r.field(
        "method",
        args.method.name().into(),
        json!(args.method.name()),
    );
    Ok(r.finish())
}
