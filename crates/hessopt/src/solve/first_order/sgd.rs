//! Robbins–Monro stochastic approximation (Robbins & Monro 1951): x ← x − a_k ĝ(x) with the gain
//! a_k = a / (b + k)^α, 1/2 < α ≤ 1, where ĝ is an unbiased estimate of the gradient.
//!
//! For an objective that is a sum over data, f = Σᵢ fᵢ ([`SumObjective`]), ĝ is the gradient of a
//! random minibatch scaled to the whole sum, and one iteration of the driver is one epoch (terms /
//! batch steps) followed by one full evaluation of f and ∇f for the report and the convergence
//! test. For an ordinary [`crate::Problem`] ĝ is the full gradient (deterministic Robbins–Monro).
//! Use it for very large sums where a full gradient per step is too dear; it converges slowly and
//! its gain needs tuning: defaults a = 0.1, b = 10, α = 0.602 (Spall's practical choice),
//! batch 32, seeded by the options' seed.
//!
//! The steps are noisy and a gain too large for the problem diverges, so the driver's iterate is
//! the best point seen (full f and ∇f), never a worse or diverged one; the walk continues from its
//! own point, and a walk whose f stops being finite ends with
//! [`Termination::ObjectiveNotFinite`] at that best point.

use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::rng::Rng;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::report::Termination;

/// An objective that is a sum of terms f(x) = Σᵢ fᵢ(x), for minibatch gradients.
pub trait SumObjective {
    /// Number of variables.
    fn dim(&self) -> usize;
    /// Number of terms.
    fn terms(&self) -> usize;
    /// Returns fᵢ(x) and adds ∇fᵢ(x) into `g`.
    fn term(&self, i: usize, x: &[f64], g: &mut [f64]) -> f64;
}

/// Configuration of Robbins–Monro stochastic gradient descent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    /// Gain numerator a.
    pub a: f64,
    /// Gain offset b.
    pub b: f64,
    /// Gain exponent α.
    pub alpha: f64,
    /// Minibatch size (sum objectives only).
    pub batch: usize,
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd {
            a: 0.1,
            b: 10.0,
            alpha: 0.602,
            batch: 32,
        }
    }
}

impl Sgd {
    /// Sets the gain a / (b + k)^α (a > 0, b ≥ 0, 0.5 < α ≤ 1).
    pub fn with_gain(mut self, a: f64, b: f64, alpha: f64) -> Result<Self> {
        if !(a > 0.0 && a.is_finite() && b >= 0.0 && b.is_finite() && alpha > 0.5 && alpha <= 1.0) {
            return Err(Error::invalid(
                "gain",
                format!("a = {a}, b = {b}, alpha = {alpha}: need a > 0, b ≥ 0, 0.5 < alpha ≤ 1"),
            ));
        }
        (self.a, self.b, self.alpha) = (a, b, alpha);
        Ok(self)
    }

    /// Sets the minibatch size (≥ 1).
    pub fn with_batch(mut self, batch: usize) -> Result<Self> {
        if batch == 0 {
            return Err(Error::invalid("batch", "must be at least 1"));
        }
        self.batch = batch;
        Ok(self)
    }

    pub(crate) fn solver<'o>(&self, sum: Option<&'o dyn SumObjective>, seed: u64) -> SgdState<'o> {
        SgdState {
            config: *self,
            sum,
            rng: Rng::new(seed),
            k: 0,
            walk: None,
        }
    }

    fn gain(&self, k: usize) -> f64 {
        self.a / (self.b + k as f64).powf(self.alpha)
    }
}

pub(crate) struct SgdState<'o> {
    config: Sgd,
    sum: Option<&'o dyn SumObjective>,
    rng: Rng,
    /// Steps taken (the k of the gain).
    k: usize,
    /// The point the steps move (the driver's iterate is the best point seen).
    walk: Option<Iterate>,
}

impl Solver for SgdState<'_> {
    fn moved(&mut self) {
        // The walk continues from the driver's new point.
        self.walk = None;
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let mut walk = self.walk.take().unwrap_or_else(|| it.clone());
        match self.sum {
            None => {
                let a = self.config.gain(self.k);
                self.k += 1;
                for (xi, gi) in walk.x.iter_mut().zip(&walk.g) {
                    *xi -= a * gi;
                }
            }
            Some(obj) => {
                let (m, batch) = (obj.terms(), self.config.batch.min(obj.terms()).max(1));
                let scale = m as f64 / batch as f64;
                let mut g = vec![0.0; it.x.len()];
                for _ in 0..m.div_ceil(batch) {
                    g.fill(0.0);
                    for _ in 0..batch {
                        obj.term(self.rng.below(m), &walk.x, &mut g);
                    }
                    ev.counts.gradient += 1;
                    let a = self.config.gain(self.k) * scale;
                    self.k += 1;
                    for (xi, gi) in walk.x.iter_mut().zip(&g) {
                        *xi -= a * gi;
                    }
                }
            }
        }
        walk.f = ev.value_grad(&walk.x, &mut walk.g)?;
        if !walk.f.is_finite() || walk.g.iter().any(|v| !v.is_finite()) {
            return Ok(Some(Termination::ObjectiveNotFinite));
        }
        if walk.f < it.f {
            it.clone_from(&walk);
        }
        self.walk = Some(walk);
        Ok(None)
    }

    fn default_max_iter(&self, _n: usize) -> usize {
        10_000
    }
}

/// A [`SumObjective`] seen as an ordinary problem: f and ∇f summed over all terms.
pub fn sum_problem<'o>(obj: &'o dyn SumObjective) -> crate::Problem<'o> {
    let n = obj.dim();
    crate::Problem::new(n, move |x: &[f64]| {
        let mut g = vec![0.0; n];
        (0..obj.terms()).map(|i| obj.term(i, x, &mut g)).sum()
    })
    .with_gradient(move |x: &[f64], g: &mut [f64]| {
        g.fill(0.0);
        for i in 0..obj.terms() {
            obj.term(i, x, g);
        }
    })
}
