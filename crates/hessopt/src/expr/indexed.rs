//! Indexed sums over vector variables, expanded on the tokens before parsing.
//!
//! - `sum(i = a..b, body)` is the sum of `body` for the integers i = a, …, b (0 when b < a);
//!   sums nest (at most 8 deep).
//! - `x[e]` is the variable named `x[k]`, k the value of the integer expression e; indices start
//!   at 1. Such names are ordinary variables: `x[1]`, `x[2]`, … in natural order in `vars()`.
//! - `len(x)` is the length of the vector x when it is known (`Formula::parse_with_lengths`, or
//!   `Formula::parse_for_point`, which takes it from the point).
//!
//! Bounds and indices are integer expressions of integers, the indices of enclosing sums and
//! `len(·)`, with `+ - *`, exact `/` and parentheses. The expansion is linear in its output, which
//! is capped at 10⁸ tokens, so a formula with 10⁵ variables compiles in well under a second.

use std::collections::HashMap;

use super::lexer::Token;
use crate::error::{Error, Result};

/// Sums nest at most this deep.
const MAX_DEPTH: usize = 8;

/// Largest expansion, in tokens (about 35 bytes each while the tape is built: ~1 GB). Chained
/// Rosenbrock at n = 10⁶ takes 2.5e7.
const MAX_TOKENS: usize = 30_000_000;

type Tokens = Vec<(Token, usize)>;

/// A plain name (`x`, `b_1`) or an entry of a vector (`x[3]`, index ≥ 1).
pub(crate) fn is_variable_name(v: &str) -> bool {
    let (base, index) = match v.strip_suffix(']').and_then(|s| s.split_once('[')) {
        Some((b, i)) => (b, Some(i)),
        None => (v, None),
    };
    let plain = base
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain
        && index.is_none_or(|i| {
            !i.is_empty() && !i.starts_with('0') && i.chars().all(|c| c.is_ascii_digit())
        })
}

