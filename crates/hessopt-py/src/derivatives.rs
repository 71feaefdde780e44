//! Numerical derivatives of Python callables: `hessian`, `gradient`, `jacobian`, `hvp`, dense or
//! on a sparsity pattern (returned as `scipy.sparse` matrices).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use hessopt::diff::NumDiff;

use crate::blackbox::PyFunction;
use crate::convert::{array1, array2, csc, pattern, scipy_sparse, vector};
use crate::{invalid, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(hessian, m)?)?;
    m.add_function(wrap_pyfunction!(gradient, m)?)?;
    m.add_function(wrap_pyfunction!(jacobian, m)?)?;
    m.add_function(wrap_pyfunction!(hvp, m)?)?;
    Ok(())
}

/// A sparsity pattern as `_args.sparsity` passes it: the entries' rows and columns, the shape.
type PatternSpec<'py> = (
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, i64>,
    (usize, usize),
);

/// What every derivative call starts from: the point, the engine's settings, the function.
struct Call<'py> {
    x: Vec<f64>,
    nd: NumDiff,
    pf: PyFunction<'py>,
}

impl<'py> Call<'py> {
    fn new(
        f: Bound<'py, PyAny>,
        x: &PyReadonlyArray1<'py, f64>,
        args: Bound<'py, PyTuple>,
        vectorized: bool,
        typical: Option<PyReadonlyArray1<'py, f64>>,
    ) -> PyResult<Self> {
        let nd = NumDiff::new();
        let nd = match typical {
            Some(t) => nd.with_typical(vector(&t)).map_err(to_py)?,
            None => nd,
        };
        Ok(Call {
            x: vector(x),
            nd,
            pf: PyFunction::new(f, args, vectorized),
        })
    }

    fn py(&self) -> Python<'py> {
        self.pf.py()
    }

    /// An error unless every entry of an estimate is finite: a derivative beyond double
    /// precision is an error, not inf in the result.
    fn finite(&self, what: &str, values: &[f64]) -> PyResult<()> {
        match values.iter().find(|v| !v.is_finite()) {
            Some(v) => Err(invalid(format!(
                "the {what} is not finite at x = {:?} (an entry is {v}: a derivative overflows)",
                self.x
            ))),
            None => Ok(()),
        }
    }

    /// The result dict `d` with the counts added: `nfev` evaluations, `ncalls` Python calls.
    fn done(&self, d: Bound<'py, PyDict>, nfev: usize) -> PyResult<Bound<'py, PyDict>> {
        d.set_item("nfev", nfev)?;
        d.set_item("ncalls", self.pf.calls())?;
        Ok(d)
    }
}

/// f(x), the step per coordinate and where a one-sided stencil was needed (dense ladders).
fn ladder_items(
    d: &Bound<'_, PyDict>,
    value: f64,
    steps: &[f64],
    one_sided: &[bool],
) -> PyResult<()> {
    d.set_item("value", value)?;
    d.set_item("steps", array1(d.py(), steps))?;
    d.set_item("one_sided", one_sided.to_vec())
}

