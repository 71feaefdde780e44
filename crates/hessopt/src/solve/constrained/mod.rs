//! General constraints c_i(x) = 0 and g_j(x) ≥ 0 (with bounds) by the augmented Lagrangian
//! (Powell–Hestenes–Rockafellar; Conn, Gould & Toint's LANCELOT framework as in Nocedal & Wright,
//! Algorithm 17.4), with bound-constrained inner solves by L-BFGS-B.
//!
//! L_A(x; λ, μ, ρ) = f(x) + Σᵢ (−λᵢ cᵢ + ρ/2 cᵢ²) + Σⱼ ψ(gⱼ, μⱼ, ρ), where
//! ψ(g, μ, ρ) = −μ g + ρ/2 g² when g ≤ μ/ρ and −μ²/(2ρ) otherwise. After each inner solve to a
//! projected gradient ω: when the violation is below η the multipliers are updated
//! (λ ← λ − ρc, μ ← max(0, μ − ρg)) and both tolerances tightened; otherwise ρ grows tenfold. One
//! evaluation budget (`Options::max_evals`) is shared by all inner solves. An inner solve that
//! leaves the constraints (it runs off, or meets points where f is not finite and ends further
//! from feasibility than it started: L_A may be unbounded below for every ρ, as −eˣ on x = 1)
//! is not followed: the next one starts, with ρ tenfold, from the feasible point phase one
//! (below) finds from where it started — a restoration step.
//!
//! The result reports the multipliers (Lagrangian L = f − λᵀc − μᵀg, μ ≥ 0) and the KKT residuals;
//! it is [`Termination::KktConditions`] (converged) only when stationarity, feasibility and
//! complementarity are all within tolerance at the returned x **and** the reduced Hessian of the
//! Lagrangian (`second_order.rs`) has no negative eigenvalue — a constrained maximum or saddle
//! satisfies the first-order conditions too; the run steps off it along the negative curvature
//! and goes on, and reports [`Termination::Maximum`] / [`Termination::Saddle`] if it cannot.
//! [`Termination::Infeasible`] when ρ reached 1e12 with the violation still above tolerance —
//! unless the inner solves met points where the objective was not finite, or the constraints may
//! well be satisfiable: at the penalty limit a phase-one solve minimizes the violation alone from
//! x; only when it finds no feasible point (a constraint that is not finite there counts as
//! violated) is the report [`Termination::Infeasible`]; when it finds one where f is not finite
//! (or the objective itself was not finite at points the inner solves met; `exp(x)` with
//! `x ≥ 1000`) it is [`Termination::ObjectiveNotFinite`], otherwise [`Termination::NoProgress`]
//! (the objective grows too fast towards the feasible set for the penalty to win). Non-finite
//! values of a constraint are never blamed on the objective.
//! The counts cover every call of the objective and its gradient (inner solves, numerical
//! gradients, KKT and curvature checks, the trace, the phase-one verdict).
//!
//! The outer loop runs on the minimizers' [`Monitor`]: before each outer iteration the limits
//! (`AugmentedLagrangian::max_outer` outer iterations, `Options::max_evals` objective and gradient
//! calls in all, `Options::time_limit`) are checked in one place, and each inner solve gets what
//! is left of the evaluations and the time; after each inner solve the outer iterate goes to the
//! trace (`Options::keep_trace`) and to the callback ([`minimize_constrained_with_callback`]):
//! value f(x), gradient norm the inner solve's projected gradient of L_A, evaluations the
//! objective and gradient calls so far.

mod second_order;

use std::cell::Cell;

use second_order::{Curvature, reduced_curvature};

use crate::error::{Error, Result};
use crate::expr::Formula;
use crate::problem::{Counts, GradientFn, Problem, ValueFn};
use crate::solve::certificate::projected_gradient_norm;
use crate::solve::{
    Callback, IterationInfo, Lbfgsb, Method, Monitor, Options, Termination, minimize,
};

/// The kind of a constraint c(x).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// c(x) = 0.
    Equal,
    /// c(x) ≥ 0.
    AtLeastZero,
    /// c(x) ≤ 0 (solved as −c(x) ≥ 0; its multiplier μ ≥ 0 enters as L = f + μc).
    AtMostZero,
}

