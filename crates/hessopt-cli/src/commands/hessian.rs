//! `hessopt hessian`: value, gradient, Hessian and what the Hessian says about the point.

use super::{DiffMethod, PointArgs, hessian_sparse, refuse_untrusted, second_derivative_name};
use crate::output::{
    Output, Report, condition_text, matrix_json, matrix_short, matrix_text, num, vec_short,
    vec_text,
};
use clap::Args;
use hessopt::analysis::{GRAD_TOL, HessianAnalysis};
use hessopt::solve::certificate::is_stationary;
use hessopt::{Derivatives, Result, diff};
use serde_json::json;

/// A formula, a point, and whether the Hessian is sparse.
#[derive(Debug, Args)]
pub struct HessianArgs {
    #[command(flatten)]
    pub point: PointArgs,
    /// The Hessian as a sparse matrix: its pattern from the formula, one Hessian-vector product
    /// per color of a star coloring, entries as (row, column, value) triplets; no eigenvalues.
    #[arg(long)]
    pub sparse: bool,
}

pub fn run(args: &HessianArgs) -> Result<Output> {
    if args.sparse {
        return hessian_sparse::run(&args.point);
    }
    let args = &args.point;
    let (f, x) = args.formula()?;
    let mut r = Report::new(args.json);
    r.field("vars", f.vars().join(", "), json!(f.vars()));
    r.field("at", vec_text(&x), json!(x));
    let (d, numeric) = match args.method {
        DiffMethod::Exact => (f.hessian(&x)?, None),
        DiffMethod::Numeric => {
            hessopt::limits::check_dense(x.len(), x.len(), "Hessian")?;
            let e = diff::hessian(&|p: &[f64]| f.value(p).unwrap_or(f64::NAN), &x)?;
            let v = f.vars();
            let n = v.len();
            let second = (0..n * n).map(|k| second_derivative_name(&v[k % n], &v[k / n]));
            refuse_untrusted(second.zip(e.error.iter()))?;
            refuse_untrusted(v.iter().map(|a| format!("df/d{a}")).zip(&e.gradient_error))?;
            let d = Derivatives {
                value: e.value,
                gradient: e.gradient.clone(),
                hessian: e.hessian.clone(),
            };
            (d, Some(e))
        }
    };
    let a = match &numeric {
        Some(e) => HessianAnalysis::from(e),
        None => HessianAnalysis::with_error(
            &d.hessian,
            is_stationary(&x, &d.gradient, None, GRAD_TOL),
            0.0,
        ),
    };
    r.field("value", num(d.value), json!(d.value));
    r.field("gradient", vec_text(&d.gradient), json!(d.gradient));
    r.field("hessian", matrix_text(&d.hessian), matrix_json(&d.hessian));
    if let Some(e) = &numeric {
        r.field(
            "error_estimate",
            matrix_short(&e.error),
            matrix_json(&e.error),
        );
        r.field(
            "gradient_error_estimate",
            vec_short(&e.gradient_error),
            json!(e.gradient_error),
        );
        r.field(
            "evaluations",
            e.evaluations.to_string(),
            json!(e.evaluations),
        );
    }
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
        condition_text(a.condition_number),
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
