//! The tape compiled once for the sparse Hessian's lane sweeps.
//!
//! The tape's leaves (one `Var` slot per variable, constants) become operands instead of
//! instructions: every array of a sweep is indexed by one numbering, the variables first (so the
//! gradient and the Hessian-vector products land in its first n entries), then the constants, then
//! the instructions' results. Instructions whose partial derivatives are known without
//! evaluating a function are specialized: sums and differences, products, a constant factor or
//! term (negation included) and squares carry no stored partials; every other instruction keeps
//! its local partials from the forward sweep, as the tape does. The arithmetic of each
//! instruction is the tape's, in the same order, so values, gradients and Hessian-vector
//! products are those of the tape to the bit (up to the sign of zero terms).

use super::tape::{Binary, Op, Tape, Unary, logsumexp, pow_const_derivs};

/// One compiled instruction; operands are indices of the value array
/// (variables | constants | results).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ins {
    Add(usize, usize),
    Sub(usize, usize),
    /// A product of two non-constant operands.
    Mul(usize, usize),
    /// c · a (negation is c = −1).
    Scale(usize, f64),
    /// s · a + c with s = ±1: a constant term (a + c, a − c, c − a).
    Shift(usize, f64, f64),
    /// a².
    Square(usize),
    Unary(Unary, usize),
    PowConst(usize, f64),
    Binary(Binary, usize, usize),
    /// `logsumexp` over `args[start..start + len]`.
    LogSumExp(usize, usize),
}

/// A tape in the numbering of the sweeps, with specialized instructions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Program {
    n: usize,
    consts: Vec<f64>,
    ins: Vec<Ins>,
    /// Operands of the `logsumexp` instructions, renumbered (same positions as the tape's).
    args: Vec<usize>,
    /// Index of f.
    result: usize,
}

/// The sweeps' buffers, indexed by the program's numbering; directions are `Q` consecutive lanes
/// per index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lanes {
    val: Vec<f64>,
    /// Local partials (f_a, f_b, f_aa, f_ab, f_bb) of the unspecialized instructions.
    d: Vec<[f64; 5]>,
    soft: Vec<f64>,
    adj: Vec<f64>,
    dot: Vec<f64>,
    /// After the reverse sweep, its first n·Q entries are the products H·d_t, lane t per row.
    pub(crate) adj_dot: Vec<f64>,
}

/// The lanes of index `i`.
#[inline(always)]
fn lane<const Q: usize>(v: &[f64], i: usize) -> [f64; Q] {
    let mut o = [0.0; Q];
    o.copy_from_slice(&v[i * Q..i * Q + Q]);
    o
}

/// Adds `add` into the lanes of index `i`.
#[inline(always)]
fn add_lane<const Q: usize>(v: &mut [f64], i: usize, add: [f64; Q]) {
    for (t, a) in v[i * Q..i * Q + Q].iter_mut().zip(add) {
        *t += a;
    }
}

