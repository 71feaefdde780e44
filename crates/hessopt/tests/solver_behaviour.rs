//! Driver and method behaviour beyond "does it solve": NaN policy, limits, callbacks, numerical
//! derivatives, bounds, stochastic methods with seeds, and L-BFGS at scale.

use std::cell::Cell;
use std::time::Duration;

use hessopt::solve::{
    Control, IterationInfo, Lbfgs, Method, NelderMead, Options, Sgd, SumObjective, Termination,
    minimize, minimize_sum, minimize_with_callback,
};
use hessopt::{Error, Formula, NanPolicy, Problem};

fn rosenbrock_formula() -> Formula {
    Formula::parse_with_vars("100*(y - x^2)^2 + (1 - x)^2", &["x", "y"]).unwrap()
}

/// f = (x − 1)² on x < 3 and NaN beyond, with a Hessian that underestimates the curvature 200-fold:
/// Newton's first trial step lands at x = 200, deep in the NaN region.
fn nan_beyond_three() -> Problem<'static> {
    Problem::new(1, |x: &[f64]| {
        if x[0] < 3.0 {
            (x[0] - 1.0).powi(2)
        } else {
            f64::NAN
        }
    })
    .with_gradient(|x: &[f64], g: &mut [f64]| g[0] = 2.0 * (x[0] - 1.0))
    .with_hessian(|_: &[f64], h: &mut nalgebra::DMatrix<f64>| h[(0, 0)] = 0.01)
}

#[test]
fn line_search_backs_off_from_nan_and_counts_it() {
    let p = nan_beyond_three();
    let newton = Method::from_name("newton").unwrap();
    let r = minimize(&p, &[0.0], &newton, &Options::default()).unwrap();
    assert!(r.converged, "{r}");
    assert!((r.x[0] - 1.0).abs() < 1e-8, "{r}");
    assert!(r.evaluations.non_finite >= 1, "{r}");
    let fail = Options::default().with_nan_policy(NanPolicy::Fail);
    assert!(matches!(
        minimize(&p, &[0.0], &newton, &fail),
        Err(Error::NonFinite { .. })
    ));
}

#[test]
fn limited_memory_sizes_are_checked_alike() {
    for m in [0, 1001] {
        let a = Lbfgs::default().with_memory(m).unwrap_err().to_string();
        let b = hessopt::solve::Lbfgsb::default()
            .with_memory(m)
            .unwrap_err()
            .to_string();
        assert_eq!(a, b);
        assert!(a.contains(&format!("{m} is not in 1..=1000")), "{a}");
    }
    assert!(Lbfgs::default().with_memory(1000).is_ok());
    assert!(hessopt::solve::Lbfgsb::default().with_memory(1).is_ok());
}

