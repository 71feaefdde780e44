//! Line searches: find a step α along a descent direction d with sufficient decrease
//! f(x + αd) ≤ f(x) + c₁ α ∇f(x)ᵀd (Armijo) and, for the Wolfe searches, a curvature condition.
//!
//! - [`LineSearch::MoreThuente`]: strong Wolfe conditions by Moré & Thuente's safeguarded cubic /
//!   quadratic interpolation (ACM TOMS 20, 1994; the MINPACK-2 `dcsrch`/`dcstep` logic).
//! - [`LineSearch::HagerZhang`]: approximate Wolfe conditions of Hager & Zhang (ACM TOMS 32, 2006),
//!   accurate near the minimum where the Armijo test drowns in rounding.
//! - [`LineSearch::Backtracking`]: Armijo backtracking with safeguarded quadratic interpolation.
//!
//! Every search backs off from non-finite trial points (counted by the evaluator), and a Wolfe
//! search that fails falls back to backtracking before giving up.

mod backtracking;
mod hager_zhang;
mod more_thuente;

use crate::error::{Error, Result};
use crate::problem::Evaluator;

/// A line search and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LineSearch {
    /// Strong Wolfe: sufficient decrease `c1`, curvature |φ'(α)| ≤ `c2` |φ'(0)|.
    MoreThuente {
        /// Sufficient-decrease constant (0 < c1 < c2 < 1).
        c1: f64,
        /// Curvature constant.
        c2: f64,
    },
    /// Approximate Wolfe conditions (Hager–Zhang), with their `delta` (= c1) and `sigma` (= c2).
    HagerZhang {
        /// Sufficient-decrease constant δ.
        delta: f64,
        /// Curvature constant σ.
        sigma: f64,
    },
    /// Armijo backtracking with sufficient-decrease constant `c1`.
    Backtracking {
        /// Sufficient-decrease constant.
        c1: f64,
    },
}

impl LineSearch {
    /// Moré–Thuente with c1 = 1e-4 and c2 = 0.9 (quasi-Newton methods).
    pub fn more_thuente() -> Self {
        LineSearch::MoreThuente { c1: 1e-4, c2: 0.9 }
    }

    /// Hager–Zhang with δ = 0.1, σ = 0.9 (their defaults).
    pub fn hager_zhang() -> Self {
        LineSearch::HagerZhang {
            delta: 0.1,
            sigma: 0.9,
        }
    }

    /// Backtracking with c1 = 1e-4.
    pub fn backtracking() -> Self {
        LineSearch::Backtracking { c1: 1e-4 }
    }

    /// Checks the constants.
    pub fn validate(&self) -> Result<()> {
        let (a, b) = match *self {
            LineSearch::MoreThuente { c1, c2 } => (c1, c2),
            LineSearch::HagerZhang { delta, sigma } => (delta, sigma),
            LineSearch::Backtracking { c1 } => (c1, 0.999),
        };
        if a > 0.0 && a < b && b < 1.0 {
            Ok(())
        } else {
            Err(Error::invalid(
                "line search",
                format!("constants must satisfy 0 < {a} < {b} < 1"),
            ))
        }
    }

    /// Name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            LineSearch::MoreThuente { .. } => "more-thuente",
            LineSearch::HagerZhang { .. } => "hager-zhang",
            LineSearch::Backtracking { .. } => "backtracking",
        }
    }
}

/// φ(α) = f(x + αd) with φ'(α) = ∇f(x + αd)ᵀd, remembering the best point evaluated.
pub(crate) struct Phi<'e, 'p, 'a> {
    ev: &'e mut Evaluator<'p, 'a>,
    x: &'e [f64],
    d: &'e [f64],
    xt: Vec<f64>,
    gt: Vec<f64>,
    with_gradient: bool,
}

/// One evaluated trial point.
#[derive(Debug, Clone)]
pub(crate) struct Trial {
    pub(crate) alpha: f64,
    pub(crate) f: f64,
    pub(crate) dphi: f64,
    pub(crate) x: Vec<f64>,
    pub(crate) g: Vec<f64>,
}

impl<'e, 'p, 'a> Phi<'e, 'p, 'a> {
    pub(crate) fn new(ev: &'e mut Evaluator<'p, 'a>, x: &'e [f64], d: &'e [f64]) -> Self {
        let n = x.len();
        Phi {
            ev,
            x,
            d,
            xt: vec![0.0; n],
            gt: vec![0.0; n],
            with_gradient: true,
        }
    }

    /// φ and φ' at α (φ' is NaN when the point is not finite).
    pub(crate) fn eval(&mut self, alpha: f64) -> Result<Trial> {
        for i in 0..self.x.len() {
            self.xt[i] = self.x[i] + alpha * self.d[i];
        }
        let (f, dphi) = if self.with_gradient {
            let f = self.ev.value_grad(&self.xt, &mut self.gt)?;
            let dphi: f64 = self.gt.iter().zip(self.d).map(|(g, d)| g * d).sum();
            (f, dphi)
        } else {
            (self.ev.value(&self.xt)?, f64::NAN)
        };
        let finite = f.is_finite() && (!self.with_gradient || dphi.is_finite());
        Ok(Trial {
            alpha,
            f: if finite { f } else { f64::NAN },
            dphi: if finite { dphi } else { f64::NAN },
            x: self.xt.clone(),
            g: self.gt.clone(),
        })
    }
}

/// Searches along `d` from `x` (value `f0`, slope `dphi0 < 0`) starting with step `alpha0`, at
/// most `alpha_max`. Returns the accepted trial, or `None` when no acceptable step was found.
#[allow(clippy::too_many_arguments)] // the line-search state is exactly these eight numbers
pub(crate) fn search(
    ls: LineSearch,
    ev: &mut Evaluator<'_, '_>,
    x: &[f64],
    d: &[f64],
    f0: f64,
    dphi0: f64,
    alpha0: f64,
    alpha_max: f64,
) -> Result<Option<Trial>> {
    if dphi0.is_nan() || dphi0 >= 0.0 {
        return Ok(None);
    }
    let mut phi = Phi::new(ev, x, d);
    let found = match ls {
        LineSearch::MoreThuente { c1, c2 } => {
            more_thuente::search(&mut phi, f0, dphi0, alpha0, alpha_max, c1, c2)?
        }
        LineSearch::HagerZhang { delta, sigma } => {
            hager_zhang::search(&mut phi, f0, dphi0, alpha0, alpha_max, delta, sigma)?
        }
        LineSearch::Backtracking { .. } => None,
    };
    if found.is_some() {
        return Ok(found);
    }
    let c1 = match ls {
        LineSearch::MoreThuente { c1, .. } | LineSearch::Backtracking { c1 } => c1,
        LineSearch::HagerZhang { delta, .. } => delta.min(1e-4),
    };
    backtracking::search(&mut phi, f0, dphi0, alpha0.min(alpha_max), c1)
}
