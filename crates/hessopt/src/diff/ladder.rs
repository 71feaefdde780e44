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

/// Smallest step a ladder takes: products of two steps stay above 1e-280, normal numbers with
/// room below them for the differences of f, so no quotient divides by an underflowed step.
pub(super) const STEP_FLOOR: f64 = 1e-140;

/// Relative rounding error aimed at by a ladder that moves up (see [`LineSampler`]): the first
/// step is raised until the rounding of its quotient would be this fraction of the quotient.
const UP_ROUNDING: f64 = 1e-7;

/// A move up is worth its evaluations only when it raises the step at least this much.
const UP_MIN_FACTOR: f64 = 16.0;

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
    /// The size of the argument along the line (|x_i| on an axis): f computed at x + h d carries
    /// the rounding of x + h d, ε·arg·|f'| in f's units, often far above ε|f| (sin(x) at 1e8).
    pub(super) arg: f64,
    /// Whether the quotients were seen to behave as a Taylor expansion (or as f's noise) on this
    /// line. An untrusted line (no step gave converging quotients: every step was far outside
    /// the function's own scale, or too few steps could be taken) gives infinite error estimates.
    pub(super) trusted: bool,
}

impl<R: Output> Line<R> {
    /// A line with no level yet, for the stencil `sigma`, through a point of size `arg` along it.
    pub(super) fn empty(sigma: f64, arg: f64) -> Self {
        Line {
            sigma,
            arg,
            steps: Vec::new(),
            plus: Vec::new(),
            minus: Vec::new(),
            noise: Vec::new(),
            trusted: false,
        }
    }

    /// The difference of values behind the quotient of `order` (entry `e`, level `k`): the
    /// quotient times h (first derivative) or h² (second), in f's units. Differences of halves
    /// and sums of differences: values near f64::MAX must not overflow (2f(x) may where f does
    /// not).
    pub(super) fn difference(&self, f0: &R, e: usize, k: usize, order: Order) -> f64 {
        let (p, m, c) = (
            self.plus[k].entries()[e],
            self.minus[k].entries()[e],
            f0.entries()[e],
        );
        match (order, self.sigma == 0.0) {
            (Order::First, true) => 0.5 * p - 0.5 * m,
            (Order::First, false) => self.sigma * (2.0 * (p - c) - 0.5 * (m - c)),
            (Order::Second, true) => (p - c) + (m - c),
            (Order::Second, false) => (m - p) - (p - c),
        }
    }

    /// The difference quotient of `order` of entry `e` at level `k`: the difference divided by
    /// h once or twice (h² may overflow or underflow where h does not).
    pub(super) fn quotient(&self, f0: &R, e: usize, k: usize, order: Order) -> f64 {
        let (d, h) = (self.difference(f0, e, k, order), self.steps[k]);
        match order {
            Order::First => d / h,
            Order::Second => d / h / h,
        }
    }

    /// Rounding error of the difference behind the quotient of `order` of entry `e` at level
    /// `k`, in f's units: a few ulps of the values, or of the argument's rounding carried through
    /// f (ε·arg·|f'|), or the noise observed along the line, whichever is largest.
    pub(super) fn rounding_in_f(&self, f0: &R, e: usize, k: usize, order: Order) -> f64 {
        let argument = f64::EPSILON * self.arg * self.quotient(f0, e, k, Order::First).abs();
        let values = [
            f0.entries()[e],
            self.plus[k].entries()[e],
            self.minus[k].entries()[e],
        ];
        let noise = unit_rounding(&values)
            .max(argument)
            .max(self.noise.get(e).copied().unwrap_or(0.0));
        match order {
            Order::First => 4.0 * noise,
            Order::Second => 16.0 * noise,
        }
    }

    /// Rounding error of the quotient itself: [`Line::rounding_in_f`] divided by h or h².
    pub(super) fn rounding(&self, f0: &R, e: usize, k: usize, order: Order) -> f64 {
        let (units, h) = (self.rounding_in_f(f0, e, k, order), self.steps[k]);
        match order {
            Order::First => units / h,
            Order::Second => units / h / h,
        }
    }

