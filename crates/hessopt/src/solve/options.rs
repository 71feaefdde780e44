//! Settings shared by every method, validated once before a run.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::problem::NanPolicy;

/// Convergence tolerances, limits and policies owned by the driver. Build from the default with
/// the validating `with_*` setters; a run's trace and a callback see every iteration:
///
/// ```
/// use std::time::Duration;
/// use hessopt::{Problem, solve::{minimize, minimize_with_callback, Control, IterationInfo,
///     Method, Options, Termination}};
/// let p = Problem::new(2, |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2));
/// let options = Options::default()
///     .with_g_tol(1e-6)?
///     .with_max_iter(500)?
///     .with_time_limit(Duration::from_secs(10))
///     .with_trace(true);
/// let bfgs = Method::from_name("BFGS")?;
/// let r = minimize(&p, &[-1.2, 1.0], &bfgs, &options)?;
/// assert!(r.converged && r.gradient_norm <= 1e-6);
/// assert_eq!(r.trace.len(), r.iterations + 1); // the start, then every iteration
///
/// // A callback sees each iteration and may stop the run (R's and scipy's callbacks).
/// let mut values = Vec::new();
/// let mut stop_below = |it: &IterationInfo| {
///     values.push(it.value);
///     if it.value < 1.0 { Control::Stop } else { Control::Continue }
/// };
/// let r = minimize_with_callback(&p, &[-1.2, 1.0], &bfgs, &Options::default(),
///                                Some(&mut stop_below))?;
/// assert_eq!(r.termination, Termination::Callback);
/// assert!(!r.converged && r.value < 1.0);
/// assert!(values.len() >= 2 && values.last() == Some(&r.value));
/// // Invalid settings are errors, not silent clamps.
/// assert!(Options::default().with_g_tol(-1.0).is_err());
/// # Ok::<(), hessopt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The first-order certificate: ‖∇f‖∞ ≤ `g_tol` (projected gradient with bounds) at the
    /// returned point ([`crate::solve::certificate`]). Default 1e-8.
    pub g_tol: f64,
    /// Stop when |f_{k−1} − f_k| ≤ `f_tol` · max(|f_{k−1}|, |f_k|) on a step that moved x.
    /// Default 0 (off). A stop, not a certificate: converged only if the first-order test holds
    /// there (else [`crate::solve::Termination::SmallFChange`]). Nelder–Mead's simplex test uses
    /// its own tolerance.
    pub f_tol: f64,
    /// Stop when 0 < ‖x_k − x_{k−1}‖∞ ≤ `x_tol` (rejected trials do not count). Default 0 (off).
    /// Converged only if the first-order test holds there (else
    /// [`crate::solve::Termination::SmallStep`]).
    pub x_tol: f64,
    /// Iteration limit. Default by method, for n variables: 200·n and at least 1000 for BFGS,
    /// DFP, SR1, L-BFGS, L-BFGS-B, Newton, trust region and Brent (scipy's BFGS rule; R's
    /// `maxit = 100` is too few for chained Rosenbrock at n = 400, which L-BFGS solves in about
    /// 2000); 200·n and at least 10 000 for CG; 10 000 for Nelder–Mead (R: 500; its own
    /// tolerance normally stops it long before), SANN (as R) and SGD; 100 000 for gradient descent.
    pub max_iter: Option<usize>,
    /// Limit on f + gradient evaluations, checked before each iteration: the line search of the
    /// last one may go beyond it (BFGS on −x with a limit of 4 extrapolates to 31 f + 31 ∇f).
    /// Default none.
    pub max_evals: Option<usize>,
    /// Wall-clock limit. Default none.
    pub time_limit: Option<Duration>,
    /// What to do with NaN/Inf met during the run.
    pub nan_policy: NanPolicy,
    /// Keep every iterate in the report (for plots and `--trace`).
    pub keep_trace: bool,
    /// Seed of the random number generator of stochastic methods.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            g_tol: 1e-8,
            f_tol: 0.0,
            x_tol: 0.0,
            max_iter: None,
            max_evals: None,
            time_limit: None,
            nan_policy: NanPolicy::BackOff,
            keep_trace: false,
            seed: 42,
        }
    }
}

impl Options {
    /// Sets the gradient tolerance (≥ 0).
    pub fn with_g_tol(mut self, v: f64) -> Result<Self> {
        self.g_tol = non_negative("g_tol", v)?;
        Ok(self)
    }

    /// Sets the relative f-change tolerance (≥ 0).
    pub fn with_f_tol(mut self, v: f64) -> Result<Self> {
        self.f_tol = non_negative("f_tol", v)?;
        Ok(self)
    }

    /// Sets the step tolerance (≥ 0).
    pub fn with_x_tol(mut self, v: f64) -> Result<Self> {
        self.x_tol = non_negative("x_tol", v)?;
        Ok(self)
    }

    /// Sets the iteration limit (≥ 1).
    pub fn with_max_iter(mut self, n: usize) -> Result<Self> {
        if n == 0 {
            return Err(Error::invalid("max_iter", "must be at least 1"));
        }
        self.max_iter = Some(n);
        Ok(self)
    }

    /// Sets the evaluation limit (≥ 1).
    pub fn with_max_evals(mut self, n: usize) -> Result<Self> {
        if n == 0 {
            return Err(Error::invalid("max_evals", "must be at least 1"));
        }
        self.max_evals = Some(n);
        Ok(self)
    }

    /// Sets a wall-clock limit.
    pub fn with_time_limit(mut self, d: Duration) -> Self {
        self.time_limit = Some(d);
        self
    }

    /// Sets the NaN policy.
    pub fn with_nan_policy(mut self, p: NanPolicy) -> Self {
        self.nan_policy = p;
        self
    }

    /// Keeps every iterate in the report.
    pub fn with_trace(mut self, keep: bool) -> Self {
        self.keep_trace = keep;
        self
    }

    /// Seeds stochastic methods.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

fn non_negative(name: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(Error::invalid(
            name,
            format!("{v} is not a finite number ≥ 0"),
        ))
    }
}
