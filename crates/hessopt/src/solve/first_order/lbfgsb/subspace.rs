//! Subspace minimization from the Cauchy point (the reference's direct primal method, `cmprlb`,
//! `formk`, `subsm`, with the projection of version 3.0, Morales & Nocedal 2011).
//!
//! With Z the free variables at the Cauchy point x^c, the model's reduced gradient there is
//! r = Zᵀ(g + θ(x^c − x) − W M c) and its reduced Hessian θI − V M Vᵀ with V = ZᵀW. By
//! Sherman–Morrison–Woodbury the Newton step is d = −r/θ − V K_F⁻¹ Vᵀr / θ², where
//! K_F = M⁻¹ − VᵀV/θ = [[−P, Bᵀ], [B, Q]] with P = D + Y_FᵀY_F/θ (positive definite),
//! B = L − S_FᵀY_F and Q = θS_AᵀS_A (A the variables at a bound). K_F is indefinite; it is solved
//! through the Cholesky factors of P and of the Schur complement Q + BP⁻¹Bᵀ, never inverted.
//! The Gram entries over the free and active rows are kept from one iteration to the next and
//! updated (gram.rs).

use super::cauchy::Cauchy;
use super::compact::{Compact, cholesky, solve_lower, solve_lower_transposed};
use super::gram::FreeGram;

/// Work vectors and k×k matrices of the subspace step, reused by every iteration.
#[derive(Debug)]
pub(crate) struct Subspace {
    r: Vec<f64>,
    gram: FreeGram,
    /// P's factor, B, the Schur complement's factor, and a k×k scratch (leading dimension m).
    p: Vec<f64>,
    b: Vec<f64>,
    t: Vec<f64>,
    x: Vec<f64>,
    /// Right-hand side and solution of K_F z = Vᵀr (2k), and M c.
    z: Vec<f64>,
    u: Vec<f64>,
    mc: Vec<f64>,
}

