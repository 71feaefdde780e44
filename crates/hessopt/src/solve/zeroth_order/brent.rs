//! Brent's method for one variable on an interval [a, b] (Brent, *Algorithms for Minimization
//! without Derivatives*, 1973, ch. 5): golden-section steps, replaced by parabolic interpolation
//! whenever that is safe. Values only; converges superlinearly on smooth functions and never
//! worse than golden section. Needs one variable and finite bounds (the interval); starts from x0
//! when it lies inside. Stops when the bracket is narrower than 2·(tol·|x| + 1e-10), tol = √ε;
//! that is [`Termination::IntervalConverged`] only when f at x ± 2·(tol·|x| + 1e-10) (inside
//! the interval) is not below f(x) — checked at the returned point, so a bracket that closed on
//! a jump or on noise is a [`Termination::SmallStep`], not a minimum. Where that side is an end
//! of the interval and lower, the end is returned, certified when f does not fall inward from it
//! over the same distance (a minimum at the bound: x² on [0, 1] was `small_step` at 1.4e-10).
//!
//! On an interval many orders of magnitude wider than the scale of x (`--lower=-1e300
//! --upper=1e300`), a golden-section step would land where f overflows and shrink the interval by
//! only 38% per step; there the step is the geometric mean of the distance to the far end and
//! max(1, |x|), which halves the interval's width in orders of magnitude each time and keeps the
//! bracket, until ordinary Brent steps take over.

use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::report::Termination;

const GOLDEN: f64 = 0.381_966_011_250_105_1; // (3 − √5) / 2
/// Interval width over max(1, |x|) above which steps are geometric (see the module docs).
const WIDE: f64 = 1e6;

/// Configuration of Brent's method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Brent {
    /// Relative tolerance on x.
    pub tol: f64,
}

impl Default for Brent {
    fn default() -> Self {
        Brent {
            tol: f64::EPSILON.sqrt(),
        }
    }
}

impl Brent {
    pub(crate) fn solver(
        &self,
        bounds: Option<(&[f64], &[f64])>,
        dim: usize,
    ) -> Result<BrentState> {
        if dim != 1 {
            return Err(Error::invalid(
                "method brent",
                format!("needs exactly one variable, the problem has {dim}"),
            ));
        }
        let (a, b) = match bounds {
            Some((lo, hi)) if lo[0].is_finite() && hi[0].is_finite() && lo[0] < hi[0] => {
                (lo[0], hi[0])
            }
            _ => {
                return Err(Error::invalid(
                    "method brent",
                    "needs a finite interval: give --lower and --upper (lower < upper)",
                ));
            }
        };
        Ok(BrentState {
            tol: self.tol,
            interval: (a, b),
            a,
            b,
            v: 0.0,
            w: 0.0,
            fv: 0.0,
            fw: 0.0,
            d: 0.0,
            e: 0.0,
        })
    }
}

pub(crate) struct BrentState {
    tol: f64,
    /// The interval given.
    interval: (f64, f64),
    a: f64,
    b: f64,
    v: f64,
    w: f64,
    fv: f64,
    fw: f64,
    d: f64,
    e: f64,
}

fn eval(ev: &mut Evaluator<'_, '_>, x: f64) -> Result<f64> {
    let v = ev.value(&[x])?;
    Ok(if v.is_finite() { v } else { f64::INFINITY })
}

impl Solver for BrentState {
    fn uses_gradient(&self) -> bool {
        false
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        let x = if it.x[0] > self.a && it.x[0] < self.b {
            it.x[0]
        } else {
            self.a + (2.0 * GOLDEN) * (0.5 * self.b - 0.5 * self.a)
        };
        it.x = vec![x];
        it.f = ev.value(&it.x)?;
        (self.v, self.w, self.fv, self.fw) = (x, x, it.f, it.f);
        Ok(())
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let (x, fx) = (it.x[0], it.f);
        let m = 0.5 * self.a + 0.5 * self.b;
        let tol1 = self.tol * x.abs() + 1e-10;
        let tol2 = 2.0 * tol1;
        if (x - m).abs() <= tol2 - (0.5 * self.b - 0.5 * self.a) {
            let (lo, hi) = self.interval;
            for side in [(x - tol2).max(lo), (x + tol2).min(hi)] {
                let fs = eval(ev, side)?;
                if side != x && fs < fx {
                    // Lower at an end of the interval within the tolerance: a minimum at the
                    // bound (x² on [0, 1], 1/x on [0, 1]) when f does not fall inward from it
                    // either; the end is returned.
                    let inward = if side == lo { lo + tol2 } else { hi - tol2 };
                    if (side == lo || side == hi)
                        && (lo..=hi).contains(&inward)
                        && eval(ev, inward)? >= fs
                    {
                        it.x = vec![side];
                        it.f = fs;
                        return Ok(Some(Termination::IntervalConverged));
                    }
                    return Ok(Some(Termination::SmallStep));
                }
            }
            return Ok(Some(Termination::IntervalConverged));
        }
        let mut golden = true;
        if self.e.abs() > tol1 {
            // Parabola through x, w, v.
            let r = (x - self.w) * (fx - self.fv);
            let mut q = (x - self.v) * (fx - self.fw);
            let mut p = (x - self.v) * q - (x - self.w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            let e_prev = self.e;
            if p.abs() < (0.5 * q * e_prev).abs() && p > q * (self.a - x) && p < q * (self.b - x) {
                self.e = self.d;
                self.d = p / q;
                let u = x + self.d;
                if u - self.a < tol2 || self.b - u < tol2 {
                    self.d = if x < m { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            self.e = if x < m { self.b - x } else { self.a - x };
            let scale = x.abs().max(1.0);
            self.d = if self.e.abs() > WIDE * scale {
                (self.e.abs().sqrt() * scale.sqrt()).copysign(self.e)
            } else {
                GOLDEN * self.e
            };
        }
        let u = if self.d.abs() >= tol1 {
            x + self.d
        } else {
            x + tol1.copysign(self.d)
        };
        let fu = eval(ev, u)?;
        if fu <= fx {
            if u < x {
                self.b = x;
            } else {
                self.a = x;
            }
            (self.v, self.fv, self.w, self.fw) = (self.w, self.fw, x, fx);
            it.x = vec![u];
            it.f = fu;
        } else {
            if u < x {
                self.a = u;
            } else {
                self.b = u;
            }
            if fu <= self.fw || self.w == x {
                (self.v, self.fv, self.w, self.fw) = (self.w, self.fw, u, fu);
            } else if fu <= self.fv || self.v == x || self.v == self.w {
                (self.v, self.fv) = (u, fu);
            }
        }
        Ok(None)
    }
}
