//! `hessopt fit DATA.csv`: maximum likelihood (`--nll`) or nonlinear least squares (`--residual`)
//! with a per-row formula, summarized like R's `summary()`.

use clap::Args;
use hessopt::fit::{Data, Objective, fit};
use hessopt::{Error, Result};
use serde_json::json;

use super::{formula_text, parse_numbers};
use crate::output::{Output, matrix_json};

/// Arguments of `fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// CSV file with a header row of column names (lines starting with # are comments).
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
            "sigma": s.sigma,
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
    Ok(Output {
        text: format!("{s}\n"),
        converged: Some(s.converged),
    })
}
