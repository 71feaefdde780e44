//! What a solver sees: an objective with optional derivatives, bounds, and an evaluator that
//! counts every call and applies the NaN policy.
//!
//! A [`Problem`] is a value function plus, optionally, its gradient and Hessian. What is missing
//! comes from exact derivatives (formulas, [`Problem::from_formula`]) or numerical ones: central
//! differences for gradients inside solvers, the extrapolating engine of [`crate::diff`] for
//! Hessians.
//!
//! ```
//! use hessopt::Problem;
//! let p = Problem::new(2, |x: &[f64]| (x[0] - 1.0).powi(2) + 10.0 * x[1].powi(2))
//!     .with_gradient(|x: &[f64], g: &mut [f64]| {
//!         g[0] = 2.0 * (x[0] - 1.0);
//!         g[1] = 20.0 * x[1];
//!     });
//! assert_eq!(p.dim(), 2);
//! assert!(p.has_gradient() && !p.has_hessian());
//! ```

use std::cell::{OnceCell, RefCell};

use nalgebra::DMatrix;
use nalgebra_sparse::pattern::SparsityPattern;

use crate::diff::NumDiff;
use crate::error::{Error, Result};
use crate::expr::{Formula, SparseHessian, SparseWorkspace, Workspace};

pub(crate) type ValueFn<'a> = Box<dyn Fn(&[f64]) -> f64 + 'a>;
pub(crate) type GradientFn<'a> = Box<dyn Fn(&[f64], &mut [f64]) + 'a>;
type HessianFn<'a> = Box<dyn Fn(&[f64], &mut DMatrix<f64>) + 'a>;
type SparseValuesFn<'a> = Box<dyn Fn(&[f64], &mut [f64]) + 'a>;
type SparseBuildFn<'a> = Box<dyn Fn() -> Result<SparseSource<'a>> + 'a>;

/// A sparse Hessian: its symmetric pattern (both triangles) and a function writing the values
/// in the pattern's order.
pub(crate) struct SparseSource<'a> {
    pub(crate) pattern: SparsityPattern,
    values: SparseValuesFn<'a>,
}

impl<'a> SparseSource<'a> {
    fn negated(self) -> Self {
        let values = self.values;
        SparseSource {
            pattern: self.pattern,
            values: Box::new(move |x: &[f64], out: &mut [f64]| {
                values(x, out);
                out.iter_mut().for_each(|v| *v = -*v);
            }),
        }
    }
}

/// An objective function with optional derivatives and bounds.
pub struct Problem<'a> {
    dim: usize,
    value: ValueFn<'a>,
    gradient: Option<GradientFn<'a>>,
    hessian: Option<HessianFn<'a>>,
    lower: Option<Vec<f64>>,
    upper: Option<Vec<f64>>,
    exact: bool,
    /// The sparse Hessian, once built (given, or from `sparse_build` on first use).
    sparse: OnceCell<SparseSource<'a>>,
    /// Builds the sparse Hessian on first use (a formula's pattern and coloring).
    sparse_build: Option<SparseBuildFn<'a>>,
}

impl std::fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem")
            .field("dim", &self.dim)
            .field("gradient", &self.gradient.is_some())
            .field("hessian", &self.hessian.is_some())
            .field("sparse_hessian", &self.has_sparse_hessian())
            .field("bounded", &self.lower.is_some())
            .finish()
    }
}

impl<'a> Problem<'a> {
    /// A problem of `dim` variables given by its value only.
    pub fn new(dim: usize, f: impl Fn(&[f64]) -> f64 + 'a) -> Self {
        Problem {
            dim,
            value: Box::new(f),
            gradient: None,
            hessian: None,
            lower: None,
            upper: None,
            exact: false,
            sparse: OnceCell::new(),
            sparse_build: None,
        }
    }

