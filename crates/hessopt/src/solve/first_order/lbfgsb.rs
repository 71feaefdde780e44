//! L-BFGS-B: limited-memory BFGS for bound constraints l ≤ x ≤ u (Byrd, Lu, Nocedal & Zhu, SIAM
//! J. Sci. Comput. 16, 1995), with the subspace step of version 3.0 (Morales & Nocedal, ACM TOMS
//! 38, 2011).
//!
//! Each iteration: (1) the generalized Cauchy point, the first minimizer of the quadratic model
//! B = θI − WMWᵀ (compact form of the last `m` pairs) along the projected steepest-descent path;
//! (2) minimization of the model over the variables that are free there (direct primal method,
//! Sherman–Morrison–Woodbury), projected back into the box, falling back to the truncated step when
//! the projection is not a descent direction (v3.0); (3) a Moré–Thuente line search from x towards
//! that point (c1 = 1e-3, c2 = 0.9, step at most the distance to the box). Also the method for
//! problems without bounds that want L-BFGS-B's stopping rules. Needs gradients.
//!
//! Stopping: the driver's projected-gradient test ‖P(x − ∇f) − x‖∞ ≤ g_tol, and L-BFGS-B's own
//! relative-reduction test (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ factr·ε
//! ([`Termination::SmallFChange`]), factr = 1e7 by default as in scipy.

use std::collections::VecDeque;

use nalgebra::{DMatrix, DVector};

use super::{dot, is_descent};
use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::{self, LineSearch};
use crate::solve::report::Termination;

/// Configuration of L-BFGS-B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbfgsb {
    /// Number of (s, y) pairs kept.
    pub memory: usize,
    /// Relative-reduction tolerance factor (0 turns the test off).
    pub factr: f64,
}

impl Default for Lbfgsb {
    fn default() -> Self {
        Lbfgsb {
            memory: 10,
            factr: 1e7,
        }
    }
}

impl Lbfgsb {
    /// Sets the memory (1 to 1000).
    pub fn with_memory(mut self, m: usize) -> Result<Self> {
        if !(1..=1000).contains(&m) {
            return Err(Error::invalid("memory", format!("{m} is not in 1..=1000")));
        }
        self.memory = m;
        Ok(self)
    }

    /// Sets factr (≥ 0).
    pub fn with_factr(mut self, factr: f64) -> Result<Self> {
        if !(factr >= 0.0 && factr.is_finite()) {
            return Err(Error::invalid("factr", format!("{factr} is not ≥ 0")));
        }
        self.factr = factr;
        Ok(self)
    }

    pub(crate) fn solver(&self, bounds: Option<(&[f64], &[f64])>, n: usize) -> LbfgsbState {
        let (lower, upper) = match bounds {
            Some((l, u)) => (l.to_vec(), u.to_vec()),
            None => (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]),
        };
        LbfgsbState {
            config: *self,
            lower,
            upper,
            s: VecDeque::new(),
            y: VecDeque::new(),
            theta: 1.0,
            first: true,
        }
    }
}

pub(crate) struct LbfgsbState {
    config: Lbfgsb,
    lower: Vec<f64>,
    upper: Vec<f64>,
    s: VecDeque<Vec<f64>>,
    y: VecDeque<Vec<f64>>,
    theta: f64,
    first: bool,
}

/// The compact representation B = θI − W M Wᵀ with W = [Y, θS].
struct Compact<'a> {
    s: &'a VecDeque<Vec<f64>>,
    y: &'a VecDeque<Vec<f64>>,
    theta: f64,
    m: DMatrix<f64>,
}

