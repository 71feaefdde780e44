//! Steepest descent: d = −∇f with a line search (Cauchy 1847; Nocedal & Wright §3.3).
//!
//! Use it to teach or to compare; it converges linearly with a rate set by the condition number
//! and is the slowest method here on anything ill-conditioned (Rosenbrock takes thousands of
//! steps). Needs gradients. Default line search: Moré–Thuente (c1 = 1e-4, c2 = 0.1: Cauchy's
//! method is the exact-line-search one, and on the suite's 35 MGH + 7 shared problems the
//! accurate search solves 33 at median 6998 f + g where c2 = 0.9 solved 31 at 9342); the first
//! trial step reuses the last step's decrease (Nocedal & Wright eq. 3.60).

use super::{dot, line_step, norm_inf};
use crate::error::Result;
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::LineSearch;
use crate::solve::report::Termination;

/// Configuration of steepest descent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientDescent {
    /// The line search.
    pub line_search: LineSearch,
}

impl Default for GradientDescent {
    fn default() -> Self {
        GradientDescent {
            line_search: LineSearch::MoreThuente { c1: 1e-4, c2: 0.1 },
        }
    }
}

impl GradientDescent {
    /// Uses another line search.
    pub fn with_line_search(mut self, ls: LineSearch) -> crate::Result<Self> {
        ls.validate()?;
        self.line_search = ls;
        Ok(self)
    }

    pub(crate) fn solver(&self) -> GradientDescentState {
        GradientDescentState {
            config: *self,
            last: None,
        }
    }
}

pub(crate) struct GradientDescentState {
    config: GradientDescent,
    /// Previous α·φ'(0), for the next initial step.
    last: Option<f64>,
}

impl Solver for GradientDescentState {
    fn moved(&mut self) {
        self.last = None;
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let d: Vec<f64> = it.g.iter().map(|v| -v).collect();
        let slope = dot(&it.g, &d);
        let alpha0 = match self.last {
            Some(prev) => (prev / slope).min(1e10),
            None => 1.0 / norm_inf(&it.g).max(1.0),
        };
        match line_step(self.config.line_search, ev, it, &d, alpha0)? {
            Ok((_, _, alpha)) => {
                self.last = Some(alpha * slope);
                Ok(None)
            }
            Err(t) => Ok(Some(t)),
        }
    }

    fn default_max_iter(&self, _n: usize) -> usize {
        100_000
    }
}
