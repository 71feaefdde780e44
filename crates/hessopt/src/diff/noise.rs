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

/// Slowly shrinking differences below this fraction of f's change over the step are noise (f
/// computed with absolute noise, as log(1 + u) for small u, where the noise is still below
/// 1e-6 |f|); the noisy cases of the regression tests sit at 1e-8 of the change.
const NOISE_FRACTION_OF_CHANGE: f64 = 1e-3;

/// What the last quotients of a line say about its steps.
#[derive(Debug, PartialEq)]
pub(super) enum Verdict {
    /// Converging; true when every difference is at the rounding level (exact quotients).
    Converging(bool),
    /// Contracting, but more slowly than a Taylor expansion lets them (by less than half the
    /// stencil's rate, central stencils): the oldest step is beyond the Taylor range.
    Slow,
    /// The noise level per entry, in f's units, and whether every noisy entry's noise is tiny
    /// against f (then the derivative stands above it even if no step converged before).
    Noise(Vec<f64>, bool),
    Far,
}

impl NumDiff {
    /// Classifies the last three quotients of every entry (compared in f's units: times h^order
    /// of the last step). Converging: successive differences shrink with a ratio at most twice a
    /// Taylor expansion's (RATIO^-p), keeping their sign, or are at the rounding level. Slow: they shrink, but not like that (the oldest step is beyond the Taylor range).
    /// Noise: they do not shrink, but what they amount to in f is tiny against |f| or against
    /// f's change over the step: the function's own noise, of that size, not machine epsilon.
    /// Far: they do not shrink and are not noise; the steps are beyond the function's scale.
    pub(super) fn diagnose<R: Output>(&self, line: &Line<R>, f0: &R, order: Order) -> Verdict {
        // A second-order line also gives the first derivative: both must behave.
        match order {
            Order::First => self.diagnose_order(line, f0, Order::First),
            Order::Second => {
                let (a, b) = (
                    self.diagnose_order(line, f0, Order::First),
                    self.diagnose_order(line, f0, Order::Second),
                );
                match (a, b) {
                    (Verdict::Far, _) | (_, Verdict::Far) => Verdict::Far,
                    (Verdict::Noise(u, a), Verdict::Noise(v, b)) => {
                        Verdict::Noise(u.iter().zip(&v).map(|(a, b)| a.max(*b)).collect(), a && b)
                    }
                    (Verdict::Noise(u, a), _) | (_, Verdict::Noise(u, a)) => Verdict::Noise(u, a),
                    (Verdict::Slow, _) | (_, Verdict::Slow) => Verdict::Slow,
                    (Verdict::Converging(a), Verdict::Converging(b)) => Verdict::Converging(a && b),
                }
            }
        }
    }

    /// [`NumDiff::diagnose`] for the quotients of one order.
    fn diagnose_order<R: Output>(&self, line: &Line<R>, f0: &R, order: Order) -> Verdict {
        let k = line.levels() - 1;
        let h = line.steps[k];
        let mut noise = vec![0.0; f0.entries().len()];
        let mut noisy = false;
        let mut resolved = true;
        let mut exact = true;
        let mut slow = false;
        for (e, level) in noise.iter_mut().enumerate() {
            // The quotients times h_k^order: in f's units, comparable with the rounding of the
            // values, and representable where the quotients themselves underflow (an O(1)
            // difference over h² ~ 1e600 is 0, at every step, and would look converged).
            let s = |j: usize| {
                line.difference(f0, e, j, order) * (h / line.steps[j]).powi(order.power())
            };
            let (d_prev, d_cur) = (s(k - 1) - s(k - 2), s(k) - s(k - 1));
            if d_cur.abs() <= 100.0 * line.rounding_in_f(f0, e, k, order) {
                continue;
            }
            exact = false;
            let in_f = d_cur.abs();
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
            // In the Taylor range successive differences shrink by RATIO^-p, keeping their sign;
            // noise makes them shrink less, or grow. Differences that do not even halve are
            // noise when noise-sized, else the steps are far too big. Differences that shrink
            // by less than 4× the Taylor rate are noise when tiny against f's change, else the
            // oldest step is not yet in the Taylor range (softplus(x − 300) at 300 with a first
            // step of 12: its differences are 5% of the change and shrink by 0.41); so is a
            // shrinking slower than twice the rate, or a change of sign, unless tiny.
            let taylor = RATIO.powi(-line.power());
            let (noise_sized, tiny) = (
                in_f <= NOISE_FRACTION * size || in_f <= 0.05 * change,
                in_f <= NOISE_FRACTION * size || in_f <= NOISE_FRACTION_OF_CHANGE * change,
            );
            let ratio = d_cur.abs() / d_prev.abs();
            if ratio > CONTRACTION && !noise_sized {
                return Verdict::Far;
            } else if ratio > CONTRACTION || (ratio > 4.0 * taylor && tiny) {
                *level = in_f;
                noisy = true;
                // Noise far below f's change over the step: the values stand above it. For a
                // first derivative, far below the odd part of the change it measures: at steps
                // far beyond f's scale near one of its extrema, the odd part of garbage is
                // small against the even part.
                resolved &= match order {
                    Order::First => {
                        in_f <= NOISE_FRACTION_OF_CHANGE * line.difference(f0, e, k, order).abs()
                    }
                    Order::Second => tiny,
                };
            } else if !tiny && (ratio > 2.0 * taylor || d_cur * d_prev < 0.0) {
                slow = true;
            }
        }
        if noisy {
            Verdict::Noise(noise, resolved)
        } else if slow {
            Verdict::Slow
        } else {
            Verdict::Converging(exact)
        }
    }
}
