//! `minimize`: a Python function or a `Formula`, with scipy's conventions (see
//! `python/hessopt/_optimize.py` for the argument normalization).

use std::cell::RefCell;
use std::time::Duration;

use nalgebra::DMatrix;
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use hessopt::solve::{
    AugmentedLagrangian, Constraint, Control, IterationInfo, Kind, Method, Options, Report,
    Termination, curvature_at, minimize_constrained_with_callback, minimize_with_callback,
    parse_constraint,
};
use hessopt::{Formula, Problem};

use crate::analysis::analysis_dict;
use crate::blackbox::PyFunction;
use crate::convert::{array1, array2, vector};
use crate::formula::PyFormula;
use crate::signals::detached_interruptible;
use crate::{invalid, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(minimize, m)?)
}

/// scipy's `success`, `status` and `message`, and hessopt's `termination` and `converged`.
pub(crate) fn termination_items(
    d: &Bound<'_, PyDict>,
    t: Termination,
    converged: bool,
) -> PyResult<()> {
    d.set_item("success", converged)?;
    d.set_item("status", status(t, converged))?;
    d.set_item("message", message(t, converged))?;
    d.set_item("termination", t.as_str())?;
    d.set_item("converged", converged)
}

/// scipy's `status`: 0 a certificate held, 1 a limit was reached, 2 any other stop.
fn status(t: Termination, converged: bool) -> u8 {
    match t {
        _ if converged => 0,
        Termination::MaxIterations | Termination::MaxEvaluations | Termination::TimeLimit => 1,
        _ => 2,
    }
}

fn message(t: Termination, converged: bool) -> String {
    if converged {
        format!("converged ({t})")
    } else {
        format!("not converged: stopped by {t}")
    }
}

/// Options from the normalized dict (hessopt's names; `_optimize.py` maps scipy's and R's).
fn options(tol: Option<f64>, opts: &Bound<'_, PyDict>) -> PyResult<Options> {
    let mut o = Options::default();
    if let Some(t) = tol {
        o = o.with_g_tol(t).map_err(to_py)?;
    }
    for (k, v) in opts.iter() {
        let key: String = k.extract()?;
        let number = || option_value::<f64>(&key, &v, "a number");
        let count = || option_value::<usize>(&key, &v, "a non-negative integer");
        o = match key.as_str() {
            "g_tol" => o.with_g_tol(number()?),
            "f_tol" => o.with_f_tol(number()?),
            "x_tol" => o.with_x_tol(number()?),
            "max_iter" => o.with_max_iter(count()?),
            "max_evals" => o.with_max_evals(count()?),
            "time_limit" => {
                let seconds = number()?;
                let d = Duration::try_from_secs_f64(seconds).map_err(|_| {
                    invalid(format!(
                        "option 'time_limit' must be a non-negative number of seconds, got {seconds}"
                    ))
                })?;
                Ok(o.with_time_limit(d))
            }
            "seed" => Ok(o.with_seed(option_value(&key, &v, "a non-negative integer")?)),
            // Nelder–Mead's own tests (`simplex_tolerances`).
            "x_atol" | "f_atol" => Ok(o),
            other => return Err(invalid(format!("invalid option '{other}'"))),
        }
        .map_err(to_py)?;
    }
    Ok(o)
}

/// Nelder–Mead's simplex test from the options: scipy's `xatol`/`fatol` (either alone takes
/// scipy's default 1e-4 for the other) or R's `reltol` (`f_tol`, then not the driver's
/// f-change test). `xatol`/`fatol` with another method are an error.
fn simplex_tolerances(
    method: Method,
    options: &mut Options,
    opts: &Bound<'_, PyDict>,
) -> PyResult<Method> {
    let get = |key: &str| -> PyResult<Option<f64>> {
        match opts.get_item(key)? {
            Some(v) => option_value::<f64>(key, &v, "a number").map(Some),
            None => Ok(None),
        }
    };
    let (x_atol, f_atol) = (get("x_atol")?, get("f_atol")?);
    match method {
        Method::NelderMead(mut nm) => {
            if options.f_tol > 0.0 {
                nm = nm.with_f_tol(options.f_tol).map_err(to_py)?;
                options.f_tol = 0.0;
            }
            if x_atol.is_some() || f_atol.is_some() {
                nm = nm
                    .with_absolute_tolerances(x_atol.unwrap_or(1e-4), f_atol.unwrap_or(1e-4))
                    .map_err(to_py)?;
            }
            Ok(Method::NelderMead(nm))
        }
        other if x_atol.is_some() || f_atol.is_some() => Err(invalid(format!(
            "options 'xatol' and 'fatol' are Nelder-Mead's, not {}'s",
            other.name()
        ))),
        other => Ok(other),
    }
}