    /// Adds the gradient: `g(x, out)` writes ∇f(x) into `out`.
    pub fn with_gradient(mut self, g: impl Fn(&[f64], &mut [f64]) + 'a) -> Self {
        self.gradient = Some(Box::new(g));
        self
    }

    /// Adds the Hessian: `h(x, out)` writes ∇²f(x) into the n × n matrix `out`.
    pub fn with_hessian(mut self, h: impl Fn(&[f64], &mut DMatrix<f64>) + 'a) -> Self {
        self.hessian = Some(Box::new(h));
        self
    }

    /// Adds a sparse Hessian: `pattern` is its symmetric n × n pattern with both triangles
    /// stored, `h(x, values)` writes ∇²f(x)'s entries in the pattern's order (column by column).
    /// Newton and the trust region use it through a sparse Cholesky at large n (see
    /// [`crate::solve::HessianStorage`]).
    ///
    /// ```
    /// use hessopt::Problem;
    /// use hessopt::diff::coloring::symmetric_pattern;
    /// // f = Σ x_i⁴: a diagonal Hessian 12 x_i².
    /// let n = 3;
    /// let pattern = symmetric_pattern(n, &[(0, 0), (1, 1), (2, 2)])?;
    /// let p = Problem::new(n, |x: &[f64]| x.iter().map(|v| v.powi(4)).sum())
    ///     .with_sparse_hessian(pattern, |x: &[f64], h: &mut [f64]| {
    ///         for (h, x) in h.iter_mut().zip(x) { *h = 12.0 * x * x; }
    ///     })?;
    /// assert!(p.has_sparse_hessian());
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn with_sparse_hessian(
        mut self,
        pattern: SparsityPattern,
        h: impl Fn(&[f64], &mut [f64]) + 'a,
    ) -> Result<Self> {
        Error::check_dim("sparse Hessian columns", self.dim, pattern.major_dim())?;
        Error::check_dim("sparse Hessian rows", self.dim, pattern.minor_dim())?;
        if pattern.transpose() != pattern {
            return Err(Error::invalid(
                "sparse Hessian",
                "the pattern is not symmetric (store both triangles)",
            ));
        }
        self.sparse = OnceCell::from(SparseSource {
            pattern,
            values: Box::new(h),
        });
        self.sparse_build = None;
        Ok(self)
    }

