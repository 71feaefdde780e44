//! A formula compiled into a flat instruction tape, and its exact derivatives.
//!
//! Each instruction writes one slot; operands are earlier slots, so one forward sweep evaluates the
//! formula and one backward sweep (reverse mode) gives the gradient. The Hessian is assembled column
//! by column with forward-over-reverse sweeps: the local first and second partial derivatives of
//! every instruction are computed once per point, after which each Hessian-vector product costs one
//! tangent sweep forward and one adjoint-tangent sweep backward, both plain multiply-adds
//! (Griewank & Walther, *Evaluating Derivatives*, 2nd ed., §5.4). Nothing is allocated per
//! evaluation once a [`Workspace`] exists.

use crate::special;

/// Elementary functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unary {
    Neg,
    Sin,
    Cos,
    Tan,
    Exp,
    Log,
    Sqrt,
    Abs,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Log1p,
    Expm1,
    Lgamma,
    Erf,
    Erfc,
    NormCdf,
    LogNormCdf,
    Log10,
    Log2,
}

impl Unary {
    /// Function names of the formula language, in the order of the enum (without `Neg`); `ln` is
    /// a second name of `log`.
    pub(crate) const NAMED: [(&'static str, Unary); 21] = [
        ("sin", Unary::Sin),
        ("cos", Unary::Cos),
        ("tan", Unary::Tan),
        ("exp", Unary::Exp),
        ("log", Unary::Log),
        ("sqrt", Unary::Sqrt),
        ("abs", Unary::Abs),
        ("atan", Unary::Atan),
        ("sinh", Unary::Sinh),
        ("cosh", Unary::Cosh),
        ("tanh", Unary::Tanh),
        ("log1p", Unary::Log1p),
        ("expm1", Unary::Expm1),
        ("lgamma", Unary::Lgamma),
        ("erf", Unary::Erf),
        ("erfc", Unary::Erfc),
        ("normcdf", Unary::NormCdf),
        ("lognormcdf", Unary::LogNormCdf),
        ("log10", Unary::Log10),
        ("log2", Unary::Log2),
        ("ln", Unary::Log),
    ];

    pub(crate) fn name(self) -> &'static str {
        Self::NAMED
            .iter()
            .find(|(_, u)| *u == self)
            .map_or("-", |(n, _)| n)
    }

    pub(crate) fn value(self, a: f64) -> f64 {
        match self {
            Unary::Neg => -a,
            Unary::Sin => a.sin(),
            Unary::Cos => a.cos(),
            Unary::Tan => a.tan(),
            Unary::Exp => a.exp(),
            Unary::Log => a.ln(),
            Unary::Sqrt => a.sqrt(),
            Unary::Abs => a.abs(),
            Unary::Atan => a.atan(),
            Unary::Sinh => a.sinh(),
            Unary::Cosh => a.cosh(),
            Unary::Tanh => a.tanh(),
            Unary::Log1p => a.ln_1p(),
            Unary::Expm1 => a.exp_m1(),
            Unary::Lgamma => special::ln_gamma(a),
            Unary::Erf => special::erf(a),
            Unary::Erfc => special::erfc(a),
            Unary::NormCdf => special::norm_cdf(a),
            Unary::LogNormCdf => special::log_norm_cdf_derivs(a).0,
            Unary::Log10 => a.log10(),
            Unary::Log2 => a.log2(),
        }
    }

