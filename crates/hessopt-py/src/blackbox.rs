//! Calling Python functions from the library's loops.
//!
//! The library's black boxes are infallible `Fn(&[f64]) -> f64` closures, so a Python exception
//! cannot unwind through them. The bridge keeps the first exception (with the point where it was
//! raised added as a note), answers NaN from then on without calling Python again, and
//! [`PyFunction::finish`] hands that exception back unchanged once the library returns: the
//! user's exception wins over whatever the library made of the NaNs. Ctrl-C is checked before
//! every call, so a long run stops with `KeyboardInterrupt`.

use std::cell::{Cell, RefCell};

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{array1, floats, floats_into, number, rows, value_rows};
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

    pub(crate) fn py(&self) -> Python<'py> {
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

    /// Keeps a `HessoptError` with this message (a function that returned the wrong thing).
    pub(crate) fn fail(&self, message: String) {
        self.error.borrow_mut().get_or_insert(invalid(message));
    }

    /// Calls f with x (and the extra arguments); None once an exception is pending.
    fn call(&self, x: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        let mut all = vec![x.clone()];
        all.extend(self.args.iter());
        self.call_with(all, || describe(x))
    }

    /// Calls f with these arguments, checking Ctrl-C first; None once an exception is pending.
    /// `at` describes the point for the note, made only when the call raised.
    fn call_with(
        &self,
        args: Vec<Bound<'py, PyAny>>,
        at: impl FnOnce() -> String,
    ) -> Option<Bound<'py, PyAny>> {
        if self.failed() {
            return None;
        }
        if let Err(e) = self.py().check_signals() {
            self.error.borrow_mut().get_or_insert(e);
            return None;
        }
        self.calls.set(self.calls.get() + 1);
        match PyTuple::new(self.py(), args).and_then(|t| self.f.call1(t)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.keep(e, &at());
                None
            }
        }
    }

    /// A callback `cb(x, value, iteration) -> bool`: true (or an exception) asks to stop.
    pub(crate) fn stop_requested(&self, x: &[f64], value: f64, iteration: usize) -> bool {
        let py = self.py();
        let args = (|| -> PyResult<Vec<Bound<'py, PyAny>>> {
            Ok(vec![
                array1(py, x).into_any(),
                value.into_pyobject(py)?.into_any(),
                iteration.into_pyobject(py)?.into_any(),
            ])
        })();
        let Ok(args) = args else {
            return true;
        };
        match self.call_with(args, || "the callback".into()) {
            Some(v) => v.is_truthy().unwrap_or(true),
            None => true,
        }
    }

    /// f(x) as a float; NaN after an exception (or when f returns something that is not a number,
    /// which becomes a pending `HessoptError`).
    pub(crate) fn scalar(&self, x: &[f64]) -> f64 {
        let arg = array1(self.py(), x).into_any();
        let Some(v) = self.call(&arg) else {
            return f64::NAN;
        };
        match number(&v) {
            Ok(v) => v,
            Err(e) => {
                // scipy's jac=True convention, without jac=True.
                let pair = v.cast::<PyTuple>().is_ok_and(|t| t.len() == 2);
                let hint = if pair {
                    "; a function returning (value, gradient) needs jac=True"
                } else {
                    ""
                };
                self.fail(format!(
                    "{} (at {}){hint}",
                    e.value(self.py()),
                    describe(&arg)
                ));
                f64::NAN
            }
        }
    }

    /// F(x) as a vector of floats (empty after an exception). An array of two or more
    /// dimensions is an error, as scipy's least_squares refuses it: flattened, a (2, 2) result
    /// read as four values passed for another function's.
    pub(crate) fn vector(&self, x: &[f64]) -> Vec<f64> {
        let arg = array1(self.py(), x).into_any();
        let Some(v) = self.call(&arg) else {
            return Vec::new();
        };
        if let Some(shape) = shape(&v).filter(|s| s.len() > 1) {
            let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
            self.fail(format!(
                "the function returned an array of shape ({}) where a 1-d array was expected",
                dims.join(", ")
            ));
            return Vec::new();
        }
        match floats(&v) {
            Ok(v) => v,
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                Vec::new()
            }
        }
    }

    /// f(x) from a function that returns (f(x), ∇f(x)) (scipy's `jac=True`), the gradient
    /// copied into `g` (n entries; straight from a float64 array, without an intermediate
    /// vector); None after an exception or when it returns something else (a pending
    /// `HessoptError`).
    pub(crate) fn pair_into(&self, x: &[f64], g: &mut [f64]) -> Option<f64> {
        let arg = array1(self.py(), x).into_any();
        let v = self.call(&arg)?;
        let value = v
            .extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>()
            .ok()
            .and_then(|(a, b)| Some((number(&a).ok()?, b)))
            .filter(|(_, b)| floats_into(b, g).is_ok_and(|copied| copied))
            .map(|(a, _)| a);
        if value.is_none() {
            self.fail(format!(
                "with jac=True the function must return (value, gradient of {} entries), got {}",
                x.len(),
                type_name(&v)
            ));
        }
        value
    }

    /// F(x) into `out` (a gradient); a result of another length becomes a pending
    /// `HessoptError` naming `what`, and `out` is NaN.
    pub(crate) fn vector_into(&self, x: &[f64], out: &mut [f64], what: &str) {
        let v = self.vector(x);
        self.fill(&v, out, what);
    }

    /// F(x) as an m × n matrix (a Jacobian, a Hessian), row-major into `out`: a 2-d result must
    /// have that shape (a transposed Jacobian is an error, not read as another matrix), a flat
    /// one m·n values; otherwise a pending `HessoptError` naming `what`, and `out` is NaN.
    pub(crate) fn matrix_into(
        &self,
        x: &[f64],
        out: &mut [f64],
        (m, n): (usize, usize),
        what: &str,
    ) {
        let arg = array1(self.py(), x).into_any();
        let Some(v) = self.call(&arg) else {
            out.fill(f64::NAN);
            return;
        };
        if let Some(shape) = shape(&v).filter(|s| s.len() == 2 && s[..] != [m, n]) {
            self.fail(format!(
                "{what} returned an array of shape ({}, {}), expected ({m}, {n})",
                shape[0], shape[1]
            ));
            out.fill(f64::NAN);
            return;
        }
        let values = match floats(&v) {
            Ok(values) => values,
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                Vec::new()
            }
        };
        self.fill(&values, out, what);
    }

    /// Copies `values` into `out` when the lengths match, else a pending error and NaN.
    fn fill(&self, values: &[f64], out: &mut [f64], what: &str) {
        if values.len() == out.len() {
            out.copy_from_slice(values);
            return;
        }
        if !self.failed() {
            self.fail(format!(
                "{what} returned {} values, expected {}",
                values.len(),
                out.len()
            ));
        }
        out.fill(f64::NAN);
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
                self.fail(format!(
                    "the vectorized function returned {} values for {} points (one a row)",
                    v.len(),
                    points.len()
                ));
                nan()
            }
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                nan()
            }
        }
    }

    /// F at every point (vector values): one call with an (m, n) array returning (m, k) when
    /// vectorized, else one call per point.
    pub(crate) fn batch_vectors(&self, points: &[Vec<f64>]) -> Vec<Vec<f64>> {
        if !self.vectorized {
            return points.iter().map(|p| self.vector(p)).collect();
        }
        let arg = rows(self.py(), points).into_any();
        let Some(v) = self.call(&arg) else {
            return vec![Vec::new(); points.len()];
        };
        match value_rows(&v) {
            Ok(r) if r.len() == points.len() => r,
            Ok(r) => {
                self.fail(format!(
                    "the vectorized function returned {} rows for {} points (one a row)",
                    r.len(),
                    points.len()
                ));
                vec![Vec::new(); points.len()]
            }
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                vec![Vec::new(); points.len()]
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

/// "a float", "an int": the type of what a function returned.
/// The shape of what a function returned, when it is an array (numpy or anything with a tuple
/// `shape`).
fn shape(v: &Bound<'_, PyAny>) -> Option<Vec<usize>> {
    v.getattr("shape").ok().and_then(|s| s.extract().ok())
}

pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type().name().map_or_else(
        |_| "an object".into(),
        |n| {
            let article = match n.to_string().chars().next() {
                Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
                _ => "a",
            };
            format!("{article} {n}")
        },
    )
}

/// "x = [..]" for a note, from the array passed to the function.
fn describe(x: &Bound<'_, PyAny>) -> String {
    let text = x
        .call_method0("tolist")
        .and_then(|l| l.str())
        .map_or_else(|_| "?".into(), |s| s.to_string());
    format!("x = {text}")
}
