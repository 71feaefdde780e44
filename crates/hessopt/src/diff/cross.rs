//! The symmetric cross stencil for off-diagonal Hessian entries, extrapolated over the steps that
//! end where both coordinates' ladders settled.

use super::NumDiff;
use super::eval::non_finite_value;
use super::ladder::{Line, Order, RATIO, unit_rounding};
use super::lockstep::Stencil;
use super::richardson::extrapolate;
use crate::error::Result;

/// H_ij from the cross stencil at up to `levels` levels ending at each line's chosen level (fewer
/// when two agree to rounding), as a [`Stencil`]: central [f(x+v) + f(x−v) − f(x±h_i e_i) − f(x±h_j e_j) + 2f(x)] / (2 h_i h_j)
/// while both points are finite, else one-sided towards each line's side.
pub(super) struct CrossSampler<'a> {
    x: &'a [f64],
    f0: f64,
    i: usize,
    j: usize,
    /// Steps per level along i and j.
    hi: Vec<f64>,
    hj: Vec<f64>,
    /// Per level: the sum of the four axis values less f(x) each (central) and the two side
    /// values (one-sided).
    axes: Vec<f64>,
    sides: Vec<(f64, f64)>,
    /// The sides of the one-sided stencil.
    si: f64,
    sj: f64,
    central: bool,
    /// Both lines trusted (else the entry's error estimate is infinite).
    trusted: bool,
    quotients: Vec<f64>,
    /// The rounding of x + h carried through f along both axes (see [`Line::arg`]), in f's units.
    argument: f64,
    noise: f64,
    done: Option<Result<(f64, f64)>>,
}

impl<'a> CrossSampler<'a> {
    pub(super) fn new(
        x: &'a [f64],
        f0: f64,
        (i, (li, ai)): (usize, &(Line<f64>, usize)),
        (j, (lj, aj)): (usize, &(Line<f64>, usize)),
        levels: usize,
    ) -> Self {
        let levels = levels.min(li.levels()).min(lj.levels());
        // Start `levels − 1` levels above the chosen row, shifted down where the line is short.
        let start =
            |l: &Line<f64>, end: usize| end.saturating_sub(levels - 1).min(l.levels() - levels);
        let (ai, aj) = (start(li, *ai), start(lj, *aj));
        let side = |l: &Line<f64>| if l.sigma == 0.0 { 1.0 } else { l.sigma };
        let (si, sj) = (side(li), side(lj));
        CrossSampler {
            x,
            f0,
            i,
            j,
            hi: li.steps[ai..ai + levels].to_vec(),
            hj: lj.steps[aj..aj + levels].to_vec(),
            axes: (0..levels)
                .map(|q| {
                    (li.plus[ai + q] - f0)
                        + (li.minus[ai + q] - f0)
                        + (lj.plus[aj + q] - f0)
                        + (lj.minus[aj + q] - f0)
                })
                .collect(),
            sides: (0..levels)
                .map(|q| (*li.side(ai + q, si), *lj.side(aj + q, sj)))
                .collect(),
            si,
            sj,
            central: li.sigma == 0.0 && lj.sigma == 0.0,
            trusted: li.trusted && lj.trusted,
            argument: [(li, ai), (lj, aj)]
                .iter()
                .map(|(l, a)| f64::EPSILON * l.arg * l.quotient(&f0, 0, *a, Order::First).abs())
                .sum(),
            quotients: Vec::with_capacity(levels),
            noise: 0.0,
            done: None,
        }
    }

    /// (H_ij, error estimate).
    pub(super) fn finish(self) -> Result<(f64, f64)> {
        match self.done {
            Some(r) => r,
            None => Err(non_finite_value(self.x)),
        }
    }

    fn point(&self, hi: f64, hj: f64) -> Vec<f64> {
        let mut p = self.x.to_vec();
        p[self.i] += hi;
        p[self.j] += hj;
        p
    }
}

impl Stencil<f64> for CrossSampler<'_> {
    fn request(&mut self, _: &NumDiff) -> Vec<Vec<f64>> {
        if self.done.is_some() {
            return Vec::new();
        }
        let q = self.quotients.len();
        let power = if self.central { 2 } else { 1 };
        // Stop at the last level, or earlier once the tableau has converged: Ridders' estimate
        // at most twice the rounding error of the quotients (a smaller step can only add
        // rounding), the rule that ends a coordinate's ladder.
        let best = (q > 0).then(|| extrapolate(&self.quotients, RATIO, power));
        if let Some(best) = best.filter(|b| {
            q == self.hi.len()
                || (q >= 2 && b.error <= 2.0 * self.noise && self.noise >= f64::MIN_POSITIVE)
        }) {
            let error = if self.trusted {
                best.error + self.noise
            } else {
                f64::INFINITY
            };
            self.done = Some(Ok((best.value, error)));
            return Vec::new();
        }
        let (hi, hj) = (self.hi[q], self.hj[q]);
        if self.central {
            vec![self.point(hi, hj), self.point(-hi, -hj)]
        } else {
            vec![self.point(self.si * hi, self.sj * hj)]
        }
    }

    fn receive(&mut self, _: &NumDiff, values: Vec<Option<f64>>) {
        let q = self.quotients.len();
        let (hi, hj, f0) = (self.hi[q], self.hj[q], self.f0);
        match (self.central, values.as_slice()) {
            (true, [Some(pp), Some(mm)]) => {
                // Differences to f(x), divided step by step: nothing overflows or underflows
                // that the values and steps themselves do not.
                self.quotients
                    .push(((pp - f0) + (mm - f0) - self.axes[q]) / (2.0 * hi) / hj);
                self.noise = self
                    .noise
                    .max(8.0 * unit_rounding(&[*pp, *mm, f0]).max(self.argument) / hi / hj);
            }
            // A central point that is not finite: one-sided from the start, an error later.
            (true, _) if q == 0 => self.central = false,
            (false, [Some(pp)]) => {
                let (fi, fj) = self.sides[q];
                let (si, sj) = (self.si, self.sj);
                self.quotients
                    .push(((pp - fi) - (fj - f0)) / (si * hi) / (sj * hj));
                self.noise = self
                    .noise
                    .max(4.0 * unit_rounding(&[*pp, fi, fj, f0]).max(self.argument) / hi / hj);
            }
            _ => self.done = Some(Err(non_finite_value(self.x))),
        }
    }
}
