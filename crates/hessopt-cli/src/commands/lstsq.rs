//! `hessopt lstsq A.csv b.csv`: linear least squares, optionally norm-constrained.

use clap::Args;
use hessopt::limits::Limit;
use hessopt::solve::lstsq;
use hessopt::{Error, Result};
use nalgebra::DMatrix;
use serde_json::json;

use crate::output::{Output, Report, num, vec_text};

/// Arguments of `lstsq`.
#[derive(Debug, Args)]
pub struct LstsqArgs {
    /// The matrix A: headerless CSV, one row per line (lines starting with # are comments).
    pub a: String,
    /// The right-hand side b: headerless CSV, one value per line (or one row).
    pub b: String,
    /// Constrain ‖x‖ ≤ r.
    #[arg(long, value_name = "R", allow_hyphen_values = true)]
    pub max_norm: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Reads a headerless numeric CSV into rows (blank lines and `#` comment lines skipped).
fn read_rows(path: &str) -> Result<Vec<Vec<f64>>> {
    let io = |message: String| Error::Io {
        path: path.to_string(),
        message,
    };
    let text = hessopt::input::read_text(path, Limit::TableFile, "matrix file")?;
    let mut rows = Vec::new();
    for (i, line) in hessopt::input::data_lines(&text) {
        let row = line
            .split(',')
            .enumerate()
            .map(|(j, c)| {
                let t = c.trim();
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        io(format!(
                            "line {}, column {}: '{t}' is not a finite number",
                            i + 1,
                            j + 1
                        ))
                    })
            })
            .collect::<Result<Vec<f64>>>()?;
        if let Some(first) = rows.first().map(Vec::len) {
            if row.len() != first {
                return Err(io(format!(
                    "line {}: {} values, but the first row has {first}",
                    i + 1,
                    row.len()
                )));
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(io("the file is empty".into()));
    }
    Ok(rows)
}

pub fn run(args: &LstsqArgs) -> Result<Output> {
    let a_rows = read_rows(&args.a)?;
    let a = DMatrix::from_fn(a_rows.len(), a_rows[0].len(), |i, j| a_rows[i][j]);
    let b_rows = read_rows(&args.b)?;
    let b: Vec<f64> = if b_rows.len() == 1 {
        b_rows[0].clone()
    } else {
        b_rows.iter().map(|r| r[0]).collect()
    };
    if b_rows.len() > 1 && b_rows[0].len() != 1 {
        return Err(Error::invalid(
            "b",
            format!("{}: expected one value per line", args.b),
        ));
    }
    let s = match args.max_norm {
        Some(r) => lstsq(&a, &b, Some(r)).map_err(|e| match e {
            Error::InvalidArgument { name, message } if name == "max-norm" => {
                Error::invalid("--max-norm", message)
            }
            other => other,
        })?,
        None => lstsq(&a, &b, None)?,
    };
    let mut out = Report::new(args.json);
    out.field("x", vec_text(&s.x), json!(s.x));
    out.field(
        "residual_norm",
        num(s.residual_norm),
        json!(s.residual_norm),
    );
    out.field("rank", s.rank.to_string(), json!(s.rank));
    out.field("lambda", num(s.lambda), json!(s.lambda));
    out.field("method", s.method.into(), json!(s.method));
    Ok(out.finish())
}