/// An option's value as `T`; a value of another type is an error naming the option.
fn option_value<'py, T: for<'a> FromPyObject<'a, 'py>>(
    key: &str,
    v: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<T> {
    v.extract().map_err(|_| {
        let shown = v.repr().map_or_else(|_| "?".into(), |r| r.to_string());
        invalid(format!("option '{key}' must be {what}, got {shown}"))
    })
}

/// The last (x, f, g) of a function that returns (f, g), in buffers reused from call to call
/// (no allocation per evaluation at n = 10⁶).
#[derive(Default)]
struct Memo {
    x: Vec<f64>,
    f: f64,
    g: Vec<f64>,
    /// Whether the buffers hold a call's result.
    filled: bool,
}

/// A constraint as normalized in Python: ("formula", text, None) or (kind, callable, jac).
type ConstraintSpec<'py> = (String, Bound<'py, PyAny>, Option<Bound<'py, PyAny>>);

/// The objective: a formula, or a Python function with optional derivatives.
struct Objective<'py> {
    f: PyFunction<'py>,
    /// `jac=True`: f returns (value, gradient); the last pair is kept for the gradient call.
    with_gradient: bool,
    memo: RefCell<Memo>,
    jac: Option<PyFunction<'py>>,
    hess: Option<PyFunction<'py>>,
}

impl Objective<'_> {
    /// Calls a function that returns (f, g) once per point: the pair is kept in the memo, and
    /// `use_it` reads it.
    fn pair<T>(&self, x: &[f64], use_it: impl FnOnce(&Memo) -> T) -> T {
        let mut memo = self.memo.borrow_mut();
        if !(memo.filled && memo.x == x) {
            let Memo {
                x: mx,
                f,
                g,
                filled,
            } = &mut *memo;
            mx.clear();
            mx.extend_from_slice(x);
            g.resize(x.len(), f64::NAN);
            *f = self.f.pair_into(x, g).unwrap_or_else(|| {
                g.fill(f64::NAN);
                f64::NAN
            });
            *filled = true;
        }
        use_it(&memo)
    }

    fn failed(&self) -> bool {
        self.f.failed()
            || self.jac.as_ref().is_some_and(PyFunction::failed)
            || self.hess.as_ref().is_some_and(PyFunction::failed)
    }

    fn problem(&self, n: usize) -> Problem<'_> {
        let mut p = if self.with_gradient {
            Problem::new(n, move |x: &[f64]| self.pair(x, |m| m.f)).with_gradient(
                move |x: &[f64], g: &mut [f64]| self.pair(x, |m| g.copy_from_slice(&m.g)),
            )
        } else {
            Problem::new(n, move |x: &[f64]| self.f.scalar(x))
        };
        if let Some(j) = &self.jac {
            p = p.with_gradient(move |x: &[f64], g: &mut [f64]| j.vector_into(x, g, "jac"));
        }
        if let Some(h) = &self.hess {
            p = p.with_hessian(move |x: &[f64], out: &mut DMatrix<f64>| {
                let n = out.nrows();
                h.matrix_into(x, out.as_mut_slice(), (n, n), "hess");
            });
        }
        p
    }

    fn finish<T>(&self, r: hessopt::Result<T>) -> PyResult<T> {
        for pf in [Some(&self.f), self.jac.as_ref(), self.hess.as_ref()]
            .into_iter()
            .flatten()
        {
            if pf.failed() {
                return pf.finish(r);
            }
        }
        r.map_err(to_py)
    }
}

/// Splits the constraints into formulas and Python functions.
fn constraints<'a, 'py>(
    specs: &'a [ConstraintSpec<'py>],
    vars: &[&str],
    formulas: &'a mut Vec<(Formula, Kind)>,
    functions: &'a mut Vec<(Kind, PyFunction<'py>, Option<PyFunction<'py>>)>,
) -> PyResult<()> {
    for (kind, spec, jac) in specs {
        let empty = PyTuple::empty(spec.py());
        match kind.as_str() {
            "formula" => {
                formulas.push(parse_constraint(&spec.extract::<String>()?, vars).map_err(to_py)?)
            }
            "eq" | "ineq" => functions.push((
                if kind == "eq" {
                    Kind::Equal
                } else {
                    Kind::AtLeastZero
                },
                PyFunction::new(spec.clone(), empty.clone(), false),
                jac.as_ref()
                    .map(|j| PyFunction::new(j.clone(), empty.clone(), false)),
            )),
            other => {
                return Err(invalid(format!(
                    "constraint kind '{other}' is not 'eq' or 'ineq'"
                )));
            }
        }
    }
    Ok(())
}

