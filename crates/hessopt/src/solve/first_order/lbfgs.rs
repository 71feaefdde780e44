//! Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989): the BFGS direction from the last `m`
//! pairs (s, y) by the two-loop recursion, with H₀ = (sᵀy / yᵀy) I. Memory O(m·n), so it scales to
//! millions of variables. Needs gradients. Defaults: m = 10, Moré–Thuente line search
//! (c1 = 1e-4, c2 = 0.9), first trial step 1 (1/‖∇f‖∞ at the first iteration when smaller).

use std::collections::VecDeque;

use super::{dot, is_descent, line_step, norm_inf};
use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::LineSearch;
use crate::solve::report::Termination;

/// Configuration of L-BFGS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbfgs {
    /// Number of (s, y) pairs kept.
    pub memory: usize,
    /// The line search.
    pub line_search: LineSearch,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Lbfgs {
            memory: 10,
            line_search: LineSearch::more_thuente(),
        }
    }
}

impl Lbfgs {
    /// Sets the memory (1 to 1000).
    pub fn with_memory(mut self, m: usize) -> Result<Self> {
        if !(1..=1000).contains(&m) {
            return Err(Error::invalid("memory", format!("{m} is not in 1..=1000")));
        }
        self.memory = m;
        Ok(self)
    }

    /// Uses another line search.
    pub fn with_line_search(mut self, ls: LineSearch) -> Result<Self> {
        ls.validate()?;
        self.line_search = ls;
        Ok(self)
    }

    pub(crate) fn solver(&self) -> LbfgsState {
        LbfgsState {
            config: *self,
            pairs: VecDeque::new(),
        }
    }
}

/// The two-loop recursion: returns H·q for the L-BFGS matrix H of `pairs` (s, y, 1/yᵀs).
pub(crate) fn two_loop(pairs: &VecDeque<(Vec<f64>, Vec<f64>, f64)>, q: &[f64]) -> Vec<f64> {
    let mut q = q.to_vec();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let a = rho * dot(s, &q);
        for (qi, yi) in q.iter_mut().zip(y) {
            *qi -= a * yi;
        }
        alphas.push(a);
    }
    if let Some((s, y, _)) = pairs.back() {
        let gamma = dot(s, y) / dot(y, y);
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for ((s, y, rho), a) in pairs.iter().zip(alphas.iter().rev()) {
        let b = rho * dot(y, &q);
        for (qi, si) in q.iter_mut().zip(s) {
            *qi += (a - b) * si;
        }
    }
    q
}

pub(crate) struct LbfgsState {
    config: Lbfgs,
    pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
}

impl Solver for LbfgsState {
    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let mut d: Vec<f64> = two_loop(&self.pairs, &it.g).iter().map(|v| -v).collect();
        if !is_descent(&d, &it.g) {
            self.pairs.clear();
            d = it.g.iter().map(|v| -v).collect();
        }
        let alpha0 = if self.pairs.is_empty() {
            (1.0 / norm_inf(&it.g)).min(1.0)
        } else {
            1.0
        };
        let (s, y, _) = match line_step(self.config.line_search, ev, it, &d, alpha0)? {
            Ok(step) => step,
            Err(t) => return Ok(Some(t)),
        };
        let sy = dot(&s, &y);
        if sy > 1e-10 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if self.pairs.len() == self.config.memory {
                self.pairs.pop_front();
            }
            self.pairs.push_back((s, y, 1.0 / sy));
        }
        Ok(None)
    }
}
