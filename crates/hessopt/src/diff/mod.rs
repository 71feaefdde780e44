//! Derivatives of black boxes `Fn(&[f64]) -> f64` from values only, with error estimates.
//!
//! **Method.** Along each coordinate the steps are h_k = c · s_i / 4^k (k = 0, 1, …; c = 0.04),
//! where the scale s_i is max(|x_i|, typical_i) with a user typical size, else |x_i| (1 at x_i = 0):
//! steps follow the variable, so a parameter of size 1e-4 and one of size 1e4 are treated alike.
//! Central quotients for the first and second derivative at every step feed a Richardson tableau
//! with Ridders' error control ([`richardson`]), which picks the step from the data: where the
//! truncation error and the function's own noise balance, whatever that noise is. The search
//! adapts the ladder to the function: when the quotients of three successive steps do not contract
//! as a Taylor expansion must (the steps are far larger than the function's own scale, e.g. sin(x)
//! at x = 300), the ladder restarts 64 times lower; a step whose points overflow or leave the
//! domain is replaced by one 64 times smaller; and the search stops once the estimated truncation
//! error is below the rounding level. The Hessian's off-diagonal entries reuse the points on the
//! axes and add two points per pair and step (the symmetric cross stencil
//! [f(x+v) + f(x−v) − f(x±h_i e_i) − f(x±h_j e_j) + 2f(x)] / (2 h_i h_j), v = h_i e_i + h_j e_j),
//! extrapolated over the (up to three) steps ending where the diagonal settled. The whole Hessian
//! costs at most 4n² + 4n + 1 evaluations on smooth functions (a one-sided fallback may add one per
//! coordinate), and the gradient comes free with it.
//!
//! When a stencil point is outside the bounds or gives NaN/Inf, that coordinate switches to a
//! one-sided stencil (f(x), f(x+σh), f(x+2σh)) and the result says so in `one_sided`; if no finite
//! point is found the result is an error, never a silent NaN.
//!
//! ```
//! use hessopt::diff;
//! let f = |x: &[f64]| (x[0] / 1000.0 - 1.0).powi(2) + (x[1] * 1000.0 - 1.0).powi(2);
//! let h = diff::hessian(&f, &[900.0, 0.0012])?;
//! assert!((h.hessian[(0, 0)] - 2e-6).abs() < 1e-14);
//! assert!((h.hessian[(1, 1)] - 2e6).abs() < 1e-4);
//! assert!(h.evaluations <= 4 * 4 + 4 * 2 + 1);
//! # Ok::<(), hessopt::Error>(())
//! ```

pub mod richardson;

use nalgebra::DMatrix;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use crate::error::{Error, Result};
use richardson::{Extrapolated, extrapolate};

/// Step ratio between successive levels.
const RATIO: f64 = 4.0;

/// Successive differences of the quotients must shrink at least by this factor (in the Taylor
/// range they shrink by 1/16 for central stencils and 1/4 for one-sided ones).
const CONTRACTION: f64 = 0.5;

/// Non-contracting differences worth less than this fraction of |f| are taken as f's own noise.
const NOISE_FRACTION: f64 = 1e-6;

/// Settings of the numerical differentiation engine (validated setters).
#[derive(Debug, Clone, PartialEq)]
pub struct NumDiff {
    typical: Option<Vec<f64>>,
    lower: Option<Vec<f64>>,
    upper: Option<Vec<f64>>,
    first_step: f64,
    max_levels: usize,
}

impl Default for NumDiff {
    fn default() -> Self {
        NumDiff {
            typical: None,
            lower: None,
            upper: None,
            first_step: 0.04,
            max_levels: 6,
        }
    }
}

/// Gradient (or directional derivative) estimate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GradientEstimate {
    /// f(x).
    pub value: f64,
    /// The gradient.
    pub gradient: Vec<f64>,
    /// Estimated absolute error per entry.
    pub error: Vec<f64>,
    /// The step chosen per coordinate.
    pub steps: Vec<f64>,
    /// Coordinates where a one-sided stencil was used (a point was outside bounds or not finite).
    pub one_sided: Vec<bool>,
    /// Function evaluations spent.
    pub evaluations: usize,
}

