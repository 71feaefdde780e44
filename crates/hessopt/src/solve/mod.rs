//! Minimization: one driver ([`driver`]), methods by family, line searches, and the report.
//!
//! ```
//! use hessopt::{Formula, Problem, solve::{minimize, Method, Options}};
//! let f = Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"])?;
//! let problem = Problem::from_formula(&f);
//! let report = minimize(&problem, &[-1.2, 1.0], &Method::from_name("bfgs")?, &Options::default())?;
//! assert!(report.converged);
//! assert!((report.x[0] - 1.0).abs() < 1e-6);
//! # Ok::<(), hessopt::Error>(())
//! ```

pub mod certificate;
pub mod constrained;
pub mod driver;
pub mod first_order;
pub mod least_squares;
pub mod linesearch;
pub mod optimum;
pub mod options;
pub mod report;
pub mod second_order;
pub mod termination;
mod verdict;
pub mod zeroth_order;

pub use constrained::{
    AugmentedLagrangian, ConstrainedReport, Constraint, Kind, Kkt, minimize_constrained,
    minimize_constrained_with_callback, parse_constraint,
};
pub use driver::{Callback, Control, Monitor};
pub use first_order::cg::{Cg, CgUpdate};
pub use first_order::gradient_descent::GradientDescent;
pub use first_order::lbfgs::Lbfgs;
pub use first_order::lbfgsb::Lbfgsb;
pub use first_order::quasi_newton::{Bfgs, Dfp};
pub use first_order::sgd::{Sgd, SumObjective, sum_problem};
pub use least_squares::levenberg_marquardt::{LevenbergMarquardt, LsqReport};
pub use least_squares::linear::{LinearLsq, lstsq};
pub use least_squares::problem::LeastSquares;
pub use linesearch::LineSearch;
pub use optimum::{OptimumCurvature, curvature_at, curvature_at_tol};
pub use options::Options;
pub use report::{IterationInfo, Report, Termination};
pub use second_order::hessian::HessianStorage;
pub use second_order::newton::Newton;
pub use second_order::sr1::Sr1;
pub use second_order::subproblem::Subproblem;
pub use second_order::trust_region::TrustRegion;
pub use zeroth_order::brent::Brent;
pub use zeroth_order::nelder_mead::NelderMead;
pub use zeroth_order::sann::Sann;

use crate::error::{Error, Result};
use crate::problem::Problem;
use driver::Solver;

/// A method with its configuration.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Method {
    /// Nelder–Mead simplex.
    NelderMead(NelderMead),
    /// BFGS.
    Bfgs(Bfgs),
    /// DFP.
    Dfp(Dfp),
    /// SR1 trust region.
    Sr1(Sr1),
    /// Limited-memory BFGS.
    Lbfgs(Lbfgs),
    /// L-BFGS-B (bounds).
    Lbfgsb(Lbfgsb),
    /// Nonlinear conjugate gradients.
    Cg(Cg),
    /// Newton with a line search.
    Newton(Newton),
    /// Trust-region Newton.
    TrustRegion(TrustRegion),
    /// Steepest descent.
    GradientDescent(GradientDescent),
    /// Robbins–Monro stochastic gradient.
    Sgd(Sgd),
    /// Simulated annealing.
    Sann(Sann),
    /// Brent's method (one variable, interval).
    Brent(Brent),
}

/// Largest n for which [`Method::default_for`] picks the exact trust-region subproblem: one
/// symmetric eigendecomposition (O(n³)) per iteration, the same bound as the driver's dense
/// second-order check at the returned point ([`driver::SECOND_ORDER_MAX_DIM`]).
pub const EXACT_SUBPROBLEM_MAX_DIM: usize = driver::SECOND_ORDER_MAX_DIM;

/// Method names accepted by [`Method::from_name`], as the CLI spells them.
pub const METHOD_NAMES: [&str; 13] = [
    "nelder-mead",
    "bfgs",
    "dfp",
    "sr1",
    "lbfgs",
    "lbfgsb",
    "cg",
    "newton",
    "trust-region",
    "gradient-descent",
    "sgd",
    "sann",
    "brent",
];

