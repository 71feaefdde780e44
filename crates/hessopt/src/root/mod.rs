//! Root finding: f(x) = 0 for one equation and F(x) = 0 for systems.
//!
//! Scalar ([`solve_scalar`]):
//! - **Newton** x ← x − f/f′ with the exact derivative, safeguarded: a step that does not reduce
//!   |f| is halved (up to 30 times) and, once a sign change has been seen, steps stay inside the
//!   bracket (bisection otherwise, as `rtsafe` in Numerical Recipes §9.4). Quadratic near a simple
//!   root, linear at a multiple one.
//! - **Secant** with the same |f| safeguard (superlinear, order 1.618, no derivative).
//! - **Brent** (Brent 1973, `zeroin`): inverse quadratic interpolation, secant and bisection on a
//!   bracket [a, b] with f(a) f(b) < 0 — cannot fail. Without `--bracket`, a bracket is searched
//!   outwards from x0 (steps growing by 1.6, Numerical Recipes `zbrac`).
//!
//! Systems ([`solve_system`]):
//! - **Newton**: J p = −F by LU (least squares by SVD when J is singular), with a backtracking
//!   line search on φ = ½‖F‖² (Armijo, Dennis & Schnabel §6.3); when the Newton step cannot
//!   reduce φ, the steepest-descent step −JᵀF is searched instead, so that a minimum of ‖F‖ that
//!   is not a root is found and reported rather than a stall.
//! - **Broyden**: the "good" rank-one update B ← B + (y − Bs)sᵀ/sᵀs of a Jacobian taken once at
//!   the start (and again when a step fails), same line search.
//!
//! A run is converged only when ‖F‖∞ ≤ `ftol` (default 1e-12) — or, for Brent, the bracket is
//! narrower than 4ε|x| + `xtol`. A singular Jacobian with no decrease, or a stationary point of
//! ‖F‖² that is not a root (‖JᵀF‖ ≈ 0 with F ≠ 0), is reported as such.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::linalg;

/// Why a root finder stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum RootTermination {
    /// ‖F(x)‖∞ ≤ ftol.
    Residual,
    /// Brent: the bracket is narrower than 4ε|x| + xtol (a sign change is inside it).
    Bracket,
    /// The Newton step does not reduce ‖F‖ and ‖JᵀF‖ ≤ 1e-4·‖J‖‖F‖ (or no step at all does and
    /// ‖JᵀF‖ ≤ 1e-8·‖J‖‖F‖): a minimum of ‖F‖² that is not a root.
    LocalMinimumNotRoot,
    /// The Jacobian (or derivative) is singular and no step reduces ‖F‖.
    SingularJacobian,
    /// No step reduces ‖F‖ (line search failed) for another reason.
    NoProgress,
    /// No sign change found for Brent's method.
    NoBracket,
    /// F or its derivative is NaN/Inf.
    NotFinite,
    /// The iteration limit.
    MaxIterations,
}

impl RootTermination {
    /// Whether this is a convergence test.
    pub fn certifies(self) -> bool {
        matches!(self, RootTermination::Residual | RootTermination::Bracket)
    }

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RootTermination::Residual => "residual",
            RootTermination::Bracket => "bracket",
            RootTermination::LocalMinimumNotRoot => "local_minimum_not_root",
            RootTermination::SingularJacobian => "singular_jacobian",
            RootTermination::NoProgress => "no_progress",
            RootTermination::NoBracket => "no_bracket",
            RootTermination::NotFinite => "not_finite",
            RootTermination::MaxIterations => "max_iterations",
        }
    }
}

/// Result of a root finder.
#[derive(Debug, Clone, PartialEq)]
pub struct RootReport {
    /// Method name.
    pub method: &'static str,
    /// The last iterate (the root when converged).
    pub x: Vec<f64>,
    /// ‖F(x)‖∞.
    pub residual_norm: f64,
    /// Iterations.
    pub iterations: usize,
    /// Function evaluations (F or f).
    pub evaluations: usize,
    /// Jacobian / derivative evaluations.
    pub jacobian_evaluations: usize,
    /// Why it stopped.
    pub termination: RootTermination,
    /// True only for a convergence test.
    pub converged: bool,
}

