//! Witnesses for the suite's expected failures (tests/suite.rs) where scipy has no method of
//! the same kind: argmin 0.11's DFP, SR1 trust region, nonlinear CG and steepest descent on the
//! same 35 MGH problems and 7 shared cases, with the same exact derivatives (hessopt's formulas), the same
//! line-search constants as hessopt's defaults and a gradient tolerance of 1e-8 (argmin's is the
//! Euclidean norm, stricter than hessopt's largest entry). The iteration limit is hessopt's
//! default for the method, and the run also stops at 20 000 f + g evaluations as the suite does
//! (argmin counts them; the check is after each iteration).
//!
//! ```sh
//! HESSOPT_SHARED=../shared cargo run -p hessopt --example argmin_witness -- dfp [problem …]
//! ```
//! Methods: `dfp`, `sr1` (Steihaug subproblem), `cg` (Polak–Ribière+), `gradient-descent`; the
//! line searches are Moré–Thuente with c1 = 1e-4 and c2 = 0.1 (hessopt's default for DFP, CG
//! and steepest descent) or `C2` from the environment. Prints one row per problem: f at the
//! end, the iterations and f + g evaluations, whether the suite's criterion holds, argmin's
//! stop reason.

use argmin::core::{
    CostFunction, Error, Executor, Gradient, Hessian, IterState, KV, Problem as ArgminProblem,
    Solver, State, TerminationReason, TerminationStatus,
};
use argmin::solver::conjugategradient::NonlinearConjugateGradient;
use argmin::solver::conjugategradient::beta::PolakRibierePlus;
use argmin::solver::gradientdescent::SteepestDescent;
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::{DFP, SR1TrustRegion};
use argmin::solver::trustregion::Steihaug;
use hessopt::Formula;

struct Objective<'a>(&'a Formula);

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.0.value(x)?)
    }
}

impl Gradient for Objective<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        Ok(self.0.gradient(x)?.1)
    }
}

impl Hessian for Objective<'_> {
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;
    fn hessian(&self, _x: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        Err(Error::msg("SR1 does not evaluate Hessians"))
    }
}

struct Case {
    name: String,
    formula: Formula,
    x0: Vec<f64>,
    solved: Box<dyn Fn(f64) -> bool>,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = hessopt::problems::mgh()
        .into_iter()
        .map(|p| {
            let formula = p.objective().expect("MGH formula");
            let f0 = formula.value(&p.x0).expect("f(x0)");
            Case {
                name: p.name.clone(),
                x0: p.x0.clone(),
                formula,
                solved: Box::new(move |f| p.solved(f, f0)),
            }
        })
        .collect();
    for c in hessopt_cases::minimize_cases()
        .expect("shared cases")
        .unwrap_or_default()
    {
        let vars: Vec<&str> = c.vars.iter().map(String::as_str).collect();
        let formula = Formula::parse_with_vars(&c.expr, &vars).expect("shared formula");
        out.push(Case {
            name: format!("shared:{}", c.name),
            x0: c.x0.clone(),
            formula,
            solved: Box::new(move |f| c.solved(f)),
        });
    }
    out
}

/// Stops a run at 20 000 f + g evaluations, as the suite's cap does, and where ‖∇f‖∞ ≤ 1e-8
/// (hessopt's test; argmin's nonlinear CG and steepest descent have no gradient test of their own).
#[derive(Clone)]
struct Capped<S>(S);

type St<H> = IterState<Vec<f64>, Vec<f64>, (), H, (), f64>;

