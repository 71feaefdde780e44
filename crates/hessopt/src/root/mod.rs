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
//! holds at the returned x: ‖F‖∞ ≤ `ftol` (default 1e-12), or — one equation — a sign change
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

/// Whether ‖F(x)‖∞ = `f0` ≤ ftol says only that F is small-scaled, not that x is a root: the full
/// Newton step (length `p` in the max norm) is not negligible against x (more than
/// √ε·max(‖x‖∞ = `x`, 1)) and lands where ‖F‖∞ = `f1` is at most a thousandth of `f0`. Then the
/// run goes on: 1e-13·(x − 1) from x = 0 is solved at 1, not certified at 0. An asymptote's step
/// shrinks F by a bounded factor only (e for exp(−x), 2 for 1/x), as a multiple root's does
/// ((1 − 1/k)ᵏ for a k-fold root), so those still stop and are judged by the certificate.
fn small_scale(x: f64, p: f64, f0: f64, f1: f64) -> bool {
    f0 > 0.0 && p.is_finite() && p > f64::EPSILON.sqrt() * x.max(1.0) && f1 <= 1e-3 * f0
}

pub use report::{RootOptions, RootReport};
pub use scalar::{Scalar, ScalarMethod, solve_scalar, solve_scalar_with_callback};
pub use systems::{JacobianFn, System, SystemMethod, solve_system, solve_system_with_callback};
