//! The formula language: parse once, evaluate and differentiate exactly many times.
//!
//! Syntax: numbers (`2`, `.5`, `1e-4`), variables (identifiers), `+ - * / ^` (`**` also means `^`),
//! unary minus, parentheses, the constant `pi`, the functions `sin cos tan exp log (= ln) log10
//! log2 sqrt abs atan sinh cosh tanh log1p expm1 lgamma erf erfc normcdf lognormcdf`, `atan2(y, x)`,
//! `min(a, b)`, `max(a, b)`, `pow(a, b)` (= `a^b`) and the n-ary `logsumexp(a, b, ...)`.
//! `logsumexp`, `lognormcdf` (ln Φ; −5e9 at −1e5, no underflow) and `erfc` are evaluated stably,
//! with exact first and second derivatives.
//!
//! Non-smooth points: `abs` has derivative 0 at 0, and `min`/`max` give both arguments
//! derivative ½ at a tie (the midpoint of the subdifferential, so `max(x, -x)` agrees with
//! `abs(x)`); their second derivatives are 0 everywhere.
//! `^` is right-associative and binds tighter than unary minus: `-x^2 = -(x^2)`, `2^3^2 = 512`.
//!
//! ```
//! use hessopt::Formula;
//! let f = Formula::parse("100*(y - x^2)^2 + (1 - x)^2")?;
//! assert_eq!(f.vars(), ["x", "y"]); // natural order: x before y, x2 before x10
//! let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["y", "x"])?;
//! let d = f.hessian(&[1.0, 1.0])?;
//! assert_eq!(d.value, 0.0);
//! assert_eq!(d.hessian[(0, 0)], 200.0); // ∂²f/∂y², y first as asked
//! # Ok::<(), hessopt::Error>(())
//! ```

mod indexed;
mod lexer;
mod parser;
mod program;
mod sparse_hessian;
mod sparsity;
mod tape;

use nalgebra::DMatrix;
pub(crate) use parser::PI_DECLARED;
use parser::VarTable;
use std::fmt;
use tape::{Op, Tape};

pub use sparse_hessian::{SparseDerivatives, SparseHessian, SparseWorkspace};
pub use tape::Workspace;

use crate::error::{Error, Result};

/// Value, gradient and Hessian at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivatives {
    /// f(x).
    pub value: f64,
    /// ∇f(x).
    pub gradient: Vec<f64>,
    /// ∇²f(x), symmetric.
    pub hessian: DMatrix<f64>,
}

/// A parsed scalar formula compiled to a tape, with exact derivatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    tape: Tape,
    vars: Vec<String>,
}

/// Checks that every entry of `values` is finite, naming the first that is not.
pub(crate) fn check_finite(what: &str, values: &[f64], x: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::NonFinite {
            what: if values.len() == 1 {
                what.to_string()
            } else {
                format!("{what} entry {i}")
            },
            at: x.to_vec(),
        }),
    }
}

/// Natural order of names: digit runs compare as numbers, so `x2 < x10`, `b0 < b1 < b12`,
/// `x < x1 < y`.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, chunk))
        })
    }
    let (mut ca, mut cb) = (chunks(a), chunks(b));
    loop {
        let ord = match (ca.next(), cb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some((true, x)), Some((true, y))) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            (Some((_, x)), Some((_, y))) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
}

/// The variable table for a parse: the given list, or, without one, the names of a first pass over
/// the text sorted in natural order ([`natural_cmp`]).
fn ordered_table(
    vars: Option<&[&str]>,
    lengths: &[(&str, usize)],
    first_pass: impl FnOnce(&mut VarTable) -> Result<()>,
) -> Result<VarTable> {
    if vars.is_some() {
        return var_table(vars);
    }
    let mut seen = var_table(None)?;
    seen.lengths = lengths.iter().map(|&(v, n)| (v.to_string(), n)).collect();
    first_pass(&mut seen)?;
    // A vector of known length has all its entries as variables, used or not.
    for &(v, n) in lengths {
        for k in 1..=n {
            seen.index(&format!("{v}[{k}]"), 0)?;
        }
    }
    let mut names = seen.names;
    names.sort_by(|a, b| natural_cmp(a, b));
    let mut table = VarTable::new(names, true);
    table.lengths = seen.lengths;
    Ok(table)
}

