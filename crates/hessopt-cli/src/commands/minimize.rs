//! `hessopt minimize`: minimize a formula with any method of the library.

use std::io::IsTerminal;

use clap::Args;
use hessopt::solve::{
    AugmentedLagrangian, Constraint, Control, HessianStorage, IterationInfo, Method,
    OptimumCurvature, Options, Termination, TrustRegion, curvature_at_tol,
    minimize_constrained_with_callback, minimize_with_callback, parse_constraint,
};
use hessopt::{Error, Formula, Problem, Result};
use serde_json::json;

use super::{check_point, formula_text, parse_formula, parse_numbers, with_bounds, with_limits};
use crate::output::{
    Output, Report, condition_text, matrix_json, matrix_short, matrix_text, num, num_short,
    vec_short, vec_text,
};

/// Arguments of `minimize`.
#[derive(Debug, Args)]
pub struct MinimizeArgs {
    /// The formula to minimize, e.g. "100*(y - x^2)^2 + (1 - x)^2", @FILE ('#' comments
    /// allowed) or - for standard input.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// Starting point, comma separated in variable order, e.g. --x0=-1.2,1, or @FILE (not needed by brent,
    /// which searches the interval --lower..--upper as R's optimize does).
    #[arg(long, allow_hyphen_values = true, value_name = "X1,X2,...")]
    pub x0: Option<String>,
    /// Variable order, comma separated (default: natural order, x before y, x2 before x10).
    #[arg(long, value_name = "A,B,...")]
    pub vars: Option<String>,
    /// Method: nelder-mead, bfgs, dfp, sr1, lbfgs, lbfgsb, cg, newton, trust-region,
    /// gradient-descent, sgd, sann, brent; case-insensitive, with R's and scipy's spellings
    /// (BFGS, L-BFGS-B, Nelder-Mead, CG, SANN, Brent; trust-ncg and trust-exact for the
    /// trust-region method with the truncated-CG or the exact subproblem). Default: brent for one
    /// bounded variable, lbfgsb with bounds, trust-exact with n ≤ 200 (on the 35 MGH problems 35
    /// solved, median 28 f+g; scipy's trust-exact at the same tolerance 34, median 30;
    /// `hessopt bench`), trust-region (truncated CG) to 500, bfgs to 1000, lbfgs beyond.
    #[arg(long)]
    pub method: Option<String>,
    /// Newton and trust-region: keep the Hessian sparse (the pattern read off the formula, a
    /// sparse Cholesky after a minimum-degree ordering; memory O(nnz)). Chosen without the flag
    /// from n = 200 when at most 10% of the Hessian's entries can be nonzero. Without --method:
    /// trust-region.
    #[arg(long)]
    pub sparse: bool,
    /// Iteration limit. Default per method for n variables: 200·n and at least 1000 for the
    /// gradient and Newton methods and brent (scipy's rule for BFGS; R's maxit = 100 is too few
    /// for chained Rosenbrock at n = 400, which lbfgs solves in about 2000), 200·n and at least
    /// 10 000 for cg, 10 000 for nelder-mead (R: 500), sann (as R) and sgd, 100 000 for
    /// gradient-descent.
    #[arg(long, allow_hyphen_values = true)]
    pub max_iter: Option<usize>,
    /// Limit on evaluations of f and its gradient (with --constraint: over all inner solves).
    /// Checked before each iteration, so that iteration's line search may go beyond it (bfgs on
    /// -x with --max-evals 4 extrapolates to 31 f + 31 gradient evaluations). Default none.
    #[arg(long, allow_hyphen_values = true)]
    pub max_evals: Option<usize>,
    /// Gradient tolerance: stop when the (projected) gradient's largest entry is below it (with
    /// --constraint: the same for the gradient of the Lagrangian). Not used by nelder-mead, sann
    /// and brent, which use no gradient.
    #[arg(long, default_value_t = 1e-8, allow_hyphen_values = true)]
    pub tol: f64,
    /// Relative tolerance on f, as R's reltol: for nelder-mead the simplex test (spread of values
    /// ≤ reltol·(|f| + reltol); default √ε ≈ 1.49e-8 as in R); for the gradient methods a stop
    /// when one iteration reduces f by less than reltol·|f| (off by default; reported as
    /// small_f_change, which is not a convergence certificate). brent's test is on x (its
    /// tolerance √ε), sann runs its iterations: --reltol is an error for both.
    #[arg(long, allow_hyphen_values = true)]
    pub reltol: Option<f64>,
    /// nelder-mead only: scipy's simplex test in place of --reltol's — stop when every vertex is
    /// within XATOL of the best in each coordinate and the values spread by at most --fatol
    /// (either alone takes scipy's 1e-4 for the other; both ≥ 0). Still certified by the
    /// restart of the simplex at the best point (simplex_converged).
    #[arg(long, allow_hyphen_values = true)]
    pub xatol: Option<f64>,
    /// nelder-mead only: the absolute spread of values of scipy's simplex test (see --xatol).
    #[arg(long, allow_hyphen_values = true)]
    pub fatol: Option<f64>,
    /// Maximize instead (R's fnscale = -1): the run minimizes −f; the report gives the maximum of f
    /// under value and classifies the point from f's Hessian; --hessian's covariance is (−∇²f)⁻¹.
    #[arg(long)]
    pub maximize: bool,
    /// Seed for stochastic methods (sgd, sann).
    #[arg(long, default_value_t = 42, allow_hyphen_values = true)]
    pub seed: u64,
    /// Lower bounds, one per variable ("-inf" for none).
    #[arg(long, allow_hyphen_values = true, value_name = "L1,L2,...")]
    pub lower: Option<String>,
    /// Upper bounds, one per variable ("inf" for none).
    #[arg(long, allow_hyphen_values = true, value_name = "U1,U2,...")]
    pub upper: Option<String>,
    /// Print one line per iteration as the run goes (to stderr with --json); with --constraint
    /// one per outer iteration of the augmented Lagrangian.
    #[arg(long)]
    pub trace: bool,
    /// A constraint such as "x1*x2 >= 25", "x1 + x2 <= 3" or "x1^2 + x2^2 = 40", or @FILE
    /// (repeatable): solved by the augmented Lagrangian with L-BFGS-B inner solves.
    #[arg(long, allow_hyphen_values = true)]
    pub constraint: Vec<String>,
    /// After the run: the Hessian at the optimum, eigenvalues, classification, covariance and
    /// standard errors (reduced to the free variables when bounds are active).
    #[arg(long)]
    pub hessian: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `--xatol`/`--fatol`: Nelder–Mead's absolute simplex test (scipy's), either alone with scipy's
