//! `hessopt hessian --sparse`: the Hessian as a sparse matrix on the pattern read off the
//! formula; exact (star coloring, one Hessian-vector product per color) or numeric (the formula as
//! a black box: coordinate ladders and cross stencils on the pattern's pairs only). Entries are
//! printed as (row, column, value) triplets (JSON: `rows`, `cols`, `values`, `nnz`), both
//! triangles, 0-based in variable order.

use super::{DiffMethod, PointArgs, refuse_untrusted, second_derivative_name};
use crate::output::{Output, Report, num, vec_short, vec_text};
use hessopt::Result;
use hessopt::diff::NumDiff;
use hessopt::expr::SparseHessian;
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<Output> {
    let (f, x) = args.formula()?;
    let n = f.dim();
    let plan = SparseHessian::new(f)?;
    let mut r = Report::new(args.json);
    let vars = plan.formula().vars();
    r.field("vars", vars.join(", "), json!(vars));
    r.field("at", vec_text(&x), json!(x));
    let (value, gradient, hessian) = match args.method {
        DiffMethod::Exact => {
            let d = plan.hessian(&x)?;
            (d.value, d.gradient, d.hessian)
        }
        DiffMethod::Numeric => {
            let f = plan.formula();
            let value = |p: &[f64]| f.value(p).unwrap_or(f64::NAN);
            let e = NumDiff::new().sparse_hessian(&value, &x, plan.pattern())?;
            // As the dense path: no entry whose quotients never converged is printed.
            let second = e
                .error
                .triplet_iter()
                .map(|(i, j, err)| (second_derivative_name(&vars[i], &vars[j]), err));
            refuse_untrusted(second)?;
            refuse_untrusted(
                vars.iter()
                    .map(|a| format!("df/d{a}"))
                    .zip(&e.gradient_error),
            )?;
            let err = e.error.values();
            r.field("error_estimate", vec_short(err), json!(err));
            r.field(
                "evaluations",
                e.evaluations.to_string(),
                json!(e.evaluations),
            );
            (e.value, e.gradient, e.hessian)
        }
    };
    r.field("value", num(value), json!(value));
    r.field("gradient", vec_text(&gradient), json!(gradient));
    let nnz = hessian.nnz();
    r.field(
        "pattern",
        format!(
            "{n} × {n}, {nnz} stored entries, {} colors (Hessian-vector products)",
            plan.colors()
        ),
        json!({"n": n, "nnz": nnz, "colors": plan.colors()}),
    );
    let (mut rows, mut cols, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (i, j, v) in hessian.triplet_iter() {
        rows.push(i);
        cols.push(j);
        values.push(*v);
    }
    let text: Vec<String> = rows
        .iter()
        .zip(&cols)
        .zip(&values)
        .map(|((i, j), v)| format!("\n  {i} {j} {}", num(*v)))
        .collect();
    r.field(
        "hessian",
        format!("(row col value){}", text.concat()),
        json!({"rows": rows, "cols": cols, "values": values, "nnz": nnz}),
    );
    r.field(
        "method",
        args.method.name().into(),
        json!(args.method.name()),
    );
    Ok(r.finish())
}
