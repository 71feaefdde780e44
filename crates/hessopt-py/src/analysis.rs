//! `analyze`: eigenvalues, definiteness, condition number and classification of a Hessian.

use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use hessopt::analysis::{GRAD_TOL, HessianAnalysis};
use hessopt::solve::certificate::is_stationary;

use crate::convert::{array1, matrix, vector};
use crate::invalid;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)
}

/// The analysis as a dict (shared with `minimize(..., hessian=True)`).
pub(crate) fn analysis_dict<'py>(
    py: Python<'py>,
    a: &HessianAnalysis,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("eigenvalues", array1(py, &a.eigenvalues))?;
    d.set_item("definiteness", a.definiteness.as_str())?;
    d.set_item("condition_number", a.condition_number)?;
    d.set_item("stationary", a.stationary)?;
    d.set_item("classification", a.classification.as_str())?;
    d.set_item("explanation", a.classification.explain())?;
    Ok(d)
}

/// Analyses a symmetric matrix (see `hessopt.analyze`).
#[pyfunction]
#[pyo3(signature = (h, gradient, error_norm))]
fn analyze<'py>(
    py: Python<'py>,
    h: PyReadonlyArray2<'py, f64>,
    gradient: PyReadonlyArray1<'py, f64>,
    error_norm: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let h = matrix(&h);
    let g = vector(&gradient);
    let n = h.nrows();
    if h.ncols() != n || g.len() != n {
        return Err(invalid(format!(
            "analyze needs a square matrix and a gradient of its size: H is {}x{}, gradient has {}",
            h.nrows(),
            h.ncols(),
            g.len()
        )));
    }
    if let Some(v) = h.iter().chain(&g).find(|v| !v.is_finite()) {
        return Err(invalid(format!("analyze needs finite entries, found {v}")));
    }
    // A Hessian is symmetric: an asymmetry beyond rounding (or the given error) is an error,
    // not a matrix whose lower triangle alone is analysed.
    let scale = h.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tol = (1e-8 * scale).max(error_norm);
    for j in 0..n {
        for i in j + 1..n {
            if (h[(i, j)] - h[(j, i)]).abs() > tol {
                return Err(invalid(format!(
                    "H is not symmetric: H[{j}, {i}] = {} but H[{i}, {j}] = {} (a Hessian is; \
                     pass (H + H.T) / 2 to analyze its symmetric part)",
                    h[(j, i)],
                    h[(i, j)]
                )));
            }
        }
    }
    let stationary = is_stationary(&[], &g, None, GRAD_TOL);
    let a = HessianAnalysis::with_error(&h, stationary, error_norm);
    analysis_dict(py, &a)
}
