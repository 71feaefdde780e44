//! Tokens of the formula language, each with its byte position.

use crate::error::{Error, Result};

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    Number(f64),
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    /// `[`, `]`, `=` and `..` of indexed sums `sum(i = 1..n, x[i])` (see `indexed`).
    LBracket,
    RBracket,
    Equals,
    DotDot,
}

impl Token {
    pub(crate) fn describe(&self) -> String {
        match self {
            Token::Number(v) => format!("number {v}"),
            Token::Ident(name) => format!("name '{name}'"),
            Token::Plus => "'+'".into(),
            Token::Minus => "'-'".into(),
            Token::Star => "'*'".into(),
            Token::Slash => "'/'".into(),
            Token::Caret => "'^'".into(),
            Token::LParen => "'('".into(),
            Token::RParen => "')'".into(),
            Token::Comma => "','".into(),
            Token::LBracket => "'['".into(),
            Token::RBracket => "']'".into(),
            Token::Equals => "'='".into(),
            Token::DotDot => "'..'".into(),
        }
    }
}

/// Splits `src` into tokens with their byte offsets (offsets are relative to `base`).
pub(crate) fn tokenize(src: &str, base: usize) -> Result<Vec<(Token, usize)>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let pos = base + i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'+' => out.push((Token::Plus, pos)),
            b'-' => out.push((Token::Minus, pos)),
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                // `**` is accepted as a synonym of `^` (Python / Fortran habit).
                out.push((Token::Caret, pos));
                i += 1;
            }
            b'*' => out.push((Token::Star, pos)),
            b'/' => out.push((Token::Slash, pos)),
            b'^' => out.push((Token::Caret, pos)),
            b'(' => out.push((Token::LParen, pos)),
            b')' => out.push((Token::RParen, pos)),
            b',' => out.push((Token::Comma, pos)),
            b'[' => out.push((Token::LBracket, pos)),
            b']' => out.push((Token::RBracket, pos)),
            b'=' => out.push((Token::Equals, pos)),
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                out.push((Token::DotDot, pos));
                i += 1;
            }
            b'0'..=b'9' | b'.' => {
                let start = i;
                // A number ends before `..` (the range `1..n`).
                while i < bytes.len()
                    && (bytes[i].is_ascii_digit()
                        || (bytes[i] == b'.' && bytes.get(i + 1) != Some(&b'.')))
                {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                    let mut j = i + 1;
                    if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j].is_ascii_digit() {
                        while j < bytes.len() && bytes[j].is_ascii_digit() {
                            j += 1;
                        }
                        i = j;
                    }
                }
                let text = &src[start..i];
                let value: f64 = text.parse().map_err(|_| Error::Parse {
                    position: pos,
                    message: format!("malformed number '{text}'"),
                })?;
                if value.is_infinite() {
                    return Err(Error::Parse {
                        position: pos,
                        message: format!("the number '{text}' overflows (f64 ends at 1.8e308)"),
                    });
                }
                out.push((Token::Number(value), pos));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push((Token::Ident(src[start..i].to_string()), pos));
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(Error::Parse {
                    position: pos,
                    message: format!("unexpected character '{ch}'"),
                });
            }
        }
        i += 1;
    }
    Ok(out)
}
