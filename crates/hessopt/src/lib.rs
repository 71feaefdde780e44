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
//! let a = HessianAnalysis::new(&d.hessian, &d.gradient, d.value, &x);
//! assert_eq!(a.definiteness, Definiteness::PositiveDefinite);
//! assert_eq!(a.classification, Classification::Minimum);
//! assert!((a.condition_number - 2508.0).abs() < 1.0);
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! **Vector functions** (formulas separated by `;`) have exact Jacobians, see [`FormulaSet`];
//! **Rust code** generic over a dual-number type gets exact derivatives through [`dual`].
//!
//! Bad input is an [`Error`] naming the problem, never a panic:
//!
//! ```
//! let err = hessopt::Formula::parse("x + * y").unwrap_err();
//! assert_eq!(err.to_string(), "parse error at byte 4: expected a number, name or '(' but found '*'");
//! ```

pub mod analysis;
#[cfg(feature = "serde")]
pub mod cases;
pub mod diff;
pub mod dual;
mod error;
pub mod expr;
pub mod fit;
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
