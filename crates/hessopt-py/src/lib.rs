//! Python bindings of hessopt (the module `hessopt._core`, wrapped by the pure-Python package
//! `hessopt` in `python/hessopt`).
//!
//! A thin layer: conversions between numpy and the library's types, the bridge that calls Python
//! functions from the library's loops (errors, Ctrl-C, batches), and Python conventions. No
//! numerics live here.

use pyo3::prelude::*;

use hessopt::limits::{self, Limit};

mod analysis;
mod blackbox;
mod convert;
mod derivatives;
mod fit;
mod formula;
mod least_squares;
mod optimize;
mod signals;

pyo3::create_exception!(
    _core,
    HessoptError,
    pyo3::exceptions::PyValueError,
    "Bad input to hessopt, or a computation that cannot give an answer (one-line message)."
);

/// The library's one-line error as a `HessoptError`.
pub(crate) fn to_py(e: hessopt::Error) -> PyErr {
    HessoptError::new_err(e.to_string())
}

/// A `HessoptError` with this message.
pub(crate) fn invalid(message: impl Into<String>) -> PyErr {
    HessoptError::new_err(message.into())
}

/// How a Python user raises the dense-matrix limit (named in the library's "too large" error).
const RAISE_DENSE: &str = "hessopt.set_dense_limit(nbytes)";

/// Sets the largest dense matrix (an n × n Hessian or inverse-Hessian approximation, a Jacobian)
/// the library allocates, in bytes; returns the previous limit (see `hessopt.set_dense_limit`).
#[pyfunction]
fn set_dense_limit(nbytes: u64) -> PyResult<u64> {
    if nbytes == 0 {
        return Err(invalid("the dense-matrix limit must be at least 1 byte"));
    }
    let previous = limits::get(Limit::DenseMatrix);
    limits::set(Limit::DenseMatrix, nbytes, RAISE_DENSE);
    Ok(previous)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("HessoptError", m.py().get_type::<HessoptError>())?;
    // The limit's error names the Python setting, not the Rust one.
    limits::set(
        Limit::DenseMatrix,
        limits::get(Limit::DenseMatrix),
        RAISE_DENSE,
    );
    m.add_function(wrap_pyfunction!(set_dense_limit, m)?)?;
    derivatives::register(m)?;
    analysis::register(m)?;
    formula::register(m)?;
    optimize::register(m)?;
    least_squares::register(m)?;
    fit::register(m)?;
    Ok(())
}
