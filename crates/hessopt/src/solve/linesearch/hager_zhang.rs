//! Hager & Zhang, "Algorithm 851: CG_DESCENT", ACM TOMS 32 (2006), line search: bracket, then
//! double-secant steps with bisection safeguards, accepting a point that satisfies either the
//! Wolfe conditions or the approximate Wolfe conditions
//! (2δ − 1) φ'(0) ≥ φ'(c) ≥ σ φ'(0) with φ(c) ≤ φ(0) + ε|φ(0)|, which stay meaningful when
//! φ(c) − φ(0) is at rounding level.

use super::{Phi, Trial};
use crate::error::Result;

const EPSILON: f64 = 1e-6;
const THETA: f64 = 0.5;
const GAMMA: f64 = 0.66;
const EXPAND: f64 = 5.0;
const MAX_EVALS: usize = 50;

struct Search<'s, 'e, 'p, 'a> {
    phi: &'s mut Phi<'e, 'p, 'a>,
    f0: f64,
    dphi0: f64,
    delta: f64,
    sigma: f64,
    f_cap: f64,
    evals: usize,
    accepted: Option<Trial>,
}

impl Search<'_, '_, '_, '_> {
    fn eval(&mut self, c: f64) -> Result<Trial> {
        self.evals += 1;
        let t = self.phi.eval(c)?;
        if t.f.is_finite() {
            let wolfe =
                t.f <= self.f0 + self.delta * c * self.dphi0 && t.dphi >= self.sigma * self.dphi0;
            let approx = t.f <= self.f_cap
                && (2.0 * self.delta - 1.0) * self.dphi0 >= t.dphi
                && t.dphi >= self.sigma * self.dphi0;
            if (wolfe || approx) && self.accepted.is_none() {
                self.accepted = Some(t);
            }
        }
        Ok(t)
    }

    fn done(&self) -> bool {
        self.accepted.is_some() || self.evals >= MAX_EVALS
    }

    /// A trial with a value below the cap and a negative slope can be a left end.
    fn low(&self, t: &Trial) -> bool {
        t.f.is_finite() && t.f <= self.f_cap
    }

    /// U3: bisect [a, b] (b too high) until a right end with φ' ≥ 0 is found.
    fn bisect(&mut self, mut a: Trial, mut b: Trial) -> Result<(Trial, Trial)> {
        while !self.done() {
            let d = self.eval((1.0 - THETA) * a.alpha + THETA * b.alpha)?;
            if d.dphi >= 0.0 {
                return Ok((a, d));
            }
            if self.low(&d) {
                a = d;
            } else {
                b = d;
            }
        }
        Ok((a, b))
    }

    /// The `update` step: shrink [a, b] with the trial at c.
    fn update(&mut self, a: Trial, b: Trial, c: f64) -> Result<(Trial, Trial)> {
        if !(c > a.alpha && c < b.alpha) || self.done() {
            return Ok((a, b));
        }
        let t = self.eval(c)?;
        if t.dphi >= 0.0 {
            Ok((a, t))
        } else if self.low(&t) {
            Ok((t, b))
        } else {
            self.bisect(a, t)
        }
    }
}

fn secant(a: &Trial, b: &Trial) -> f64 {
    (a.alpha * b.dphi - b.alpha * a.dphi) / (b.dphi - a.dphi)
}

pub(super) fn search(
    phi: &mut Phi<'_, '_, '_>,
    f0: f64,
    dphi0: f64,
    alpha0: f64,
    alpha_max: f64,
    delta: f64,
    sigma: f64,
) -> Result<Option<Trial>> {
    let mut s = Search {
        phi,
        f0,
        dphi0,
        delta,
        sigma,
        f_cap: f0 + EPSILON * f0.abs(),
        evals: 0,
        accepted: None,
    };
    let origin = Trial::origin(f0, dphi0);
    // Bracketing: expand until φ' ≥ 0 or φ rises above the cap.
    let mut a = origin;
    let mut c = alpha0.min(alpha_max);
    let (mut a, mut b) = loop {
        let t = s.eval(c)?;
        if s.done() {
            return Ok(s.accepted);
        }
        if t.f.is_finite() && t.dphi >= 0.0 {
            break (a, t);
        }
        if !s.low(&t) {
            let (lo, hi) = s.bisect(origin, t)?;
            break (lo, hi);
        }
        a = t;
        if c >= alpha_max {
            return Ok(None);
        }
        c = (c * EXPAND).min(alpha_max);
    };
    while !s.done() {
        let width = b.alpha - a.alpha;
        let c = secant(&a, &b);
        let (mut na, mut nb) = s.update(a, b, c)?;
        if !s.done() && (c == nb.alpha || c == na.alpha) {
            let c2 = if c == nb.alpha {
                secant(&b, &nb)
            } else {
                secant(&a, &na)
            };
            (na, nb) = s.update(na, nb, c2)?;
        }
        if !s.done() && nb.alpha - na.alpha > GAMMA * width {
            let mid = 0.5 * (na.alpha + nb.alpha);
            (na, nb) = s.update(na, nb, mid)?;
        }
        if nb.alpha - na.alpha <= f64::EPSILON * nb.alpha {
            break;
        }
        (a, b) = (na, nb);
    }
    Ok(s.accepted)
}