/// Hessian estimate, with the gradient that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct HessianEstimate {
    /// f(x).
    pub value: f64,
    /// The gradient (from the same points).
    pub gradient: Vec<f64>,
    /// Estimated absolute error of each gradient entry.
    pub gradient_error: Vec<f64>,
    /// The Hessian, symmetric.
    pub hessian: DMatrix<f64>,
    /// Estimated absolute error of each Hessian entry.
    pub error: DMatrix<f64>,
    /// The step per coordinate on which the off-diagonal entries were computed (the larger one).
    pub steps: Vec<f64>,
    /// Coordinates where a one-sided stencil was used.
    pub one_sided: Vec<bool>,
    /// Function evaluations spent (at most 4n² + 4n + 1).
    pub evaluations: usize,
}

/// Jacobian estimate of a vector function (also used for Hessians from a gradient).
#[derive(Debug, Clone, PartialEq)]
pub struct JacobianEstimate {
    /// f(x), m values.
    pub values: Vec<f64>,
    /// The m × n Jacobian.
    pub jacobian: DMatrix<f64>,
    /// Estimated absolute error per entry.
    pub error: DMatrix<f64>,
    /// Coordinates where a one-sided stencil was used.
    pub one_sided: Vec<bool>,
    /// Function evaluations spent.
    pub evaluations: usize,
}

/// Evaluation with counting; a point outside the bounds or a non-finite result is `None`.
struct Counted<'a, F: ?Sized> {
    f: &'a F,
    count: AtomicUsize,
    lower: Option<&'a [f64]>,
    upper: Option<&'a [f64]>,
}

impl<F: ?Sized> Counted<'_, F> {
    fn count(&self) -> usize {
        self.count.load(AtomicOrdering::Relaxed)
    }
}

impl<F: Fn(&[f64]) -> R + ?Sized, R: Output> Counted<'_, F> {
    fn inside(&self, x: &[f64]) -> bool {
        let lo = self
            .lower
            .is_none_or(|l| x.iter().zip(l).all(|(a, b)| a >= b));
        let hi = self
            .upper
            .is_none_or(|u| x.iter().zip(u).all(|(a, b)| a <= b));
        lo && hi
    }

    fn eval(&self, x: &[f64]) -> Option<R> {
        if !self.inside(x) {
            return None;
        }
        self.count.fetch_add(1, AtomicOrdering::Relaxed);
        let r = (self.f)(x);
        r.finite().then_some(r)
    }
}

/// What a black box returns: a scalar or a vector of values.
trait Output: Clone {
    fn finite(&self) -> bool;
    fn entries(&self) -> &[f64];
}

impl Output for f64 {
    fn finite(&self) -> bool {
        self.is_finite()
    }
    fn entries(&self) -> &[f64] {
        std::slice::from_ref(self)
    }
}

impl Output for Vec<f64> {
    fn finite(&self) -> bool {
        self.iter().all(|v| v.is_finite())
    }
    fn entries(&self) -> &[f64] {
        self
    }
}

/// Samples along one line through x: per level, the step and the two points.
struct Line<R> {
    /// 0 for central; ±1 for one-sided towards that side.
    sigma: f64,
    steps: Vec<f64>,
    /// Central: f(x + h d). One-sided: f(x + σ h d).
    plus: Vec<R>,
    /// Central: f(x − h d). One-sided: f(x + 2σ h d).
    minus: Vec<R>,
    /// Noise level of f per entry observed along the line (0 until observed).
    noise: Vec<f64>,
}

