//! Newton's method with a line search: d = −(H + τI)⁻¹∇f where τ ≥ 0 is the smallest shift of
//! 0, β, 2β, … that makes the Cholesky factorization succeed (Nocedal & Wright Algorithm 3.3), so
//! that d is a descent direction also where H is indefinite. Quadratic convergence near a minimum
//! with a positive definite Hessian. Needs the Hessian (exact for formulas, else numerical: one
//! Hessian costs O(n²) evaluations). Line search: Moré–Thuente (c1 = 1e-4, c2 = 0.9), first
//! trial step 1.

use nalgebra::DMatrix;

use crate::error::Result;
use crate::linalg;
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::first_order::{line_step, start_with_gradient};
use crate::solve::linesearch::LineSearch;
use crate::solve::report::Termination;

/// Configuration of Newton's method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Newton {
    /// The line search.
    pub line_search: LineSearch,
}

impl Default for Newton {
    fn default() -> Self {
        Newton {
            line_search: LineSearch::more_thuente(),
        }
    }
}

impl Newton {
    /// Uses another line search.
    pub fn with_line_search(mut self, ls: LineSearch) -> Result<Self> {
        ls.validate()?;
        self.line_search = ls;
        Ok(self)
    }

    pub(crate) fn solver(&self) -> NewtonState {
        NewtonState {
            config: *self,
            h: DMatrix::zeros(0, 0),
        }
    }
}

pub(crate) struct NewtonState {
    config: Newton,
    h: DMatrix<f64>,
}

impl Solver for NewtonState {
    fn second_order(&self) -> bool {
        true
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        let n = it.x.len();
        crate::limits::check_dense(n, n, "Hessian")?;
        self.h = DMatrix::zeros(n, n);
        start_with_gradient(ev, it)
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        ev.hessian(&it.x, &mut self.h)?;
        if self.h.iter().any(|v| !v.is_finite()) {
            return Ok(Some(Termination::ObjectiveNotFinite));
        }
        let (mut d, _) = linalg::shifted_cholesky_solve(&self.h, &it.g);
        d.iter_mut().for_each(|v| *v = -*v);
        match line_step(self.config.line_search, ev, it, &d, 1.0)? {
            Ok(_) => Ok(None),
            Err(t) => Ok(Some(t)),
        }
    }
}
