//! numpy ↔ library types.

use nalgebra::DMatrix;
use nalgebra_sparse::CscMatrix;
use nalgebra_sparse::pattern::SparsityPattern;
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

use crate::blackbox::type_name;
use crate::{invalid, to_py};

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

/// `v` as a numpy array of real numbers (booleans, integers, floats); complex values and
/// objects that are not numbers (None, strings) are errors, not NaN or a real part.
fn real_array<'py>(v: &Bound<'py, PyAny>, expected: &str) -> PyResult<Bound<'py, PyAny>> {
    let not_numbers = || {
        invalid(format!(
            "the function returned {} where {expected} was expected",
            type_name(v)
        ))
    };
    let np = v.py().import("numpy")?;
    let arr = np
        .call_method1("asarray", (v,))
        .map_err(|_| not_numbers())?;
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    match kind.as_str() {
        "b" | "i" | "u" | "f" => arr.call_method1("astype", ("float64",)),
        "c" => Err(invalid(format!(
            "the function returned complex values ({}) where {expected} was expected",
            type_name(v)
        ))),
        _ => Err(not_numbers()),
    }
}

/// A number from what a scalar function returned: a float, or anything numpy reads as one real
/// number (an int, a bool, np.float32, a 0-d or one-element array, as scipy accepts); None, a
/// complex, a string, an array of several values are errors naming what was returned.
pub(crate) fn number(v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(f.value());
    }
    let arr = real_array(v, "a number")?;
    let size: usize = arr.getattr("size")?.extract()?;
    if size != 1 {
        return Err(invalid(format!(
            "the function returned {} of {size} values where a number was expected",
            type_name(v)
        )));
    }
    arr.call_method0("item")?.extract()
}

/// A float64 vector from whatever a function returned (array, list, scalar), flattened.
pub(crate) fn floats(v: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let arr = real_array(v, "an array of numbers")?.call_method0("ravel")?;
    let arr: PyReadonlyArray1<'_, f64> = arr.extract()?;
    Ok(vector(&arr))
}

/// Copies whatever a function returned (array, list) into `out`, flattened; false when the
/// number of values is not `out.len()`. A contiguous float64 array is copied directly.
pub(crate) fn floats_into(v: &Bound<'_, PyAny>, out: &mut [f64]) -> PyResult<bool> {
    if let Ok(a) = v.extract::<PyReadonlyArray1<'_, f64>>() {
        if let Ok(s) = a.as_slice() {
            if s.len() == out.len() {
                out.copy_from_slice(s);
            }
            return Ok(s.len() == out.len());
        }
    }
    let w = floats(v)?;
    if w.len() == out.len() {
        out.copy_from_slice(&w);
    }
    Ok(w.len() == out.len())
}

/// The rows of an (m, k) array a vectorized vector function returned (an (m,) array: k = 1).
pub(crate) fn value_rows(v: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<f64>>> {
    let arr = real_array(v, "an (m, k) array")?;
    if let Ok(a) = arr.extract::<PyReadonlyArray1<'_, f64>>() {
        return Ok(a.as_array().iter().map(|&x| vec![x]).collect());
    }
    let a: PyReadonlyArray2<'_, f64> = arr.extract().map_err(|_| {
        invalid("the vectorized function must return an (m, k) array, one row a point")
    })?;
    Ok(a.as_array()
        .rows()
        .into_iter()
        .map(|r| r.to_vec())
        .collect())
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

/// `scipy.sparse`, imported when a sparse result is asked for (scipy is optional).
pub(crate) fn scipy_sparse(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("scipy.sparse")
        .map_err(|_| invalid("sparse matrices need scipy (pip install scipy)"))
}

/// A `scipy.sparse.csc_array` (`csc_matrix` before scipy 1.8) holding a compressed-column
/// matrix's pattern and values.
pub(crate) fn csc<'py>(
    sp: &Bound<'py, PyModule>,
    m: &CscMatrix<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = sp.py();
    let index = |v: &[usize]| PyArray1::from_iter(py, v.iter().map(|&i| i as i64));
    let data = (
        array1(py, m.values()),
        index(m.row_indices()),
        index(m.col_offsets()),
    );
    sp.getattr("csc_array")
        .or_else(|_| sp.getattr("csc_matrix"))?
        .call1((data, (m.nrows(), m.ncols())))
}

/// A sparsity pattern from the (row, column) indices of its entries in a matrix of `shape`
/// (as `_args.sparsity` passes them); `symmetric` adds each entry's mirror.
pub(crate) fn pattern(
    rows: &PyReadonlyArray1<'_, i64>,
    cols: &PyReadonlyArray1<'_, i64>,
    (nrows, ncols): (usize, usize),
    symmetric: bool,
) -> PyResult<SparsityPattern> {
    let entries: Vec<(usize, usize)> = rows
        .as_array()
        .iter()
        .zip(cols.as_array().iter())
        .map(|(&r, &c)| {
            (
                usize::try_from(r).unwrap_or(usize::MAX),
                usize::try_from(c).unwrap_or(usize::MAX),
            )
        })
        .collect();
    if symmetric {
        hessopt::diff::coloring::symmetric_pattern(nrows, &entries)
    } else {
        hessopt::diff::coloring::pattern_from_entries(nrows, ncols, &entries)
    }
    .map_err(to_py)
}