    /// (f, f', f'') at `a`.
    pub(super) fn derivs(self, a: f64) -> (f64, f64, f64) {
        match self {
            Unary::Neg => (-a, -1.0, 0.0),
            Unary::Sin => {
                let (s, c) = a.sin_cos();
                (s, c, -s)
            }
            Unary::Cos => {
                let (s, c) = a.sin_cos();
                (c, -s, -c)
            }
            Unary::Tan => {
                let t = a.tan();
                let d = 1.0 + t * t;
                (t, d, 2.0 * t * d)
            }
            Unary::Exp => {
                let e = a.exp();
                (e, e, e)
            }
            Unary::Log => (a.ln(), 1.0 / a, -1.0 / (a * a)),
            Unary::Sqrt => {
                let r = a.sqrt();
                (r, 0.5 / r, -0.25 / (r * a))
            }
            Unary::Abs => (a.abs(), if a == 0.0 { 0.0 } else { a.signum() }, 0.0),
            Unary::Atan => {
                let d = 1.0 / (1.0 + a * a);
                (a.atan(), d, -2.0 * a * d * d)
            }
            Unary::Sinh => (a.sinh(), a.cosh(), a.sinh()),
            Unary::Cosh => (a.cosh(), a.sinh(), a.cosh()),
            Unary::Tanh => {
                let t = a.tanh();
                let d = 1.0 - t * t;
                (t, d, -2.0 * t * d)
            }
            Unary::Log1p => {
                let d = 1.0 / (1.0 + a);
                (a.ln_1p(), d, -d * d)
            }
            Unary::Expm1 => {
                let e = a.exp();
                (a.exp_m1(), e, e)
            }
            Unary::Lgamma => (
                special::ln_gamma(a),
                special::digamma(a),
                special::trigamma(a),
            ),
            Unary::Erf | Unary::Erfc => {
                // d/da erf = 2/√π e^(−a²), d²/da² = −2a · that; erfc = 1 − erf.
                let d = std::f64::consts::FRAC_2_SQRT_PI * (-a * a).exp();
                let sign = if self == Unary::Erf { 1.0 } else { -1.0 };
                (self.value(a), sign * d, -2.0 * a * sign * d)
            }
            Unary::NormCdf => {
                let p = special::norm_pdf(a);
                (special::norm_cdf(a), p, -a * p)
            }
            Unary::LogNormCdf => special::log_norm_cdf_derivs(a),
            Unary::Log10 | Unary::Log2 => {
                let base = if self == Unary::Log10 {
                    std::f64::consts::LN_10
                } else {
                    std::f64::consts::LN_2
                };
                (self.value(a), 1.0 / (a * base), -1.0 / (a * a * base))
            }
        }
    }
}

/// Operations of two arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    /// atan2(a, b): the angle of the point (b, a), in (−π, π].
    Atan2,
    /// min(a, b); at a tie both partial derivatives are ½ (the midpoint of the subdifferential,
    /// as `abs` has derivative 0 at 0).
    Min,
    /// max(a, b); ½ and ½ at a tie.
    Max,
}

impl Binary {
    /// The functions of two arguments, by name (`pow(a, b)` is `a^b`).
    pub(crate) const NAMED: [(&'static str, Binary); 4] = [
        ("atan2", Binary::Atan2),
        ("min", Binary::Min),
        ("max", Binary::Max),
        ("pow", Binary::Pow),
    ];

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Binary::Add => "+",
            Binary::Sub => "-",
            Binary::Mul => "*",
            Binary::Div => "/",
            Binary::Pow => "^",
            Binary::Atan2 => "atan2",
            Binary::Min => "min",
            Binary::Max => "max",
        }
    }

    pub(crate) fn value(self, a: f64, b: f64) -> f64 {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
            Binary::Pow => pow_const(a, b),
            Binary::Atan2 => a.atan2(b),
            Binary::Min => a.min(b),
            Binary::Max => a.max(b),
        }
    }

    /// (f, f_a, f_b, f_aa, f_ab, f_bb) at (a, b).
    pub(super) fn derivs(self, a: f64, b: f64) -> [f64; 6] {
        match self {
            Binary::Add => [a + b, 1.0, 1.0, 0.0, 0.0, 0.0],
            Binary::Sub => [a - b, 1.0, -1.0, 0.0, 0.0, 0.0],
            Binary::Mul => [a * b, b, a, 0.0, 1.0, 0.0],
            Binary::Min | Binary::Max => {
                let (da, db) = if a == b {
                    (0.5, 0.5)
                } else if (a < b) == (self == Binary::Min) {
                    (1.0, 0.0)
                } else {
                    (0.0, 1.0)
                };
                [self.value(a, b), da, db, 0.0, 0.0, 0.0]
            }
            Binary::Div => {
                let r = 1.0 / b;
                let q = a * r;
                [q, r, -q * r, 0.0, -r * r, 2.0 * q * r * r]
            }
            Binary::Atan2 => {
                let r2 = a * a + b * b;
                let r4 = r2 * r2;
                [
                    a.atan2(b),
                    b / r2,
                    -a / r2,
                    -2.0 * a * b / r4,
                    (a * a - b * b) / r4,
                    2.0 * a * b / r4,
                ]
            }
            Binary::Pow => {
                // a^b = exp(b ln a) with both arguments variable.
                let f = a.powf(b);
                let la = a.ln();
                let fa1 = a.powf(b - 1.0);
                [
                    f,
                    b * fa1,
                    f * la,
                    b * (b - 1.0) * a.powf(b - 2.0),
                    fa1 * (1.0 + b * la),
                    f * la * la,
                ]
            }
        }
    }
}