/// 1e-4 for the other; an error with --reltol or another method.
fn absolute_simplex_test(args: &MinimizeArgs, method: Method) -> Result<Method> {
    let flag = match (args.xatol, args.fatol) {
        (None, None) => return Ok(method),
        (Some(_), _) => "--xatol",
        (None, Some(_)) => "--fatol",
    };
    match method {
        Method::NelderMead(_) if args.reltol.is_some() => Err(Error::invalid(
            flag,
            "is scipy's simplex test and --reltol is R's: give one of them",
        )),
        Method::NelderMead(nm) => nm
            .with_absolute_tolerances(args.xatol.unwrap_or(1e-4), args.fatol.unwrap_or(1e-4))
            .map(Method::NelderMead)
            .map_err(|e| match e {
                Error::InvalidArgument { name, message } => Error::invalid(
                    if name == "x_atol" {
                        "--xatol"
                    } else {
                        "--fatol"
                    },
                    message,
                ),
                other => other,
            }),
        m => Err(Error::invalid(
            flag,
            format!("is nelder-mead's simplex test, not {}'s", m.name()),
        )),
    }
}

pub fn run(args: &MinimizeArgs) -> Result<Output> {
    let text = formula_text(&args.expr)?;
    let given_x0 = args
        .x0
        .as_deref()
        .map(|t| parse_numbers("x0", t))
        .transpose()?;
    let f = parse_formula(&text, &args.vars, given_x0.as_ref().map(Vec::len))?;
    fn bounded<'a>(p: Problem<'a>, args: &MinimizeArgs) -> Result<Problem<'a>> {
        with_bounds(p, args.lower.as_deref(), args.upper.as_deref())
    }
    // The objective the solver minimizes: f, or −f with --maximize.
    let sign = if args.maximize { -1.0 } else { 1.0 };
    let problem = if args.maximize {
        bounded(Problem::from_formula(&f).negated(), args)?
    } else {
        bounded(Problem::from_formula(&f), args)?
    };
    let method = match &args.method {
        Some(name) => Method::from_name(name)?,
        // --sparse alone asks for a sparse second-order method: the trust region with Steihaug's
        // truncated CG on sparse products (the default's exact subproblem, or BFGS/L-BFGS at
        // large n, would refuse the flag).
        None if args.sparse => Method::TrustRegion(TrustRegion::default()),
        None => Method::default_for(&problem),
    };
    let method = match (args.sparse, method) {
        (false, m) => m,
        (true, Method::Newton(c)) => Method::Newton(c.with_storage(HessianStorage::Sparse)),
        (true, Method::TrustRegion(c)) => {
            Method::TrustRegion(c.with_storage(HessianStorage::Sparse))
        }
        (true, m) => {
            return Err(Error::invalid(
                "--sparse",
                format!(
                    "only newton and trust-region use a Hessian to step ({} does not)",
                    m.name()
                ),
            ));
        }
    };
    let x0 = match (given_x0, &method, problem.bounds()) {
        (Some(x0), _, _) => x0,
        // Brent starts at the golden-section point of the interval whatever it is given.
        (None, Method::Brent(_), Some((lo, _))) if args.constraint.is_empty() => lo.to_vec(),
        (None, m, _) => {
            return Err(Error::invalid(
                "--x0",
                format!(
                    "a start is needed for {} (only brent, with --lower and --upper, starts without one)",
                    if args.constraint.is_empty() {
                        m.name()
                    } else {
                        "--constraint"
                    }
                ),
            ));
        }
    };
    check_point("x0", &x0, f.vars())?;
    let mut options = with_limits(
        Options::default()
            .with_g_tol(args.tol)
            .map_err(super::rename_option("--tol"))?
            .with_seed(args.seed),
        args.max_iter,
        args.max_evals,
    )?;
    if !args.constraint.is_empty() {
        for (name, given) in [
            ("--reltol", args.reltol.is_some()),
            ("--xatol", args.xatol.is_some()),
            ("--fatol", args.fatol.is_some()),
        ] {
            if given {
                return Err(Error::invalid(
                    name,
                    "not available with --constraint (its tests are the KKT conditions, --tol)",
                ));
            }
        }
        return constrained(args, &f, &problem, &x0, &options);
    }
    let method = match (args.reltol, method) {
        (None, m) => m,
        (Some(r), Method::NelderMead(nm)) => {
            Method::NelderMead(nm.with_f_tol(r).map_err(super::rename_option("--reltol"))?)
        }
        (Some(_), m @ (Method::Brent(_) | Method::Sann(_))) => {
            return Err(Error::invalid(
                "--reltol",
                format!(
                    "{} has no test on f ({})",
                    m.name(),
                    if matches!(m, Method::Brent(_)) {
                        "its test is the interval width"
                    } else {
                        "it runs --max-iter iterations"
                    }
                ),
            ));
        }
        (Some(r), m) => {
            options = options
                .with_f_tol(r)
                .map_err(super::rename_option("--reltol"))?;
            m
        }
    };
    let method = absolute_simplex_test(args, method)?;
    let json_mode = args.json;
    // A progress line for people watching a terminal; nothing for pipes, JSON or --trace.
    let spinner = (!json_mode && !args.trace && std::io::stdout().is_terminal()).then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    });
    let mut trace = |i: &IterationInfo| {
        if let Some(s) = &spinner {
            if i.iteration % 50 == 0 {
                s.set_message(format!(
                    "iteration {}  f {}",
                    i.iteration,
                    num_short(sign * i.value)
                ));
            }
            return Control::Continue;
        }
        crate::output::trace_line(i, "f", sign, json_mode);
        Control::Continue
    };
    let callback: Option<&mut dyn FnMut(&IterationInfo) -> Control> =
        if args.trace || spinner.is_some() {
            Some(&mut trace)
        } else {
            None
        };
    let r = minimize_with_callback(&problem, &x0, &method, &options, callback)?;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let mut out = Report::new(args.json);
    out.outcome(&r.method, r.converged, r.termination.as_str());
    out.field("vars", f.vars().join(", "), json!(f.vars()));
    out.field("x", vec_text(&r.x), json!(r.x));
    if args.maximize {
        out.field(
            "maximized",
            "yes (value is the maximum of f; the run minimized -f)".into(),
            json!(true),
        );
    }
    out.field("value", num(sign * r.value), json!(sign * r.value));
    let gn = if r.gradient_norm.is_nan() {
        None
    } else {
        Some(r.gradient_norm)
    };
    out.field("gradient_norm", gn.map_or("-".into(), num_short), json!(gn));
    out.field("iterations", r.iterations.to_string(), json!(r.iterations));
    out.evaluations(&r.evaluations);
    let ms = r.elapsed.as_secs_f64() * 1e3;
    out.field("time_ms", format!("{ms:.3}"), json!(ms));
    for note in &r.notes {
        out.field("note", note.clone(), json!(r.notes));
    }
    // f's own curvature (with --maximize the solver's problem is −f): Hessian, eigenvalues and
    // the classification of the point. Covariance, standard errors and their warnings come from
    // the minimized objective, −f with --maximize, positive definite at a maximum.
    let own = if args.hessian || args.maximize {
        Some(curvature_at_tol(
            &bounded(Problem::from_formula(&f), args)?,
            &r.x,
            options.g_tol,
        )?)
    } else {
        None
    };
    if let (Some(own), false) = (&own, args.hessian) {
        out.field(
            "classification",
            own.analysis.classification.explain().into(),
            json!(own.analysis.classification.as_str()),
        );
    }
    if let (Some(own), true) = (own, args.hessian) {
        // f's own Hessian and its analysis; covariance and warnings from the minimized objective.
        let mut c = if args.maximize {
            let mut c = curvature_at_tol(&problem, &r.x, options.g_tol)?;
            c.hessian = own.hessian;
            c.reduced = own.reduced;
            c.error = own.error;
            c.analysis = own.analysis;
            c
        } else {
            own
        };
        if r.termination == Termination::Unbounded {
            // The point's own curvature may look like a minimum (x³ + y² stops at x = 3.9e-5,
            // where f'' > 0 and f' = 4.5e-9) but the run found f falling without bound from it.
            c.covariance = None;
            c.standard_errors = None;
            c.warnings.push(
                "the run found f unbounded below from this point: the Hessian describes the point only; no minimum, no covariance or standard errors".into(),
            );
        }
        curvature_fields(&mut out, f.vars(), &c);
        for w in &c.warnings {
            out.field("warning", w.clone(), json!(c.warnings));
        }
    }
    Ok(out.finish())
}