/// Tolerances and limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RootOptions {
    /// Residual tolerance ‖F‖∞.
    pub ftol: f64,
    /// Absolute bracket tolerance for Brent.
    pub xtol: f64,
    /// Iteration limit.
    pub max_iter: usize,
}

impl Default for RootOptions {
    fn default() -> Self {
        RootOptions {
            ftol: 1e-12,
            xtol: 1e-15,
            max_iter: 200,
        }
    }
}

/// Scalar methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarMethod {
    /// Safeguarded Newton.
    Newton,
    /// Safeguarded secant.
    Secant,
    /// Brent's method on a bracket.
    Brent,
}

/// A scalar equation: f and (for Newton) f′.
pub struct Scalar<'a> {
    /// f(x).
    pub f: &'a dyn Fn(f64) -> f64,
    /// f′(x), required by Newton.
    pub df: Option<&'a dyn Fn(f64) -> f64>,
}

struct Count<'a, 'b> {
    eq: &'b Scalar<'a>,
    f: usize,
    df: usize,
}

impl Count<'_, '_> {
    fn f(&mut self, x: f64) -> f64 {
        self.f += 1;
        (self.eq.f)(x)
    }
    fn df(&mut self, x: f64) -> f64 {
        self.df += 1;
        self.eq.df.map_or(f64::NAN, |d| d(x))
    }
}

fn scalar_report(
    method: &'static str,
    x: f64,
    fx: f64,
    iterations: usize,
    c: &Count<'_, '_>,
    termination: RootTermination,
) -> RootReport {
    RootReport {
        method,
        x: vec![x],
        residual_norm: fx.abs(),
        iterations,
        evaluations: c.f,
        jacobian_evaluations: c.df,
        converged: termination.certifies(),
        termination,
    }
}

/// Searches outwards from x0 for [a, b] with f(a) f(b) < 0.
fn find_bracket(c: &mut Count<'_, '_>, x0: f64) -> Option<(f64, f64, f64, f64)> {
    let h0 = 0.1 * x0.abs().max(1.0);
    let (mut a, mut b) = (x0 - h0, x0 + h0);
    let (mut fa, mut fb) = (c.f(a), c.f(b));
    for _ in 0..60 {
        if fa.is_finite() && fb.is_finite() && fa * fb <= 0.0 {
            return Some((a, fa, b, fb));
        }
        if fa.abs() < fb.abs() || !fb.is_finite() {
            a += 1.6 * (a - b);
            fa = c.f(a);
        } else {
            b += 1.6 * (b - a);
            fb = c.f(b);
        }
    }
    None
}

/// Solves f(x) = 0 from `x0` (or in `bracket`) with `method`.
pub fn solve_scalar(
    eq: &Scalar<'_>,
    x0: f64,
    bracket: Option<(f64, f64)>,
    method: ScalarMethod,
    opts: &RootOptions,
) -> Result<RootReport> {
    if !x0.is_finite() {
        return Err(Error::invalid("x0", format!("{x0} is not finite")));
    }
    let mut c = Count { eq, f: 0, df: 0 };
    match method {
        ScalarMethod::Brent => {
            let found = match bracket {
                Some((a, b)) => {
                    if a.is_nan() || b.is_nan() || a >= b {
                        return Err(Error::invalid(
                            "bracket",
                            format!("need a < b, got [{a}, {b}]"),
                        ));
                    }
                    let (fa, fb) = (c.f(a), c.f(b));
                    // As R's uniroot: a given bracket must hold a sign change.
                    if fa * fb > 0.0 || fa.is_nan() || fb.is_nan() {
                        return Err(Error::invalid(
                            "bracket",
                            if fa.is_finite() && fb.is_finite() {
                                format!("f({a}) = {fa} and f({b}) = {fb} are not of opposite sign")
                            } else {
                                format!(
                                    "f({a}) = {fa} and f({b}) = {fb}: f must be finite at both ends"
                                )
                            },
                        ));
                    }
                    Some((a, fa, b, fb))
                }
                None => find_bracket(&mut c, x0),
            };
            let Some((a, fa, b, fb)) = found else {
                let fx = c.f(x0);
                return Ok(scalar_report(
                    "brent",
                    x0,
                    fx,
                    0,
                    &c,
                    RootTermination::NoBracket,
                ));
            };
            Ok(brent(&mut c, a, fa, b, fb, opts))
        }
        ScalarMethod::Newton if eq.df.is_none() => {
            Err(Error::invalid("method newton", "needs the derivative"))
        }
        ScalarMethod::Newton | ScalarMethod::Secant => Ok(safeguarded(&mut c, x0, method, opts)),
    }
}

