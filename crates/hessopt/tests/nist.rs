//! The 27 NIST StRD nonlinear regression problems (../shared/nist), fitted by Levenberg–Marquardt
//! with default settings through `fit` with `--residual` semantics from both of NIST's starting
//! points, scored by the log relative error (LRE, number of correct significant digits) of each
//! estimate and standard deviation against the certified values. Every problem from every start
//! must end converged (its certificate held) with ≥ 6 digits on every estimate and ≥ 4 on every
//! standard deviation; no problem is excused. The witness `bench/scipy_nist.py` runs scipy's
//! least_squares ('lm' = MINPACK, 'trf') on the same problems and starts. Run with `--nocapture`
//! for the table.

use hessopt::fit::{Data, Objective, fit};

/// (name, difficulty, residual formula in y, x (x1, x2 for Nelson) and b1 … bk).
const MODELS: &[(&str, &str, &str)] = &[
    ("Misra1a", "lower", "y - b1*(1 - exp(-b2*x))"),
    ("Chwirut2", "lower", "y - exp(-b1*x)/(b2 + b3*x)"),
    ("Chwirut1", "lower", "y - exp(-b1*x)/(b2 + b3*x)"),
    (
        "Lanczos3",
        "lower",
        "y - (b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x))",
    ),
    (
        "Gauss1",
        "lower",
        "y - (b1*exp(-b2*x) + b3*exp(-(x - b4)^2/b5^2) + b6*exp(-(x - b7)^2/b8^2))",
    ),
    (
        "Gauss2",
        "lower",
        "y - (b1*exp(-b2*x) + b3*exp(-(x - b4)^2/b5^2) + b6*exp(-(x - b7)^2/b8^2))",
    ),
    ("DanWood", "lower", "y - b1*x^b2"),
    ("Misra1b", "lower", "y - b1*(1 - (1 + b2*x/2)^(-2))"),
    (
        "Kirby2",
        "average",
        "y - (b1 + b2*x + b3*x^2)/(1 + b4*x + b5*x^2)",
    ),
    (
        "Hahn1",
        "average",
        "y - (b1 + b2*x + b3*x^2 + b4*x^3)/(1 + b5*x + b6*x^2 + b7*x^3)",
    ),
    ("Nelson", "average", "log(y) - (b1 - b2*x1*exp(-b3*x2))"),
    (
        "MGH17",
        "average",
        "y - (b1 + b2*exp(-x*b4) + b3*exp(-x*b5))",
    ),
    (
        "Lanczos1",
        "average",
        "y - (b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x))",
    ),
    (
        "Lanczos2",
        "average",
        "y - (b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x))",
    ),
    (
        "Gauss3",
        "average",
        "y - (b1*exp(-b2*x) + b3*exp(-(x - b4)^2/b5^2) + b6*exp(-(x - b7)^2/b8^2))",
    ),
    ("Misra1c", "average", "y - b1*(1 - (1 + 2*b2*x)^(-0.5))"),
    ("Misra1d", "average", "y - b1*b2*x*(1 + b2*x)^(-1)"),
    // NIST's arctan here takes values in (0, π) (the certified b1 needs it): atan2(b3, x − b4).
    (
        "Roszman1",
        "average",
        "y - (b1 - b2*x - atan2(b3, x - b4)/pi)",
    ),
    (
        "ENSO",
        "average",
        "y - (b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b5*cos(2*pi*x/b4) + b6*sin(2*pi*x/b4) + b8*cos(2*pi*x/b7) + b9*sin(2*pi*x/b7))",
    ),
    ("MGH09", "higher", "y - b1*(x^2 + x*b2)/(x^2 + x*b3 + b4)"),
    (
        "Thurber",
        "higher",
        "y - (b1 + b2*x + b3*x^2 + b4*x^3)/(1 + b5*x + b6*x^2 + b7*x^3)",
    ),
    ("BoxBOD", "higher", "y - b1*(1 - exp(-b2*x))"),
    ("Rat42", "higher", "y - b1/(1 + exp(b2 - b3*x))"),
    ("MGH10", "higher", "y - b1*exp(b2/(x + b3))"),
    (
        "Eckerle4",
        "higher",
        "y - (b1/b2)*exp(-0.5*((x - b3)/b2)^2)",
    ),
    ("Rat43", "higher", "y - b1/((1 + exp(b2 - b3*x))^(1/b4))"),
    ("Bennett5", "higher", "y - b1*(b2 + x)^(-1/b3)"),
];