    /// Box constraints lower ≤ x ≤ upper (use ±∞ for free sides). Methods that take bounds:
    /// L-BFGS-B and Brent (one variable); the others refuse a bounded problem.
    ///
    /// ```
    /// use hessopt::{Problem, solve::{minimize, Method, Options}};
    /// // min (x − 3)² + (y + 1)² on 0 ≤ x ≤ 2, y ≥ 0: the corner (2, 0), where the gradient
    /// // (−2, 2) points out of the box — a projected-gradient certificate.
    /// let p = Problem::new(2, |x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] + 1.0).powi(2))
    ///     .with_bounds(vec![0.0, 0.0], vec![2.0, f64::INFINITY])?;
    /// let r = minimize(&p, &[1.0, 1.0], &Method::from_name("L-BFGS-B")?, &Options::default())?;
    /// assert!(r.converged);
    /// assert_eq!(r.x, vec![2.0, 0.0]);
    /// // A bound that cannot hold is an error naming it.
    /// let bad = Problem::new(1, |x: &[f64]| x[0]).with_bounds(vec![1.0], vec![0.0]);
    /// assert!(bad.unwrap_err().to_string().contains("lower"));
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn with_bounds(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Result<Self> {
        Error::check_dim("lower bounds", self.dim, lower.len())?;
        check_box(&lower, &upper)?;
        self.lower = Some(lower);
        self.upper = Some(upper);
        Ok(self)
    }

    /// A formula with its exact gradient and Hessian from the tape.
    pub fn from_formula(formula: &'a Formula) -> Self {
        let ws = RefCell::new(Workspace::default());
        let ws_g = RefCell::new(Workspace::default());
        let ws_h = RefCell::new((Workspace::default(), Vec::new(), Vec::new()));
        let n = formula.dim();
        let mut p = Problem::new(n, move |x: &[f64]| {
            formula
                .value_with(x, &mut ws.borrow_mut())
                .unwrap_or(f64::NAN)
        })
        .with_gradient(move |x: &[f64], g: &mut [f64]| {
            if formula.gradient_with(x, &mut ws_g.borrow_mut(), g).is_err() {
                g.fill(f64::NAN);
            }
        })
        .with_hessian(move |x: &[f64], h: &mut DMatrix<f64>| {
            let mut guard = ws_h.borrow_mut();
            let (ws, g, buf) = &mut *guard;
            g.resize(n, 0.0);
            buf.resize(n * n, 0.0);
            if formula.hessian_with(x, ws, g, buf).is_err() {
                h.fill(f64::NAN);
                return;
            }
            // The tape's Hessian is symmetric, so row-major and column-major agree.
            h.as_mut_slice().copy_from_slice(buf);
        });
        p.exact = true;
        p.sparse_build = Some(Box::new(move || {
            let plan = SparseHessian::new(formula.clone())?;
            let ws = RefCell::new((SparseWorkspace::default(), vec![0.0; n]));
            Ok(SparseSource {
                pattern: plan.pattern().clone(),
                values: Box::new(move |x: &[f64], out: &mut [f64]| {
                    let (ws, g) = &mut *ws.borrow_mut();
                    if plan.evaluate(x, ws, g, out).is_err() {
                        out.fill(f64::NAN);
                    }
                }),
            })
        }));
        p
    }

    /// −f with −∇f and −∇²f, same bounds: maximizing f is minimizing this (R's `fnscale = -1`).
    /// A report's `value` is then −max f.
    ///
    /// ```
    /// use hessopt::{Problem, solve::{minimize, Method, Options}};
    /// // Maximize the log-likelihood-like f(x) = −(x − 3)² + 5.
    /// let f = |x: &[f64]| 5.0 - (x[0] - 3.0).powi(2);
    /// let r = minimize(&Problem::new(1, f).negated(), &[0.0], &Method::from_name("bfgs")?,
    ///     &Options::default())?;
    /// assert!((r.x[0] - 3.0).abs() < 1e-6 && (-r.value - 5.0).abs() < 1e-12);
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn negated(self) -> Self {
        let Problem {
            dim,
            value,
            gradient,
            hessian,
            lower,
            upper,
            exact,
            sparse,
            sparse_build,
        } = self;
        Problem {
            dim,
            value: Box::new(move |x: &[f64]| -value(x)),
            gradient: gradient.map(|g| -> GradientFn<'a> {
                Box::new(move |x: &[f64], out: &mut [f64]| {
                    g(x, out);
                    out.iter_mut().for_each(|v| *v = -*v);
                })
            }),
            hessian: hessian.map(|h| -> HessianFn<'a> {
                Box::new(move |x: &[f64], out: &mut DMatrix<f64>| {
                    h(x, out);
                    out.neg_mut();
                })
            }),
            lower,
            upper,
            exact,
            sparse: sparse
                .into_inner()
                .map_or_else(OnceCell::new, |s| OnceCell::from(s.negated())),
            sparse_build: sparse_build
                .map(|b| -> SparseBuildFn<'a> { Box::new(move || b().map(SparseSource::negated)) }),
        }
    }

    /// Number of variables.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Whether a gradient was given (or is exact from a formula).
    pub fn has_gradient(&self) -> bool {
        self.gradient.is_some()
    }

    /// Whether a Hessian was given (or is exact from a formula).
    pub fn has_hessian(&self) -> bool {
        self.hessian.is_some()
    }

    /// Whether a sparse Hessian was given ([`Problem::with_sparse_hessian`]) or can be built
    /// (formulas: the pattern read off the tape, built on first use).
    pub fn has_sparse_hessian(&self) -> bool {
        self.sparse.get().is_some() || self.sparse_build.is_some()
    }