/// Numerical Hessian with error estimates (see `hessopt.hessian`): from values, or, with
/// `from_gradient`, as the Jacobian of `f` = ∇f; dense, or on a symmetric pattern.
#[pyfunction]
#[pyo3(signature = (f, x, args, vectorized, typical=None, sparsity=None, from_gradient=false))]
#[allow(clippy::too_many_arguments)]
fn hessian<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    vectorized: bool,
    typical: Option<PyReadonlyArray1<'py, f64>>,
    sparsity: Option<PatternSpec<'py>>,
    from_gradient: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let sp = sparsity
        .as_ref()
        .map(|_| scipy_sparse(x.py()))
        .transpose()?;
    let pat = sparsity
        .map(|(rows, cols, shape)| pattern(&rows, &cols, shape, true))
        .transpose()?;
    let c = Call::new(f, &x, args, vectorized, typical)?;
    if from_gradient {
        // f is the gradient (n values per point).
        let g = |p: &[Vec<f64>]| c.pf.batch_vectors(p);
        return match (&pat, &sp) {
            (Some(pat), Some(sp)) => {
                let est =
                    c.pf.finish(c.nd.sparse_hessian_from_gradient_batched(&g, &c.x, pat))?;
                c.finite("Hessian", est.jacobian.values())?;
                let d = PyDict::new(c.py());
                d.set_item("hessian", csc(sp, &est.jacobian)?)?;
                d.set_item("error", csc(sp, &est.error)?)?;
                d.set_item("gradient", array1(c.py(), &est.values))?;
                d.set_item("njev", est.evaluations)?;
                d.set_item("colors", est.groups)?;
                c.done(d, 0)
            }
            _ => {
                let est = c.pf.finish(c.nd.hessian_from_gradient_batched(&g, &c.x))?;
                c.finite("Hessian", est.jacobian.as_slice())?;
                let d = PyDict::new(c.py());
                d.set_item("hessian", array2(c.py(), &est.jacobian))?;
                d.set_item("error", array2(c.py(), &est.error))?;
                d.set_item("gradient", array1(c.py(), &est.values))?;
                d.set_item("njev", est.evaluations)?;
                d.set_item("one_sided", est.one_sided)?;
                c.done(d, 0)
            }
        };
    }
    let batch = |p: &[Vec<f64>]| c.pf.batch(p);
    let py = c.py();
    if let (Some(pat), Some(sp)) = (&pat, &sp) {
        let est =
            c.pf.finish(c.nd.sparse_hessian_batched(&batch, &c.x, pat))?;
        c.finite("gradient", &est.gradient)?;
        c.finite("Hessian", est.hessian.values())?;
        let d = PyDict::new(c.py());
        d.set_item("hessian", csc(sp, &est.hessian)?)?;
        d.set_item("error", csc(sp, &est.error)?)?;
        d.set_item("gradient", array1(py, &est.gradient))?;
        d.set_item("gradient_error", array1(py, &est.gradient_error))?;
        d.set_item("value", est.value)?;
        return c.done(d, est.evaluations);
    }
    let est = c.pf.finish(c.nd.hessian_batched(&batch, &c.x))?;
    c.finite("gradient", &est.gradient)?;
    c.finite("Hessian", est.hessian.as_slice())?;
    let d = PyDict::new(c.py());
    d.set_item("hessian", array2(py, &est.hessian))?;
    d.set_item("error", array2(py, &est.error))?;
    d.set_item("gradient", array1(py, &est.gradient))?;
    d.set_item("gradient_error", array1(py, &est.gradient_error))?;
    ladder_items(&d, est.value, &est.steps, &est.one_sided)?;
    c.done(d, est.evaluations)
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
    let c = Call::new(f, &x, args, vectorized, typical)?;
    let est =
        c.pf.finish(c.nd.gradient_batched(&|p: &[Vec<f64>]| c.pf.batch(p), &c.x))?;
    c.finite("gradient", &est.gradient)?;
    let d = PyDict::new(c.py());
    d.set_item("gradient", array1(c.py(), &est.gradient))?;
    d.set_item("error", array1(c.py(), &est.error))?;
    ladder_items(&d, est.value, &est.steps, &est.one_sided)?;
    c.done(d, est.evaluations)
}

/// Numerical Jacobian of a vector function with error estimates (see `hessopt.jacobian`);
/// dense, or on a pattern by Curtis–Powell–Reid column groups.
#[pyfunction]
#[pyo3(signature = (f, x, args, vectorized, typical=None, sparsity=None))]
fn jacobian<'py>(
    f: Bound<'py, PyAny>,
    x: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    vectorized: bool,
    typical: Option<PyReadonlyArray1<'py, f64>>,
    sparsity: Option<PatternSpec<'py>>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = Call::new(f, &x, args, vectorized, typical)?;
    let py = c.py();
    let fv = |p: &[Vec<f64>]| c.pf.batch_vectors(p);
    if let Some((rows, cols, shape)) = sparsity {
        let sp = scipy_sparse(py)?;
        let pat = pattern(&rows, &cols, shape, false)?;
        let est = c.pf.finish(c.nd.sparse_jacobian_batched(&fv, &c.x, &pat))?;
        c.finite("Jacobian", est.jacobian.values())?;
        let d = PyDict::new(c.py());
        d.set_item("jacobian", csc(&sp, &est.jacobian)?)?;
        d.set_item("error", csc(&sp, &est.error)?)?;
        d.set_item("value", array1(py, &est.values))?;
        d.set_item("groups", est.groups)?;
        return c.done(d, est.evaluations);
    }
    let est = c.pf.finish(c.nd.jacobian_batched(&fv, &c.x))?;
    c.finite("Jacobian", est.jacobian.as_slice())?;
    let d = PyDict::new(c.py());
    d.set_item("jacobian", array2(py, &est.jacobian))?;
    d.set_item("error", array2(py, &est.error))?;
    d.set_item("value", array1(py, &est.values))?;
    d.set_item("one_sided", est.one_sided)?;
    c.done(d, est.evaluations)
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
    let c = Call::new(f, &x, args, false, typical)?;
    let (hv, err, nfev) =
        c.pf.finish(c.nd.hvp(&|p: &[f64]| c.pf.scalar(p), &c.x, &vector(&v)))?;
    c.finite("Hessian-vector product", &hv)?;
    let d = PyDict::new(c.py());
    d.set_item("hvp", array1(c.py(), &hv))?;
    d.set_item("error", array1(c.py(), &err))?;
    c.done(d, nfev)
}
