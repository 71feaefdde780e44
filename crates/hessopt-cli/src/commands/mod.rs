//! One module per subcommand; shared argument types and parsing helpers here.

pub mod bench;
pub mod fit;
pub mod gradient;
pub mod hessian;
pub mod hessian_sparse;
pub mod jacobian;
pub mod lsq;
pub mod lstsq;
pub mod minimize;
pub mod plot;
pub mod root;

use clap::{Args, ValueEnum};
use hessopt::limits::Limit;
use hessopt::solve::{Control, IterationInfo, Options};
use hessopt::{Error, Formula, FormulaSet, Result};

/// How derivatives are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffMethod {
    /// Exact derivatives of the formula (reverse mode and forward-over-reverse).
    Exact,
    /// The formula as a black box: values only, Richardson-extrapolated differences.
    Numeric,
}

impl DiffMethod {
    pub fn name(self) -> &'static str {
        match self {
            DiffMethod::Exact => "exact",
            DiffMethod::Numeric => "numeric",
        }
    }
}

/// Refuses a numerical derivative with an infinite error estimate (the engine found no step whose
/// difference quotients converge: f varies on a finer scale than x + h can resolve, as sin(x) at
/// 1e20), naming the first such entry: `entries` pairs each derivative's name with its estimate.
pub fn refuse_untrusted<'a>(entries: impl IntoIterator<Item = (String, &'a f64)>) -> Result<()> {
    match entries.into_iter().find(|(_, e)| e.is_infinite()) {
        Some((name, _)) => Err(Error::invalid(
            "--method numeric",
            format!(
                "no step gave converging difference quotients for {name} (f varies on a finer \
                 scale than x + h can resolve at this point); use --method exact"
            ),
        )),
        None => Ok(()),
    }
}

/// The name of ∂²f/∂a∂b in [`refuse_untrusted`]'s message: d²f/dx² or d²f/dx dy.
pub fn second_derivative_name(a: &str, b: &str) -> String {
    if a == b {
        format!("d²f/d{a}²")
    } else {
        format!("d²f/d{a} d{b}")
    }
}

/// A formula and a point.
#[derive(Debug, Args)]
pub struct PointArgs {
    /// The formula, e.g. "100*(y - x^2)^2 + (1 - x)^2" (for jacobian: formulas separated by ';'),
    /// @FILE to read it from a file ('#' comments allowed), or - for standard input.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// The point, comma separated in variable order, e.g. --at=-1.2,1, or @FILE (numbers
    /// separated by commas, spaces or newlines). A vector's len(x) in the formula is taken from it.
    #[arg(long, allow_hyphen_values = true, value_name = "X1,X2,...")]
    pub at: String,
    /// Variable order, comma separated (default: natural order, x before y, x2 before x10).
    #[arg(long, value_name = "A,B,...")]
    pub vars: Option<String>,
    /// How derivatives are computed.
    #[arg(long, value_enum, default_value_t = DiffMethod::Exact)]
    pub method: DiffMethod,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The formula text: the argument itself, the contents of the file named after '@', or standard
/// input for `-` (or `@-`), at most `--max-formula-mb` (byte-order mark skipped, any line
/// endings). In a file or on stdin, `#` starts a comment to the end of the line.
pub fn formula_text(arg: &str) -> Result<String> {
    text_argument(arg, "formula")
}

/// [`formula_text`] for a kind of text (`formula`, `point`) that names it in a size error.
fn text_argument(arg: &str, kind: &str) -> Result<String> {
    let text = match arg {
        "-" | "@-" => hessopt::input::read_limited(
            std::io::stdin().lock(),
            "standard input",
            Limit::FormulaFile,
            &format!("{kind} on"),
        )?,
        _ => match arg.strip_prefix('@') {
            Some(path) => {
                hessopt::input::read_text(path, Limit::FormulaFile, &format!("{kind} file"))?
            }
            None => return Ok(arg.to_string()),
        },
    };
    Ok(text
        .lines()
        .map(|l| l.split_once('#').map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Parses the numbers given to `--name`: comma separated, or @FILE with numbers separated by
/// commas, spaces or newlines. An empty list is a point without coordinates (a constant formula).
pub fn parse_numbers(name: &str, text: &str) -> Result<Vec<f64>> {
    let tokens: Vec<String> = match text.strip_prefix('@') {
        Some(_) => {
            let mut tokens = Vec::new();
            for (i, line) in text_argument(text, "point")?.lines().enumerate() {
                let fields: Vec<&str> = line.split(',').collect();
                for (k, field) in fields.iter().enumerate() {
                    let before = tokens.len();
                    tokens.extend(field.split_whitespace().map(String::from));
                    // "1,,2" is a missing entry, not two numbers (inline it is an error too);
                    // a comma ending the line is allowed.
                    if tokens.len() == before && fields.len() > 1 && k + 1 < fields.len() {
                        return Err(Error::invalid(
                            format!("--{name}"),
                            format!(
                                "line {} of {} has an empty entry between commas",
                                i + 1,
                                &text[1..]
                            ),
                        ));
                    }
                }
            }
            tokens
        }
        None if text.trim().is_empty() => Vec::new(),
        None => text.split(',').map(|t| t.trim().to_string()).collect(),
    };
    tokens
        .iter()
        .map(|t| {
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    Error::invalid(format!("--{name}"), format!("'{t}' is not a finite number"))
                })
        })
        .collect()
}

/// Renames a library option in an [`Error::InvalidArgument`] to the CLI option that set it
/// (`invalid g_tol` → `invalid --tol`).
pub fn rename_option(option: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::InvalidArgument { message, .. } => Error::invalid(option, message),
        other => other,
    }
}

/// `--max-iter` and `--max-evals` onto the options (each at least 1; errors name the option).
pub fn with_limits(
    mut options: Options,
    max_iter: Option<usize>,
    max_evals: Option<usize>,
) -> Result<Options> {
    if let Some(m) = max_iter {
        options = options
            .with_max_iter(m)
            .map_err(rename_option("--max-iter"))?;
    }
    if let Some(m) = max_evals {
        options = options
            .with_max_evals(m)
            .map_err(rename_option("--max-evals"))?;
    }
    Ok(options)
}

/// Limits and trace of `lsq` and `root`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Iteration limit (default: lsq 200 accepted steps per parameter, at least 1000; root 200).
    #[arg(long, allow_hyphen_values = true)]
    pub max_iter: Option<usize>,
    /// Limit on evaluations of the residuals or equations, numerical Jacobians and the
    /// certificate check included; lsq never exceeds it (default none).
    #[arg(long, allow_hyphen_values = true)]
    pub max_evals: Option<usize>,
    /// Print one line per iteration as the run goes (to stderr with --json): lsq rss = ‖r‖² and
    /// |g| = ‖2Jᵀr‖∞ per accepted step, root |F| = max |F_i|.
    #[arg(long)]
    pub trace: bool,
}