fn var_table(vars: Option<&[&str]>) -> Result<VarTable> {
    let Some(list) = vars else {
        return Ok(VarTable::new(Vec::new(), false));
    };
    let mut names: Vec<String> = Vec::with_capacity(list.len());
    let mut seen = std::collections::HashSet::with_capacity(list.len());
    for v in list {
        if !indexed::is_variable_name(v) {
            return Err(Error::invalid(
                "variable list",
                format!("'{v}' is not a name"),
            ));
        }
        if !seen.insert(*v) {
            return Err(Error::invalid(
                "variable list",
                format!("'{v}' appears twice"),
            ));
        }
        names.push(v.to_string());
    }
    let mut table = VarTable::new(names, true);
    table.lengths = list_lengths(list);
    Ok(table)
}

/// The lengths a variable list gives its vectors: `x[1]`, …, `x[k]` all listed make len(x) = k
/// (a constraint or a `--vars` list over the variables of `sum(i = 1..len(x), …)`).
fn list_lengths(list: &[&str]) -> std::collections::HashMap<String, usize> {
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for v in list {
        let Some((name, rest)) = v.split_once('[') else {
            continue;
        };
        if let Some(k) = rest.strip_suffix(']').and_then(|k| k.parse::<usize>().ok()) {
            let e = counts.entry(name).or_default();
            *e = (e.0 + 1, e.1.max(k));
        }
    }
    counts
        .into_iter()
        .filter(|&(_, (count, max))| count == max)
        .map(|(name, (_, max))| (name.to_string(), max))
        .collect()
}

/// The first vector whose `len(·)` the text writes, if any (for front ends where no point or
/// variable list can give a length, to say so in their own words).
pub(crate) fn first_len_vector(src: &str) -> Result<Option<String>> {
    Ok(indexed::len_vectors(&lexer::tokenize(src, 0)?)
        .into_iter()
        .next())
}

/// The vector whose `len(·)` the texts (each with its byte offset) use and its length for a
/// point of `n` entries: n less the number of scalar variables (the other names). `None` when no
/// `len(·)` is written; an error for several vectors or fewer entries than scalars.
fn point_length(pieces: &[(&str, usize)], n: usize) -> Result<Option<(String, usize)>> {
    let mut vectors: Vec<String> = Vec::new();
    let mut scalars: Vec<String> = Vec::new();
    for &(src, base) in pieces {
        let tokens = lexer::tokenize(src, base)?;
        for v in indexed::len_vectors(&tokens) {
            if !vectors.contains(&v) {
                vectors.push(v);
            }
        }
        // Names that parse without any variable are constants (pi), not scalars.
        for s in indexed::plain_names(&tokens) {
            if !scalars.contains(&s) && Formula::parse_with_vars(&s, &[]).is_err() {
                scalars.push(s);
            }
        }
    }
    let [v] = vectors.as_slice() else {
        if vectors.is_empty() {
            return Ok(None);
        }
        return Err(Error::invalid(
            "formula",
            format!(
                "len() of several vectors ({}): one point cannot give their lengths",
                vectors.join(", ")
            ),
        ));
    };
    let length = n.checked_sub(scalars.len()).ok_or_else(|| {
        Error::invalid(
            "point",
            format!(
                "{n} entries, fewer than the formula's {} scalar variables",
                scalars.len()
            ),
        )
    })?;
    Ok(Some((v.clone(), length)))
}

impl Formula {
    /// Parses a formula; variables are in natural order (`x` before `y`, `x2` before `x10`).
    pub fn parse(src: &str) -> Result<Self> {
        Self::parse_impl(src, None)
    }

    /// Parses a formula with a given variable order; a name not in `vars` is an error. Variables
    /// that the formula does not use get zero derivatives.
    pub fn parse_with_vars(src: &str, vars: &[&str]) -> Result<Self> {
        Self::parse_impl(src, Some(vars))
    }

