//! Reading the user's text files (formulas, CSV tables): a size cap from [`crate::limits`],
//! binary data refused at the first NUL byte, a UTF-8 byte-order mark skipped, and LF, CRLF or
//! CR-only line endings all read as lines.

use std::io::Read;

use crate::error::{Error, Result};
use crate::limits::{self, Limit, bytes_text};

/// Reads the text file `path` (`what` names it in errors, e.g. "formula file"), at most `limit`
/// bytes, with line endings normalized to `\n` and a leading byte-order mark removed.
pub fn read_text(path: &str, limit: Limit, what: &str) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    read_limited(file, path, limit, what)
}

/// [`read_text`] from any reader; `path` names the source in errors ("standard input").
pub fn read_limited(mut file: impl Read, path: &str, limit: Limit, what: &str) -> Result<String> {
    let io = |e: std::io::Error| Error::Io {
        path: path.to_string(),
        message: e.to_string(),
    };
    let max = limits::get(limit);
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let k = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        if let Some(i) = chunk[..k].iter().position(|&b| b == 0) {
            return Err(Error::Io {
                path: path.to_string(),
                message: format!(
                    "binary data (a NUL byte at byte {}), not a text file",
                    bytes.len() + i
                ),
            });
        }
        if (bytes.len() + k) as u64 > max {
            return Err(limits::exceeded(
                limit,
                format!("{what} {path}"),
                format!("more than {}", bytes_text(max as f64)),
            ));
        }
        bytes.extend_from_slice(&chunk[..k]);
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::Io {
        path: path.to_string(),
        message: format!(
            "not UTF-8 text (invalid byte at byte {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    Ok(normalize(&text))
}

/// The lines of a data table that hold data, each with its index in the text (from 0): blank
/// lines and lines starting with `#` (comments, skipped as numpy's `loadtxt` and R's `read.table`
/// skip them) left out. CSV data tables and `lstsq`'s matrix files both read through it.
pub fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// The text without a leading byte-order mark and with CRLF and CR line endings as `\n`.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_byte_order_mark() {
        assert_eq!(normalize("\u{feff}x,y\r1,2\r\n3,4\n"), "x,y\n1,2\n3,4\n");
        assert_eq!(normalize("a\u{feff}"), "a\u{feff}");
    }

    #[test]
    fn binary_and_missing_files() {
        let e = read_text("/dev/zero", Limit::FormulaFile, "formula file").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read /dev/zero: binary data (a NUL byte at byte 0), not a text file"
        );
        let e = read_text("/no/such/file", Limit::FormulaFile, "formula file").unwrap_err();
        assert!(e.to_string().starts_with("cannot read /no/such/file: "));
    }
}