impl<R: Output> Line<R> {
    /// First-derivative quotient of entry `e` at level `k`.
    fn d1(&self, f0: &R, e: usize, k: usize) -> f64 {
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
    fn d2(&self, f0: &R, e: usize, k: usize) -> f64 {
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
    fn power(&self) -> i32 {
        if self.sigma == 0.0 { 2 } else { 1 }
    }

    /// f at x + σ h_k d for a side σ (central lines have both sides).
    fn side(&self, k: usize, sigma: f64) -> &R {
        if self.sigma == 0.0 && sigma < 0.0 {
            &self.minus[k]
        } else {
            &self.plus[k]
        }
    }

    fn levels(&self) -> usize {
        self.steps.len()
    }
}

/// What the last quotients of a line say about its steps.
#[derive(Debug, PartialEq)]
enum Verdict {
    Converging,
    Noise(Vec<f64>),
    Far,
}

/// Which derivative decides when a line search stops.
#[derive(Clone, Copy, PartialEq)]
enum Order {
    First,
    Second,
}

fn unit_rounding(values: &[f64]) -> f64 {
    f64::EPSILON * values.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// The Hessian driver, once for the serial and once for the parallel path (`$iter` is `iter` or
/// `par_iter`): coordinate lines first, then the pairs with the evaluations left.
macro_rules! hessian_driver {
    ($self:ident, $f:ident, $x:ident, $iter:ident) => {{
        $self.check($x)?;
        let ev = $self.counted($f);
        let f0 = ev.eval($x).ok_or_else(|| non_finite_value($x))?;
        let n = $x.len();
        // Budget 4n² + 4n + 1: at least two levels (4 evaluations) per pair, n + 3 levels per
        // coordinate (at most `max_levels`).
        let levels = (n + 3).min($self.max_levels);
        let coords: Vec<usize> = (0..n).collect();
        let lines = coords
            .$iter()
            .map(|&i| {
                let line = $self.line(
                    &ev,
                    $x,
                    &f0,
                    &unit(n, i),
                    $self.scale($x, i),
                    levels,
                    Order::Second,
                )?;
                let d1 = $self.extrapolate_line(&line, &f0, 0, Order::First);
                let d2 = $self.extrapolate_line(&line, &f0, 0, Order::Second);
                Ok(((line, d2.row), (d1, d2)))
            })
            .collect::<Result<Vec<_>>>()?;
        let (lines, diag): (Vec<_>, Vec<_>) = lines.into_iter().unzip();
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..i).map(move |j| (i, j))).collect();
        // Three levels per pair when the evaluations left allow it, else two.
        let left = (4 * n * n + 4 * n + 1).saturating_sub(ev.count());
        let pair_levels = if left >= 6 * pairs.len() { 3 } else { 2 };
        let cross = pairs
            .$iter()
            .map(|&(i, j)| $self.cross(&ev, $x, f0, (i, &lines[i]), (j, &lines[j]), pair_levels))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::assemble(
            f0,
            &lines,
            &diag,
            &pairs,
            &cross,
            ev.count(),
        ))
    }};
}

