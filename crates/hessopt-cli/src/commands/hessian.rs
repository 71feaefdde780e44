//! `hessopt hessian`: value, gradient, Hessian and what the Hessian says about the point.

use super::{DiffMethod, PointArgs};
use crate::output::{Report, matrix_json, matrix_text, num, num_short, vec_short, vec_text};
use hessopt::Result;
use hessopt::analysis::HessianAnalysis;
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<String> {
    let (f, x) = args.formula()?;
    let d = match args.method {
        DiffMethod::Exact => f.hessian(&x)?,
    };
    let a = HessianAnalysis::new(&d.hessian, &d.gradient, d.value, &x);
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", ").as_str().into(), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    r.field("value", num(d.value), json!(d.value));
    r.field("gradient", vec_text(&d.gradient), json!(d.gradient));
    r.field("hessian", matrix_text(&d.hessian), matrix_json(&d.hessian));
    r.field(
        "eigenvalues",
        format!("{}  (ascending)", vec_short(&a.eigenvalues)),
        json!(a.eigenvalues),
    );
    r.field(
        "definiteness",
        a.definiteness.as_str().replace('_', " "),
        json!(a.definiteness.as_str()),
    );
    r.field(
        "condition_number",
        num_short(a.condition_number),
        json!(a.condition_number),
    );
    r.field(
        "classification",
        a.classification.explain().to_string(),
        json!(a.classification.as_str()),
    );
    r.field(
        "method",
        args.method.name().into(),
        json!(args.method.name()),
    );
    Ok(r.finish())
}
