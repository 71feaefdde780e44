//! How the reports print: `Display` for [`FitSummary`] (R's coefficient table, as the CLI's
//! `fit` prints it), the minimizers' [`Report`], [`LsqReport`], [`ConstrainedReport`],
//! [`OptimumCurvature`] and [`RootReport`] — aligned `name  value` lines as the CLI's text
//! output — and the number format they share ([`num_sig`], C's `%g`).
//!
//! ```
//! use hessopt::fit::{Data, Objective, fit};
//! let data = Data::from_columns([("x", vec![0.0, 1.0, 2.0, 3.0]), ("y", vec![1.0, 3.0, 5.0, 7.5])])?;
//! let s = fit(&data, &Objective::Residual("y - (a + b*x)".into()), &["a", "b"], &[0.0, 0.0])?;
//! let table = s.to_string();
//! assert!(table.starts_with("Nonlinear least squares fit of 4 rows (converged"));
//! assert_eq!(table.lines().nth(2).unwrap().split_whitespace().next(), Some("Estimate"));
//! # Ok::<(), hessopt::Error>(())
//! ```

use std::fmt;

use nalgebra::DMatrix;

use crate::fit::FitSummary;
use crate::root::RootReport;
use crate::solve::{ConstrainedReport, LsqReport, OptimumCurvature, Report};

/// `v` with `sig` significant digits and no trailing zeros, like C's `%g` except that plain
/// notation runs over 1e-5 ≤ |v| < 1e16 and keeps the integer part whole (123456789 stays so);
/// otherwise `1.5e-7`; `NaN`, `inf`, `-inf` for the non-finite.
///
/// ```
/// use hessopt::display::num_sig;
/// assert_eq!(num_sig(2.0 / 3.0, 6), "0.666667");
/// assert_eq!(num_sig(1234.6, 3), "1235"); // the integer part is kept whole
/// assert_eq!(num_sig(1.5e-7, 6), "1.5e-7");
/// assert_eq!(num_sig(-2.0, 6), "-2");
/// ```
pub fn num_sig(v: f64, sig: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let exp = v.abs().log10().floor() as i32;
    if !(-5..16).contains(&exp) {
        let s = format!("{:.*e}", sig.saturating_sub(1), v);
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        return format!("{}e{e}", trim_zeros(mant));
    }
    let decimals = (sig as i32 - 1 - exp).max(0) as usize;
    trim_zeros(&format!("{v:.decimals$}")).to_string()
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `[a, b, …]`, each entry by [`num_sig`].
pub fn vector_sig(v: &[f64], sig: usize) -> String {
    let cells: Vec<String> = v.iter().map(|x| num_sig(*x, sig)).collect();
    format!("[{}]", cells.join(", "))
}

/// `[[a, b], [c, d]]`, row by row, each entry by [`num_sig`].
pub fn matrix_sig(m: &DMatrix<f64>, sig: usize) -> String {
    let rows: Vec<String> = m
        .row_iter()
        .map(|r| vector_sig(&r.iter().copied().collect::<Vec<_>>(), sig))
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Full precision (15 significant digits) for points and values; 5 for standard errors,
/// covariances and diagnostics.
const FULL: usize = 15;
const SHORT: usize = 5;

/// `name  value` lines with the names padded to one width, as the CLI's text output.
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn new() -> Self {
        Fields(Vec::new())
    }

    fn add(&mut self, name: &'static str, value: String) -> &mut Self {
        self.0.push((name, value));
        self
    }

    /// method, converged (yes/no with the termination).
    fn outcome(&mut self, method: &str, converged: bool, termination: &str) -> &mut Self {
        let verdict = if converged { "yes" } else { "no" };
        self.add("method", method.to_string())
            .add("converged", format!("{verdict} ({termination})"))
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .0
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{k:<width$}  {v}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    /// Verdict, point, value, gradient norm, iterations, counts, time and notes, as
    /// `hessopt minimize` prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.evaluations;
        let gradient_norm = if self.gradient_norm.is_nan() {
            "-".into()
        } else {
            num_sig(self.gradient_norm, SHORT)
        };
        let mut out = Fields::new();
        out.outcome(&self.method, self.converged, self.termination.as_str())
            .add("x", vector_sig(&self.x, FULL))
            .add("value", num_sig(self.value, FULL))
            .add("gradient norm", gradient_norm)
            .add("iterations", self.iterations.to_string())
            .add(
                "evaluations",
                format!("f {}, gradient {}, hessian {}", e.f, e.gradient, e.hessian),
            )
            .add("time ms", num_sig(self.elapsed.as_secs_f64() * 1e3, 2));
        for note in &self.notes {
            out.add("note", note.clone());
        }
        out.write(f)
    }
}

impl fmt::Display for LsqReport {
    /// Verdict, point, residual sum of squares, counts, standard errors and covariance.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Fields::new();
        out.outcome(
            "levenberg-marquardt",
            self.converged,
            self.termination.as_str(),
        )
        .add("x", vector_sig(&self.x, FULL))
        .add("rss", num_sig(self.rss, FULL))
        .add("iterations", self.iterations.to_string())
        .add(
            "evaluations",
            format!(
                "residuals {}, jacobian {}",
                self.residual_evaluations, self.jacobian_evaluations
            ),
        );
        match (&self.standard_errors, &self.covariance) {
            (Some(se), Some(c)) => out
                .add("standard errors", vector_sig(se, SHORT))
                .add("covariance", matrix_sig(c, SHORT)),
            _ => out.add("standard errors", "- (JᵀJ singular or no residual)".into()),
        };
        out.write(f)
    }
}

