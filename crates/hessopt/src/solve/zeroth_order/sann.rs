//! Simulated annealing as R's `optim(method = "SANN")` (Bélisle 1992): a Gaussian Markov kernel
//! whose scale is proportional to the temperature, T_k = T₀ / ln(⌊(k−1)/t_max⌋·t_max + e), and the
//! Metropolis acceptance rule; the best point seen is reported. Values only; seeded, so a seed
//! reproduces a run. It has no convergence test: it runs its iteration budget (default 10 000)
//! and reports [`Termination::MaxIterations`], never "converged". Use it to escape local minima,
//! then polish with a local method. Defaults T₀ = 10, t_max = 10, kernel scale 1.

use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::rng::Rng;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::report::Termination;

/// Configuration of simulated annealing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sann {
    /// Starting temperature T₀.
    pub temperature: f64,
    /// Evaluations per temperature level.
    pub t_max: usize,
    /// Kernel scale (standard deviation at T = 1).
    pub scale: f64,
}

impl Default for Sann {
    fn default() -> Self {
        Sann {
            temperature: 10.0,
            t_max: 10,
            scale: 1.0,
        }
    }
}

impl Sann {
    /// Sets the starting temperature (> 0).
    pub fn with_temperature(mut self, t: f64) -> Result<Self> {
        if !(t > 0.0 && t.is_finite()) {
            return Err(Error::invalid("temperature", format!("{t} is not > 0")));
        }
        self.temperature = t;
        Ok(self)
    }

    pub(crate) fn solver(&self, seed: u64) -> SannState {
        SannState {
            config: *self,
            rng: Rng::new(seed),
            current: Vec::new(),
            f_current: 0.0,
            k: 1,
        }
    }
}

pub(crate) struct SannState {
    config: Sann,
    rng: Rng,
    current: Vec<f64>,
    f_current: f64,
    k: usize,
}

impl Solver for SannState {
    fn uses_gradient(&self) -> bool {
        false
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        it.f = ev.value(&it.x)?;
        self.current = it.x.clone();
        self.f_current = it.f;
        Ok(())
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let c = &self.config;
        let level = ((self.k - 1) / c.t_max * c.t_max) as f64;
        let t = c.temperature / (level + std::f64::consts::E).ln();
        self.k += 1;
        let candidate: Vec<f64> = self
            .current
            .iter()
            .map(|x| x + c.scale * t * self.rng.normal())
            .collect();
        let f = ev.value(&candidate)?;
        if f.is_finite() {
            let accept =
                f <= self.f_current || self.rng.uniform() < (-(f - self.f_current) / t).exp();
            if accept {
                self.current = candidate;
                self.f_current = f;
                if f < it.f {
                    it.x = self.current.clone();
                    it.f = f;
                }
            }
        }
        Ok(None)
    }

    fn default_max_iter(&self, _n: usize) -> usize {
        10_000
    }
}
