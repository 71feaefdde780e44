//! Calling Python functions from the library's loops.
//!
//! The library's black boxes are infallible `Fn(&[f64]) -> f64` closures, so a Python exception
//! cannot unwind through them. The bridge keeps the first exception (with the point where it was
//! raised added as a note), answers NaN from then on without calling Python again, and
//! [`PyFunction::finish`] hands that exception back unchanged once the library returns: the
//! user's exception wins over whatever the library made of the NaNs. Ctrl-C is checked before
//! every call, so a long run stops with `KeyboardInterrupt`.

use std::cell::{Cell, RefCell};

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{array1, rows};
use crate::{invalid, to_py};

/// A Python callable seen from Rust, with its pending exception.
pub(crate) struct PyFunction<'py> {
    f: Bound<'py, PyAny>,
    /// Extra positional arguments after x (scipy's `args`).
    args: Bound<'py, PyTuple>,
    /// f takes an (m, n) array of points and returns m values.
    vectorized: bool,
    error: RefCell<Option<PyErr>>,
    calls: Cell<usize>,
}

impl<'py> PyFunction<'py> {
    pub(crate) fn new(f: Bound<'py, PyAny>, args: Bound<'py, PyTuple>, vectorized: bool) -> Self {
        PyFunction {
            f,
            args,
            vectorized,
            error: RefCell::new(None),
            calls: Cell::new(0),
        }
    }

    fn py(&self) -> Python<'py> {
        self.f.py()
    }

    /// Whether an exception is pending (the library's loop should stop).
    pub(crate) fn failed(&self) -> bool {
        self.error.borrow().is_some()
    }

    /// Python calls made so far (a vectorized batch counts once).
    pub(crate) fn calls(&self) -> usize {
        self.calls.get()
    }

    /// Keeps the first exception, noting the point where it was raised.
    fn keep(&self, e: PyErr, at: &str) {
        let py = self.py();
        let value = e.value(py);
        if value.hasattr("add_note").unwrap_or(false) {
            // A failed note must not replace the user's exception.
            let _ =
                value.call_method1("add_note", (format!("(raised by hessopt's call at {at})"),));
        }
        self.error.borrow_mut().get_or_insert(e);
    }

    /// Calls f with x (and the extra arguments); None once an exception is pending.
    fn call(&self, x: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        if self.failed() {
            return None;
        }
        if let Err(e) = self.py().check_signals() {
            self.error.borrow_mut().get_or_insert(e);
            return None;
        }
        self.calls.set(self.calls.get() + 1);
        let mut all = vec![x.clone()];
        all.extend(self.args.iter());
        match PyTuple::new(self.py(), all).and_then(|t| self.f.call1(t)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.keep(e, &describe(x));
                None
            }
        }
    }

    /// f(x) as a float; NaN after an exception (or when f returns something that is not a number,
    /// which becomes a pending `HessoptError`).
    pub(crate) fn scalar(&self, x: &[f64]) -> f64 {
        let arg = array1(self.py(), x).into_any();
        let Some(v) = self.call(&arg) else {
            return f64::NAN;
        };
        match v.extract::<f64>() {
            Ok(v) => v,
            Err(_) => {
                self.keep(
                    invalid(format!(
                        "the function returned {} where a number was expected",
                        type_name(&v)
                    )),
                    &describe(&arg),
                );
                f64::NAN
            }
        }
    }

    /// F(x) as a vector of floats (empty after an exception).
    pub(crate) fn vector(&self, x: &[f64]) -> Vec<f64> {
        let arg = array1(self.py(), x).into_any();
        let Some(v) = self.call(&arg) else {
            return Vec::new();
        };
        match floats(&v) {
            Ok(v) => v,
            Err(e) => {
                self.keep(e, &describe(&arg));
                Vec::new()
            }
        }
    }

    /// f at every point: one call with an (m, n) array when vectorized, else one call per point.
    pub(crate) fn batch(&self, points: &[Vec<f64>]) -> Vec<f64> {
        if !self.vectorized {
            return points.iter().map(|p| self.scalar(p)).collect();
        }
        let nan = || vec![f64::NAN; points.len()];
        let arg = rows(self.py(), points).into_any();
        let Some(v) = self.call(&arg) else {
            return nan();
        };
        match floats(&v) {
            Ok(v) if v.len() == points.len() => v,
            Ok(v) => {
                self.keep(
                    invalid(format!(
                        "the vectorized function returned {} values for {} points (one a row)",
                        v.len(),
                        points.len()
                    )),
                    "a batch of points",
                );
                nan()
            }
            Err(e) => {
                self.keep(e, "a batch of points");
                nan()
            }
        }
    }

    /// The pending exception if any, else the library's result with its error as `HessoptError`.
    pub(crate) fn finish<T>(&self, result: hessopt::Result<T>) -> PyResult<T> {
        if let Some(e) = self.error.borrow_mut().take() {
            return Err(e);
        }
        result.map_err(to_py)
    }
}

/// A float64 vector from whatever the function returned (array, list, scalar).
fn floats(v: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
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
    Ok(arr.as_array().iter().copied().collect())
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map_or_else(|_| "an object".into(), |n| format!("a {n}"))
}

/// "x = [..]" for a note, from the array passed to the function.
fn describe(x: &Bound<'_, PyAny>) -> String {
    let text = x
        .call_method0("tolist")
        .and_then(|l| l.str())
        .map_or_else(|_| "?".into(), |s| s.to_string());
    format!("x = {text}")
}
