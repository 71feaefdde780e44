//! `hessopt hessian --sparse`: the exact Hessian as a sparse matrix, its pattern read off the
//! formula and compressed by a star coloring; entries printed as (row, column, value) triplets
//! (JSON: `rows`, `cols`, `values`, `nnz`), both triangles, 0-based in variable order.

use super::PointArgs;
use crate::output::{Output, Report, num, vec_text};
use hessopt::Result;
use hessopt::expr::SparseHessian;
use serde_json::json;

pub fn run(args: &PointArgs) -> Result<Output> {
    let (f, x) = args.formula()?;
    let n = f.dim();
    let plan = SparseHessian::new(f)?;
    let d = plan.hessian(&x)?;
    let mut r = Report::new(args.json);
    r.field(
        "vars",
        plan.formula().vars().join(", "),
        json!(plan.formula().vars()),
    );
    r.field("at", vec_text(&x), json!(x));
    r.field("value", num(d.value), json!(d.value));
    r.field("gradient", vec_text(&d.gradient), json!(d.gradient));
    let nnz = d.hessian.nnz();
    r.field(
        "pattern",
        format!(
            "{n} × {n}, {nnz} stored entries, {} colors (Hessian-vector products)",
            plan.colors()
        ),
        json!({"n": n, "nnz": nnz, "colors": plan.colors()}),
    );
    let (mut rows, mut cols, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (i, j, v) in d.hessian.triplet_iter() {
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
    r.field("method", "exact".into(), json!("exact"));
    Ok(r.finish())
}
