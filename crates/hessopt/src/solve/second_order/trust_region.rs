//! Trust-region Newton: at each iterate minimize the quadratic model m(p) = gᵀp + ½pᵀHp within
//! ‖p‖ ≤ Δ ([`Subproblem`]), accept the step when the actual reduction is at least η = 1e-4 times
//! the predicted one, and adapt Δ: ×¼ when ρ < ¼, ×2 (up to Δ_max) when ρ > ¾ and the step
//! reached the boundary (Nocedal & Wright Algorithm 4.1). Handles indefinite Hessians and saddle
//! points naturally. Needs the Hessian (exact for formulas). Defaults: exact subproblem,
//! Δ₀ = 1, Δ_max = 1e10. Non-finite trial values shrink the region and count as rejections.

use nalgebra::DMatrix;

use super::subproblem::Subproblem;
use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::first_order::{dot, start_with_gradient};
use crate::solve::report::Termination;

/// Configuration of the trust-region Newton method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrustRegion {
    /// Subproblem solver.
    pub subproblem: Subproblem,
    /// Initial radius.
    pub initial_radius: f64,
    /// Largest radius.
    pub max_radius: f64,
}

impl Default for TrustRegion {
    fn default() -> Self {
        TrustRegion {
            subproblem: Subproblem::Exact,
            initial_radius: 1.0,
            max_radius: 1e10,
        }
    }
}

impl TrustRegion {
    /// Chooses the subproblem solver.
    pub fn with_subproblem(mut self, s: Subproblem) -> Self {
        self.subproblem = s;
        self
    }

    /// Sets the initial radius (> 0).
    pub fn with_initial_radius(mut self, r: f64) -> Result<Self> {
        if !(r > 0.0 && r.is_finite()) {
            return Err(Error::invalid("initial radius", format!("{r} is not > 0")));
        }
        self.initial_radius = r;
        Ok(self)
    }

    pub(crate) fn solver(&self) -> TrustRegionState {
        TrustRegionState {
            region: Region::new(self),
            h: DMatrix::zeros(0, 0),
            fresh: false,
        }
    }
}

/// Radius bookkeeping shared by trust-region methods.
pub(crate) struct Region {
    pub(crate) subproblem: Subproblem,
    pub(crate) delta: f64,
    max_radius: f64,
}

/// Outcome of one trust-region trial.
pub(crate) struct Trial {
    /// The step tried and the gradient change it gave (y is NaN-free only when finite).
    pub(crate) s: Vec<f64>,
    pub(crate) y: Option<Vec<f64>>,
    pub(crate) accepted: bool,
}

impl Region {
    pub(crate) fn new(c: &TrustRegion) -> Self {
        Region {
            subproblem: c.subproblem,
            delta: c.initial_radius,
            max_radius: c.max_radius,
        }
    }

    /// Solves the subproblem with model Hessian `b`, evaluates the trial and updates Δ; moves the
    /// iterate when the step is accepted.
    pub(crate) fn trial(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
        b: &DMatrix<f64>,
    ) -> Result<std::result::Result<Trial, Termination>> {
        let xscale = it.x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        if self.delta <= f64::EPSILON * xscale {
            return Ok(Err(Termination::TrustRegionCollapsed));
        }
        let p = self.subproblem.solve(b, &it.g, self.delta);
        let pn = dot(&p, &p).sqrt();
        let bp: Vec<f64> = (0..p.len())
            .map(|i| (0..p.len()).map(|j| b[(i, j)] * p[j]).sum())
            .collect();
        let predicted = -(dot(&it.g, &p) + 0.5 * dot(&p, &bp));
        let xt: Vec<f64> = it.x.iter().zip(&p).map(|(a, b)| a + b).collect();
        let mut gt = vec![0.0; p.len()];
        let ft = ev.value_grad(&xt, &mut gt)?;
        if !ft.is_finite() {
            self.delta = 0.25 * pn;
            return Ok(Ok(Trial {
                s: p,
                y: None,
                accepted: false,
            }));
        }
        let actual = it.f - ft;
        let rho = if predicted > 0.0 {
            actual / predicted
        } else {
            f64::NEG_INFINITY
        };
        if rho < 0.25 {
            self.delta = 0.25 * pn;
        } else if rho > 0.75 && pn >= 0.99 * self.delta {
            self.delta = (2.0 * self.delta).min(self.max_radius);
        }
        let y: Vec<f64> = gt.iter().zip(&it.g).map(|(a, b)| a - b).collect();
        // Accept on sufficient model agreement; also accept an exact-rounding-level tie that
        // does not increase f when the model predicted next to nothing.
        let accepted = rho > 1e-4 || (actual >= 0.0 && predicted <= f64::EPSILON * it.f.abs());
        if accepted {
            it.x = xt;
            it.f = ft;
            it.g = gt;
        }
        Ok(Ok(Trial {
            s: p,
            y: Some(y),
            accepted,
        }))
    }
}

pub(crate) struct TrustRegionState {
    region: Region,
    h: DMatrix<f64>,
    /// Whether `h` belongs to the current iterate.
    fresh: bool,
}

impl Solver for TrustRegionState {
    fn uses_gradient(&self) -> bool {
        true
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        let n = it.x.len();
        self.h = DMatrix::zeros(n, n);
        start_with_gradient(ev, it)
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        if !self.fresh {
            ev.hessian(&it.x, &mut self.h)?;
            if self.h.iter().any(|v| !v.is_finite()) {
                return Ok(Some(Termination::ObjectiveNotFinite));
            }
            self.fresh = true;
        }
        match self.region.trial(ev, it, &self.h)? {
            Ok(t) => {
                if t.accepted {
                    self.fresh = false;
                }
                Ok(None)
            }
            Err(t) => Ok(Some(t)),
        }
    }
}