#[test]
fn bad_starts_are_errors() {
    let f = rosenbrock_formula();
    let p = Problem::from_formula(&f);
    let bfgs = Method::from_name("bfgs").unwrap();
    let o = Options::default();
    assert!(matches!(
        minimize(&p, &[f64::NAN, 1.0], &bfgs, &o),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        minimize(&p, &[1.0], &bfgs, &o),
        Err(Error::DimensionMismatch { .. })
    ));
    let g = Formula::parse("log(x)").unwrap();
    let q = Problem::from_formula(&g);
    assert!(matches!(
        minimize(&q, &[-1.0], &bfgs, &o),
        Err(Error::NonFinite { .. })
    ));
    assert!(Method::from_name("steepest").is_err());
    let empty = Problem::new(0, |_: &[f64]| 1.0);
    assert!(matches!(
        minimize(&empty, &[], &bfgs, &o),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(Options::default().with_g_tol(-1.0).is_err());
    assert!(
        Problem::new(1, |x: &[f64]| x[0])
            .with_bounds(vec![1.0], vec![0.0])
            .is_err()
    );
}

#[test]
fn limits_and_callbacks_stop_without_claiming_convergence() {
    let f = rosenbrock_formula();
    let p = Problem::from_formula(&f);
    let bfgs = Method::from_name("bfgs").unwrap();
    let r = minimize(
        &p,
        &[-1.2, 1.0],
        &bfgs,
        &Options::default().with_max_iter(3).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (r.termination, r.iterations, r.converged),
        (Termination::MaxIterations, 3, false)
    );
    let r = minimize(
        &p,
        &[-1.2, 1.0],
        &bfgs,
        &Options::default().with_max_evals(10).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (r.termination, r.converged),
        (Termination::MaxEvaluations, false)
    );
    let r = minimize(
        &p,
        &[-1.2, 1.0],
        &bfgs,
        &Options::default().with_time_limit(Duration::ZERO),
    )
    .unwrap();
    assert_eq!(r.termination, Termination::TimeLimit);
    let seen = Cell::new(0);
    let mut cb = |i: &IterationInfo| {
        seen.set(i.iteration);
        if i.iteration == 5 {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    let r = minimize_with_callback(
        &p,
        &[-1.2, 1.0],
        &bfgs,
        &Options::default().with_trace(true),
        Some(&mut cb),
    )
    .unwrap();
    assert_eq!(
        (r.termination, r.iterations, seen.get(), r.converged),
        (Termination::Callback, 5, 5, false)
    );
    assert_eq!(r.trace.len(), 6, "start and five iterations");
    assert!(
        r.trace.windows(2).all(|w| w[1].value <= w[0].value),
        "BFGS decreases f monotonically"
    );
}

#[test]
fn numerical_derivatives_fill_in_what_is_missing() {
    let f = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    let values_only = Problem::new(2, f);
    let r = minimize(
        &values_only,
        &[-1.2, 1.0],
        &Method::from_name("bfgs").unwrap(),
        &Options::default().with_g_tol(1e-6).unwrap(),
    )
    .unwrap();
    assert!(r.value < 1e-10, "{r}");
    assert_eq!(r.evaluations.gradient, 0, "no gradient was given");
    let with_gradient = Problem::new(2, f).with_gradient(|x: &[f64], g: &mut [f64]| {
        g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
        g[1] = 200.0 * (x[1] - x[0] * x[0]);
    });
    let r = minimize(
        &with_gradient,
        &[-1.2, 1.0],
        &Method::from_name("newton").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.converged && r.value < 1e-16, "{r}");
    assert!(
        r.evaluations.hessian > 0 && r.evaluations.gradient > r.evaluations.hessian,
        "{r}"
    );
}

#[test]
fn levenberg_marquardt_with_a_numerical_jacobian() {
    // Rosenbrock's residuals (10(y − x²), 1 − x) without a Jacobian: central differences.
    let lsq = hessopt::solve::LeastSquares::new(2, 2, |x: &[f64], r: &mut [f64]| {
        r[0] = 10.0 * (x[1] - x[0] * x[0]);
        r[1] = 1.0 - x[0];
    });
    let r = hessopt::solve::LevenbergMarquardt::default()
        .solve(&lsq, &[-1.2, 1.0], &Options::default())
        .unwrap();
    assert!(
        r.converged && (r.x[0] - 1.0).abs() < 1e-8 && (r.x[1] - 1.0).abs() < 1e-8,
        "{r:?}"
    );
    assert!(r.residual_evaluations > 4 * r.jacobian_evaluations);
}

/// Rosenbrock's residuals (10(y − x²), 1 − x) with every call counted by the closure itself
/// (numerical Jacobians included: they call the same closure).
fn counted_rosenbrock(calls: &Cell<usize>) -> hessopt::solve::LeastSquares<'_> {
    hessopt::solve::LeastSquares::new(2, 2, move |x: &[f64], r: &mut [f64]| {
        calls.set(calls.get() + 1);
        r[0] = 10.0 * (x[1] - x[0] * x[0]);
        r[1] = 1.0 - x[0];
    })
}

#[test]
fn levenberg_marquardt_never_exceeds_its_evaluation_budget() {
    let lm = hessopt::solve::LevenbergMarquardt::default();
    // Unlimited, the run needs some number of residual calls; every smaller budget must stop
    // with max_evaluations after at most that many calls, as the closure counts them.
    let calls = Cell::new(0);
    let full = lm
        .solve(
            &counted_rosenbrock(&calls),
            &[-1.2, 1.0],
            &Options::default(),
        )
        .unwrap();
    assert!(full.converged, "{full:?}");
    assert_eq!(full.residual_evaluations, calls.get());
    let needed = calls.get();
    for budget in 5..needed {
        calls.set(0);
        let options = Options::default().with_max_evals(budget).unwrap();
        let r = lm
            .solve(&counted_rosenbrock(&calls), &[-1.2, 1.0], &options)
            .unwrap();
        assert!(
            calls.get() <= budget,
            "budget {budget}: {} calls",
            calls.get()
        );
        assert_eq!(r.residual_evaluations, calls.get(), "budget {budget}");
        // Stopped by the budget: not converged, unless the certificate holds where it stopped
        // (then the point must be the solution (1, 1)).
        let solved = (r.x[0] - 1.0).abs() < 1e-8 && (r.x[1] - 1.0).abs() < 1e-8;
        assert!(
            (r.termination == Termination::MaxEvaluations && !r.converged)
                || (r.converged && solved),
            "budget {budget}: {r:?}"
        );
        assert!(
            budget > needed / 2 || !r.converged,
            "budget {budget}: {r:?}"
        );
    }
    // The start alone needs r and a central-difference Jacobian: 1 + 2·2 calls.
    calls.set(0);
    let err = lm
        .solve(
            &counted_rosenbrock(&calls),
            &[-1.2, 1.0],
            &Options::default().with_max_evals(4).unwrap(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("max_evals"), "{err}");
    assert!(calls.get() <= 4);
}

#[test]
fn levenberg_marquardt_limits_callback_and_trace() {
    let lm = hessopt::solve::LevenbergMarquardt::default();
    let calls = Cell::new(0);
    let lsq = counted_rosenbrock(&calls);
    let r = lm
        .solve(
            &lsq,
            &[-1.2, 1.0],
            &Options::default().with_time_limit(Duration::ZERO),
        )
        .unwrap();
    assert_eq!(
        (r.termination, r.iterations, r.converged),
        (Termination::TimeLimit, 0, false)
    );
    let r = lm
        .solve(
            &lsq,
            &[-1.2, 1.0],
            &Options::default().with_max_iter(2).unwrap(),
        )
        .unwrap();
    assert_eq!(
        (r.termination, r.iterations, r.converged),
        (Termination::MaxIterations, 2, false)
    );
    let seen = Cell::new(0);
    let mut cb = |i: &IterationInfo| {
        seen.set(i.iteration);
        if i.iteration == 3 {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    let r = lm
        .solve_with_callback(
            &lsq,
            &[-1.2, 1.0],
            &Options::default().with_trace(true),
            Some(&mut cb),
        )
        .unwrap();
    assert_eq!(
        (r.termination, r.iterations, seen.get(), r.converged),
        (Termination::Callback, 3, 3, false),
        "{r:?}"
    );
    assert_eq!(r.trace.len(), 4, "start and three accepted steps");
    // A full run's trace, re-checked against the residuals computed here.
    calls.set(0);
    let r = lm
        .solve(&lsq, &[-1.2, 1.0], &Options::default().with_trace(true))
        .unwrap();
    assert!(r.converged, "{r:?}");
    assert_eq!(r.trace.len(), r.iterations + 1);
    assert_eq!(r.trace[0].x, vec![-1.2, 1.0]);
    assert_eq!(r.trace.last().unwrap().x, r.x);
    for (k, t) in r.trace.iter().enumerate() {
        let (a, b) = (10.0 * (t.x[1] - t.x[0] * t.x[0]), 1.0 - t.x[0]);
        assert_eq!(t.iteration, k);
        assert!(
            (t.value - (a * a + b * b)).abs() <= 1e-12 * t.value.max(1e-300),
            "{t:?}"
        );
        assert!(t.evaluations <= r.residual_evaluations);
    }
    assert!(
        r.trace
            .windows(2)
            .all(|w| w[0].evaluations < w[1].evaluations)
    );
    assert_eq!(r.residual_evaluations, calls.get());
}

#[test]
fn bounds_with_lbfgsb_and_brent() {
    let f = rosenbrock_formula();
    let p = Problem::from_formula(&f)
        .with_bounds(vec![-2.0, -1.0], vec![0.5, 2.0])
        .unwrap();
    assert_eq!(Method::default_for(&p).name(), "lbfgsb");
    let r = minimize(
        &p,
        &[-1.2, 1.0],
        &Method::default_for(&p),
        &Options::default(),
    )
    .unwrap();
    assert!(r.converged, "{r}");
    assert!(
        (r.x[0] - 0.5).abs() < 1e-10 && (r.x[1] - 0.25).abs() < 1e-8,
        "{r}"
    );
    // Active lower bounds on both variables of a separable quadratic.
    let q = Formula::parse_with_vars("(x + 1)^2 + (y - 3)^2 + x*y/10", &["x", "y"]).unwrap();
    let p = Problem::from_formula(&q)
        .with_bounds(vec![0.0, 0.0], vec![1.0, 1.0])
        .unwrap();
    let r = minimize(
        &p,
        &[0.5, 0.5],
        &Method::from_name("lbfgsb").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(r.x, vec![0.0, 1.0], "{r}");
    let b = Formula::parse("(x - 2)^2 + sin(3*x)").unwrap();
    let p = Problem::from_formula(&b)
        .with_bounds(vec![0.0], vec![4.0])
        .unwrap();
    let r = minimize(&p, &[1.0], &Method::default_for(&p), &Options::default()).unwrap();
    assert_eq!(r.termination, Termination::IntervalConverged);
    // f'(x) = 2(x − 2) + 3 cos(3x) = 0 near 1.6494 (checked by bisection on f').
    assert!((r.x[0] - 1.649_428_39).abs() < 1e-6, "{r}");
}

/// Least squares y ≈ a + b t over 400 points: fᵢ = (a + b tᵢ − yᵢ)² / 400.
struct LineFit {
    t: Vec<f64>,
    y: Vec<f64>,
}

impl SumObjective for LineFit {
    fn dim(&self) -> usize {
        2
    }
    fn terms(&self) -> usize {
        self.t.len()
    }
    fn term(&self, i: usize, x: &[f64], g: &mut [f64]) -> f64 {
        let m = self.t.len() as f64;
        let r = x[0] + x[1] * self.t[i] - self.y[i];
        g[0] += 2.0 * r / m;
        g[1] += 2.0 * r * self.t[i] / m;
        r * r / m
    }
}

#[test]
fn robbins_monro_on_a_sum_with_minibatches() {
    let mut rng = hessopt::Rng::new(3);
    let t: Vec<f64> = (0..400).map(|i| i as f64 / 400.0).collect();
    let y: Vec<f64> = t
        .iter()
        .map(|ti| 2.0 + 3.0 * ti + 0.01 * rng.normal())
        .collect();
    let fit = LineFit { t, y };
    let sgd = Sgd::default()
        .with_gain(1.0, 1.0, 0.602)
        .unwrap()
        .with_batch(16)
        .unwrap();
    let opts = Options::default().with_max_iter(300).unwrap().with_seed(9);
    let a = minimize_sum(&fit, &[0.0, 0.0], &sgd, &opts).unwrap();
    assert!(
        (a.x[0] - 2.0).abs() < 0.02 && (a.x[1] - 3.0).abs() < 0.04,
        "{a}"
    );
    let b = minimize_sum(&fit, &[0.0, 0.0], &sgd, &opts).unwrap();
    assert_eq!(a.x, b.x, "same seed, same run");
    let c = minimize_sum(&fit, &[0.0, 0.0], &sgd, &opts.clone().with_seed(10)).unwrap();
    assert_ne!(a.x, c.x, "another seed, another path");
}

#[test]
fn simulated_annealing_is_seeded_and_escapes_local_minima() {
    // Rastrigin-like in one variable: local minima near every integer, global at 0.
    let f = Formula::parse("x^2 + 10*(1 - cos(2*pi*x))").unwrap();
    let p = Problem::from_formula(&f);
    let sann = Method::from_name("sann").unwrap();
    let o = Options::default().with_seed(1);
    let a = minimize(&p, &[4.2], &sann, &o).unwrap();
    let b = minimize(&p, &[4.2], &sann, &o).unwrap();
    assert_eq!(a.x, b.x);
    assert!(!a.converged && a.termination == Termination::MaxIterations);
    let local = minimize(
        &p,
        &[4.2],
        &Method::from_name("bfgs").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(
        local.converged && local.value > 0.9,
        "BFGS ends in a local minimum: {local}"
    );
    assert!(a.value < 0.1, "SANN reaches the global basin: {a}");
}

#[test]
fn lbfgs_at_scale_in_linear_memory() {
    // Extended Rosenbrock with n = 20 000 as plain Rust closures: no n × n matrix anywhere.
    let n = 20_000;
    let f = |x: &[f64]| {
        (0..x.len() / 2)
            .map(|i| 100.0 * (x[2 * i + 1] - x[2 * i].powi(2)).powi(2) + (1.0 - x[2 * i]).powi(2))
            .sum::<f64>()
    };
    let p = Problem::new(n, f).with_gradient(|x: &[f64], g: &mut [f64]| {
        for i in 0..x.len() / 2 {
            let (a, b) = (x[2 * i], x[2 * i + 1]);
            g[2 * i] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
            g[2 * i + 1] = 200.0 * (b - a * a);
        }
    });
    let x0: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let r = minimize(
        &p,
        &x0,
        &Method::Lbfgs(Lbfgs::default()),
        &Options::default().with_g_tol(1e-6).unwrap(),
    )
    .unwrap();
    assert!(r.converged && r.value < 1e-8, "{}", r.value);
}

mod common;

use proptest::prelude::*;

proptest! {
    #![proptest_config(common::config(40))]

    /// No method panics on random smooth formulas from random starts (results may be any
    /// termination, or an error for a non-finite start).
    #[test]
    fn no_method_panics(src in common::formula(), x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let p = Problem::from_formula(&f);
        let options = Options::default().with_max_iter(200).unwrap().with_max_evals(2000).unwrap();
        for name in hessopt::solve::METHOD_NAMES.iter().filter(|m| **m != "brent") {
            let method = Method::from_name(name).unwrap();
            if let Ok(r) = minimize(&p, &[x, y], &method, &options) {
                prop_assert!(r.value <= f.value(&[x, y]).unwrap() || !r.value.is_finite() || *name == "sgd");
            }
        }
        let bounded = Problem::from_formula(&f).with_bounds(vec![-1.0, -1.0], vec![1.0, 1.0]).unwrap();
        let r = minimize(&bounded, &[x, y], &Method::from_name("lbfgsb").unwrap(), &options);
        if let Ok(r) = r {
            prop_assert!(r.x.iter().all(|v| (-1.0..=1.0).contains(v)), "{:?}", r.x);
        }
    }
}

/// Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² at n = 400 from (−1.2, 1, −1.2, 1, …):
/// scipy 1.17's L-BFGS-B with its defaults solves it (1993 iterations, 2337 evaluations, f = 9e-10);
/// our default iteration limit (200·n) must let L-BFGS finish too (about 2000 iterations; a limit
/// of 1000, or R's 100, stopped it at f ≈ 195).
#[test]
fn default_limit_lets_lbfgs_solve_chained_rosenbrock_at_400() {
    let n = 400;
    let f = |x: &[f64]| {
        (0..n - 1)
            .map(|i| 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2))
            .sum::<f64>()
    };
    let g = |x: &[f64], g: &mut [f64]| {
        g.fill(0.0);
        for i in 0..n - 1 {
            let t = x[i + 1] - x[i] * x[i];
            g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
            g[i + 1] += 200.0 * t;
        }
    };
    let x0: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let name = "lbfgs";
    let p = Problem::new(n, f).with_gradient(g);
    let r = minimize(
        &p,
        &x0,
        &Method::from_name(name).unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(
        r.converged,
        "{name}: {:?} after {} iterations, f = {}",
        r.termination, r.iterations, r.value
    );
    assert!(
        r.iterations > 1000,
        "{name}: the old limit would have done: {}",
        r.iterations
    );
    assert!(r.x.iter().all(|v| (v - 1.0).abs() < 1e-6), "{name}");
}

#[test]
fn maximizing_is_minimizing_the_negated_problem() {
    let f = Formula::parse("5 - (x - 1)^2 - 2*(y + 1)^2 + x*y").unwrap();
    let p = Problem::from_formula(&f).negated();
    let r = minimize(
        &p,
        &[0.0, 0.0],
        &Method::from_name("newton").unwrap(),
        &Options::default(),
    )
    .unwrap();
    // ∇f = 0: −2(x − 1) + y = 0, −4(y + 1) + x = 0 → x = 4/7, y = −6/7, f = 30/7.
    assert!((r.x[0] - 4.0 / 7.0).abs() < 1e-12 && (r.x[1] + 6.0 / 7.0).abs() < 1e-12);
    assert!((-r.value - 30.0 / 7.0).abs() < 1e-12);
    let mut h = nalgebra::DMatrix::zeros(2, 2);
    p.hessian_into(&r.x, &mut h);
    assert_eq!(
        h,
        nalgebra::DMatrix::from_row_slice(2, 2, &[2.0, -1.0, -1.0, 4.0])
    );
}

#[test]
fn nelder_mead_with_scipys_absolute_tolerances() {
    let f = rosenbrock_formula();
    let p = Problem::from_formula(&f);
    let scipy = NelderMead::default()
        .with_absolute_tolerances(1e-4, 1e-4)
        .unwrap();
    let loose = minimize(
        &p,
        &[-1.2, 1.0],
        &Method::NelderMead(scipy),
        &Options::default(),
    )
    .unwrap();
    let tight = minimize(
        &p,
        &[-1.2, 1.0],
        &Method::from_name("nelder-mead").unwrap(),
        &Options::default(),
    )
    .unwrap();
    // scipy's test held (every vertex within 1e-4 in x and f of the best) and the restart at the
    // best point found nothing better by more than 1e-4: the minimum (1, 1) to about 1e-4, in
    // fewer evaluations than the default relative test, which goes on to rounding level.
    assert!(
        loose.converged && loose.termination == Termination::SimplexConverged,
        "{loose}"
    );
    assert!(
        loose.x.iter().all(|v| (v - 1.0).abs() < 1e-3) && loose.value < 1e-4,
        "{loose}"
    );
    assert!(tight.converged && tight.value < 1e-12, "{tight}");
    assert!(
        loose.evaluations.f < tight.evaluations.f,
        "{loose}\n{tight}"
    );
    for (x_atol, f_atol) in [(-1.0, 1e-4), (1e-4, f64::NAN), (f64::INFINITY, 1e-4)] {
        let e = NelderMead::default()
            .with_absolute_tolerances(x_atol, f_atol)
            .unwrap_err();
        assert!(e.to_string().contains("atol"), "{e}");
    }
}

/// The ray probed after a run stops `max_iterations` away from a stationary point is a probe,
/// not a step: a NaN met there under `NanPolicy::Fail` is not lower, not an error (review
/// finding: the run returned `Error::NonFinite` instead of its report).
#[test]
fn the_unbounded_probe_is_not_a_step_under_the_nan_policy() {
    // Rosenbrock, NaN outside [−2, 2]²: one BFGS iteration from (−1.2, 1) stays inside; the
    // probe's first trial along −∇f (a step of max(1, ‖x‖∞)) lands outside.
    let p = Problem::new(2, |x: &[f64]| {
        if x.iter().all(|v| v.abs() <= 2.0) {
            100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2)
        } else {
            f64::NAN
        }
    })
    .with_gradient(|x: &[f64], g: &mut [f64]| {
        g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
        g[1] = 200.0 * (x[1] - x[0] * x[0]);
    });
    let bfgs = Method::from_name("bfgs").unwrap();
    let back = Options::default().with_max_iter(1).unwrap();
    let r = minimize(&p, &[-1.2, 1.0], &bfgs, &back).unwrap();
    assert_eq!(r.termination, Termination::MaxIterations, "{r}");
    assert_eq!(
        r.evaluations.non_finite, 0,
        "the run itself met no NaN: {r}"
    );
    let fail = back.with_nan_policy(NanPolicy::Fail);
    let r = minimize(&p, &[-1.2, 1.0], &bfgs, &fail).unwrap();
    assert_eq!(r.termination, Termination::MaxIterations, "{r}");
    assert!(!r.converged && r.value.is_finite(), "{r}");
}

/// A run found unbounded ends at a point whose value and gradient are finite: a gradient that
/// is NaN beyond the far point of the probe is not carried into the report (review finding).
#[test]
fn an_unbounded_run_reports_finite_values() {
    let p = Problem::new(1, |x: &[f64]| -x[0])
        .with_gradient(|x: &[f64], g: &mut [f64]| g[0] = if x[0] < 1e12 { -1.0 } else { f64::NAN });
    let bfgs = Method::from_name("bfgs").unwrap();
    let r = minimize(
        &p,
        &[0.0],
        &bfgs,
        &Options::default().with_max_iter(2).unwrap(),
    )
    .unwrap();
    assert_eq!(r.termination, Termination::Unbounded, "{r}");
    assert!(r.value.is_finite() && r.gradient_norm.is_finite(), "{r}");
}

/// Steepest descent with exact line searches zig-zags at a rate set by the condition number: on
/// Σ i⁴ xᵢ² (κ = 10⁴) from ones it ends at f = 2.2e-8 after 20 000 f + g. Every second step of
/// Barzilai–Borwein length breaks the pattern (certified after 7238); f still never rises
/// (Armijo's decrease).
#[test]
fn gradient_descent_with_barzilai_borwein_steps_is_fast_and_monotone() {
    let terms: Vec<String> = (1..=10)
        .map(|i: u64| format!("{}*x{i}^2", i.pow(4)))
        .collect();
    let vars: Vec<String> = (1..=10).map(|i| format!("x{i}")).collect();
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let f = Formula::parse_with_vars(&terms.join(" + "), &vars).unwrap();
    let p = Problem::from_formula(&f);
    let options = Options::default()
        .with_max_evals(20_000)
        .unwrap()
        .with_trace(true);
    let x0 = vec![1.0; 10];
    let bb = minimize(
        &p,
        &x0,
        &Method::from_name("gradient-descent").unwrap(),
        &options,
    )
    .unwrap();
    assert!(bb.converged && bb.value < 1e-16, "{bb}");
    assert!(bb.evaluations.f + bb.evaluations.gradient < 10_000, "{bb}");
    assert!(bb.trace.windows(2).all(|w| w[1].value <= w[0].value));
    let cauchy = hessopt::solve::GradientDescent::default().with_barzilai_borwein(false);
    let r = minimize(&p, &x0, &Method::GradientDescent(cauchy), &options).unwrap();
    assert!(
        !r.converged && r.termination == Termination::MaxEvaluations,
        "{r}"
    );
}
