//! Numerical derivatives of Python callables: `hessian`, `gradient`, `jacobian`, `hvp`.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use hessopt::diff::NumDiff;

use crate::blackbox::PyFunction;
use crate::convert::{array1, array2, vector};
use crate::to_py;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(hessian, m)?)?;
    m.add_function(wrap_pyfunction!(gradient, m)?)?;
    m.add_function(wrap_pyfunction!(jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(hvp, m)?)?;
    Ok(())
}

/// The engine's settings from the Python keywords.
fn engine(typical: Option<PyReadonlyArray1<'_, f64>>) -> PyResult<NumDiff> {
    let nd = NumDiff::new();
    match typical {
        Some(t) => nd.with_typical(vector(&t)).map_err(to_py),
        None => Ok(nd),
    }
}

/// Numerical Hessian with error estimates (see `hessopt.hessian`).
#[pyfunction]
#[pyo3(signature = (f, x, args, vectorized, typical=None))]
fn hessian<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    vectorized: bool,
    typical: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let x = vector(&x);
    let nd = engine(typical)?;
    let pf = PyFunction::new(f, args, vectorized);
    let est = pf.finish(nd.hessian_batched(&|p: &[Vec<f64>]| pf.batch(p), &x))?;
    let d = PyDict::new(py);
    d.set_item("hessian", array2(py, &est.hessian))?;
    d.set_item("error", array2(py, &est.error))?;
    d.set_item("gradient", array1(py, &est.gradient))?;
    d.set_item("gradient_error", array1(py, &est.gradient_error))?;
    d.set_item("value", est.value)?;
    d.set_item("nfev", est.evaluations)?;
    d.set_item("ncalls", pf.calls())?;
    d.set_item("steps", array1(py, &est.steps))?;
    d.set_item("one_sided", est.one_sided)?;
    Ok(d)
}

/// Numerical gradient with error estimates (see `hessopt.gradient`).
#[pyfunction]
#[pyo3(signature = (f, x, args, vectorized, typical=None))]
fn gradient<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    vectorized: bool,
    typical: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let x = vector(&x);
    let nd = engine(typical)?;
    let pf = PyFunction::new(f, args, vectorized);
    let est = pf.finish(nd.gradient_batched(&|p: &[Vec<f64>]| pf.batch(p), &x))?;
    let d = PyDict::new(py);
    d.set_item("gradient", array1(py, &est.gradient))?;
    d.set_item("error", array1(py, &est.error))?;
    d.set_item("value", est.value)?;
    d.set_item("nfev", est.evaluations)?;
    d.set_item("ncalls", pf.calls())?;
    d.set_item("steps", array1(py, &est.steps))?;
    d.set_item("one_sided", est.one_sided)?;
    Ok(d)
}

/// Numerical Jacobian of a vector function with error estimates (see `hessopt.jacobian`).
#[pyfunction]
#[pyo3(signature = (f, x, args, typical=None))]
fn jacobian<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    typical: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let x = vector(&x);
    let nd = engine(typical)?;
    let pf = PyFunction::new(f, args, false);
    let est = pf.finish(nd.jacobian(&|p: &[f64]| pf.vector(p), &x))?;
    let d = PyDict::new(py);
    d.set_item("jacobian", array2(py, &est.jacobian))?;
    d.set_item("error", array2(py, &est.error))?;
    d.set_item("value", array1(py, &est.values))?;
    d.set_item("nfev", est.evaluations)?;
    d.set_item("ncalls", pf.calls())?;
    d.set_item("one_sided", est.one_sided)?;
    Ok(d)
}

/// Numerical Hessian-vector product from values (see `hessopt.hvp`).
#[pyfunction]
#[pyo3(signature = (f, x, v, args, typical=None))]
fn hvp<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    v: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    typical: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let (x, v) = (vector(&x), vector(&v));
    let nd = engine(typical)?;
    let pf = PyFunction::new(f, args, false);
    let (hv, err, nfev) = pf.finish(nd.hvp(&|p: &[f64]| pf.scalar(p), &x, &v))?;
    let d = PyDict::new(py);
    d.set_item("hvp", array1(py, &hv))?;
    d.set_item("error", array1(py, &err))?;
    d.set_item("nfev", nfev)?;
    d.set_item("ncalls", pf.calls())?;
    Ok(d)
}
