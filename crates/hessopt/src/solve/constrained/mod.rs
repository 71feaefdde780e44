//! General constraints c_i(x) = 0 and g_j(x) ≥ 0 (with bounds) by the augmented Lagrangian
//! (Powell–Hestenes–Rockafellar; Conn, Gould & Toint's LANCELOT framework as in Nocedal & Wright,
//! Algorithm 17.4), with bound-constrained inner solves by L-BFGS-B.
//!
//! L_A(x; λ, μ, ρ) = f(x) + Σᵢ (−λᵢ cᵢ + ρ/2 cᵢ²) + Σⱼ ψ(gⱼ, μⱼ, ρ), where
//! ψ(g, μ, ρ) = −μ g + ρ/2 g² when g ≤ μ/ρ and −μ²/(2ρ) otherwise. After each inner solve to a
//! projected gradient ω: when the violation is below η the multipliers are updated
//! (λ ← λ − ρc, μ ← max(0, μ − ρg)) and both tolerances tightened; otherwise ρ grows tenfold. One
//! evaluation budget (`Options::max_evals`) is shared by all inner solves.
//!
//! The result reports the multipliers (Lagrangian L = f − λᵀc − μᵀg, μ ≥ 0) and the KKT residuals;
//! it is [`Termination::KktConditions`] (converged) only when stationarity, feasibility and
//! complementarity are all within tolerance, and [`Termination::Infeasible`] when ρ reached 1e12
//! with the violation still above tolerance.

use crate::error::{Error, Result};
use crate::expr::Formula;
use crate::problem::{Counts, GradientFn, Problem, ValueFn};
use crate::solve::driver::gradient_norm;
use crate::solve::{Lbfgsb, Method, Options, Termination, minimize};

/// The kind of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// c(x) = 0.
    Equal,
    /// c(x) ≥ 0.
    AtLeastZero,
}

/// One constraint: a function with its gradient, and its kind.
pub struct Constraint<'a> {
    /// Equality or inequality.
    pub kind: Kind,
    value: ValueFn<'a>,
    gradient: GradientFn<'a>,
    /// Text for messages.
    pub label: String,
}

impl std::fmt::Debug for Constraint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Constraint({:?}, {})", self.kind, self.label)
    }
}

impl<'a> Constraint<'a> {
    /// A constraint from closures.
    pub fn new(
        kind: Kind,
        label: impl Into<String>,
        value: impl Fn(&[f64]) -> f64 + 'a,
        gradient: impl Fn(&[f64], &mut [f64]) + 'a,
    ) -> Self {
        Constraint {
            kind,
            value: Box::new(value),
            gradient: Box::new(gradient),
            label: label.into(),
        }
    }

    /// A constraint from a formula c (exact gradient): `c = 0` or `c ≥ 0`.
    pub fn from_formula(kind: Kind, formula: &'a Formula) -> Self {
        Constraint::new(
            kind,
            formula.to_string(),
            move |x: &[f64]| formula.value(x).unwrap_or(f64::NAN),
            move |x: &[f64], g: &mut [f64]| match formula.gradient(x) {
                Ok((_, grad)) => g.copy_from_slice(&grad),
                Err(_) => g.fill(f64::NAN),
            },
        )
    }
}

/// Parses "lhs >= rhs", "lhs <= rhs" or "lhs = rhs" (also `==`) over `vars` into the formula
/// c = lhs − rhs (or rhs − lhs for `<=`) and its kind.
pub fn parse_constraint(text: &str, vars: &[&str]) -> Result<(Formula, Kind)> {
    let (lhs, rhs, kind, flip) = if let Some((l, r)) = text.split_once(">=") {
        (l, r, Kind::AtLeastZero, false)
    } else if let Some((l, r)) = text.split_once("<=") {
        (l, r, Kind::AtLeastZero, true)
    } else if let Some((l, r)) = text.split_once("==").or_else(|| text.split_once('=')) {
        (l, r, Kind::Equal, false)
    } else {
        return Err(Error::invalid(
            "constraint",
            format!("'{text}' has no '>=', '<=' or '=' (write e.g. \"x1*x2 >= 25\")"),
        ));
    };
    if lhs.trim().is_empty() || rhs.trim().is_empty() {
        return Err(Error::invalid(
            "constraint",
            format!("'{text}' needs an expression on both sides"),
        ));
    }
    if rhs.contains('=') || rhs.contains('<') || rhs.contains('>') {
        return Err(Error::invalid(
            "constraint",
            format!("'{text}' has more than one comparison"),
        ));
    }
    let expr = if flip {
        format!("({rhs}) - ({lhs})")
    } else {
        format!("({lhs}) - ({rhs})")
    };
    let f = Formula::parse_with_vars(&expr, vars)
        .map_err(|e| Error::invalid("constraint", format!("'{text}': {e}")))?;
    Ok((f, kind))
}