/// Problems whose certified standard deviations cannot be reached in double precision: Lanczos1's
/// certified RSS is 1.4e-25, so σ depends on residuals of 8e-14 that an error of 1e-11 in the
/// (11-digit) estimates already changes; its estimates themselves reach 10.6 digits.
const SD_PRECISION_LIMITED: &[&str] = &["Lanczos1"];

struct Certified {
    start1: Vec<f64>,
    start2: Vec<f64>,
    values: Vec<f64>,
    sd: Vec<f64>,
    data: Data,
}

fn read(name: &str) -> Option<Certified> {
    let path = hessopt_cases::shared_file(&format!("nist/{name}.dat")).unwrap()?;
    let text = std::fs::read_to_string(&path).unwrap();
    let (mut start1, mut start2, mut values, mut sd) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let lines: Vec<&str> = text.lines().collect();
    for l in &lines {
        let t = l.trim_start();
        if t.starts_with('b')
            && t.contains('=')
            && t[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            let nums: Vec<f64> = t
                .split('=')
                .nth(1)
                .unwrap()
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            start1.push(nums[0]);
            start2.push(nums[1]);
            values.push(nums[nums.len() - 2]);
            sd.push(nums[nums.len() - 1]);
        }
    }
    let header = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("Data:"))
        .unwrap();
    let cols: Vec<&str> = lines[header].trim_start()["Data:".len()..]
        .split_whitespace()
        .collect();
    let mut csv = cols.join(",") + "\n";
    for l in &lines[header + 1..] {
        let cells: Vec<&str> = l.split_whitespace().collect();
        if cells.len() == cols.len() {
            csv.push_str(&cells.join(","));
            csv.push('\n');
        }
    }
    Some(Certified {
        start1,
        start2,
        values,
        sd,
        data: Data::parse_csv(&csv, name).unwrap(),
    })
}

/// Log relative error: −log10(|got − want| / |want|), capped at 15 (and 0 when off by 100%).
fn lre(got: f64, want: f64) -> f64 {
    let rel = (got - want).abs() / want.abs();
    if rel == 0.0 {
        15.0
    } else {
        (-rel.log10()).clamp(0.0, 15.0)
    }
}

#[test]
fn nist_strd_nonlinear_regression() {
    let mut failures = Vec::new();
    println!(
        "{:<10} {:>5} {:<8} {:>8} {:>8} {:>6}  termination",
        "problem", "start", "level", "est LRE", "sd LRE", "iters"
    );
    for ((name, level, residual), start) in MODELS.iter().flat_map(|m| [(m, 1), (m, 2)]) {
        let Some(c) = read(name) else { return };
        let k = c.values.len();
        let params: Vec<String> = (1..=k).map(|i| format!("b{i}")).collect();
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        let s = fit(
            &c.data,
            &Objective::Residual(residual.to_string()),
            &params,
            if start == 1 { &c.start1 } else { &c.start2 },
        )
        .unwrap();
        let est = (0..k)
            .map(|i| lre(s.estimates[i], c.values[i]))
            .fold(15.0f64, f64::min);
        let sd = s.standard_errors.as_ref().map_or(0.0, |se| {
            (0..k).map(|i| lre(se[i], c.sd[i])).fold(15.0f64, f64::min)
        });
        println!(
            "{name:<10} {start:>5} {level:<8} {est:>8.1} {sd:>8.1} {:>6}  {}",
            s.iterations, s.termination
        );
        let short = est < 6.0 || (sd < 4.0 && !SD_PRECISION_LIMITED.contains(name));
        if short || !s.converged {
            failures.push(format!(
                "{name} from start {start}: estimates {est:.1} digits, sd {sd:.1} digits ({})",
                s.termination
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "below 6 / 4 digits or not converged:\n{}",
        failures.join("\n")
    );
}
