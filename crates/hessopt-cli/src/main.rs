//! `hessopt`: derivatives, Hessian analysis and minimization of formulas from the command line.
//!
//! A thin layer: parse arguments, call the library, print text or JSON. Every error is one line on
//! stderr and exit code 2.

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exact and numerical derivatives, Hessian analysis and optimization of formulas.
#[derive(Debug, Parser)]
#[command(name = "hessopt", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Value and gradient of a formula at a point.
    Gradient(commands::PointArgs),
    /// Value, gradient, Hessian, eigenvalues and classification of the point.
    Hessian(commands::PointArgs),
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                print!("{e}");
                return ExitCode::SUCCESS;
            }
            // clap's message is a paragraph, then a usage block: keep the paragraph, on one line.
            let text = e.to_string();
            let paragraph: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", paragraph.join(" "));
            return ExitCode::from(2);
        }
    };
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
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
