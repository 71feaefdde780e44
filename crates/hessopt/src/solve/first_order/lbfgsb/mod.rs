//! L-BFGS-B: limited-memory BFGS for bound constraints l ≤ x ≤ u (Byrd, Lu, Nocedal & Zhu, SIAM
//! J. Sci. Comput. 16, 1995; Zhu, Byrd, Lu & Nocedal, ACM TOMS 23, 1997), with the subspace step
//! of version 3.0 (Morales & Nocedal, ACM TOMS 38, 2011), following the reference Fortran.
//!
//! Each iteration: (1) the generalized Cauchy point of the quadratic model with the compact
//! matrix B = θI − WMWᵀ of the last `m` pairs (`cauchy.rs`; skipped without bounds, as in the
//! reference); (2) minimization of the model over the variables free there (`subspace.rs`),
//! projected into the box, or truncated to it when the projection is not a descent direction;
//! (3) a Moré–Thuente line search from x towards that point (c1 = 1e-3, c2 = 0.9, and the
//! reference's interval tolerance xtol = 0.1, which ends the search once it has bracketed a step
//! to 10%; the step at
//! most 1 at the first iteration with bounds and at most the distance to the box after; first
//! trial 1/‖d‖ at the first iteration of a problem that is not boxed). A pair is kept when
//! sᵀy > ε·(−gᵀs). When the middle matrix or the subspace system is not numerically definite,
//! or the line search fails with pairs in memory, the pairs are forgotten and the iteration
//! restarts from the projected gradient; a failure without pairs ends the run.
//!
//! M is never formed (`compact.rs`): every product with it is two triangular solves with the
//! Cholesky factor of θSᵀS + LD⁻¹Lᵀ; SᵀY, SᵀS and YᵀY gain one row per pair. An iteration costs
//! O(mn) plus O(m²) per Cauchy breakpoint and allocates nothing.
//!
//! Stopping: the driver's projected-gradient test ‖P(x − ∇f) − x‖∞ ≤ g_tol (the certificate), and
//! L-BFGS-B's relative-reduction test (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ factr·ε,
//! factr = 1e7 by default as in scipy, reported as [`Termination::SmallFChange`] — a stall, not
//! a certificate (when the projected gradient is below g_tol there, the driver certifies the
//! point instead). Needs gradients.

mod cauchy;
mod compact;
mod gram;
mod subspace;

use cauchy::Cauchy;
use compact::Compact;
use subspace::Subspace;

use super::pairs::checked_memory;
use super::{dot, is_descent, move_along, start_with_gradient};
use crate::error::{Error, Result};
use crate::problem::Evaluator;
use crate::solve::certificate::projected_gradient_norm;
use crate::solve::driver::{Iterate, Solver};
use crate::solve::linesearch::{LineBuffers, LineSearch, Reach};
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
    /// Sets the memory (1 to 1000); storage is 2(m + 1)·n numbers plus 12m².
    pub fn with_memory(mut self, m: usize) -> Result<Self> {
        self.memory = checked_memory(m)?;
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

    /// The state of a run; `g_tol` is the driver's projected-gradient tolerance (a factr stop
    /// where it holds is left to the driver's certificate).
    pub(crate) fn solver(
        &self,
        bounds: Option<(&[f64], &[f64])>,
        n: usize,
        g_tol: f64,
    ) -> LbfgsbState {
        let m = self.memory;
        let (lower, upper) = match bounds {
            Some((l, u)) => (l.to_vec(), u.to_vec()),
            None => (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]),
        };
        let constrained = lower.iter().chain(&upper).any(|v| v.is_finite());
        let boxed = lower.iter().chain(&upper).all(|v| v.is_finite());
        LbfgsbState {
            config: *self,
            lower,
            upper,
            constrained,
            boxed,
            iteration: 0,
            g_tol,
            compact: Compact::new(n, m),
            cauchy: Cauchy::new(n, m),
            subspace: Subspace::new(n, m),
            xbar: vec![0.0; n],
            d: vec![0.0; n],
            buf: LineBuffers::default(),
        }
    }
}

/// State of a run; every vector is allocated once, at the start.
pub(crate) struct LbfgsbState {
    config: Lbfgsb,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Some bound is finite / every bound is finite.
    constrained: bool,
    boxed: bool,
    g_tol: f64,
    iteration: usize,
    compact: Compact,
    cauchy: Cauchy,
    subspace: Subspace,
    xbar: Vec<f64>,
    d: Vec<f64>,
    buf: LineBuffers,
}

