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

    /// The Armijo backtracking with this search's sufficient-decrease constant (Hager–Zhang's
    /// δ at most 1e-4): the fallback of a failed Wolfe search.
    pub(crate) fn armijo(&self) -> LineSearch {
        LineSearch::Backtracking {
            c1: self.armijo_c1(),
        }
    }

    fn armijo_c1(&self) -> f64 {
        match *self {
            LineSearch::MoreThuente { c1, .. } | LineSearch::Backtracking { c1 } => c1,
            LineSearch::HagerZhang { delta, .. } => delta.min(1e-4),
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

/// Work vectors of a line search, reused across iterations: the trial point and its gradient,
/// and the best point so far kept aside (swapped, never copied). After a successful search `x`
/// and `g` hold the accepted point.
#[derive(Debug, Default)]
pub(crate) struct LineBuffers {
    pub(crate) x: Vec<f64>,
    pub(crate) g: Vec<f64>,
    kept_x: Vec<f64>,
    kept_g: Vec<f64>,
}

impl LineBuffers {
    fn fit(&mut self, n: usize) {
        for v in [&mut self.x, &mut self.g, &mut self.kept_x, &mut self.kept_g] {
            if v.len() != n {
                v.clear();
                v.resize(n, 0.0);
            }
        }
    }
}

/// φ(α) = f(x + αd) with φ'(α) = ∇f(x + αd)ᵀd. The trial point is projected on the box when
/// there is one (a step to the boundary may leave it by rounding).
pub(crate) struct Phi<'e, 'p, 'a> {
    ev: &'e mut Evaluator<'p, 'a>,
    x: &'e [f64],
    d: &'e [f64],
    bounds: Option<(&'e [f64], &'e [f64])>,
    buf: &'e mut LineBuffers,
    with_gradient: bool,
    /// Evaluations so far; the id of the point in `buf.x`, and of the one kept aside.
    evals: usize,
    current: usize,
    kept: usize,
}

/// One evaluated trial point (its vectors stay in the search's buffers).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trial {
    pub(crate) alpha: f64,
    pub(crate) f: f64,
    pub(crate) dphi: f64,
    /// Which evaluation this is (`usize::MAX` for the origin, which has no buffers).
    id: usize,
}

impl Trial {
    /// The start of the ray, α = 0.
    pub(crate) fn origin(f0: f64, dphi0: f64) -> Self {
        Trial {
            alpha: 0.0,
            f: f0,
            dphi: dphi0,
            id: usize::MAX,
        }
    }
}

impl<'e, 'p, 'a> Phi<'e, 'p, 'a> {
    fn new(
        ev: &'e mut Evaluator<'p, 'a>,
        buf: &'e mut LineBuffers,
        x: &'e [f64],
        d: &'e [f64],
        bounds: Option<(&'e [f64], &'e [f64])>,
    ) -> Self {
        buf.fit(x.len());
        Phi {
            ev,
            x,
            d,
            bounds,
            buf,
            with_gradient: true,
            evals: 0,
            current: usize::MAX,
            kept: usize::MAX,
        }
    }

    /// φ and φ' at α (φ' is NaN when the point is not finite).
    pub(crate) fn eval(&mut self, alpha: f64) -> Result<Trial> {
        let xt = &mut self.buf.x;
        for ((t, x), d) in xt.iter_mut().zip(self.x).zip(self.d) {
            *t = x + alpha * d;
        }
        if let Some((lo, hi)) = self.bounds {
            for ((v, l), h) in xt.iter_mut().zip(lo).zip(hi) {
                *v = v.clamp(*l, *h);
            }
        }
        let (f, dphi) = if self.with_gradient {
            let f = self.ev.value_grad(&self.buf.x, &mut self.buf.g)?;
            let dphi: f64 = self.buf.g.iter().zip(self.d).map(|(g, d)| g * d).sum();
            (f, dphi)
        } else {
            (self.ev.value(&self.buf.x)?, f64::NAN)
        };
        let finite = f.is_finite() && (!self.with_gradient || dphi.is_finite());
        self.evals += 1;
        self.current = self.evals;
        Ok(Trial {
            alpha,
            f: if finite { f } else { f64::NAN },
            dphi: if finite { dphi } else { f64::NAN },
            id: self.evals,
        })
    }

    /// Keeps the last trial aside (a swap): the search may return to it later.
    pub(crate) fn keep(&mut self) {
        std::mem::swap(&mut self.buf.x, &mut self.buf.kept_x);
        std::mem::swap(&mut self.buf.g, &mut self.buf.kept_g);
        std::mem::swap(&mut self.current, &mut self.kept);
    }

    /// Puts the point of `t` into `buf.x`, `buf.g`.
    fn select(&mut self, t: &Trial) {
        if t.id != self.current && t.id == self.kept {
            self.keep();
        }
        debug_assert_eq!(
            t.id, self.current,
            "the accepted trial's point was overwritten"
        );
    }
}

/// Where a search may go: the first trial step, the largest step, the box trial points are
/// projected on, and Moré–Thuente's relative interval tolerance (the search stops with its best
/// sufficient-decrease point once a bracket [a, b] has b − a ≤ xtol·b).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reach<'a> {
    pub(crate) alpha0: f64,
    pub(crate) alpha_max: f64,
    pub(crate) bounds: Option<(&'a [f64], &'a [f64])>,
    pub(crate) xtol: f64,
}

impl Reach<'_> {
    /// First trial `alpha0`, no largest step, no box, the bracket refined to rounding (1e-12).
    pub(crate) fn from(alpha0: f64) -> Self {
        Reach {
            alpha0,
            alpha_max: f64::INFINITY,
            bounds: None,
            xtol: 1e-12,
        }
    }
}

/// Searches along `d` from `x` (value `f0`, slope `dphi0 < 0`) within `reach`. Returns the
/// accepted trial, whose point and gradient are then in `buf.x` and `buf.g`, or `None` when no
/// acceptable step was found.
pub(crate) fn search(
    ls: LineSearch,
    ev: &mut Evaluator<'_, '_>,
    buf: &mut LineBuffers,
    x: &[f64],
    d: &[f64],
    (f0, dphi0): (f64, f64),
    reach: Reach<'_>,
) -> Result<Option<Trial>> {
    if dphi0.is_nan() || dphi0 >= 0.0 {
        return Ok(None);
    }
    let (alpha0, alpha_max) = (reach.alpha0, reach.alpha_max);
    let mut phi = Phi::new(ev, buf, x, d, reach.bounds);
    let found = match ls {
        LineSearch::MoreThuente { c1, c2 } => {
            more_thuente::search(&mut phi, f0, dphi0, alpha0, alpha_max, c1, c2, reach.xtol)?
        }
        LineSearch::HagerZhang { delta, sigma } => {
            hager_zhang::search(&mut phi, f0, dphi0, alpha0, alpha_max, delta, sigma)?
        }
        LineSearch::Backtracking { .. } => None,
    };
    let found = match found {
        Some(t) => Some(t),
        None => backtracking::search(&mut phi, f0, dphi0, alpha0.min(alpha_max), ls.armijo_c1())?,
    };
    if let Some(t) = &found {
        phi.select(t);
    }
    Ok(found)
}
