//! Hostile and extreme inputs through the library (issue 12): each case ends with a right, finite
//! answer or one error naming the problem. The CLI side is `hessopt-cli/tests/hostile.rs`.

use hessopt::fit::{Data, Objective, fit};
use hessopt::solve::{Method, Options, curvature_at, minimize};
use hessopt::{Formula, Problem};

#[test]
fn pi_declared_as_a_variable_is_an_error_naming_both() {
    let e = Formula::parse_with_vars("pi^2", &["pi"])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'pi' is both the constant π and a declared variable"),
        "{e}"
    );
    // Undeclared, pi is the constant; declared but unused, nothing is mixed.
    let f = Formula::parse("pi*x").unwrap();
    assert_eq!(f.vars(), ["x"]);
    assert!(Formula::parse_with_vars("2*x", &["x", "pi"]).is_ok());
    // A CSV column named pi: the model `y - a*pi` is refused rather than fitted against π.
    let data = Data::parse_csv("x,pi,y\n1,2,3\n2,3,5\n3,4,7\n", "pi.csv").unwrap();
    let e = fit(
        &data,
        &Objective::Residual("y - a*pi".into()),
        &["a"],
        &[1.0],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("'pi' is both the constant π and a column of pi.csv"),
        "{e}"
    );
    // A model that does not write pi is unaffected by the column.
    let s = fit(
        &data,
        &Objective::Residual("y - a*x".into()),
        &["a"],
        &[1.0],
    )
    .unwrap();
    assert!(s.converged, "{s:?}");
    let e = fit(
        &data,
        &Objective::Residual("y - pi*x".into()),
        &["pi"],
        &[1.0],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("also a column") || e.contains("a parameter"),
        "{e}"
    );
}

#[test]
fn fits_on_exact_data_and_with_zero_degrees_of_freedom_print_no_meaningless_statistics() {
    // y = 2x exactly: a = 2, RSS 0; no standard errors, t values, p-values or AIC (−∞).
    let data = Data::parse_csv("x,y\n1,2\n2,4\n3,6\n", "exact.csv").unwrap();
    let s = fit(
        &data,
        &Objective::Residual("y - a*x".into()),
        &["a"],
        &[1.0],
    )
    .unwrap();
    assert!((s.estimates[0] - 2.0).abs() < 1e-12);
    assert_eq!(
        (s.standard_errors.as_ref(), s.statistics.as_ref()),
        (None, None)
    );
    assert_eq!((s.p_values.as_ref(), s.aic), (None, None));
    assert!(
        s.warnings.iter().any(|w| w.starts_with("zero residual")),
        "{s:?}"
    );
    // Two parameters fitted to rounding level (RSS ~1e-61 before): still a zero residual.
    let s = fit(
        &data,
        &Objective::Residual("y - a*x - b".into()),
        &["a", "b"],
        &[1.0, 0.0],
    )
    .unwrap();
    assert_eq!(s.standard_errors, None, "{s:?}");
    // n = p: zero degrees of freedom, not "not identifiable".
    let data = Data::parse_csv("x,y\n1,2\n2,4.5\n", "two.csv").unwrap();
    let s = fit(
        &data,
        &Objective::Residual("y - a*x - b".into()),
        &["a", "b"],
        &[1.0, 0.0],
    )
    .unwrap();
    assert_eq!((s.sigma2, s.standard_errors.as_ref()), (None, None));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with("zero degrees of freedom")),
        "{s:?}"
    );
    assert!(
        !s.warnings.iter().any(|w| w.contains("identifiable")),
        "{s:?}"
    );
    // n < p: not identifiable (the warning said "n = p = 3" for two rows and three parameters).
    let s = fit(
        &data,
        &Objective::Residual("y - a*x - b - c*x^2".into()),
        &["a", "b", "c"],
        &[1.0, 0.0, 0.0],
    )
    .unwrap();
    assert_eq!((s.sigma2, s.standard_errors.as_ref()), (None, None));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with("fewer rows than parameters (n = 2 < p = 3)")),
        "{s:?}"
    );
}

