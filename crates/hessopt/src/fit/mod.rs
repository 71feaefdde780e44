//! Model fitting on data tables, as R users do with optim / nls / glm: a per-row formula in column
//! names and parameters, summed over the rows with exact derivatives from one tape (parsed once,
//! never per row), minimized, and summarized with standard errors.
//!
//! - [`Objective::NegLogLik`]: maximum likelihood. The formula is one row's negative
//!   log-likelihood; standard errors from the observed information, the inverse Hessian of the
//!   summed negative log-likelihood; z statistics, normal p-values and Wald 95% intervals;
//!   AIC = 2·value + 2p (constants left out of the formula shift it). A likelihood without a
//!   finite maximum (perfectly separated logistic data, `-log(a)`) is reported as
//!   [`Termination::Unbounded`], not converged, without standard errors (`finite.rs`).
//! - [`Objective::Residual`]: nonlinear least squares as R's `nls`, solved by Levenberg–Marquardt.
//!   The formula is one row's residual; σ² = RSS / (n − p), covariance σ² (JᵀJ)⁻¹ (as `nls`),
//!   t statistics with n − p degrees of freedom; AIC as R's `AIC(nls)`:
//!   n (log 2π + 1 + log(RSS/n)) + 2(p + 1). Parameters that run to ±∞ while the residual sum
//!   falls or levels off (`y − exp(a·x)` on data that want a → −∞) are [`Termination::Unbounded`]
//!   too, not converged, without standard errors.
//!
//! ```
//! use hessopt::fit::{Data, Objective, fit};
//! let data = Data::parse_csv("x,y\n0,1\n1,3\n2,5\n3,7.5\n", "inline")?;
//! let s = fit(&data, &Objective::Residual("y - (a + b*x)".into()), &["a", "b"], &[0.0, 0.0])?;
//! assert!((s.estimates[1] - 2.15).abs() < 1e-9);
//! # Ok::<(), hessopt::Error>(())
//! ```

mod csv;
pub(crate) mod finite;

pub use csv::Data;

use nalgebra::DMatrix;
use std::cell::RefCell;

use crate::error::{Error, Result};
use crate::expr::{Formula, Workspace};
use crate::problem::Problem;
use crate::solve::{
    Callback, LeastSquares, LevenbergMarquardt, Method, Options, Termination, curvature_at,
    minimize_with_callback,
};
use crate::special;
use finite::{axes, descent_to_infinity};

/// What is minimized.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// One row's negative log-likelihood.
    NegLogLik(String),
    /// One row's residual (least squares).
    Residual(String),
}

/// The fitted model, in the shape of R's `summary()`.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSummary {
    /// "mle" or "nls".
    pub kind: &'static str,
    /// Parameter names.
    pub params: Vec<String>,
    /// Estimates.
    pub estimates: Vec<f64>,
    /// Standard errors (None when the Hessian is not positive definite).
    pub standard_errors: Option<Vec<f64>>,
    /// z (mle) or t (nls) statistics.
    pub statistics: Option<Vec<f64>>,
    /// Two-sided p-values.
    pub p_values: Option<Vec<f64>>,
    /// 95% Wald intervals (lower, upper).
    pub intervals: Option<Vec<(f64, f64)>>,
    /// Covariance of the estimates (None, with a warning, where its entries would overflow or
    /// underflow: standard errors beyond 1e154 or below 1e-154).
    pub covariance: Option<DMatrix<f64>>,
    /// Minimized value: the negative log-likelihood (mle) or the residual sum of squares (nls).
    pub value: f64,
    /// σ² = RSS / (n − p) (nls with n > p only).
    pub sigma2: Option<f64>,
    /// The residual standard error σ = ‖r‖ / √(n − p) (nls with n > p only), from ‖r‖ itself:
    /// finite and nonzero where σ² under- or overflows (residuals of size 1e±200).
    pub sigma: Option<f64>,
    /// Number of rows.
    pub observations: usize,
    /// Residual degrees of freedom n − p.
    pub df: usize,
    /// Akaike's information criterion (None for least squares with a zero residual, where the
    /// Gaussian likelihood is unbounded).
    pub aic: Option<f64>,
    /// Whether the minimizer's certificate held at the estimate and the estimate is finite (no ray
    /// from it along which the objective keeps falling; otherwise [`Termination::Unbounded`],
    /// and no standard errors).
    pub converged: bool,
    /// Why it stopped.
    pub termination: Termination,
    /// Iterations of the minimizer.
    pub iterations: usize,
    /// Warnings (singular or ill-conditioned Hessian, …).
    pub warnings: Vec<String>,
}

