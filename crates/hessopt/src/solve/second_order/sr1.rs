//! Symmetric rank-one quasi-Newton in a trust region (Conn, Gould & Toint 1991; Nocedal & Wright
//! Algorithm 6.2): B ← B + (y − Bs)(y − Bs)ᵀ / (y − Bs)ᵀs, skipped when
//! |(y − Bs)ᵀs| < 1e-8 ‖s‖‖y − Bs‖. Unlike BFGS the approximation may become indefinite, which
//! the trust region handles; B tends to approximate the true Hessian well. Needs gradients only.
//! B₀ = I, rescaled by yᵀy / yᵀs after the first step; the update uses every trial, accepted or
//! not. Defaults: exact subproblem in the unscaled region ‖p‖ ≤ Δ with Δ₀ = 1 (B's diagonal is
//! too rough early on to scale the region by).

use nalgebra::{DMatrix, DVector};

use super::hessian::Model;
use super::subproblem::Subproblem;
use super::trust_region::{Region, TrustRegion};
use crate::error::Result;
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::first_order::start_with_gradient;
use crate::solve::report::Termination;

/// Configuration of SR1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sr1 {
    /// The trust region (subproblem solver and radii).
    pub region: TrustRegion,
}

impl Default for Sr1 {
    fn default() -> Self {
        Sr1 {
            region: TrustRegion {
                subproblem: Subproblem::Exact,
                initial_radius: Some(1.0),
                scaled: false,
                ..TrustRegion::default()
            },
        }
    }
}

impl Sr1 {
    pub(crate) fn solver(&self) -> Sr1State {
        Sr1State {
            region: Region::new(&self.region),
            b: DMatrix::zeros(0, 0),
            scaled: false,
        }
    }
}

pub(crate) struct Sr1State {
    region: Region,
    b: DMatrix<f64>,
    scaled: bool,
}

impl Solver for Sr1State {
    fn second_order(&self) -> bool {
        true
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        let n = it.x.len();
        crate::limits::check_dense(n, n, "SR1 Hessian approximation")?;
        self.b = DMatrix::identity(n, n);
        start_with_gradient(ev, it)
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let trial = match self.region.trial(ev, it, Model::Dense(&self.b))? {
            Ok(t) => t,
            Err(t) => return Ok(Some(t)),
        };
        let Some(y) = trial.y else { return Ok(None) };
        let (s, y) = (DVector::from_vec(trial.s), DVector::from_vec(y));
        if !self.scaled {
            let sy = s.dot(&y);
            if sy > 0.0 {
                self.b *= y.dot(&y) / sy;
                self.scaled = true;
            }
        }
        let r = &y - &self.b * &s;
        let rs = r.dot(&s);
        if rs.abs() >= 1e-8 * s.norm() * r.norm() && rs != 0.0 {
            self.b += (&r * r.transpose()) / rs;
        }
        Ok(None)
    }
}