/// R's and scipy's spellings that [`Method::from_name`] accepts besides [`METHOD_NAMES`] (names
/// are case-insensitive, so R's `BFGS`, `Nelder-Mead`, `CG`, `SANN`, `Brent` are the canonical
/// names already): `(alias, what it selects)`. Methods we do not have (scipy's Powell, TNC,
/// SLSQP, Newton-CG, dogleg, …) have no alias and stay errors.
pub const METHOD_ALIASES: [(&str, &str); 4] = [
    ("l-bfgs-b", "lbfgsb (R's and scipy's L-BFGS-B)"),
    ("l-bfgs", "lbfgs"),
    (
        "trust-ncg",
        "trust-region with Steihaug's truncated-CG subproblem (its default)",
    ),
    (
        "trust-exact",
        "trust-region with the exact (eigendecomposition) subproblem",
    ),
];

impl Method {
    /// The method of that name with default settings. Case-insensitive; besides
    /// [`METHOD_NAMES`] it accepts R's and scipy's spellings ([`METHOD_ALIASES`]).
    ///
    /// ```
    /// use hessopt::solve::{Method, Subproblem};
    /// assert_eq!(Method::from_name("L-BFGS-B")?.name(), "lbfgsb");
    /// assert_eq!(Method::from_name("Nelder-Mead")?.name(), "nelder-mead");
    /// let Method::TrustRegion(t) = Method::from_name("trust-exact")? else { unreachable!() };
    /// assert_eq!(t.subproblem, Subproblem::Exact);
    /// assert!(Method::from_name("Powell").is_err()); // a method we do not have
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<Self> {
        let key = name.trim().to_ascii_lowercase();
        Ok(match key.as_str() {
            "nelder-mead" => Method::NelderMead(NelderMead::default()),
            "bfgs" => Method::Bfgs(Bfgs::default()),
            "dfp" => Method::Dfp(Dfp::default()),
            "sr1" => Method::Sr1(Sr1::default()),
            "lbfgs" | "l-bfgs" => Method::Lbfgs(Lbfgs::default()),
            "lbfgsb" | "l-bfgs-b" => Method::Lbfgsb(Lbfgsb::default()),
            "cg" => Method::Cg(Cg::default()),
            "newton" => Method::Newton(Newton::default()),
            "trust-region" | "trust-ncg" => Method::TrustRegion(TrustRegion::default()),
            "trust-exact" => {
                Method::TrustRegion(TrustRegion::default().with_subproblem(Subproblem::Exact))
            }
            "gradient-descent" => Method::GradientDescent(GradientDescent::default()),
            "sgd" => Method::Sgd(Sgd::default()),
            "sann" => Method::Sann(Sann::default()),
            "brent" => Method::Brent(Brent::default()),
            _ => {
                return Err(Error::invalid(
                    "method",
                    format!(
                        "unknown method '{name}' (known: {}; also {})",
                        METHOD_NAMES.join(", "),
                        METHOD_ALIASES.map(|(a, _)| a).join(", ")
                    ),
                ));
            }
        })
    }

