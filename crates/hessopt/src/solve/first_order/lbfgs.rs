//! Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989): the BFGS direction from the last `m`
//! pairs (s, y) by the two-loop recursion, with H₀ = (sᵀy / yᵀy) I. Memory O(m·n), so it scales to
//! millions of variables. Needs gradients. Defaults: m = 10, Moré–Thuente line search
//! (c1 = 1e-4, c2 = 0.9), first trial step 1 (1/‖∇f‖∞ at the first iteration when smaller).

use std::collections::VecDeque;

use super::pairs::{PairRing, checked_memory};
use super::{dot, is_descent, move_along, norm_inf, start_with_gradient};
use crate::error::Result;
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::{LineBuffers, LineSearch, Reach};
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
        self.memory = checked_memory(m)?;
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
            pairs: PairRing::new(0, self.memory),
            rho: VecDeque::with_capacity(self.memory),
            alphas: Vec::with_capacity(self.memory),
            d: Vec::new(),
            buf: LineBuffers::default(),
        }
    }
}

/// The two-loop recursion: replaces `q` by H·q for the L-BFGS matrix H of `pairs` with
/// ρ_j = 1/(s_jᵀy_j) in `rho` and H₀ = (sᵀy / yᵀy) I of the newest pair. `alphas` is scratch.
pub(crate) fn two_loop(
    pairs: &PairRing,
    rho: &VecDeque<f64>,
    q: &mut [f64],
    alphas: &mut Vec<f64>,
) {
    let k = pairs.len();
    alphas.clear();
    for j in (0..k).rev() {
        let a = rho[j] * dot(pairs.s(j), q);
        for (qi, yi) in q.iter_mut().zip(pairs.y(j)) {
            *qi -= a * yi;
        }
        alphas.push(a);
    }
    if k > 0 {
        let y = pairs.y(k - 1);
        let gamma = 1.0 / (rho[k - 1] * dot(y, y));
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for (j, a) in (0..k).zip(alphas.iter().rev()) {
        let b = rho[j] * dot(pairs.y(j), q);
        for (qi, si) in q.iter_mut().zip(pairs.s(j)) {
            *qi += (a - b) * si;
        }
    }
}

/// State of a run: the pairs, and work vectors reused by every iteration (the direction and the
/// line search's trial points), so an iteration allocates nothing and copies no x or ∇f.
pub(crate) struct LbfgsState {
    config: Lbfgs,
    pairs: PairRing,
    rho: VecDeque<f64>,
    alphas: Vec<f64>,
    d: Vec<f64>,
    buf: LineBuffers,
}

impl Solver for LbfgsState {
    fn moved(&mut self) {
        self.pairs.clear();
        self.rho.clear();
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        let n = it.x.len();
        self.pairs = PairRing::new(n, self.config.memory);
        self.d = vec![0.0; n];
        start_with_gradient(ev, it)
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let d = &mut self.d;
        d.copy_from_slice(&it.g);
        two_loop(&self.pairs, &self.rho, d, &mut self.alphas);
        d.iter_mut().for_each(|v| *v = -*v);
        if !is_descent(d, &it.g) {
            self.pairs.clear();
            self.rho.clear();
            for (di, gi) in d.iter_mut().zip(&it.g) {
                *di = -gi;
            }
        }
        let alpha0 = if self.pairs.is_empty() {
            (1.0 / norm_inf(&it.g)).min(1.0)
        } else {
            1.0
        };
        let ls = self.config.line_search;
        if let Err(t) = move_along(ls, ev, &mut self.buf, it, d, Reach::from(alpha0))? {
            return Ok(Some(t));
        }
        let (s, y) = self.pairs.spare();
        for i in 0..s.len() {
            s[i] = it.x[i] - self.buf.x[i];
            y[i] = it.g[i] - self.buf.g[i];
        }
        let sy = dot(s, y);
        if sy > 1e-10 * dot(s, s).sqrt() * dot(y, y).sqrt() {
            if self.pairs.is_full() {
                self.rho.pop_front();
            }
            self.pairs.commit();
            self.rho.push_back(1.0 / sy);
        }
        Ok(None)
    }
}
