//! `least_squares` (Levenberg–Marquardt) and `root` (scalar equations and systems) for Python
//! functions.

use nalgebra::DMatrix;
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use hessopt::root::{
    RootOptions, Scalar, ScalarMethod, System, SystemMethod, solve_scalar, solve_system,
};
use hessopt::solve::{LeastSquares, LevenbergMarquardt, Options};

use crate::blackbox::PyFunction;
use crate::convert::{array1, array2, vector};
use crate::invalid;
use crate::optimize::termination_items;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(least_squares, m)?)?;
    m.add_function(wrap_pyfunction!(root_scalar, m)?)?;
    m.add_function(wrap_pyfunction!(root_system, m)?)?;
    Ok(())
}

/// Nonlinear least squares (see `hessopt.least_squares`).
#[pyfunction]
#[pyo3(signature = (residuals, x0, args, jac, max_evals))]
fn least_squares<'py>(
    residuals: Bound<'py, PyAny>,
    x0: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    jac: Option<Bound<'py, PyAny>>,
    max_evals: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = residuals.py();
    let x0 = vector(&x0);
    let rf = PyFunction::new(residuals, args.clone(), false);
    let jf = jac.map(|j| PyFunction::new(j, args, false));
    let r0 = rf.vector(&x0);
    if rf.failed() {
        return rf.finish(Ok(())).map(|_| PyDict::new(py));
    }
    let (m, n) = (r0.len(), x0.len());
    let mut problem = LeastSquares::new(m, n, |x: &[f64], out: &mut [f64]| {
        rf.vector_into(x, out, "the residual function")
    });
    if let Some(j) = &jf {
        problem = problem.with_jacobian(move |x: &[f64], out: &mut DMatrix<f64>| {
            // The user's (m, n) array is row-major; the matrix is column-major.
            let mut rows = vec![0.0; m * n];
            j.matrix_into(x, &mut rows, (m, n), "jac");
            *out = DMatrix::from_row_slice(m, n, &rows);
        });
    }
    let mut options = Options::default();
    if let Some(e) = max_evals {
        options = options.with_max_evals(e).map_err(crate::to_py)?;
    }
    let r = LevenbergMarquardt::default().solve(&problem, &x0, &options);
    let r = match jf.as_ref().filter(|j| j.failed()) {
        Some(j) => j.finish(r)?,
        None => rf.finish(r)?,
    };
    let out = PyDict::new(py);
    out.set_item("x", array1(py, &r.x))?;
    out.set_item("cost", 0.5 * r.rss)?;
    out.set_item("fun", array1(py, &r.residuals))?;
    out.set_item("se", r.standard_errors.as_ref().map(|v| array1(py, v)))?;
    out.set_item("cov", r.covariance.as_ref().map(|c| array2(py, c)))?;
    // The call at x0 that told the residual count m is a residual evaluation too.
    out.set_item("nfev", r.residual_evaluations + 1)?;
    out.set_item("njev", r.jacobian_evaluations)?;
    out.set_item("nit", r.iterations)?;
    termination_items(&out, r.termination, r.converged)?;
    Ok(out)
}

fn root_options(tol: Option<f64>, max_iter: Option<usize>) -> PyResult<RootOptions> {
    let mut o = RootOptions::default();
    if let Some(t) = tol {
        if !(t.is_finite() && t > 0.0) {
            return Err(invalid(format!(
                "invalid tol: {t} is not a positive number"
            )));
        }
        o.ftol = t;
    }
    if let Some(m) = max_iter {
        o.max_iter = m;
    }
    Ok(o)
}

fn root_dict<'py>(py: Python<'py>, r: &hessopt::root::RootReport) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("x", array1(py, &r.x))?;
    out.set_item("residual_norm", r.residual_norm)?;
    out.set_item("fun", array1(py, &r.residuals))?;
    out.set_item("nfev", r.evaluations)?;
    out.set_item("njev", r.jacobian_evaluations)?;
    out.set_item("nit", r.iterations)?;
    out.set_item("method", r.method)?;
    termination_items(&out, r.termination, r.converged)?;
    Ok(out)
}