impl NumDiff {
    /// Default settings: first step 0.04 · scale, up to 6 levels of ratio 4, no bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Typical magnitude of each variable (> 0): the step scale is max(|x_i|, typical_i).
    pub fn with_typical(mut self, typical: Vec<f64>) -> Result<Self> {
        if let Some(v) = typical.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
            return Err(Error::invalid(
                "typical size",
                format!("{v} is not a positive number"),
            ));
        }
        self.typical = Some(typical);
        Ok(self)
    }

    /// Bounds that no stencil point may cross (the function may be undefined outside).
    pub fn with_bounds(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Result<Self> {
        Error::check_dim("upper bounds", lower.len(), upper.len())?;
        if let Some(i) = (0..lower.len())
            .find(|&i| lower[i].is_nan() || upper[i].is_nan() || lower[i] > upper[i])
        {
            return Err(Error::invalid(
                "bounds",
                format!("lower[{i}] = {} > upper[{i}] = {}", lower[i], upper[i]),
            ));
        }
        self.lower = Some(lower);
        self.upper = Some(upper);
        Ok(self)
    }

    /// First (largest) relative step, in (0, 1].
    pub fn with_first_step(mut self, step: f64) -> Result<Self> {
        if !(step > 0.0 && step <= 1.0) {
            return Err(Error::invalid(
                "first step",
                format!("{step} is not in (0, 1]"),
            ));
        }
        self.first_step = step;
        Ok(self)
    }

    /// Maximum number of step levels per coordinate, 2 to 12.
    pub fn with_max_levels(mut self, levels: usize) -> Result<Self> {
        if !(2..=12).contains(&levels) {
            return Err(Error::invalid(
                "levels",
                format!("{levels} is not in 2..=12"),
            ));
        }
        self.max_levels = levels;
        Ok(self)
    }

    fn check(&self, x: &[f64]) -> Result<()> {
        if let Some(t) = &self.typical {
            Error::check_dim("typical sizes", x.len(), t.len())?;
        }
        if let (Some(l), Some(u)) = (&self.lower, &self.upper) {
            Error::check_dim("bounds", x.len(), l.len())?;
            if let Some(i) = (0..x.len()).find(|&i| x[i] < l[i] || x[i] > u[i]) {
                return Err(Error::invalid(
                    "point",
                    format!("x[{i}] = {} is outside its bounds", x[i]),
                ));
            }
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: format!("x[{i}]"),
                at: x.to_vec(),
            });
        }
        Ok(())
    }

    fn counted<'a, F: ?Sized>(&'a self, f: &'a F) -> Counted<'a, F> {
        Counted {
            f,
            count: AtomicUsize::new(0),
            lower: self.lower.as_deref(),
            upper: self.upper.as_deref(),
        }
    }

    /// Scale of coordinate i.
    fn scale(&self, x: &[f64], i: usize) -> f64 {
        let a = x[i].abs();
        match &self.typical {
            Some(t) => a.max(t[i]),
            None if a == 0.0 => 1.0,
            None => a,
        }
    }

    /// Samples f along direction `dir` through x at up to `levels` steps, stopping early once the
    /// extrapolation of the derivative of `order` stops improving. Central stencils first; a step
    /// whose points are not finite (or outside the bounds) is replaced by smaller ones, and when no
    /// central step works the line is sampled one-sided towards the side that is finite.
    #[allow(clippy::too_many_arguments)]
    fn line<F, R>(
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

    /// Classifies the last three quotients of every entry. Converging: successive differences
    /// shrink by at least `1 / CONTRACTION` (in the Taylor range by the ratio to the stencil's
    /// order), or are at the rounding level. Noise: they do not shrink, but what they amount to in
    /// f (|Δq| h^p) is below `NOISE_FRACTION` of |f|: the function's own noise, of that size, not
    /// machine epsilon. Far: neither; the steps are beyond the function's scale.
    fn diagnose<R: Output>(&self, line: &Line<R>, f0: &R, order: Order) -> Verdict {
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

    /// Extrapolated derivative of entry `e` with a rounding floor added to Ridders' estimate.
    fn extrapolate_line<R: Output>(
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
    fn rounding<R: Output>(&self, line: &Line<R>, f0: &R, e: usize, order: Order, k: usize) -> f64 {
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

    /// Gradient of `f` at `x` from values only.
    pub fn gradient<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<GradientEstimate> {
        self.check(x)?;
        let ev = self.counted(f);
        let f0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let n = x.len();
        let mut out = GradientEstimate {
            value: f0,
            gradient: vec![0.0; n],
            error: vec![0.0; n],
            steps: vec![0.0; n],
            one_sided: vec![false; n],
            evaluations: 0,
        };
        for i in 0..n {
            let line = self.line(
                &ev,
                x,
                &f0,
                &unit(n, i),
                self.scale(x, i),
                self.max_levels,
                Order::First,
            )?;
            let d = self.extrapolate_line(&line, &f0, 0, Order::First);
            out.gradient[i] = d.value;
            out.error[i] = d.error;
            out.steps[i] = line.steps[d.row];
            out.one_sided[i] = line.sigma != 0.0;
        }
        out.evaluations = ev.count();
        Ok(out)
    }

    /// Derivative of `f` along `v` at `x` (v need not be a unit vector).
    pub fn directional_derivative<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        v: &[f64],
    ) -> Result<(f64, f64, usize)> {
        self.check(x)?;
        Error::check_dim("direction", x.len(), v.len())?;
        let ev = self.counted(f);
        let f0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let t = self.direction_scale(x, v);
        let line = self.line(&ev, x, &f0, v, t, self.max_levels, Order::First)?;
        let d = self.extrapolate_line(&line, &f0, 0, Order::First);
        Ok((d.value, d.error, ev.count()))
    }

    /// Step scale along v: the largest t with |t v_i| ≤ scale_i for every i.
    fn direction_scale(&self, x: &[f64], v: &[f64]) -> f64 {
        (0..x.len())
            .filter(|&i| v[i] != 0.0)
            .map(|i| self.scale(x, i) / v[i].abs())
            .fold(f64::INFINITY, f64::min)
            .min(1e300)
    }

    /// Hessian (and gradient) of `f` at `x` from at most 4n² + 4n + 1 values.
    pub fn hessian<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        hessian_driver!(self, f, x, iter)
    }

    /// [`NumDiff::hessian`] with the coordinates, then the pairs, evaluated in parallel (rayon),
    /// for expensive functions. Gives the same numbers as the serial path.
    #[cfg(feature = "parallel")]
    pub fn hessian_parallel<F: Fn(&[f64]) -> f64 + Sync + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        use rayon::prelude::*;
        hessian_driver!(self, f, x, par_iter)
    }

    /// Assembles the Hessian estimate from the coordinate lines and the pair values.
    fn assemble(
        f0: f64,
        lines: &[(Line<f64>, usize)],
        diag: &[(Extrapolated, Extrapolated)],
        pairs: &[(usize, usize)],
        cross: &[(f64, f64)],
        evaluations: usize,
    ) -> HessianEstimate {
        let n = lines.len();
        let mut out = HessianEstimate {
            value: f0,
            gradient: diag.iter().map(|(d1, _)| d1.value).collect(),
            gradient_error: diag.iter().map(|(d1, _)| d1.error).collect(),
            hessian: DMatrix::zeros(n, n),
            error: DMatrix::zeros(n, n),
            steps: lines.iter().map(|(l, row)| l.steps[*row]).collect(),
            one_sided: lines.iter().map(|(l, _)| l.sigma != 0.0).collect(),
            evaluations,
        };
        for (i, (_, d2)) in diag.iter().enumerate() {
            out.hessian[(i, i)] = d2.value;
            out.error[(i, i)] = d2.error;
        }
        for (&(i, j), &(v, e)) in pairs.iter().zip(cross) {
            out.hessian[(i, j)] = v;
            out.hessian[(j, i)] = v;
            out.error[(i, j)] = e;
            out.error[(j, i)] = e;
        }
        out
    }

    /// H_ij from the cross stencil at up to `levels` levels ending at each line's chosen level,
    /// extrapolated with Ridders' control; (value, error estimate).
    fn cross<F: Fn(&[f64]) -> f64 + ?Sized>(
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

    /// Jacobian of a vector function from values only (central differences with extrapolation per
    /// coordinate, one-sided where needed).
    pub fn jacobian<F: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        self.check(x)?;
        let ev = self.counted(f);
        let f0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let (m, n) = (f0.len(), x.len());
        let mut jac = DMatrix::zeros(m, n);
        let mut err = DMatrix::zeros(m, n);
        let mut one_sided = vec![false; n];
        for i in 0..n {
            let line = self.line(
                &ev,
                x,
                &f0,
                &unit(n, i),
                self.scale(x, i),
                self.max_levels,
                Order::First,
            )?;
            for e in 0..m {
                if line.plus.iter().chain(&line.minus).any(|r| r.len() != m) {
                    return Err(Error::DimensionMismatch {
                        what: "function output".into(),
                        expected: m,
                        got: line
                            .plus
                            .iter()
                            .map(Vec::len)
                            .find(|l| *l != m)
                            .unwrap_or(0),
                    });
                }
                let d = self.extrapolate_line(&line, &f0, e, Order::First);
                jac[(e, i)] = d.value;
                err[(e, i)] = d.error;
            }
            one_sided[i] = line.sigma != 0.0;
        }
        Ok(JacobianEstimate {
            values: f0,
            jacobian: jac,
            error: err,
            one_sided,
            evaluations: ev.count(),
        })
    }

    /// Hessian from a user gradient: the Jacobian of the gradient, symmetrised (H + Hᵀ)/2.
    /// `evaluations` counts gradient calls.
    pub fn hessian_from_gradient<G: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        g: &G,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        let mut j = self.jacobian(g, x)?;
        Error::check_dim("gradient", x.len(), j.values.len())?;
        let sym = (&j.jacobian + j.jacobian.transpose()) * 0.5;
        let err = j.error.zip_map(&j.error.transpose(), f64::max)
            + (&j.jacobian - j.jacobian.transpose()).abs() * 0.5;
        j.jacobian = sym;
        j.error = err;
        Ok(j)
    }

    /// Hessian-vector product H·v from values only: the derivative along v of this engine's
    /// numerical gradient (nested extrapolation: accurate, but O(n) gradient estimates per
    /// product — with a gradient at hand use [`NumDiff::hvp_from_gradient`]). Returns (H·v, error
    /// estimate, function evaluations).
    pub fn hvp<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        v: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>, usize)> {
        let used = AtomicUsize::new(0);
        let g = |p: &[f64]| match self.gradient(f, p) {
            Ok(e) => {
                used.fetch_add(e.evaluations, AtomicOrdering::Relaxed);
                e.gradient
            }
            Err(_) => vec![f64::NAN; p.len()],
        };
        let (hv, err, _) = self.hvp_from_gradient(&g, x, v)?;
        Ok((hv, err, used.load(AtomicOrdering::Relaxed)))
    }

    /// Hessian-vector product H·v from a user gradient: the derivative of ∇f along v.
    pub fn hvp_from_gradient<G: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        g: &G,
        x: &[f64],
        v: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>, usize)> {
        self.check(x)?;
        Error::check_dim("direction", x.len(), v.len())?;
        let ev = self.counted(g);
        let g0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let t = self.direction_scale(x, v);
        if !t.is_finite() {
            return Ok((vec![0.0; g0.len()], vec![0.0; g0.len()], ev.count()));
        }
        let line = self.line(&ev, x, &g0, v, t, self.max_levels, Order::First)?;
        let (hv, err) = (0..g0.len())
            .map(|e| {
                let d = self.extrapolate_line(&line, &g0, e, Order::First);
                (d.value, d.error)
            })
            .unzip();
        Ok((hv, err, ev.count()))
    }
}