/// Settings of the augmented Lagrangian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AugmentedLagrangian {
    /// Feasibility tolerance on the largest violation.
    pub feasibility_tol: f64,
    /// Stationarity tolerance on the projected gradient of the Lagrangian.
    pub optimality_tol: f64,
    /// Initial penalty ρ₀.
    pub initial_penalty: f64,
    /// Maximum number of outer iterations.
    pub max_outer: usize,
}

impl Default for AugmentedLagrangian {
    fn default() -> Self {
        AugmentedLagrangian {
            feasibility_tol: 1e-8,
            optimality_tol: 1e-6,
            initial_penalty: 10.0,
            max_outer: 60,
        }
    }
}

/// KKT residuals at a point.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Kkt {
    /// ‖P(x − ∇L) − x‖∞ with L = f − λᵀc − μᵀg and P the projection on the bounds.
    pub stationarity: f64,
    /// Largest violation: max(|cᵢ|, max(0, −gⱼ)).
    pub feasibility: f64,
    /// max |μⱼ gⱼ|.
    pub complementarity: f64,
}

/// The result of a constrained minimization.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstrainedReport {
    /// The point.
    pub x: Vec<f64>,
    /// f(x).
    pub value: f64,
    /// One multiplier per constraint, in input order (μ ≥ 0 for inequalities).
    pub multipliers: Vec<f64>,
    /// Largest constraint violation.
    pub max_violation: f64,
    /// KKT residuals.
    pub kkt: Kkt,
    /// Outer iterations.
    pub outer_iterations: usize,
    /// Inner iterations in all.
    pub inner_iterations: usize,
    /// Calls by kind over all inner solves.
    pub evaluations: Counts,
    /// Final penalty parameter.
    pub penalty: f64,
    /// Why it stopped.
    pub termination: Termination,
    /// Whether the KKT conditions hold within tolerance.
    pub converged: bool,
}

fn violation(kind: Kind, c: f64) -> f64 {
    match kind {
        Kind::Equal => c.abs(),
        Kind::AtLeastZero => (-c).max(0.0),
    }
}

