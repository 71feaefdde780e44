//! # hessopt: derivatives, Hessian analysis and the optimizers built on them
//!
//! A tour, from a formula to what its Hessian says.
//!
//! **Formulas** are parsed once into a tape; value, gradient (reverse mode) and Hessian
//! (forward-over-reverse) are exact to rounding:
//!
//! ```
//! use hessopt::Formula;
//! let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"])?;
//! let d = f.hessian(&[1.0, 1.0])?;
//! assert_eq!(d.gradient, vec![0.0, 0.0]);
//! assert_eq!(d.hessian.as_slice(), &[802.0, -400.0, -400.0, 200.0]);
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! **Analysis** of a Hessian: eigenvalues, definiteness, condition number, classification:
//!
//! ```
//! # use hessopt::Formula;
//! use hessopt::analysis::{HessianAnalysis, Classification, Definiteness};
//! # let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"])?;
//! let x = [1.0, 1.0];
//! let d = f.hessian(&x)?;
//! let a = HessianAnalysis::new(&d.hessian, &d.gradient);
//! assert_eq!(a.definiteness, Definiteness::PositiveDefinite);
//! assert_eq!(a.classification, Classification::Minimum);
//! assert!((a.condition_number - 2508.0).abs() < 1.0);
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! **Vector functions** (formulas separated by `;`) have exact Jacobians, see [`FormulaSet`];
//! **Rust code** generic over a dual-number type gets exact derivatives through [`dual`].
//!
//! **Black boxes** get numerical derivatives with error estimates ([`diff`]):
//!
//! ```
//! let f = |x: &[f64]| (x[0] * 1e4).sin() + x[1].exp();
//! let h = hessopt::diff::hessian(&f, &[1e-4, 1.0])?;
//! let exact = -1e8 * 1f64.sin();
//! assert!((h.hessian[(0, 0)] - exact).abs() < 1e-7 * exact.abs());
//! assert!(h.error[(0, 0)] > 0.0 && h.evaluations <= 25);
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! **Minimization** ([`solve`]): one driver, thirteen methods, an honest report, and the Hessian at
//! the optimum with standard errors:
//!
//! ```
//! use hessopt::{Formula, Problem, solve::{minimize, curvature_at, Method, Options}};
//! let f = Formula::parse_with_vars("(x - 1)^2 + 4*(y + 2)^2 + x*y", &["x", "y"])?;
//! let p = Problem::from_formula(&f);
//! let r = minimize(&p, &[0.0, 0.0], &Method::default_for(&p), &Options::default())?;
//! assert!(r.converged);
//! let c = curvature_at(&p, &r.x)?;
//! let se = c.standard_errors.unwrap(); // √diag(H⁻¹), H = [[2, 1], [1, 8]]
//! assert!((se[0] - (8.0f64 / 15.0).sqrt()).abs() < 1e-12);
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! A **closure** is a problem too: the gradient is numerical unless given
//! ([`Problem::with_gradient`]), and the report prints itself:
//!
//! ```
//! use hessopt::{Problem, solve::{minimize, Method, Options}};
//! let rosenbrock = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
//! let p = Problem::new(2, rosenbrock).with_gradient(|x: &[f64], g: &mut [f64]| {
//!     g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
//!     g[1] = 200.0 * (x[1] - x[0] * x[0]);
//! });
//! let r = minimize(&p, &[-1.2, 1.0], &Method::from_name("BFGS")?, &Options::default())?;
//! assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-6 && (r.x[1] - 1.0).abs() < 1e-6);
//! println!("{r}"); // method, verdict, f, |g|, x, evaluations
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! Every report a user prints has a `Display` ([`display`]); a fit prints R's coefficient table.
//!
//! **Least squares, constraints, roots, fits**: [`solve::LevenbergMarquardt`],
//! [`solve::lstsq`], [`solve::minimize_constrained`], [`root`], [`fit`]; curvature at scale by
//! [`analysis::lanczos`]; test problems with known minima in [`problems`].
//!
//! Bad input is an [`Error`] naming the problem, never a panic:
//!
//! ```
//! let err = hessopt::Formula::parse("x + * y").unwrap_err();
//! assert_eq!(err.to_string(), "parse error at byte 4: expected a number, name or '(' but found '*'");
//! ```

pub mod analysis;
pub mod diff;
pub mod display;
pub mod dual;
mod error;
pub mod expr;
pub mod fit;
pub mod input;
pub mod limits;
mod linalg;
pub mod problem;
pub mod problems;
pub mod rng;
pub mod root;
pub mod solve;
pub mod special;

pub use error::{Error, Result};
pub use expr::{Derivatives, Formula, FormulaSet, Workspace};
pub use problem::{Counts, NanPolicy, Problem};
pub use rng::Rng;