/// Plain central differences of a vector function F: Rⁿ → Rᵐ with the step ε^(1/3)·max(|x_i|, 1)
/// (error O(ε^(2/3)), 2n evaluations), into `out` as a column-major m × n matrix (m = `fx.len()`,
/// the value at x). Where a point is not finite, the one-sided quotient from the finite side is
/// used. The cheap derivatives that solvers take many times; the extrapolating engine above is
/// for derivatives that are reported.
pub(crate) fn central_differences(
    x: &[f64],
    fx: &[f64],
    mut f: impl FnMut(&[f64], &mut [f64]),
    out: &mut [f64],
) {
    let m = fx.len();
    let (mut fp, mut fm) = (vec![0.0; m], vec![0.0; m]);
    let mut p = x.to_vec();
    for c in 0..x.len() {
        let h = f64::EPSILON.cbrt() * x[c].abs().max(1.0);
        p[c] = x[c] + h;
        f(&p, &mut fp);
        p[c] = x[c] - h;
        f(&p, &mut fm);
        p[c] = x[c];
        for r in 0..m {
            out[c * m + r] = match (fp[r].is_finite(), fm[r].is_finite()) {
                (true, true) => (fp[r] - fm[r]) / (2.0 * h),
                (true, false) => (fp[r] - fx[r]) / h,
                _ => (fx[r] - fm[r]) / h,
            };
        }
    }
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; n];
    e[i] = 1.0;
    e
}

fn non_finite_value(x: &[f64]) -> Error {
    Error::NonFinite {
        what: "value".into(),
        at: x.to_vec(),
    }
}

/// Gradient with default settings; see [`NumDiff::gradient`].
pub fn gradient<F: Fn(&[f64]) -> f64 + ?Sized>(f: &F, x: &[f64]) -> Result<GradientEstimate> {
    NumDiff::default().gradient(f, x)
}

/// Hessian with default settings; see [`NumDiff::hessian`].
pub fn hessian<F: Fn(&[f64]) -> f64 + ?Sized>(f: &F, x: &[f64]) -> Result<HessianEstimate> {
    NumDiff::default().hessian(f, x)
}

/// Jacobian with default settings; see [`NumDiff::jacobian`].
pub fn jacobian<F: Fn(&[f64]) -> Vec<f64> + ?Sized>(f: &F, x: &[f64]) -> Result<JacobianEstimate> {
    NumDiff::default().jacobian(f, x)
}

#[cfg(test)]
mod tests;
