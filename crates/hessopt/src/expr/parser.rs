//! Operator-precedence parser (shunting-yard with explicit stacks, so no input can overflow the
//! call stack) that emits tape instructions directly, folding constant sub-expressions.
//!
//! Precedence, lowest first: `+ -` (left), `* /` (left), unary `-` `+`, `^` (right). So `-x^2` is
//! `-(x^2)`, `2^3^2` is `2^9`, `2^-1` is `0.5` and `b1*-2.0` is `b1*(-2.0)`.

use super::indexed::expand;
use super::lexer::{Token, tokenize};
use super::tape::{Binary, Op, Tape, Unary, logsumexp, pow_const};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// The variable table shared by the formulas of one system.
#[derive(Debug, Clone)]
pub(crate) struct VarTable {
    pub(crate) names: Vec<String>,
    /// When true the list is fixed (given by the user) and unknown names are errors.
    pub(crate) fixed: bool,
    /// Position of each name: formulas with 10⁵ variables look names up in O(1).
    lookup: HashMap<String, usize>,
    /// Lengths of vector variables known from the point, for `len(x)` in indexed sums.
    pub(crate) lengths: HashMap<String, usize>,
}

impl VarTable {
    pub(crate) fn new(names: Vec<String>, fixed: bool) -> Self {
        let lookup = names
            .iter()
            .enumerate()
            .map(|(k, n)| (n.clone(), k))
            .collect();
        VarTable {
            names,
            fixed,
            lookup,
            lengths: HashMap::new(),
        }
    }

    pub(crate) fn index(&mut self, name: &str, position: usize) -> Result<usize> {
        if let Some(&k) = self.lookup.get(name) {
            return Ok(k);
        }
        if self.fixed {
            return Err(Error::UnknownVariable {
                name: name.to_string(),
                position,
                vars: listed(&self.names),
            });
        }
        self.names.push(name.to_string());
        self.lookup.insert(name.to_string(), self.names.len() - 1);
        Ok(self.names.len() - 1)
    }
}

/// Variables named in an error before the list is cut short.
const LISTED: usize = 8;