#[test]
fn fit_errors_name_the_start_and_the_row() {
    let data = Data::parse_csv("x,y\n1,2\n2,4\n3,6\n", "exact.csv").unwrap();
    let e = fit(
        &data,
        &Objective::Residual("y - log(a*x - 2.5)".into()),
        &["a"],
        &[1.0],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("invalid start: the residual of data row 1 is NaN there"),
        "{e}"
    );
    let e = fit(
        &data,
        &Objective::Residual("y - a*x".into()),
        &["a"],
        &[1.0, 2.0],
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e, "invalid start: 2 values given for 1 parameters (a)");
    let e = fit(
        &data,
        &Objective::Residual("y - a*x".into()),
        &["a", "a"],
        &[1.0, 2.0],
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e, "invalid params: 'a' appears twice (positions 1 and 2)");
}

#[test]
fn sgd_returns_the_best_point_not_its_diverged_iterate() {
    // x⁴ from 10 with the default gain: the first step overshoots to −390 and the walk diverges.
    let f = Formula::parse("x^4").unwrap();
    let p = Problem::from_formula(&f);
    let r = minimize(
        &p,
        &[10.0],
        &Method::from_name("sgd").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.value.is_finite() && r.x[0].is_finite(), "{r:?}");
    assert!(
        r.value <= 1e4,
        "the best point seen is the start at worst: {r:?}"
    );
    assert!(!r.converged);
    // On a problem it can solve, the best point is where it converges.
    let f = Formula::parse("(x - 1)^2").unwrap();
    let p = Problem::from_formula(&f);
    let options = Options::default().with_g_tol(1e-6).unwrap();
    let r = minimize(&p, &[3.0], &Method::from_name("sgd").unwrap(), &options).unwrap();
    assert!(r.converged && (r.x[0] - 1.0).abs() < 1e-6, "{r:?}");
}

#[test]
fn brent_moves_on_wide_finite_bounds() {
    let f = Formula::parse("(x - 3)^2").unwrap();
    for (lo, hi, x0) in [
        (-1e300, 1e300, 0.0),
        (-1.7e308, 1.7e308, 5.0),
        (2.0, 1e300, 10.0),
    ] {
        let p = Problem::from_formula(&f)
            .with_bounds(vec![lo], vec![hi])
            .unwrap();
        let r = minimize(
            &p,
            &[x0],
            &Method::from_name("brent").unwrap(),
            &Options::default(),
        )
        .unwrap();
        assert!(
            r.converged && (r.x[0] - 3.0).abs() < 1e-6,
            "[{lo}, {hi}] from {x0}: {r:?}"
        );
    }
}

