//! Text and JSON rendering: each command adds named fields once and gets either an aligned text
//! block or one JSON object.

use hessopt::display::{matrix_sig, vector_sig};
use nalgebra::DMatrix;
use serde_json::{Map, Value, json};

/// What a command prints, and its verdict for the exit code: `Some(false)` when a solver finished
/// without converging (exit code 1), `None` for commands without one.
pub struct Output {
    pub text: String,
    pub converged: Option<bool>,
}

impl Output {
    /// Output of a command that has no convergence verdict.
    pub fn plain(text: String) -> Self {
        Output {
            text,
            converged: None,
        }
    }
}

/// Writes `text` to stdout; when the reader has gone (`hessopt ... | head -1`) the run ends
/// quietly with exit 0 instead of panicking on the broken pipe.
pub fn print_or_quit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        error_line(&format!("error: cannot write to standard output: {e}"));
        std::process::exit(2);
    }
}

/// Writes one error line to stderr, ignoring a closed stderr (no panic on a broken pipe).
pub fn error_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// One `--trace` line for an iteration: `value_name` labels its value (shown times `sign`, -1
/// for --maximize); the gradient norm column only where there is one. To stdout, or to stderr
/// when the report itself is JSON on stdout.
pub fn trace_line(i: &hessopt::solve::IterationInfo, value_name: &str, sign: f64, json: bool) {
    let gradient = if i.gradient_norm.is_nan() {
        String::new()
    } else {
        format!("  |g| {:<10}", num_short(i.gradient_norm))
    };
    let line = format!(
        "iter {:>5}  {value_name} {:<14}{gradient}  evals {:>6}  x {}",
        i.iteration,
        num_short(sign * i.value),
        i.evaluations,
        trace_point(&i.x)
    );
    if json {
        error_line(&line);
    } else {
        print_or_quit(&format!("{line}\n"));
    }
}

/// A report built field by field.
pub struct Report {
    json: bool,
    text: Vec<(String, String)>,
    object: Map<String, Value>,
    converged: Option<bool>,
}

impl Report {
    pub fn new(json: bool) -> Self {
        Report {
            json,
            text: Vec::new(),
            object: Map::new(),
            converged: None,
        }
    }

    /// Adds a field with its text form and its JSON form.
    pub fn field(&mut self, key: &str, text: String, value: Value) {
        if self.json {
            self.object.insert(key.to_string(), value);
        } else {
            self.text.push((key.replace('_', " "), text));
        }
    }

    /// The finished output, ending with a newline, with the verdict given to [`Report::outcome`].
    pub fn finish(self) -> Output {
        let text = if self.json {
            let mut s = Value::Object(self.object).to_string();
            s.push('\n');
            s
        } else {
            let width = self.text.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            self.text
                .iter()
                .map(|(k, v)| format!("{k:<width$}  {v}\n"))
                .collect()
        };
        Output {
            text,
            converged: self.converged,
        }
    }
}

impl Report {
    /// The method, the convergence verdict and the termination reason, as every solver command
    /// reports them.
    pub fn outcome(&mut self, method: &str, converged: bool, termination: &str) {
        self.converged = Some(converged);
        self.field("method", method.to_string(), json!(method));
        self.field(
            "converged",
            format!("{} ({termination})", if converged { "yes" } else { "no" }),
            json!(converged),
        );
        self.field("termination", termination.to_string(), json!(termination));
    }

    /// Evaluation counts as text and as `{"f", "gradient", "hessian"}`.
    pub fn evaluations(&mut self, c: &hessopt::Counts) {
        self.field(
            "evaluations",
            format!("f {}, gradient {}, hessian {}", c.f, c.gradient, c.hessian),
            json!({"f": c.f, "gradient": c.gradient, "hessian": c.hessian}),
        );
    }
}

pub use hessopt::display::num_sig;

/// A number for people, with full precision (shortest round-trip form).
pub fn num(v: f64) -> String {
    num_sig(v, 15)
}

/// A number for people, 5 significant digits.
pub fn num_short(v: f64) -> String {
    num_sig(v, 5)
}

/// A condition number: infinite for a singular matrix, said in words.
pub fn condition_text(c: f64) -> String {
    if c.is_infinite() {
        "infinite (singular)".into()
    } else {
        num_short(c)
    }
}

pub fn vec_text(v: &[f64]) -> String {
    vector_sig(v, 15)
}

/// Points longer than this are summarized on a trace line, as numpy's print threshold.
const TRACE_THRESHOLD: usize = 1000;

/// A trace line's point: in full up to [`TRACE_THRESHOLD`] entries, beyond it the first and last
/// three with the length, as numpy prints a long array (one line per iteration at n = 1e5 was
/// 1.6 MB).
fn trace_point(v: &[f64]) -> String {
    if v.len() <= TRACE_THRESHOLD {
        return vec_text(v);
    }
    let (head, tail) = (vec_text(&v[..3]), vec_text(&v[v.len() - 3..]));
    format!(
        "{}, ..., {} (n = {})",
        head.trim_end_matches(']'),
        tail.trim_start_matches('['),
        v.len()
    )
}

pub fn vec_short(v: &[f64]) -> String {
    vector_sig(v, 5)
}

pub fn matrix_text(m: &DMatrix<f64>) -> String {
    matrix_sig(m, 15)
}

pub fn matrix_short(m: &DMatrix<f64>) -> String {
    matrix_sig(m, 5)
}

pub fn matrix_json(m: &DMatrix<f64>) -> Value {
    Value::Array(
        (0..m.nrows())
            .map(|i| Value::from((0..m.ncols()).map(|j| m[(i, j)]).collect::<Vec<f64>>()))
            .collect(),
    )
}