    /// Parses a formula over vectors of given lengths: `x[1]` … `x[n]` are variables (all of
    /// them, used or not), and `len(x)` in the bounds of an indexed sum is n. Variables are in
    /// natural order (`x[2]` before `x[10]`).
    ///
    /// ```
    /// use hessopt::Formula;
    /// let src = "sum(i = 1..len(x)-1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";
    /// let f = Formula::parse_with_lengths(src, &[("x", 1000)])?;
    /// assert_eq!(f.dim(), 1000);
    /// assert_eq!(f.vars()[9], "x[10]");
    /// assert_eq!(f.value(&vec![1.0; 1000])?, 0.0);
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn parse_with_lengths(src: &str, lengths: &[(&str, usize)]) -> Result<Self> {
        Self::parse_full(src, None, lengths)
    }

    /// Parses a formula for a point of `n` entries: when the text uses `len(x)` for one vector
    /// x, x's length is `n` less the number of scalar variables (the other names); otherwise as
    /// [`Formula::parse`]. What a command line does with `--at` or `--x0`.
    ///
    /// ```
    /// use hessopt::Formula;
    /// let f = Formula::parse_for_point("a*sum(i = 1..len(x), (x[i] - i)^2)", 5)?;
    /// assert_eq!(f.vars(), ["a", "x[1]", "x[2]", "x[3]", "x[4]"]);
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn parse_for_point(src: &str, n: usize) -> Result<Self> {
        let f = match point_length(&[(src, 0)], n)? {
            None => return Self::parse(src),
            Some((v, length)) => Self::parse_with_lengths(src, &[(&v, length)])?,
        };
        Error::check_dim("point (the formula's variables)", f.dim(), n)?;
        Ok(f)
    }

    fn parse_impl(src: &str, vars: Option<&[&str]>) -> Result<Self> {
        Self::parse_full(src, vars, &[])
    }

    fn parse_full(src: &str, vars: Option<&[&str]>, lengths: &[(&str, usize)]) -> Result<Self> {
        let mut table = ordered_table(vars, lengths, |t| parser::parse(src, 0, t).map(drop))?;
        let mut tape = parser::parse(src, 0, &mut table)?;
        tape.n_vars = table.names.len();
        Ok(Formula {
            tape,
            vars: table.names,
        })
    }

    /// The variables, in the order of the arguments of every method.
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// Number of variables.
    pub fn dim(&self) -> usize {
        self.vars.len()
    }

    /// Number of tape instructions (a measure of evaluation cost).
    pub fn tape_len(&self) -> usize {
        self.tape.ops.len()
    }

    /// A fresh set of evaluation buffers for the `*_with` methods.
    pub fn workspace(&self) -> Workspace {
        Workspace::default()
    }

    fn check_x(&self, x: &[f64]) -> Result<()> {
        Error::check_dim("point", self.dim(), x.len())
    }

    /// f(x), which may be NaN or infinite (use [`Formula::value_checked`] to refuse that).
    pub fn value(&self, x: &[f64]) -> Result<f64> {
        self.check_x(x)?;
        Ok(self.tape.value(x, &mut Workspace::default()))
    }

    /// f(x) with reusable buffers: no allocation once `ws` has been used.
    pub fn value_with(&self, x: &[f64], ws: &mut Workspace) -> Result<f64> {
        self.check_x(x)?;
        Ok(self.tape.value(x, ws))
    }

    /// f(x), an error when it is not finite.
    pub fn value_checked(&self, x: &[f64]) -> Result<f64> {
        let v = self.value(x)?;
        check_finite("value", &[v], x)?;
        Ok(v)
    }

    /// Value and gradient by reverse mode; writes the gradient into `grad` (no allocation).
    /// Non-finite results are returned as they are.
    pub fn gradient_with(&self, x: &[f64], ws: &mut Workspace, grad: &mut [f64]) -> Result<f64> {
        self.check_x(x)?;
        Error::check_dim("gradient buffer", self.dim(), grad.len())?;
        Ok(self.tape.gradient(x, ws, grad))
    }