impl RunArgs {
    /// The limits as options.
    pub fn options(&self) -> Result<Options> {
        with_limits(Options::default(), self.max_iter, self.max_evals)
    }

    /// The callback that prints `--trace` lines (value labelled `value_name`), when asked for.
    pub fn tracer(
        &self,
        value_name: &'static str,
        json: bool,
    ) -> Option<impl FnMut(&IterationInfo) -> Control + use<>> {
        self.trace.then_some(move |i: &IterationInfo| {
            crate::output::trace_line(i, value_name, 1.0, json);
            Control::Continue
        })
    }
}

/// The formulas separated by `;` with the given variable order, else for a point of `n` entries
/// when one is known (a vector's `len(x)` is taken from it), else in natural order.
pub fn parse_formula_set(
    text: &str,
    vars: &Option<String>,
    n: Option<usize>,
) -> Result<FormulaSet> {
    match (split_vars(vars), n) {
        (Some(v), _) => FormulaSet::parse_with_vars(text, &v),
        (None, Some(n)) => FormulaSet::parse_for_point(text, n),
        (None, None) => FormulaSet::parse(text),
    }
}

/// The formula with the given variable order, else for a point of `n` entries when one is known
/// (a vector's `len(x)` is taken from it), else in natural order.
pub fn parse_formula(text: &str, vars: &Option<String>, n: Option<usize>) -> Result<Formula> {
    match (split_vars(vars), n) {
        (Some(v), _) => Formula::parse_with_vars(text, &v),
        (None, Some(n)) => Formula::parse_for_point(text, n),
        (None, None) => Formula::parse(text),
    }
}

pub fn split_vars(vars: &Option<String>) -> Option<Vec<&str>> {
    vars.as_deref()
        .map(|v| v.split(',').map(str::trim).collect())
}

/// Parses bounds: numbers or ±inf, never NaN.
pub fn parse_bounds(name: &str, text: &str, n: usize) -> Result<Vec<f64>> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| {
            let t = s.trim();
            t.parse::<f64>()
                .ok()
                .filter(|v| !v.is_nan())
                .ok_or_else(|| {
                    Error::invalid(format!("--{name}"), format!("'{t}' is not a number"))
                })
        })
        .collect::<Result<_>>()?;
    if v.len() != n {
        return Err(Error::invalid(
            format!("--{name}"),
            format!("{} values given but the formula has {n} variables", v.len()),
        ));
    }
    Ok(v)
}

/// Adds `--lower/--upper` bounds (either may be absent: ∓∞) to a problem.
pub fn with_bounds<'a>(
    problem: hessopt::Problem<'a>,
    lower: Option<&str>,
    upper: Option<&str>,
) -> Result<hessopt::Problem<'a>> {
    if lower.is_none() && upper.is_none() {
        return Ok(problem);
    }
    let n = problem.dim();
    let lo = lower.map_or(Ok(vec![f64::NEG_INFINITY; n]), |t| {
        parse_bounds("lower", t, n)
    })?;
    let hi = upper.map_or(Ok(vec![f64::INFINITY; n]), |t| parse_bounds("upper", t, n))?;
    problem.with_bounds(lo, hi)
}

/// Checks that a point has one coordinate per variable.
pub fn check_point(name: &str, x: &[f64], vars: &[String]) -> Result<()> {
    if x.len() == vars.len() {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("--{name}"),
            format!(
                "{} values given but the formula has {} variables ({})",
                x.len(),
                vars.len(),
                vars.join(", ")
            ),
        ))
    }
}

impl PointArgs {
    /// The formula and the point, checked against each other.
    pub fn formula(&self) -> Result<(Formula, Vec<f64>)> {
        let text = formula_text(&self.expr)?;
        let x = parse_numbers("at", &self.at)?;
        let f = parse_formula(&text, &self.vars, Some(x.len()))?;
        check_point("at", &x, f.vars())?;
        Ok((f, x))
    }

    /// The formulas of a vector function and the point.
    pub fn formula_set(&self) -> Result<(FormulaSet, Vec<f64>)> {
        let text = formula_text(&self.expr)?;
        let x = parse_numbers("at", &self.at)?;
        let f = parse_formula_set(&text, &self.vars, Some(x.len()))?;
        check_point("at", &x, f.vars())?;
        Ok((f, x))
    }
}
