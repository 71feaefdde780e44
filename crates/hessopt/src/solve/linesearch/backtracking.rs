//! Armijo backtracking with safeguarded quadratic interpolation (Nocedal & Wright §3.5).

use super::{Phi, Trial};
use crate::error::Result;

/// Largest number of reductions before giving up.
const MAX_STEPS: usize = 60;

pub(super) fn search(
    phi: &mut Phi<'_, '_, '_>,
    f0: f64,
    dphi0: f64,
    alpha0: f64,
    c1: f64,
) -> Result<Option<Trial>> {
    if !(alpha0.is_finite() && alpha0 > 0.0) {
        return Ok(None);
    }
    let mut alpha = alpha0;
    for _ in 0..MAX_STEPS {
        let t = phi.eval(alpha)?;
        if t.f.is_finite() && t.f <= f0 + c1 * alpha * dphi0 {
            return Ok(Some(t));
        }
        // Minimizer of the quadratic through φ(0), φ'(0), φ(α), kept within [0.1α, 0.5α];
        // a non-finite trial halves the step.
        let next = if t.f.is_finite() && alpha.is_finite() {
            let q = -dphi0 * alpha * alpha / (2.0 * (t.f - f0 - dphi0 * alpha));
            q.clamp(0.1 * alpha, 0.5 * alpha)
        } else {
            0.5 * alpha
        };
        if next <= f64::EPSILON * alpha0 * 1e-6 {
            break;
        }
        alpha = next;
    }
    Ok(None)
}
