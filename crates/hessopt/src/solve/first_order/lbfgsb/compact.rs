//! The compact representation of the limited-memory BFGS matrix (Byrd, Nocedal & Schnabel,
//! Math. Prog. 63, 1994): B = θI − W M Wᵀ with W = [Y, θS] (n × 2k for k kept pairs) and
//! M = K⁻¹, K = [[−D, Lᵀ], [L, θSᵀS]], D = diag(s_iᵀy_i), L the strictly lower part of SᵀY.
//!
//! K is indefinite and is never inverted. As in L-BFGS-B's `formt`/`bmv`, K factors as
//! [[D^½, 0], [−LD^−½, J]] · [[−D^½, D^−½Lᵀ], [0, Jᵀ]] with J the Cholesky factor of the
//! positive definite T = θSᵀS + LD⁻¹Lᵀ, so M·v costs two k×k triangular solves. SᵀY, SᵀS and
//! YᵀY are updated by one new row and column per accepted pair (O(mn)), never rebuilt.

use crate::solve::first_order::pairs::PairRing;

/// The kept pairs, their Gram matrices and the factor J.
#[derive(Debug)]
pub(crate) struct Compact {
    pub(crate) pairs: PairRing,
    m: usize,
    /// m×m row-major in ring order (0 the oldest): s_iᵀy_j, s_iᵀs_j, y_iᵀy_j.
    sy: Vec<f64>,
    ss: Vec<f64>,
    yy: Vec<f64>,
    /// B₀ = θI, θ = yᵀy / sᵀy of the newest pair (1 without pairs).
    pub(crate) theta: f64,
    /// Lower Cholesky factor J of θSᵀS + LD⁻¹Lᵀ (k×k, leading dimension m).
    jj: Vec<f64>,
    /// Pairs added and times forgotten since the start.
    pushes: usize,
    clears: usize,
}