impl<'a, H, S: Solver<Objective<'a>, St<H>>> Solver<Objective<'a>, St<H>> for Capped<S> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn init(
        &mut self,
        problem: &mut ArgminProblem<Objective<'a>>,
        state: St<H>,
    ) -> Result<(St<H>, Option<KV>), Error> {
        self.0.init(problem, state)
    }
    fn next_iter(
        &mut self,
        problem: &mut ArgminProblem<Objective<'a>>,
        state: St<H>,
    ) -> Result<(St<H>, Option<KV>), Error> {
        self.0.next_iter(problem, state)
    }
    fn terminate_internal(&mut self, state: &St<H>) -> TerminationStatus {
        let counts = state.get_func_counts();
        let used = counts.get("cost_count").copied().unwrap_or(0)
            + counts.get("gradient_count").copied().unwrap_or(0);
        if used >= 20_000 {
            return TerminationStatus::Terminated(TerminationReason::SolverExit(
                "20 000 f+g".into(),
            ));
        }
        if state
            .get_gradient()
            .is_some_and(|g| g.iter().all(|v| v.abs() <= 1e-8))
        {
            return TerminationStatus::Terminated(TerminationReason::SolverExit(
                "|grad|inf <= 1e-8".into(),
            ));
        }
        self.0.terminate_internal(state)
    }
}

/// Runs `solver` from the case's start; `matrix` sets the initial (inverse) Hessian where the
/// method needs one (the identity, as hessopt's DFP and SR1 start from).
fn run<S, H>(
    case: &Case,
    solver: S,
    max_iters: u64,
    matrix: impl FnOnce(St<H>, Vec<Vec<f64>>) -> St<H>,
) -> Result<(St<H>, String), Error>
where
    for<'a> S: Solver<Objective<'a>, St<H>>,
    H: Clone,
{
    let n = case.x0.len();
    let identity: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    let res = Executor::new(Objective(&case.formula), Capped(solver))
        .configure(|s| {
            matrix(s, identity)
                .param(case.x0.clone())
                .max_iters(max_iters)
                .counting(true)
        })
        .run()?;
    let reason = res.state.get_termination_status().to_string();
    Ok((res.state, reason))
}

/// f at the end, iterations, f + g evaluations and the stop reason.
fn summary<H>((state, reason): (St<H>, String)) -> (f64, u64, u64, String) {
    let counts = state.get_func_counts();
    let evals = counts.get("cost_count").copied().unwrap_or(0)
        + counts.get("gradient_count").copied().unwrap_or(0);
    (state.get_cost(), state.get_iter(), evals, reason)
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let method = args.first().map(String::as_str).unwrap_or("dfp");
    let only = &args[args.len().min(1)..];
    let mt = |c2: f64| MoreThuenteLineSearch::new().with_c(1e-4, c2);
    // The curvature constant of hessopt's default line search for the method, or C2 from the
    // environment.
    let c2 = std::env::var("C2")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.1);
    println!("argmin 0.11 {method}, gradient tolerance 1e-8, cap 20 000 f+g");
    for case in cases() {
        if !only.is_empty() && !only.contains(&case.name) {
            continue;
        }
        let n = case.x0.len() as u64;
        let qn_iters = (200 * n).max(1000);
        let out = match method {
            "dfp" => {
                let dfp = DFP::new(mt(c2)?).with_tolerance_grad(1e-8)?;
                run(&case, dfp, qn_iters, |s, i| s.inv_hessian(i)).map(summary)
            }
            "sr1" => {
                let sr1 = SR1TrustRegion::new(Steihaug::new()).with_tolerance_grad(1e-8)?;
                run(&case, sr1, qn_iters, |s, i| s.hessian(i)).map(summary)
            }
            "cg" => {
                let cg = NonlinearConjugateGradient::new(mt(c2)?, PolakRibierePlus::new());
                run(&case, cg, (200 * n).max(10_000), |s: St<()>, _| s).map(summary)
            }
            "gradient-descent" => {
                let sd = SteepestDescent::new(mt(c2)?);
                run(&case, sd, 100_000, |s: St<()>, _| s).map(summary)
            }
            other => return Err(Error::msg(format!("unknown method {other}"))),
        };
        match out {
            Ok((f, iterations, evals, reason)) => {
                println!(
                    "{:<28} f = {f:<12.5e} iterations {:>6} f+g {:>6} solved {:<5} {reason}",
                    case.name,
                    iterations,
                    evals,
                    (case.solved)(f),
                );
            }
            Err(e) => println!("{:<28} error: {e}", case.name),
        }
    }
    Ok(())
}