/// The per-row formula with parameters first and data columns after.
struct RowModel<'d> {
    formula: Formula,
    p: usize,
    /// For each data variable of the formula, its column in the table.
    cols: Vec<usize>,
    data: &'d Data,
}

impl<'d> RowModel<'d> {
    /// Σ over rows of wᵣ·∇²(row formula) in the parameters (w = 1 without weights), exact; all
    /// NaN when a row's Hessian cannot be computed.
    fn weighted_hessian(
        &self,
        theta: &[f64],
        weights: Option<&[f64]>,
        s: &mut Scratch,
        h: &mut DMatrix<f64>,
    ) {
        let (p, n) = (self.p, self.formula.dim());
        s.g.resize(n, 0.0);
        s.cols.resize(n * p, 0.0);
        h.fill(0.0);
        for r in 0..self.data.rows() {
            self.point(theta, r, &mut s.x);
            if self
                .formula
                .hessian_columns_with(&s.x, p, &mut s.ws, &mut s.g, &mut s.cols)
                .is_err()
            {
                h.fill(f64::NAN);
                return;
            }
            let w = weights.map_or(1.0, |w| w[r]);
            for j in 0..p {
                for i in 0..p {
                    h[(i, j)] += w * s.cols[j * n + i];
                }
            }
        }
    }

    fn new(text: &str, params: &[&str], data: &'d Data) -> Result<Self> {
        if let Some(v) = crate::expr::first_len_vector(text)? {
            return Err(Error::invalid(
                "formula",
                format!(
                    "len({v}) in a fit formula: parameters and columns are scalars (one value per row), so no vector has a length here; write the count as a number, e.g. sum(i = 1..3, …)"
                ),
            ));
        }
        let free = Formula::parse(text)?;
        let mut names: Vec<&str> = params.to_vec();
        let mut cols = Vec::new();
        for v in free.vars() {
            if params.contains(&v.as_str()) {
                continue;
            }
            let c = data.column(v).ok_or_else(|| {
                Error::invalid(
                    "formula",
                    format!(
                        "'{v}' is neither a parameter ({}) nor a column of {} ({})",
                        params.join(", "),
                        data.source,
                        data.columns.join(", ")
                    ),
                )
            })?;
            names.push(v.as_str());
            cols.push(c);
        }
        // A column named like the constant joins the variables, so that `pi` in the formula is
        // an error naming both rather than silently π.
        if let Some(c) = data.column("pi").filter(|_| !names.contains(&"pi")) {
            names.push("pi");
            cols.push(c);
        }
        let formula = Formula::parse_with_vars(text, &names).map_err(|e| match e {
            Error::Parse { position, message } if message == crate::expr::PI_DECLARED => {
                let owner = if params.contains(&"pi") {
                    "a parameter".to_string()
                } else {
                    format!("a column of {}", data.source)
                };
                Error::Parse {
                    position,
                    message: format!(
                        "'pi' is both the constant π and {owner}: rename it (or write 3.141592653589793 for π)"
                    ),
                }
            }
            other => other,
        })?;
        Ok(RowModel {
            formula,
            p: params.len(),
            cols,
            data,
        })
    }

