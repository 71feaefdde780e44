//! Whether a fit has a finite estimate. A minimizer's gradient test also holds far out on a ray
//! along which the objective keeps falling towards its infimum — perfectly separated logistic
//! data (the log-likelihood rises to 0 as the slope grows), or −log(a) — so a gradient that is
//! small is no certificate there. Least squares goes further: LM follows such a ray until the
//! residuals have levelled off to rounding (`y − exp(a·x)` on data that want no exponential:
//! a → −∞, exp(a·x) → 0, the residual sum constant), where the objective no longer falls at all.
//!
//! The test: from the estimate θ, along each candidate direction d (e.g. the Newton step −H⁻¹g,
//! the steepest descent −g, the ray θ itself, the coordinate axes), f is evaluated at
//! θ ± t·d/‖d‖∞ for t = s/100·2ᵏ, k = 0…20, s = max(‖θ‖∞, 1). The objective has no finite
//! minimum along d when f never rises from one probe to the next by more than rounding
//! (4ε|f(θ)|) and half of its fall so far, out to 10⁴·s along +d or until f is no longer finite
//! after a fall, and either falls beyond rounding somewhere on the way or rises beyond rounding
//! somewhere along −d: the infimum lies at infinity along d. At a genuine minimum the first step
//! already raises f; along a direction in which a parameter is not identifiable f is flat both
//! ways. (The rule is `solve::certificate::infimum_at_infinity`, which the minimizers' driver
//! also applies along −∇f.)

use crate::solve::certificate::infimum_at_infinity;

/// The first of `directions` along which `f` has its infimum at infinity from `theta` (see the
/// module docs; [`crate::solve::certificate::infimum_at_infinity`]), if any.
pub(crate) fn descent_to_infinity(
    f: &dyn Fn(&[f64]) -> f64,
    theta: &[f64],
    directions: &[Vec<f64>],
) -> Option<Vec<f64>> {
    infimum_at_infinity(f, theta, f(theta), directions)
}

/// The coordinate axes, both ways: the directions in which one parameter alone runs off.
pub(crate) fn axes(p: usize) -> impl Iterator<Item = Vec<f64>> {
    (0..2 * p).map(move |k| {
        let mut d = vec![0.0; p];
        d[k / 2] = if k % 2 == 0 { 1.0 } else { -1.0 };
        d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rays_to_an_infimum_and_genuine_minima() {
        // −log(a) at a = 1e10 (gradient −1e-10): falls along +a forever.
        let neg_log = |x: &[f64]| -x[0].ln();
        assert!(descent_to_infinity(&neg_log, &[1e10], &[vec![1.0]]).is_some());
        // e^(−b) at b = 40 falls towards 0; a quadratic's minimum does not fall along any ray.
        let logistic_tail = |x: &[f64]| (-x[0]).exp();
        assert!(descent_to_infinity(&logistic_tail, &[40.0], &[vec![1.0]]).is_some());
        let quadratic = |x: &[f64]| (x[0] - 3.0).powi(2) + 1e-3 * x[1] * x[1];
        let dirs = [vec![1.0, 0.0], vec![-1.0, 1.0], vec![3.0, 0.0]];
        assert!(descent_to_infinity(&quadratic, &[3.0, 0.0], &dirs).is_none());
        // A flat direction (a parameter that is not identifiable) is not a descent to infinity.
        let flat = |x: &[f64]| (x[0] - 1.0).powi(2);
        assert!(descent_to_infinity(&flat, &[1.0, 5.0], &[vec![0.0, 1.0]]).is_none());
        // Levelled off to rounding: (1 + exp(a))² at a = −700 is 1 to rounding as a → −∞, and
        // rises the other way: the infimum is at a = −∞.
        let levelled = |x: &[f64]| (1.0 + x[0].exp()).powi(2);
        assert!(descent_to_infinity(&levelled, &[-700.0], &[vec![-1.0]]).is_some());
        assert!(descent_to_infinity(&levelled, &[-700.0], &[vec![1.0]]).is_none());
        // A minimum far from the origin along a flat-bottomed but rising valley is finite.
        let valley = |x: &[f64]| (x[0] - 1e3).powi(2) * 1e-6 + 1.0;
        assert!(descent_to_infinity(&valley, &[1e3], &axes(1).collect::<Vec<_>>()).is_none());
    }
}