    /// The sparse Hessian's pattern (built on first call for a formula); `None` when the problem
    /// has no sparse Hessian.
    pub fn sparse_hessian_pattern(&self) -> Result<Option<&SparsityPattern>> {
        Ok(self.sparse_source()?.map(|s| &s.pattern))
    }

    /// Whether the sparse Hessian has been built already (no cost to use it).
    pub(crate) fn sparse_built(&self) -> bool {
        self.sparse.get().is_some()
    }

    pub(crate) fn sparse_source(&self) -> Result<Option<&SparseSource<'a>>> {
        if let Some(s) = self.sparse.get() {
            return Ok(Some(s));
        }
        let Some(build) = &self.sparse_build else {
            return Ok(None);
        };
        let built = build()?;
        Ok(Some(self.sparse.get_or_init(|| built)))
    }

    /// Whether the derivatives are exact (formula tape).
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The bounds, if any.
    pub fn bounds(&self) -> Option<(&[f64], &[f64])> {
        match (&self.lower, &self.upper) {
            (Some(l), Some(u)) => Some((l, u)),
            _ => None,
        }
    }

    /// f(x), uncounted (for reporting and tests).
    pub fn value(&self, x: &[f64]) -> f64 {
        (self.value)(x)
    }

    /// ∇f(x) into `g` when a gradient was given (uncounted); leaves `g` unchanged otherwise.
    pub fn gradient_into(&self, x: &[f64], g: &mut [f64]) {
        if let Some(grad) = &self.gradient {
            grad(x, g);
        }
    }

    /// ∇²f(x) into `h` when a Hessian was given (uncounted); leaves `h` unchanged otherwise.
    pub fn hessian_into(&self, x: &[f64], h: &mut DMatrix<f64>) {
        if let Some(hess) = &self.hessian {
            hess(x, h);
        }
    }
}

/// What to do with a NaN or infinite value met during a run (a non-finite value at the start is
/// always an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum NanPolicy {
    /// Line searches and trust regions treat the point as too far, back off, and count it.
    #[default]
    BackOff,
    /// Stop at once with [`Error::NonFinite`].
    Fail,
}

/// Calls made so far, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counts {
    /// Value evaluations (including those spent on numerical derivatives).
    pub f: usize,
    /// Gradient evaluations.
    pub gradient: usize,
    /// Hessian evaluations.
    pub hessian: usize,
    /// Trial points whose value or gradient was not finite (backed off from).
    pub non_finite: usize,
}

/// Counting evaluator used by every solver.
pub(crate) struct Evaluator<'p, 'a> {
    pub(crate) problem: &'p Problem<'a>,
    pub(crate) counts: Counts,
    policy: NanPolicy,
    /// What the last non-finite evaluation was ("value", "gradient", "Hessian").
    pub(crate) last_non_finite: Option<&'static str>,
}

impl<'p, 'a> Evaluator<'p, 'a> {
    pub(crate) fn new(problem: &'p Problem<'a>, policy: NanPolicy) -> Self {
        Evaluator {
            problem,
            counts: Counts::default(),
            policy,
            last_non_finite: None,
        }
    }

    pub(crate) fn dim(&self) -> usize {
        self.problem.dim
    }

    fn check(&mut self, ok: bool, x: &[f64], what: &'static str) -> Result<()> {
        if ok {
            return Ok(());
        }
        self.counts.non_finite += 1;
        self.last_non_finite = Some(what);
        match self.policy {
            NanPolicy::BackOff => Ok(()),
            NanPolicy::Fail => Err(Error::NonFinite {
                what: what.to_string(),
                at: x.to_vec(),
            }),
        }
    }

    /// f(x); NaN/Inf is returned as is under `BackOff` (and counted).
    pub(crate) fn value(&mut self, x: &[f64]) -> Result<f64> {
        self.counts.f += 1;
        let v = (self.problem.value)(x);
        self.check(v.is_finite(), x, "value")?;
        Ok(v)
    }