/// Minimizes `problem` (its bounds included) subject to `constraints` from `x0`.
pub fn minimize_constrained(
    problem: &Problem<'_>,
    constraints: &[Constraint<'_>],
    x0: &[f64],
    config: &AugmentedLagrangian,
    options: &Options,
) -> Result<ConstrainedReport> {
    let n = problem.dim();
    Error::check_dim("x0", n, x0.len())?;
    let m = constraints.len();
    let mut mult = vec![0.0; m];
    let mut rho = config.initial_penalty;
    let mut omega = 1.0 / rho;
    let mut eta = 1.0 / rho.powf(0.1);
    let mut x = x0.to_vec();
    let mut counts = Counts::default();
    let mut inner_iterations = 0;
    let objective_grad = |x: &[f64], g: &mut [f64]| {
        if problem.has_gradient() {
            problem.gradient_into(x, g);
        } else {
            let f0 = problem.value(x);
            crate::diff::central_differences(x, &[f0], |p, out| out[0] = problem.value(p), g);
        }
    };
    let cvals = |x: &[f64]| -> Vec<f64> { constraints.iter().map(|c| (c.value)(x)).collect() };
    let mut outer = 0;
    let termination = loop {
        outer += 1;
        let (r, mult_now) = (rho, mult.clone());
        let lagrangian_value = |x: &[f64]| {
            let mut v = problem.value(x);
            for (c, &mu) in constraints.iter().zip(&mult_now) {
                let ci = (c.value)(x);
                v += match c.kind {
                    Kind::Equal => -mu * ci + 0.5 * r * ci * ci,
                    Kind::AtLeastZero if ci <= mu / r => -mu * ci + 0.5 * r * ci * ci,
                    Kind::AtLeastZero => -mu * mu / (2.0 * r),
                };
            }
            v
        };
        let lagrangian_grad = |x: &[f64], g: &mut [f64]| {
            objective_grad(x, g);
            let mut gc = vec![0.0; x.len()];
            for (c, &mu) in constraints.iter().zip(&mult_now) {
                let ci = (c.value)(x);
                let w = match c.kind {
                    Kind::Equal => -mu + r * ci,
                    Kind::AtLeastZero if ci <= mu / r => -mu + r * ci,
                    Kind::AtLeastZero => 0.0,
                };
                if w != 0.0 {
                    (c.gradient)(x, &mut gc);
                    for (gi, gci) in g.iter_mut().zip(&gc) {
                        *gi += w * gci;
                    }
                }
            }
        };
        let mut inner = Problem::new(n, lagrangian_value).with_gradient(lagrangian_grad);
        if let Some((lo, hi)) = problem.bounds() {
            inner = inner.with_bounds(lo.to_vec(), hi.to_vec())?;
        }
        let used = counts.f + counts.gradient;
        let mut inner_options = options.clone().with_g_tol(omega)?;
        if let Some(max) = options.max_evals {
            if used >= max {
                break Termination::MaxEvaluations;
            }
            inner_options = inner_options.with_max_evals(max - used)?;
        }
        let r = minimize(
            &inner,
            &x,
            &Method::Lbfgsb(Lbfgsb::default().with_factr(0.0)?),
            &inner_options,
        )?;
        counts.f += r.evaluations.f;
        counts.gradient += r.evaluations.gradient;
        counts.non_finite += r.evaluations.non_finite;
        inner_iterations += r.iterations;
        x = r.x;
        let c = cvals(&x);
        let viol = constraints
            .iter()
            .zip(&c)
            .zip(&mult)
            .map(|((k, &ci), &mu)| match k.kind {
                Kind::Equal => ci.abs(),
                Kind::AtLeastZero => ci.min(mu / rho).abs(),
            })
            .fold(0.0f64, f64::max);
        if viol <= eta {
            for ((k, &ci), mu) in constraints.iter().zip(&c).zip(mult.iter_mut()) {
                *mu = match k.kind {
                    Kind::Equal => *mu - rho * ci,
                    Kind::AtLeastZero => (*mu - rho * ci).max(0.0),
                };
            }
            let kkt = kkt(problem, constraints, &x, &mult, &objective_grad);
            if kkt.feasibility <= config.feasibility_tol
                && kkt.stationarity <= config.optimality_tol
                && kkt.complementarity <= config.optimality_tol
            {
                break Termination::KktConditions;
            }
            eta = (eta / rho.powf(0.9)).max(0.1 * config.feasibility_tol);
            omega = (omega / rho).max(0.1 * config.optimality_tol);
        } else {
            rho *= 10.0;
            eta = (1.0 / rho.powf(0.1)).max(0.1 * config.feasibility_tol);
            omega = (1.0 / rho).max(0.1 * config.optimality_tol);
            if rho > 1e12 {
                break Termination::Infeasible;
            }
        }
        if outer >= config.max_outer {
            break Termination::MaxIterations;
        }
    };
    let kkt = kkt(problem, constraints, &x, &mult, &objective_grad);
    Ok(ConstrainedReport {
        value: problem.value(&x),
        multipliers: mult,
        max_violation: kkt.feasibility,
        kkt,
        outer_iterations: outer,
        inner_iterations,
        evaluations: counts,
        penalty: rho,
        converged: termination.certifies(),
        termination,
        x,
    })
}

fn kkt(
    problem: &Problem<'_>,
    constraints: &[Constraint<'_>],
    x: &[f64],
    mult: &[f64],
    objective_grad: &dyn Fn(&[f64], &mut [f64]),
) -> Kkt {
    let n = x.len();
    let mut g = vec![0.0; n];
    objective_grad(x, &mut g);
    let mut gc = vec![0.0; n];
    let (mut feas, mut comp) = (0.0f64, 0.0f64);
    for (c, &mu) in constraints.iter().zip(mult) {
        let ci = (c.value)(x);
        (c.gradient)(x, &mut gc);
        for (gi, gci) in g.iter_mut().zip(&gc) {
            *gi -= mu * gci;
        }
        feas = feas.max(violation(c.kind, ci));
        if c.kind == Kind::AtLeastZero {
            comp = comp.max((mu * ci).abs());
        }
    }
    Kkt {
        stationarity: gradient_norm(x, &g, problem.bounds()),
        feasibility: feas,
        complementarity: comp,
    }
}