/// A root of f(x) = 0 in one variable (see `hessopt.root`).
#[pyfunction]
#[pyo3(signature = (f, x0, args, fprime, bracket, method, tol, max_iter))]
#[allow(clippy::too_many_arguments)]
fn root_scalar<'py>(
    f: Bound<'py, PyAny>,
    x0: Option<f64>,
    args: Bound<'py, PyTuple>,
    fprime: Option<Bound<'py, PyAny>>,
    bracket: Option<(f64, f64)>,
    method: Option<String>,
    tol: Option<f64>,
    max_iter: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let pf = PyFunction::new(f, args.clone(), false);
    let pd = fprime.map(|d| PyFunction::new(d, args, false));
    let method = match method.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => match (&pd, bracket) {
            (_, Some(_)) => ScalarMethod::Brent,
            (Some(_), None) => ScalarMethod::Newton,
            (None, None) => ScalarMethod::Secant,
        },
        Some("newton") => ScalarMethod::Newton,
        Some("secant") => ScalarMethod::Secant,
        Some("brent" | "brentq") => ScalarMethod::Brent,
        Some(other) => {
            return Err(invalid(format!(
                "unknown method '{other}' for a scalar root (known: newton, secant, brent)"
            )));
        }
    };
    let x0 = match (x0, bracket) {
        (Some(x), _) => x,
        (None, Some((a, b))) => 0.5 * (a + b),
        (None, None) => return Err(invalid("give x0 or bracket=(a, b)")),
    };
    let value = |x: f64| pf.scalar(&[x]);
    let derivative = |x: f64| pd.as_ref().map_or(f64::NAN, |d| d.scalar(&[x]));
    let eq = Scalar {
        f: &value,
        df: pd.as_ref().map(|_| &derivative as &dyn Fn(f64) -> f64),
    };
    let r = solve_scalar(&eq, x0, bracket, method, &root_options(tol, max_iter)?);
    let r = match pd.as_ref().filter(|d| d.failed()) {
        Some(d) => d.finish(r)?,
        None => pf.finish(r)?,
    };
    let out = root_dict(py, &r)?;
    out.set_item("root", r.x[0])?;
    Ok(out)
}

/// A root of F(x) = 0 for n equations in n unknowns (see `hessopt.root`).
#[pyfunction]
#[pyo3(signature = (f, x0, args, jac, method, tol, max_iter))]
#[allow(clippy::too_many_arguments)]
fn root_system<'py>(
    f: Bound<'py, PyAny>,
    x0: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    jac: Option<Bound<'py, PyAny>>,
    method: Option<String>,
    tol: Option<f64>,
    max_iter: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = f.py();
    let x0 = vector(&x0);
    let n = x0.len();
    let pf = PyFunction::new(f, args.clone(), false);
    let pj = jac.map(|j| PyFunction::new(j, args, false));
    let method = match method.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("newton" | "hybr") => SystemMethod::Newton,
        Some("broyden" | "broyden1") => SystemMethod::Broyden,
        Some(other) => {
            return Err(invalid(format!(
                "unknown method '{other}' for a system (known: newton, broyden)"
            )));
        }
    };
    let values = |x: &[f64], out: &mut [f64]| pf.vector_into(x, out, "the function");
    let jacobian = |x: &[f64], out: &mut DMatrix<f64>| {
        if let Some(j) = &pj {
            let mut rows = vec![0.0; n * n];
            j.matrix_into(x, &mut rows, (n, n), "jac");
            *out = DMatrix::from_row_slice(n, n, &rows);
        }
    };
    let system = System {
        n,
        f: &values,
        jacobian: pj
            .as_ref()
            .map(|_| &jacobian as &hessopt::root::JacobianFn<'_>),
    };
    let r = solve_system(&system, &x0, method, &root_options(tol, max_iter)?);
    let r = match pj.as_ref().filter(|j| j.failed()) {
        Some(j) => j.finish(r)?,
        None => pf.finish(r)?,
    };
    root_dict(py, &r)
}