/// Newton or secant with |f|-decrease halving and bracket safeguard.
fn safeguarded(
    c: &mut Count<'_, '_>,
    x0: f64,
    method: ScalarMethod,
    opts: &RootOptions,
) -> RootReport {
    let name = if method == ScalarMethod::Newton {
        "newton"
    } else {
        "secant"
    };
    let mut x = x0;
    let mut fx = c.f(x);
    let mut prev: Option<(f64, f64)> = None;
    // A sign change seen so far: (a, f(a), b, f(b)) with f(a) f(b) < 0.
    let mut bracket: Option<(f64, f64, f64, f64)> = None;
    for k in 0..opts.max_iter {
        if !fx.is_finite() {
            return scalar_report(name, x, fx, k, c, RootTermination::NotFinite);
        }
        if fx.abs() <= opts.ftol {
            return scalar_report(name, x, fx, k, c, RootTermination::Residual);
        }
        let slope = match (method, prev) {
            (ScalarMethod::Newton, _) => c.df(x),
            (_, Some((xp, fp))) if xp != x => (fx - fp) / (x - xp),
            // Secant start: a small forward difference.
            _ => {
                let h = f64::EPSILON.sqrt() * x.abs().max(1.0);
                (c.f(x + h) - fx) / h
            }
        };
        let mut step = if slope != 0.0 && slope.is_finite() {
            -fx / slope
        } else {
            f64::NAN
        };
        if let Some((a, _, b, _)) = bracket {
            let (lo, hi) = (a.min(b), a.max(b));
            if !step.is_finite() || !(lo..=hi).contains(&(x + step)) {
                step = 0.5 * (lo + hi) - x; // bisect inside the known sign change
            }
        }
        if !step.is_finite() {
            let t = if slope == 0.0 {
                RootTermination::SingularJacobian
            } else {
                RootTermination::NotFinite
            };
            return scalar_report(name, x, fx, k, c, t);
        }
        let mut accepted = None;
        for _ in 0..30 {
            let xt = x + step;
            let ft = c.f(xt);
            if ft.is_finite() && (ft.abs() < fx.abs() || bracket.is_some()) {
                accepted = Some((xt, ft));
                break;
            }
            if ft.is_finite() && ft * fx < 0.0 {
                bracket = Some((x, fx, xt, ft));
            }
            step *= 0.5;
        }
        let Some((xt, ft)) = accepted else {
            return scalar_report(name, x, fx, k, c, RootTermination::NoProgress);
        };
        bracket = match bracket {
            // Keep the sign change: xt replaces the end whose value has the same sign.
            Some((_, fa, b, fb)) if ft.signum() == fa.signum() => Some((xt, ft, b, fb)),
            Some((a, fa, _, _)) => Some((a, fa, xt, ft)),
            None if ft * fx < 0.0 => Some((x, fx, xt, ft)),
            None => None,
        };
        prev = Some((x, fx));
        if xt == x {
            let t = if fx.abs() <= opts.ftol.sqrt() {
                RootTermination::Residual
            } else {
                RootTermination::NoProgress
            };
            return scalar_report(name, x, fx, k + 1, c, t);
        }
        x = xt;
        fx = ft;
    }
    scalar_report(
        name,
        x,
        fx,
        opts.max_iter,
        c,
        RootTermination::MaxIterations,
    )
}