    /// The extrapolated derivative of `order` of entry `e` with a rounding floor added to
    /// Ridders' estimate, whether or not the line is trusted (yet).
    pub(super) fn extrapolated(&self, f0: &R, e: usize, order: Order) -> Extrapolated {
        let d: Vec<f64> = (0..self.levels())
            .map(|k| self.quotient(f0, e, k, order))
            .collect();
        let mut best = extrapolate(&d, RATIO, self.power());
        best.error += self.rounding(f0, e, best.row, order);
        best
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

impl Order {
    /// The derivative's order: the power of h a quotient's difference carries.
    pub(super) fn power(self) -> i32 {
        match self {
            Order::First => 1,
            Order::Second => 2,
        }
    }
}

/// Rounding unit of a few values: ε of the largest, and never below the spacing of the
/// subnormal numbers (values that underflowed to 0 are known to that spacing only).
pub(super) fn unit_rounding(values: &[f64]) -> f64 {
    (f64::EPSILON * values.iter().fold(0.0f64, |m, v| m.max(v.abs()))).max(SUBNORMAL_SPACING)
}

/// The spacing of the subnormal numbers, 2⁻¹⁰⁷⁴.
const SUBNORMAL_SPACING: f64 = f64::from_bits(1);

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
///
/// The ladder moves to the function's own scale in both directions. Down: quotients of three
/// successive steps that do not contract as a Taylor expansion must (the steps are far beyond
/// the function's scale, as sin(x) at x = 300) restart the ladder 16 times below its last step. Up, once, on a
/// coordinate axis whose step scale is below 1 and set by |x_i| alone (no typical size): when
/// the first quotients are dominated by rounding (f barely changes over the step, as exp(x) or
/// x² at x = 1e-200), the first step is raised to where their rounding would be `UP_ROUNDING` of
/// them (h² or h grows with the ratio), at most to the absolute step `first_step`.
///
/// Every line may take `2 · levels` steps in all (restarts, moves and one-sided passes included);
/// a line whose quotients were never seen to converge is untrusted ([`Line::trusted`]).
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
    /// Steps tried in all passes (at most `2 · levels`).
    tried: usize,
    /// Steps tried in a row without a finite pair of values in this pass (at most `levels`).
    failed: usize,
    /// Whether the ladder may still move up (see the type's documentation).
    may_move_up: bool,
    /// The step below a move up, where f did not change measurably: a ladder that then finds
    /// its steps too large restarts halfway (geometrically) between the two.
    below: Option<f64>,
    /// Diagnoses in a row on this pass that found the quotients converging.
    converging: usize,
    /// Whether the last diagnosis found every difference at the rounding level.
    exact: bool,
    /// Whether this pass's quotients were seen to converge: two diagnoses in a row (one can be
    /// met by chance where the quotients are noise), one followed by f's noise, or a Richardson
    /// estimate at the rounding level. A pass continues past `levels` (within the budget) until it is.
    verified: bool,
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
        let arg = match dir {
            Dir::Axis(i) => x[i].abs(),
            Dir::Vector(d) => x
                .iter()
                .zip(d)
                .filter(|(_, d)| **d != 0.0)
                .map(|(a, d)| (a / d).abs())
                .fold(0.0, f64::max),
        };
        LineSampler {
            x,
            f0,
            dir,
            anchor,
            scale,
            levels,
            order,
            line: Line::empty(0.0, arg),
            side: None,
            discarded: None,
            h: nd.first_step * scale,
            tried: 0,
            failed: 0,
            may_move_up: matches!(dir, Dir::Axis(_)) && nd.typical.is_none() && scale < 1.0,
            below: None,
            converging: 0,
            exact: false,
            verified: false,
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
        let (sigma, arg) = (self.line.sigma, self.line.arg);
        let mut line = std::mem::replace(&mut self.line, Line::empty(sigma, arg));
        line.trusted = self.verified;
        let line = match self.discarded.take() {
            Some(d) if line.levels() < 2 => d,
            _ => line,
        };
        if line.levels() >= 2 {
            self.done = Some(Ok(line));
        } else if let (0.0, Some(side)) = (sigma, self.side) {
            self.line = Line::empty(side, arg);
            self.h = nd.first_step * self.scale;
            self.failed = 0;
            self.converging = 0;
            self.exact = false;
            self.verified = false;
        } else {
            self.done = Some(Err(self.failure()));
        }
    }

    /// How far the first level says the step should move up: the smallest over entries (and,
    /// on a second-order line, over both quotients: the line gives the gradient too) of
    /// (rounding / `UP_ROUNDING` / |quotient|)^(1/order).
    fn up_factor(&self) -> f64 {
        let orders: &[Order] = match self.order {
            Order::First => &[Order::First],
            Order::Second => &[Order::First, Order::Second],
        };
        let mut factor = f64::INFINITY;
        for e in 0..self.f0.entries().len() {
            for &o in orders {
                let q = self.line.quotient(self.f0, e, 0, o);
                let ratio = self.line.rounding(self.f0, e, 0, o) / UP_ROUNDING / q.abs();
                factor = factor.min(ratio.powf(1.0 / f64::from(o.power())));
            }
        }
        factor
    }
}

impl<R: Output> Stencil<R> for LineSampler<'_, R> {
    fn request(&mut self, nd: &NumDiff) -> Vec<Vec<f64>> {
        while self.done.is_none() {
            if self.tried >= 2 * self.levels
                || self.failed >= self.levels
                || (self.line.levels() >= self.levels && self.verified)
                || self.h < STEP_FLOOR
            {
                self.end_pass(nd);
                continue;
            }
            let sigma = self.line.sigma;
            let reach = if sigma == 0.0 { self.h } else { 2.0 * self.h };
            if !(self.anchor + reach).is_finite() || !(self.anchor - reach).is_finite() {
                // The stencil would leave the floating-point numbers: a smaller step.
                self.h /= RATIO * RATIO * RATIO;
                continue;
            }
            let step = (self.anchor + self.h) - self.anchor;
            if step == 0.0 {
                self.end_pass(nd);
                continue;
            }
            self.step = step;
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
                self.failed += 1;
                self.h /= RATIO * RATIO * RATIO; // try a much smaller step
                return;
            }
            _ => return self.end_pass(nd),
        };
        self.failed = 0;
        self.line.steps.push(self.step);
        self.line.plus.push(p);
        self.line.minus.push(m);
        if self.may_move_up && self.line.levels() == 1 {
            self.may_move_up = false;
            let factor = self.up_factor();
            if factor >= UP_MIN_FACTOR {
                // Rounding dominates: f's own scale is far above |x_i|. Start again higher.
                self.line = Line::empty(self.line.sigma, self.line.arg);
                self.below = Some(self.step);
                self.h = (self.h * factor.min(1e300)).min(nd.first_step);
                return;
            }
        }
        self.h /= RATIO;
        let (line, f0, order) = (&mut self.line, self.f0, self.order);
        let verdict = if line.levels() >= 3 {
            nd.diagnose(line, f0, order)
        } else {
            Verdict::Converging(false)
        };
        if line.levels() >= 3 {
            // Converging twice in a row, or noise right after quotients equal to rounding (a
            // quadratic's), or noise tiny against f's change over the step (log(1 + u) for
            // small u, from the first steps on).
            // A first-order line counts a convergence only when its second-order quotients
            // (from the same points) converge too: quotients of steps far beyond f's scale
            // contract by chance now and then, both orders together far more rarely.
            let confirmed = order == Order::Second
                || matches!(nd.diagnose(line, f0, Order::Second), Verdict::Converging(_));
            let exact_before = self.exact;
            (self.converging, self.exact) = match verdict {
                Verdict::Converging(exact) if confirmed => (self.converging + 1, exact),
                _ => (0, false),
            };
            self.verified |= self.converging >= 2
                || matches!(verdict, Verdict::Noise(_, r) if r || exact_before);
        }
        if verdict == Verdict::Slow {
            // The oldest step is beyond the Taylor range (softplus(x − 300) at x = 300 with a
            // first step of 12): drop it and let the ladder go one step further down.
            line.steps.remove(0);
            line.plus.remove(0);
            line.minus.remove(0);
            return;
        }
        // Noise before anything converged on a ladder that moved up: the move may have gone
        // beyond f's scale (f flat at |x|, varying between |x| and the new step), so it is
        // treated as such.
        let verdict = match verdict {
            Verdict::Noise(..) if !self.verified && self.below.is_some() => Verdict::Far,
            v => v,
        };
        if let Verdict::Noise(levels, _) = verdict {
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
            let fresh = Line::empty(sigma, line.arg);
            let mut old = std::mem::replace(line, fresh);
            old.trusted = self.verified;
            if self
                .discarded
                .as_ref()
                .is_none_or(|d| (d.trusted, d.levels()) <= (old.trusted, old.levels()))
            {
                self.discarded = Some(old);
            }
            self.verified = false;
            self.h = match self.below.take() {
                // Moved up too far (f flat at |x|, varying on a scale between): halfway down.
                Some(below) => (below * self.step).sqrt(),
                None => self.h / RATIO,
            };
            return;
        }
        if line.levels() >= 3 {
            // Stop once every entry's truncation estimate is below its rounding error: smaller
            // steps can only make it worse.
            let settled = (0..f0.entries().len()).all(|e| {
                let best = line.extrapolated(f0, e, order);
                let rounding = line.rounding(f0, e, best.row, order);
                // A rounding level that underflowed says nothing (O(1) differences over
                // h² ~ 1e380 are 0 at every step).
                best.error <= 2.0 * rounding && rounding >= f64::MIN_POSITIVE
            });
            if settled {
                self.verified = true;
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

    /// Extrapolated derivative of entry `e` with a rounding floor added to Ridders' estimate; an
    /// infinite error estimate on an untrusted line.
    pub(super) fn extrapolate_line<R: Output>(
        &self,
        line: &Line<R>,
        f0: &R,
        e: usize,
        order: Order,
    ) -> Extrapolated {
        let mut best = line.extrapolated(f0, e, order);
        if !line.trusted {
            best.error = f64::INFINITY;
        }
        best
    }
}