impl fmt::Display for ConstrainedReport {
    /// Verdict, point, value, multipliers, feasibility and KKT residuals, counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = &self.kkt;
        let e = &self.evaluations;
        let mut fields = Fields::new();
        fields
            .outcome(
                "augmented-lagrangian",
                self.converged,
                self.termination.as_str(),
            )
            .add("x", vector_sig(&self.x, FULL))
            .add("value", num_sig(self.value, FULL))
            .add("multipliers", vector_sig(&self.multipliers, FULL))
            .add("max violation", num_sig(self.max_violation, SHORT));
        // The units of the KKT feasibility, where a constraint was rescaled.
        if self.constraint_scales.iter().any(|&s| s != 1.0) {
            fields.add("scales", vector_sig(&self.constraint_scales, SHORT));
        }
        fields
            .add(
                "kkt",
                format!(
                    "stationarity {}, feasibility {}, complementarity {}",
                    num_sig(k.stationarity, SHORT),
                    num_sig(k.feasibility, SHORT),
                    num_sig(k.complementarity, SHORT)
                ),
            )
            .add(
                "iterations",
                format!(
                    "{} outer, {} inner",
                    self.outer_iterations, self.inner_iterations
                ),
            )
            .add(
                "evaluations",
                format!("f {}, gradient {}, hessian {}", e.f, e.gradient, e.hessian),
            )
            .write(f)
    }
}

