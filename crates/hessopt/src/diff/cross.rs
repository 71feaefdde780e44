//! The symmetric cross stencil for an off-diagonal Hessian entry, reusing the axis points of the
//! two coordinate ladders, extrapolated over their last levels.

use super::NumDiff;
use super::eval::{Counted, non_finite_value};
use super::ladder::{Line, RATIO, unit_rounding};
use super::richardson::extrapolate;
use crate::error::Result;

impl NumDiff {
    /// H_ij from the cross stencil at up to `levels` levels ending at each line's chosen level,
    /// extrapolated with Ridders' control; (value, error estimate).
    pub(super) fn cross<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        ev: &Counted<'_, F>,
        x: &[f64],
        f0: f64,
        (i, (li, ai)): (usize, &(Line<f64>, usize)),
        (j, (lj, aj)): (usize, &(Line<f64>, usize)),
        levels: usize,
    ) -> Result<(f64, f64)> {
        let levels = levels.min(li.levels()).min(lj.levels());
        // Start `levels − 1` levels above the chosen row, shifted down where the line is short.
        let start =
            |l: &Line<f64>, end: usize| end.saturating_sub(levels - 1).min(l.levels() - levels);
        let (ai, aj) = (start(li, *ai), start(lj, *aj));
        let side = |l: &Line<f64>| if l.sigma == 0.0 { 1.0 } else { l.sigma };
        let (si, sj) = (side(li), side(lj));
        let point = |hi: f64, hj: f64| {
            let mut p = x.to_vec();
            p[i] += hi;
            p[j] += hj;
            p
        };
        let mut central = li.sigma == 0.0 && lj.sigma == 0.0;
        let mut quotients = Vec::with_capacity(levels);
        let mut noise = 0.0f64;
        for q in 0..levels {
            let (hi, hj) = (li.steps[ai + q], lj.steps[aj + q]);
            if central {
                match (ev.eval(&point(hi, hj)), ev.eval(&point(-hi, -hj))) {
                    (Some(pp), Some(mm)) => {
                        let axes =
                            li.plus[ai + q] + li.minus[ai + q] + lj.plus[aj + q] + lj.minus[aj + q];
                        quotients.push((pp + mm - axes + 2.0 * f0) / (2.0 * hi * hj));
                        noise = noise.max(8.0 * unit_rounding(&[pp, mm, f0]) / (hi * hj));
                        continue;
                    }
                    _ if q > 0 => return Err(non_finite_value(x)),
                    _ => central = false,
                }
            }
            let pp = ev
                .eval(&point(si * hi, sj * hj))
                .ok_or_else(|| non_finite_value(x))?;
            let (fi, fj) = (*li.side(ai + q, si), *lj.side(aj + q, sj));
            quotients.push((pp - fi - fj + f0) / (si * sj * hi * hj));
            noise = noise.max(4.0 * unit_rounding(&[pp, fi, fj, f0]) / (hi * hj));
        }
        let best = extrapolate(&quotients, RATIO, if central { 2 } else { 1 });
        Ok((best.value, best.error + noise))
    }
}