/// One constraint c(x) = 0, c(x) ≥ 0 or c(x) ≤ 0: a function, optionally its gradient (central
/// differences of c otherwise), and a label for messages.
///
/// ```
/// use hessopt::Problem;
/// use hessopt::solve::{AugmentedLagrangian, Constraint, Kind, Options, minimize_constrained};
/// // min (x − 2)² + (y − 1)² subject to x + y ≤ 1 (gradient given) and x ≥ 0.25 (numerical).
/// let p = Problem::new(2, |x: &[f64]| (x[0] - 2.0).powi(2) + (x[1] - 1.0).powi(2));
/// let constraints = [
///     Constraint::new(Kind::AtMostZero, "x + y <= 1", |x: &[f64]| x[0] + x[1] - 1.0)
///         .with_gradient(|_x: &[f64], g: &mut [f64]| g.fill(1.0)),
///     Constraint::new(Kind::AtLeastZero, "x >= 0.25", |x: &[f64]| x[0] - 0.25),
/// ];
/// let r = minimize_constrained(&p, &constraints, &[0.0, 0.0], &AugmentedLagrangian::default(),
///                              &Options::default())?;
/// // The projection of (2, 1) on x + y = 1: (1, 0), with multiplier μ = 2 (∇f + μ∇c = 0).
/// assert!(r.converged);
/// assert!((r.x[0] - 1.0).abs() < 1e-6 && r.x[1].abs() < 1e-6);
/// assert!((r.multipliers[0] - 2.0).abs() < 1e-5 && r.multipliers[1].abs() < 1e-8);
/// # Ok::<(), hessopt::Error>(())
/// ```
pub struct Constraint<'a> {
    /// Equality or inequality, as given.
    pub kind: Kind,
    value: ValueFn<'a>,
    gradient: Option<GradientFn<'a>>,
    /// Text for messages.
    pub label: String,
}

impl std::fmt::Debug for Constraint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Constraint({:?}, {})", self.kind, self.label)
    }
}

impl<'a> Constraint<'a> {
    /// A constraint from its function; the gradient is taken by central differences unless
    /// [`Constraint::with_gradient`] gives it.
    pub fn new(kind: Kind, label: impl Into<String>, value: impl Fn(&[f64]) -> f64 + 'a) -> Self {
        Constraint {
            kind,
            value: Box::new(value),
            gradient: None,
            label: label.into(),
        }
    }

    /// The exact gradient ∇c(x), written into the slice.
    pub fn with_gradient(mut self, gradient: impl Fn(&[f64], &mut [f64]) + 'a) -> Self {
        self.gradient = Some(Box::new(gradient));
        self
    }

    /// A constraint from a formula c (exact gradient): `c = 0`, `c ≥ 0` or `c ≤ 0`.
    pub fn from_formula(kind: Kind, formula: &'a Formula) -> Self {
        Constraint::new(kind, formula.to_string(), move |x: &[f64]| {
            formula.value(x).unwrap_or(f64::NAN)
        })
        .with_gradient(move |x: &[f64], g: &mut [f64]| match formula.gradient(x) {
            Ok((_, grad)) => g.copy_from_slice(&grad),
            Err(_) => g.fill(f64::NAN),
        })
    }

    /// The sign that turns the constraint into the solver's form (c = 0 or c ≥ 0).
    fn sign(&self) -> f64 {
        if self.kind == Kind::AtMostZero {
            -1.0
        } else {
            1.0
        }
    }

    /// The kind in the solver's form: `AtMostZero` is `AtLeastZero` of −c.
    fn form(&self) -> Kind {
        match self.kind {
            Kind::Equal => Kind::Equal,
            Kind::AtLeastZero | Kind::AtMostZero => Kind::AtLeastZero,
        }
    }

    /// c(x) in the solver's form (negated for `AtMostZero`).
    fn eval(&self, x: &[f64]) -> f64 {
        self.sign() * (self.value)(x)
    }

    /// ∇c(x) in the solver's form: the given gradient, or central differences of c.
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        match &self.gradient {
            Some(gradient) => gradient(x, g),
            None => {
                let c0 = (self.value)(x);
                crate::diff::central_differences(x, &[c0], |p, out| out[0] = (self.value)(p), g);
            }
        }
        let sign = self.sign();
        g.iter_mut().for_each(|v| *v *= sign);
    }
}