    /// The name, as accepted by [`Method::from_name`].
    pub fn name(&self) -> &'static str {
        match self {
            Method::NelderMead(_) => "nelder-mead",
            Method::Bfgs(_) => "bfgs",
            Method::Dfp(_) => "dfp",
            Method::Sr1(_) => "sr1",
            Method::Lbfgs(_) => "lbfgs",
            Method::Lbfgsb(_) => "lbfgsb",
            Method::Cg(_) => "cg",
            Method::Newton(_) => "newton",
            Method::TrustRegion(_) => "trust-region",
            Method::GradientDescent(_) => "gradient-descent",
            Method::Sgd(_) => "sgd",
            Method::Sann(_) => "sann",
            Method::Brent(_) => "brent",
        }
    }

    /// The best default for what the problem provides: with bounds, Brent for one variable and
    /// L-BFGS-B otherwise; with an exact Hessian, the trust-region Newton method — with the exact
    /// (eigendecomposition) subproblem for n ≤ [`EXACT_SUBPROBLEM_MAX_DIM`], Steihaug's truncated
    /// CG up to n = 500; BFGS up to n = 1000; L-BFGS beyond.
    ///
    /// Measured on the 35 Moré–Garbow–Hillstrom problems (exact derivatives, g_tol 1e-8, `hessopt
    /// bench`; solved / false convergences / median f + g evaluations (median Hessians) / total
    /// f + g): exact subproblem 35 / 0 / 28 (14) / 2579; Steihaug 35 / 0 / 34 (16) / 4386;
    /// line-search Newton with Moré–Thuente 34 / 1 / 26 (11) / 2730 (Osborne 2 ends at another
    /// local minimum after a shifted-Cholesky step of length 15), with Hager–Zhang 35 / 0 / 26 /
    /// 4814 (Meyer ends line_search_failed; Powell badly scaled, Gulf and Penalty 2 take 2–4 times
    /// the exact subproblem's count). scipy 1.17's trust-exact on the same problems at the same
    /// tolerance: 34 / 0 / 30 (15) (`bench/scipy_mgh.py`).
    pub fn default_for(problem: &Problem<'_>) -> Self {
        let n = problem.dim();
        if let Some((lo, hi)) = problem.bounds() {
            if n == 1 && lo[0].is_finite() && hi[0].is_finite() {
                Method::Brent(Brent::default())
            } else {
                Method::Lbfgsb(Lbfgsb::default())
            }
        } else if problem.has_hessian() && n <= EXACT_SUBPROBLEM_MAX_DIM {
            Method::TrustRegion(TrustRegion::default().with_subproblem(Subproblem::Exact))
        } else if problem.has_hessian() && n <= 500 {
            Method::TrustRegion(TrustRegion::default())
        } else if n <= 1000 {
            Method::Bfgs(Bfgs::default())
        } else {
            Method::Lbfgs(Lbfgs::default())
        }
    }

    fn supports_bounds(&self) -> bool {
        matches!(self, Method::Brent(_) | Method::Lbfgsb(_))
    }
}

/// Minimizes `problem` from `x0` with `method` under `options`.
pub fn minimize(
    problem: &Problem<'_>,
    x0: &[f64],
    method: &Method,
    options: &Options,
) -> Result<Report> {
    minimize_with_callback(problem, x0, method, options, None)
}

/// [`minimize`] with a callback called after every iteration; it can stop the run.
pub fn minimize_with_callback(
    problem: &Problem<'_>,
    x0: &[f64],
    method: &Method,
    options: &Options,
    callback: Option<&mut dyn FnMut(&IterationInfo) -> Control>,
) -> Result<Report> {
    if problem.bounds().is_some() && !method.supports_bounds() {
        return Err(Error::invalid(
            "method",
            format!(
                "'{}' does not handle bounds; use brent (one variable)",
                method.name()
            ),
        ));
    }
    let mut solver: Box<dyn Solver> = match method {
        Method::NelderMead(c) => Box::new(c.solver()),
        Method::Bfgs(c) => Box::new(c.solver()),
        Method::Dfp(c) => Box::new(c.solver()),
        Method::Sr1(c) => Box::new(c.solver()),
        Method::Lbfgs(c) => Box::new(c.solver()),
        Method::Lbfgsb(c) => Box::new(c.solver(problem.bounds(), problem.dim(), options.g_tol)),
        Method::Cg(c) => Box::new(c.solver()),
        Method::Newton(c) => Box::new(c.solver()),
        Method::TrustRegion(c) => Box::new(c.solver()),
        Method::GradientDescent(c) => Box::new(c.solver()),
        Method::Sgd(c) => Box::new(c.solver(None, options.seed)),
        Method::Sann(c) => Box::new(c.solver(options.seed)),
        Method::Brent(c) => Box::new(c.solver(problem.bounds(), problem.dim())?),
    };
    if solver.uses_gradient() && !problem.has_gradient() {
        let n = problem.dim();
        crate::limits::check_points(
            2 * n,
            n,
            &format!(
                "{} with numerical gradients of {n} variables",
                method.name()
            ),
        )?;
    }
    driver::run(
        method.name(),
        solver.as_mut(),
        problem,
        x0,
        options,
        callback,
    )
}

/// Robbins–Monro SGD with minibatches on a sum objective (see [`Sgd`]).
pub fn minimize_sum(
    obj: &dyn SumObjective,
    x0: &[f64],
    sgd: &Sgd,
    options: &Options,
) -> Result<Report> {
    let problem = sum_problem(obj);
    let mut solver = sgd.solver(Some(obj), options.seed);
    driver::run("sgd", &mut solver, &problem, x0, options, None)
}
