//! Data tables: read from CSV (a header row, numeric cells) or built from columns in code, with
//! the same checks and one-line errors.

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

    /// Reads a CSV file (comma separated, header row, numbers; blank lines and lines starting
    /// with `#` skipped, as numpy's `loadtxt` and R's `read.table` skip comments), at most
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
        let mut lines = crate::input::data_lines(text);
        let Some((_, header)) = lines.next() else {
            return Err(bad(
                "the file is empty (expected a header row and data)".into()
            ));
        };
        let columns: Vec<String> = header
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .collect();
        if let Some(sep) = [(';', "';'"), ('\t', "tabs")]
            .iter()
            .find(|(c, _)| columns.len() == 1 && header.contains(*c))
        {
            return Err(bad(format!(
                "the header '{}' is one column: hessopt reads comma-separated values, and this file looks separated by {} (convert it, e.g. tr '{}' ',')",
                header.trim(),
                sep.1,
                sep.0.escape_default()
            )));
        }
        check_names(&columns, " in the header").map_err(bad)?;
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

impl Data {
    /// A table from (name, column) pairs, checked as a CSV file is: at least one column and
    /// one row, names non-empty and distinct, columns of equal length, every value finite.
    /// Errors name the column (and the row, counted from 1); messages call the table "the data"
    /// (set `source` to name it otherwise).
    ///
    /// ```
    /// use hessopt::fit::Data;
    /// let d = Data::from_columns(vec![("dose", vec![1.0, 2.0, 4.0]), ("deaths", vec![0.0, 3.0, 9.0])])?;
    /// assert_eq!((d.rows(), d.column("deaths")), (3, Some(1)));
    /// let e = Data::from_columns(vec![("x", vec![1.0, 2.0]), ("y", vec![1.0])]).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid data: column 'y' has 1 rows, column 'x' has 2");
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn from_columns<S: Into<String>>(
        columns: impl IntoIterator<Item = (S, Vec<f64>)>,
    ) -> Result<Self> {
        let (columns, values): (Vec<String>, Vec<Vec<f64>>) =
            columns.into_iter().map(|(n, v)| (n.into(), v)).unzip();
        let bad = |m: String| Error::invalid("data", m);
        if columns.is_empty() {
            return Err(bad("no columns".into()));
        }
        check_names(&columns, "").map_err(bad)?;
        let rows = values[0].len();
        if let Some(k) = values.iter().position(|c| c.len() != rows) {
            return Err(bad(format!(
                "column '{}' has {} rows, column '{}' has {rows}",
                columns[k],
                values[k].len(),
                columns[0]
            )));
        }
        if rows == 0 {
            return Err(bad("the columns have no rows".into()));
        }
        for (name, col) in columns.iter().zip(&values) {
            if let Some(r) = col.iter().position(|v| !v.is_finite()) {
                return Err(bad(format!(
                    "column '{name}', row {}: {} is not a finite number",
                    r + 1,
                    col[r]
                )));
            }
        }
        Ok(Data {
            columns,
            values,
            source: "the data".into(),
        })
    }
}

/// Column names must be non-empty and distinct; `place` says where they are (" in the header").
fn check_names(columns: &[String], place: &str) -> std::result::Result<(), String> {
    if let Some(k) = columns.iter().position(String::is_empty) {
        return Err(format!("empty column name{place} (column {})", k + 1));
    }
    for (k, c) in columns.iter().enumerate() {
        if let Some(j) = columns[..k].iter().position(|d| d == c) {
            return Err(format!(
                "column '{c}' appears twice{place} (columns {} and {})",
                j + 1,
                k + 1
            ));
        }
    }
    Ok(())
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
            e("x;y\n1;2\n"),
            "cannot read t.csv: the header 'x;y' is one column: hessopt reads comma-separated values, and this file looks separated by ';' (convert it, e.g. tr ';' ',')"
        );
        assert!(
            e("x\ty\n1\t2\n").contains("looks separated by tabs (convert it, e.g. tr '\\t' ',')")
        );
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
        let d = Data::parse_csv("# dose study\nx,y\n1,2\n  # a note\n3,4\n", "t.csv").unwrap();
        assert_eq!(
            (d.columns[0].as_str(), d.values[1].clone()),
            ("x", vec![2.0, 4.0])
        );
        assert_eq!(
            e("# only a comment\n"),
            "cannot read t.csv: the file is empty (expected a header row and data)"
        );
        assert_eq!(
            e("# c\nx,y\n1,#\n"),
            "cannot read t.csv: line 3, column 'y': '#' is not a finite number"
        );
        let d = Data::parse_csv("\u{feff}x,y\r1,2\r3,4", "t.csv").unwrap();
        assert_eq!((d.columns[0].as_str(), d.rows()), ("x", 2));
    }

    #[test]
    fn from_columns_checks_as_csv_does() {
        let d = Data::from_columns(vec![("x", vec![1.0, 3.0]), ("y", vec![2.0, 4.5])]).unwrap();
        assert_eq!(d, Data::parse_csv("x,y\n1,2\n3,4.5\n", "the data").unwrap());
        let e = |c: Vec<(&str, Vec<f64>)>| Data::from_columns(c).unwrap_err().to_string();
        assert_eq!(e(vec![]), "invalid data: no columns");
        assert_eq!(
            e(vec![("x", vec![1.0]), ("", vec![2.0])]),
            "invalid data: empty column name (column 2)"
        );
        assert_eq!(
            e(vec![("x", vec![1.0]), ("y", vec![2.0]), ("x", vec![3.0])]),
            "invalid data: column 'x' appears twice (columns 1 and 3)"
        );
        assert_eq!(
            e(vec![("x", vec![1.0, 2.0]), ("y", vec![1.0])]),
            "invalid data: column 'y' has 1 rows, column 'x' has 2"
        );
        assert_eq!(
            e(vec![("x", vec![]), ("y", vec![])]),
            "invalid data: the columns have no rows"
        );
        assert_eq!(
            e(vec![("x", vec![1.0, 2.0]), ("y", vec![0.5, f64::NAN])]),
            "invalid data: column 'y', row 2: NaN is not a finite number"
        );
        assert_eq!(
            e(vec![("x", vec![f64::NEG_INFINITY])]),
            "invalid data: column 'x', row 1: -inf is not a finite number"
        );
    }
}
