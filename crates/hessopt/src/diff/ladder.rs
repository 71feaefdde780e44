//! Step ladders along a line: sampling at steps shrinking by `RATIO`, the adaptive restarts, the
//! one-sided fallback, and the extrapolated derivative of a line with its rounding floor.

use super::NumDiff;
use super::eval::{Counted, Output};
use super::lockstep::{Stencil, run};
use super::noise::Verdict;
use super::richardson::{Extrapolated, extrapolate};
use crate::error::{Error, Result};

/// Axis lines with the level of their second derivative, and (first, second) derivatives.
pub(super) type DiagonalLines = (Vec<(Line<f64>, usize)>, Vec<(Extrapolated, Extrapolated)>);

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
    /// A line with no level yet, for the stencil `sigma`.
    pub(super) fn empty(sigma: f64) -> Self {
        Line {
            sigma,
            steps: Vec::new(),
            plus: Vec::new(),
            minus: Vec::new(),
            noise: Vec::new(),
        }
    }

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

/// The direction of a ladder: a coordinate axis, or a vector.
#[derive(Clone, Copy)]
pub(super) enum Dir<'a> {
    Axis(usize),
    Vector(&'a [f64]),
}

/// The ladder along one line through x as a [`Stencil`]: f is sampled at up to `levels` steps,
/// stopping early once the extrapolation of the derivative of `order` stops improving. Central
/// stencils first; a step whose points are not finite (or outside the bounds) is replaced by
/// smaller ones, and when no central step works the line is sampled one-sided towards the side
/// that is finite.
pub(super) struct LineSampler<'a, R> {
    x: &'a [f64],
    f0: &'a R,
    dir: Dir<'a>,
    /// Keeps x + h d exactly representable relative to x (Dennis & Schnabel §5.4).
    anchor: f64,
    scale: f64,
    levels: usize,
    order: Order,
    /// The pass in progress (its stencil is `line.sigma`).
    line: Line<R>,
    /// The side that gave a finite value when a central step did not.
    side: Option<f64>,
    /// A ladder abandoned as far outside the Taylor range, kept in case nothing better comes.
    discarded: Option<Line<R>>,
    h: f64,
    /// Steps tried in this pass (at most `levels`).
    tried: usize,
    /// The step of the points handed out.
    step: f64,
    done: Option<Result<Line<R>>>,
}

impl<'a, R: Output> LineSampler<'a, R> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        nd: &NumDiff,
        x: &'a [f64],
        f0: &'a R,
        dir: Dir<'a>,
        scale: f64,
        levels: usize,
        order: Order,
    ) -> Self {
        let anchor = match dir {
            Dir::Axis(i) => x[i],
            Dir::Vector(d) => x
                .iter()
                .zip(d)
                .find(|(_, d)| **d != 0.0)
                .map_or(0.0, |(a, _)| *a),
        };
        LineSampler {
            x,
            f0,
            dir,
            anchor,
            scale,
            levels,
            order,
            line: Line::empty(0.0),
            side: None,
            discarded: None,
            h: nd.first_step * scale,
            tried: 0,
            step: 0.0,
            done: None,
        }
    }

    /// The sampled line, or the error when no stencil gave two finite levels.
    pub(super) fn finish(self) -> Result<Line<R>> {
        match self.done {
            Some(r) => r,
            None => Err(self.failure()),
        }
    }

    fn failure(&self) -> Error {
        Error::NonFinite {
            what: "every stencil point along a coordinate".into(),
            at: self.x.to_vec(),
        }
    }

    /// x + t d.
    fn at(&self, t: f64) -> Vec<f64> {
        match self.dir {
            Dir::Axis(i) => {
                let mut p = self.x.to_vec();
                p[i] += t;
                p
            }
            Dir::Vector(d) => self.x.iter().zip(d).map(|(a, d)| a + t * d).collect(),
        }
    }

    /// Ends the pass: a line of two levels or more is the result; a central pass without one
    /// starts a one-sided pass towards the finite side; otherwise the line failed.
    fn end_pass(&mut self, nd: &NumDiff) {
        let sigma = self.line.sigma;
        let line = std::mem::replace(&mut self.line, Line::empty(sigma));
        let line = match self.discarded.take() {
            Some(d) if line.levels() < 2 => d,
            _ => line,
        };
        if line.levels() >= 2 {
            self.done = Some(Ok(line));
        } else if let (0.0, Some(side)) = (sigma, self.side) {
            self.line = Line::empty(side);
            self.h = nd.first_step * self.scale;
            self.tried = 0;
        } else {
            self.done = Some(Err(self.failure()));
        }
    }
}

