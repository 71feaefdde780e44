//! The generalized Cauchy point (Byrd, Lu, Nocedal & Zhu 1995, Algorithm CP; the reference's
//! `cauchy`): the first local minimizer of the quadratic model m(x + z) = gᵀz + ½zᵀBz along the
//! projected steepest-descent path P(x − tg), t ≥ 0. The path is piecewise linear with a
//! breakpoint where a variable reaches its bound; the breakpoints are taken in increasing order
//! from a heap (built in O(n), popped only as far as the search goes), and each one costs one
//! product with the middle matrix M.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::compact::Compact;
use crate::solve::first_order::dot;

/// A breakpoint: the path parameter t at which variable `i` reaches its bound. Ordered so that
/// the max-heap yields the smallest t first.
#[derive(Debug, Clone, Copy)]
struct Breakpoint {
    t: f64,
    i: usize,
}

impl PartialEq for Breakpoint {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Breakpoint {}

impl PartialOrd for Breakpoint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Breakpoint {
    fn cmp(&self, other: &Self) -> Ordering {
        other.t.total_cmp(&self.t).then(other.i.cmp(&self.i))
    }
}

/// Work vectors of the Cauchy search, reused by every iteration. On return `xc` is the Cauchy
/// point, `c` = Wᵀ(xc − x) and `free[i]` says whether variable i is off its bounds at xc.
#[derive(Debug, Default)]
pub(crate) struct Cauchy {
    pub(crate) xc: Vec<f64>,
    pub(crate) c: Vec<f64>,
    pub(crate) free: Vec<bool>,
    d: Vec<f64>,
    p: Vec<f64>,
    wbp: Vec<f64>,
    v: Vec<f64>,
    heap: Vec<Breakpoint>,
}

impl Cauchy {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        Cauchy {
            xc: vec![0.0; n],
            c: vec![0.0; 2 * m],
            free: vec![true; n],
            d: vec![0.0; n],
            p: vec![0.0; 2 * m],
            wbp: vec![0.0; 2 * m],
            v: vec![0.0; 2 * m],
            heap: Vec::with_capacity(n),
        }
    }

    /// The Cauchy point from x: all of x when unconstrained (the reference skips the search
    /// there: the subspace step from x is then the full quasi-Newton step).
    pub(crate) fn at_x(&mut self, b: &Compact, x: &[f64]) {
        self.xc.copy_from_slice(x);
        self.c[..2 * b.len()].fill(0.0);
        self.free.fill(true);
    }

    /// Searches the projected path from x for gradient g in the box [lo, hi].
    pub(crate) fn search(&mut self, b: &Compact, x: &[f64], g: &[f64], lo: &[f64], hi: &[f64]) {
        let (n, k2) = (x.len(), 2 * b.len());
        let theta = b.theta;
        // Bound status, direction d = −g on the moving variables, breakpoints.
        let mut f1 = 0.0;
        let mut bounded = true;
        let mut heap = std::mem::take(&mut self.heap);
        heap.clear();
        for i in 0..n {
            let gi = g[i];
            let at_lower = x[i] <= lo[i];
            let at_upper = x[i] >= hi[i];
            let fixed = (at_lower && gi >= 0.0) || (at_upper && gi <= 0.0);
            self.free[i] = !fixed;
            if fixed || gi == 0.0 {
                self.d[i] = 0.0;
                continue;
            }
            self.d[i] = -gi;
            f1 -= gi * gi;
            if gi > 0.0 && lo[i].is_finite() {
                heap.push(Breakpoint {
                    t: (x[i] - lo[i]) / gi,
                    i,
                });
            } else if gi < 0.0 && hi[i].is_finite() {
                heap.push(Breakpoint {
                    t: (x[i] - hi[i]) / gi,
                    i,
                });
            } else {
                bounded = false;
            }
        }
        self.xc.copy_from_slice(x);
        self.c[..k2].fill(0.0);
        if f1 == 0.0 {
            self.heap = heap;
            return; // d = 0: x is the Cauchy point
        }
        let nbreak = heap.len();
        b.wt_mul(&self.d, &mut self.p);
        let mut f2 = -theta * f1;
        if k2 > 0 {
            b.mul_m(&self.p[..k2], &mut self.v);
            f2 -= dot(&self.v[..k2], &self.p[..k2]);
        }
        let f2_org = f2;
        let mut dtm = -f1 / f2;
        let mut tsum = 0.0;
        let mut t_old = 0.0;
        let mut heap = BinaryHeap::from(heap);
        let mut all_fixed = false;
        while let Some(bp) = heap.peek().copied() {
            let dt = bp.t - t_old;
            if dtm < dt {
                break;
            }
            heap.pop();
            t_old = bp.t;
            tsum += dt;
            let ib = bp.i;
            let dib = self.d[ib];
            self.d[ib] = 0.0;
            self.free[ib] = false;
            let bound = if dib > 0.0 { hi[ib] } else { lo[ib] };
            let zib = bound - x[ib];
            self.xc[ib] = bound;
            if heap.is_empty() && nbreak == n {
                // Every variable has reached its bound: the Cauchy point is that vertex.
                dtm = dt;
                all_fixed = true;
                break;
            }
            f1 += dt * f2 + dib * dib - theta * dib * zib;
            f2 -= theta * dib * dib;
            if k2 > 0 {
                axpy(dt, &self.p[..k2], &mut self.c[..k2]);
                b.w_row(ib, &mut self.wbp);
                b.mul_m(&self.wbp[..k2], &mut self.v);
                let v = &self.v[..k2];
                let (wmc, wmp, wmw) = (
                    dot(&self.c[..k2], v),
                    dot(&self.p[..k2], v),
                    dot(&self.wbp[..k2], v),
                );
                axpy(-dib, &self.wbp[..k2], &mut self.p[..k2]);
                f1 += dib * wmc;
                f2 += 2.0 * dib * wmp - dib * dib * wmw;
            }
            f2 = f2.max(f64::EPSILON * f2_org);
            dtm = if !heap.is_empty() || !bounded {
                -f1 / f2
            } else {
                0.0
            };
        }
        if !all_fixed {
            let dtm = dtm.max(0.0);
            tsum += dtm;
            for i in 0..n {
                if self.d[i] != 0.0 {
                    self.xc[i] = (x[i] + tsum * self.d[i]).clamp(lo[i], hi[i]);
                }
            }
            if k2 > 0 {
                axpy(dtm, &self.p[..k2], &mut self.c[..k2]);
            }
        } else if k2 > 0 {
            axpy(dtm, &self.p[..k2], &mut self.c[..k2]);
        }
        let mut heap = heap.into_vec();
        heap.clear();
        self.heap = heap;
    }
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}