impl LbfgsbState {
    /// The search direction d = x̄ − x towards the subspace minimizer. False when the model broke
    /// down (the caller forgets the pairs and retries).
    fn direction(&mut self, x: &[f64], g: &[f64]) -> bool {
        let b = &mut self.compact;
        if b.len() > 0 && !b.factor() {
            return false;
        }
        let (lo, hi) = (&self.lower[..], &self.upper[..]);
        if self.constrained || b.len() == 0 {
            self.cauchy.search(b, x, g, lo, hi);
        } else {
            self.cauchy.at_x(b, x);
        }
        if !self
            .subspace
            .step(b, &self.cauchy, x, g, lo, hi, &mut self.xbar)
        {
            return false;
        }
        for ((d, a), xi) in self.d.iter_mut().zip(&self.xbar).zip(x) {
            *d = a - xi;
        }
        is_descent(&self.d, g)
    }

    /// Largest step along d from x that stays in the box.
    fn max_step(&self, x: &[f64]) -> f64 {
        let mut a = f64::INFINITY;
        for (i, (&xi, &d)) in x.iter().zip(&self.d).enumerate() {
            if d > 0.0 {
                a = a.min((self.upper[i] - xi) / d);
            } else if d < 0.0 {
                a = a.min((self.lower[i] - xi) / d);
            }
        }
        a
    }
}

