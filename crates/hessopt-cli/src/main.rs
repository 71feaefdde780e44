//! `hessopt`: derivatives, Hessian analysis and minimization of formulas from the command line.
//!
//! A thin layer: parse arguments, call the library, print text or JSON. Exit codes: 0 converged (or
//! a command without a verdict), 1 finished without converging (the report is printed all the
//! same), 2 bad input (one line on stderr).

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exact and numerical derivatives, Hessian analysis and optimization of formulas.
#[derive(Debug, Parser)]
#[command(
    name = "hessopt",
    version,
    about,
    max_term_width = 100,
    arg_required_else_help = true,
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Largest formula or point file read through @FILE, in MiB.
    #[arg(
        long,
        global = true,
        allow_hyphen_values = true,
        default_value_t = 64,
        value_name = "MIB"
    )]
    max_formula_mb: u64,
    /// Largest CSV table read, in MiB.
    #[arg(
        long,
        global = true,
        allow_hyphen_values = true,
        default_value_t = 4096,
        value_name = "MIB"
    )]
    max_table_mb: u64,
    /// Largest dense matrix (Hessian, Jacobian, covariance) computed, in MiB.
    #[arg(
        long,
        global = true,
        allow_hyphen_values = true,
        default_value_t = 1024,
        value_name = "MIB"
    )]
    max_dense_mb: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Value and gradient of a formula at a point.
    Gradient(commands::PointArgs),
    /// Value, gradient, Hessian, eigenvalues and classification of the point.
    Hessian(commands::hessian::HessianArgs),
    /// Values and Jacobian of formulas separated by ';'.
    Jacobian(commands::PointArgs),
    /// Minimize a formula.
    Minimize(commands::minimize::MinimizeArgs),
    /// Fit a model to a CSV table: maximum likelihood or nonlinear least squares.
    Fit(commands::fit::FitArgs),
    /// Nonlinear least squares on residual formulas (Levenberg–Marquardt).
    Lsq(commands::lsq::LsqArgs),
    /// Linear least squares from CSV matrices (QR, SVD, norm-constrained).
    Lstsq(commands::lstsq::LstsqArgs),
    /// Solve an equation or a square system of equations.
    Root(commands::root::RootArgs),
    /// Contour plot with optimizer paths, or convergence plot, as SVG.
    Plot(commands::plot::PlotArgs),
    /// Run the Moré–Garbow–Hillstrom suite: table, scipy reference, performance profile.
    Bench(commands::bench::BenchArgs),
}

const EXIT_CODES: &str = "\
Exit codes:
  0  converged (or a command without a convergence verdict: gradient, hessian, jacobian, lstsq,
     plot, bench)
  1  the solver finished without converging (minimize, fit, lsq, root); the report is printed
     all the same, JSON too, with converged = false and the reason under termination
  2  bad input: one line on stderr";

/// clap's message as one line: its first paragraph, plus its hint ("a similar argument exists",
/// "to pass '-1' as a value, use ...") when it gives one; the usage block is left out.
fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out: Vec<&str> = Vec::new();
    for l in lines.by_ref() {
        if l.starts_with("Usage:") || l.starts_with("For more information") {
            break;
        }
        out.push(l);
    }
    let (tips, rest): (Vec<&str>, Vec<&str>) = out.iter().partition(|l| l.starts_with("tip:"));
    let mut line = rest.join(" ");
    for t in tips {
        line.push_str(&format!(" ({t})"));
    }
    line
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    print!("{e}");
                    return ExitCode::SUCCESS;
                }
                // `hessopt` alone: the usage, and exit 2 as no command was given.
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    eprint!("{e}");
                    return ExitCode::from(2);
                }
                _ => {}
            }
            output::error_line(&one_line(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    use hessopt::limits::{Limit, set};
    let mib = |v: u64| v.saturating_mul(1 << 20);
    set(
        Limit::FormulaFile,
        mib(cli.max_formula_mb),
        "--max-formula-mb",
    );
    set(Limit::TableFile, mib(cli.max_table_mb), "--max-table-mb");
    set(Limit::DenseMatrix, mib(cli.max_dense_mb), "--max-dense-mb");
    let result = match cli.command {
        Command::Gradient(a) => commands::gradient::run(&a),
        Command::Hessian(a) => commands::hessian::run(&a),
        Command::Jacobian(a) => commands::jacobian::run(&a),
        Command::Minimize(a) => commands::minimize::run(&a),
        Command::Fit(a) => commands::fit::run(&a),
        Command::Lsq(a) => commands::lsq::run(&a),
        Command::Lstsq(a) => commands::lstsq::run(&a),
        Command::Root(a) => commands::root::run(&a),
        Command::Plot(a) => commands::plot::run(&a),
        Command::Bench(a) => commands::bench::run(&a),
    };
    match result {
        Ok(out) => {
            output::print_or_quit(&out.text);
            if out.converged == Some(false) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            output::error_line(&format!("error: {e}"));
            ExitCode::from(2)
        }
    }
}