/// The variable list for an error message: all of a short list, else the first `LISTED` and
/// "… and N more" (at n = 1e5 the whole list is a line of a megabyte).
fn listed(names: &[String]) -> String {
    match names.len().checked_sub(LISTED) {
        Some(more) if more > 0 => format!("{}, … and {more} more", names[..LISTED].join(",")),
        _ => names.join(","),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    Binary(Binary),
    Neg,
    /// An opening parenthesis; `call` is set for a function call and counts its arguments.
    Open {
        position: usize,
        call: Option<Call>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Call {
    Unary(Unary),
    LogSumExp {
        args: usize,
    },
    /// A function of exactly two arguments; `second` once the ',' was seen.
    Binary {
        op: Binary,
        second: bool,
    },
}

fn precedence(b: Binary) -> u8 {
    match b {
        Binary::Add | Binary::Sub => 1,
        Binary::Mul | Binary::Div => 2,
        Binary::Pow => 4,
        Binary::Atan2 | Binary::Min | Binary::Max => 0,
    }
}
const NEG_PRECEDENCE: u8 = 3;

/// `pi` used where a variable is also named `pi`: never silently one or the other.
pub(crate) const PI_DECLARED: &str = "'pi' is both the constant π and a declared variable: rename the variable (or write 3.141592653589793 for π)";

/// Builds the tape: a stack of operand slots, constant folding, one slot per variable.
struct Builder<'v> {
    ops: Vec<Op>,
    args: Vec<usize>,
    operands: Vec<usize>,
    var_slots: Vec<Option<usize>>,
    vars: &'v mut VarTable,
}

impl Builder<'_> {
    fn constant_of(&self, slot: usize) -> Option<f64> {
        match self.ops[slot] {
            Op::Const(c) => Some(c),
            _ => None,
        }
    }

    /// Pushes `op`, or its value when all operands are constants (their slots are the last ones).
    fn push(&mut self, op: Op, operand_slots: &[usize]) {
        let all_const = operand_slots.iter().all(|&s| self.constant_of(s).is_some());
        let slot = if all_const && !operand_slots.is_empty() {
            let c = |s: usize| self.constant_of(s).unwrap_or(f64::NAN);
            let v = match op {
                Op::Unary(u, a) => u.value(c(a)),
                Op::PowConst(a, e) => pow_const(c(a), e),
                Op::Binary(bin, l, r) => bin.value(c(l), c(r)),
                Op::LogSumExp { start, len } => {
                    logsumexp(self.args[start..start + len].iter().map(|&s| c(s)), None)
                }
                Op::Const(v) => v,
                Op::Var(_) => f64::NAN,
            };
            // Constant operands are always the most recently pushed slots: drop them.
            let first = operand_slots
                .iter()
                .copied()
                .min()
                .unwrap_or(self.ops.len());
            self.ops.truncate(first);
            if let Op::LogSumExp { start, .. } = op {
                self.args.truncate(start);
            }
            self.ops.push(Op::Const(v));
            self.ops.len() - 1
        } else {
            self.ops.push(op);
            self.ops.len() - 1
        };
        self.operands.push(slot);
    }

    fn pop_operand(&mut self, position: usize) -> Result<usize> {
        self.operands.pop().ok_or_else(|| Error::Parse {
            position,
            message: "missing operand".into(),
        })
    }

    fn apply(&mut self, p: Pending, position: usize) -> Result<()> {
        match p {
            Pending::Neg => {
                let a = self.pop_operand(position)?;
                self.push(Op::Unary(Unary::Neg, a), &[a]);
            }
            Pending::Binary(b) => self.binary(b, position)?,
            Pending::Open { .. } => unreachable!("parentheses are resolved by the parser"),
        }
        Ok(())
    }

    /// Applies a binary operation to the top two operands (a power with a constant exponent
    /// becomes `PowConst`).
    fn binary(&mut self, b: Binary, position: usize) -> Result<()> {
        let r = self.pop_operand(position)?;
        let l = self.pop_operand(position)?;
        match (b, self.constant_of(r)) {
            (Binary::Pow, Some(c)) if self.constant_of(l).is_none() => {
                self.ops.truncate(r);
                self.push(Op::PowConst(l, c), &[l]);
            }
            _ => self.push(Op::Binary(b, l, r), &[l, r]),
        }
        Ok(())
    }

    fn variable(&mut self, name: &str, position: usize) -> Result<()> {
        let k = self.vars.index(name, position)?;
        if self.var_slots.len() <= k {
            self.var_slots.resize(k + 1, None);
        }
        let slot = match self.var_slots[k] {
            Some(s) => s,
            None => {
                self.ops.push(Op::Var(k));
                let s = self.ops.len() - 1;
                self.var_slots[k] = Some(s);
                s
            }
        };
        self.operands.push(slot);
        Ok(())
    }
}

fn known_function(name: &str) -> bool {
    name == "logsumexp"
        || Unary::NAMED.iter().any(|(n, _)| *n == name)
        || Binary::NAMED.iter().any(|(n, _)| *n == name)
}

/// The function names of the language, for the unknown-function error.
fn known_functions() -> String {
    let mut names: Vec<&str> = Unary::NAMED.iter().map(|(n, _)| *n).collect();
    names.extend(Binary::NAMED.iter().map(|(n, _)| *n));
    names.push("logsumexp");
    names.join(", ")
}

/// Parses `src` (whose text starts at byte `base` of the user's input) into a tape.
pub(crate) fn parse(src: &str, base: usize, vars: &mut VarTable) -> Result<Tape> {
    let tokens = expand(tokenize(src, base)?, &vars.lengths)?;
    let end = base + src.len();
    if tokens.is_empty() {
        return Err(Error::Parse {
            position: end,
            message: "empty formula, expected an expression".into(),
        });
    }
    let mut b = Builder {
        ops: Vec::new(),
        args: Vec::new(),
        operands: Vec::new(),
        var_slots: Vec::new(),
        vars,
    };
    let mut stack: Vec<Pending> = Vec::new();
    let mut expect_operand = true;
    let mut i = 0;
    while i < tokens.len() {
        let (tok, pos) = (&tokens[i], tokens[i].1);
        let tok = &tok.0;
        if expect_operand {
            match tok {
                Token::Number(v) => {
                    b.push(Op::Const(*v), &[]);
                    expect_operand = false;
                }
                Token::Ident(name) => {
                    let is_call = matches!(tokens.get(i + 1), Some((Token::LParen, _)));
                    if is_call {
                        let call = if name == "logsumexp" {
                            Call::LogSumExp { args: 0 }
                        } else if let Some((_, op)) = Binary::NAMED.iter().find(|(n, _)| n == name)
                        {
                            Call::Binary {
                                op: *op,
                                second: false,
                            }
                        } else if let Some((_, u)) = Unary::NAMED.iter().find(|(n, _)| n == name) {
                            Call::Unary(*u)
                        } else {
                            return Err(Error::UnknownFunction {
                                name: name.clone(),
                                position: pos,
                                known: known_functions(),
                            });
                        };
                        stack.push(Pending::Open {
                            position: tokens[i + 1].1,
                            call: Some(call),
                        });
                        i += 1; // the '(' is consumed with the name
                    } else if name == "pi" {
                        if b.vars.names.iter().any(|v| v == "pi") {
                            return Err(Error::Parse {
                                position: pos,
                                message: PI_DECLARED.into(),
                            });
                        }
                        b.push(Op::Const(std::f64::consts::PI), &[]);
                        expect_operand = false;
                    } else if known_function(name) {
                        return Err(Error::Parse {
                            position: pos,
                            message: format!("function '{name}' must be followed by '('"),
                        });
                    } else {
                        b.variable(name, pos)?;
                        expect_operand = false;
                    }
                }
                Token::Minus => stack.push(Pending::Neg),
                Token::Plus => {}
                Token::LParen => stack.push(Pending::Open {
                    position: pos,
                    call: None,
                }),
                other => {
                    return Err(Error::Parse {
                        position: pos,
                        message: format!(
                            "expected a number, name or '(' but found {}",
                            other.describe()
                        ),
                    });
                }
            }
        } else {
            match tok {
                Token::Plus | Token::Minus | Token::Star | Token::Slash | Token::Caret => {
                    let op = match tok {
                        Token::Plus => Binary::Add,
                        Token::Minus => Binary::Sub,
                        Token::Star => Binary::Mul,
                        Token::Slash => Binary::Div,
                        _ => Binary::Pow,
                    };
                    let p = precedence(op);
                    while let Some(&top) = stack.last() {
                        let top_p = match top {
                            Pending::Binary(t) => precedence(t),
                            Pending::Neg => NEG_PRECEDENCE,
                            Pending::Open { .. } => break,
                        };
                        let pops = if op == Binary::Pow {
                            top_p > p
                        } else {
                            top_p >= p
                        };
                        if !pops {
                            break;
                        }
                        stack.pop();
                        b.apply(top, pos)?;
                    }
                    stack.push(Pending::Binary(op));
                    expect_operand = true;
                }
                Token::Comma | Token::RParen => {
                    // Resolve everything down to the nearest open parenthesis.
                    let open = loop {
                        match stack.pop() {
                            Some(Pending::Open { position, call }) => break (position, call),
                            Some(p) => b.apply(p, pos)?,
                            None => {
                                return Err(Error::Parse {
                                    position: pos,
                                    message: format!("unmatched {}", tok.describe()),
                                });
                            }
                        }
                    };
                    let (open_pos, call) = open;
                    if *tok == Token::Comma {
                        match call {
                            Some(Call::LogSumExp { args }) => {
                                stack.push(Pending::Open {
                                    position: open_pos,
                                    call: Some(Call::LogSumExp { args: args + 1 }),
                                });
                                expect_operand = true;
                            }
                            Some(Call::Binary { op, second: false }) => {
                                stack.push(Pending::Open {
                                    position: open_pos,
                                    call: Some(Call::Binary { op, second: true }),
                                });
                                expect_operand = true;
                            }
                            _ => {
                                return Err(Error::Parse {
                                    position: pos,
                                    message:
                                        "',' outside of a function call taking several arguments"
                                            .into(),
                                });
                            }
                        }
                    } else {
                        match call {
                            None => {}
                            Some(Call::Unary(u)) => {
                                let a = b.pop_operand(pos)?;
                                b.push(Op::Unary(u, a), &[a]);
                            }
                            Some(Call::Binary { op, second }) => {
                                if !second {
                                    let name = Binary::NAMED
                                        .iter()
                                        .find(|(_, o)| *o == op)
                                        .map_or("-", |(n, _)| n);
                                    return Err(Error::Parse {
                                        position: pos,
                                        message: format!("{name} takes two arguments"),
                                    });
                                }
                                b.binary(op, pos)?;
                            }
                            Some(Call::LogSumExp { args }) => {
                                let n = args + 1;
                                if b.operands.len() < n {
                                    return Err(Error::Parse {
                                        position: pos,
                                        message: "missing operand".into(),
                                    });
                                }
                                let slots = b.operands.split_off(b.operands.len() - n);
                                let start = b.args.len();
                                b.args.extend_from_slice(&slots);
                                b.push(Op::LogSumExp { start, len: n }, &slots);
                            }
                        }
                    }
                }
                other => {
                    return Err(Error::Parse {
                        position: pos,
                        message: format!(
                            "expected an operator or ')' but found {}",
                            other.describe()
                        ),
                    });
                }
            }
        }
        i += 1;
    }
    if expect_operand {
        return Err(Error::Parse {
            position: end,
            message: "unexpected end of formula, expected an operand".into(),
        });
    }
    while let Some(p) = stack.pop() {
        if let Pending::Open { position, .. } = p {
            return Err(Error::Parse {
                position,
                message: "'(' is never closed".into(),
            });
        }
        b.apply(p, end)?;
    }
    let n_vars = b.vars.names.len();
    let mut ops = b.ops;
    let result = match (b.operands.pop(), b.operands.is_empty()) {
        (Some(r), true) => r,
        _ => {
            return Err(Error::Parse {
                position: end,
                message: "incomplete expression".into(),
            });
        }
    };
    if result + 1 != ops.len() {
        // The result is an earlier slot: copy it to the end with an exact identity.
        ops.push(Op::PowConst(result, 1.0));
    }
    Ok(Tape {
        ops,
        args: b.args,
        n_vars,
    })
}
