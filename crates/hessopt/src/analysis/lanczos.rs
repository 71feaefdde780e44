//! Extreme eigenvalues of a symmetric operator known only through products v ↦ Hv (Lanczos 1950,
//! with full reorthogonalization; Golub & Van Loan §10.1), and the trace by Hutchinson's
//! estimator. No n × n matrix is formed: memory is O(m·n) for m Lanczos vectors.
//!
//! Hessian-vector products come exact from formulas ([`crate::Formula::hvp_with`]) and from
//! dual-number code ([`crate::dual::hvp`]), or from a
//! gradient by differences ([`crate::diff::NumDiff::hvp_from_gradient`]), or from user code.
//!
//! ```
//! use hessopt::analysis::lanczos::{extreme_eigenvalues, Which};
//! // H = diag(1, 2, …, 100): the top three are 100, 99, 98.
//! let hv = |v: &[f64], out: &mut [f64]| for i in 0..v.len() { out[i] = (i + 1) as f64 * v[i] };
//! let top = extreme_eigenvalues(&hv, 100, 3, Which::Largest, 1)?;
//! assert!((top[0].value - 100.0).abs() < 1e-8);
//! # Ok::<(), hessopt::Error>(())
//! ```

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::linalg;
use crate::rng::Rng;

/// Which end of the spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Largest (algebraic) eigenvalues, in decreasing order.
    Largest,
    /// Smallest (algebraic) eigenvalues, in increasing order.
    Smallest,
}

/// A Ritz value with its residual bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RitzValue {
    /// Approximate eigenvalue.
    pub value: f64,
    /// ‖Hy − θy‖ for the Ritz vector y: an eigenvalue of H lies within this distance.
    pub residual: f64,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The `k` extreme eigenvalues of the n × n symmetric operator `hv`, to relative residual 1e-10
/// (or the best reached in up to min(n, 300) Lanczos steps). Seeded start vector.
pub fn extreme_eigenvalues(
    hv: &dyn Fn(&[f64], &mut [f64]),
    n: usize,
    k: usize,
    which: Which,
    seed: u64,
) -> Result<Vec<RitzValue>> {
    if k == 0 || k > n {
        return Err(Error::invalid("k", format!("{k} is not in 1..={n}")));
    }
    let max_steps = n.min(300);
    let mut rng = Rng::new(seed);
    let mut q: Vec<Vec<f64>> = Vec::new();
    let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
    let norm = dot(&v, &v).sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    let (mut alpha, mut beta): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut w = vec![0.0; n];
    let mut best = Vec::new();
    for step in 0..max_steps {
        hv(&v, &mut w);
        let a = dot(&w, &v);
        for i in 0..n {
            w[i] -= a * v[i]
                + beta
                    .last()
                    .map_or(0.0, |b| b * q.last().map_or(0.0, |p: &Vec<f64>| p[i]));
        }
        // Full reorthogonalization (twice is enough, Parlett's "twice is enough").
        q.push(v.clone());
        for _ in 0..2 {
            for qi in &q {
                let c = dot(&w, qi);
                for (wj, qj) in w.iter_mut().zip(qi) {
                    *wj -= c * qj;
                }
            }
        }
        alpha.push(a);
        let b = dot(&w, &w).sqrt();
        let m = alpha.len();
        if m >= k && (m % 5 == 0 || b == 0.0 || step + 1 == max_steps) {
            let t = DMatrix::from_fn(m, m, |i, j| {
                if i == j {
                    alpha[i]
                } else if i + 1 == j {
                    beta[i]
                } else if j + 1 == i {
                    beta[j]
                } else {
                    0.0
                }
            });
            let (vals, vecs) = linalg::symmetric_eigen(&t);
            let scale = vals
                .iter()
                .fold(0.0f64, |s, x| s.max(x.abs()))
                .max(f64::MIN_POSITIVE);
            let pick: Vec<usize> = match which {
                Which::Largest => (0..m).rev().take(k).collect(),
                Which::Smallest => (0..m).take(k).collect(),
            };
            best = pick
                .iter()
                .map(|&i| RitzValue {
                    value: vals[i],
                    residual: (b * vecs[(m - 1, i)]).abs(),
                })
                .collect();
            if b == 0.0 || best.iter().all(|r| r.residual <= 1e-10 * scale) {
                break;
            }
        }
        if b == 0.0 {
            break;
        }
        beta.push(b);
        v = w.iter().map(|x| x / b).collect();
    }
    Ok(best)
}

/// Hutchinson's estimator of tr(H) = E(zᵀHz) over `samples` Rademacher vectors z; returns the
/// estimate and its standard error (sample standard deviation / √samples).
pub fn hutchinson_trace(
    hv: &dyn Fn(&[f64], &mut [f64]),
    n: usize,
    samples: usize,
    seed: u64,
) -> Result<(f64, f64)> {
    if samples < 2 {
        return Err(Error::invalid("samples", "need at least 2"));
    }
    let mut rng = Rng::new(seed);
    let mut out = vec![0.0; n];
    let draws: Vec<f64> = (0..samples)
        .map(|_| {
            let z: Vec<f64> = (0..n)
                .map(|_| if rng.uniform() < 0.5 { -1.0 } else { 1.0 })
                .collect();
            hv(&z, &mut out);
            dot(&z, &out)
        })
        .collect();
    let mean = draws.iter().sum::<f64>() / samples as f64;
    let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (samples - 1) as f64;
    Ok((mean, (var / samples as f64).sqrt()))
}