#[test]
fn curvature_with_active_bounds_is_on_the_free_variables() {
    let f = Formula::parse("(x - 3)^2 + (y - 1)^2").unwrap();
    let p = Problem::from_formula(&f)
        .with_bounds(vec![f64::NEG_INFINITY; 2], vec![1.0, 5.0])
        .unwrap();
    let c = curvature_at(&p, &[1.0, 1.0]).unwrap();
    assert_eq!(c.free, [false, true]);
    assert_eq!(c.reduced.shape(), (1, 1));
    let se = c.standard_errors.unwrap();
    assert!(
        se.len() == 1 && (se[0] - 0.5f64.sqrt()).abs() < 1e-15,
        "{se:?}"
    );
    assert!(c.covariance.unwrap().iter().all(|v| v.is_finite()));
    // Every variable fixed (lower = upper): no curvature, and a warning that says so.
    let p = Problem::from_formula(&f)
        .with_bounds(vec![1.0, 2.0], vec![1.0, 2.0])
        .unwrap();
    let c = curvature_at(&p, &[1.0, 2.0]).unwrap();
    assert_eq!((c.covariance, c.standard_errors), (None, None));
    assert!(
        c.warnings.iter().any(|w| w.contains("no free variables")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn dense_matrices_over_the_limit_are_refused() {
    let names: Vec<String> = (0..12_000).map(|i| format!("v{i}")).collect();
    let text: Vec<String> = names.iter().map(|v| format!("{v}^2")).collect();
    let f = Formula::parse(&text.join(" + ")).unwrap();
    let e = f.hessian(&vec![0.0; 12_000]).unwrap_err().to_string();
    assert!(
        e.starts_with("a dense 12000 × 12000 Hessian is 1.07 GiB, over the limit of 1 GiB"),
        "{e}"
    );
    let p = Problem::from_formula(&f);
    let e = minimize(
        &p,
        &vec![1.0; 12_000],
        &Method::from_name("bfgs").unwrap(),
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("inverse Hessian approximation"), "{e}");
}

#[test]
fn an_overflowing_literal_is_blamed_not_the_point() {
    let e = Formula::parse("1e400 + x").unwrap_err().to_string();
    assert_eq!(
        e,
        "parse error at byte 0: the number '1e400' overflows (f64 ends at 1.8e308)"
    );
    assert!(Formula::parse("1.7e308 + x").is_ok());
}

#[test]
fn an_objective_that_overflows_under_a_constraint_is_not_called_infeasible() {
    use hessopt::solve::{AugmentedLagrangian, Constraint, minimize_constrained, parse_constraint};
    let run = |objective: &str, constraint: &str| {
        let f = Formula::parse(objective).unwrap();
        let (c, kind) = parse_constraint(constraint, &["x"]).unwrap();
        let constraints = [Constraint::from_formula(kind, &c)];
        let p = Problem::from_formula(&f);
        minimize_constrained(
            &p,
            &constraints,
            &[0.0],
            &AugmentedLagrangian::default(),
            &Options::default(),
        )
        .unwrap()
        .termination
        .as_str()
    };
    // exp(x) overflows on the whole feasible set x ≥ 1000; x² ≤ −1 has no feasible point.
    assert_eq!(run("exp(x)", "x >= 1000"), "objective_not_finite");
    assert_eq!(run("x", "x^2 <= -1"), "infeasible");
}

/// An unknown variable among 1e5 declared ones: one short line, not the whole list.
#[test]
fn unknown_variable_lists_a_few_of_many() {
    let names: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    let vars: Vec<&str> = names.iter().map(String::as_str).collect();
    let err = Formula::parse_with_vars("v1 + w", &vars)
        .unwrap_err()
        .to_string();
    assert!(err.len() < 200, "{} bytes: {}", err.len(), &err[..200]);
    assert!(
        err.ends_with("variable 'w' at byte 5 is not in the variable list [v0,v1,v2,v3,v4,v5,v6,v7, … and 99992 more]"),
        "{err}"
    );
    let short = Formula::parse_with_vars("x + w", &["x", "y"])
        .unwrap_err()
        .to_string();
    assert!(short.ends_with("[x,y]"), "{short}");
}

/// A gradient that is not finite at the start is named, not the value (finite there): for the
/// minimizers (a start whose gradient is NaN leaves the evaluator's value NaN too) and for
/// Hessians from a gradient, dense, sparse and Hessian-vector products. A value that is not
/// finite is still the value.
#[test]
fn a_gradient_not_finite_at_the_start_is_named() {
    use hessopt::diff::NumDiff;
    let nan_gradient = |g: &mut [f64]| {
        g[0] = f64::NAN;
        g[1] = 1.0;
    };
    let p = Problem::new(2, |x: &[f64]| x[0] * x[0] + x[1] * x[1])
        .with_gradient(move |_: &[f64], g: &mut [f64]| nan_gradient(g));
    for method in ["bfgs", "lbfgs", "cg", "newton", "trust-region"] {
        let m = Method::from_name(method).unwrap();
        let e = minimize(&p, &[1.0, 2.0], &m, &Options::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "gradient at x0 is not finite at x = [1.0, 2.0]",
            "{method}"
        );
    }
    let q = Problem::new(2, |x: &[f64]| (x[0] - 3.0).ln() + x[1]);
    let bfgs = Method::from_name("bfgs").unwrap();
    let e = minimize(&q, &[1.0, 2.0], &bfgs, &Options::default()).unwrap_err();
    assert!(e.to_string().starts_with("value at x0"), "{e}");

    let g = |_: &[f64]| vec![f64::NAN, 1.0];
    let nd = NumDiff::new();
    let want = "gradient is not finite at x = [1.0, 2.0]";
    assert_eq!(
        nd.hessian_from_gradient(&g, &[1.0, 2.0])
            .unwrap_err()
            .to_string(),
        want
    );
    assert_eq!(
        nd.hvp_from_gradient(&g, &[1.0, 2.0], &[1.0, 0.0])
            .unwrap_err()
            .to_string(),
        want
    );
    let pattern = nalgebra_sparse::pattern::SparsityPattern::try_from_offsets_and_indices(
        2,
        2,
        vec![0, 1, 2],
        vec![0, 1],
    )
    .unwrap();
    assert_eq!(
        nd.sparse_hessian_from_gradient(&g, &[1.0, 2.0], &pattern)
            .unwrap_err()
            .to_string(),
        want
    );
    let e = nd.jacobian(&g, &[1.0, 2.0]).unwrap_err().to_string();
    assert!(e.starts_with("value is not finite"), "{e}");
}

#[test]
fn trust_regions_reach_unbounded_on_an_indefinite_quadratic() {
    // x₁x₂ + x₂x₃ has no minimum (eigenvalues ±1/√2, 0). Steihaug's boundary step overflowed
    // once Δ ≈ ‖g‖ ≈ 1e77 (τ NaN, the region reset to the same size), so trust-region and SR1
    // sat at x ≈ 5e76 until the iteration limit (max_iterations after 1000 iterations, sparse
    // n = 1e4: 2·10⁶ iterations). The region doubles per step: unbounded past ‖x‖ = 1e150.
    let f = Formula::parse("x1*x2 + x2*x3").unwrap();
    let p = Problem::from_formula(&f);
    for method in ["trust-region", "trust-exact", "sr1"] {
        let r = minimize(
            &p,
            &[1.0; 3],
            &Method::from_name(method).unwrap(),
            &Options::default(),
        )
        .unwrap();
        assert_eq!(r.termination.to_string(), "unbounded", "{method}: {r:?}");
        assert!(r.value.is_finite() && r.value < -1e290, "{method}: {r:?}");
        assert!(r.iterations < 600, "{method}: {r:?}");
    }
}

#[test]
fn a_small_gradient_on_the_way_to_infinity_is_no_certificate() {
    // Each has no minimizer: f falls (or levels off to its infimum) as x → ±∞, and its gradient
    // passes 1e-8 on the way. They were certified gradient_norm at x = 1.3e8 (−log x, unbounded
    // below), 3e15 (−√x), 18.5 (e^(−x)), 1.1e4 (1/x); scipy 1.17's BFGS reports success there too.
    for f in [
        "-log(x)", "-sqrt(x)", "exp(-x)", "1/x", "atan(x)", "tanh(x)",
    ] {
        let formula = Formula::parse(f).unwrap();
        let p = Problem::from_formula(&formula);
        // Nelder–Mead probes along x − x0 (e^(−x) was simplex_converged at 51.1).
        for method in ["trust-exact", "bfgs", "lbfgs", "cg", "nelder-mead"] {
            let r = minimize(
                &p,
                &[1.0],
                &Method::from_name(method).unwrap(),
                &Options::default(),
            )
            .unwrap();
            assert!(!r.converged, "{f}, {method}: {r:?}");
            assert_eq!(r.termination.to_string(), "unbounded", "{f}, {method}");
        }
    }
    // Genuine minima keep their certificate: far out, flat, or on a large constant; the probe
    // costs one evaluation there.
    for (f, x0, at) in [
        ("(x - 1e6)^2*1e-12", 1.0, 1e6),
        ("1e6 + (x - 3)^2", 1.0, 3.0),
        ("log(1 + x^2)", 5.0, 0.0),
        ("exp(x) - 2*x", 0.0, 2f64.ln()),
    ] {
        let formula = Formula::parse(f).unwrap();
        let p = Problem::from_formula(&formula);
        for method in ["trust-exact", "bfgs", "lbfgs"] {
            let r = minimize(
                &p,
                &[x0],
                &Method::from_name(method).unwrap(),
                &Options::default(),
            )
            .unwrap();
            assert!(r.converged, "{f}, {method}: {r:?}");
            assert!(
                (r.x[0] - at).abs() <= 1e-4 * at.abs().max(1.0),
                "{f}, {method}: {r:?}"
            );
        }
    }
    // And Nelder–Mead's (its f test is relative: on 1e6 + (x − 3)² it stops at 2.9).
    for (f, x0, at) in [
        ("(x - 1e6)^2*1e-12", 1.0, 1e6),
        ("log(1 + x^2)", 5.0, 0.0),
        ("exp(x) - 2*x", 0.0, 2f64.ln()),
    ] {
        let formula = Formula::parse(f).unwrap();
        let nm = Method::from_name("nelder-mead").unwrap();
        let r = minimize(
            &Problem::from_formula(&formula),
            &[x0],
            &nm,
            &Options::default(),
        )
        .unwrap();
        assert!(r.converged, "{f}: {r:?}");
        assert!(
            (r.x[0] - at).abs() <= 1e-4 * at.abs().max(1.0),
            "{f}: {r:?}"
        );
    }
}

#[test]
fn separated_logistic_data_with_a_naive_softplus_has_no_estimate() {
    // log(1 + exp(z)) − y·z loses everything to cancellation once z > 36 (noise 7e-15 over a
    // likelihood of 3e-10) and overflows at z = 710: the ray test saw a rise and called the
    // estimate (b = 45, SE 1.1e5) converged.
    let data = Data::parse_csv("x,y\n1,0\n2,0\n3,1\n4,1\n", "separated.csv").unwrap();
    let nll = Objective::NegLogLik("log(1 + exp(a + b*x)) - y*(a + b*x)".into());
    let s = fit(&data, &nll, &["a", "b"], &[0.0, 0.0]).unwrap();
    assert!(!s.converged, "{s:?}");
    assert_eq!(s.termination.to_string(), "unbounded");
    assert_eq!(s.standard_errors, None);
    // Overlapping classes: the estimate of statsmodels 0.14's Logit (a = -2.64858662,
    // b = 1.09042556, SE 2.80600001, 0.97485244).
    let data = Data::parse_csv("x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n", "overlap.csv").unwrap();
    let s = fit(&data, &nll, &["a", "b"], &[0.0, 0.0]).unwrap();
    assert!(s.converged, "{s:?}");
    let se = s.standard_errors.clone().unwrap();
    for (got, want) in
        s.estimates
            .iter()
            .chain(&se)
            .zip([-2.64858662, 1.09042556, 2.80600001, 0.97485244])
    {
        assert!(
            (got - want).abs() < 1e-6 * want.abs(),
            "{got} vs {want}: {s:?}"
        );
    }
}

/// Least-squares fits on data of size 1e±300 (attack, last session's leftover): y − a·x on
/// y ≈ 2e-300·x was "converged" at a = 2.4e-63 and called an exact fit (the rounding test summed
/// the squared data columns, here x); on y ≈ 2e300·x divided by 1e298 the squared data overflowed
/// and an RSS of 197 was "at rounding level". Now both give the estimate, the standard error and
/// σ of the closed form (a = Σxy/Σx², SE = σ/√Σx², t = 135.071 at either scale).
#[test]
fn fits_on_data_of_extreme_size() {
    let csv = |s: f64| {
        let y = [2.0, 4.1, 5.9, 8.0].map(|v| v * s);
        let rows: Vec<String> = (1..=4).map(|i| format!("{i},{:e}", y[i - 1])).collect();
        (
            Data::parse_csv(&format!("x,y\n{}\n", rows.join("\n")), "d.csv").unwrap(),
            y,
        )
    };
    for (scale, residual) in [(1e-300, "y - a*x"), (1e300, "(y - a*x)/1e298")] {
        let (data, y) = csv(scale);
        let s = fit(&data, &Objective::Residual(residual.into()), &["a"], &[1.0]).unwrap();
        let a = (y[0] + 2.0 * y[1] + 3.0 * y[2] + 4.0 * y[3]) / 30.0;
        assert!(s.converged, "{s:?}");
        assert!((s.estimates[0] / a - 1.0).abs() < 1e-12, "{s:?}");
        assert!(
            !s.warnings.iter().any(|w| w.contains("zero residual")),
            "{s:?}"
        );
        let t = s.statistics.as_ref().unwrap()[0];
        assert!((t - 135.071).abs() < 1e-3, "{s:?}");
        assert!(s.sigma.is_some_and(|v| v > 0.0 && v.is_finite()), "{s:?}");
        assert!(s.aic.is_some_and(f64::is_finite), "{s:?}");
        // The covariance where its entries are representable, else a warning: no ∞ and no
        // variance of 0 beside a standard error of 1.5e-302.
        let se = s.standard_errors.as_ref().unwrap()[0];
        match &s.covariance {
            Some(c) => assert!((c[(0, 0)].sqrt() / se - 1.0).abs() < 1e-12, "{s:?}"),
            None => assert!(s.warnings.iter().any(|w| w.contains("covariance")), "{s:?}"),
        }
    }
    // Unscaled, ‖r‖² at the estimate is 4e597: one error saying what to do.
    let (data, _) = csv(1e300);
    let e = fit(
        &data,
        &Objective::Residual("y - a*x".into()),
        &["a"],
        &[1.0],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("divide the residuals by about 7e298"), "{e}");
}

/// A numerical gradient (or Jacobian) of n variables evaluates f at 2n points or more of n
/// entries: O(n²) work, like a dense n × n matrix, and is held to the same limit
/// (`Limit::DenseMatrix`, 1 GiB: n ≤ 8192). At n = 10⁵ a formula's numerical gradient ran for
/// hours (4000 variables: 67 s in a debug build, quadratic) with no word; now it is refused
/// before any evaluation, naming the cost and the setting, as the minimizers are when they
/// would difference such a gradient every iteration.
#[test]
fn numerical_gradients_at_large_n_are_held_to_the_dense_limit() {
    use hessopt::diff::NumDiff;
    use std::cell::Cell;
    let n = 10_000;
    let calls = Cell::new(0);
    let f = |x: &[f64]| {
        calls.set(calls.get() + 1);
        x.iter().map(|v| v * v).sum::<f64>()
    };
    let e = NumDiff::default()
        .gradient(&f, &vec![1.0; n])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("the points of a numerical gradient of 10000 variables (20000 points of 10000 entries: O(n²) work")
            && e.contains("over the limit of 1 GiB"),
        "{e}"
    );
    let g = |x: &[f64]| x.to_vec();
    let e = NumDiff::default()
        .jacobian(&g, &vec![1.0; n])
        .unwrap_err()
        .to_string();
    assert!(e.contains("numerical Jacobian of 10000 variables"), "{e}");
    let problem = Problem::new(n, f);
    let e = minimize(
        &problem,
        &vec![1.0; n],
        &Method::from_name("lbfgs").unwrap(),
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("lbfgs with numerical gradients of 10000 variables"),
        "{e}"
    );
    assert_eq!(calls.get(), 0);
}

/// A variable list that names x[1], …, x[k] gives len(x) = k (constraints are parsed over the
/// objective's variables: `sum(i = 1..len(x), x[i]) = 1` said "len(x) needs the length of x:
/// give the point" with the point given); a list with gaps gives no length.
#[test]
fn a_variable_list_gives_its_vectors_lengths() {
    let f = Formula::parse_with_vars(
        "sum(i = 1..len(x), x[i]) - a",
        &["a", "x[1]", "x[2]", "x[3]"],
    )
    .unwrap();
    assert_eq!(f.value(&[1.0, 1.0, 2.0, 3.0]).unwrap(), 5.0);
    let e = Formula::parse_with_vars("sum(i = 1..len(x), x[i])", &["x[1]", "x[3]"]).unwrap_err();
    assert!(
        e.to_string().contains("len(x) needs the length of x"),
        "{e}"
    );
    let (c, _) =
        hessopt::solve::parse_constraint("sum(i = 1..len(x), x[i]) = 1", &["x[1]", "x[2]"])
            .unwrap();
    assert_eq!(c.value(&[2.0, 3.0]).unwrap(), 4.0);
}

/// Brent with the minimum at an end of the interval: x² on [0, 1] from 5 (outside) or 0.5 was
/// `small_step` at x = 1.4e-10 (the check beside x found f(0) lower and gave up), 1/x on [0, 1]
/// `small_step` at 0.99999998; R's optimize returns a point within its tolerance of the end. Now
/// the end itself, certified: f does not fall inward from it.
#[test]
fn brent_certifies_a_minimum_at_an_end_of_the_interval() {
    for (src, x0, end, value) in [
        ("x^2", 5.0, 0.0, 0.0),
        ("x^2", 0.5, 0.0, 0.0),
        ("1/x", 0.5, 1.0, 1.0),
        ("-(x - 0.25)^2", 0.3, 1.0, -0.5625),
    ] {
        let f = Formula::parse(src).unwrap();
        let p = Problem::from_formula(&f)
            .with_bounds(vec![0.0], vec![1.0])
            .unwrap();
        let r = minimize(
            &p,
            &[x0],
            &Method::from_name("brent").unwrap(),
            &Options::default(),
        )
        .unwrap();
        assert!(
            r.converged && r.x[0] == end && r.value == value,
            "{src}: {r:?}"
        );
    }
}

/// log(x) on x ≥ 0 has no minimum (f → −∞ at the bound); L-BFGS-B stopped at x = 9.3e-10, where
/// the projected gradient (in units of x) is 9.3e-10 ≤ 1e-8, and reported `gradient_norm`,
/// converged. Now the bound itself is tried: f = −∞ there, unbounded (the point kept where f is
/// finite). A genuine minimum on a bound is unchanged, and one found just inside is moved onto it.
#[test]
fn a_steep_fall_at_a_bound_is_not_certified() {
    let run = |src: &str, lo: Vec<f64>, x0: &[f64]| {
        let f = Formula::parse(src).unwrap();
        let n = lo.len();
        let p = Problem::from_formula(&f)
            .with_bounds(lo, vec![f64::INFINITY; n])
            .unwrap();
        minimize(
            &p,
            x0,
            &Method::from_name("lbfgsb").unwrap(),
            &Options::default(),
        )
        .unwrap()
    };
    let r = run("log(x)", vec![0.0], &[1.0]);
    assert_eq!(
        r.termination,
        hessopt::solve::Termination::Unbounded,
        "{r:?}"
    );
    assert!(!r.converged && r.value.is_finite(), "{r:?}");
    let r = run("(x + 1)^2 + y^2", vec![0.0, -1.0], &[1.0, 1.0]);
    assert!(r.converged && r.x == [0.0, 0.0], "{r:?}");
}

/// A black box (no Hessian) started at a maximum or saddle, or on a symmetry axis that leads to
/// one, was `gradient_norm` converged there (curvature is not at hand for BFGS on values alone;
/// scipy's BFGS reports success too). The driver's axis probe (2n values) now finds the lower
/// values beside the point and steps off: unbounded below. A genuine minimum keeps its
/// certificate.
#[test]
fn black_box_maxima_and_saddles_are_not_certified() {
    let run = |f: fn(&[f64]) -> f64, x0: &[f64], method: &str| {
        let p = Problem::new(x0.len(), f);
        minimize(
            &p,
            x0,
            &Method::from_name(method).unwrap(),
            &Options::default(),
        )
        .unwrap()
    };
    for method in ["bfgs", "lbfgs", "cg"] {
        let r = run(|x| -x[0] * x[0], &[0.0], method);
        assert!(!r.converged, "{method} -x² from 0: {r:?}");
        let r = run(|x| x[0] * x[0] - x[1] * x[1], &[0.0, 0.0], method);
        assert!(!r.converged, "{method} x² - y² from 0: {r:?}");
        let r = run(
            |x| x[0] * x[0] + x[1].powi(4) - x[1] * x[1],
            &[1.0, 0.0],
            method,
        );
        assert!(
            r.converged && (r.x[1].abs() - 0.5f64.sqrt()).abs() < 1e-4,
            "{method}: {r:?}"
        );
        let r = run(
            |x| (x[0] - 1.0).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2),
            &[-1.2, 1.0],
            method,
        );
        // CG on values alone ends line_search_failed at |g| = 1.1e-8 (the extrapolated gradient's
        // certificate, not this probe).
        assert!(r.converged || method == "cg", "{method} Rosenbrock: {r:?}");
    }
}

/// From values alone a method's central differences can meet g_tol where the extrapolated
/// gradient of the certificate does not (review of 2618944): CG on chained Rosenbrock (n = 50,
/// `Problem::new`, as a Python callable without `jac`) went on after each refusal, its own
/// differences said stationary again at the next iteration, and it crept to the iteration limit
/// (n = 200: 40 000 iterations, 4.6e8 f, 225 s in release). Refusals without progress in f end
/// the run: `no_progress` after 1490 iterations, 1.1e6 f (BFGS and L-BFGS end line_search_failed
/// by themselves there, about 5e5 f).
#[test]
fn refused_values_only_certificates_do_not_creep_to_the_limit() {
    let n = 200;
    let f = |x: &[f64]| {
        (0..x.len() - 1)
            .map(|i| 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2))
            .sum::<f64>()
    };
    let x0: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let p = Problem::new(n, f);
    let r = minimize(
        &p,
        &x0,
        &Method::from_name("cg").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert!(r.value < 1e-10, "{r:?}");
    assert!(
        r.iterations < 20_000 && r.evaluations.f < 5_000_000,
        "crept: {:?} after {} iterations, {} f",
        r.termination,
        r.iterations,
        r.evaluations.f
    );
}