impl<'a> Compact<'a> {
    fn new(s: &'a VecDeque<Vec<f64>>, y: &'a VecDeque<Vec<f64>>, theta: f64) -> Option<Self> {
        let k = s.len();
        // K = [[−D, Lᵀ], [L, θ SᵀS]], M = K⁻¹; L_ij = s_iᵀy_j for i > j, D = diag(s_iᵀy_i).
        let mut kmat = DMatrix::zeros(2 * k, 2 * k);
        for i in 0..k {
            kmat[(i, i)] = -dot(&s[i], &y[i]);
            for j in 0..k {
                if i > j {
                    let l = dot(&s[i], &y[j]);
                    kmat[(k + i, j)] = l;
                    kmat[(j, k + i)] = l;
                }
                kmat[(k + i, k + j)] = theta * dot(&s[i], &s[j]);
            }
        }
        let m = if k == 0 { kmat } else { kmat.try_inverse()? };
        Some(Compact { s, y, theta, m })
    }

    fn k(&self) -> usize {
        self.s.len()
    }

    /// Row `i` of W: [y_1i … y_ki, θ s_1i … θ s_ki].
    fn w_row(&self, i: usize) -> DVector<f64> {
        let k = self.k();
        DVector::from_fn(2 * k, |r, _| {
            if r < k {
                self.y[r][i]
            } else {
                self.theta * self.s[r - k][i]
            }
        })
    }

    /// Wᵀv restricted to the indices in `idx` (all when `None`).
    fn wt(&self, v: &[f64], idx: Option<&[usize]>) -> DVector<f64> {
        let k = self.k();
        let d = |a: &[f64]| match idx {
            None => dot(a, v),
            Some(ix) => ix.iter().zip(v).map(|(&i, vi)| a[i] * vi).sum(),
        };
        DVector::from_fn(2 * k, |r, _| {
            if r < k {
                d(&self.y[r])
            } else {
                self.theta * d(&self.s[r - k])
            }
        })
    }

    /// W z restricted to `idx`.
    fn w(&self, z: &DVector<f64>, idx: &[usize]) -> Vec<f64> {
        let k = self.k();
        idx.iter()
            .map(|&i| {
                (0..k)
                    .map(|r| self.y[r][i] * z[r] + self.theta * self.s[r][i] * z[k + r])
                    .sum()
            })
            .collect()
    }
}

impl LbfgsbState {
    fn project(&self, x: &mut [f64]) {
        for ((xi, lo), hi) in x.iter_mut().zip(&self.lower).zip(&self.upper) {
            *xi = xi.clamp(*lo, *hi);
        }
    }

    /// Generalized Cauchy point (Algorithm CP of Byrd et al.). Returns x^c, c = Wᵀ(x^c − x) and
    /// which variables reached a bound.
    fn cauchy(&self, b: &Compact<'_>, x: &[f64], g: &[f64]) -> (Vec<f64>, DVector<f64>, Vec<bool>) {
        let n = x.len();
        let theta = b.theta;
        let mut t = vec![f64::INFINITY; n];
        let mut d = vec![0.0; n];
        for i in 0..n {
            t[i] = if g[i] < 0.0 {
                (x[i] - self.upper[i]) / g[i]
            } else if g[i] > 0.0 {
                (x[i] - self.lower[i]) / g[i]
            } else {
                f64::INFINITY
            };
            if t[i] > 0.0 {
                d[i] = -g[i];
            }
        }
        let mut at_bound = t.iter().map(|&ti| ti == 0.0).collect::<Vec<_>>();
        let mut order: Vec<usize> = (0..n).filter(|&i| t[i] > 0.0 && t[i].is_finite()).collect();
        order.sort_by(|&a, &b| t[a].total_cmp(&t[b]));
        let mut xc = x.to_vec();
        let mut p = b.wt(&d, None);
        let mut c = DVector::zeros(2 * b.k());
        let mut fp = -dot(&d, &d);
        let mut fpp = -theta * fp - if b.k() > 0 { p.dot(&(&b.m * &p)) } else { 0.0 };
        let mut dt_min = if fpp > 0.0 { -fp / fpp } else { f64::INFINITY };
        let mut t_old = 0.0;
        for &bi in &order {
            let dt = t[bi] - t_old;
            if dt_min < dt {
                break;
            }
            let xb = if d[bi] > 0.0 {
                self.upper[bi]
            } else {
                self.lower[bi]
            };
            let zb = xb - x[bi];
            xc[bi] = xb;
            c += &p * dt;
            let gb = g[bi];
            let wb = b.w_row(bi);
            let (mc, mp, mw) = if b.k() > 0 {
                (
                    wb.dot(&(&b.m * &c)),
                    wb.dot(&(&b.m * &p)),
                    wb.dot(&(&b.m * &wb)),
                )
            } else {
                (0.0, 0.0, 0.0)
            };
            fp += dt * fpp + gb * gb + theta * gb * zb - gb * mc;
            fpp += -theta * gb * gb - 2.0 * gb * mp - gb * gb * mw;
            fpp = fpp.max(f64::EPSILON * theta * dot(&d, &d).max(f64::MIN_POSITIVE));
            p += &wb * gb;
            d[bi] = 0.0;
            at_bound[bi] = true;
            dt_min = -fp / fpp;
            t_old = t[bi];
        }
        let dt_min = dt_min.max(0.0);
        if dt_min.is_finite() {
            let t_final = t_old + dt_min;
            for i in 0..n {
                if !at_bound[i] {
                    xc[i] = (x[i] + t_final * d[i]).clamp(self.lower[i], self.upper[i]);
                }
            }
            c += &p * dt_min;
        }
        (xc, c, at_bound)
    }

