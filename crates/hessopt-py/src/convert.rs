//! numpy ↔ library types.

use nalgebra::DMatrix;
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::blackbox::type_name;
use crate::invalid;

/// A float64 vector from a 1-d array (the Python side has already made it one).
pub(crate) fn vector(a: &PyReadonlyArray1<'_, f64>) -> Vec<f64> {
    a.as_array().iter().copied().collect()
}

/// An n × m matrix from a 2-d float64 array.
pub(crate) fn matrix(a: &PyReadonlyArray2<'_, f64>) -> DMatrix<f64> {
    let v = a.as_array();
    DMatrix::from_fn(v.nrows(), v.ncols(), |i, j| v[(i, j)])
}

/// A 1-d float64 array.
pub(crate) fn array1<'py>(py: Python<'py>, v: &[f64]) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_slice(py, v)
}

/// A 2-d float64 array from a matrix.
pub(crate) fn array2<'py>(py: Python<'py>, m: &DMatrix<f64>) -> Bound<'py, PyArray2<f64>> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)]).into_pyarray(py)
}

/// Rows of points as an m × n float64 array (a batch for a vectorized function).
pub(crate) fn rows<'py>(py: Python<'py>, points: &[Vec<f64>]) -> Bound<'py, PyArray2<f64>> {
    let n = points.first().map_or(0, Vec::len);
    Array2::from_shape_fn((points.len(), n), |(i, j)| points[i][j]).into_pyarray(py)
}

/// A float64 vector from whatever a function returned (array, list, scalar), flattened.
pub(crate) fn floats(v: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let np = v.py().import("numpy")?;
    let arr = np
        .call_method1("asarray", (v, "float64"))
        .map_err(|_| {
            invalid(format!(
                "the function returned {} where an array of numbers was expected",
                type_name(v)
            ))
        })?
        .call_method0("ravel")?;
    let arr: PyReadonlyArray1<'_, f64> = arr.extract()?;
    Ok(vector(&arr))
}

/// A point from an array-like argument `name`: one number or a 1-d array of numbers.
pub(crate) fn point(x: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let np = x.py().import("numpy")?;
    let arr = np.call_method1("asarray", (x, "float64")).map_err(|_| {
        invalid(format!(
            "{name} must be an array of numbers, got {}",
            type_name(x)
        ))
    })?;
    let ndim: usize = arr.getattr("ndim")?.extract()?;
    if ndim > 1 {
        return Err(invalid(format!(
            "{name} must be a 1-d array, got {ndim} dimensions"
        )));
    }
    floats(&arr)
}
