//! Noise diagnosis: whether the last quotients of a ladder converge, show the function's own noise,
//! or say the steps are far beyond its scale.

use super::NumDiff;
use super::eval::Output;
use super::ladder::{Line, Order, RATIO};

/// Successive differences of the quotients must shrink at least by this factor (in the Taylor
/// range they shrink by 1/16 for central stencils and 1/4 for one-sided ones).
const CONTRACTION: f64 = 0.5;

/// Non-contracting differences worth less than this fraction of |f| are taken as f's own noise.
const NOISE_FRACTION: f64 = 1e-6;

/// What the last quotients of a line say about its steps.
#[derive(Debug, PartialEq)]
pub(super) enum Verdict {
    Converging,
    Noise(Vec<f64>),
    Far,
}

impl NumDiff {
    /// Classifies the last three quotients of every entry. Converging: successive differences
    /// shrink by at least `1 / CONTRACTION` (in the Taylor range by the ratio to the stencil's
    /// order), or are at the rounding level. Noise: they do not shrink, but what they amount to in
    /// f (|Δq| h^p) is below `NOISE_FRACTION` of |f|: the function's own noise, of that size, not
    /// machine epsilon. Far: neither; the steps are beyond the function's scale.
    pub(super) fn diagnose<R: Output>(&self, line: &Line<R>, f0: &R, order: Order) -> Verdict {
        let k = line.levels() - 1;
        let h = line.steps[k];
        let mut noise = vec![0.0; f0.entries().len()];
        let mut noisy = false;
        for (e, level) in noise.iter_mut().enumerate() {
            let q = |k| match order {
                Order::First => line.d1(f0, e, k),
                Order::Second => line.d2(f0, e, k),
            };
            let (d_prev, d_cur) = (q(k - 1) - q(k - 2), q(k) - q(k - 1));
            if d_cur.abs() <= 100.0 * self.rounding(line, f0, e, order, k) {
                continue;
            }
            let in_f = match order {
                Order::First => d_cur.abs() * h,
                Order::Second => d_cur.abs() * h * h,
            };
            let size = [
                f0.entries()[e],
                line.plus[k].entries()[e],
                line.minus[k].entries()[e],
            ]
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
            // Noise-sized: tiny against |f| itself, or against how much f changes over the step
            // (f may be computed with absolute noise far above ε|f|, as log(1 + u) for small u).
            let (fk, pk, mk) = (
                f0.entries()[e],
                line.plus[k].entries()[e],
                line.minus[k].entries()[e],
            );
            let change = (pk - fk).abs().max((mk - fk).abs());
            let small_in_f = in_f <= NOISE_FRACTION * size || in_f <= 0.05 * change;
            // In the Taylor range successive differences shrink by RATIO^-p; noise makes them
            // shrink less (or grow). Differences at f's noise level that shrink less than 4×
            // that rate are noise; larger ones that do not even halve mean steps far too big.
            let taylor = RATIO.powi(-line.power());
            if small_in_f && d_cur.abs() > (4.0 * taylor).min(CONTRACTION) * d_prev.abs() {
                *level = in_f;
                noisy = true;
            } else if !small_in_f && d_cur.abs() > CONTRACTION * d_prev.abs() {
                return Verdict::Far;
            }
        }
        if noisy {
            Verdict::Noise(noise)
        } else {
            Verdict::Converging
        }
    }
}