impl fmt::Display for OptimumCurvature {
    /// Free variables (when some are held at a bound), the reduced Hessian, its eigenvalues,
    /// the classification, condition number, standard errors and covariance, warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Fields::new();
        if self.free.iter().any(|free| !free) {
            let list = |want: bool| -> String {
                let idx: Vec<String> = (0..self.free.len())
                    .filter(|&i| self.free[i] == want)
                    .map(|i| i.to_string())
                    .collect();
                if idx.is_empty() {
                    "-".into()
                } else {
                    idx.join(", ")
                }
            };
            out.add("free variables", list(true))
                .add("fixed at bound", list(false));
        }
        if self.free.iter().any(|&free| free) {
            let a = &self.analysis;
            out.add("hessian", matrix_sig(&self.reduced, FULL));
            if let Some(e) = &self.error {
                out.add("hessian error", matrix_sig(e, SHORT));
            }
            out.add(
                "eigenvalues",
                format!("{}  (ascending)", vector_sig(&a.eigenvalues, SHORT)),
            )
            .add("classification", a.classification.explain().into())
            .add("condition number", num_sig(a.condition_number, SHORT));
            match (&self.standard_errors, &self.covariance) {
                (Some(se), Some(c)) => out
                    .add("standard errors", vector_sig(se, SHORT))
                    .add("covariance", matrix_sig(c, SHORT)),
                _ => out.add("standard errors", "-".into()),
            };
        }
        for w in &self.warnings {
            out.add("warning", w.clone());
        }
        out.write(f)
    }
}

impl fmt::Display for RootReport {
    /// Verdict, point, ‖F‖∞, iterations and counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Fields::new()
            .outcome(self.method, self.converged, self.termination.as_str())
            .add("x", vector_sig(&self.x, FULL))
            .add("residual norm", num_sig(self.residual_norm, SHORT))
            .add("iterations", self.iterations.to_string())
            .add(
                "evaluations",
                format!(
                    "function {}, jacobian {}",
                    self.evaluations, self.jacobian_evaluations
                ),
            )
            .write(f)
    }
}

impl fmt::Display for FitSummary {
    /// R's `summary()`: a title with the verdict, the coefficient table (estimate, standard
    /// error, z or t value, p-value, 95% interval; `-` where there is none), the minimized value
    /// and AIC, the residual standard error (least squares), the covariance and the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nls = self.kind == "nls";
        let stat = if nls { "t" } else { "z" };
        let title = if nls {
            "Nonlinear least squares"
        } else {
            "Maximum likelihood"
        };
        let verdict = if self.converged {
            "converged"
        } else {
            "NOT converged"
        };
        writeln!(
            f,
            "{title} fit of {} rows ({verdict}, {}, {} iterations)\n",
            self.observations, self.termination, self.iterations
        )?;
        let mut rows = vec![vec![
            String::new(),
            "Estimate".into(),
            "Std. Error".into(),
            format!("{stat} value"),
            format!("Pr(>|{stat}|)"),
            "2.5 %".into(),
            "97.5 %".into(),
        ]];
        let six = |v: f64| num_sig(v, 6);
        for (i, name) in self.params.iter().enumerate() {
            let cell = |o: &Option<Vec<f64>>| o.as_ref().map_or("-".to_string(), |v| six(v[i]));
            let iv = self.intervals.as_ref().map(|v| v[i]);
            rows.push(vec![
                name.clone(),
                six(self.estimates[i]),
                cell(&self.standard_errors),
                cell(&self.statistics),
                cell(&self.p_values),
                iv.map_or("-".into(), |(a, _)| six(a)),
                iv.map_or("-".into(), |(_, b)| six(b)),
            ]);
        }
        let widths: Vec<usize> = (0..7)
            .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, &w))| {
                    if c == 0 {
                        format!("{cell:<w$}")
                    } else {
                        format!("{cell:>w$}")
                    }
                })
                .collect();
            writeln!(f, "{}", cells.join("  ").trim_end())?;
        }
        let what = if nls {
            "residual sum of squares"
        } else {
            "negative log-likelihood"
        };
        write!(
            f,
            "\nminimized {what}: {}   AIC: {}",
            num_sig(self.value, 10),
            self.aic.map_or("-".into(), |a| num_sig(a, 8))
        )?;
        if let Some(sigma) = self.sigma {
            write!(
                f,
                "\nresidual standard error: {} on {} degrees of freedom",
                num_sig(sigma, 6),
                self.df
            )?;
        }
        if let Some(c) = &self.covariance {
            write!(f, "\ncovariance: {}", matrix_sig(c, SHORT))?;
        }
        for w in &self.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
