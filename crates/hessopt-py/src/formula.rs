//! `hessopt.Formula`: a formula compiled once, with exact derivatives (the GIL is released while
//! the tape runs).

use numpy::PyReadonlyArray2;
use pyo3::prelude::*;
use pyo3::types::PyString;

use std::sync::{Mutex, OnceLock};

use hessopt::Formula;
use hessopt::expr::{SparseHessian, SparseWorkspace};

use crate::blackbox::type_name;
use crate::convert::{array1, array2, csc, point, scipy_sparse};
use crate::{invalid, to_py};

/// A formula's source text and its declared variables (None: in order of appearance).
type Source = (String, Option<Vec<String>>);

/// A formula such as ``"100*(y - x^2)^2 + (1 - x)^2"`` with exact value, gradient, Hessian and
/// Hessian-vector products.
#[pyclass(name = "Formula", module = "hessopt", frozen)]
pub(crate) struct PyFormula {
    pub(crate) formula: Formula,
    /// The source text and the declared variables, to pickle it (process pools).
    source: Source,
    /// The sparse Hessian's pattern and coloring, made at the first `hessian(x, sparse=True)`.
    sparse: OnceLock<SparseHessian>,
    /// Its sweeps' buffers, reused by the calls that find them free.
    sparse_ws: Mutex<SparseWorkspace>,
}

#[pymethods]
impl PyFormula {
    #[new]
    #[pyo3(signature = (src, vars=None))]
    fn new(src: &Bound<'_, PyAny>, vars: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let src: String = src.extract().map_err(|_| {
            invalid(format!(
                "a Formula is made from a string such as \"x^2 + y\", got {}",
                type_name(src)
            ))
        })?;
        let names = |v: &Bound<'_, PyAny>| -> Option<Vec<String>> {
            if v.is_instance_of::<PyString>() {
                return None;
            }
            v.try_iter()
                .ok()?
                .map(|n| n.ok()?.extract::<String>().ok())
                .collect()
        };
        let declared = vars
            .map(|v| {
                names(v).ok_or_else(|| {
                    invalid(format!(
                        "vars must be a list of variable names (strings), got {}",
                        type_name(v)
                    ))
                })
            })
            .transpose()?;
        let formula = match &declared {
            Some(v) => {
                let names: Vec<&str> = v.iter().map(String::as_str).collect();
                Formula::parse_with_vars(&src, &names)
            }
            None => Formula::parse(&src),
        }
        .map_err(to_py)?;
        Ok(PyFormula {
            formula,
            source: (src, declared),
            sparse: OnceLock::new(),
            sparse_ws: Mutex::default(),
        })
    }

    /// Pickled as its source and declared variables (compiled again when unpickled).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Source)> {
        Ok((slf.get_type().into_any(), slf.get().source.clone()))
    }

    /// The variables, in the order of x.
    #[getter]
    fn vars(&self) -> Vec<String> {
        self.formula.vars().to_vec()
    }

    /// f(x) for one point.
    fn value(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<f64> {
        let x = point(x, "x")?;
        py.detach(|| self.formula.value(&x)).map_err(to_py)
    }

    /// f at every row of an (m, n) array.
    fn values<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
        let rows: Vec<Vec<f64>> = x
            .as_array()
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect();
        let values = py
            .detach(|| {
                rows.iter()
                    .map(|r| self.formula.value(r))
                    .collect::<hessopt::Result<Vec<f64>>>()
            })
            .map_err(to_py)?;
        Ok(array1(py, &values))
    }

    /// ∇f(x).
    fn gradient<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
        let x = point(x, "x")?;
        let (_, g) = py.detach(|| self.formula.gradient(&x)).map_err(to_py)?;
        Ok(array1(py, &g))
    }

    /// ∇²f(x): dense, or with `sparse=True` a `scipy.sparse` CSC matrix from the pattern read
    /// off the formula (one product per color of a star coloring).
    #[pyo3(signature = (x, sparse=false))]
    fn hessian<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        sparse: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let x = point(x, "x")?;
        if !sparse {
            let d = py.detach(|| self.formula.hessian(&x)).map_err(to_py)?;
            return Ok(array2(py, &d.hessian).into_any());
        }
        let sp = scipy_sparse(py)?;
        let d = py
            .detach(|| {
                let plan = match self.sparse.get() {
                    Some(p) => p,
                    None => {
                        let p = SparseHessian::new(self.formula.clone())?;
                        self.sparse.get_or_init(|| p)
                    }
                };
                // Another thread's call holding the buffers gets fresh ones.
                match self.sparse_ws.try_lock() {
                    Ok(mut ws) => plan.hessian_with(&x, &mut ws),
                    Err(_) => plan.hessian(&x),
                }
            })
            .map_err(to_py)?;
        csc(&sp, &d.hessian)
    }

    /// ∇²f(x)·v without forming the Hessian.
    fn hvp<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        v: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
        let (x, v) = (point(x, "x")?, point(v, "v")?);
        if let Some(i) = v.iter().position(|d| !d.is_finite()) {
            return Err(invalid(format!("v[{i}] = {} is not finite", v[i])));
        }
        let n = x.len();
        let hv = py
            .detach(|| {
                let (mut g, mut hv) = (vec![0.0; n], vec![0.0; n]);
                self.formula
                    .hvp_with(&x, &v, &mut self.formula.workspace(), &mut g, &mut hv)
                    .map(|_| hv)
            })
            .map_err(to_py)?;
        Ok(array1(py, &hv))
    }

    /// f(x); for an (m, n) array, f at every row.
    fn __call__<'py>(&self, py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let arr = py.import("numpy")?.call_method1("asarray", (x, "float64"));
        if let Ok(rows) = arr.and_then(|a| a.extract::<PyReadonlyArray2<'py, f64>>()) {
            return Ok(self.values(py, rows)?.into_any());
        }
        Ok(self.value(py, x)?.into_pyobject(py)?.into_any())
    }

    fn __str__(&self) -> String {
        self.formula.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Formula({:?}, vars={:?})",
            self.formula.to_string(),
            self.formula.vars()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFormula>()
}