/// `a^c` for a constant exponent, with integer powers by repeated multiplication (exact sign for
/// negative bases).
pub(crate) fn pow_const(a: f64, c: f64) -> f64 {
    if c == c.trunc() && c.abs() <= 64.0 {
        a.powi(c as i32)
    } else {
        a.powf(c)
    }
}

/// (a^c, c a^(c−1), c (c−1) a^(c−2)) with the exact zeros for c ∈ {0, 1, 2}.
pub(super) fn pow_const_derivs(a: f64, c: f64) -> (f64, f64, f64) {
    if c == 0.0 {
        (1.0, 0.0, 0.0)
    } else if c == 1.0 {
        (a, 1.0, 0.0)
    } else if c == 2.0 {
        (a * a, 2.0 * a, 2.0)
    } else {
        (
            pow_const(a, c),
            c * pow_const(a, c - 1.0),
            c * (c - 1.0) * pow_const(a, c - 2.0),
        )
    }
}

/// One instruction. Operands are slot indices of earlier instructions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    Const(f64),
    Var(usize),
    Unary(Unary, usize),
    PowConst(usize, f64),
    Binary(Binary, usize, usize),
    /// `logsumexp` over `args[start..start + len]` of the tape.
    LogSumExp {
        start: usize,
        len: usize,
    },
}

/// A compiled formula: instructions in evaluation order, the result in the last slot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tape {
    pub(crate) ops: Vec<Op>,
    /// Operand lists of the n-ary instructions.
    pub(crate) args: Vec<usize>,
    /// Number of variables the tape reads.
    pub(crate) n_vars: usize,
}

/// Buffers for evaluating one tape; reused across evaluations so that nothing is allocated per call.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pub(super) val: Vec<f64>,
    /// Local partials per slot: f_a, f_b, f_aa, f_ab, f_bb.
    pub(super) d: Vec<[f64; 5]>,
    /// Softmax weights of the `logsumexp` arguments.
    pub(super) soft: Vec<f64>,
    pub(super) adj: Vec<f64>,
    dot: Vec<f64>,
    adj_dot: Vec<f64>,
    /// Unit direction and Hessian column buffers of `hessian`.
    unit: Vec<f64>,
    column: Vec<f64>,
}

impl Workspace {
    pub(super) fn fit(&mut self, tape: &Tape) {
        let m = tape.ops.len();
        self.val.resize(m, 0.0);
        self.d.resize(m, [0.0; 5]);
        self.soft.resize(tape.args.len(), 0.0);
        self.adj.resize(m, 0.0);
        self.dot.resize(m, 0.0);
        self.adj_dot.resize(m, 0.0);
        self.unit.resize(tape.n_vars, 0.0);
        self.column.resize(tape.n_vars, 0.0);
    }
}

/// Stable log Σ exp(x_i); writes the softmax weights into `soft` when given.
pub(crate) fn logsumexp(
    values: impl Iterator<Item = f64> + Clone,
    soft: Option<&mut [f64]>,
) -> f64 {
    let m = values.clone().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        // All −∞ (result −∞), or a +∞ / NaN argument: propagate.
        let s: f64 = values.clone().sum();
        if let Some(w) = soft {
            w.fill(f64::NAN);
        }
        return if m == f64::NEG_INFINITY {
            m
        } else {
            m + s * 0.0
        };
    }
    let sum: f64 = values.clone().map(|v| (v - m).exp()).sum();
    if let Some(w) = soft {
        for (wi, v) in w.iter_mut().zip(values) {
            *wi = (v - m).exp() / sum;
        }
    }
    m + sum.ln()
}

