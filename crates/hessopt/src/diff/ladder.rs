//! Step ladders along a line: sampling at steps shrinking by `RATIO`, the adaptive restarts, the
//! one-sided fallback, and the extrapolated derivative of a line with its rounding floor.

use super::NumDiff;
use super::eval::{Counted, Output};
use super::noise::Verdict;
use super::richardson::{Extrapolated, extrapolate};
use crate::error::{Error, Result};

/// Step ratio between successive levels.
pub(super) const RATIO: f64 = 4.0;

/// Samples along one line through x: per level, the step and the two points.
pub(super) struct Line<R> {
    /// 0 for central; ±1 for one-sided towards that side.
    pub(super) sigma: f64,
    pub(super) steps: Vec<f64>,
    /// Central: f(x + h d). One-sided: f(x + σ h d).
    pub(super) plus: Vec<R>,
    /// Central: f(x − h d). One-sided: f(x + 2σ h d).
    pub(super) minus: Vec<R>,
    /// Noise level of f per entry observed along the line (0 until observed).
    pub(super) noise: Vec<f64>,
}

impl<R: Output> Line<R> {
    /// First-derivative quotient of entry `e` at level `k`.
    pub(super) fn d1(&self, f0: &R, e: usize, k: usize) -> f64 {
        let (p, m, h) = (
            self.plus[k].entries()[e],
            self.minus[k].entries()[e],
            self.steps[k],
        );
        if self.sigma == 0.0 {
            (p - m) / (2.0 * h)
        } else {
            self.sigma * (4.0 * p - m - 3.0 * f0.entries()[e]) / (2.0 * h)
        }
    }

    /// Second-derivative quotient of entry `e` at level `k`.
    pub(super) fn d2(&self, f0: &R, e: usize, k: usize) -> f64 {
        let (p, m, h) = (
            self.plus[k].entries()[e],
            self.minus[k].entries()[e],
            self.steps[k],
        );
        let c = f0.entries()[e];
        if self.sigma == 0.0 {
            (p - 2.0 * c + m) / (h * h)
        } else {
            (m - 2.0 * p + c) / (h * h)
        }
    }

    /// Richardson power: 2 for central stencils, 1 for one-sided ones.
    pub(super) fn power(&self) -> i32 {
        if self.sigma == 0.0 { 2 } else { 1 }
    }

    /// f at x + σ h_k d for a side σ (central lines have both sides).
    pub(super) fn side(&self, k: usize, sigma: f64) -> &R {
        if self.sigma == 0.0 && sigma < 0.0 {
            &self.minus[k]
        } else {
            &self.plus[k]
        }
    }

    pub(super) fn levels(&self) -> usize {
        self.steps.len()
    }
}

/// Which derivative decides when a line search stops.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Order {
    First,
    Second,
}