/// A constraint as the solver sees it: in its form (c = 0 or c ≥ 0) times a power of two `scale`
/// fixed at x0, so that the feasibility tolerance means the same for `1e-200*(x-1) >= 0`,
/// `x - 1 >= 0` and `1e200*(x-1) >= 0` (exact: the iterates are those of the unscaled problem up
/// to the scale's rounding-free product), and ρc² cannot overflow where c is of size 1e200.
struct Scaled<'c, 'a> {
    constraint: &'c Constraint<'a>,
    scale: f64,
}

impl<'c, 'a> Scaled<'c, 'a> {
    /// The constraint with its scale chosen at x0: 1 when ‖∇c(x0)‖∞ (or |c(x0)| where the
    /// gradient is zero or not finite) is within [1/1024, 1024]; otherwise the power of two that
    /// brings it into [1, 2). A constraint not finite at x0 is an error naming it (the augmented
    /// Lagrangian would otherwise report the objective as not finite there).
    fn at_start(constraint: &'c Constraint<'a>, x0: &[f64]) -> Result<Self> {
        let c0 = constraint.eval(x0);
        if !c0.is_finite() {
            return Err(Error::NonFinite {
                what: format!("constraint '{}'", constraint.label),
                at: x0.to_vec(),
            });
        }
        let mut g = vec![0.0; x0.len()];
        constraint.grad(x0, &mut g);
        let size = match g
            .iter()
            .try_fold(0.0f64, |m, v| v.is_finite().then(|| m.max(v.abs())))
        {
            Some(big) if big > 0.0 => big,
            _ => c0.abs(),
        };
        Ok(Scaled {
            constraint,
            // The penalty ρc²/2 needs gradients of moderate size both ways (1e13·(x − 1) ≥ 0
            // unscaled ends max_iterations).
            scale: crate::linalg::row_scale(size, 1024.0),
        })
    }

    fn form(&self) -> Kind {
        self.constraint.form()
    }

    /// s·c(x) in the solver's form.
    fn eval(&self, x: &[f64]) -> f64 {
        self.scale * self.constraint.eval(x)
    }

    /// s·∇c(x) in the solver's form.
    fn grad(&self, x: &[f64], g: &mut [f64]) {
        self.constraint.grad(x, g);
        g.iter_mut().for_each(|v| *v *= self.scale);
    }
}