    /// Value and gradient, an error when either is not finite.
    pub fn gradient(&self, x: &[f64]) -> Result<(f64, Vec<f64>)> {
        let mut g = vec![0.0; self.dim()];
        let f = self.gradient_with(x, &mut Workspace::default(), &mut g)?;
        check_finite("value", &[f], x)?;
        check_finite("gradient", &g, x)?;
        Ok((f, g))
    }

    /// Value, gradient and the Hessian-vector product H(x)·v, exact, at the cost of about three
    /// evaluations. Writes into `grad` and `hv`.
    pub fn hvp_with(
        &self,
        x: &[f64],
        v: &[f64],
        ws: &mut Workspace,
        grad: &mut [f64],
        hv: &mut [f64],
    ) -> Result<f64> {
        self.check_x(x)?;
        Error::check_dim("direction", self.dim(), v.len())?;
        Error::check_dim("gradient buffer", self.dim(), grad.len())?;
        Error::check_dim("product buffer", self.dim(), hv.len())?;
        Ok(self.tape.hvp(x, v, ws, grad, hv))
    }

    /// Value, gradient and dense Hessian (row-major `n × n` slice) with reusable buffers.
    pub fn hessian_with(
        &self,
        x: &[f64],
        ws: &mut Workspace,
        grad: &mut [f64],
        hess: &mut [f64],
    ) -> Result<f64> {
        self.check_x(x)?;
        Error::check_dim("gradient buffer", self.dim(), grad.len())?;
        Error::check_dim("Hessian buffer", self.dim() * self.dim(), hess.len())?;
        Ok(self.tape.hessian(x, ws, grad, hess))
    }

    /// Value, gradient and the first `k` Hessian columns (column-major `n × k` into `out`): the
    /// block a model fit needs when the leading variables are parameters and the rest data.
    pub fn hessian_columns_with(
        &self,
        x: &[f64],
        k: usize,
        ws: &mut Workspace,
        grad: &mut [f64],
        out: &mut [f64],
    ) -> Result<f64> {
        self.check_x(x)?;
        if k > self.dim() {
            return Err(Error::invalid(
                "columns",
                format!("{k} > {} variables", self.dim()),
            ));
        }
        Error::check_dim("gradient buffer", self.dim(), grad.len())?;
        Error::check_dim("column buffer", self.dim() * k, out.len())?;
        Ok(self.tape.hessian_columns(x, k, ws, grad, out))
    }

    /// Value, gradient and Hessian, exact to rounding; an error when any entry is not finite, or
    /// when the dense n × n matrix is over [`crate::limits::Limit::DenseMatrix`].
    pub fn hessian(&self, x: &[f64]) -> Result<Derivatives> {
        let n = self.dim();
        crate::limits::check_dense(n, n, "Hessian")?;
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n * n];
        let f = self.hessian_with(x, &mut Workspace::default(), &mut g, &mut h)?;
        check_finite("value", &[f], x)?;
        check_finite("gradient", &g, x)?;
        check_finite("Hessian", &h, x)?;
        Ok(Derivatives {
            value: f,
            gradient: g,
            hessian: DMatrix::from_row_slice(n, n, &h),
        })
    }
}

impl fmt::Display for Formula {
    /// Writes the formula fully parenthesised; parsing the output gives the same function.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(&self.tape, &self.vars))
    }
}

