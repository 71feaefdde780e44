//! `hessopt fit DATA.csv`: maximum likelihood (`--nll`) or nonlinear least squares (`--residual`)
//! with a per-row formula, summarized like R's `summary()`.

use clap::Args;
use hessopt::fit::{Data, Objective, fit};
use hessopt::{Error, Result};
use serde_json::json;

use super::{formula_text, parse_numbers};
use crate::output::{Output, matrix_json, matrix_short, num_sig};

/// Arguments of `fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// CSV file with a header row of column names.
    pub data: String,
    /// One row's negative log-likelihood, in column names and parameters, or @FILE ('#'
    /// comments allowed) or - for standard input.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "residual")]
    pub nll: Option<String>,
    /// One row's residual for least squares, e.g. "y - b1*(1 - exp(-b2*x))", or @FILE or -.
    #[arg(long, allow_hyphen_values = true)]
    pub residual: Option<String>,
    /// Parameter names, comma separated.
    #[arg(long, value_name = "P1,P2,...")]
    pub params: String,
    /// Starting values, one per parameter.
    #[arg(long, allow_hyphen_values = true, value_name = "V1,V2,...")]
    pub start: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &FitArgs) -> Result<Output> {
    let objective = match (&args.nll, &args.residual) {
        (Some(t), None) => Objective::NegLogLik(formula_text(t)?),
        (None, Some(t)) => Objective::Residual(formula_text(t)?),
        _ => {
            return Err(Error::invalid(
                "model",
                "give exactly one of --nll and --residual",
            ));
        }
    };
    let params: Vec<&str> = args.params.split(',').map(str::trim).collect();
    let start = parse_numbers("start", &args.start)?;
    let data = Data::read_csv(&args.data)?;
    let s = fit(&data, &objective, &params, &start).map_err(|e| match e {
        Error::InvalidArgument { name, message } if name == "start" || name == "params" => {
            Error::invalid(format!("--{name}"), message)
        }
        other => other,
    })?;
    let stat_name = if s.kind == "nls" { "t" } else { "z" };
    if args.json {
        let mut v = json!({
            "kind": s.kind,
            "params": s.params,
            "estimates": s.estimates,
            "standard_errors": s.standard_errors,
            "p_values": s.p_values,
            "intervals": s.intervals.as_ref().map(|iv| iv.iter().map(|(a, b)| [*a, *b]).collect::<Vec<_>>()),
            "covariance": s.covariance.as_ref().map(matrix_json),
            "value": s.value,
            "sigma2": s.sigma2,
            "aic": s.aic,
            "observations": s.observations,
            "df": s.df,
            "converged": s.converged,
            "termination": s.termination.as_str(),
            "iterations": s.iterations,
            "warnings": s.warnings,
        });
        v[format!("{stat_name}_values")] = json!(s.statistics);
        return Ok(Output {
            text: format!("{v}\n"),
            converged: Some(s.converged),
        });
    }
    let mut out = String::new();
    let title = if s.kind == "nls" {
        "Nonlinear least squares"
    } else {
        "Maximum likelihood"
    };
    out.push_str(&format!(
        "{title} fit of {} rows ({}, {}, {} iterations)\n\n",
        s.observations,
        if s.converged {
            "converged"
        } else {
            "NOT converged"
        },
        s.termination,
        s.iterations
    ));
    let header = [
        "".to_string(),
        "Estimate".into(),
        "Std. Error".into(),
        format!("{stat_name} value"),
        format!("Pr(>|{stat_name}|)"),
        "2.5 %".into(),
        "97.5 %".into(),
    ];
    let mut rows = vec![header.to_vec()];
    for (i, name) in s.params.iter().enumerate() {
        let cell = |o: &Option<Vec<f64>>| o.as_ref().map_or("-".to_string(), |v| num_sig(v[i], 6));
        let iv = s.intervals.as_ref().map(|v| v[i]);
        rows.push(vec![
            name.clone(),
            num_sig(s.estimates[i], 6),
            cell(&s.standard_errors),
            cell(&s.statistics),
            cell(&s.p_values),
            iv.map_or("-".into(), |(a, _)| num_sig(a, 6)),
            iv.map_or("-".into(), |(_, b)| num_sig(b, 6)),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[0])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let what = if s.kind == "nls" {
        "residual sum of squares"
    } else {
        "negative log-likelihood"
    };
    out.push_str(&format!(
        "\nminimized {what}: {}   AIC: {}\n",
        num_sig(s.value, 10),
        s.aic.map_or("-".into(), |a| num_sig(a, 8))
    ));
    if let Some(s2) = s.sigma2 {
        out.push_str(&format!(
            "residual standard error: {} on {} degrees of freedom\n",
            num_sig(s2.sqrt(), 6),
            s.df
        ));
    }
    if let Some(c) = &s.covariance {
        out.push_str(&format!("covariance: {}\n", matrix_short(c)));
    }
    for w in &s.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    Ok(Output {
        text: out,
        converged: Some(s.converged),
    })
}