/// Minimizes a formula with the GIL released (no Python call inside the run), Ctrl-C checked
/// now and then.
fn minimize_detached(
    py: Python<'_>,
    formula: &Formula,
    bounds: Option<(Vec<f64>, Vec<f64>)>,
    x0: &[f64],
    method: &Method,
    options: &Options,
) -> PyResult<hessopt::Result<Report>> {
    detached_interruptible(py, |cb| {
        let mut problem = Problem::from_formula(formula);
        if let Some((lo, hi)) = bounds {
            problem = problem.with_bounds(lo, hi)?;
        }
        minimize_with_callback(&problem, x0, method, options, Some(cb))
    })
}

/// Minimizes (see `hessopt.minimize`).
#[pyfunction]
#[pyo3(signature = (fun, x0, args, method, jac, hess, lower, upper, constraints_, hessian, tol, opts, callback, vars))]
#[allow(clippy::too_many_arguments)]
fn minimize<'py>(
    fun: Bound<'py, PyAny>,
    x0: PyReadonlyArray1<'py, f64>,
    args: Bound<'py, PyTuple>,
    method: Option<String>,
    jac: Option<Bound<'py, PyAny>>,
    hess: Option<Bound<'py, PyAny>>,
    lower: Option<PyReadonlyArray1<'py, f64>>,
    upper: Option<PyReadonlyArray1<'py, f64>>,
    constraints_: Vec<ConstraintSpec<'py>>,
    hessian: bool,
    tol: Option<f64>,
    opts: Bound<'py, PyDict>,
    callback: Option<Bound<'py, PyAny>>,
    vars: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = fun.py();
    let x0 = vector(&x0);
    let n = x0.len();
    let mut options = options(tol, &opts)?;
    let formula = fun.cast::<PyFormula>().ok().map(|f| f.get());
    let empty = PyTuple::empty(py);
    let objective = Objective {
        f: PyFunction::new(fun.clone(), args.clone(), false),
        with_gradient: jac
            .as_ref()
            .is_some_and(|j| j.is_truthy().unwrap_or(false) && !j.is_callable()),
        memo: RefCell::default(),
        jac: jac
            .filter(|j| j.is_callable())
            .map(|j| PyFunction::new(j, args.clone(), false)),
        hess: hess.map(|h| PyFunction::new(h, args.clone(), false)),
    };
    let mut problem = match formula {
        Some(f) => {
            hessopt::Error::check_dim("x0", f.formula.dim(), n).map_err(to_py)?;
            Problem::from_formula(&f.formula)
        }
        None => objective.problem(n),
    };
    if let (Some(lo), Some(hi)) = (&lower, &upper) {
        problem = problem.with_bounds(vector(lo), vector(hi)).map_err(to_py)?;
    }
    // Variable names for constraint formulas: the formula's, the caller's, else x0, x1, ...
    let names: Vec<String> = match (formula, vars) {
        (Some(f), _) => f.formula.vars().to_vec(),
        (None, Some(v)) => v,
        (None, None) => (0..n).map(|i| format!("x{i}")).collect(),
    };
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (mut formulas, mut functions) = (Vec::new(), Vec::new());
    constraints(&constraints_, &name_refs, &mut formulas, &mut functions)?;
    let out = PyDict::new(py);

    if formulas.is_empty() && functions.is_empty() {
        let method = match method {
            Some(m) => Method::from_name(&m).map_err(to_py)?,
            None => Method::default_for(&problem),
        };
        let method = simplex_tolerances(method, &mut options, &opts)?;
        let r = match (formula, callback) {
            // No Python inside the run: without the GIL, Ctrl-C checked now and then.
            (Some(f), None) => {
                let bounds = lower.as_ref().zip(upper.as_ref());
                let bounds = bounds.map(|(lo, hi)| (vector(lo), vector(hi)));
                minimize_detached(py, &f.formula, bounds, &x0, &method, &options)?
            }
            (_, callback) => {
                let user_callback = callback.map(|c| PyFunction::new(c, empty.clone(), false));
                // Ctrl-C is checked each iteration besides before every Python call, and a
                // pending exception stops the run (the bridge answers NaN from then on).
                let interrupted = RefCell::new(None);
                let mut cb = |info: &IterationInfo| -> Control {
                    if objective.failed() {
                        return Control::Stop;
                    }
                    if let Err(e) = py.check_signals() {
                        *interrupted.borrow_mut() = Some(e);
                        return Control::Stop;
                    }
                    match &user_callback {
                        Some(c) if c.stop_requested(&info.x, info.value, info.iteration) => {
                            Control::Stop
                        }
                        _ => Control::Continue,
                    }
                };
                let r = minimize_with_callback(&problem, &x0, &method, &options, Some(&mut cb));
                if let Some(e) = interrupted.into_inner() {
                    return Err(e);
                }
                if let Some(c) = user_callback.as_ref().filter(|c| c.failed()) {
                    return c.finish(r).map(|_| out);
                }
                r
            }
        };
        let r = objective.finish(r)?;
        out.set_item("x", array1(py, &r.x))?;
        out.set_item("fun", r.value)?;
        out.set_item("jac", r.gradient.as_ref().map(|g| array1(py, g)))?;
        out.set_item("nfev", r.evaluations.f)?;
        out.set_item("njev", r.evaluations.gradient)?;
        out.set_item("nhev", r.evaluations.hessian)?;
        out.set_item("nit", r.iterations)?;
        termination_items(&out, r.termination, r.converged)?;
        out.set_item("method", r.method.as_str())?;
        out.set_item("gradient_norm", r.gradient_norm)?;
        out.set_item("notes", r.notes.clone())?;
        if hessian {
            let c = objective.finish(curvature_at(&problem, &r.x))?;
            out.set_item("hess", array2(py, &c.hessian))?;
            out.set_item("hess_error", c.error.as_ref().map(|e| array2(py, e)))?;
            out.set_item("cov", c.covariance.as_ref().map(|e| array2(py, e)))?;
            out.set_item("se", c.standard_errors.as_ref().map(|e| array1(py, e)))?;
            let a = analysis_dict(py, &c.analysis)?;
            out.update(a.as_mapping())?;
            out.set_item("free", c.free.clone())?;
            out.set_item("warnings", c.warnings.clone())?;
        }
        return Ok(out);
    }

    if method
        .as_deref()
        .is_some_and(|m| m != "augmented-lagrangian")
    {
        return Err(invalid(
            "with constraints the method is the augmented Lagrangian (method=None or 'augmented-lagrangian')",
        ));
    }
    if hessian {
        return Err(invalid("hessian=True is not available with constraints"));
    }
    if opts.contains("x_atol")? || opts.contains("f_atol")? {
        return Err(invalid(
            "options 'xatol' and 'fatol' are Nelder-Mead's, not the augmented Lagrangian's",
        ));
    }
    let mut cs: Vec<Constraint<'_>> = formulas
        .iter()
        .map(|(f, k)| Constraint::from_formula(*k, f))
        .collect();
    // Without a jac, the library's gradient of the constraint (central differences).
    for (k, (kind, f, j)) in functions.iter().enumerate() {
        let c = Constraint::new(
            *kind,
            format!("constraint {k} (a Python function)"),
            move |x| f.scalar(x),
        );
        cs.push(match j {
            Some(j) => c.with_gradient(move |x: &[f64], g: &mut [f64]| {
                j.vector_into(x, g, "constraint jac")
            }),
            None => c,
        });
    }
    // Per outer iteration: Ctrl-C (a run on formulas makes no Python call) and the user's
    // callback(x, f, iteration) -> stop.
    let user_callback = callback.map(|c| PyFunction::new(c, empty.clone(), false));
    let interrupted = RefCell::new(None);
    let mut cb = |info: &IterationInfo| -> Control {
        if let Err(e) = py.check_signals() {
            *interrupted.borrow_mut() = Some(e);
            return Control::Stop;
        }
        match &user_callback {
            Some(c) if c.stop_requested(&info.x, info.value, info.iteration) => Control::Stop,
            _ => Control::Continue,
        }
    };
    let r = minimize_constrained_with_callback(
        &problem,
        &cs,
        &x0,
        &AugmentedLagrangian::default(),
        &options,
        Some(&mut cb),
    );
    if let Some(e) = interrupted.into_inner() {
        return Err(e);
    }
    if let Some(c) = user_callback.as_ref().filter(|c| c.failed()) {
        return c.finish(r).map(|_| out);
    }
    for (_, f, j) in &functions {
        if f.failed() {
            return f.finish(r).map(|_| out);
        }
        if let Some(j) = j.as_ref().filter(|j| j.failed()) {
            return j.finish(r).map(|_| out);
        }
    }
    let r = objective.finish(r)?;
    out.set_item("x", array1(py, &r.x))?;
    out.set_item("fun", r.value)?;
    out.set_item("nfev", r.evaluations.f)?;
    out.set_item("njev", r.evaluations.gradient)?;
    out.set_item("nhev", r.evaluations.hessian)?;
    out.set_item("nit", r.outer_iterations)?;
    out.set_item("inner_iterations", r.inner_iterations)?;
    termination_items(&out, r.termination, r.converged)?;
    out.set_item("method", "augmented-lagrangian")?;
    out.set_item("multipliers", array1(py, &r.multipliers))?;
    out.set_item("max_violation", r.max_violation)?;
    out.set_item("constraint_scales", r.constraint_scales.clone())?;
    let kkt = PyDict::new(py);
    kkt.set_item("stationarity", r.kkt.stationarity)?;
    kkt.set_item("feasibility", r.kkt.feasibility)?;
    kkt.set_item("complementarity", r.kkt.complementarity)?;
    out.set_item("kkt", kkt)?;
    Ok(out)
}
