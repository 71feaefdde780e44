//! `hessopt bench`: the Moré–Garbow–Hillstrom suite for chosen methods — a table (solved, false
//! convergences, median f + g and Hessian evaluations, time) beside scipy's counts on the same
//! problems at scipy's defaults and at hessopt's tolerances, and a Dolan–Moré performance profile
//! as SVG (scipy at hessopt's tolerances: matched settings).

use std::io::IsTerminal;

use crate::output::Output;
use clap::Args;
use hessopt::problems::bench::{SuiteRun, SuiteSettings, performance_profile, run_mgh};
use hessopt::problems::mgh;
use hessopt::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use plotters::prelude::*;

use super::plot::{PALETTE, check_svg_path, draw_error};
use serde_json::{Value, json};

/// scipy's counts on the same 35 problems (see `bench/scipy_mgh.py` for how they were made).
const SCIPY: &str = include_str!("../../data/scipy_mgh.json");

/// Which defaults hessopt's methods run at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Settings {
    /// hessopt's defaults.
    Hessopt,
    /// scipy.optimize.minimize's defaults.
    Scipy,
}

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Methods, comma separated (trust-exact is the default method on these problems: exact
    /// Hessians, n ≤ 200).
    #[arg(
        long,
        default_value = "trust-exact,trust-region,newton,bfgs,lbfgs,lbfgsb,sr1,cg,nelder-mead"
    )]
    pub methods: String,
    /// hessopt's methods at hessopt's defaults (g_tol 1e-8; compare with scipy's column at
    /// hessopt's tolerances) or at scipy's (gtol 1e-5, maxiter 200·n, Nelder–Mead xatol = fatol
    /// = 1e-4 and maxfev 200·n; compare with scipy's column at its defaults).
    #[arg(long, value_enum, default_value_t = Settings::Hessopt)]
    pub settings: Settings,
    /// Only the first N problems (quick runs).
    #[arg(long, allow_hyphen_values = true)]
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

/// The two settings scipy ran at, as (JSON key, method-name suffix in the data, label): its
/// defaults (`scipy-<method>`) and hessopt's tolerances (`scipy-<method>@hessopt`).
const SETTINGS: [(&str, &str, &str); 2] = [
    ("defaults", "", "scipy defaults"),
    ("hessopt_tol", "@hessopt", "scipy @ hessopt tol"),
];

/// scipy's runs restricted to `names`, with the data's source and its description of each setting.
struct Reference {
    source: String,
    /// How each of [`SETTINGS`] was run, as the data says.
    settings: [String; 2],
    runs: Vec<SuiteRun>,
}

fn scipy_runs(names: &[String]) -> Result<Reference> {
    let bad = |m: String| Error::Io {
        path: "data/scipy_mgh.json".into(),
        message: m,
    };
    let v: Value = serde_json::from_str(SCIPY).map_err(|e| bad(e.to_string()))?;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let runs = v["runs"]
        .as_array()
        .ok_or_else(|| bad("no runs".into()))?
        .iter()
        .filter(|r| names.iter().any(|n| r["problem"] == n.as_str()))
        .map(|r| SuiteRun {
            problem: text(&r["problem"]),
            method: text(&r["method"]),
            solved: r["solved"].as_bool().unwrap_or(false),
            converged: r["converged"].as_bool(),
            termination: String::new(),
            evaluations: r["evaluations"].as_u64().unwrap_or(0) as usize,
            hessians: r["hessians"].as_u64().unwrap_or(0) as usize,
            seconds: f64::NAN,
        })
        .collect();
    Ok(Reference {
        source: text(&v["source"]),
        settings: SETTINGS.map(|(key, _, _)| text(&v["settings"][key])),
        runs,
    })
}

struct Row {
    method: String,
    solved: usize,
    /// Runs reporting converged away from the known minimum (None: not recorded).
    false_convergences: Option<usize>,
    /// Median f + g evaluations over the solved problems.
    median: Option<usize>,
    /// Median Hessian evaluations over the solved problems (None when the method uses none).
    median_hessians: Option<usize>,
    seconds: f64,
}

