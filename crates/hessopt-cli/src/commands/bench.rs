//! `hessopt bench`: the Moré–Garbow–Hillstrom suite for chosen methods — a table (solved, median
//! f + g evaluations, time) beside scipy's counts on the same problems, and a Dolan–Moré
//! performance profile as SVG.

use std::io::IsTerminal;

use crate::output::Output;
use clap::Args;
use hessopt::problems::bench::{SuiteRun, performance_profile, run_mgh};
use hessopt::problems::mgh;
use hessopt::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use plotters::prelude::*;

use super::plot::{PALETTE, check_svg_path, draw_error};
use serde_json::{Value, json};

/// scipy's counts on the same 35 problems (see `bench/scipy_mgh.py` for how they were made).
const SCIPY: &str = include_str!("../../data/scipy_mgh.json");

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Methods, comma separated.
    #[arg(
        long,
        default_value = "trust-region,newton,bfgs,lbfgs,lbfgsb,sr1,cg,nelder-mead"
    )]
    pub methods: String,
    /// Only the first N problems (quick runs).
    #[arg(long, allow_negative_numbers = true)]
    pub problems: Option<usize>,
    /// Write the performance profile to this SVG file.
    #[arg(long)]
    pub out: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Print the problem definitions as JSON (input of bench/scipy_mgh.py) and exit.
    #[arg(long)]
    pub problems_json: bool,
}

fn problems_json() -> String {
    let list: Vec<Value> = mgh()
        .iter()
        .map(|p| {
            let f0 = p.objective().ok().and_then(|f| f.value(&p.x0).ok());
            json!({"name": p.name, "n": p.n, "residuals": p.residuals, "x0": p.x0, "fstar": p.fstar,
                   "other_minima": p.other_minima, "f0": f0})
        })
        .collect();
    format!("{}\n", Value::Array(list))
}

/// scipy runs restricted to `names`.
fn scipy_runs(names: &[String]) -> Result<(String, Vec<SuiteRun>)> {
    let bad = |m: String| Error::Io {
        path: "data/scipy_mgh.json".into(),
        message: m,
    };
    let v: Value = serde_json::from_str(SCIPY).map_err(|e| bad(e.to_string()))?;
    let source = v["source"].as_str().unwrap_or("scipy").to_string();
    let runs = v["runs"]
        .as_array()
        .ok_or_else(|| bad("no runs".into()))?
        .iter()
        .filter(|r| names.iter().any(|n| r["problem"] == n.as_str()))
        .map(|r| SuiteRun {
            problem: r["problem"].as_str().unwrap_or_default().to_string(),
            method: r["method"].as_str().unwrap_or_default().to_string(),
            solved: r["solved"].as_bool().unwrap_or(false),
            converged: None,
            termination: String::new(),
            evaluations: r["evaluations"].as_u64().unwrap_or(0) as usize,
            hessians: 0,
            seconds: f64::NAN,
        })
        .collect();
    Ok((source, runs))
}

struct Row {
    method: String,
    solved: usize,
    /// Runs reporting converged away from the known minimum (None: not recorded).
    false_convergences: Option<usize>,
    median: Option<usize>,
    seconds: f64,
}

fn summarize(runs: &[SuiteRun], methods: &[String]) -> Vec<Row> {
    methods
        .iter()
        .map(|m| {
            let mine: Vec<&SuiteRun> = runs.iter().filter(|r| &r.method == m).collect();
            let mut ev: Vec<usize> = mine
                .iter()
                .filter(|r| r.solved)
                .map(|r| r.evaluations)
                .collect();
            ev.sort_unstable();
            Row {
                method: m.clone(),
                solved: ev.len(),
                false_convergences: mine
                    .iter()
                    .map(|r| r.converged.map(|c| usize::from(c && !r.solved)))
                    .sum(),
                median: ev.get(ev.len() / 2).copied(),
                seconds: mine.iter().map(|r| r.seconds).sum(),
            }
        })
        .collect()
}

pub fn run(args: &BenchArgs) -> Result<Output> {
    run_text(args).map(Output::plain)
}

