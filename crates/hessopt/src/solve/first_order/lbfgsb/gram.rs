//! The Gram entries of the subspace step over the free and the active rows: Y_FᵀY_F,
//! S_FᵀY_F (s_iᵀZZᵀy_j) and S_AᵀS_A, kept from one iteration to the next as the reference's
//! `formk` keeps them.
//!
//! Between two iterations the pairs move by a few new pairs (the oldest dropped) and the free set
//! by the variables that entered or left it. The kept entries of the surviving pairs are updated
//! by the changed variables' rows, O(changes·k²), and the new pairs' rows and columns are
//! computed over the smaller of the free and the active sets (the other side is the full Gram
//! matrix minus that), O(min(|F|, |A|)·k) per new pair. Everything is recomputed over the
//! smaller set, O(min(|F|, |A|)·k²), after the pairs were forgotten, when every pair is new, or
//! when that is cheaper than the update (many variables changing sides at once).

use super::compact::Compact;

/// The kept entries (m×m row-major in ring order, 0 the oldest pair) and the free set and pairs
/// they are over.
#[derive(Debug)]
pub(crate) struct FreeGram {
    m: usize,
    /// y_iᵀy_j over the free rows.
    yy_f: Vec<f64>,
    /// s_iᵀy_j over the free rows.
    sy_f: Vec<f64>,
    /// s_iᵀs_j over the active rows.
    ss_a: Vec<f64>,
    /// The free set of the kept entries.
    free: Vec<bool>,
    /// Pairs of the kept entries, and the pair history they were taken at (`None`: nothing kept).
    k: usize,
    seen: Option<(usize, usize)>,
    /// Gram matrix of [Y, S] over the smaller set's rows (upper triangle, leading dimension 2m).
    gram: Vec<f64>,
    /// Rows of the smaller set, and the variables that changed sides.
    rows: Vec<usize>,
    changed: Vec<usize>,
    row: Vec<f64>,
}

