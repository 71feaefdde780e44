//! Exact derivatives of Rust code through num-dual: write the function once, generic over the
//! number type, and get its gradient and Hessian.
//!
//! ```
//! use hessopt::dual::{self, DualNum};
//! fn rosenbrock<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
//!     let a = x[1].clone() - x[0].powi(2);
//!     let b = -x[0].clone() + 1.0;
//!     a.powi(2) * 100.0 + b.powi(2)
//! }
//! let d = dual::hessian(|x| rosenbrock(x), &[1.0, 1.0])?;
//! assert_eq!(d.hessian[(0, 0)], 802.0);
//! let (f, g) = dual::gradient(|x| rosenbrock(x), &[0.5, 0.5])?;
//! assert_eq!((f, g[1]), (6.5, 50.0));
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! Two idioms trip new users, both because `D` is a generic number type rather than `f64`:
//!
//! - **The plain number goes on the right**: `x * 2.0`, `x + 1.0`, `-x + 1.0` compile (`D`
//!   implements `Mul<f64>`…), `2.0 * x` and `1.0 - x` do not (`f64` knows nothing of `D`). Write
//!   `D::from(2.0) * x` when the order matters for reading.
//! - **`D` is not `Copy`**: operators take their operands by value, so a variable used twice
//!   needs `.clone()` for all but its last use (`x[0].clone() * x[1].clone()`, as above); methods
//!   such as `powi`, `sin`, `exp` take `&self` and need none.
//!
//! ```
//! use hessopt::dual::{self, DualNum};
//! // f = 3 − 2x + x·y + exp(y)/2, written with the scalars on the right.
//! fn f<D: DualNum<Primitive = f64>>(v: &[D]) -> D {
//!     let (x, y) = (v[0].clone(), v[1].clone());
//!     -x.clone() * 2.0 + 3.0 + x * y.clone() + y.exp() * 0.5
//! }
//! let (value, g) = dual::gradient(|v| f(v), &[1.0, 0.0])?;
//! assert_eq!((value, g), (1.5, vec![-2.0, 1.5])); // f(1, 0) = 3 − 2 + ½; ∇f = (−2 + y, x + exp(y)/2)
//! # Ok::<(), hessopt::Error>(())
//! ```
//!
//! ```compile_fail
//! use hessopt::dual::DualNum;
//! fn g<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
//!     2.0 * x[0].clone() // error: cannot multiply `{float}` by `D` — write x[0].clone() * 2.0
//! }
//! ```

use nalgebra::{DMatrix, DVector, Dyn};
use num_dual::{Derivative, Dual64, DualVec};
pub use num_dual::{Dual2DVec64, DualDVec64, DualNum};
use std::rc::Rc;

use crate::error::Result;
use crate::expr::{Derivatives, check_finite};

/// Value and gradient of `f` at `x` by forward-mode dual numbers (one pass with n tangents).
pub fn gradient<F>(f: F, x: &[f64]) -> Result<(f64, Vec<f64>)>
where
    F: Fn(&[DualDVec64]) -> DualDVec64,
{
    let x0 = DVector::from_column_slice(x);
    let (v, g) = num_dual::gradient(|v: DVector<DualDVec64>| f(v.as_slice()), &x0);
    let g: Vec<f64> = g.iter().copied().collect();
    check_finite("value", &[v], x)?;
    check_finite("gradient", &g, x)?;
    Ok((v, g))
}

/// Value, gradient and Hessian of `f` at `x` by second-order dual numbers.
pub fn hessian<F>(f: F, x: &[f64]) -> Result<Derivatives>
where
    F: Fn(&[Dual2DVec64]) -> Dual2DVec64,
{
    let x0 = DVector::from_column_slice(x);
    let (v, g, h) = num_dual::hessian(|v: DVector<Dual2DVec64>| f(v.as_slice()), &x0);
    let g: Vec<f64> = g.iter().copied().collect();
    check_finite("value", &[v], x)?;
    check_finite("gradient", &g, x)?;
    check_finite("Hessian", h.as_slice(), x)?;
    Ok(Derivatives {
        value: v,
        gradient: g,
        hessian: h,
    })
}

