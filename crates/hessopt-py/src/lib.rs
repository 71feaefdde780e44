//! Python bindings of hessopt (the module `hessopt._core`, wrapped by the pure-Python package
//! `hessopt` in `python/hessopt`).
//!
//! A thin layer: conversions between numpy and the library's types, the bridge that calls Python
//! functions from the library's loops (errors, Ctrl-C, batches), and Python conventions. No
//! numerics live here.

use pyo3::prelude::*;

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

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("HessoptError", m.py().get_type::<HessoptError>())?;
    derivatives::register(m)?;
    analysis::register(m)?;
    formula::register(m)?;
    optimize::register(m)?;
    least_squares::register(m)?;
    fit::register(m)?;
    Ok(())
}