/// The `--hessian` fields: with variables held at a bound, everything is on the free variables
/// (the Hessian, its error, eigenvalues, covariance); standard errors line up with all variables,
/// "-" (null) for fixed ones. With no free variable only the fixed list and the warning remain.
fn curvature_fields(out: &mut Report, vars: &[String], c: &OptimumCurvature) {
    let idx: Vec<usize> = (0..vars.len()).filter(|&i| c.free[i]).collect();
    let fixed: Vec<&str> = (0..vars.len())
        .filter(|&i| !c.free[i])
        .map(|i| vars[i].as_str())
        .collect();
    if !fixed.is_empty() {
        let free: Vec<&str> = idx.iter().map(|&i| vars[i].as_str()).collect();
        let text = if free.is_empty() {
            "- (every variable is at a bound)".to_string()
        } else {
            free.join(", ")
        };
        out.field("free_variables", text, json!(free));
        out.field("fixed_at_bound", fixed.join(", "), json!(fixed));
    }
    if idx.is_empty() {
        return;
    }
    out.field("hessian", matrix_text(&c.reduced), matrix_json(&c.reduced));
    if let Some(e) = &c.error {
        let e = e.select_rows(&idx).select_columns(&idx);
        out.field("hessian_error_estimate", matrix_short(&e), matrix_json(&e));
    }
    let a = &c.analysis;
    out.field(
        "eigenvalues",
        format!("{}  (ascending)", vec_short(&a.eigenvalues)),
        json!(a.eigenvalues),
    );
    out.field(
        "classification",
        a.classification.explain().into(),
        json!(a.classification.as_str()),
    );
    out.field(
        "condition_number",
        condition_text(a.condition_number),
        json!(a.condition_number),
    );
    match (&c.covariance, &c.standard_errors) {
        (Some(cov), Some(se)) => {
            let mut all: Vec<Option<f64>> = vec![None; vars.len()];
            for (k, &i) in idx.iter().enumerate() {
                all[i] = Some(se[k]);
            }
            let text: Vec<String> = all
                .iter()
                .map(|v| v.map_or("-".into(), num_short))
                .collect();
            out.field("covariance", matrix_short(cov), matrix_json(cov));
            out.field(
                "standard_errors",
                format!("[{}]", text.join(", ")),
                json!(all),
            );
        }
        _ => {
            out.field("covariance", "-".into(), serde_json::Value::Null);
            out.field("standard_errors", "-".into(), serde_json::Value::Null);
        }
    }
}

