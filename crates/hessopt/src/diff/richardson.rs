//! Richardson extrapolation with Ridders' error control.
//!
//! Given difference quotients D(h_k) at steps h_k = h_0 / r^k whose error expands in powers
//! h^p, h^{2p}, … (p = 2 for central stencils, p = 1 for one-sided ones), the Neville tableau
//! T(k, m) = (r^{pm} T(k, m−1) − T(k−1, m−1)) / (r^{pm} − 1) removes one power per column.
//! Ridders (1982; Numerical Recipes 3rd ed. §5.7) estimates the error of each entry as the larger of
//! its differences to the two entries it came from, and keeps the entry with the smallest estimate.

/// The chosen entry of a tableau.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Extrapolated {
    pub(crate) value: f64,
    /// Ridders' estimate of the error of `value`.
    pub(crate) error: f64,
    /// Row (step index) of the chosen entry.
    pub(crate) row: usize,
}

/// Best extrapolated entry of the tableau built from `d` (one quotient per step, largest step
/// first); with a single quotient, that quotient with an infinite error estimate.
pub(crate) fn extrapolate(d: &[f64], ratio: f64, power: i32) -> Extrapolated {
    let mut best = Extrapolated {
        value: d.first().copied().unwrap_or(f64::NAN),
        error: f64::INFINITY,
        row: 0,
    };
    let mut prev: Vec<f64> = Vec::with_capacity(d.len());
    let mut cur: Vec<f64> = Vec::with_capacity(d.len());
    for (k, &dk) in d.iter().enumerate() {
        cur.clear();
        cur.push(dk);
        for m in 1..=k {
            let fac = ratio.powi(power * m as i32);
            // T + (T − T_prev)/(r^pm − 1): the same entry, without r^pm·T overflowing.
            let t = cur[m - 1] + (cur[m - 1] - prev[m - 1]) / (fac - 1.0);
            let err = (t - cur[m - 1]).abs().max((t - prev[m - 1]).abs());
            cur.push(t);
            if err < best.error {
                best = Extrapolated {
                    value: t,
                    error: err,
                    row: k,
                };
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_even_powers() {
        // D(h) = 3 + h² + h⁴ − h⁶ is exact after three columns.
        let d: Vec<f64> = (0..5)
            .map(|k| {
                let h = 0.5 / 4f64.powi(k);
                3.0 + h * h + h.powi(4) - h.powi(6)
            })
            .collect();
        let e = extrapolate(&d, 4.0, 2);
        assert!((e.value - 3.0).abs() < 1e-14, "{e:?}");
    }

    #[test]
    fn removes_all_powers_one_sided() {
        let d: Vec<f64> = (0..5)
            .map(|k| {
                let h = 0.25 / 2f64.powi(k);
                1.0 + 2.0 * h - h * h
            })
            .collect();
        let e = extrapolate(&d, 2.0, 1);
        assert!((e.value - 1.0).abs() < 1e-13, "{e:?}");
    }
}
