//! Whether a fit has a finite estimate. A minimizer's gradient test also holds far out on a ray
//! along which the objective keeps falling towards its infimum — perfectly separated logistic
//! data (the log-likelihood rises to 0 as the slope grows), or −log(a) — so a gradient that is
//! small is no certificate there. The test: from the estimate θ, along each candidate direction
//! d (the Newton step −H⁻¹g, the steepest descent −g, the ray θ itself), f is evaluated at
//! θ + t·d/‖d‖∞ for t = s/100·2ᵏ, k = 0…[`DOUBLINGS`], s = max(‖θ‖∞, 1). The objective has no
//! finite minimum along d when the first step lowers f by more than rounding and no later one
//! raises it (f non-increasing to 10⁴·s). At a genuine minimum the first step already raises f.

/// Doublings of the step along a candidate direction: from s/100 to about 10⁴·s.
const DOUBLINGS: i32 = 20;

/// The first of `directions` along which `f` falls without bound from `theta` (see the module
/// docs), if any. Directions that are zero or not finite are skipped; a probe where f is not
/// finite ends that direction's test (undecided, so not unbounded).
pub(super) fn descent_to_infinity(
    f: &dyn Fn(&[f64]) -> f64,
    theta: &[f64],
    directions: &[Vec<f64>],
) -> Option<Vec<f64>> {
    let f0 = f(theta);
    let s = theta.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    directions.iter().find_map(|d| {
        let norm = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if !(norm > 0.0 && norm.is_finite()) {
            return None;
        }
        let mut prev = f0;
        for k in 0..=DOUBLINGS {
            let t = s / 100.0 * 2f64.powi(k) / norm;
            let point: Vec<f64> = theta.iter().zip(d).map(|(a, b)| a + t * b).collect();
            let v = f(&point);
            let falls = if k == 0 {
                v < f0 - 4.0 * f64::EPSILON * f0.abs()
            } else {
                v <= prev
            };
            if !v.is_finite() || !falls {
                return None;
            }
            prev = v;
        }
        Some(d.clone())
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
    }
}