/// Brent's `zeroin` on [a, b] with f(a) f(b) ≤ 0.
fn brent(
    c: &mut Count<'_, '_>,
    mut a: f64,
    mut fa: f64,
    mut b: f64,
    mut fb: f64,
    opts: &RootOptions,
) -> RootReport {
    if fa == 0.0 {
        return scalar_report("brent", a, fa, 0, c, RootTermination::Residual);
    }
    let (mut cc, mut fc) = (a, fa);
    let (mut d, mut e) = (b - a, b - a);
    for k in 0..opts.max_iter {
        if fb == 0.0 {
            return scalar_report("brent", b, fb, k, c, RootTermination::Residual);
        }
        if fb.signum() == fc.signum() {
            (cc, fc) = (a, fa);
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            (a, fa, b, fb, cc, fc) = (b, fb, cc, fc, b, fb);
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * opts.xtol;
        let m = 0.5 * (cc - b);
        if m.abs() <= tol || fb.abs() <= opts.ftol {
            let t = if fb.abs() <= opts.ftol {
                RootTermination::Residual
            } else {
                RootTermination::Bracket
            };
            return scalar_report("brent", b, fb, k, c, t);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q) = if a == cc {
                (2.0 * m * s, 1.0 - s)
            } else {
                let (qa, r) = (fa / fc, fb / fc);
                (
                    s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0)),
                    (qa - 1.0) * (r - 1.0) * (s - 1.0),
                )
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = d;
            }
        } else {
            d = m;
            e = d;
        }
        (a, fa) = (b, fb);
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = c.f(b);
    }
    scalar_report(
        "brent",
        b,
        fb,
        opts.max_iter,
        c,
        RootTermination::MaxIterations,
    )
}

/// System methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemMethod {
    /// Newton with a line search on ½‖F‖².
    Newton,
    /// Broyden's good update with the same line search.
    Broyden,
}

/// A Jacobian callback: J(x) into the matrix.
pub type JacobianFn<'a> = dyn Fn(&[f64], &mut DMatrix<f64>) + 'a;

/// A system F: Rⁿ → Rⁿ with an optional Jacobian.
pub struct System<'a> {
    /// Number of equations and unknowns.
    pub n: usize,
    /// F(x) into the output.
    pub f: &'a dyn Fn(&[f64], &mut [f64]),
    /// J(x) into the output (central differences when absent).
    pub jacobian: Option<&'a JacobianFn<'a>>,
}

struct SysCount<'a, 'b> {
    s: &'b System<'a>,
    f: usize,
    j: usize,
}

impl SysCount<'_, '_> {
    fn f(&mut self, x: &[f64]) -> Vec<f64> {
        self.f += 1;
        let mut out = vec![0.0; self.s.n];
        (self.s.f)(x, &mut out);
        out
    }
    fn jac(&mut self, x: &[f64], fx: &[f64]) -> DMatrix<f64> {
        self.j += 1;
        let n = self.s.n;
        let mut j = DMatrix::zeros(n, n);
        match self.s.jacobian {
            Some(jf) => jf(x, &mut j),
            None => {
                crate::diff::central_differences(
                    x,
                    fx,
                    |p, out| (self.s.f)(p, out),
                    j.as_mut_slice(),
                );
                self.f += 2 * n;
            }
        }
        j
    }
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, a| m.max(a.abs()))
}

fn half_sq(v: &[f64]) -> f64 {
    0.5 * v.iter().map(|a| a * a).sum::<f64>()
}