impl<R: Output> Stencil<R> for LineSampler<'_, R> {
    fn request(&mut self, nd: &NumDiff) -> Vec<Vec<f64>> {
        while self.done.is_none() {
            let step = (self.anchor + self.h) - self.anchor;
            if self.tried >= self.levels || step == 0.0 {
                self.end_pass(nd);
                continue;
            }
            self.step = step;
            let sigma = self.line.sigma;
            return if sigma == 0.0 {
                vec![self.at(step), self.at(-step)]
            } else {
                vec![self.at(sigma * step), self.at(2.0 * sigma * step)]
            };
        }
        Vec::new()
    }

    fn receive(&mut self, nd: &NumDiff, values: Vec<Option<R>>) {
        self.tried += 1;
        let mut values = values.into_iter();
        let (p, m) = match (values.next().flatten(), values.next().flatten()) {
            (Some(p), Some(m)) => (p, m),
            (p, m) if self.line.steps.is_empty() => {
                if self.line.sigma == 0.0 && self.side.is_none() {
                    self.side = p.map(|_| 1.0).or(m.map(|_| -1.0));
                }
                self.h /= RATIO * RATIO * RATIO; // try a much smaller step
                return;
            }
            _ => return self.end_pass(nd),
        };
        let (line, f0, order) = (&mut self.line, self.f0, self.order);
        line.steps.push(self.step);
        line.plus.push(p);
        line.minus.push(m);
        self.h /= RATIO;
        let verdict = if line.levels() >= 3 {
            nd.diagnose(line, f0, order)
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
            return self.end_pass(nd);
        }
        if verdict == Verdict::Far {
            // The quotients do not converge like a Taylor expansion: the larger steps are far
            // outside its range. Start the ladder again, further down, keeping this one in case
            // nothing better comes.
            let sigma = line.sigma;
            let old = std::mem::replace(line, Line::empty(sigma));
            if self
                .discarded
                .as_ref()
                .is_none_or(|d| d.levels() <= old.levels())
            {
                self.discarded = Some(old);
            }
            self.h /= RATIO * RATIO;
            return;
        }
        if line.levels() >= 3 {
            // Stop once every entry's truncation estimate is below its rounding error: smaller
            // steps can only make it worse.
            let settled = (0..f0.entries().len()).all(|e| {
                let best = nd.extrapolate_line(line, f0, e, order);
                let rounding = nd.rounding(line, f0, e, order, best.row);
                best.error <= 2.0 * rounding
            });
            if settled {
                self.end_pass(nd);
            }
        }
    }
}

impl NumDiff {
    /// One line sampled on its own (see [`LineSampler`]).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn line<R: Output>(
        &self,
        ev: &Counted<'_, R>,
        x: &[f64],
        f0: &R,
        dir: Dir<'_>,
        scale: f64,
        levels: usize,
        order: Order,
    ) -> Result<Line<R>> {
        let mut s = [LineSampler::new(self, x, f0, dir, scale, levels, order)];
        run(self, ev, &mut s)?;
        let [s] = s;
        s.finish()
    }

    /// One line per coordinate axis, each at that coordinate's step scale, all advanced in the
    /// same rounds of batched evaluations.
    pub(super) fn axis_lines<R: Output>(
        &self,
        ev: &Counted<'_, R>,
        x: &[f64],
        f0: &R,
        levels: usize,
        order: Order,
    ) -> Result<Vec<Line<R>>> {
        let mut ladders: Vec<_> = (0..x.len())
            .map(|i| LineSampler::new(self, x, f0, Dir::Axis(i), self.scale(x, i), levels, order))
            .collect();
        run(self, ev, &mut ladders)?;
        ladders.into_iter().map(LineSampler::finish).collect()
    }

    /// The axis lines of a second-order stencil with each coordinate's first and second
    /// derivative (the Hessian's diagonal) and the level the second one was taken from.
    pub(super) fn diagonal_lines(
        &self,
        ev: &Counted<'_, f64>,
        x: &[f64],
        f0: &f64,
        levels: usize,
    ) -> Result<DiagonalLines> {
        Ok(self
            .axis_lines(ev, x, f0, levels, Order::Second)?
            .into_iter()
            .map(|line| {
                let d1 = self.extrapolate_line(&line, f0, 0, Order::First);
                let d2 = self.extrapolate_line(&line, f0, 0, Order::Second);
                ((line, d2.row), (d1, d2))
            })
            .unzip())
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
