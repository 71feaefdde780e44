//! `hessopt plot`: contours of a two-variable formula with each method's path of iterates, or
//! (`--convergence`) f − f_best per iteration on a log scale. SVG through plotters' SVG backend
//! (text as SVG `<text>`, no system fonts needed).

use crate::output::Output;
use clap::Args;
use hessopt::solve::{IterationInfo, Method, Options, minimize};
use hessopt::{Error, Formula, Problem, Result};
use plotters::prelude::*;

use crate::output::num_short;

use super::{check_point, formula_text, parse_formula, parse_numbers, with_bounds};

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The formula (two variables for contour plots), @FILE or - for standard input.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// Starting point, comma separated in variable order.
    #[arg(long, allow_hyphen_values = true, value_name = "X1,X2,...")]
    pub x0: String,
    /// Variable order, comma separated.
    #[arg(long, value_name = "A,B,...")]
    pub vars: Option<String>,
    /// Methods to run and draw, comma separated.
    #[arg(long, default_value = "bfgs,newton,nelder-mead")]
    pub methods: String,
    /// Output SVG file.
    #[arg(long)]
    pub out: String,
    /// Draw f − f_best per iteration (log scale) instead of contours.
    #[arg(long)]
    pub convergence: bool,
    /// Plot window xmin,xmax,ymin,ymax (default: around the paths).
    #[arg(long, allow_hyphen_values = true, value_name = "XMIN,XMAX,YMIN,YMAX")]
    pub window: Option<String>,
    /// Number of contour levels.
    #[arg(long, default_value_t = 18, allow_hyphen_values = true)]
    pub levels: usize,
    /// Lower bounds, one per variable (for lbfgsb and brent).
    #[arg(long, allow_hyphen_values = true, value_name = "L1,L2,...")]
    pub lower: Option<String>,
    /// Upper bounds, one per variable.
    #[arg(long, allow_hyphen_values = true, value_name = "U1,U2,...")]
    pub upper: Option<String>,
    /// Iteration limit per method.
    #[arg(long, default_value_t = 2000, allow_hyphen_values = true)]
    pub max_iter: usize,
}

/// Distinct colours for one curve per method (plots and the performance profile).
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(0, 0, 0),
    RGBColor(90, 90, 160),
];

/// Maps a plotters error to the one-line error naming the output file.
pub fn draw_error<E: std::fmt::Display>(path: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_string(),
        message: e.to_string(),
    }
}