impl Compact {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        Compact {
            pairs: PairRing::new(n, m),
            m,
            sy: vec![0.0; m * m],
            ss: vec![0.0; m * m],
            yy: vec![0.0; m * m],
            theta: 1.0,
            jj: vec![0.0; m * m],
            pushes: 0,
            clears: 0,
        }
    }

    /// Number of kept pairs k.
    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Forgets the pairs: B = I.
    pub(crate) fn clear(&mut self) {
        self.pairs.clear();
        self.theta = 1.0;
        self.clears += 1;
    }

    /// (pairs added, times forgotten) since the start: what changed since an earlier look.
    pub(crate) fn history(&self) -> (usize, usize) {
        (self.pushes, self.clears)
    }

    /// s_iᵀy_j.
    pub(crate) fn sy(&self, i: usize, j: usize) -> f64 {
        self.sy[i * self.m + j]
    }

    /// s_iᵀs_j.
    pub(crate) fn ss(&self, i: usize, j: usize) -> f64 {
        self.ss[i * self.m + j]
    }

    /// y_iᵀy_j.
    pub(crate) fn yy(&self, i: usize, j: usize) -> f64 {
        self.yy[i * self.m + j]
    }

    /// Adds the pair written into the ring's spare slot (dropping the oldest when full): one new
    /// row and column of each Gram matrix, four dot products per kept pair in one pass.
    pub(crate) fn push(&mut self) {
        let m = self.m;
        if self.pairs.is_full() {
            for a in [&mut self.sy, &mut self.ss, &mut self.yy] {
                for i in 1..m {
                    for j in 1..m {
                        a[(i - 1) * m + j - 1] = a[i * m + j];
                    }
                }
            }
        }
        self.pairs.commit();
        self.pushes += 1;
        let k = self.pairs.len();
        let new = k - 1;
        let (sn, yn) = (self.pairs.s(new), self.pairs.y(new));
        for j in 0..k {
            let (sj, yj) = (self.pairs.s(j), self.pairs.y(j));
            let (mut s_yj, mut sj_y, mut s_sj, mut y_yj) = (0.0, 0.0, 0.0, 0.0);
            for i in 0..sn.len() {
                s_yj += sn[i] * yj[i];
                sj_y += sj[i] * yn[i];
                s_sj += sn[i] * sj[i];
                y_yj += yn[i] * yj[i];
            }
            self.sy[new * m + j] = s_yj;
            self.sy[j * m + new] = sj_y;
            self.ss[new * m + j] = s_sj;
            self.ss[j * m + new] = s_sj;
            self.yy[new * m + j] = y_yj;
            self.yy[j * m + new] = y_yj;
        }
        self.theta = self.yy(new, new) / self.sy(new, new);
    }

    /// Factors T = θSᵀS + LD⁻¹Lᵀ (`formt`). False when T is not numerically positive definite;
    /// the caller then forgets the pairs, as the reference does.
    pub(crate) fn factor(&mut self) -> bool {
        let (k, m) = (self.len(), self.m);
        for i in 0..k {
            for j in 0..=i {
                let mut t = self.theta * self.ss(i, j);
                for l in 0..j {
                    t += self.sy(i, l) * self.sy(j, l) / self.sy(l, l);
                }
                self.jj[i * m + j] = t;
            }
        }
        cholesky(&mut self.jj, k, m)
    }

    /// out = M·v for v of length 2k (`bmv`): with v = (v₁, v₂),
    /// q₂ = J⁻ᵀJ⁻¹(v₂ + LD⁻¹v₁) and q₁ = D⁻¹(Lᵀq₂ − v₁).
    pub(crate) fn mul_m(&self, v: &[f64], out: &mut [f64]) {
        let k = self.len();
        let (v1, v2) = v.split_at(k);
        let (q1, q2) = out[..2 * k].split_at_mut(k);
        for (i, q) in q2.iter_mut().enumerate() {
            let l_dinv_v1: f64 = (0..i).map(|j| self.sy(i, j) * v1[j] / self.sy(j, j)).sum();
            *q = v2[i] + l_dinv_v1;
        }
        solve_lower(&self.jj, k, self.m, q2);
        solve_lower_transposed(&self.jj, k, self.m, q2);
        for (i, q) in q1.iter_mut().enumerate() {
            let lt_q2: f64 = (i + 1..k).map(|j| self.sy(j, i) * q2[j]).sum();
            *q = (lt_q2 - v1[i]) / self.sy(i, i);
        }
    }

    /// Row `i` of W: (y_0i … y_(k−1)i, θs_0i … θs_(k−1)i).
    pub(crate) fn w_row(&self, i: usize, out: &mut [f64]) {
        let k = self.len();
        for j in 0..k {
            out[j] = self.pairs.y(j)[i];
            out[k + j] = self.theta * self.pairs.s(j)[i];
        }
    }

    /// out = Wᵀv (2k entries).
    pub(crate) fn wt_mul(&self, v: &[f64], out: &mut [f64]) {
        let k = self.len();
        for j in 0..k {
            let (s, y) = (self.pairs.s(j), self.pairs.y(j));
            let (mut yv, mut sv) = (0.0, 0.0);
            for i in 0..v.len() {
                yv += y[i] * v[i];
                sv += s[i] * v[i];
            }
            out[j] = yv;
            out[k + j] = self.theta * sv;
        }
    }

    /// out += a·W z.
    pub(crate) fn w_mul_add(&self, z: &[f64], a: f64, out: &mut [f64]) {
        let k = self.len();
        for j in 0..k {
            let (s, y) = (self.pairs.s(j), self.pairs.y(j));
            let (cy, cs) = (a * z[j], a * self.theta * z[k + j]);
            for i in 0..out.len() {
                out[i] += cy * y[i] + cs * s[i];
            }
        }
    }
}

/// In-place lower Cholesky factor of the k×k symmetric matrix in the lower triangle of `a`
/// (leading dimension `ld`). False when a pivot is not positive.
pub(crate) fn cholesky(a: &mut [f64], k: usize, ld: usize) -> bool {
    for j in 0..k {
        let mut d = a[j * ld + j];
        for l in 0..j {
            d -= a[j * ld + l] * a[j * ld + l];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * ld + j] = d;
        for i in j + 1..k {
            let mut t = a[i * ld + j];
            for l in 0..j {
                t -= a[i * ld + l] * a[j * ld + l];
            }
            a[i * ld + j] = t / d;
        }
    }
    true
}

/// Solves L x = v in place for the lower factor in `l`.
pub(crate) fn solve_lower(l: &[f64], k: usize, ld: usize, v: &mut [f64]) {
    for i in 0..k {
        let mut t = v[i];
        for j in 0..i {
            t -= l[i * ld + j] * v[j];
        }
        v[i] = t / l[i * ld + i];
    }
}

/// Solves Lᵀ x = v in place for the lower factor in `l`.
pub(crate) fn solve_lower_transposed(l: &[f64], k: usize, ld: usize, v: &mut [f64]) {
    for i in (0..k).rev() {
        let mut t = v[i];
        for j in i + 1..k {
            t -= l[j * ld + i] * v[j];
        }
        v[i] = t / l[i * ld + i];
    }
}