impl Tape {
    /// Value of the instruction `op` given the slot values computed so far.
    fn eval_op(&self, op: &Op, val: &[f64], x: &[f64]) -> f64 {
        match *op {
            Op::Const(c) => c,
            Op::Var(k) => x[k],
            Op::Unary(u, a) => u.value(val[a]),
            Op::PowConst(a, c) => pow_const(val[a], c),
            Op::Binary(b, l, r) => b.value(val[l], val[r]),
            Op::LogSumExp { start, len } => {
                logsumexp(self.args[start..start + len].iter().map(|&s| val[s]), None)
            }
        }
    }

    /// Value at `x` (`x.len() == n_vars`, checked by the caller).
    pub(crate) fn value(&self, x: &[f64], ws: &mut Workspace) -> f64 {
        ws.fit(self);
        for (i, op) in self.ops.iter().enumerate() {
            ws.val[i] = self.eval_op(op, &ws.val, x);
        }
        ws.val[self.ops.len() - 1]
    }

    /// Value and local partials (f_a, f_b, f_aa, f_ab, f_bb) of instruction `op` given the slot
    /// values so far; a `logsumexp` writes its softmax weights into `soft`.
    #[inline(always)]
    pub(super) fn partials(
        &self,
        op: &Op,
        val: &[f64],
        soft: &mut [f64],
        x: &[f64],
    ) -> (f64, [f64; 5]) {
        match *op {
            Op::Const(c) => (c, [0.0; 5]),
            Op::Var(k) => (x[k], [1.0, 0.0, 0.0, 0.0, 0.0]),
            Op::Unary(u, a) => {
                let (f, f1, f2) = u.derivs(val[a]);
                (f, [f1, 0.0, f2, 0.0, 0.0])
            }
            Op::PowConst(a, c) => {
                let (f, f1, f2) = pow_const_derivs(val[a], c);
                (f, [f1, 0.0, f2, 0.0, 0.0])
            }
            Op::Binary(b, l, r) => {
                let [f, fa, fb, faa, fab, fbb] = b.derivs(val[l], val[r]);
                (f, [fa, fb, faa, fab, fbb])
            }
            Op::LogSumExp { start, len } => {
                let args = &self.args[start..start + len];
                let f = logsumexp(
                    args.iter().map(|&s| val[s]),
                    Some(&mut soft[start..start + len]),
                );
                (f, [0.0; 5])
            }
        }
    }

    /// Forward sweep storing the local partial derivatives of every instruction.
    fn forward_partials(&self, x: &[f64], ws: &mut Workspace) -> f64 {
        ws.fit(self);
        for (i, op) in self.ops.iter().enumerate() {
            let (v, d) = self.partials(op, &ws.val, &mut ws.soft, x);
            ws.val[i] = v;
            ws.d[i] = d;
        }
        ws.val[self.ops.len() - 1]
    }

    /// Adds the adjoint `a_i` of slot i into its operands' adjoints (into `grad` for a variable).
    #[inline(always)]
    pub(super) fn push_adjoint(&self, i: usize, a_i: f64, ws: &mut Workspace, grad: &mut [f64]) {
        let d = ws.d[i];
        match self.ops[i] {
            Op::Const(_) => {}
            Op::Var(k) => grad[k] += a_i,
            Op::Unary(_, a) | Op::PowConst(a, _) => ws.adj[a] += a_i * d[0],
            Op::Binary(_, l, r) => {
                ws.adj[l] += a_i * d[0];
                ws.adj[r] += a_i * d[1];
            }
            Op::LogSumExp { start, len } => {
                for j in start..start + len {
                    ws.adj[self.args[j]] += a_i * ws.soft[j];
                }
            }
        }
    }

    /// Backward sweep of adjoints (after `forward_partials`); adds ∂f/∂x into `grad`.
    fn reverse(&self, ws: &mut Workspace, grad: &mut [f64]) {
        ws.adj.fill(0.0);
        let last = self.ops.len() - 1;
        ws.adj[last] = 1.0;
        grad.fill(0.0);
        for i in (0..=last).rev() {
            let a_i = ws.adj[i];
            if a_i != 0.0 {
                self.push_adjoint(i, a_i, ws, grad);
            }
        }
    }