impl Solver for LbfgsbState {
    fn moved(&mut self) {
        self.compact.clear();
        self.iteration = 0;
    }

    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        start_with_gradient(ev, it)
    }

    fn step(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        it: &mut Iterate,
    ) -> Result<Option<Termination>> {
        let ls = LineSearch::MoreThuente { c1: 1e-3, c2: 0.9 };
        let f_prev = it.f;
        let alpha = loop {
            if !self.direction(&it.x, &it.g) {
                if self.compact.len() == 0 {
                    return Ok(Some(Termination::LineSearchFailed));
                }
                self.compact.clear();
                continue;
            }
            let alpha_max = match (self.constrained, self.iteration) {
                (false, _) => f64::INFINITY,
                (true, 0) => 1.0,
                (true, _) => self.max_step(&it.x),
            };
            let alpha0 = if self.iteration == 0 && !self.boxed {
                (1.0 / dot(&self.d, &self.d).sqrt()).min(alpha_max)
            } else {
                1.0f64.min(alpha_max)
            };
            let reach = Reach {
                alpha0,
                alpha_max,
                bounds: self
                    .constrained
                    .then_some((&self.lower[..], &self.upper[..])),
                xtol: 0.1,
            };
            match move_along(ls, ev, &mut self.buf, it, &self.d, reach)? {
                Ok(alpha) => break alpha,
                Err(t) if self.compact.len() == 0 => return Ok(Some(t)),
                Err(_) => self.compact.clear(),
            }
        };
        self.iteration += 1;
        // The new pair, written in place; kept when sᵀy > ε·(−gᵀs) (the reference's test).
        let (s, y) = self.compact.pairs.spare();
        for i in 0..s.len() {
            s[i] = it.x[i] - self.buf.x[i];
            y[i] = it.g[i] - self.buf.g[i];
        }
        let sy = dot(s, y);
        let descent = -alpha * dot(&self.buf.g, &self.d);
        if sy > f64::EPSILON * descent {
            self.compact.push();
        }
        let scale = f_prev.abs().max(it.f.abs()).max(1.0);
        if self.config.factr > 0.0
            && (f_prev - it.f) <= self.config.factr * f64::EPSILON * scale
            && projected_gradient_norm(&it.x, &it.g, Some((&self.lower, &self.upper))) > self.g_tol
        {
            return Ok(Some(Termination::SmallFChange));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::rng::Rng;
    use crate::solve::first_order::lbfgs::two_loop;
    use crate::solve::first_order::pairs::PairRing;
    use crate::solve::{Method, Options, minimize};
    use crate::{Formula, Problem};

    type Pair = (Vec<f64>, Vec<f64>);

    /// Pairs (s, A s) for a random symmetric positive definite A, badly scaled on purpose, kept in
    /// a compact representation (memory `m`) and in an L-BFGS ring; returns the s and y written.
    fn random_pairs(
        n: usize,
        count: usize,
        m: usize,
        seed: u64,
    ) -> (Compact, PairRing, VecDeque<f64>, Vec<Pair>) {
        let mut rng = Rng::new(seed);
        let q: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..n).map(|_| rng.normal()).collect())
            .collect();
        // A = QᵀΛQ with Λ spread over 1e-3 … 1e3.
        let lam: Vec<f64> = (0..n)
            .map(|i| 10f64.powf(-3.0 + 6.0 * i as f64 / (n - 1) as f64))
            .collect();
        let a = |v: &[f64]| -> Vec<f64> {
            let qv: Vec<f64> = q.iter().map(|r| dot(r, v)).collect();
            (0..n)
                .map(|j| (0..n).map(|i| q[i][j] * lam[i] * qv[i]).sum())
                .collect()
        };
        let mut compact = Compact::new(n, m);
        let mut ring = PairRing::new(n, m);
        let mut rho = VecDeque::new();
        let mut written = Vec::new();
        for _ in 0..count {
            let s: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let y = a(&s);
            let (cs, cy) = compact.pairs.spare();
            cs.copy_from_slice(&s);
            cy.copy_from_slice(&y);
            compact.push();
            let (rs, ry) = ring.spare();
            rs.copy_from_slice(&s);
            ry.copy_from_slice(&y);
            if ring.is_full() {
                rho.pop_front();
            }
            ring.commit();
            rho.push_back(1.0 / dot(&s, &y));
            written.push((s, y));
        }
        (compact, ring, rho, written)
    }

    /// B v from the compact form: θv − W M Wᵀ v.
    fn compact_times(b: &Compact, v: &[f64]) -> Vec<f64> {
        let k2 = 2 * b.len();
        let (mut wtv, mut mw) = (vec![0.0; k2], vec![0.0; k2]);
        b.wt_mul(v, &mut wtv);
        b.mul_m(&wtv, &mut mw);
        let mut out: Vec<f64> = v.iter().map(|x| b.theta * x).collect();
        b.w_mul_add(&mw, -1.0, &mut out);
        out
    }

    #[test]
    fn compact_form_equals_the_bfgs_updates_of_theta_i() {
        let (n, m) = (7, 4);
        for seed in 0..5 {
            let (mut b, _, _, pairs) = random_pairs(n, 6, m, seed);
            assert!(b.factor());
            // Dense BFGS updates of B₀ = θI with the kept pairs, oldest first.
            let kept = &pairs[pairs.len() - m..];
            let mut dense: Vec<Vec<f64>> = (0..n)
                .map(|i| (0..n).map(|j| if i == j { b.theta } else { 0.0 }).collect())
                .collect();
            for (s, y) in kept {
                let bs: Vec<f64> = dense.iter().map(|r| dot(r, s)).collect();
                let (sbs, sy) = (dot(s, &bs), dot(s, y));
                for i in 0..n {
                    for j in 0..n {
                        dense[i][j] += -bs[i] * bs[j] / sbs + y[i] * y[j] / sy;
                    }
                }
            }
            for e in 0..n {
                let v: Vec<f64> = (0..n).map(|i| if i == e { 1.0 } else { 0.0 }).collect();
                let got = compact_times(&b, &v);
                for i in 0..n {
                    let scale = dense[i].iter().fold(0.0f64, |a, x| a.max(x.abs()));
                    assert!(
                        (got[i] - dense[i][e]).abs() <= 1e-9 * scale,
                        "seed {seed}: B[{i}][{e}] = {} by the compact form, {} by the updates",
                        got[i],
                        dense[i][e]
                    );
                }
            }
        }
    }

    #[test]
    fn unconstrained_direction_is_the_two_loop_direction() {
        let (n, m) = (9, 5);
        for seed in 10..15 {
            let (compact, ring, rho, _) = random_pairs(n, 8, m, seed);
            let mut state = Lbfgsb::default()
                .with_memory(m)
                .unwrap()
                .solver(None, n, 0.0);
            state.compact = compact;
            let mut rng = Rng::new(seed + 100);
            let x: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let g: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            assert!(state.direction(&x, &g));
            let mut h_g = g.clone();
            two_loop(&ring, &rho, &mut h_g, &mut Vec::new());
            let scale = h_g.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            for (i, (d, hg)) in state.d.iter().zip(&h_g).enumerate() {
                assert!(
                    (d + hg).abs() <= 1e-10 * scale,
                    "seed {seed}: d[{i}] = {d} by L-BFGS-B, {} by the two-loop recursion",
                    -hg
                );
            }
        }
    }

    #[test]
    fn constrained_direction_without_active_bounds_is_the_two_loop_direction_too() {
        // Far-away bounds: the Cauchy search runs, nothing reaches a bound, and the subspace step
        // from the Cauchy point lands on the same model minimizer.
        let (n, m) = (6, 3);
        let (compact, ring, rho, _) = random_pairs(n, 5, m, 7);
        let (lo, hi) = (vec![-1e9; n], vec![1e9; n]);
        let mut state = Lbfgsb::default().solver(Some((&lo, &hi)), n, 0.0);
        state.compact = compact;
        state.cauchy = Cauchy::new(n, m);
        state.subspace = Subspace::new(n, m);
        let x = vec![0.5; n];
        let g: Vec<f64> = (0..n).map(|i| (i as f64 - 2.5) * 0.3).collect();
        assert!(state.direction(&x, &g));
        let mut h_g = g.clone();
        two_loop(&ring, &rho, &mut h_g, &mut Vec::new());
        let scale = h_g.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        for (d, hg) in state.d.iter().zip(&h_g) {
            assert!((d + hg).abs() <= 1e-9 * scale, "{d} vs {}", -hg);
        }
    }

    #[test]
    fn subspace_point_zeroes_the_model_gradient_on_the_free_variables() {
        // Variables at a bound with the gradient pushing them out, far bounds on the others: at x̄
        // the model gradient g + B(x̄ − x) vanishes on the free variables.
        let (n, m) = (8, 4);
        // Two active variables (Gram over the active rows) and six (over the free rows).
        for (seed, tight) in (20..26).zip([2, 6].into_iter().cycle()) {
            let (compact, _, _, _) = random_pairs(n, 6, m, seed);
            let mut lo = vec![-1e6; n];
            let hi = vec![1e6; n];
            let x = vec![0.0; n];
            let mut g: Vec<f64> = (0..n)
                .map(|i| ((i * 7 + seed as usize) % 5) as f64 - 2.0)
                .collect();
            for i in 0..tight {
                lo[i] = 0.0;
                g[i] = g[i].abs() + 1.0;
            }
            let mut state =
                Lbfgsb::default()
                    .with_memory(m)
                    .unwrap()
                    .solver(Some((&lo, &hi)), n, 0.0);
            state.compact = compact;
            assert!(state.direction(&x, &g));
            let free = state.cauchy.free.clone();
            assert!(
                free.iter().take(tight).all(|f| !f),
                "seed {seed}: the tight variables are active"
            );
            let step: Vec<f64> = state.xbar.iter().zip(&x).map(|(a, b)| a - b).collect();
            let bstep = compact_times(&state.compact, &step);
            let scale = g.iter().chain(&bstep).fold(0.0f64, |a, v| a.max(v.abs()));
            for i in (0..n).filter(|&i| free[i]) {
                assert!(
                    (g[i] + bstep[i]).abs() <= 1e-9 * scale,
                    "seed {seed}: model gradient {} at free variable {i}",
                    g[i] + bstep[i]
                );
            }
        }
    }

    #[test]
    fn more_pairs_than_variables() {
        // m = 1000 on two variables: the pairs are linearly dependent, yet K stays nonsingular
        // while every sᵀy > 0 (Byrd, Nocedal & Schnabel 1994, Theorem 2.3), as in the reference.
        let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"]).unwrap();
        let p = Problem::from_formula(&f);
        let m = Lbfgsb::default().with_memory(1000).unwrap();
        let m = Method::Lbfgsb(m.with_factr(0.0).unwrap());
        let r = minimize(&p, &[-1.2, 1.0], &m, &Options::default()).unwrap();
        assert!(r.converged && r.value < 1e-14, "{r}");
    }

    #[test]
    fn solves_brown_badly_scaled_from_one_one() {
        // MGH problem 4: minimum f = 0 at (1e6, 2e-6); scipy's L-BFGS-B solves it (50 f+g).
        let f = Formula::parse_with_vars("(x - 1e6)^2 + (y - 2e-6)^2 + (x*y - 2)^2", &["x", "y"])
            .unwrap();
        let p = Problem::from_formula(&f);
        let r = minimize(
            &p,
            &[1.0, 1.0],
            &Method::Lbfgsb(Lbfgsb::default()),
            &Options::default(),
        )
        .unwrap();
        assert!(r.value < 1e-10, "{r}");
        assert!(
            (r.x[0] - 1e6).abs() < 1e-3 && (r.x[1] - 2e-6).abs() < 1e-12,
            "{r}"
        );
    }
}