impl Program {
    /// Compiles `tape`.
    pub(crate) fn new(tape: &Tape) -> Self {
        let n = tape.n_vars;
        let consts: Vec<f64> = tape
            .ops
            .iter()
            .filter_map(|op| match *op {
                Op::Const(c) => Some(c),
                _ => None,
            })
            .collect();
        let base = n + consts.len();
        // index[slot]: the slot's number in the program; constant[slot]: its value if constant.
        let mut index = Vec::with_capacity(tape.ops.len());
        let mut ins = Vec::new();
        let mut next_const = n;
        for op in &tape.ops {
            let c = |s: usize| match tape.ops[s] {
                Op::Const(c) => Some(c),
                _ => None,
            };
            let at = |s: usize| index[s];
            let compiled = match *op {
                Op::Var(k) => {
                    index.push(k);
                    continue;
                }
                Op::Const(_) => {
                    index.push(next_const);
                    next_const += 1;
                    continue;
                }
                Op::Unary(Unary::Neg, a) => Ins::Scale(at(a), -1.0),
                Op::Unary(u, a) => Ins::Unary(u, at(a)),
                Op::PowConst(a, 2.0) => Ins::Square(at(a)),
                Op::PowConst(a, e) => Ins::PowConst(at(a), e),
                Op::Binary(b, l, r) => match (b, c(l), c(r)) {
                    (Binary::Add, Some(k), None) => Ins::Shift(at(r), 1.0, k),
                    (Binary::Add, None, Some(k)) => Ins::Shift(at(l), 1.0, k),
                    (Binary::Add, None, None) => Ins::Add(at(l), at(r)),
                    (Binary::Sub, Some(k), None) => Ins::Shift(at(r), -1.0, k),
                    (Binary::Sub, None, Some(k)) => Ins::Shift(at(l), 1.0, -k),
                    (Binary::Sub, None, None) => Ins::Sub(at(l), at(r)),
                    (Binary::Mul, Some(k), None) => Ins::Scale(at(r), k),
                    (Binary::Mul, None, Some(k)) => Ins::Scale(at(l), k),
                    (Binary::Mul, None, None) => Ins::Mul(at(l), at(r)),
                    _ => Ins::Binary(b, at(l), at(r)),
                },
                Op::LogSumExp { start, len } => Ins::LogSumExp(start, len),
            };
            index.push(base + ins.len());
            ins.push(compiled);
        }
        let args = tape.args.iter().map(|&s| index[s]).collect();
        Program {
            n,
            consts,
            ins,
            args,
            result: index[tape.ops.len() - 1],
        }
    }

    /// Size of the value array.
    fn len(&self) -> usize {
        self.n + self.consts.len() + self.ins.len()
    }

    /// Sizes the buffers for `Q` lanes and writes the lanes of the leaves: variable k carries
    /// lane `lane_of(k)` = 1 (if any), constants carry zeros.
    fn seed<const Q: usize>(&self, ws: &mut Lanes, lane_of: impl Fn(usize) -> Option<usize>) {
        let len = self.len();
        ws.dot.resize(len * Q, 0.0);
        ws.adj_dot.resize(len * Q, 0.0);
        let leaves = &mut ws.dot[..(self.n + self.consts.len()) * Q];
        leaves.fill(0.0);
        for k in 0..self.n {
            if let Some(t) = lane_of(k) {
                leaves[k * Q + t] = 1.0;
            }
        }
    }

    /// One forward sweep of the tangents, direction t the indicator of the variables k with
    /// `lane_of(k) = Some(t)`, and, with `x`, of the values and local partials; then one reverse
    /// sweep of the adjoint-tangents and, with `grad`, of the adjoints, whose variables' part is
    /// written to `grad`. Without `x` and `grad` the values and adjoints are those of an earlier
    /// call at the same point. Returns f; the products H·d_t are lane t of the first n indices of
    /// `adj_dot`.
    pub(crate) fn sweep<const Q: usize>(
        &self,
        x: Option<&[f64]>,
        lane_of: impl Fn(usize) -> Option<usize>,
        ws: &mut Lanes,
        grad: Option<&mut [f64]>,
    ) -> f64 {
        self.seed::<Q>(ws, lane_of);
        if let Some(x) = x {
            let (n, base) = (self.n, self.n + self.consts.len());
            ws.val.resize(self.len(), 0.0);
            ws.adj.resize(self.len(), 0.0);
            ws.d.resize(self.ins.len(), [0.0; 5]);
            ws.soft.resize(self.args.len(), 0.0);
            ws.val[..n].copy_from_slice(x);
            ws.val[n..base].copy_from_slice(&self.consts);
            self.forward::<Q, true>(ws);
        } else {
            self.forward::<Q, false>(ws);
        }
        if let Some(g) = grad {
            self.reverse::<Q, true>(ws);
            g.copy_from_slice(&ws.adj[..self.n]);
        } else {
            self.reverse::<Q, false>(ws);
        }
        ws.val[self.result]
    }