/// Solves F(x) = 0 from `x0`.
pub fn solve_system(
    sys: &System<'_>,
    x0: &[f64],
    method: SystemMethod,
    opts: &RootOptions,
) -> Result<RootReport> {
    let n = sys.n;
    Error::check_dim("x0", n, x0.len())?;
    if n == 0 {
        return Err(Error::invalid("system", "no unknowns"));
    }
    if let Some(i) = x0.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "x0",
            format!("x0[{i}] = {} is not finite", x0[i]),
        ));
    }
    let name = if method == SystemMethod::Newton {
        "newton"
    } else {
        "broyden"
    };
    let mut c = SysCount { s: sys, f: 0, j: 0 };
    let mut x = x0.to_vec();
    let mut fx = c.f(&x);
    let report =
        |x: Vec<f64>, fx: &[f64], k: usize, c: &SysCount<'_, '_>, t: RootTermination| RootReport {
            method: name,
            x,
            residual_norm: inf_norm(fx),
            iterations: k,
            evaluations: c.f,
            jacobian_evaluations: c.j,
            converged: t.certifies(),
            termination: t,
        };
    if fx.iter().any(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: "F at x0".into(),
            at: x,
        });
    }
    let mut j = c.jac(&x, &fx);
    let mut fresh = true;
    for k in 0..opts.max_iter {
        if inf_norm(&fx) <= opts.ftol {
            return Ok(report(x, &fx, k, &c, RootTermination::Residual));
        }
        if j.iter().any(|v| !v.is_finite()) {
            return Ok(report(x, &fx, k, &c, RootTermination::NotFinite));
        }
        let neg_f: Vec<f64> = fx.iter().map(|v| -v).collect();
        let (p, singular) = match j.clone().lu().solve(&DVector::from_column_slice(&neg_f)) {
            Some(p) if p.iter().all(|v| v.is_finite()) => {
                (p.iter().copied().collect::<Vec<f64>>(), false)
            }
            _ => {
                // Singular J: the least-squares (minimum-norm) step.
                let (u, sigma, v) = linalg::svd(&j);
                let cut = sigma.first().copied().unwrap_or(0.0) * 1e-12;
                let coef: Vec<f64> = (0..sigma.len())
                    .map(|i| {
                        if sigma[i] > cut {
                            u.column(i).dot(&DVector::from_column_slice(&neg_f)) / sigma[i]
                        } else {
                            0.0
                        }
                    })
                    .collect();
                (
                    (0..n)
                        .map(|r| (0..coef.len()).map(|i| v[(r, i)] * coef[i]).sum())
                        .collect(),
                    true,
                )
            }
        };
        // Line search on φ = ½‖F‖² along the Newton step, then along −∇φ = −JᵀF when that fails
        // (near a minimum of ‖F‖ that is not a root the Newton step is useless).
        let phi0 = half_sq(&fx);
        let gradient: Vec<f64> = (j.transpose() * DVector::from_column_slice(&fx))
            .iter()
            .map(|v| -v)
            .collect();
        let mut accepted = None;
        let fnorm = fx.iter().map(|a| a * a).sum::<f64>().sqrt();
        let stationary =
            gradient.iter().map(|a| a * a).sum::<f64>().sqrt() <= 1e-4 * j.norm() * fnorm;
        for (which, d) in [&p, &gradient].into_iter().enumerate() {
            if which == 1 && stationary {
                break; // Newton failed at a stationary point of ‖F‖²: no descent to search for
            }
            let jd = &j * DVector::from_column_slice(d);
            let slope: f64 = fx.iter().zip(jd.iter()).map(|(a, b)| a * b).sum();
            if slope >= 0.0 {
                continue;
            }
            let mut alpha = 1.0;
            for _ in 0..40 {
                let xt: Vec<f64> = x.iter().zip(d).map(|(a, b)| a + alpha * b).collect();
                let ft = c.f(&xt);
                if ft.iter().all(|v| v.is_finite()) && half_sq(&ft) <= phi0 + 1e-4 * alpha * slope {
                    accepted = Some((xt, ft));
                    break;
                }
                alpha *= 0.5;
            }
            if accepted.is_some() {
                break;
            }
        }
        let Some((xt, ft)) = accepted else {
            if method == SystemMethod::Broyden && !fresh {
                j = c.jac(&x, &fx);
                fresh = true;
                continue;
            }
            let jtf = j.transpose() * DVector::from_column_slice(&fx);
            let t = if stationary || jtf.norm() <= 1e-8 * j.norm() * fnorm {
                RootTermination::LocalMinimumNotRoot
            } else if singular {
                RootTermination::SingularJacobian
            } else {
                RootTermination::NoProgress
            };
            return Ok(report(x, &fx, k, &c, t));
        };
        let s: Vec<f64> = xt.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = ft.iter().zip(&fx).map(|(a, b)| a - b).collect();
        x = xt;
        fx = ft;
        match method {
            SystemMethod::Newton => j = c.jac(&x, &fx),
            SystemMethod::Broyden => {
                let sv = DVector::from_vec(s);
                let ss = sv.dot(&sv);
                if ss > 0.0 {
                    let r = DVector::from_vec(y) - &j * &sv;
                    j += (r * sv.transpose()) / ss;
                }
                fresh = false;
            }
        }
    }
    Ok(report(
        x,
        &fx,
        opts.max_iter,
        &c,
        RootTermination::MaxIterations,
    ))
}