/// Value, gradient and the Hessian-vector product H·v of generic code, exact: one evaluation on
/// vector dual numbers whose entries are themselves dual numbers along v (forward over forward),
/// O(n) tangents and no n × n matrix.
///
/// ```
/// use hessopt::dual::{DualFunction, DualNum, hvp};
/// struct Quartic;
/// impl DualFunction for Quartic {
///     fn eval<D: DualNum<Primitive = f64>>(&self, x: &[D]) -> D {
///         x[0].powi(4) + x[0].clone() * x[1].clone() * 3.0
///     }
/// }
/// // H = [[12 x0², 3], [3, 0]] at x0 = 1: H·(1, 2) = (18, 3).
/// let (f, g, hv) = hvp(&Quartic, &[1.0, 5.0], &[1.0, 2.0])?;
/// assert_eq!((f, g, hv), (16.0, vec![19.0, 3.0], vec![18.0, 3.0]));
/// # Ok::<(), hessopt::Error>(())
/// ```
pub fn hvp<F: DualFunction>(f: &F, x: &[f64], v: &[f64]) -> Result<(f64, Vec<f64>, Vec<f64>)> {
    crate::Error::check_dim("direction", x.len(), v.len())?;
    let n = x.len();
    let xs: Vec<DualVec<Dual64, Dyn>> = (0..n)
        .map(|i| {
            let mut e = DVector::from_element(n, Dual64::from(0.0));
            e[i] = Dual64::from(1.0);
            DualVec::new(Dual64::new(x[i], v[i]), Derivative::some(e))
        })
        .collect();
    let r = f.eval(&xs);
    let eps = r.eps.unwrap_generic(Dyn(n), nalgebra::U1);
    let g: Vec<f64> = eps.iter().map(|d| d.re).collect();
    let hv: Vec<f64> = eps.iter().map(|d| d.eps).collect();
    check_finite("value", &[r.re.re], x)?;
    check_finite("gradient", &g, x)?;
    check_finite("Hessian-vector product", &hv, x)?;
    Ok((r.re.re, g, hv))
}

/// Rust code written once, generic over the number type, for exact derivatives through
/// num-dual. Implement it on a struct holding the function's data.
///
/// ```
/// use hessopt::dual::{DualFunction, DualNum};
/// use hessopt::{Problem, solve::{minimize, Method, Options}};
/// struct Rosenbrock;
/// impl DualFunction for Rosenbrock {
///     fn eval<D: DualNum<Primitive = f64>>(&self, x: &[D]) -> D {
///         (x[1].clone() - x[0].powi(2)).powi(2) * 100.0 + (-x[0].clone() + 1.0).powi(2)
///     }
/// }
/// let p = Problem::from_dual(2, Rosenbrock);
/// assert!(p.has_gradient() && p.has_hessian());
/// let r = minimize(&p, &[-1.2, 1.0], &Method::default_for(&p), &Options::default())?;
/// assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-8);
/// # Ok::<(), hessopt::Error>(())
/// ```
pub trait DualFunction {
    /// The function, for any number type (f64 for values, dual numbers for derivatives).
    fn eval<D: DualNum<Primitive = f64>>(&self, x: &[D]) -> D;
}

impl<'a> crate::Problem<'a> {
    /// A problem from generic Rust code: values in f64, gradient and Hessian exact by num-dual.
    pub fn from_dual<F: DualFunction + 'a>(dim: usize, f: F) -> Self {
        let f = Rc::new(f);
        let (fg, fh) = (Rc::clone(&f), Rc::clone(&f));
        crate::Problem::new(dim, move |x: &[f64]| f.eval(x))
            .with_gradient(move |x: &[f64], g: &mut [f64]| {
                let x0 = DVector::from_column_slice(x);
                let (_, grad) =
                    num_dual::gradient(|v: DVector<DualDVec64>| fg.eval(v.as_slice()), &x0);
                g.copy_from_slice(grad.as_slice());
            })
            .with_hessian(move |x: &[f64], h: &mut DMatrix<f64>| {
                let x0 = DVector::from_column_slice(x);
                let (_, _, hess) =
                    num_dual::hessian(|v: DVector<Dual2DVec64>| fh.eval(v.as_slice()), &x0);
                h.copy_from(&hess);
            })
    }
}
