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

mod report;
mod scalar;
mod systems;

pub use report::{RootOptions, RootReport};
pub use scalar::{Scalar, ScalarMethod, solve_scalar, solve_scalar_with_callback};
pub use systems::{JacobianFn, System, SystemMethod, solve_system, solve_system_with_callback};