impl FreeGram {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        FreeGram {
            m,
            yy_f: vec![0.0; m * m],
            sy_f: vec![0.0; m * m],
            ss_a: vec![0.0; m * m],
            free: vec![false; n],
            k: 0,
            seen: None,
            gram: vec![0.0; 4 * m * m],
            rows: Vec::with_capacity(n),
            changed: Vec::with_capacity(n),
            row: vec![0.0; 2 * m],
        }
    }

    /// y_iᵀy_j over the free rows.
    pub(crate) fn yy_f(&self, i: usize, j: usize) -> f64 {
        self.yy_f[i * self.m + j]
    }

    /// s_iᵀy_j over the free rows.
    pub(crate) fn sy_f(&self, i: usize, j: usize) -> f64 {
        self.sy_f[i * self.m + j]
    }

    /// s_iᵀs_j over the active rows.
    pub(crate) fn ss_a(&self, i: usize, j: usize) -> f64 {
        self.ss_a[i * self.m + j]
    }

    /// Brings the entries to the pairs of `b` and the free set `free` (`nfree` of them true).
    pub(crate) fn update(&mut self, b: &Compact, free: &[bool], nfree: usize) {
        let (n, k) = (free.len(), b.len());
        let (pushes, clears) = b.history();
        // Rows of the smaller set; the other set's entries are the full ones minus these.
        let over_free = nfree <= n - nfree;
        self.rows.clear();
        self.rows.extend((0..n).filter(|&i| free[i] == over_free));
        let new = match self.seen {
            Some((p, c)) if c == clears => (pushes - p).min(k),
            _ => k,
        };
        let survivors = k - new;
        self.changed.clear();
        if survivors > 0 {
            self.changed
                .extend((0..n).filter(|&i| free[i] != self.free[i]));
        }
        // Multiply-adds: 3 per changed row and surviving pair of pairs, 4 per row of the smaller
        // set and new pair; 2k² per row of the smaller set to recompute.
        let small = self.rows.len();
        let update = 3 * self.changed.len() * survivors * survivors + 4 * small * new * k;
        if survivors == 0 || update >= 2 * small * k * k {
            self.recompute(b, over_free);
        } else {
            self.shift(survivors);
            self.move_changed(b, survivors);
            for p in survivors..k {
                self.pair_rows(b, p, over_free);
            }
        }
        self.free.copy_from_slice(free);
        self.k = k;
        self.seen = Some((pushes, clears));
    }

    /// Writes the entry (i, j) of the three matrices from the sums over the smaller set's rows:
    /// `yy`, `sy` (s_iᵀy_j) and `ss` there.
    fn set(&mut self, b: &Compact, (i, j): (usize, usize), over_free: bool, sums: [f64; 3]) {
        let [yy, sy, ss] = sums;
        let at = i * self.m + j;
        if over_free {
            self.yy_f[at] = yy;
            self.sy_f[at] = sy;
            self.ss_a[at] = b.ss(i, j) - ss;
        } else {
            self.yy_f[at] = b.yy(i, j) - yy;
            self.sy_f[at] = b.sy(i, j) - sy;
            self.ss_a[at] = ss;
        }
    }

    /// Every entry over the smaller set's rows: the Gram matrix of [Y, S] there, row by row.
    fn recompute(&mut self, b: &Compact, over_free: bool) {
        let k = b.len();
        let (k2, ld) = (2 * k, 2 * self.m);
        for a in 0..k2 {
            self.gram[a * ld..a * ld + k2].fill(0.0);
        }
        for &i in &self.rows {
            for j in 0..k {
                self.row[j] = b.pairs.y(j)[i];
                self.row[k + j] = b.pairs.s(j)[i];
            }
            for a in 0..k2 {
                let ra = self.row[a];
                for c in a..k2 {
                    self.gram[a * ld + c] += ra * self.row[c];
                }
            }
        }
        for i in 0..k {
            for j in 0..k {
                let g = |a: usize, c: usize| self.gram[a.min(c) * ld + a.max(c)];
                let sums = [g(i, j), g(k + i, j), g(k + i, k + j)];
                self.set(b, (i, j), over_free, sums);
            }
        }
    }

    /// Moves the surviving pairs' entries to the front (the oldest dropped).
    fn shift(&mut self, survivors: usize) {
        let (m, drop) = (self.m, self.k - survivors);
        for a in [&mut self.yy_f, &mut self.sy_f, &mut self.ss_a] {
            for i in 0..survivors {
                for j in 0..survivors {
                    a[i * m + j] = a[(i + drop) * m + j + drop];
                }
            }
        }
    }

    /// Adds the rows of the variables that entered the free set into the free sums (and takes
    /// them out of the active ones), the reverse for those that left, over the surviving pairs.
    fn move_changed(&mut self, b: &Compact, survivors: usize) {
        let (m, s) = (self.m, survivors);
        for &i in &self.changed {
            let sign = if self.free[i] { -1.0 } else { 1.0 };
            for j in 0..s {
                self.row[j] = b.pairs.y(j)[i];
                self.row[s + j] = b.pairs.s(j)[i];
            }
            let (y, sv) = self.row.split_at(s);
            for a in 0..s {
                for c in 0..s {
                    self.yy_f[a * m + c] += sign * y[a] * y[c];
                    self.sy_f[a * m + c] += sign * sv[a] * y[c];
                    self.ss_a[a * m + c] -= sign * sv[a] * sv[c];
                }
            }
        }
    }

    /// Row and column of pair `p` against every pair, over the smaller set's rows.
    fn pair_rows(&mut self, b: &Compact, p: usize, over_free: bool) {
        let (sp, yp) = (b.pairs.s(p), b.pairs.y(p));
        for j in 0..b.len() {
            let (sj, yj) = (b.pairs.s(j), b.pairs.y(j));
            let (mut yy, mut s_yj, mut sj_y, mut ss) = (0.0, 0.0, 0.0, 0.0);
            for &i in &self.rows {
                yy += yp[i] * yj[i];
                s_yj += sp[i] * yj[i];
                sj_y += sj[i] * yp[i];
                ss += sp[i] * sj[i];
            }
            self.set(b, (p, j), over_free, [yy, s_yj, ss]);
            self.set(b, (j, p), over_free, [yy, sj_y, ss]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Random histories of pushes (the ring filling and then dropping its oldest), clears and free
    /// sets changing by a few variables, by many, or not at all: after every update the kept
    /// entries equal the sums over the free / active rows computed directly.
    #[test]
    fn kept_entries_equal_the_direct_sums() {
        let (n, m) = (40, 5);
        let mut rng = Rng::new(7);
        let mut b = Compact::new(n, m);
        let mut gram = FreeGram::new(n, m);
        let mut free: Vec<bool> = (0..n).map(|_| rng.uniform() < 0.5).collect();
        let (mut incremental, mut recomputed) = (0, 0);
        for step in 0..200 {
            match rng.below(10) {
                0 => b.clear(),
                1..=6 => {
                    let (s, y) = b.pairs.spare();
                    for i in 0..n {
                        s[i] = rng.normal();
                        y[i] = s[i] * (1.0 + rng.uniform()) + 0.1 * rng.normal();
                    }
                    b.push();
                }
                _ => {}
            }
            let flips = [0, 1, 3, n / 2][rng.below(4)];
            for _ in 0..flips {
                let i = rng.below(n);
                free[i] = !free[i];
            }
            let k = b.len();
            if k == 0 {
                continue;
            }
            let nfree = free.iter().filter(|&&f| f).count();
            let before = gram.seen;
            gram.update(&b, &free, nfree);
            if before.is_some_and(|(p, c)| c == b.history().1 && b.history().0 - p < k) {
                incremental += 1;
            } else {
                recomputed += 1;
            }
            let sum = |u: &[f64], v: &[f64], on_free: bool| -> f64 {
                (0..n)
                    .filter(|&r| free[r] == on_free)
                    .map(|r| u[r] * v[r])
                    .sum()
            };
            let p = &b.pairs;
            for i in 0..k {
                for j in 0..k {
                    let want = [
                        sum(p.y(i), p.y(j), true),
                        sum(p.s(i), p.y(j), true),
                        sum(p.s(i), p.s(j), false),
                    ];
                    let got = [gram.yy_f(i, j), gram.sy_f(i, j), gram.ss_a(i, j)];
                    for (g, w) in got.iter().zip(want) {
                        assert!(
                            (g - w).abs() <= 1e-12 * (1.0 + w.abs()) * n as f64,
                            "step {step}, ({i}, {j}): {g} vs {w}"
                        );
                    }
                }
            }
        }
        // Both kinds of history occurred: some pairs kept since the last update, or none.
        assert!(
            incremental > 50 && recomputed > 10,
            "{incremental} / {recomputed}"
        );
    }
}