/// Renders a tape as text in time linear in its size, without recursion: an explicit stack of
/// pieces still to write, each a literal or a slot to expand.
fn render(tape: &Tape, vars: &[String]) -> String {
    enum Piece {
        Text(String),
        Lit(&'static str),
        Slot(usize),
    }
    let mut out = String::new();
    let mut todo = vec![Piece::Slot(tape.ops.len() - 1)];
    while let Some(piece) = todo.pop() {
        let slot = match piece {
            Piece::Text(t) => {
                out.push_str(&t);
                continue;
            }
            Piece::Lit(t) => {
                out.push_str(t);
                continue;
            }
            Piece::Slot(s) => s,
        };
        // Pieces are pushed in reverse order of writing.
        match tape.ops[slot] {
            Op::Const(c) => out.push_str(&fmt_const(c)),
            Op::Var(k) => out.push_str(&vars[k]),
            Op::Unary(tape::Unary::Neg, a) => {
                todo.extend([Piece::Lit(")"), Piece::Slot(a)]);
                out.push_str("(-");
            }
            Op::Unary(u, a) => {
                todo.extend([Piece::Lit(")"), Piece::Slot(a)]);
                out.push_str(u.name());
                out.push('(');
            }
            Op::PowConst(a, c) => {
                todo.extend([Piece::Text(format!("^{})", fmt_const(c))), Piece::Slot(a)]);
                out.push('(');
            }
            Op::Binary(b @ (tape::Binary::Atan2 | tape::Binary::Min | tape::Binary::Max), l, r) => {
                todo.extend([
                    Piece::Lit(")"),
                    Piece::Slot(r),
                    Piece::Lit(", "),
                    Piece::Slot(l),
                ]);
                out.push_str(b.symbol());
                out.push('(');
            }
            Op::Binary(b, l, r) => {
                todo.extend([
                    Piece::Lit(")"),
                    Piece::Slot(r),
                    Piece::Text(format!(" {} ", b.symbol())),
                    Piece::Slot(l),
                ]);
                out.push('(');
            }
            Op::LogSumExp { start, len } => {
                todo.push(Piece::Lit(")"));
                for (k, &s) in tape.args[start..start + len].iter().enumerate().rev() {
                    todo.push(Piece::Slot(s));
                    if k > 0 {
                        todo.push(Piece::Lit(", "));
                    }
                }
                out.push_str("logsumexp(");
            }
        }
    }
    out
}

/// A constant as text that parses back to the same f64.
fn fmt_const(c: f64) -> String {
    if c.is_nan() {
        "(0/0)".to_string()
    } else if c.is_infinite() {
        format!("({}1/0)", if c < 0.0 { "-" } else { "" })
    } else if c.is_sign_negative() {
        format!("({c:?})")
    } else {
        format!("{c:?}")
    }
}

/// Several formulas over one shared variable list: a vector function with an exact Jacobian.
///
/// ```
/// use hessopt::FormulaSet;
/// let f = FormulaSet::parse("x*y; x + sin(y)")?;
/// let (values, jac) = f.jacobian(&[1.0, 2.0])?;
/// assert_eq!(values[0], 2.0);
/// assert_eq!(jac[(0, 1)], 1.0);
/// # Ok::<(), hessopt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaSet {
    tapes: Vec<Tape>,
    vars: Vec<String>,
}

impl FormulaSet {
    /// Parses formulas separated by `;`; variables are in natural order over all of them.
    pub fn parse(src: &str) -> Result<Self> {
        Self::parse_impl(src, None)
    }

    /// Parses formulas separated by `;` with a given variable order.
    pub fn parse_with_vars(src: &str, vars: &[&str]) -> Result<Self> {
        Self::parse_impl(src, Some(vars))
    }

    /// Parses formulas separated by `;` for a point of `n` entries, as
    /// [`Formula::parse_for_point`]: when they use `len(x)` for one vector x, x's length is `n`
    /// less the number of scalar variables.
    ///
    /// ```
    /// use hessopt::FormulaSet;
    /// let f = FormulaSet::parse_for_point("sum(i = 1..len(x), x[i]) - a; x[1] - len(x)", 4)?;
    /// assert_eq!(f.vars(), ["a", "x[1]", "x[2]", "x[3]"]);
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn parse_for_point(src: &str, n: usize) -> Result<Self> {
        let mut pieces = Vec::new();
        let mut base = 0;
        for piece in src.split(';') {
            pieces.push((piece, base));
            base += piece.len() + 1;
        }
        let f = match point_length(&pieces, n)? {
            None => return Self::parse(src),
            Some((v, length)) => Self::parse_full(src, None, &[(&v, length)])?,
        };
        Error::check_dim("point (the formulas' variables)", f.dim(), n)?;
        Ok(f)
    }

    fn parse_impl(src: &str, vars: Option<&[&str]>) -> Result<Self> {
        Self::parse_full(src, vars, &[])
    }