    /// Direct primal subspace minimization from x^c over the free variables; v3.0 projection.
    fn subspace(
        &self,
        b: &Compact<'_>,
        x: &[f64],
        g: &[f64],
        xc: &[f64],
        c: &DVector<f64>,
        at_bound: &[bool],
    ) -> Vec<f64> {
        let free: Vec<usize> = (0..x.len()).filter(|&i| !at_bound[i]).collect();
        if free.is_empty() {
            return xc.to_vec();
        }
        let theta = b.theta;
        // Reduced gradient r = Zᵀ(g + θ(x^c − x) − W M c).
        let wmc = if b.k() > 0 {
            b.w(&(&b.m * c), &free)
        } else {
            vec![0.0; free.len()]
        };
        let r: Vec<f64> = free
            .iter()
            .zip(&wmc)
            .map(|(&i, w)| g[i] + theta * (xc[i] - x[i]) - w)
            .collect();
        let mut du: Vec<f64> = r.iter().map(|ri| -ri / theta).collect();
        if b.k() > 0 {
            // d_u = −r/θ − Zᵀ W (I − M WᵀZZᵀW / θ)⁻¹ M WᵀZ r / θ².
            let k2 = 2 * b.k();
            let wtr = b.wt(&r, Some(&free));
            // WᵀZZᵀW = [[Y_FᵀY_F, θ Y_FᵀS_F], [θ S_FᵀY_F, θ² S_FᵀS_F]] over the free rows.
            let k = b.k();
            let col = |a: usize| -> (&Vec<f64>, f64) {
                if a < k {
                    (&b.y[a], 1.0)
                } else {
                    (&b.s[a - k], b.theta)
                }
            };
            let gram = DMatrix::from_fn(k2, k2, |r, q| {
                let ((u, fu), (v, fv)) = (col(r), col(q));
                fu * fv * free.iter().map(|&i| u[i] * v[i]).sum::<f64>()
            });
            let nmat = DMatrix::identity(k2, k2) - (&b.m * gram) / theta;
            if let Some(v) = nmat.lu().solve(&(&b.m * wtr)) {
                let wv = b.w(&v, &free);
                for (d, w) in du.iter_mut().zip(&wv) {
                    *d -= w / (theta * theta);
                }
            }
        }
        let mut xbar = xc.to_vec();
        for (&i, d) in free.iter().zip(&du) {
            xbar[i] = xc[i] + d;
        }
        self.project(&mut xbar);
        let dir: Vec<f64> = xbar.iter().zip(x).map(|(a, b)| a - b).collect();
        if is_descent(&dir, g) {
            return xbar;
        }
        // Not a descent direction after projection: the largest feasible step along d_u (v2.1).
        let mut alpha: f64 = 1.0;
        for (&i, d) in free.iter().zip(&du) {
            if *d > 0.0 {
                alpha = alpha.min((self.upper[i] - xc[i]) / d);
            } else if *d < 0.0 {
                alpha = alpha.min((self.lower[i] - xc[i]) / d);
            }
        }
        let mut xt = xc.to_vec();
        for (&i, d) in free.iter().zip(&du) {
            xt[i] = xc[i] + alpha.max(0.0) * d;
        }
        xt
    }