/// Checks that `path` names an SVG file that can be written (plotters reports a failed write
/// only after drawing, as Debug text): a missing directory is "cannot write PATH: reason".
pub fn check_svg_path(path: &str) -> Result<()> {
    let ext = std::path::Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    if let Some(ext) = ext.filter(|e| e != "svg") {
        return Err(Error::invalid(
            "--out",
            format!("'{path}': only SVG is written, not {ext} (name the file .svg)"),
        ));
    }
    std::fs::File::create(path).map_err(|e| Error::Write {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(())
}

/// One method's run: name, iterates, and whether it diverged (f unbounded below or not finite
/// along the path): such a path is clipped at the window and labelled "diverged".
struct Run {
    name: String,
    trace: Vec<IterationInfo>,
    diverged: bool,
}

impl Run {
    fn label(&self) -> String {
        if self.diverged {
            format!("{} (diverged)", self.name)
        } else {
            format!("{} ({} it.)", self.name, self.trace.len().saturating_sub(1))
        }
    }
}

pub fn run(args: &PlotArgs) -> Result<Output> {
    run_text(args).map(Output::plain)
}

fn run_text(args: &PlotArgs) -> Result<String> {
    let text = formula_text(&args.expr)?;
    let x0 = parse_numbers("x0", &args.x0)?;
    let f = parse_formula(&text, &args.vars, Some(x0.len()))?;
    check_point("x0", &x0, f.vars())?;
    if !args.convergence && f.dim() != 2 {
        return Err(Error::invalid(
            "plot",
            format!(
                "contour plots need exactly two variables, the formula has {} (use --convergence)",
                f.dim()
            ),
        ));
    }
    if args.levels == 0 || args.levels > 200 {
        return Err(Error::invalid(
            "--levels",
            format!("{} is not in 1..=200", args.levels),
        ));
    }
    let problem = with_bounds(
        Problem::from_formula(&f),
        args.lower.as_deref(),
        args.upper.as_deref(),
    )?;
    let options = Options::default()
        .with_trace(true)
        .with_max_iter(args.max_iter)
        .map_err(super::rename_option("--max-iter"))?;
    let window = args.window.as_deref().map(parse_window).transpose()?;
    check_svg_path(&args.out)?;
    let mut runs = Vec::new();
    for name in args.methods.split(',').map(str::trim) {
        let method = Method::from_name(name)?;
        let r = minimize(&problem, &x0, &method, &options)?;
        let diverged = matches!(r.termination.as_str(), "unbounded" | "objective_not_finite")
            || r.trace
                .iter()
                .any(|i| !i.value.is_finite() || i.x.iter().any(|v| !v.is_finite()));
        runs.push(Run {
            name: name.to_string(),
            trace: r.trace,
            diverged,
        });
    }
    let title = text.trim();
    if args.convergence {
        convergence_plot(&args.out, title, &runs)?;
    } else {
        let window = window.unwrap_or_else(|| auto_window(&x0, &runs));
        contour_plot(&args.out, title, &f, &runs, window, args.levels)?;
    }
    let summary: Vec<String> = runs
        .iter()
        .map(|r| {
            if r.diverged {
                format!("{} (diverged)", r.name)
            } else {
                format!(
                    "{} ({} iterations)",
                    r.name,
                    r.trace.len().saturating_sub(1)
                )
            }
        })
        .collect();
    Ok(format!("wrote {}: {}\n", args.out, summary.join(", ")))
}

/// `--window`: four finite numbers whose spans are finite and resolvable (the grid needs 110
/// distinct points across each).
fn parse_window(text: &str) -> Result<Window> {
    let v = parse_numbers("window", text)?;
    if v.len() != 4 || v[0] >= v[1] || v[2] >= v[3] {
        return Err(Error::invalid(
            "--window",
            "give xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax",
        ));
    }
    for (axis, lo, hi) in [("x", v[0], v[1]), ("y", v[2], v[3])] {
        let span = hi - lo;
        if !span.is_finite() {
            return Err(Error::invalid(
                "--window",
                format!(
                    "the {axis} span from {} to {} overflows: give a finite width and height",
                    num_short(lo),
                    num_short(hi)
                ),
            ));
        }
        if span <= 1e-10 * lo.abs().max(hi.abs()) {
            return Err(Error::invalid(
                "--window",
                format!(
                    "the {axis} span from {} to {} is too narrow to draw at this magnitude",
                    num_short(lo),
                    num_short(hi)
                ),
            ));
        }
    }
    Ok((v[0], v[1], v[2], v[3]))
}

/// A plot window xmin, xmax, ymin, ymax.
type Window = (f64, f64, f64, f64);

/// The bounding box of the start and the paths that did not diverge, widened by 15% and to a
/// minimal span; diverged paths count only within ten times that box's size of the start (the
/// rest is clipped). Spans stay finite at any magnitude.
fn auto_window(x0: &[f64], runs: &[Run]) -> Window {
    let finite = |p: &IterationInfo| p.x.iter().all(|v| v.is_finite());
    let bbox = |pts: &mut dyn Iterator<Item = (f64, f64)>| {
        pts.fold((x0[0], x0[0], x0[1], x0[1]), |(a, b, c, d), (x, y)| {
            (a.min(x), b.max(x), c.min(y), d.max(y))
        })
    };
    let steady = bbox(&mut runs.iter().filter(|r| !r.diverged).flat_map(|r| {
        r.trace
            .iter()
            .filter(|p| finite(p))
            .map(|p| (p.x[0], p.x[1]))
    }));
    // Half-spans and centres as a/2 ± b/2, which cannot overflow.
    let half = |a: f64, b: f64| b / 2.0 - a / 2.0;
    let reach = 10.0
        * [
            1.0,
            x0[0].abs(),
            x0[1].abs(),
            half(steady.0, steady.1),
            half(steady.2, steady.3),
        ]
        .into_iter()
        .fold(0.0f64, f64::max);
    let near = |p: &&IterationInfo| {
        (p.x[0] / 2.0 - x0[0] / 2.0).abs() <= reach / 2.0
            && (p.x[1] / 2.0 - x0[1] / 2.0).abs() <= reach / 2.0
    };
    let all = bbox(&mut runs.iter().flat_map(|r| {
        r.trace
            .iter()
            .filter(|p| finite(p))
            .filter(move |p| !r.diverged || near(p))
            .map(|p| (p.x[0], p.x[1]))
    }));
    let widen = |a: f64, b: f64| {
        let (mid, h) = (a / 2.0 + b / 2.0, half(a, b));
        let h = (h * 1.15).max(0.1 * a.abs().max(b.abs()).max(1.0));
        let (mid, h) = (mid.clamp(-1e307, 1e307), h.min(1e307));
        (mid - h, mid + h)
    };
    let ((xa, xb), (ya, yb)) = (widen(all.0, all.1), widen(all.2, all.3));
    (xa, xb, ya, yb)
}

/// The part of the segment p → q inside the window, if any: both ends inside as they are; one
/// end outside replaced by the border crossing (computed from a direction scaled to unit size,
/// so points at ±1e308 do not overflow); both ends outside or a non-finite end: nothing.
fn clip(p: (f64, f64), q: (f64, f64), w: Window) -> Option<[(f64, f64); 2]> {
    let inside = |a: (f64, f64)| a.0 >= w.0 && a.0 <= w.1 && a.1 >= w.2 && a.1 <= w.3;
    let (ip, iq) = (inside(p), inside(q));
    if ip && iq {
        return Some([p, q]);
    }
    if !(ip || iq) || ![p.0, p.1, q.0, q.1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (a, b) = if ip { (p, q) } else { (q, p) };
    let d = (b.0 / 2.0 - a.0 / 2.0, b.1 / 2.0 - a.1 / 2.0);
    let m = d.0.abs().max(d.1.abs());
    let d = (d.0 / m, d.1 / m);
    let exit = |a: f64, d: f64, lo: f64, hi: f64| match d {
        d if d > 0.0 => (hi - a) / d,
        d if d < 0.0 => (lo - a) / d,
        _ => f64::INFINITY,
    };
    let t = exit(a.0, d.0, w.0, w.1).min(exit(a.1, d.1, w.2, w.3));
    let e = (
        (a.0 + t * d.0).clamp(w.0, w.1),
        (a.1 + t * d.1).clamp(w.2, w.3),
    );
    Some(if ip { [a, e] } else { [e, a] })
}

/// Contour levels: log-spaced above the grid minimum when values span several decades, else
/// evenly spaced, between the 1% and 90% quantiles of the grid.
fn levels(values: &[f64], count: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Vec::new();
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p) as usize];
    let (min, lo, mid, hi) = (v[0], q(0.01), q(0.5), q(0.9));
    let wide = mid - min > 0.0 && (hi - min) / (mid - min) > 20.0
        || (lo - min) > 0.0 && (hi - min) / (lo - min) > 1e3;
    (0..count)
        .map(|k| {
            let t = (k as f64 + 0.5) / count as f64;
            if wide {
                let (a, b) = ((lo - min).max((hi - min) * 1e-6), hi - min);
                min + a * (b / a).powf(t)
            } else {
                lo + (hi - lo) * t
            }
        })
        .collect()
}

/// Marching squares: the segments of the level set {f = level} on the grid.
fn contour_segments(z: &[Vec<f64>], xs: &[f64], ys: &[f64], level: f64) -> Vec<[(f64, f64); 2]> {
    let mut out = Vec::new();
    let lerp = |a: (f64, f64, f64), b: (f64, f64, f64)| {
        let t = (level - a.2) / (b.2 - a.2);
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    };
    for i in 0..xs.len() - 1 {
        for j in 0..ys.len() - 1 {
            let c = [
                (xs[i], ys[j], z[i][j]),
                (xs[i + 1], ys[j], z[i + 1][j]),
                (xs[i + 1], ys[j + 1], z[i + 1][j + 1]),
                (xs[i], ys[j + 1], z[i][j + 1]),
            ];
            if c.iter().any(|p| !p.2.is_finite()) {
                continue;
            }
            // Crossing points on the four edges, in order; a cell has 0, 2 or 4 of them.
            let crossings: Vec<(f64, f64)> = (0..4)
                .filter_map(|e| {
                    let (a, b) = (c[e], c[(e + 1) % 4]);
                    ((a.2 < level) != (b.2 < level)).then(|| lerp(a, b))
                })
                .collect();
            for pair in crossings.chunks(2) {
                if let [p, q] = pair {
                    out.push([*p, *q]);
                }
            }
        }
    }
    out
}

/// Joins marching-squares segments that share endpoints into polylines (fewer, longer SVG paths).
fn chain(segments: Vec<[(f64, f64); 2]>) -> Vec<Vec<(f64, f64)>> {
    use std::collections::HashMap;
    let key = |p: (f64, f64)| ((p.0 * 1e9).round() as i64, (p.1 * 1e9).round() as i64);
    let mut ends: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, s) in segments.iter().enumerate() {
        ends.entry(key(s[0])).or_default().push(i);
        ends.entry(key(s[1])).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut line = vec![segments[start][0], segments[start][1]];
        // Extend forwards from the last point, then backwards from the first.
        for forward in [true, false] {
            loop {
                let tip = if forward {
                    line[line.len() - 1]
                } else {
                    line[0]
                };
                let next = ends
                    .get(&key(tip))
                    .and_then(|c| c.iter().copied().find(|&i| !used[i]));
                let Some(i) = next else { break };
                used[i] = true;
                let s = segments[i];
                let other = if key(s[0]) == key(tip) { s[1] } else { s[0] };
                if forward {
                    line.push(other);
                } else {
                    line.insert(0, other);
                }
            }
        }
        lines.push(line);
    }
    lines
}