fn median(mut v: Vec<usize>) -> Option<usize> {
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

fn summarize(runs: &[SuiteRun], methods: &[String]) -> Vec<Row> {
    methods
        .iter()
        .map(|m| {
            let mine: Vec<&SuiteRun> = runs.iter().filter(|r| &r.method == m).collect();
            let solved: Vec<&&SuiteRun> = mine.iter().filter(|r| r.solved).collect();
            Row {
                method: m.clone(),
                solved: solved.len(),
                false_convergences: mine
                    .iter()
                    .map(|r| r.converged.map(|c| usize::from(c && !r.solved)))
                    .sum(),
                median: median(solved.iter().map(|r| r.evaluations).collect()),
                median_hessians: median(solved.iter().map(|r| r.hessians).collect())
                    .filter(|_| mine.iter().any(|r| r.hessians > 0)),
                seconds: mine.iter().map(|r| r.seconds).sum(),
            }
        })
        .collect()
}

fn dash(v: Option<usize>) -> String {
    v.map_or("-".into(), |m| m.to_string())
}

/// The scipy methods in the data (without the setting suffix), in order of appearance.
fn scipy_methods(runs: &[SuiteRun]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in runs {
        let base = r.method.trim_end_matches(SETTINGS[1].1).to_string();
        if !out.contains(&base) {
            out.push(base);
        }
    }
    out
}

/// scipy's rows at both settings side by side.
fn reference_table(reference: &Reference, count: usize) -> String {
    let bases = scipy_methods(&reference.runs);
    let per_setting: Vec<Vec<Row>> = SETTINGS
        .iter()
        .map(|(_, suffix, _)| {
            let names: Vec<String> = bases.iter().map(|b| format!("{b}{suffix}")).collect();
            summarize(&reference.runs, &names)
        })
        .collect();
    let mut out = format!(
        "\nreference on the same problems, same solved criterion, f+g counted alike ({}):\n",
        reference.source
    );
    for ((_, _, label), how) in SETTINGS.iter().zip(&reference.settings) {
        out.push_str(&format!("  {label}: {how}\n"));
    }
    let cell = |r: &Row| {
        format!(
            "{:>5}/{:<2} {:>6} {:>7} {:>5}",
            r.solved,
            count,
            dash(r.false_convergences),
            dash(r.median),
            dash(r.median_hessians)
        )
    };
    out.push_str(&format!(
        "\n{:<18} {:^29} | {:^29}\n{:<18} {:>8} {:>6} {:>7} {:>5} | {:>8} {:>6} {:>7} {:>5}\n",
        "",
        SETTINGS[0].2,
        SETTINGS[1].2,
        "method",
        "solved",
        "false",
        "f+g",
        "H",
        "solved",
        "false",
        "f+g",
        "H"
    ));
    for (k, base) in bases.iter().enumerate() {
        out.push_str(&format!(
            "{:<18} {} | {}\n",
            base,
            cell(&per_setting[0][k]),
            cell(&per_setting[1][k])
        ));
    }
    out
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
    let settings = match args.settings {
        Settings::Hessopt => SuiteSettings::Hessopt,
        Settings::Scipy => SuiteSettings::Scipy,
    };
    let all = run_mgh(&methods, count, settings, &mut progress)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let names: Vec<String> = mgh().into_iter().take(count).map(|p| p.name).collect();
    let reference = scipy_runs(&names)?;
    let ours: Vec<String> = methods.iter().map(|m| m.to_string()).collect();
    let rows = summarize(&all, &ours);
    // The profile compares at matched settings: scipy's runs at the settings hessopt ran at.
    let (settings_name, matched_k) = match args.settings {
        Settings::Hessopt => ("hessopt", 1),
        Settings::Scipy => ("scipy", 0),
    };
    let matched: Vec<String> = scipy_methods(&reference.runs)
        .iter()
        .map(|b| format!("{b}{}", SETTINGS[matched_k].1))
        .collect();
    if let Some(path) = &args.out {
        let mut every = all.clone();
        every.extend(reference.runs.iter().cloned());
        let labels: Vec<String> = ours.iter().chain(&matched).cloned().collect();
        profile_svg(path, &every, &labels, &names)?;
    }
    if args.json {
        let row = |r: &Row| json!({"method": r.method, "solved": r.solved, "false_convergences": r.false_convergences, "median_evaluations": r.median, "median_hessians": r.median_hessians, "seconds": r.seconds});
        let mut ref_rows = Vec::new();
        for (key, suffix, _) in SETTINGS {
            let names: Vec<String> = scipy_methods(&reference.runs)
                .iter()
                .map(|b| format!("{b}{suffix}"))
                .collect();
            for r in summarize(&reference.runs, &names) {
                let mut v = row(&r);
                v["settings"] = json!(key);
                ref_rows.push(v);
            }
        }
        return Ok(format!(
            "{}\n",
            json!({"problems": count, "settings": settings_name, "matched_reference": SETTINGS[matched_k].0, "methods": rows.iter().map(row).collect::<Vec<_>>(),
                   "reference": {"source": reference.source,
                                 "settings": {"defaults": reference.settings[0], "hessopt_tol": reference.settings[1]},
                                 "methods": ref_rows},
                   "runs": all})
        ));
    }
    let mut out = format!(
        "Moré–Garbow–Hillstrom suite, {count} problems, exact derivatives, {how}\nsolved: f − f* ≤ 1e-8 (f(x0) − f*); false conv.: reported converged but not \
         solved; f+g, H: median evaluations over the solved problems\n\n",
        how = match args.settings {
            Settings::Hessopt => "hessopt's defaults (g_tol 1e-8)",
            Settings::Scipy => {
                "at scipy's defaults (gtol 1e-5, maxiter 200·n; Nelder–Mead xatol = fatol = 1e-4, \
                 maxfev 200·n)"
            }
        }
    );
    out.push_str(&format!(
        "{:<18} {:>8} {:>12} {:>11} {:>6} {:>10}\n",
        "method", "solved", "false conv.", "median f+g", "H", "time"
    ));
    for r in &rows {
        out.push_str(&format!(
            "{:<18} {:>5}/{:<2} {:>12} {:>11} {:>6} {:>8.1}ms\n",
            r.method,
            r.solved,
            count,
            dash(r.false_convergences),
            dash(r.median),
            dash(r.median_hessians),
            r.seconds * 1e3
        ));
    }
    out.push_str(&reference_table(&reference, count));
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