    fn parse_full(src: &str, vars: Option<&[&str]>, lengths: &[(&str, usize)]) -> Result<Self> {
        let mut table = ordered_table(vars, lengths, |t| Self::parse_pieces(src, t).map(drop))?;
        let mut tapes = Self::parse_pieces(src, &mut table)?;
        for t in &mut tapes {
            t.n_vars = table.names.len();
        }
        Ok(FormulaSet {
            tapes,
            vars: table.names,
        })
    }

    fn parse_pieces(src: &str, table: &mut VarTable) -> Result<Vec<Tape>> {
        let mut tapes = Vec::new();
        let mut base = 0;
        for piece in src.split(';') {
            if piece.trim().is_empty() && base + piece.len() == src.len() && !tapes.is_empty() {
                break; // a trailing ';'
            }
            tapes.push(parser::parse(piece, base, table)?);
            base += piece.len() + 1;
        }
        Ok(tapes)
    }

    /// The shared variables.
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// Number of variables.
    pub fn dim(&self) -> usize {
        self.vars.len()
    }

    /// Number of formulas (rows of the Jacobian).
    pub fn len(&self) -> usize {
        self.tapes.len()
    }

    /// True when there are no formulas (never the case for a parsed set).
    pub fn is_empty(&self) -> bool {
        self.tapes.is_empty()
    }

    /// The values of all formulas at `x`, an error when one is not finite.
    pub fn values(&self, x: &[f64]) -> Result<Vec<f64>> {
        Error::check_dim("point", self.dim(), x.len())?;
        let mut ws = Workspace::default();
        let v: Vec<f64> = self.tapes.iter().map(|t| t.value(x, &mut ws)).collect();
        check_finite("value", &v, x)?;
        Ok(v)
    }

    /// The values into `out`, all NaN when they cannot be computed (wrong length, a non-finite
    /// value): the form solvers want, which back off from NaN instead of stopping.
    pub fn values_into(&self, x: &[f64], out: &mut [f64]) {
        match self.values(x) {
            Ok(v) if v.len() == out.len() => out.copy_from_slice(&v),
            _ => out.fill(f64::NAN),
        }
    }

    /// The Jacobian into `j`, all NaN when it cannot be computed (see [`FormulaSet::values_into`]).
    pub fn jacobian_into(&self, x: &[f64], j: &mut DMatrix<f64>) {
        match self.jacobian(x) {
            Ok((_, jac)) if jac.shape() == j.shape() => j.copy_from(&jac),
            _ => j.fill(f64::NAN),
        }
    }

    /// Σᵢ wᵢ∇²fᵢ(x) into the n × n matrix `h` (exact; all NaN when it cannot be computed): the
    /// curvature term of the Hessian of ½‖F‖² when w = F(x).
    pub fn weighted_hessian_into(&self, x: &[f64], w: &[f64], h: &mut DMatrix<f64>) {
        let n = self.dim();
        if x.len() != n || w.len() != self.len() || h.shape() != (n, n) {
            h.fill(f64::NAN);
            return;
        }
        let mut ws = Workspace::default();
        let (mut g, mut hi) = (vec![0.0; n], vec![0.0; n * n]);
        h.fill(0.0);
        for (t, wi) in self.tapes.iter().zip(w) {
            t.hessian(x, &mut ws, &mut g, &mut hi);
            for (k, v) in hi.iter().enumerate() {
                h[(k / n, k % n)] += wi * v;
            }
        }
    }

    /// Values and the exact `m × n` Jacobian (one reverse sweep per formula).
    pub fn jacobian(&self, x: &[f64]) -> Result<(Vec<f64>, DMatrix<f64>)> {
        let n = self.dim();
        Error::check_dim("point", n, x.len())?;
        let mut ws = Workspace::default();
        let mut jac = DMatrix::zeros(self.len(), n);
        let mut g = vec![0.0; n];
        let mut values = Vec::with_capacity(self.len());
        for (i, t) in self.tapes.iter().enumerate() {
            values.push(t.gradient(x, &mut ws, &mut g));
            for (j, gj) in g.iter().enumerate() {
                jac[(i, j)] = *gj;
            }
        }
        check_finite("value", &values, x)?;
        check_finite("Jacobian", jac.as_slice(), x)?;
        Ok((values, jac))
    }
}

#[cfg(test)]
mod tests;