    /// Forward sweep of the tangent lanes, and with `VALUES` of the values and local partials
    /// (the leaves' values already in place).
    fn forward<const Q: usize, const VALUES: bool>(&self, ws: &mut Lanes) {
        let base = self.n + self.consts.len();
        let Lanes {
            val, d, soft, dot, ..
        } = ws;
        for (i, ins) in self.ins.iter().enumerate() {
            let o = base + i;
            let out: [f64; Q] = match *ins {
                Ins::Add(l, r) => {
                    if VALUES {
                        val[o] = val[l] + val[r];
                    }
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    std::array::from_fn(|t| dl[t] + dr[t])
                }
                Ins::Sub(l, r) => {
                    if VALUES {
                        val[o] = val[l] - val[r];
                    }
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    std::array::from_fn(|t| dl[t] - dr[t])
                }
                Ins::Mul(l, r) => {
                    let (vl, vr) = (val[l], val[r]);
                    if VALUES {
                        val[o] = vl * vr;
                    }
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    std::array::from_fn(|t| vr * dl[t] + vl * dr[t])
                }
                Ins::Scale(a, c) => {
                    if VALUES {
                        val[o] = c * val[a];
                    }
                    lane::<Q>(dot, a).map(|v| c * v)
                }
                Ins::Shift(a, s, c) => {
                    if VALUES {
                        val[o] = s * val[a] + c;
                    }
                    lane::<Q>(dot, a).map(|v| s * v)
                }
                Ins::Square(a) => {
                    let va = val[a];
                    if VALUES {
                        val[o] = va * va;
                    }
                    let f1 = 2.0 * va;
                    lane::<Q>(dot, a).map(|v| f1 * v)
                }
                Ins::Unary(u, a) => {
                    if VALUES {
                        let (f, f1, f2) = u.derivs(val[a]);
                        val[o] = f;
                        d[i] = [f1, 0.0, f2, 0.0, 0.0];
                    }
                    let f1 = d[i][0];
                    lane::<Q>(dot, a).map(|v| f1 * v)
                }
                Ins::PowConst(a, c) => {
                    if VALUES {
                        let (f, f1, f2) = pow_const_derivs(val[a], c);
                        val[o] = f;
                        d[i] = [f1, 0.0, f2, 0.0, 0.0];
                    }
                    let f1 = d[i][0];
                    lane::<Q>(dot, a).map(|v| f1 * v)
                }
                Ins::Binary(b, l, r) => {
                    if VALUES {
                        let [f, fa, fb, faa, fab, fbb] = b.derivs(val[l], val[r]);
                        val[o] = f;
                        d[i] = [fa, fb, faa, fab, fbb];
                    }
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    let [fa, fb, ..] = d[i];
                    std::array::from_fn(|t| fa * dl[t] + fb * dr[t])
                }
                Ins::LogSumExp(start, len) => {
                    let args = &self.args[start..start + len];
                    if VALUES {
                        val[o] = logsumexp(
                            args.iter().map(|&s| val[s]),
                            Some(&mut soft[start..start + len]),
                        );
                    }
                    let mut out = [0.0; Q];
                    for (&a, &s) in args.iter().zip(&soft[start..start + len]) {
                        let da = lane::<Q>(dot, a);
                        for t in 0..Q {
                            out[t] += s * da[t];
                        }
                    }
                    out
                }
            };
            dot[o * Q..o * Q + Q].copy_from_slice(&out);
        }
    }

