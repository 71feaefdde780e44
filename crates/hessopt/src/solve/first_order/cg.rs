//! Nonlinear conjugate gradients: d_k = −∇f_k + β_k d_{k−1} with a line search (Nocedal & Wright
//! §5.2; Hager & Zhang, SIAM J. Optim. 16, 2005). Memory O(n); needs gradients. Slower than
//! L-BFGS on most problems, but the classic large-scale method.
//!
//! β choices: Fletcher–Reeves ‖g_k‖²/‖g_{k−1}‖²; Polak–Ribière+ max(0, g_kᵀy/‖g_{k−1}‖²);
//! Hager–Zhang (y − 2d‖y‖²/dᵀy)ᵀg_k / dᵀy, bounded below by −1/(‖d‖ min(0.01, ‖g_{k−1}‖)).
//! Default PR+ (on the suite's 35 MGH + 7 shared problems with this line search: 39/42 solved,
//! median 170 f+g evaluations).
//! Restarts with −∇f only when the direction is not a descent direction (PR+ restarts by itself
//! when β = 0), as scipy's CG and argmin's nonlinear CG do. The textbook restart every n
//! iterations (N&W §5.2) discarded on small badly scaled problems the conjugacy they need: with
//! it Powell badly scaled (n = 2) stopped at f = 1.0e-7 and Osborne 1 (n = 5) ran out of 20 000
//! evaluations (37/42, median 150).
//! Default line search: Moré–Thuente with the tight curvature constant c2 = 0.1 that CG needs
//! for conjugacy (N&W §5.2); the first trial step reuses the last step's decrease (N&W eq. 3.60).

use super::{dot, is_descent, line_step, norm_inf, start_with_gradient};
use crate::error::Result;
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::LineSearch;
use crate::solve::report::Termination;

/// The β formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgUpdate {
    /// Fletcher–Reeves.
    FletcherReeves,
    /// Polak–Ribière with β ≥ 0.
    PolakRibierePlus,
    /// Hager–Zhang (CG_DESCENT).
    HagerZhang,
}

/// Configuration of nonlinear conjugate gradients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cg {
    /// The β formula.
    pub update: CgUpdate,
    /// The line search.
    pub line_search: LineSearch,
}

impl Default for Cg {
    fn default() -> Self {
        Cg {
            update: CgUpdate::PolakRibierePlus,
            line_search: LineSearch::MoreThuente { c1: 1e-4, c2: 0.1 },
        }
    }
}

impl Cg {
    /// Chooses the β formula.
    pub fn with_update(mut self, update: CgUpdate) -> Self {
        self.update = update;
        self
    }

    /// Uses another line search.
    pub fn with_line_search(mut self, ls: LineSearch) -> Result<Self> {
        ls.validate()?;
        self.line_search = ls;
        Ok(self)
    }

    pub(crate) fn solver(&self) -> CgState {
        CgState {
            config: *self,
            d: Vec::new(),
            last_decrease: None,
        }
    }
}

pub(crate) struct CgState {
    config: Cg,
    d: Vec<f64>,
    last_decrease: Option<f64>,
}

impl Solver for CgState {
    fn moved(&mut self) {
        // An empty direction is no descent direction: the next step restarts along −∇f.
        self.d.clear();
        self.last_decrease = None;
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        start_with_gradient(ev, it)?;
        self.d = it.g.iter().map(|v| -v).collect();
        Ok(())
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        if !is_descent(&self.d, &it.g) {
            self.d = it.g.iter().map(|v| -v).collect();
        }
        let slope = dot(&self.d, &it.g);
        let alpha0 = match self.last_decrease {
            Some(prev) => (prev / slope).clamp(1e-20, 1e20),
            None => 1.0 / norm_inf(&it.g).max(1.0),
        };
        let g_prev = it.g.clone();
        let d = self.d.clone();
        let (_, y, alpha) = match line_step(self.config.line_search, ev, it, &d, alpha0)? {
            Ok(step) => step,
            Err(t) => return Ok(Some(t)),
        };
        self.last_decrease = Some(alpha * slope);
        let gg_prev = dot(&g_prev, &g_prev);
        let beta = match self.config.update {
            CgUpdate::FletcherReeves => dot(&it.g, &it.g) / gg_prev,
            CgUpdate::PolakRibierePlus => (dot(&it.g, &y) / gg_prev).max(0.0),
            CgUpdate::HagerZhang => {
                let dy = dot(&d, &y);
                let yy = dot(&y, &y);
                let b = (dot(&y, &it.g) - 2.0 * yy / dy * dot(&d, &it.g)) / dy;
                let eta = -1.0 / (dot(&d, &d).sqrt() * 0.01f64.min(gg_prev.sqrt()));
                b.max(eta)
            }
        };
        let beta = if beta.is_finite() { beta } else { 0.0 };
        for (di, gi) in self.d.iter_mut().zip(&it.g) {
            *di = -gi + beta * *di;
        }
        Ok(None)
    }

    fn default_max_iter(&self, n: usize) -> usize {
        10_000.max(200 * n)
    }
}
