//! `fit`: per-row models over a table of columns (maximum likelihood or nonlinear least
//! squares), R-style estimates, standard errors, tests and intervals.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use hessopt::fit::{Data, Objective, fit_with_callback};

use crate::convert::{array1, array2, vector};
use crate::optimize::termination_items;
use crate::signals::detached_interruptible;
use crate::{invalid, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fit, m)?)
}

/// Fits a formula model to named columns (see `hessopt.fit`).
#[pyfunction]
#[pyo3(signature = (columns, nll, residual, params, start))]
fn fit<'py>(
    py: Python<'py>,
    columns: Vec<(String, PyReadonlyArray1<'py, f64>)>,
    nll: Option<String>,
    residual: Option<String>,
    params: Vec<String>,
    start: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let objective = match (nll, residual) {
        (Some(t), None) => Objective::NegLogLik(t),
        (None, Some(t)) => Objective::Residual(t),
        _ => return Err(invalid("give exactly one of nll= and residual=")),
    };
    let data =
        Data::from_columns(columns.iter().map(|(n, c)| (n.clone(), vector(c)))).map_err(to_py)?;
    let params_ref: Vec<&str> = params.iter().map(String::as_str).collect();
    let start = vector(&start);
    // Without the GIL; Ctrl-C is checked from the minimizer's iterations.
    let s = detached_interruptible(py, |cb| {
        fit_with_callback(&data, &objective, &params_ref, &start, Some(cb))
    })?
    .map_err(to_py)?;
    let out = PyDict::new(py);
    out.set_item("kind", s.kind)?;
    out.set_item("params", s.params.clone())?;
    out.set_item("x", array1(py, &s.estimates))?;
    out.set_item("se", s.standard_errors.as_ref().map(|v| array1(py, v)))?;
    let stat = if s.kind == "nls" { "t" } else { "z" };
    out.set_item("statistic_name", stat)?;
    out.set_item("statistics", s.statistics.as_ref().map(|v| array1(py, v)))?;
    out.set_item("p_values", s.p_values.as_ref().map(|v| array1(py, v)))?;
    out.set_item(
        "intervals",
        s.intervals
            .as_ref()
            .map(|iv| iv.iter().map(|(a, b)| vec![*a, *b]).collect::<Vec<_>>()),
    )?;
    out.set_item("cov", s.covariance.as_ref().map(|c| array2(py, c)))?;
    out.set_item("fun", s.value)?;
    out.set_item("sigma2", s.sigma2)?;
    out.set_item("sigma", s.sigma)?;
    out.set_item("nobs", s.observations)?;
    out.set_item("df", s.df)?;
    out.set_item("aic", s.aic)?;
    termination_items(&out, s.termination, s.converged)?;
    out.set_item("nit", s.iterations)?;
    out.set_item("warnings", s.warnings.clone())?;
    out.set_item("table", s.to_string())?;
    Ok(out)
}
