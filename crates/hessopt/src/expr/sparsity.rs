//! The Hessian's sparsity pattern read off the tape: which variables interact nonlinearly.
//!
//! The Hessian is a sum over the tape's instructions of their second partial derivatives chained
//! with the operands' gradients (Griewank & Walther, *Evaluating Derivatives*, §5.4), so H_jk can
//! be nonzero only where some nonlinear instruction has operands depending on x_j and x_k: a
//! product couples the variables of one factor with those of the other, a quotient also those of
//! the denominator among themselves, a nonlinear function of one argument all the variables of its
//! argument (Walther 2008, "Computing sparse Hessians with automatic differentiation"). Linear
//! instructions (sums, differences, negation, constant factors, `abs` whose second derivative is
//! zero on the tape) couple nothing. The pattern is exact for the tape structure (a superset of
//! the nonzeros at any one point: a coupling whose coefficient vanishes at x is still listed).
//!
//! Only slots that feed a nonlinear instruction get their dependency set, so a long linear sum of
//! small terms (the usual shape of a large objective) costs O(tape length), not O(n²).

use super::tape::{Binary, Op, Tape, Unary};

impl Tape {
    /// Pairs (j, k) with j ≥ k (lower triangle, diagonal included) of variables that may interact
    /// nonlinearly, sorted by (k, j) and without duplicates.
    pub(crate) fn hessian_pairs(&self) -> Vec<(usize, usize)> {
        let m = self.ops.len();
        // needed[i]: slot i is (transitively) an operand of a nonlinear instruction.
        let mut needed = vec![false; m];
        for i in (0..m).rev() {
            let op = &self.ops[i];
            if needed[i] || !self.is_linear(op) {
                self.for_each_operand(op, |a| needed[a] = true);
            }
        }
        // Dependency sets (sorted variable indices) of the needed slots.
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); m];
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for i in 0..m {
            let op = &self.ops[i];
            if !self.is_linear(op) {
                self.couple(op, &deps, &mut pairs);
            }
            if needed[i] {
                deps[i] = match *op {
                    Op::Const(_) => Vec::new(),
                    Op::Var(k) => vec![k],
                    _ => {
                        let mut set = Vec::new();
                        self.for_each_operand(op, |a| set = union(&set, &deps[a]));
                        set
                    }
                };
            }
        }
        pairs.sort_unstable_by_key(|&(j, k)| (k, j));
        pairs.dedup();
        pairs
    }

    /// Whether an instruction's second derivatives vanish identically.
    fn is_linear(&self, op: &Op) -> bool {
        match *op {
            Op::Const(_) | Op::Var(_) => true,
            Op::Unary(u, _) => matches!(u, Unary::Neg | Unary::Abs),
            Op::PowConst(_, c) => c == 0.0 || c == 1.0,
            Op::Binary(b, _, _) => matches!(b, Binary::Add | Binary::Sub),
            Op::LogSumExp { .. } => false,
        }
    }

    fn for_each_operand(&self, op: &Op, mut f: impl FnMut(usize)) {
        match *op {
            Op::Const(_) | Op::Var(_) => {}
            Op::Unary(_, a) | Op::PowConst(a, _) => f(a),
            Op::Binary(_, l, r) => {
                f(l);
                f(r);
            }
            Op::LogSumExp { start, len } => {
                self.args[start..start + len].iter().for_each(|&a| f(a))
            }
        }
    }

    /// Adds the couplings of one nonlinear instruction, given its operands' dependency sets.
    fn couple(&self, op: &Op, deps: &[Vec<usize>], pairs: &mut Vec<(usize, usize)>) {
        match *op {
            // f_ab is the only second partial of a product.
            Op::Binary(Binary::Mul, l, r) => cross(&deps[l], &deps[r], pairs),
            // a / b: f_ab and f_bb.
            Op::Binary(Binary::Div, l, r) => {
                cross(&deps[l], &deps[r], pairs);
                cross(&deps[r], &deps[r], pairs);
            }
            _ => {
                let mut set = Vec::new();
                self.for_each_operand(op, |a| set = union(&set, &deps[a]));
                cross(&set, &set, pairs);
            }
        }
    }
}

/// Adds every (max, min) pair of a ∈ `left`, b ∈ `right`.
fn cross(left: &[usize], right: &[usize], pairs: &mut Vec<(usize, usize)>) {
    for &a in left {
        for &b in right {
            pairs.push((a.max(b), a.min(b)));
        }
    }
}

/// Union of two sorted sets.
fn union(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