    /// An error naming the first data row whose `what` is not finite at `start`.
    fn check_start(&self, start: &[f64], what: &str) -> Result<()> {
        let (mut ws, mut x) = (Workspace::default(), Vec::new());
        for r in 0..self.data.rows() {
            self.point(start, r, &mut x);
            let v = self.formula.value_with(&x, &mut ws).unwrap_or(f64::NAN);
            if !v.is_finite() {
                // Shortest round-trip digits, in exponent form outside 1e-5..1e16 (1e300, not
                // its 301 digits).
                let values: Vec<String> = x
                    .iter()
                    .map(|v| match v.abs() {
                        a if a != 0.0 && !(1e-5..1e16).contains(&a) => format!("{v:e}"),
                        _ => format!("{v}"),
                    })
                    .collect();
                return Err(Error::invalid(
                    "start",
                    format!(
                        "the {what} of data row {} is {v} there ({} = {})",
                        r + 1,
                        self.formula.vars().join(", "),
                        values.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Σ rᵢ(θ)² over the rows of a residual model (NaN where a row cannot be evaluated).
    fn rss(&self, theta: &[f64], s: &mut Scratch) -> f64 {
        (0..self.data.rows())
            .map(|r| {
                self.point(theta, r, &mut s.x);
                self.formula.value_with(&s.x, &mut s.ws).unwrap_or(f64::NAN)
            })
            .map(|v| v * v)
            .sum()
    }

    /// The full variable vector for row r.
    fn point(&self, theta: &[f64], r: usize, buf: &mut Vec<f64>) {
        buf.clear();
        buf.extend_from_slice(theta);
        buf.extend(self.cols.iter().map(|&c| self.data.values[c][r]));
    }
}

/// Buffers for evaluating the row model.
#[derive(Default)]
struct Scratch {
    ws: Workspace,
    x: Vec<f64>,
    g: Vec<f64>,
    cols: Vec<f64>,
}

/// Σ over rows of the per-row formula as a [`Problem`] in the parameters, exact derivatives.
fn summed<'a>(model: &'a RowModel<'_>) -> Problem<'a> {
    let (p, rows, n) = (model.p, model.data.rows(), model.formula.dim());
    let s_value = RefCell::new(Scratch::default());
    let s_grad = RefCell::new(Scratch::default());
    let s_hess = RefCell::new(Scratch::default());
    Problem::new(p, move |theta: &[f64]| {
        let s = &mut *s_value.borrow_mut();
        (0..rows)
            .map(|r| {
                model.point(theta, r, &mut s.x);
                model
                    .formula
                    .value_with(&s.x, &mut s.ws)
                    .unwrap_or(f64::NAN)
            })
            .sum()
    })
    .with_gradient(move |theta: &[f64], g: &mut [f64]| {
        let s = &mut *s_grad.borrow_mut();
        s.g.resize(n, 0.0);
        g.fill(0.0);
        for r in 0..rows {
            model.point(theta, r, &mut s.x);
            if model
                .formula
                .gradient_with(&s.x, &mut s.ws, &mut s.g)
                .is_err()
            {
                g.fill(f64::NAN);
                return;
            }
            for (gj, sj) in g.iter_mut().zip(&s.g[..p]) {
                *gj += sj;
            }
        }
    })
    .with_hessian(move |theta: &[f64], h: &mut DMatrix<f64>| {
        model.weighted_hessian(theta, None, &mut s_hess.borrow_mut(), h);
    })
}

/// The residual of every row as a [`LeastSquares`] problem in the parameters (exact Jacobian rows
/// and residual Hessians from the tape).
fn residual_problem<'a>(model: &'a RowModel<'_>) -> LeastSquares<'a> {
    let (p, rows, n) = (model.p, model.data.rows(), model.formula.dim());
    let s_r = RefCell::new(Scratch::default());
    let s_j = RefCell::new(Scratch::default());
    let s_h = RefCell::new(Scratch::default());
    LeastSquares::new(rows, p, move |theta: &[f64], r: &mut [f64]| {
        let s = &mut *s_r.borrow_mut();
        for (row, ri) in r.iter_mut().enumerate() {
            model.point(theta, row, &mut s.x);
            *ri = model
                .formula
                .value_with(&s.x, &mut s.ws)
                .unwrap_or(f64::NAN);
        }
    })
    .with_jacobian(move |theta: &[f64], j: &mut DMatrix<f64>| {
        let s = &mut *s_j.borrow_mut();
        s.g.resize(n, 0.0);
        for row in 0..rows {
            model.point(theta, row, &mut s.x);
            if model
                .formula
                .gradient_with(&s.x, &mut s.ws, &mut s.g)
                .is_err()
            {
                s.g.fill(f64::NAN);
            }
            for c in 0..p {
                j[(row, c)] = s.g[c];
            }
        }
    })
    .with_residual_hessians(move |theta: &[f64], w: &[f64], h: &mut DMatrix<f64>| {
        model.weighted_hessian(theta, Some(w), &mut s_h.borrow_mut(), h);
    })
}

/// −∇f(θ) by central differences: the steepest-descent direction of the residual sum.
fn descent(f: &dyn Fn(&[f64]) -> f64, theta: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; theta.len()];
    crate::diff::central_differences(theta, &[f(theta)], |t, out| out[0] = f(t), &mut g);
    g.iter().map(|v| -v).collect()
}

/// Fits `objective` to `data` over `params` from `start`: maximum likelihood with the
/// trust-region Newton method (exact Hessians, gradient tolerance 1e-10 · max(1, |f(start)|));
/// least squares with Levenberg–Marquardt ([`LevenbergMarquardt`] defaults).
pub fn fit(
    data: &Data,
    objective: &Objective,
    params: &[&str],
    start: &[f64],
) -> Result<FitSummary> {
    fit_with_callback(data, objective, params, start, None)
}

/// [`fit`] with a callback called after every iteration of the minimizer (the trust region's
/// iterations for a likelihood, Levenberg–Marquardt's accepted steps for least squares, value
/// ‖r‖²); it can stop the fit, which then ends [`Termination::Callback`], not converged, at the
/// last iterate (no test for an estimate at infinity is run after a stop).
///
/// ```
/// use hessopt::fit::{Data, Objective, fit_with_callback};
/// use hessopt::solve::{Control, IterationInfo, Termination};
/// let data = Data::parse_csv("x,y\n0,1\n1,3\n2,5\n3,7.5\n", "inline")?;
/// let mut stop = |_: &IterationInfo| Control::Stop;
/// let residual = Objective::Residual("y - a*exp(b*x)".into());
/// let s = fit_with_callback(&data, &residual, &["a", "b"], &[1.0, 0.1], Some(&mut stop))?;
/// assert_eq!(s.termination, Termination::Callback);
/// assert!(!s.converged);
/// # Ok::<(), hessopt::Error>(())
/// ```
pub fn fit_with_callback(
    data: &Data,
    objective: &Objective,
    params: &[&str],
    start: &[f64],
    callback: Option<Callback<'_>>,
) -> Result<FitSummary> {
    if start.len() != params.len() {
        return Err(Error::invalid(
            "start",
            format!(
                "{} values given for {} parameters ({})",
                start.len(),
                params.len(),
                params.join(", ")
            ),
        ));
    }
    if let Some((k, p)) = params
        .iter()
        .enumerate()
        .find(|(k, p)| params[..*k].contains(p))
    {
        return Err(Error::invalid(
            "params",
            format!(
                "'{p}' appears twice (positions {} and {})",
                params.iter().position(|q| q == p).unwrap_or(0) + 1,
                k + 1
            ),
        ));
    }
    if params.is_empty() {
        return Err(Error::invalid("params", "give at least one parameter"));
    }
    if let Some(p) = params.iter().find(|p| data.column(p).is_some()) {
        return Err(Error::invalid(
            "params",
            format!("'{p}' is also a column of {}", data.source),
        ));
    }
    let (n, p) = (data.rows(), params.len());
    let df = n.saturating_sub(p);
    let mut warnings = Vec::new();
    // Least squares with a residual at rounding level: the Gaussian likelihood is unbounded.
    let mut exact = false;
    // Least squares: ‖r‖ at the estimate and the standard errors from the solver's factors
    // (finite where the covariance's entries σ²·(JᵀJ)⁻¹ under- or overflow).
    let mut residual_norm = None;
    let mut lsq_errors = None;
    let (theta, value, converged, termination, iterations, covariance, sigma2, dist_df) =
        match objective {
            Objective::Residual(text) => {
                let model = RowModel::new(text, params, data)?;
                model.check_start(start, "residual")?;
                let lsq = residual_problem(&model);
                let r = LevenbergMarquardt::default().solve_with_callback(
                    &lsq,
                    start,
                    &Options::default(),
                    callback,
                )?;
                let mut covariance = r.covariance.clone();
                residual_norm = Some(r.residual_norm());
                lsq_errors = r.standard_errors.clone();
                let (mut converged, mut termination) = (r.converged, r.termination);
                // The certificate's own per-residual test (each residual at the rounding level of
                // the model terms it is made of): a sum over the data columns squared misjudged
                // data of size 1e±300 (overflowing to ∞, or dominated by another column).
                exact = r.termination == Termination::ZeroResidual;
                // A finite estimate: no direction (steepest descent of the RSS, the ray θ, a
                // parameter alone) along which the RSS falls or levels off to infinity.
                let scratch = RefCell::new(Scratch::default());
                let rss = |t: &[f64]| model.rss(t, &mut scratch.borrow_mut());
                let mut directions = vec![descent(&rss, &r.x), r.x.clone()];
                directions.extend(axes(p));
                let stopped = termination == Termination::Callback;
                if termination == Termination::Unbounded
                    || (!exact
                        && !stopped
                        && descent_to_infinity(&rss, &r.x, &directions).is_some())
                {
                    converged = false;
                    termination = Termination::Unbounded;
                    covariance = None;
                    warnings.push(
                        "the residual sum of squares keeps falling or levels off as parameters \
                         run to infinity: no finite least-squares estimate, no standard errors"
                            .into(),
                    );
                } else if n < p {
                    warnings.push(format!(
                        "fewer rows than parameters (n = {n} < p = {p}): the parameters are not identifiable (one of many estimates that fit as well); no σ², standard errors or tests"
                    ));
                    covariance = None;
                } else if df == 0 {
                    warnings.push(format!(
                        "zero degrees of freedom (n = p = {p}): the model interpolates the data; no σ², standard errors or tests"
                    ));
                    covariance = None;
                } else if exact {
                    warnings.push(format!(
                        "zero residual (RSS {:.3e}, at rounding level): the model fits the data exactly; no standard errors, tests or AIC",
                        r.rss
                    ));
                    covariance = None;
                } else if covariance.is_none() {
                    warnings.push(
                        "JᵀJ is singular: the parameters are not identifiable, no standard errors"
                            .into(),
                    );
                }
                let sigma2 = (df > 0).then(|| r.rss / df as f64);
                (
                    r.x,
                    r.rss,
                    converged,
                    termination,
                    r.iterations,
                    covariance,
                    sigma2,
                    Some(df as f64),
                )
            }
            Objective::NegLogLik(text) => {
                let model = RowModel::new(text, params, data)?;
                model.check_start(start, "negative log-likelihood")?;
                let problem = summed(&model);
                let f0 = problem.value(start);
                if !f0.is_finite() {
                    return Err(Error::invalid(
                        "start",
                        format!("the summed negative log-likelihood overflows ({f0}) there"),
                    ));
                }
                let options = Options::default().with_g_tol(1e-10 * f0.abs().max(1.0))?;
                let report = minimize_with_callback(
                    &problem,
                    start,
                    &Method::from_name("trust-region")?,
                    &options,
                    callback,
                )?;
                let c = curvature_at(&problem, &report.x)?;
                let (mut converged, mut termination) = (report.converged, report.termination);
                let mut covariance = c.covariance;
                // The certificate also needs a finite estimate: no ray from it along which the
                // negative log-likelihood keeps falling.
                let mut g = vec![0.0; p];
                problem.gradient_into(&report.x, &mut g);
                let steepest: Vec<f64> = g.iter().map(|v| -v).collect();
                let mut directions = Vec::new();
                if let Some(cov) = &covariance {
                    let newton = cov * nalgebra::DVector::from_column_slice(&steepest);
                    directions.push(newton.iter().copied().collect());
                }
                directions.extend([steepest, report.x.clone()]);
                let value = |t: &[f64]| problem.value(t);
                if termination == Termination::Unbounded
                    || (termination != Termination::Callback
                        && descent_to_infinity(&value, &report.x, &directions).is_some())
                {
                    converged = false;
                    termination = Termination::Unbounded;
                    covariance = None;
                    warnings.push(
                        "the likelihood keeps increasing along a ray from the estimate: no finite \
                         maximum-likelihood estimate (e.g. perfectly separated data), no standard \
                         errors"
                            .into(),
                    );
                } else {
                    warnings.extend(c.warnings);
                }
                (
                    report.x,
                    report.value,
                    converged,
                    termination,
                    report.iterations,
                    covariance,
                    None,
                    None,
                )
            }
        };
    let nls = matches!(objective, Objective::Residual(_));
    let quantile = special::student_t_quantile_two_sided(0.05, dist_df.unwrap_or(f64::INFINITY));
    let standard_errors: Option<Vec<f64>> = covariance.as_ref().map(|c| {
        lsq_errors
            .clone()
            .unwrap_or_else(|| (0..p).map(|i| c[(i, i)].sqrt()).collect())
    });
    // Standard errors beyond 1e154 are finite, their squares are not; below 1e-154 their
    // squares underflow (a variance of 0 or a subnormal beside a positive standard error): no ∞
    // and no false 0 in the result.
    let covariance = covariance.filter(|c| {
        let overflows = !c.iter().all(|v| v.is_finite());
        let underflows = standard_errors.as_ref().is_some_and(|se| {
            se.iter()
                .enumerate()
                .any(|(i, s)| *s > 0.0 && c[(i, i)] < f64::MIN_POSITIVE)
        });
        if overflows {
            warnings.push(
                "the covariance overflows (standard errors beyond 1e154): not reported; \
                 measure the parameters in larger units to have it"
                    .into(),
            );
        } else if underflows {
            warnings.push(
                "the covariance underflows (standard errors below 1e-154): not reported; \
                 measure the parameters in smaller units to have it"
                    .into(),
            );
        }
        !(overflows || underflows)
    });
    let statistics: Option<Vec<f64>> = standard_errors
        .as_ref()
        .map(|se| theta.iter().zip(se).map(|(e, s)| e / s).collect());
    let p_values = statistics.as_ref().map(|st| {
        st.iter()
            .map(|z| match dist_df {
                Some(d) => special::student_t_two_sided(*z, d),
                None => 2.0 * special::normal_sf(z.abs()),
            })
            .collect()
    });
    let intervals = standard_errors.as_ref().map(|se| {
        theta
            .iter()
            .zip(se)
            .map(|(e, s)| (e - quantile * s, e + quantile * s))
            .collect()
    });
    let aic = if nls {
        let nf = n as f64;
        // log(RSS/n) from ‖r‖: finite where RSS under- or overflows.
        let log_rss = residual_norm.map_or(value.ln(), |r| 2.0 * r.ln());
        nf * ((2.0 * std::f64::consts::PI).ln() + 1.0 + log_rss - nf.ln()) + 2.0 * (p as f64 + 1.0)
    } else {
        2.0 * value + 2.0 * p as f64
    };
    let aic = (aic.is_finite() && !exact).then_some(aic);
    Ok(FitSummary {
        kind: if nls { "nls" } else { "mle" },
        params: params.iter().map(|s| s.to_string()).collect(),
        estimates: theta,
        standard_errors,
        statistics,
        p_values,
        intervals,
        covariance,
        value,
        sigma2,
        sigma: sigma2.and(residual_norm).map(|r| r / (df as f64).sqrt()),
        observations: n,
        df,
        aic,
        converged,
        termination,
        iterations,
        warnings,
    })
}