/// The names given to `len(·)` in the text, in order of appearance, without repeats.
pub(crate) fn len_vectors(tokens: &[(Token, usize)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in tokens.windows(4) {
        if let [
            (Token::Ident(f), _),
            (Token::LParen, _),
            (Token::Ident(v), _),
            (Token::RParen, _),
        ] = w
        {
            if f == "len" && !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// The plain names that are neither functions (followed by `(`), vectors (followed by `[`), nor
/// sum indices, nor arguments of `len(·)`: the candidate scalar variables.
pub(crate) fn plain_names(tokens: &[(Token, usize)]) -> Vec<String> {
    let mut indices: Vec<&str> = Vec::new();
    for w in tokens.windows(4) {
        if let [
            (Token::Ident(s), _),
            (Token::LParen, _),
            (Token::Ident(i), _),
            (Token::Equals, _),
        ] = w
        {
            if s == "sum" {
                indices.push(i);
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (k, (t, _)) in tokens.iter().enumerate() {
        let Token::Ident(name) = t else { continue };
        let next = tokens.get(k + 1).map(|(t, _)| t);
        let after_len = k >= 2
            && matches!(&tokens[k - 2].0, Token::Ident(f) if f == "len")
            && tokens[k - 1].0 == Token::LParen;
        if matches!(next, Some(Token::LParen | Token::LBracket))
            || after_len
            || indices.contains(&name.as_str())
            || out.contains(name)
        {
            continue;
        }
        out.push(name.clone());
    }
    out
}

/// Expands the sums, indices and lengths of `tokens`; text without them is returned unchanged.
pub(crate) fn expand(tokens: Tokens, lengths: &HashMap<String, usize>) -> Result<Tokens> {
    let indexed = tokens.iter().any(|(t, _)| match t {
        Token::LBracket | Token::RBracket | Token::Equals | Token::DotDot => true,
        Token::Ident(n) => n == "sum" || n == "len",
        _ => false,
    });
    if !indexed {
        return Ok(tokens);
    }
    let mut ex = Expander {
        tokens: &tokens,
        lengths,
        out: Vec::with_capacity(tokens.len()),
        env: Vec::new(),
    };
    ex.range(0, tokens.len(), 0)?;
    Ok(ex.out)
}

struct Expander<'a> {
    tokens: &'a [(Token, usize)],
    lengths: &'a HashMap<String, usize>,
    out: Tokens,
    /// Values of the indices of the enclosing sums.
    env: Vec<(String, i64)>,
}

fn parse_error(position: usize, message: impl Into<String>) -> Error {
    Error::Parse {
        position,
        message: message.into(),
    }
}

impl Expander<'_> {
    fn ident(&self, k: usize) -> Option<&str> {
        match self.tokens.get(k) {
            Some((Token::Ident(n), _)) => Some(n),
            _ => None,
        }
    }

    fn is(&self, k: usize, t: &Token) -> bool {
        self.tokens.get(k).is_some_and(|(u, _)| u == t)
    }

    fn position(&self, k: usize) -> usize {
        self.tokens
            .get(k)
            .or(self.tokens.last())
            .map_or(0, |(_, p)| *p)
    }

    /// Index of the token closing the bracket opened at `open` (`(`…`)` or `[`…`]`), within `end`.
    fn closing(&self, open: usize, end: usize) -> Result<usize> {
        let (o, c) = match self.tokens[open].0 {
            Token::LBracket => (Token::LBracket, Token::RBracket),
            _ => (Token::LParen, Token::RParen),
        };
        let mut depth = 0usize;
        for k in open..end {
            if self.tokens[k].0 == o {
                depth += 1;
            } else if self.tokens[k].0 == c {
                depth -= 1;
                if depth == 0 {
                    return Ok(k);
                }
            }
        }
        Err(parse_error(
            self.position(open),
            format!("{} is never closed", o.describe()),
        ))
    }

    /// First index in `from..end` of `target` outside any parentheses.
    fn top_level(&self, target: &Token, from: usize, end: usize) -> Option<usize> {
        let mut depth = 0i64;
        for k in from..end {
            match &self.tokens[k].0 {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                t if depth == 0 && t == target => return Some(k),
                _ => {}
            }
        }
        None
    }

    fn length(&self, name: &str, position: usize) -> Result<usize> {
        self.lengths.get(name).copied().ok_or_else(|| {
            parse_error(
                position,
                format!("len({name}) needs the length of {name}: give the point (or the lengths)"),
            )
        })
    }

    fn push(&mut self, t: Token, position: usize) -> Result<()> {
        if self.out.len() >= MAX_TOKENS {
            return Err(parse_error(
                position,
                format!("the indexed sums expand to more than {MAX_TOKENS} tokens"),
            ));
        }
        self.out.push((t, position));
        Ok(())
    }

    /// Copies `tokens[start..end]` to the output, expanding sums, indices and lengths.
    fn range(&mut self, start: usize, end: usize, depth: usize) -> Result<()> {
        let mut k = start;
        while k < end {
            let position = self.position(k);
            match self.ident(k) {
                Some("sum") if self.is(k + 1, &Token::LParen) => {
                    k = self.sum(k, end, depth)?;
                    continue;
                }
                Some("len") if self.is(k + 1, &Token::LParen) => {
                    let n = self.len_call(k)?;
                    self.push(Token::Number(n as f64), position)?;
                    k += 4;
                    continue;
                }
                Some(name) if self.is(k + 1, &Token::LBracket) => {
                    let name = name.to_string();
                    let close = self.closing(k + 1, end)?;
                    let i = self.integer(k + 2, close)?;
                    let max = self.lengths.get(&name).copied();
                    if i < 1 || max.is_some_and(|m| i as u64 > m as u64) {
                        let range = max.map_or("1 or more".to_string(), |m| format!("1..{m}"));
                        return Err(parse_error(
                            position,
                            format!("index {i} of {name} is outside {range}"),
                        ));
                    }
                    self.push(Token::Ident(format!("{name}[{i}]")), position)?;
                    k = close + 1;
                    continue;
                }
                Some(name) => {
                    if let Some(&(_, v)) = self.env.iter().rev().find(|(n, _)| n == name) {
                        self.push(Token::Number(v as f64), position)?;
                        k += 1;
                        continue;
                    }
                }
                None => {}
            }
            let t = self.tokens[k].0.clone();
            if matches!(
                t,
                Token::LBracket | Token::RBracket | Token::Equals | Token::DotDot
            ) {
                return Err(parse_error(
                    position,
                    format!(
                        "unexpected {}: indices are written x[i], sums sum(i = 1..n, …)",
                        t.describe()
                    ),
                ));
            }
            self.push(t, position)?;
            k += 1;
        }
        Ok(())
    }

    /// `len(v)` at token k: the length of v.
    fn len_call(&self, k: usize) -> Result<usize> {
        match (self.ident(k + 2), self.is(k + 3, &Token::RParen)) {
            (Some(v), true) => self.length(v, self.position(k)),
            _ => Err(parse_error(
                self.position(k),
                "len takes one vector name: len(x)",
            )),
        }
    }

    /// Expands the sum starting at token k (the name `sum`); returns the index after it.
    fn sum(&mut self, k: usize, end: usize, depth: usize) -> Result<usize> {
        let position = self.position(k);
        let form = "a sum is written sum(i = a..b, expression)";
        if depth >= MAX_DEPTH {
            return Err(parse_error(
                position,
                format!("sums nested more than {MAX_DEPTH} deep"),
            ));
        }
        let close = self.closing(k + 1, end)?;
        let index = match (self.ident(k + 2), self.is(k + 3, &Token::Equals)) {
            (Some(i), true) => i.to_string(),
            _ => return Err(parse_error(position, form)),
        };
        let dots = self
            .top_level(&Token::DotDot, k + 4, close)
            .ok_or_else(|| parse_error(position, form))?;
        let comma = self
            .top_level(&Token::Comma, dots + 1, close)
            .ok_or_else(|| parse_error(position, form))?;
        let (lo, hi) = (self.integer(k + 4, dots)?, self.integer(dots + 1, comma)?);
        let body = (comma + 1, close);
        if body.0 == body.1 {
            return Err(parse_error(position, form));
        }
        let terms = (hi - lo + 1).max(0) as u128;
        let too_large = |per_term: usize, out: usize| {
            (terms * (per_term + 3) as u128 + out as u128 > MAX_TOKENS as u128).then(|| {
                parse_error(
                    position,
                    format!("the sum over {index} expands to more than {MAX_TOKENS} tokens"),
                )
            })
        };
        if let Some(e) = too_large(body.1 - body.0, self.out.len()) {
            return Err(e);
        }
        self.push(Token::LParen, position)?;
        if terms == 0 {
            self.push(Token::Number(0.0), position)?;
        }
        for i in lo..=hi {
            if i > lo {
                self.push(Token::Plus, position)?;
            }
            self.push(Token::LParen, position)?;
            let before = self.out.len();
            self.env.push((index.clone(), i));
            self.range(body.0, body.1, depth + 1)?;
            self.env.pop();
            // A nested sum makes a term longer than its source: once the first term is expanded,
            // refuse a blow-up (sum inside sum over thousands of terms) before building it.
            if i == lo
                && let Some(e) = too_large(self.out.len() - before, before)
            {
                return Err(e);
            }
            self.push(Token::RParen, position)?;
        }
        self.push(Token::RParen, position)?;
        Ok(close + 1)
    }

    /// Value of the integer expression `tokens[start..end]` (shunting-yard, no recursion).
    fn integer(&self, start: usize, end: usize) -> Result<i64> {
        let position = self.position(start);
        let bad = |message: String| parse_error(position, message);
        if start >= end {
            return Err(bad("expected an integer expression".into()));
        }
        // Operators: '+', '-', '*', '/', 'n' (negation), '(' on the stack.
        let mut values: Vec<i64> = Vec::new();
        let mut ops: Vec<char> = Vec::new();
        let prec = |c: char| match c {
            '+' | '-' => 1,
            '*' | '/' => 2,
            'n' => 3,
            _ => 0,
        };
        let apply = |values: &mut Vec<i64>, op: char| -> Result<()> {
            let overflow = || bad("integer overflow in an index expression".into());
            if op == 'n' {
                let a = values.pop().ok_or_else(|| bad("missing operand".into()))?;
                values.push(a.checked_neg().ok_or_else(overflow)?);
                return Ok(());
            }
            let (b, a) = match (values.pop(), values.pop()) {
                (Some(b), Some(a)) => (b, a),
                _ => return Err(bad("missing operand".into())),
            };
            let v = match op {
                '+' => a.checked_add(b),
                '-' => a.checked_sub(b),
                '*' => a.checked_mul(b),
                _ if b == 0 || a % b != 0 => {
                    return Err(bad(format!("{a}/{b} is not an integer")));
                }
                _ => a.checked_div(b),
            };
            values.push(v.ok_or_else(overflow)?);
            Ok(())
        };
        let mut expect_operand = true;
        let mut k = start;
        while k < end {
            let t = &self.tokens[k].0;
            if expect_operand {
                match t {
                    Token::Number(v) => {
                        if v.fract() != 0.0 || v.abs() > 9.0e15 {
                            return Err(bad(format!("{v} is not an integer")));
                        }
                        values.push(*v as i64);
                        expect_operand = false;
                    }
                    Token::Ident(n) if n == "len" && self.is(k + 1, &Token::LParen) => {
                        values.push(self.len_call(k)? as i64);
                        k += 3;
                        expect_operand = false;
                    }
                    Token::Ident(n) => {
                        let v = self.env.iter().rev().find(|(m, _)| m == n).ok_or_else(|| {
                            bad(format!(
                                "'{n}' in an index or bound is not the index of an enclosing sum"
                            ))
                        })?;
                        values.push(v.1);
                        expect_operand = false;
                    }
                    Token::Minus => ops.push('n'),
                    Token::Plus => {}
                    Token::LParen => ops.push('('),
                    other => {
                        return Err(bad(format!(
                            "{} in an integer expression",
                            other.describe()
                        )));
                    }
                }
            } else {
                match t {
                    Token::Plus | Token::Minus | Token::Star | Token::Slash => {
                        let c = match t {
                            Token::Plus => '+',
                            Token::Minus => '-',
                            Token::Star => '*',
                            _ => '/',
                        };
                        while let Some(&top) = ops.last() {
                            if top == '(' || prec(top) < prec(c) {
                                break;
                            }
                            ops.pop();
                            apply(&mut values, top)?;
                        }
                        ops.push(c);
                        expect_operand = true;
                    }
                    Token::RParen => loop {
                        match ops.pop() {
                            Some('(') => break,
                            Some(op) => apply(&mut values, op)?,
                            None => return Err(bad("unmatched ')'".into())),
                        }
                    },
                    other => {
                        return Err(bad(format!(
                            "{} in an integer expression",
                            other.describe()
                        )));
                    }
                }
            }
            k += 1;
        }
        if expect_operand {
            return Err(bad("incomplete integer expression".into()));
        }
        while let Some(op) = ops.pop() {
            if op == '(' {
                return Err(bad("'(' is never closed".into()));
            }
            apply(&mut values, op)?;
        }
        match values.as_slice() {
            [v] => Ok(*v),
            _ => Err(bad("malformed integer expression".into())),
        }
    }
}