fn run_text(args: &BenchArgs) -> Result<String> {
    if args.problems_json {
        return Ok(problems_json());
    }
    let methods: Vec<&str> = args.methods.split(',').map(str::trim).collect();
    let count = args.problems.unwrap_or(35);
    if !(1..=35).contains(&count) {
        return Err(Error::invalid(
            "--problems",
            format!("{count} is not in 1..=35"),
        ));
    }
    if let Some(path) = &args.out {
        check_svg_path(path)?;
    }
    let show = !args.json && std::io::stdout().is_terminal();
    let bar = if show {
        let b = ProgressBar::new((count * methods.len()) as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let mut progress = |done: usize, _total: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let all = run_mgh(&methods, count, &mut progress)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let names: Vec<String> = mgh().into_iter().take(count).map(|p| p.name).collect();
    let (source, scipy) = scipy_runs(&names)?;
    let ours: Vec<String> = methods.iter().map(|m| m.to_string()).collect();
    let mut theirs: Vec<String> = Vec::new();
    for r in &scipy {
        if !theirs.contains(&r.method) {
            theirs.push(r.method.clone());
        }
    }
    let rows = summarize(&all, &ours);
    let ref_rows = summarize(&scipy, &theirs);
    if let Some(path) = &args.out {
        let mut every = all.clone();
        every.extend(scipy.iter().cloned());
        let labels: Vec<String> = ours.iter().chain(&theirs).cloned().collect();
        profile_svg(path, &every, &labels, &names)?;
    }
    if args.json {
        let row = |r: &Row| json!({"method": r.method, "solved": r.solved, "false_convergences": r.false_convergences, "median_evaluations": r.median, "seconds": r.seconds});
        return Ok(format!(
            "{}\n",
            json!({"problems": count, "methods": rows.iter().map(row).collect::<Vec<_>>(),
                   "reference": {"source": source, "methods": ref_rows.iter().map(row).collect::<Vec<_>>()},
                   "runs": all})
        ));
    }
    let mut out = format!(
        "Moré–Garbow–Hillstrom suite, {count} problems, exact gradients, default settings\n\n"
    );
    out.push_str(&format!(
        "{:<22} {:>8} {:>12} {:>12} {:>10}\n",
        "method", "solved", "false conv.", "median f+g", "time"
    ));
    for r in &rows {
        out.push_str(&format!(
            "{:<22} {:>5}/{:<2} {:>12} {:>12} {:>9.1}ms\n",
            r.method,
            r.solved,
            count,
            r.false_convergences.map_or("-".into(), |m| m.to_string()),
            r.median.map_or("-".into(), |m| m.to_string()),
            r.seconds * 1e3
        ));
    }
    out.push_str(&format!("\nreference on the same problems ({source}):\n"));
    for r in &ref_rows {
        out.push_str(&format!(
            "{:<22} {:>5}/{:<2} {:>12}\n",
            r.method,
            r.solved,
            count,
            r.median.map_or("-".into(), |m| m.to_string())
        ));
    }
    if let Some(path) = &args.out {
        out.push_str(&format!("\nperformance profile written to {path}\n"));
    }
    Ok(out)
}

fn profile_svg(path: &str, runs: &[SuiteRun], labels: &[String], names: &[String]) -> Result<()> {
    let costs: Vec<Vec<Option<f64>>> = labels
        .iter()
        .map(|m| {
            names
                .iter()
                .map(|p| {
                    runs.iter()
                        .find(|r| &r.method == m && &r.problem == p)
                        .filter(|r| r.solved)
                        .map(|r| r.evaluations as f64)
                })
                .collect()
        })
        .collect();
    let taus: Vec<f64> = (0..=200).map(|k| 10f64.powf(k as f64 / 100.0)).collect();
    let rho = performance_profile(&costs, &taus);
    let err = draw_error(path);
    let root = SVGBackend::new(path, (820, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Performance profile (cost: f + g evaluations)",
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((1f64..100f64).log_scale(), 0f64..1.0)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .x_desc("τ (within a factor τ of the best)")
        .y_desc("fraction of problems")
        .draw()
        .map_err(&err)?;
    for (k, (label, row)) in labels.iter().zip(&rho).enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let dashed = label.starts_with("scipy");
        let style = if dashed {
            color.stroke_width(1)
        } else {
            color.stroke_width(2)
        };
        chart
            .draw_series(LineSeries::new(
                taus.iter().copied().zip(row.iter().copied()),
                style,
            ))
            .map_err(&err)?
            .label(label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}