    /// Largest step along d from x that stays in the box.
    fn max_step(&self, x: &[f64], d: &[f64]) -> f64 {
        let mut a = f64::INFINITY;
        for i in 0..x.len() {
            if d[i] > 0.0 {
                a = a.min((self.upper[i] - x[i]) / d[i]);
            } else if d[i] < 0.0 {
                a = a.min((self.lower[i] - x[i]) / d[i]);
            }
        }
        a
    }
}

impl Solver for LbfgsbState {
    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let compact = match Compact::new(&self.s, &self.y, self.theta) {
            Some(c) => c,
            None => {
                self.s.clear();
                self.y.clear();
                self.theta = 1.0;
                Compact::new(&self.s, &self.y, 1.0).expect("the empty representation is invertible")
            }
        };
        let (xc, c, at_bound) = self.cauchy(&compact, &it.x, &it.g);
        let xbar = self.subspace(&compact, &it.x, &it.g, &xc, &c, &at_bound);
        let mut d: Vec<f64> = xbar.iter().zip(&it.x).map(|(a, b)| a - b).collect();
        if !is_descent(&d, &it.g) {
            // Projected steepest descent after a breakdown of the model.
            self.s.clear();
            self.y.clear();
            self.theta = 1.0;
            let mut p: Vec<f64> = it.x.iter().zip(&it.g).map(|(x, g)| x - g).collect();
            self.project(&mut p);
            d = p.iter().zip(&it.x).map(|(a, b)| a - b).collect();
            if !is_descent(&d, &it.g) {
                return Ok(Some(Termination::LineSearchFailed));
            }
        }
        let alpha_max = self.max_step(&it.x, &d);
        let dnorm = dot(&d, &d).sqrt();
        let alpha0 = if self.first {
            (1.0 / dnorm).min(1.0).min(alpha_max)
        } else {
            1.0f64.min(alpha_max)
        };
        let ls = LineSearch::MoreThuente { c1: 1e-3, c2: 0.9 };
        let slope = dot(&it.g, &d);
        let Some(t) = linesearch::search(ls, ev, &it.x, &d, it.f, slope, alpha0, alpha_max)? else {
            return Ok(Some(Termination::LineSearchFailed));
        };
        self.first = false;
        let mut xn = t.x;
        self.project(&mut xn); // rounding may leave the box by an ulp
        let s: Vec<f64> = xn.iter().zip(&it.x).map(|(a, b)| a - b).collect();
        if s.iter().all(|v| *v == 0.0) {
            return Ok(Some(Termination::LineSearchFailed));
        }
        let y: Vec<f64> = t.g.iter().zip(&it.g).map(|(a, b)| a - b).collect();
        let f_prev = it.f;
        it.x = xn;
        it.f = t.f;
        it.g = t.g;
        let sy = dot(&s, &y);
        let yy = dot(&y, &y);
        if sy > f64::EPSILON * yy {
            if self.s.len() == self.config.memory {
                self.s.pop_front();
                self.y.pop_front();
            }
            self.s.push_back(s);
            self.y.push_back(y);
            self.theta = yy / sy;
        }
        let scale = f_prev.abs().max(it.f.abs()).max(1.0);
        if self.config.factr > 0.0 && (f_prev - it.f) <= self.config.factr * f64::EPSILON * scale {
            return Ok(Some(Termination::SmallFChange));
        }
        Ok(None)
    }
}
