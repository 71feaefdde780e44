//! `hessopt gradient`: value and gradient at a point.

use super::{DiffMethod, PointArgs};
use crate::output::{Report, vec_text};
use hessopt::Result;
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<String> {
    let (f, x) = args.formula()?;
    let (value, gradient) = match args.method {
        DiffMethod::Exact => f.gradient(&x)?,
    };
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", ").as_str().into(), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    r.field("value", crate::output::num(value), json!(value));
    r.field("gradient", vec_text(&gradient), json!(gradient));
    r.field(
        "method",
        args.method.name().into(),
        json!(args.method.name()),
    );
    Ok(r.finish())
}
