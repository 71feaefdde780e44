//! The Hessian at the optimum and what follows from it: eigenvalues, classification, condition
//! number, covariance H⁻¹ and standard errors √diag(H⁻¹) — what `optim(..., hessian = TRUE)`
//! users compute by hand, done with care.
//!
//! - The Hessian is exact when the problem has one (formulas, dual numbers, user code); otherwise
//!   it comes from the numerical engine ([`crate::diff`]) with its error estimate, from the
//!   gradient when there is one, else from values.
//! - Stationarity is the solvers' own test ([`crate::solve::certificate::is_stationary`], the
//!   projected gradient against `g_tol`), so this never calls "not an optimum" a point a solver
//!   certified with the same tolerance. The gradient is exact when the problem has one, else
//!   numerical — never assumed zero.
//! - With bounds, variables at a bound (or within 1e-6 relative of it with the gradient pushing
//!   outwards) are held fixed and the reduced Hessian on the free ones is analysed; covariance
//!   and standard errors are those of the free variables (a variable on its bound has no
//!   symmetric interval). With no free variable there is no curvature to analyse, and a warning
//!   says so.
//! - The covariance comes from a Cholesky factorization of the (reduced) Hessian, never from an
//!   explicit general inverse; when the Hessian is not positive definite no standard errors are
//!   reported, and a condition number above 1e10 comes with a warning that they are unreliable.

use nalgebra::DMatrix;

use crate::analysis::HessianAnalysis;
use crate::diff::NumDiff;
use crate::error::Result;
use crate::linalg;
use crate::problem::Problem;
use crate::solve::Options;
use crate::solve::certificate::{free_variables, is_stationary};

/// Condition number beyond which standard errors are flagged as unreliable.
pub const UNRELIABLE_CONDITION: f64 = 1e10;

/// The curvature at a point (normally the optimum a run returned).
#[derive(Debug, Clone, PartialEq)]
pub struct OptimumCurvature {
    /// The full n × n Hessian.
    pub hessian: DMatrix<f64>,
    /// The Hessian on the free variables (rows and columns of `hessian` where `free`).
    pub reduced: DMatrix<f64>,
    /// Its estimated error per entry when it is numerical.
    pub error: Option<DMatrix<f64>>,
    /// Variables not held at a bound.
    pub free: Vec<bool>,
    /// Analysis of the reduced Hessian on the free variables.
    pub analysis: HessianAnalysis,
    /// H⁻¹ of the reduced Hessian (free variables, in order), when it is positive definite.
    pub covariance: Option<DMatrix<f64>>,
    /// √diag(H⁻¹) of the free variables, in order, when the reduced Hessian is positive definite.
    pub standard_errors: Option<Vec<f64>>,
    /// Why standard errors are missing or unreliable.
    pub warnings: Vec<String>,
}

/// Computes the Hessian of `problem` at `x` and its consequences (see the module docs), with the
/// default stationarity tolerance ([`Options`]' `g_tol`).
pub fn curvature_at(problem: &Problem<'_>, x: &[f64]) -> Result<OptimumCurvature> {
    curvature_at_tol(problem, x, Options::default().g_tol)
}

/// [`curvature_at`] with the stationarity tolerance of the run that found `x`.
pub fn curvature_at_tol(problem: &Problem<'_>, x: &[f64], g_tol: f64) -> Result<OptimumCurvature> {
    let n = problem.dim();
    crate::Error::check_dim("point", n, x.len())?;
    crate::limits::check_dense(n, n, "Hessian")?;
    let mut h = DMatrix::zeros(n, n);
    let mut error = None;
    let mut g = vec![0.0; n];
    if problem.has_hessian() {
        problem.hessian_into(x, &mut h);
        if problem.has_gradient() {
            problem.gradient_into(x, &mut g);
        } else {
            g = NumDiff::new()
                .gradient(&|p: &[f64]| problem.value(p), x)?
                .gradient;
        }
    } else if problem.has_gradient() {
        let grad = |p: &[f64]| {
            let mut out = vec![0.0; n];
            problem.gradient_into(p, &mut out);
            out
        };
        let est = NumDiff::new().hessian_from_gradient(&grad, x)?;
        h = est.jacobian;
        error = Some(est.error);
        problem.gradient_into(x, &mut g);
    } else {
        let f = |p: &[f64]| problem.value(p);
        let est = NumDiff::new().hessian(&f, x)?;
        h = est.hessian;
        error = Some(est.error);
        g = est.gradient;
    }
    crate::expr::check_finite("Hessian", h.as_slice(), x)?;
    crate::expr::check_finite("gradient", &g, x)?;
    let free = free_variables(x, &g, problem.bounds());
    let idx: Vec<usize> = (0..n).filter(|&i| free[i]).collect();
    let reduced = DMatrix::from_fn(idx.len(), idx.len(), |a, b| h[(idx[a], idx[b])]);
    // An eigenvalue within the Hessian's estimated error counts as zero; stationarity is the
    // solvers' test on the projected gradient.
    let error_norm = error.as_ref().map_or(0.0, |e| e.norm());
    let stationary = is_stationary(x, &g, problem.bounds(), g_tol);
    let analysis = HessianAnalysis::with_error(&reduced, stationary, error_norm);
    let mut warnings = Vec::new();
    let covariance = if idx.is_empty() {
        None
    } else if analysis.definiteness == crate::analysis::Definiteness::PositiveDefinite {
        linalg::cholesky_inverse(&reduced)
    } else {
        None
    };
    if idx.is_empty() {
        warnings.push(
            "every variable is at a bound: no free variables, so no curvature, covariance or standard errors"
                .into(),
        );
    } else if covariance.is_none() {
        warnings.push(format!(
            "the Hessian is not positive definite ({}; eigenvalues {:?}): no standard errors",
            analysis.definiteness.as_str().replace('_', " "),
            analysis.eigenvalues
        ));
    } else if analysis.condition_number > UNRELIABLE_CONDITION {
        warnings.push(format!(
            "the Hessian's condition number is {:.3e}: standard errors are unreliable",
            analysis.condition_number
        ));
    }
    if !analysis.stationary && !idx.is_empty() {
        warnings.push("the gradient is not zero here: this is not an optimum".into());
    }
    let standard_errors = covariance
        .as_ref()
        .map(|c| (0..idx.len()).map(|i| c[(i, i)].sqrt()).collect());
    Ok(OptimumCurvature {
        hessian: h,
        reduced,
        error,
        free,
        analysis,
        covariance,
        standard_errors,
        warnings,
    })
}