pub(super) fn unit_rounding(values: &[f64]) -> f64 {
    f64::EPSILON * values.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

impl NumDiff {
    /// Samples f along direction `dir` through x at up to `levels` steps, stopping early once the
    /// extrapolation of the derivative of `order` stops improving. Central stencils first; a step
    /// whose points are not finite (or outside the bounds) is replaced by smaller ones, and when no
    /// central step works the line is sampled one-sided towards the side that is finite.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn line<F, R>(
        &self,
        ev: &Counted<'_, F>,
        x: &[f64],
        f0: &R,
        dir: &[f64],
        scale: f64,
        levels: usize,
        order: Order,
    ) -> Result<Line<R>>
    where
        F: Fn(&[f64]) -> R + ?Sized,
        R: Output,
    {
        let (line, side) = self.sampled(ev, x, f0, dir, scale, levels, order, 0.0);
        if line.levels() >= 2 {
            return Ok(line);
        }
        if let Some(sigma) = side {
            let line = self.sampled(ev, x, f0, dir, scale, levels, order, sigma).0;
            if line.levels() >= 2 {
                return Ok(line);
            }
        }
        Err(Error::NonFinite {
            what: "every stencil point along a coordinate".into(),
            at: x.to_vec(),
        })
    }

    /// One pass of [`NumDiff::line`] with a fixed stencil (`sigma` 0: central, ±1: one-sided).
    /// Also returns the side that gave a finite value when a central pass found none.
    #[allow(clippy::too_many_arguments)]
    fn sampled<F, R>(
        &self,
        ev: &Counted<'_, F>,
        x: &[f64],
        f0: &R,
        dir: &[f64],
        scale: f64,
        levels: usize,
        order: Order,
        sigma: f64,
    ) -> (Line<R>, Option<f64>)
    where
        F: Fn(&[f64]) -> R + ?Sized,
        R: Output,
    {
        let at = |t: f64| -> Vec<f64> { x.iter().zip(dir).map(|(a, d)| a + t * d).collect() };
        // Keep x + h d exactly representable relative to x (Dennis & Schnabel §5.4).
        let anchor = x
            .iter()
            .zip(dir)
            .find(|(_, d)| **d != 0.0)
            .map_or(0.0, |(a, _)| *a);
        let mut line = Line {
            sigma,
            steps: Vec::new(),
            plus: Vec::new(),
            minus: Vec::new(),
            noise: Vec::new(),
        };
        let mut side = None;
        let mut discarded: Option<Line<R>> = None;
        let mut h = self.first_step * scale;
        for _ in 0..levels {
            let step = (anchor + h) - anchor;
            if step == 0.0 {
                break;
            }
            let (p, m) = if sigma == 0.0 {
                (ev.eval(&at(step)), ev.eval(&at(-step)))
            } else {
                (ev.eval(&at(sigma * step)), ev.eval(&at(2.0 * sigma * step)))
            };
            let (p, m) = match (p, m) {
                (Some(p), Some(m)) => (p, m),
                (p, m) if line.steps.is_empty() => {
                    if sigma == 0.0 && side.is_none() {
                        side = p.map(|_| 1.0).or(m.map(|_| -1.0));
                    }
                    h /= RATIO * RATIO * RATIO; // try a much smaller step
                    continue;
                }
                _ => break,
            };
            line.steps.push(step);
            line.plus.push(p);
            line.minus.push(m);
            h /= RATIO;
            let verdict = if line.levels() >= 3 {
                self.diagnose(&line, f0, order)
            } else {
                Verdict::Converging
            };
            if let Verdict::Noise(levels) = verdict {
                // The differences grow like noise / h^p at the level of f's own noise: the last
                // step is below the useful range. Drop it, remember the noise, and stop.
                line.steps.pop();
                line.plus.pop();
                line.minus.pop();
                line.noise = levels;
                break;
            }
            if verdict == Verdict::Far {
                // The quotients do not converge like a Taylor expansion: the larger steps are
                // far outside its range. Start the ladder again, further down, keeping this one
                // in case nothing better comes.
                let fresh = Line {
                    sigma,
                    steps: Vec::new(),
                    plus: Vec::new(),
                    minus: Vec::new(),
                    noise: Vec::new(),
                };
                let old = std::mem::replace(&mut line, fresh);
                if discarded
                    .as_ref()
                    .is_none_or(|d: &Line<R>| d.levels() <= old.levels())
                {
                    discarded = Some(old);
                }
                h /= RATIO * RATIO;
                continue;
            }
            if line.levels() >= 2 {
                // Stop once every entry's truncation estimate is below its rounding error:
                // smaller steps can only make it worse.
                let settled = (0..f0.entries().len()).all(|e| {
                    let best = self.extrapolate_line(&line, f0, e, order);
                    let rounding = self.rounding(&line, f0, e, order, best.row);
                    best.error <= 2.0 * rounding
                });
                if settled && line.levels() >= 3 {
                    break;
                }
            }
        }
        match discarded {
            Some(d) if line.levels() < 2 => (d, side),
            _ => (line, side),
        }
    }

    /// Extrapolated derivative of entry `e` with a rounding floor added to Ridders' estimate.
    pub(super) fn extrapolate_line<R: Output>(
        &self,
        line: &Line<R>,
        f0: &R,
        e: usize,
        order: Order,
    ) -> Extrapolated {
        let d: Vec<f64> = (0..line.levels())
            .map(|k| match order {
                Order::First => line.d1(f0, e, k),
                Order::Second => line.d2(f0, e, k),
            })
            .collect();
        let mut best = extrapolate(&d, RATIO, line.power());
        best.error += self.rounding(line, f0, e, order, best.row);
        best
    }

    /// Rounding error of the quotient of entry `e` at level `k`: a few ulps of the values, divided
    /// by the stencil's h or h².
    pub(super) fn rounding<R: Output>(
        &self,
        line: &Line<R>,
        f0: &R,
        e: usize,
        order: Order,
        k: usize,
    ) -> f64 {
        let h = line.steps[k];
        let noise = unit_rounding(&[
            f0.entries()[e],
            line.plus[k].entries()[e],
            line.minus[k].entries()[e],
        ])
        .max(line.noise.get(e).copied().unwrap_or(0.0));
        match order {
            Order::First => 4.0 * noise / h,
            Order::Second => 16.0 * noise / (h * h),
        }
    }
}
