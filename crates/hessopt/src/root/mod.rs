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
//! Every run ends with the shared [`Termination`](crate::solve::Termination). It is converged
//! ([`Termination::RootFound`](crate::solve::Termination::RootFound)) only when the certificate
//! holds at the returned x: ‖F‖∞ ≤ `ftol` (default 1e-12; in a system each row whose Jacobian row
//! at x0 is below 1/1024 or above 2⁶⁴ is first multiplied by a power of two that brings it to
//! size 1, so 1e-200·(x − 1) is solved as x − 1), or — one equation — a sign change
//! on a bracket narrower than 4ε|x| + `xtol` around which |f| grows (a pole closes a sign change
//! too and is a `discontinuity`). A stationary point of ‖F‖² that is not a root (‖JᵀF‖ ≈ 0 with
//! F ≠ 0) is `not_a_root`; a singular Jacobian with no decrease is `singular_jacobian`. Limits
//! (`max_iter`, `max_evals`, `time_limit`), the trace and callbacks go through the minimizers'
//! [`Monitor`](crate::solve::Monitor).
//!
//! One equation, as R's `uniroot(f, c(0, 2))` (the bracket must change sign) and by Newton with
//! the derivative:
//!
//! ```
//! use hessopt::root::{RootOptions, Scalar, ScalarMethod, solve_scalar};
//! use hessopt::solve::Termination;
//! let f = |x: f64| x * x - 2.0;
//! let df = |x: f64| 2.0 * x;
//! let brent = solve_scalar(&Scalar { f: &f, df: None }, 1.0, Some((0.0, 2.0)),
//!                          ScalarMethod::Brent, &RootOptions::default())?;
//! assert!(brent.converged && (brent.x[0] - 2f64.sqrt()).abs() < 1e-12);
//! let newton = solve_scalar(&Scalar { f: &f, df: Some(&df) }, 1.0, None,
//!                           ScalarMethod::Newton, &RootOptions::default())?;
//! assert_eq!(newton.termination, Termination::RootFound);
//! // A bracket without a sign change is an error, as in uniroot.
//! assert!(solve_scalar(&Scalar { f: &f, df: None }, 1.0, Some((2.0, 3.0)),
//!                      ScalarMethod::Brent, &RootOptions::default()).is_err());
//! // 1/x changes sign on [−1, 1] at a pole, not a root: never converged.
//! let pole = |x: f64| 1.0 / x;
//! let r = solve_scalar(&Scalar { f: &pole, df: None }, 0.5, Some((-1.0, 1.0)),
//!                      ScalarMethod::Brent, &RootOptions::default())?;
//! assert_eq!((r.converged, r.termination), (false, Termination::Discontinuity));
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! A system F(x) = 0 (here the circle x² + y² = 4 meets the line y = x), Jacobian by central
//! differences unless given:
//!
//! ```
//! use hessopt::root::{RootOptions, System, SystemMethod, solve_system};
//! let f = |x: &[f64], out: &mut [f64]| {
//!     out[0] = x[0] * x[0] + x[1] * x[1] - 4.0;
//!     out[1] = x[1] - x[0];
//! };
//! let sys = System { n: 2, f: &f, jacobian: None };
//! let r = solve_system(&sys, &[1.0, 0.5], SystemMethod::Newton, &RootOptions::default())?;
//! assert!(r.converged && r.residual_norm <= 1e-12);
//! assert!((r.x[0] - 2f64.sqrt()).abs() < 1e-10 && (r.x[1] - 2f64.sqrt()).abs() < 1e-10);
//! println!("{r}"); // method, verdict, x, ‖F‖∞, counts
//! # Ok::<(), hessopt::Error>(())
//! ```

mod report;
mod scalar;
mod systems;

/// Whether a run at a point with ‖F(x)‖∞ = `f0` ≤ ftol goes on rather than stopping there: the
/// full Newton (or secant) step, of length `p` in the max norm, lands where ‖F‖∞ = `f1` is
/// - at most a tenth of `f0`, the step above x's rounding (4ε·‖x‖∞ = `x`): a simple root ahead
///   (Newton and the secant cut |F| by at least a quarter per step only at a multiple root) or
///   F only small-scaled (1e-13·(x − 1) from x = 0 is solved at 1, not certified at 0;
///   1e-8·cos(x − 1e4) was certified 2.8e-5 from its root: the step there is below
///   √ε·|x| = 1.5e-4 but cuts |f| 1e5-fold); or
/// - below `f0`, the step not negligible against x (more than √ε·max(‖x‖∞, 1)), with x not on
///   an asymptote (`on_asymptote`, asked once per run: `root_ahead`
///   remembers the answer): a multiple root, where each step shrinks F by (1 − 1/k)ᵏ only
///   ((x − 1)⁹ had |f| = 9.5e-13 ≤ 1e-12 at 1.046 and was certified there; it now goes on to
///   within √ε of 1). An asymptote's step shrinks F too (by e for exp(−x), by 2 for 1/x), but
///   F shrinks along it at every distance: those stop and are judged by the certificate.
fn goes_on(
    (x, p): (f64, f64),
    (f0, f1): (f64, f64),
    root_ahead: &mut bool,
    on_asymptote: impl FnOnce() -> bool,
) -> bool {
    if !(f0 > 0.0 && p.is_finite() && p > 4.0 * f64::EPSILON * x) {
        return false;
    }
    if f1 <= 0.1 * f0 {
        return true;
    }
    if p <= f64::EPSILON.sqrt() * x.max(1.0) {
        return false;
    }
    if f1 < f0 && !*root_ahead {
        *root_ahead = !on_asymptote();
    }
    f1 < f0 && *root_ahead
}

/// Whether x (‖F(x)‖∞ = `f0` ≤ ftol, F ≠ 0) is on an asymptote: ‖F‖∞ (`norm`, NaN where F is not
/// finite) shrinks along the direction `p` at every distance 8ᵏ·max(4ε‖x‖∞, √f64::MIN_POSITIVE)
/// up to 2·max(‖x‖∞, 1). At a root ‖F‖ grows once the distance passes the one to the root.
fn asymptote(mut norm: impl FnMut(&[f64]) -> f64, x: &[f64], f0: f64, p: &[f64]) -> bool {
    let inf_norm = |v: &[f64]| v.iter().fold(0.0f64, |m, a| m.max(a.abs()));
    let (pn, xn) = (inf_norm(p), inf_norm(x));
    if f0 == 0.0 || !(pn > 0.0 && pn.is_finite()) {
        return false;
    }
    let radius = 2.0 * xn.max(1.0);
    let mut d = (4.0 * f64::EPSILON * xn).max(f64::MIN_POSITIVE.sqrt());
    while d <= radius {
        let xt: Vec<f64> = x.iter().zip(p).map(|(a, b)| a + d * b / pn).collect();
        let ft = norm(&xt);
        if ft.is_nan() || ft >= f0 {
            return false;
        }
        d *= 8.0;
    }
    true
}

pub use report::{RootOptions, RootReport};
pub use scalar::{Scalar, ScalarMethod, solve_scalar, solve_scalar_with_callback};
pub use systems::{JacobianFn, System, SystemMethod, solve_system, solve_system_with_callback};