/// `minimize` with `--constraint`: the augmented Lagrangian.
fn constrained(
    args: &MinimizeArgs,
    f: &Formula,
    problem: &Problem<'_>,
    x0: &[f64],
    options: &Options,
) -> Result<Output> {
    if args.hessian {
        return Err(Error::invalid(
            "--hessian",
            "not available with --constraint: the objective's Hessian alone is not the curvature of the constrained problem",
        ));
    }
    if let Some(m) = args
        .method
        .as_deref()
        .filter(|m| Method::from_name(m).map_or(true, |m| m.name() != "lbfgsb"))
    {
        return Err(Error::invalid(
            "method",
            format!(
                "'{m}' cannot take --constraint: constraints use the augmented Lagrangian (inner solver lbfgsb)"
            ),
        ));
    }
    let vars: Vec<&str> = f.vars().iter().map(String::as_str).collect();
    let parsed = args
        .constraint
        .iter()
        .map(|c| {
            let text = formula_text(c)?;
            parse_constraint(&text, &vars).map(|(f, k)| (f, k, text))
        })
        .collect::<Result<Vec<_>>>()?;
    // Messages name each constraint as the user wrote it.
    let constraints: Vec<Constraint> = parsed
        .iter()
        .map(|(c, k, text)| {
            let mut constraint = Constraint::from_formula(*k, c);
            constraint.label = text.trim().to_string();
            constraint
        })
        .collect();
    let mut start = x0.to_vec();
    let mut notes = Vec::new();
    if let Some((lo, hi)) = problem.bounds() {
        let projected: Vec<f64> = start
            .iter()
            .enumerate()
            .map(|(i, v)| v.clamp(lo[i], hi[i]))
            .collect();
        if projected != start {
            notes.push("x0 was outside the bounds and has been projected into them".to_string());
            start = projected;
        }
    }
    // --tol is the stationarity tolerance of the KKT test here.
    let config = AugmentedLagrangian {
        optimality_tol: options.g_tol,
        ..AugmentedLagrangian::default()
    };
    // --trace: one line per outer iteration (f at the outer iterate).
    let sign = if args.maximize { -1.0 } else { 1.0 };
    let mut trace = |i: &IterationInfo| {
        crate::output::trace_line(i, "f", sign, args.json);
        Control::Continue
    };
    let callback: Option<&mut dyn FnMut(&IterationInfo) -> Control> =
        args.trace.then_some(&mut trace);
    let r = minimize_constrained_with_callback(
        problem,
        &constraints,
        &start,
        &config,
        options,
        callback,
    )?;
    let mut out = Report::new(args.json);
    out.outcome("augmented-lagrangian", r.converged, r.termination.as_str());
    out.field("vars", f.vars().join(", "), json!(f.vars()));
    out.field("x", vec_text(&r.x), json!(r.x));
    if args.maximize {
        notes.push("maximized: value is the maximum of f; the multipliers are those of -f".into());
    }
    out.field("value", num(sign * r.value), json!(sign * r.value));
    out.field(
        "multipliers",
        vec_text(&r.multipliers),
        json!(r.multipliers),
    );
    out.field(
        "max_violation",
        num_short(r.max_violation),
        json!(r.max_violation),
    );
    out.field(
        "kkt",
        format!(
            "stationarity {}, feasibility {}, complementarity {}",
            num_short(r.kkt.stationarity),
            num_short(r.kkt.feasibility),
            num_short(r.kkt.complementarity)
        ),
        json!({"stationarity": r.kkt.stationarity, "feasibility": r.kkt.feasibility, "complementarity": r.kkt.complementarity}),
    );
    out.field(
        "iterations",
        format!("{} outer, {} inner", r.outer_iterations, r.inner_iterations),
        json!(r.outer_iterations + r.inner_iterations),
    );
    out.evaluations(&r.evaluations);
    for (i, s) in r.constraint_scales.iter().enumerate() {
        if *s != 1.0 {
            notes.push(format!(
                "constraint {} was solved times 2^{} (the KKT feasibility is in those units)",
                i + 1,
                s.log2()
            ));
        }
    }
    for note in &notes {
        out.field("note", note.clone(), json!(notes));
    }
    Ok(out.finish())
}
