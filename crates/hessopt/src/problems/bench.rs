//! Running methods over the Moré–Garbow–Hillstrom suite, and Dolan–Moré performance profiles
//! (Dolan & Moré, "Benchmarking optimization software with performance profiles", Math. Program.
//! 91, 2002).

use std::time::Instant;

use crate::error::Result;
use crate::problem::Problem;
use crate::solve::{Method, Options, minimize};

/// The settings a suite run uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SuiteSettings {
    /// hessopt's defaults: g_tol 1e-8, Nelder–Mead's relative test (R's reltol √ε), the
    /// methods' own iteration limits.
    Hessopt,
    /// `scipy.optimize.minimize`'s defaults (scipy 1.17), to compare with scipy's runs at its
    /// defaults: gradient tolerance 1e-5 (‖∇f‖∞, scipy's test for BFGS and CG); at most 200·n
    /// iterations (scipy's `maxiter` for BFGS, CG, the trust-region methods and Nelder–Mead;
    /// L-BFGS-B keeps its own, 15 000 there); Nelder–Mead with scipy's `xatol = fatol = 1e-4`
    /// and at most 200·n evaluations (`maxfev`).
    Scipy,
}

impl SuiteSettings {
    /// The method and options for one problem in `n` variables (`base`: the suite's cap).
    fn apply(self, method: &Method, n: usize, base: &Options) -> Result<(Method, Options)> {
        match self {
            SuiteSettings::Hessopt => Ok((method.clone(), base.clone())),
            SuiteSettings::Scipy => {
                let mut options = base.clone().with_g_tol(1e-5)?;
                if !matches!(method, Method::Lbfgsb(_)) {
                    options = options.with_max_iter(200 * n)?;
                }
                let method = match method {
                    Method::NelderMead(c) => {
                        let cap = (200 * n).min(options.max_evals.unwrap_or(usize::MAX));
                        options = options.with_max_evals(cap)?;
                        Method::NelderMead(c.with_absolute_tolerances(1e-4, 1e-4)?)
                    }
                    other => other.clone(),
                };
                Ok((method, options))
            }
        }
    }
}

/// One method on one problem.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SuiteRun {
    /// Problem name.
    pub problem: String,
    /// Method name.
    pub method: String,
    /// f − f* ≤ 1e-8 (f0 − f*) (or as close to a reported local minimum).
    pub solved: bool,
    /// The run reported `converged` (None for reference runs that did not record it).
    pub converged: Option<bool>,
    /// Why the run stopped (snake case; empty for reference runs).
    pub termination: String,
    /// f + gradient evaluations.
    pub evaluations: usize,
    /// Hessian evaluations.
    pub hessians: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Runs every method on the first `count` MGH problems (exact derivatives, `settings`, at most
/// 20 000 f + g evaluations); `progress(done, total)` is called after each run.
pub fn run_mgh(
    methods: &[&str],
    count: usize,
    settings: SuiteSettings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<SuiteRun>> {
    let problems: Vec<_> = super::mgh().into_iter().take(count).collect();
    let parsed: Vec<Method> = methods
        .iter()
        .map(|m| Method::from_name(m))
        .collect::<Result<_>>()?;
    let base = Options::default().with_max_evals(20_000)?;
    let total = problems.len() * methods.len();
    let mut out = Vec::with_capacity(total);
    for p in &problems {
        let f = p.objective()?;
        let f0 = f.value(&p.x0)?;
        let problem = Problem::from_formula(&f);
        for (name, method) in methods.iter().zip(&parsed) {
            let (method, options) = settings.apply(method, p.n, &base)?;
            let t = Instant::now();
            let r = minimize(&problem, &p.x0, &method, &options)?;
            out.push(SuiteRun {
                problem: p.name.clone(),
                method: name.to_string(),
                solved: p.solved(r.value, f0),
                converged: Some(r.converged),
                termination: r.termination.as_str().to_string(),
                evaluations: r.evaluations.f + r.evaluations.gradient,
                hessians: r.evaluations.hessian,
                seconds: t.elapsed().as_secs_f64(),
            });
            progress(out.len(), total);
        }
    }
    Ok(out)
}

/// The performance profile ρ_s(τ) = fraction of problems that solver s solves within a factor τ
/// of the best solver's cost on that problem. `costs[s][p]` is `None` when s fails on p; each
/// returned row has one value per τ in `taus`.
pub fn performance_profile(costs: &[Vec<Option<f64>>], taus: &[f64]) -> Vec<Vec<f64>> {
    let problems = costs.first().map_or(0, Vec::len);
    let best: Vec<Option<f64>> = (0..problems)
        .map(|p| {
            costs
                .iter()
                .filter_map(|c| c[p])
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
        })
        .collect();
    costs
        .iter()
        .map(|c| {
            taus.iter()
                .map(|&tau| {
                    let within = (0..problems)
                        .filter(|&p| match (c[p], best[p]) {
                            (Some(v), Some(b)) => v <= tau * b.max(1.0),
                            _ => false,
                        })
                        .count();
                    within as f64 / problems.max(1) as f64
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_of_two_solvers() {
        // A is best on p0, B on p1, B fails p2, A solves p2.
        let costs = vec![
            vec![Some(10.0), Some(40.0), Some(5.0)],
            vec![Some(20.0), Some(20.0), None],
        ];
        let rho = performance_profile(&costs, &[1.0, 2.0, 4.0]);
        assert_eq!(rho[0], vec![2.0 / 3.0, 1.0, 1.0]);
        assert_eq!(rho[1], vec![1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0]);
    }
}
