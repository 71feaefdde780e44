//! Reading data tables: CSV with a header row, numeric cells, clear errors.

use crate::error::{Error, Result};
use crate::limits::Limit;

/// A numeric data table, column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Column names from the header.
    pub columns: Vec<String>,
    /// `values[c][r]`: column c, row r.
    pub values: Vec<Vec<f64>>,
    /// Where the data came from (for messages).
    pub source: String,
}

impl Data {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Reads a CSV file (comma separated, header row, numbers; blank lines skipped), at most
    /// [`Limit::TableFile`] bytes, through [`crate::input::read_text`] (byte-order mark skipped,
    /// LF, CRLF or CR line endings).
    pub fn read_csv(path: &str) -> Result<Self> {
        let text = crate::input::read_text(path, Limit::TableFile, "data table")?;
        Self::parse_csv(&text, path)
    }

    /// Parses CSV text; `source` names it in errors.
    pub fn parse_csv(text: &str, source: &str) -> Result<Self> {
        let text = &crate::input::normalize(text);
        let bad = |message: String| Error::Io {
            path: source.to_string(),
            message,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(bad(
                "the file is empty (expected a header row and data)".into()
            ));
        };
        let columns: Vec<String> = header
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .collect();
        if let Some(c) = columns.iter().find(|c| c.is_empty()) {
            return Err(bad(format!("empty column name in the header ({c:?})")));
        }
        for (k, c) in columns.iter().enumerate() {
            if let Some(j) = columns[..k].iter().position(|d| d == c) {
                return Err(bad(format!(
                    "column '{c}' appears twice in the header (columns {} and {})",
                    j + 1,
                    k + 1
                )));
            }
        }
        let mut values = vec![Vec::new(); columns.len()];
        for (lineno, line) in lines {
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != columns.len() {
                return Err(bad(format!(
                    "line {}: {} cells, but the header has {} columns",
                    lineno + 1,
                    cells.len(),
                    columns.len()
                )));
            }
            for (c, cell) in cells.iter().enumerate() {
                let t = cell.trim().trim_matches('"');
                let v: f64 = t
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| {
                        bad(format!(
                            "line {}, column '{}': '{t}' is not a finite number",
                            lineno + 1,
                            columns[c]
                        ))
                    })?;
                values[c].push(v);
            }
        }
        if values[0].is_empty() {
            return Err(bad("no data rows after the header".into()));
        }
        Ok(Data {
            columns,
            values,
            source: source.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let d = Data::parse_csv("x,y\n1,2\n\n3, 4.5\n", "t.csv").unwrap();
        assert_eq!((d.rows(), d.column("y")), (2, Some(1)));
        assert_eq!(d.values[1], vec![2.0, 4.5]);
        let e = |t: &str| Data::parse_csv(t, "t.csv").unwrap_err().to_string();
        assert_eq!(
            e(""),
            "cannot read t.csv: the file is empty (expected a header row and data)"
        );
        assert_eq!(
            e("x,y\n1,abc\n"),
            "cannot read t.csv: line 2, column 'y': 'abc' is not a finite number"
        );
        assert_eq!(
            e("x,y\n1\n"),
            "cannot read t.csv: line 2: 1 cells, but the header has 2 columns"
        );
        assert_eq!(
            e("x,y\n"),
            "cannot read t.csv: no data rows after the header"
        );
        assert_eq!(
            e("x,y,x\n1,2,3\n"),
            "cannot read t.csv: column 'x' appears twice in the header (columns 1 and 3)"
        );
        let d = Data::parse_csv("\u{feff}x,y\r1,2\r3,4", "t.csv").unwrap();
        assert_eq!((d.columns[0].as_str(), d.rows()), ("x", 2));
    }
}