/// Parses "lhs >= rhs", "lhs <= rhs" or "lhs = rhs" (also `==`) over `vars` into the formula
/// c = lhs − rhs (or rhs − lhs for `<=`) and its kind.
pub fn parse_constraint(text: &str, vars: &[&str]) -> Result<(Formula, Kind)> {
    // Comparisons inside parentheses are not the constraint's: `sum(i = 1..len(x), x[i]) = 1`.
    let comparisons = top_level_comparisons(text);
    let split = |(at, op): (usize, &str)| (&text[..at], &text[at + op.len()..]);
    let (lhs, rhs, kind, flip) = if let Some(&c) = comparisons.first() {
        if comparisons.len() > 1 {
            return Err(Error::invalid(
                "constraint",
                format!("'{text}' has more than one comparison"),
            ));
        }
        let (l, r) = split(c);
        match c.1 {
            ">=" => (l, r, Kind::AtLeastZero, false),
            "<=" => (l, r, Kind::AtLeastZero, true),
            "=" | "==" => (l, r, Kind::Equal, false),
            strict => {
                return Err(Error::invalid(
                    "constraint",
                    format!(
                        "'{text}' has a strict '{strict}': write '{strict}=' (a minimum under a strict inequality may not exist)"
                    ),
                ));
            }
        }
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
    let expr = if flip {
        format!("({rhs}) - ({lhs})")
    } else {
        format!("({lhs}) - ({rhs})")
    };
    let f = Formula::parse_with_vars(&expr, vars)
        .map_err(|e| Error::invalid("constraint", format!("'{text}': {e}")))?;
    Ok((f, kind))
}

/// The comparisons (`>=`, `<=`, `==`, `=`, and a strict `<` or `>`, which are refused) outside any parentheses or brackets, with their byte offsets.
fn top_level_comparisons(text: &str) -> Vec<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let (mut depth, mut k, mut found) = (0i64, 0, Vec::new());
    while k < bytes.len() {
        match bytes[k] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'>' | b'<' | b'=' if depth == 0 => {
                let op = match (bytes[k], bytes.get(k + 1)) {
                    (b'>', Some(b'=')) => ">=",
                    (b'<', Some(b'=')) => "<=",
                    (b'=', Some(b'=')) => "==",
                    (b'=', _) => "=",
                    (b'>', _) => ">",
                    _ => "<",
                };
                found.push((k, op));
                k += op.len();
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    found
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
    /// Largest violation max(|cᵢ|, max(0, −gⱼ)) of the constraints as the solver sees them, each
    /// times its power of two [`ConstrainedReport::constraint_scales`] (1 for constraints of
    /// ordinary size): the quantity the certificate compares with
    /// [`AugmentedLagrangian::feasibility_tol`].
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
    /// One multiplier per constraint, in input order (μ ≥ 0 for inequalities), in the user's units.
    pub multipliers: Vec<f64>,
    /// Largest constraint violation in the user's units.
    pub max_violation: f64,
    /// The power of two each constraint was multiplied by for the solve (chosen at x0: 1 unless
    /// ‖∇c(x0)‖∞ is outside [1/1024, 1024], then the scale that brings it into [1, 2)), so that
    /// `1e-200*(x-1) >= 0` is solved as `x-1 >= 0`.
    pub constraint_scales: Vec<f64>,
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
    /// The start and every outer iteration (value f, gradient norm the inner solve's projected
    /// gradient of L_A), when `Options::keep_trace` asked for it.
    pub trace: Vec<IterationInfo>,
}

fn violation(kind: Kind, c: f64) -> f64 {
    match kind {
        Kind::Equal => c.abs(),
        Kind::AtLeastZero | Kind::AtMostZero => (-c).max(0.0),
    }
}

/// The largest violation at x of the constraints as the solver sees them (NaN counts as ∞).
fn max_violation(constraints: &[Scaled<'_, '_>], x: &[f64]) -> f64 {
    constraints
        .iter()
        .map(|c| {
            let v = violation(c.form(), c.eval(x));
            if v.is_nan() { f64::INFINITY } else { v }
        })
        .fold(0.0f64, f64::max)
}

/// The user's objective with every call counted: values (those of numerical gradients
/// included) and gradients, over inner solves, KKT checks and the second-order test alike.
struct Counted<'p, 'a> {
    problem: &'p Problem<'a>,
    f: Cell<usize>,
    gradient: Cell<usize>,
    /// Values of the objective itself that were not finite (not those of the constraints).
    non_finite: Cell<usize>,
}

impl Counted<'_, '_> {
    fn value(&self, x: &[f64]) -> f64 {
        self.f.set(self.f.get() + 1);
        let v = self.problem.value(x);
        if !v.is_finite() {
            self.non_finite.set(self.non_finite.get() + 1);
        }
        v
    }

    /// ∇f: the problem's own, or central differences of counted values.
    fn gradient(&self, x: &[f64], g: &mut [f64]) {
        if self.problem.has_gradient() {
            self.gradient.set(self.gradient.get() + 1);
            self.problem.gradient_into(x, g);
        } else {
            let f0 = self.value(x);
            crate::diff::central_differences(x, &[f0], |p, out| out[0] = self.value(p), g);
        }
    }

    fn used(&self) -> usize {
        self.f.get() + self.gradient.get()
    }
}

/// The augmented Lagrangian's term for one constraint value c with multiplier μ and penalty ρ
/// (ψ for inequalities), and its derivative with respect to c.
fn penalty_term(kind: Kind, c: f64, mu: f64, rho: f64) -> (f64, f64) {
    match kind {
        Kind::AtLeastZero if c > mu / rho => (-mu * mu / (2.0 * rho), 0.0),
        _ => (-mu * c + 0.5 * rho * c * c, -mu + rho * c),
    }
}

/// A violation below this times ‖x‖∞·‖∇c‖∞ is rounding of c at x (1e3 ε).
const FAR_ROUNDING: f64 = 1e3 * f64::EPSILON;

/// Largest stretch of the steps along a direction of negative curvature tried per escape, in units
/// of max(1, ‖x‖∞); the steps are 1, 1/4, 1/16, … of it.
const ESCAPE_STEPS: usize = 8;
/// How many times a run steps off a constrained saddle or maximum before reporting it.
const MAX_ESCAPES: usize = 5;

/// Minimizes `problem` (its bounds included) subject to `constraints` from `x0`.
///
/// At a point where the first-order KKT conditions hold, the reduced Hessian of the Lagrangian is
/// checked (the reduced Hessian of the Lagrangian); with negative curvature the run steps off along it (the
/// augmented Lagrangian must decrease) and continues, up to 5 times, then reports
/// [`Termination::Saddle`] or [`Termination::Maximum`] — never converged. `evaluations` counts
/// every call of the objective and its gradient. Limits: `config.max_outer` outer iterations,
/// `options.max_evals` (checked between inner solves, each of which gets the remainder),
/// `options.time_limit` (the same), and `options.max_iter` for each inner solve.
pub fn minimize_constrained(
    problem: &Problem<'_>,
    constraints: &[Constraint<'_>],
    x0: &[f64],
    config: &AugmentedLagrangian,
    options: &Options,
) -> Result<ConstrainedReport> {
    minimize_constrained_with_callback(problem, constraints, x0, config, options, None)
}

/// [`minimize_constrained`] with a callback called after every outer iteration; it can stop
/// the run ([`Termination::Callback`]).
pub fn minimize_constrained_with_callback(
    problem: &Problem<'_>,
    constraints: &[Constraint<'_>],
    x0: &[f64],
    config: &AugmentedLagrangian,
    options: &Options,
    callback: Option<Callback<'_>>,
) -> Result<ConstrainedReport> {
    let n = problem.dim();
    Error::check_dim("x0", n, x0.len())?;
    // options.max_iter is each inner solve's; the outer limit is config.max_outer.
    let outer_options = Options {
        max_iter: Some(config.max_outer),
        ..options.clone()
    };
    let mut mon = Monitor::new(&outer_options, config.max_outer, callback);
    let scaled = constraints
        .iter()
        .map(|c| Scaled::at_start(c, x0))
        .collect::<Result<Vec<_>>>()?;
    let constraints = &scaled[..];
    let m = constraints.len();
    let mut mult = vec![0.0; m];
    let mut rho = config.initial_penalty;
    let mut omega = 1.0 / rho;
    let mut eta = 1.0 / rho.powf(0.1);
    let mut x = x0.to_vec();
    let mut non_finite = 0;
    let mut inner_iterations = 0;
    let mut escapes = 0;
    let objective = Counted {
        problem,
        f: Cell::new(0),
        gradient: Cell::new(0),
        non_finite: Cell::new(0),
    };
    let cvals = |x: &[f64]| -> Vec<f64> { constraints.iter().map(|c| c.eval(x)).collect() };
    let al_value = |x: &[f64], mult: &[f64], r: f64| {
        let mut v = objective.value(x);
        for (c, &mu) in constraints.iter().zip(mult) {
            v += penalty_term(c.form(), c.eval(x), mu, r).0;
        }
        v
    };
    let al_grad = |x: &[f64], g: &mut [f64], mult: &[f64], r: f64| {
        objective.gradient(x, g);
        let mut gc = vec![0.0; x.len()];
        for (c, &mu) in constraints.iter().zip(mult) {
            let w = penalty_term(c.form(), c.eval(x), mu, r).1;
            if w != 0.0 {
                c.grad(x, &mut gc);
                for (gi, gci) in g.iter_mut().zip(&gc) {
                    *gi += w * gci;
                }
            }
        }
    };
    let record = |mon: &mut Monitor<'_>, k: usize, x: &[f64], gradient_norm: f64| {
        mon.wants_records().then(|| IterationInfo {
            iteration: k,
            x: x.to_vec(),
            value: objective.value(x),
            gradient_norm,
            evaluations: objective.used(),
        })
    };
    if let Some(info) = record(&mut mon, 0, &x, f64::NAN) {
        mon.start_point(info);
    }
    let mut outer = 0;
    let termination = loop {
        if let Some(t) = mon.limit(outer, objective.used()) {
            break t;
        }
        outer += 1;
        let (r, mult_now) = (rho, mult.clone());
        let mut inner = Problem::new(n, |x: &[f64]| al_value(x, &mult_now, r))
            .with_gradient(|x: &[f64], g: &mut [f64]| al_grad(x, g, &mult_now, r));
        if let Some((lo, hi)) = problem.bounds() {
            inner = inner.with_bounds(lo.to_vec(), hi.to_vec())?;
        }
        // What is left of the budget and the time (the monitor checked that some is).
        let mut inner_options = options.clone().with_g_tol(omega)?.with_trace(false);
        if let Some(max) = options.max_evals {
            inner_options = inner_options.with_max_evals(max - objective.used())?;
        }
        if let Some(limit) = options.time_limit {
            inner_options = inner_options.with_time_limit(limit.saturating_sub(mon.elapsed()));
        }
        let overflows = objective.non_finite.get();
        let r = minimize(
            &inner,
            &x,
            &Method::Lbfgsb(Lbfgsb::default().with_factr(0.0)?),
            &inner_options,
        )?;
        non_finite += r.evaluations.non_finite;
        inner_iterations += r.iterations;
        // Did the inner solve run off to infinity (f → −∞ or ‖x‖∞ > 1e150, or so far that a
        // violation above η is below the rounding of c there)? Then f → −∞ along the constraints
        // when the far point is feasible up to η and that rounding. Otherwise the penalty may be
        // too weak to hold the iterates on the constraints (−100x² with x = 0 at ρ = 10, whose
        // violation grows as fast as x): x stays where it was and ρ grows; a run that still
        // leaves at the largest penalty is unbounded (x·y on x + y = 2: L_A falls along
        // (1, −1) for every ρ, but the inner path drifts off the line).
        let (diverged, held) = {
            let far = r.x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let mut g = vec![0.0; n];
            let mut unresolved = false;
            let mut held = true;
            for c in constraints {
                let v = violation(c.form(), c.eval(&r.x));
                c.grad(&r.x, &mut g);
                let rounding = FAR_ROUNDING * far * g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                unresolved |= v > eta && v <= rounding;
                held &= v.is_finite() && v <= eta + rounding;
            }
            let diverged = unresolved
                || r.termination == Termination::Unbounded
                || r.x.iter().any(|v| v.is_nan() || v.abs() > 1e150);
            (diverged, !diverged || held)
        };
        // An inner solve that left the constraints — it ran off, or it met points where the
        // objective was not finite and ended further from feasibility than it started — may face
        // an L_A unbounded below for every ρ (−eˣ on x = 1: no quadratic penalty holds an
        // exponential; from x = 50 the solve ran to the overflow at 660 and every later one
        // stayed there). The next solve starts, with a larger ρ, from the feasible point that
        // phase one finds from where this one started (a restoration step, as SQP methods take),
        // when that point is new and f is finite there: near the constraints L_A has its local
        // minimum.
        let left = !held
            || (objective.non_finite.get() > overflows
                && max_violation(constraints, &r.x) > max_violation(constraints, &x));
        let restored = if left {
            feasible_point(problem, constraints, &x, config.feasibility_tol)?
                .filter(|p| *p != x && objective.value(p).is_finite())
        } else {
            None
        };
        let restored_none = restored.is_none();
        // Where the inner solve ran off to, when it did so off the constraints.
        let ran_off = match restored {
            Some(p) => {
                x = p;
                None
            }
            None if held => {
                x = r.x;
                None
            }
            None => Some(r.x),
        };
        let held = held && restored_none;
        if let Some(info) = record(&mut mon, outer, &x, r.gradient_norm) {
            if let Some(t) = mon.record(info) {
                break t;
            }
        }
        if r.termination == Termination::TimeLimit {
            break r.termination;
        }
        if diverged && held {
            break Termination::Unbounded;
        }
        let c = cvals(&x);
        let viol = if !held {
            f64::INFINITY
        } else {
            constraints
                .iter()
                .zip(&c)
                .zip(&mult)
                .map(|((k, &ci), &mu)| match k.form() {
                    Kind::Equal => ci.abs(),
                    Kind::AtLeastZero | Kind::AtMostZero => ci.min(mu / rho).abs(),
                })
                .fold(0.0f64, f64::max)
        };
        if viol <= eta {
            for ((k, &ci), mu) in constraints.iter().zip(&c).zip(mult.iter_mut()) {
                *mu = match k.form() {
                    Kind::Equal => *mu - rho * ci,
                    Kind::AtLeastZero | Kind::AtMostZero => (*mu - rho * ci).max(0.0),
                };
            }
            let kkt = kkt(&objective, constraints, &x, &mult);
            if kkt.feasibility <= config.feasibility_tol
                && kkt.stationarity <= config.optimality_tol
                && kkt.complementarity <= config.optimality_tol
            {
                let curvature = second_order(&objective, constraints, &x, &mult, config);
                if curvature.negative == 0 {
                    break Termination::KktConditions;
                }
                let stop = if curvature.negative == curvature.free {
                    Termination::Maximum
                } else {
                    Termination::Saddle
                };
                if escapes >= MAX_ESCAPES {
                    break stop;
                }
                escapes += 1;
                let here = al_value(&x, &mult, rho);
                let scale = x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
                let mut d = curvature.direction;
                let mut g = vec![0.0; n];
                al_grad(&x, &mut g, &mult, rho);
                if g.iter().zip(&d).map(|(a, b)| a * b).sum::<f64>() > 0.0 {
                    d.iter_mut().for_each(|v| *v = -*v);
                }
                let step = (0..ESCAPE_STEPS).find_map(|k| {
                    let t = scale / 4f64.powi(k as i32);
                    let mut y: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + t * b).collect();
                    if let Some((lo, hi)) = problem.bounds() {
                        for (i, v) in y.iter_mut().enumerate() {
                            *v = v.clamp(lo[i], hi[i]);
                        }
                    }
                    (al_value(&y, &mult, rho) < here).then_some(y)
                });
                let Some(y) = step else { break stop };
                x = y;
            } else {
                eta = (eta / rho.powf(0.9)).max(0.1 * config.feasibility_tol);
                omega = (omega / rho).max(0.1 * config.optimality_tol);
            }
        } else {
            rho *= 10.0;
            eta = (1.0 / rho.powf(0.1)).max(0.1 * config.feasibility_tol);
            omega = (1.0 / rho).max(0.1 * config.optimality_tol);
            if rho > 1e12 {
                if let Some(far) = ran_off {
                    x = far;
                    break Termination::Unbounded;
                }
                break match feasible_point(problem, constraints, &x, config.feasibility_tol)? {
                    None => Termination::Infeasible,
                    // The objective's own non-finite values, not the constraints' (sqrt(x) ≤ −1
                    // from 5 met NaN constraint values only, and was called objective_not_finite).
                    Some(p)
                        if !objective.value(&p).is_finite() || objective.non_finite.get() > 0 =>
                    {
                        Termination::ObjectiveNotFinite
                    }
                    Some(_) => Termination::NoProgress,
                };
            }
        }
    };
    let kkt = kkt(&objective, constraints, &x, &mult);
    let value = objective.value(&x);
    let max_violation = constraints
        .iter()
        .map(|c| violation(c.form(), c.constraint.eval(&x)))
        .fold(0.0f64, f64::max);
    // The certificate at the returned x: first order from the residuals just computed; second
    // order was checked where the loop ended on it.
    let converged = termination == Termination::KktConditions
        && kkt.feasibility <= config.feasibility_tol
        && kkt.stationarity <= config.optimality_tol
        && kkt.complementarity <= config.optimality_tol;
    Ok(ConstrainedReport {
        value,
        multipliers: mult
            .iter()
            .zip(constraints)
            .map(|(mu, c)| mu * c.scale)
            .collect(),
        max_violation,
        constraint_scales: constraints.iter().map(|c| c.scale).collect(),
        kkt,
        outer_iterations: outer,
        inner_iterations,
        evaluations: Counts {
            f: objective.f.get(),
            gradient: objective.gradient.get(),
            hessian: 0,
            non_finite,
        },
        penalty: rho,
        converged,
        termination,
        x,
        trace: mon.into_trace(),
    })
}

/// The reduced-Hessian test at x for the multipliers `mult`: active rows are the equalities, the
/// inequalities with μ > 0 or |g| ≤ feasibility_tol, and the variables at a bound. The tolerance
/// on negative eigenvalues is 1e-6 · max(1, max |Hᵢⱼ|) with an exact objective gradient, 1e-3 ·
/// max(1, max |Hᵢⱼ|) when ∇f itself is a central difference (differences of differences).
fn second_order(
    objective: &Counted<'_, '_>,
    constraints: &[Scaled<'_, '_>],
    x: &[f64],
    mult: &[f64],
    config: &AugmentedLagrangian,
) -> Curvature {
    let n = x.len();
    let mut active = Vec::new();
    for (c, &mu) in constraints.iter().zip(mult) {
        if c.form() == Kind::Equal || mu > 0.0 || c.eval(x).abs() <= config.feasibility_tol {
            let mut row = vec![0.0; n];
            c.grad(x, &mut row);
            active.push(row);
        }
    }
    if let Some((lo, hi)) = objective.problem.bounds() {
        for i in (0..n).filter(|&i| x[i] <= lo[i] || x[i] >= hi[i]) {
            let mut row = vec![0.0; n];
            row[i] = 1.0;
            active.push(row);
        }
    }
    let lagrangian_grad = |p: &[f64], g: &mut [f64]| {
        objective.gradient(p, g);
        let mut gc = vec![0.0; n];
        for (c, &mu) in constraints.iter().zip(mult) {
            c.grad(p, &mut gc);
            for (gi, gci) in g.iter_mut().zip(&gc) {
                *gi -= mu * gci;
            }
        }
    };
    let rel_tol = if objective.problem.has_gradient() {
        1e-6
    } else {
        1e-3
    };
    reduced_curvature(x, &lagrangian_grad, &active, rel_tol)
}

fn kkt(
    objective: &Counted<'_, '_>,
    constraints: &[Scaled<'_, '_>],
    x: &[f64],
    mult: &[f64],
) -> Kkt {
    let n = x.len();
    let mut g = vec![0.0; n];
    objective.gradient(x, &mut g);
    let mut gc = vec![0.0; n];
    let (mut feas, mut comp) = (0.0f64, 0.0f64);
    for (c, &mu) in constraints.iter().zip(mult) {
        let ci = c.eval(x);
        c.grad(x, &mut gc);
        for (gi, gci) in g.iter_mut().zip(&gc) {
            *gi -= mu * gci;
        }
        feas = feas.max(violation(c.form(), ci));
        if c.form() == Kind::AtLeastZero {
            comp = comp.max((mu * ci).abs());
        }
    }
    Kkt {
        stationarity: projected_gradient_norm(x, &g, objective.problem.bounds()),
        feasibility: feas,
        complementarity: comp,
    }
}

/// Phase one, run when the penalty reached its limit: minimizes the violation ½Σ vᵢ² alone
/// (vᵢ = cᵢ for equalities, min(cᵢ, 0) for inequalities; L-BFGS-B within the bounds) from x.
/// Returns the feasible point it found (violation ≤ `tol`), or None: then the constraints look
/// infeasible indeed.
fn feasible_point(
    problem: &Problem<'_>,
    constraints: &[Scaled<'_, '_>],
    x: &[f64],
    tol: f64,
) -> Result<Option<Vec<f64>>> {
    let part = |k: &Scaled<'_, '_>, ci: f64| match k.form() {
        Kind::Equal => ci,
        Kind::AtLeastZero | Kind::AtMostZero => ci.min(0.0),
    };
    let value = |p: &[f64]| {
        0.5 * constraints
            .iter()
            .map(|k| part(k, k.eval(p)).powi(2))
            .sum::<f64>()
    };
    let gradient = |p: &[f64], g: &mut [f64]| {
        g.fill(0.0);
        let mut gc = vec![0.0; p.len()];
        for k in constraints {
            let v = part(k, k.eval(p));
            if v != 0.0 {
                k.grad(p, &mut gc);
                for (gj, cj) in g.iter_mut().zip(&gc) {
                    *gj += v * cj;
                }
            }
        }
    };
    let mut phase_one = Problem::new(x.len(), value).with_gradient(gradient);
    if let Some((lo, hi)) = problem.bounds() {
        phase_one = phase_one.with_bounds(lo.to_vec(), hi.to_vec())?;
    }
    let r = minimize(
        &phase_one,
        x,
        // No factr test: it stopped x² + y² = 1 from (50, 0) at a violation of 2e-8.
        &Method::Lbfgsb(Lbfgsb::default().with_factr(0.0)?),
        &Options::default().with_g_tol(0.0)?.with_max_iter(1000)?,
    )?;
    // A constraint that is not finite there is violated (f64::min and max would drop its NaN).
    let feasible = constraints.iter().all(|k| {
        let c = k.eval(&r.x);
        c.is_finite() && part(k, c).abs() <= tol
    });
    Ok(feasible.then_some(r.x))
}