    /// Reverse sweep of the adjoint-tangents, and with `ADJ` of the adjoints (each index's
    /// adjoint is complete when the sweep reaches it).
    fn reverse<const Q: usize, const ADJ: bool>(&self, ws: &mut Lanes) {
        let base = self.n + self.consts.len();
        let Lanes {
            val,
            d,
            soft,
            adj,
            dot,
            adj_dot,
        } = ws;
        adj_dot.fill(0.0);
        if ADJ {
            adj.fill(0.0);
            adj[self.result] = 1.0;
        }
        for (i, ins) in self.ins.iter().enumerate().rev() {
            let o = base + i;
            let a_i = adj[o];
            let ad = lane::<Q>(adj_dot, o);
            if a_i == 0.0 && ad.iter().all(|&v| v == 0.0) {
                continue;
            }
            match *ins {
                Ins::Add(l, r) => {
                    if ADJ {
                        adj[l] += a_i;
                        adj[r] += a_i;
                    }
                    add_lane::<Q>(adj_dot, l, ad);
                    add_lane::<Q>(adj_dot, r, ad);
                }
                Ins::Sub(l, r) => {
                    if ADJ {
                        adj[l] += a_i;
                        adj[r] -= a_i;
                    }
                    add_lane::<Q>(adj_dot, l, ad);
                    add_lane::<Q>(adj_dot, r, ad.map(|v| -v));
                }
                Ins::Mul(l, r) => {
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    let (vl, vr) = (val[l], val[r]);
                    pair_adjoint::<Q, ADJ>((l, r), a_i, ad, (vr, vl), (dr, dl), adj, adj_dot);
                }
                Ins::Scale(a, c) => {
                    if ADJ {
                        adj[a] += a_i * c;
                    }
                    add_lane::<Q>(adj_dot, a, ad.map(|v| v * c));
                }
                Ins::Shift(a, s, _) => {
                    if ADJ {
                        adj[a] += a_i * s;
                    }
                    add_lane::<Q>(adj_dot, a, ad.map(|v| v * s));
                }
                Ins::Square(a) => {
                    let f1 = 2.0 * val[a];
                    self.unary_adjoint::<Q, ADJ>(a, a_i, ad, f1, 2.0, adj, dot, adj_dot);
                }
                Ins::Unary(_, a) | Ins::PowConst(a, _) => {
                    let [f1, _, f2, ..] = d[i];
                    self.unary_adjoint::<Q, ADJ>(a, a_i, ad, f1, f2, adj, dot, adj_dot);
                }
                Ins::Binary(_, l, r) => {
                    let [fa, fb, faa, fab, fbb] = d[i];
                    let (dl, dr) = (lane::<Q>(dot, l), lane::<Q>(dot, r));
                    let hl = std::array::from_fn(|t| faa * dl[t] + fab * dr[t]);
                    let hr = std::array::from_fn(|t| fab * dl[t] + fbb * dr[t]);
                    pair_adjoint::<Q, ADJ>((l, r), a_i, ad, (fa, fb), (hl, hr), adj, adj_dot);
                }
                Ins::LogSumExp(start, len) => {
                    let dot_i = lane::<Q>(dot, o);
                    for (&a, &s) in self.args[start..start + len]
                        .iter()
                        .zip(&soft[start..start + len])
                    {
                        if ADJ {
                            adj[a] += a_i * s;
                        }
                        let da = lane::<Q>(dot, a);
                        add_lane::<Q>(
                            adj_dot,
                            a,
                            std::array::from_fn(|t| ad[t] * s + a_i * s * (da[t] - dot_i[t])),
                        );
                    }
                }
            }
        }
    }

    /// The reverse step of a one-argument instruction with partials f1, f2.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn unary_adjoint<const Q: usize, const ADJ: bool>(
        &self,
        a: usize,
        a_i: f64,
        ad: [f64; Q],
        f1: f64,
        f2: f64,
        adj: &mut [f64],
        dot: &[f64],
        adj_dot: &mut [f64],
    ) {
        if ADJ {
            adj[a] += a_i * f1;
        }
        let da = lane::<Q>(dot, a);
        add_lane::<Q>(
            adj_dot,
            a,
            std::array::from_fn(|t| ad[t] * f1 + a_i * f2 * da[t]),
        );
    }
}

/// The reverse step of a two-argument instruction with first partials `f = (f_l, f_r)` and
/// second-order lanes `h` (f_ll·ḋ_l + f_lr·ḋ_r and f_lr·ḋ_l + f_rr·ḋ_r).
#[inline(always)]
fn pair_adjoint<const Q: usize, const ADJ: bool>(
    (l, r): (usize, usize),
    a_i: f64,
    ad: [f64; Q],
    f: (f64, f64),
    h: ([f64; Q], [f64; Q]),
    adj: &mut [f64],
    adj_dot: &mut [f64],
) {
    if ADJ {
        adj[l] += a_i * f.0;
        adj[r] += a_i * f.1;
    }
    add_lane::<Q>(
        adj_dot,
        l,
        std::array::from_fn(|t| ad[t] * f.0 + a_i * h.0[t]),
    );
    add_lane::<Q>(
        adj_dot,
        r,
        std::array::from_fn(|t| ad[t] * f.1 + a_i * h.1[t]),
    );
}