    /// Hessian-vector product H·v into `hv`, after `forward_partials` and `reverse`.
    fn hvp_after_reverse(&self, v: &[f64], ws: &mut Workspace, hv: &mut [f64]) {
        // Tangent sweep: dot[i] = directional derivative of slot i along v.
        for (i, op) in self.ops.iter().enumerate() {
            let d = ws.d[i];
            ws.dot[i] = match *op {
                Op::Const(_) => 0.0,
                Op::Var(k) => v[k],
                Op::Unary(_, a) | Op::PowConst(a, _) => d[0] * ws.dot[a],
                Op::Binary(_, l, r) => d[0] * ws.dot[l] + d[1] * ws.dot[r],
                Op::LogSumExp { start, len } => (start..start + len)
                    .map(|j| ws.soft[j] * ws.dot[self.args[j]])
                    .sum(),
            };
        }
        // Adjoint-tangent sweep.
        ws.adj_dot.fill(0.0);
        hv.fill(0.0);
        for i in (0..self.ops.len()).rev() {
            let ad = ws.adj_dot[i];
            let a_i = ws.adj[i];
            if ad == 0.0 && a_i == 0.0 {
                continue;
            }
            let d = ws.d[i];
            match self.ops[i] {
                Op::Const(_) => {}
                Op::Var(k) => hv[k] += ad,
                Op::Unary(_, a) | Op::PowConst(a, _) => {
                    ws.adj_dot[a] += ad * d[0] + a_i * d[2] * ws.dot[a];
                }
                Op::Binary(_, l, r) => {
                    let (dl, dr) = (ws.dot[l], ws.dot[r]);
                    ws.adj_dot[l] += ad * d[0] + a_i * (d[2] * dl + d[3] * dr);
                    ws.adj_dot[r] += ad * d[1] + a_i * (d[3] * dl + d[4] * dr);
                }
                Op::LogSumExp { start, len } => {
                    let dot_i = ws.dot[i];
                    for j in start..start + len {
                        let s = ws.soft[j];
                        let arg = self.args[j];
                        ws.adj_dot[arg] += ad * s + a_i * s * (ws.dot[arg] - dot_i);
                    }
                }
            }
        }
    }

    /// Value and gradient at `x`.
    pub(crate) fn gradient(&self, x: &[f64], ws: &mut Workspace, grad: &mut [f64]) -> f64 {
        let f = self.forward_partials(x, ws);
        self.reverse(ws, grad);
        f
    }

    /// Value, gradient and Hessian-vector product along `v`.
    pub(crate) fn hvp(
        &self,
        x: &[f64],
        v: &[f64],
        ws: &mut Workspace,
        grad: &mut [f64],
        hv: &mut [f64],
    ) -> f64 {
        let f = self.gradient(x, ws, grad);
        self.hvp_after_reverse(v, ws, hv);
        f
    }

    /// Value, gradient and the first `k` columns of the Hessian (column-major `n × k`): one
    /// forward and one reverse sweep, then one tangent sweep per column.
    pub(crate) fn hessian_columns(
        &self,
        x: &[f64],
        k: usize,
        ws: &mut Workspace,
        grad: &mut [f64],
        out: &mut [f64],
    ) -> f64 {
        let n = self.n_vars;
        let f = self.gradient(x, ws, grad);
        let mut e = std::mem::take(&mut ws.unit);
        for j in 0..k {
            e[j] = 1.0;
            self.hvp_after_reverse(&e, ws, &mut out[j * n..(j + 1) * n]);
            e[j] = 0.0;
        }
        ws.unit = e;
        f
    }

    /// Value, gradient and the dense Hessian (row-major, `n × n`), one column per tangent sweep.
    pub(crate) fn hessian(
        &self,
        x: &[f64],
        ws: &mut Workspace,
        grad: &mut [f64],
        hess: &mut [f64],
    ) -> f64 {
        let n = self.n_vars;
        let f = self.gradient(x, ws, grad);
        let mut e = std::mem::take(&mut ws.unit);
        let mut col = std::mem::take(&mut ws.column);
        for j in 0..n {
            e[j] = 1.0;
            self.hvp_after_reverse(&e, ws, &mut col);
            e[j] = 0.0;
            for i in 0..n {
                hess[i * n + j] = col[i];
            }
        }
        ws.unit = e;
        ws.column = col;
        // Symmetrise: the two triangles agree to rounding; average them so H is exactly symmetric.
        for i in 0..n {
            for j in 0..i {
                let m = 0.5 * (hess[i * n + j] + hess[j * n + i]);
                hess[i * n + j] = m;
                hess[j * n + i] = m;
            }
        }
        f
    }
}