fn contour_plot(
    path: &str,
    title: &str,
    f: &Formula,
    runs: &[Run],
    (x0, x1, y0, y1): (f64, f64, f64, f64),
    count: usize,
) -> Result<()> {
    let n = 110;
    let xs: Vec<f64> = (0..=n)
        .map(|i| x0 + (x1 - x0) * i as f64 / n as f64)
        .collect();
    let ys: Vec<f64> = (0..=n)
        .map(|j| y0 + (y1 - y0) * j as f64 / n as f64)
        .collect();
    let mut ws = f.workspace();
    let z: Vec<Vec<f64>> = xs
        .iter()
        .map(|&x| {
            ys.iter()
                .map(|&y| f.value_with(&[x, y], &mut ws).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let flat: Vec<f64> = z.iter().flatten().copied().collect();
    let err = draw_error(path);
    let root = SVGBackend::new(path, (820, 720)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let vars = f.vars();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .x_desc(vars[0].as_str())
        .y_desc(vars[1].as_str())
        .light_line_style(WHITE)
        .draw()
        .map_err(&err)?;
    let lv = levels(&flat, count);
    for (k, &level) in lv.iter().enumerate() {
        let shade = 120 + (110.0 * k as f64 / lv.len().max(1) as f64) as u8;
        let style = RGBColor(shade, shade, shade).stroke_width(1);
        chart
            .draw_series(
                chain(contour_segments(&z, &xs, &ys, level))
                    .into_iter()
                    .map(|line| PathElement::new(line, style)),
            )
            .map_err(&err)?;
    }
    let window = (x0, x1, y0, y1);
    let inside = |p: &(f64, f64)| clip(*p, *p, window).is_some();
    for (k, run) in runs.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let pts: Vec<(f64, f64)> = run.trace.iter().map(|i| (i.x[0], i.x[1])).collect();
        let segments: Vec<[(f64, f64); 2]> = pts
            .windows(2)
            .filter_map(|s| clip(s[0], s[1], window))
            .collect();
        chart
            .draw_series(
                segments
                    .into_iter()
                    .map(|s| PathElement::new(s.to_vec(), color.stroke_width(2))),
            )
            .map_err(&err)?
            .label(run.label())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart
            .draw_series(
                pts.iter()
                    .filter(|p| inside(p))
                    .map(|p| Circle::new(*p, 2, color.filled())),
            )
            .map_err(&err)?;
        if let Some(last) = pts.last().filter(|p| inside(p)) {
            chart
                .draw_series(std::iter::once(Cross::new(*last, 7, color.stroke_width(2))))
                .map_err(&err)?;
        }
    }
    if let Some(start) = runs.first().and_then(|r| r.trace.first()) {
        chart
            .draw_series(std::iter::once(Circle::new(
                (start.x[0], start.x[1]),
                7,
                BLACK.stroke_width(2),
            )))
            .map_err(&err)?
            .label("start")
            .legend(|(x, y)| Circle::new((x + 9, y), 5, BLACK.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}

/// f − f_best per iteration, f_best over the runs that did not diverge; a diverged run is drawn
/// until it leaves the range (below f_best or above the others' largest gap).
fn convergence_plot(path: &str, title: &str, runs: &[Run]) -> Result<()> {
    let steady = || runs.iter().filter(|r| !r.diverged);
    let best = steady()
        .flat_map(|r| r.trace.iter().map(|i| i.value))
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    if !best.is_finite() {
        return Err(Error::invalid(
            "plot",
            "every method diverged (f unbounded below or not finite along its path): there is no f_best to plot against; try other --methods or --x0, or a contour plot",
        ));
    }
    let gap = |v: f64| (v - best).clamp(1e-17, f64::MAX);
    let iters = runs.iter().map(|r| r.trace.len()).max().unwrap_or(1).max(2) as f64;
    let top = steady()
        .flat_map(|r| r.trace.iter().map(|i| gap(i.value)))
        .fold(1e-16, f64::max);
    let top = (top * 10.0).min(f64::MAX);
    let err = draw_error(path);
    let root = SVGBackend::new(path, (820, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("f - f_best: {title}"), ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(65)
        .build_cartesian_2d(0f64..iters, (1e-17f64..top).log_scale())
        .map_err(&err)?;
    chart
        .configure_mesh()
        .x_desc("iteration")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_desc("f - f_best")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(&err)?;
    for (k, run) in runs.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let pts: Vec<(f64, f64)> = run
            .trace
            .iter()
            .take_while(|i| !run.diverged || (i.value >= best && gap(i.value) <= top))
            .map(|i| (i.iteration as f64, gap(i.value)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(&err)?
            .label(if run.diverged {
                run.label()
            } else {
                run.name.clone()
            })
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}