    /// f(x) and ∇f(x) into `g` (numerical central differences when no gradient was given).
    pub(crate) fn value_grad(&mut self, x: &[f64], g: &mut [f64]) -> Result<f64> {
        let f = self.value(x)?;
        match &self.problem.gradient {
            Some(grad) => {
                self.counts.gradient += 1;
                grad(x, g);
            }
            None => self.central_gradient(x, f, g),
        }
        let ok = g.iter().all(|v| v.is_finite());
        self.check(ok || !f.is_finite(), x, "gradient")?;
        if !ok {
            return Ok(f64::NAN);
        }
        Ok(f)
    }

    /// Central differences ([`crate::diff::central_differences`]): 2n values.
    fn central_gradient(&mut self, x: &[f64], f0: f64, g: &mut [f64]) {
        let value = &self.problem.value;
        crate::diff::central_differences(x, &[f0], |p, out| out[0] = value(p), g);
        self.counts.f += 2 * x.len();
    }

    /// ∇²f(x) into `h`: exact if given (dense, or a sparse one already built, written out);
    /// else central differences of the gradient, or the extrapolating value-only engine.
    pub(crate) fn hessian(&mut self, x: &[f64], h: &mut DMatrix<f64>) -> Result<()> {
        self.counts.hessian += 1;
        if let Some(hess) = &self.problem.hessian {
            hess(x, h);
        } else if let Some(s) = self.problem.sparse.get() {
            let mut values = vec![0.0; s.pattern.nnz()];
            (s.values)(x, &mut values);
            h.fill(0.0);
            let offsets = s.pattern.major_offsets();
            for j in 0..s.pattern.major_dim() {
                for p in offsets[j]..offsets[j + 1] {
                    h[(s.pattern.minor_indices()[p], j)] = values[p];
                }
            }
        } else if let Some(grad) = &self.problem.gradient {
            let n = self.dim();
            let g = |p: &[f64]| {
                let mut out = vec![0.0; n];
                grad(p, &mut out);
                out
            };
            let est = NumDiff::new().hessian_from_gradient(&g, x)?;
            self.counts.gradient += est.evaluations;
            h.copy_from(&est.jacobian);
        } else {
            let est = NumDiff::new().hessian(&*self.problem.value, x)?;
            self.counts.f += est.evaluations;
            h.copy_from(&est.hessian);
        }
        let ok = h.iter().all(|v| v.is_finite());
        self.check(ok, x, "Hessian")
    }

    /// The sparse Hessian's values at x (in its pattern's order) into `values`; an error when
    /// the problem has none.
    pub(crate) fn sparse_hessian(&mut self, x: &[f64], values: &mut [f64]) -> Result<()> {
        self.counts.hessian += 1;
        let source = self
            .problem
            .sparse_source()?
            .ok_or_else(|| Error::invalid("sparse Hessian", "the problem has none"))?;
        (source.values)(x, values);
        let ok = values.iter().all(|v| v.is_finite());
        self.check(ok, x, "Hessian")
    }
}

/// Checks a box lower ≤ x ≤ upper of equal lengths: no NaN bound, no lower above its upper.
pub(crate) fn check_box(lower: &[f64], upper: &[f64]) -> Result<()> {
    Error::check_dim("upper bounds", lower.len(), upper.len())?;
    match (0..lower.len()).find(|&i| lower[i].is_nan() || upper[i].is_nan() || lower[i] > upper[i])
    {
        None => Ok(()),
        Some(i) if lower[i].is_nan() || upper[i].is_nan() => Err(Error::invalid(
            "bounds",
            format!("bound {i} is NaN (lower {}, upper {})", lower[i], upper[i]),
        )),
        Some(i) => Err(Error::invalid(
            "bounds",
            format!("lower[{i}] = {} > upper[{i}] = {}", lower[i], upper[i]),
        )),
    }
}