impl Subspace {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        Subspace {
            r: vec![0.0; n],
            gram: FreeGram::new(n, m),
            p: vec![0.0; m * m],
            b: vec![0.0; m * m],
            t: vec![0.0; m * m],
            x: vec![0.0; m * m],
            z: vec![0.0; 2 * m],
            u: vec![0.0; m],
            mc: vec![0.0; 2 * m],
        }
    }

    /// Writes the subspace minimizer (projected on the box, or truncated to it when the
    /// projection is not a descent direction) into `xbar`. False when K_F is not numerically
    /// definite (the caller forgets the pairs).
    #[allow(clippy::too_many_arguments)] // the model, the point and the box
    pub(crate) fn step(
        &mut self,
        b: &Compact,
        cp: &Cauchy,
        x: &[f64],
        g: &[f64],
        lo: &[f64],
        hi: &[f64],
        xbar: &mut [f64],
    ) -> bool {
        let (n, k) = (x.len(), b.len());
        let m = self.u.len();
        let theta = b.theta;
        let nfree = cp.free.iter().filter(|&&f| f).count();
        xbar.copy_from_slice(&cp.xc);
        if nfree == 0 || k == 0 {
            return true;
        }
        // r = g + θ(x^c − x) − W M c on the free variables, 0 on the others.
        b.mul_m(&cp.c[..2 * k], &mut self.mc);
        for i in 0..n {
            self.r[i] = g[i] + theta * (cp.xc[i] - x[i]);
        }
        b.w_mul_add(&self.mc[..2 * k], -1.0, &mut self.r);
        for (ri, &f) in self.r.iter_mut().zip(&cp.free) {
            if !f {
                *ri = 0.0;
            }
        }
        if !self.factor(b, cp, nfree, m) {
            return false;
        }
        // z = K_F⁻¹ Vᵀr: b₁ = Y_Fᵀr, b₂ = θS_Fᵀr.
        b.wt_mul(&self.r, &mut self.z);
        let (z1, z2) = self.z[..2 * k].split_at_mut(k);
        // u = P⁻¹b₁; T z₂ = b₂ + B u; z₁ = P⁻¹(Bᵀz₂ − b₁).
        self.u[..k].copy_from_slice(z1);
        solve_lower(&self.p, k, m, &mut self.u);
        solve_lower_transposed(&self.p, k, m, &mut self.u);
        for (i, z) in z2.iter_mut().enumerate() {
            *z += (0..k).map(|j| self.b[i * m + j] * self.u[j]).sum::<f64>();
        }
        solve_lower(&self.t, k, m, z2);
        solve_lower_transposed(&self.t, k, m, z2);
        for (j, z) in z1.iter_mut().enumerate() {
            *z = (0..k).map(|i| self.b[i * m + j] * z2[i]).sum::<f64>() - *z;
        }
        solve_lower(&self.p, k, m, z1);
        solve_lower_transposed(&self.p, k, m, z1);
        // d = −(r + V z / θ) / θ on the free variables (r is 0 elsewhere; V z is masked below).
        b.w_mul_add(&self.z[..2 * k], 1.0 / theta, &mut self.r);
        let mut projected = false;
        for i in 0..n {
            if cp.free[i] {
                let d = -self.r[i] / theta;
                self.r[i] = d;
                let v = (cp.xc[i] + d).clamp(lo[i], hi[i]);
                projected |= v != cp.xc[i] + d;
                xbar[i] = v;
            } else {
                self.r[i] = 0.0;
            }
        }
        if !projected {
            return true;
        }
        // Version 3.0: keep the projection when it is a descent direction from x, else take the
        // longest feasible step along d from x^c.
        let slope: f64 = (0..n).map(|i| (xbar[i] - x[i]) * g[i]).sum();
        if slope <= 0.0 {
            return true;
        }
        let mut alpha: f64 = 1.0;
        for i in 0..n {
            let d = self.r[i];
            if d > 0.0 {
                alpha = alpha.min((hi[i] - cp.xc[i]) / d);
            } else if d < 0.0 {
                alpha = alpha.min((lo[i] - cp.xc[i]) / d);
            }
        }
        let alpha = alpha.max(0.0);
        for i in 0..n {
            xbar[i] = (cp.xc[i] + alpha * self.r[i]).clamp(lo[i], hi[i]);
        }
        true
    }

    /// Factors P = D + Y_FᵀY_F/θ and the Schur complement Q + BP⁻¹Bᵀ of K_F.
    fn factor(&mut self, b: &Compact, cp: &Cauchy, nfree: usize, m: usize) -> bool {
        let k = b.len();
        let theta = b.theta;
        self.gram.update(b, &cp.free, nfree);
        let g = &self.gram;
        for i in 0..k {
            for j in 0..k {
                let d = if i == j { b.sy(i, i) } else { 0.0 };
                self.p[i * m + j] = d + g.yy_f(i, j) / theta;
                let l = if i > j { b.sy(i, j) } else { 0.0 };
                self.b[i * m + j] = l - g.sy_f(i, j);
            }
        }
        if !cholesky(&mut self.p, k, m) {
            return false;
        }
        // X = P_L⁻¹ Bᵀ column by column (column c of Bᵀ is row c of B), T = Q + XᵀX.
        for c in 0..k {
            let col = &mut self.u[..k];
            col.copy_from_slice(&self.b[c * m..c * m + k]);
            solve_lower(&self.p, k, m, col);
            for (l, v) in col.iter().enumerate() {
                self.x[l * m + c] = *v;
            }
        }
        for i in 0..k {
            for j in 0..=i {
                let xx: f64 = (0..k).map(|l| self.x[l * m + i] * self.x[l * m + j]).sum();
                self.t[i * m + j] = theta * g.ss_a(i, j) + xx;
            }
        }
        cholesky(&mut self.t, k, m)
    }
}
