//! Exact derivatives of formulas against references: the sympy cases in ../shared/cases (40-digit
//! symbolic values rounded to f64), and property tests against central differences.

mod common;

use common::{assert_close, formula};
use hessopt::Formula;
use proptest::prelude::*;

#[test]
fn shared_cases_exact_to_1e12() {
    let Some(cases) = common::derivative_cases() else {
        return;
    };
    assert!(cases.len() >= 10);
    for c in &cases {
        let vars: Vec<&str> = c.vars.iter().map(String::as_str).collect();
        let f = Formula::parse_with_vars(&c.expr, &vars).unwrap();
        let d = f.hessian(&c.at).unwrap();
        assert_close(&format!("{} value", c.name), &[d.value], &[c.f], 1e-12);
        assert_close(&format!("{} gradient", c.name), &d.gradient, &c.grad, 1e-12);
        let want: Vec<f64> = c.hess.iter().flatten().copied().collect();
        let got: Vec<f64> = d.hessian.transpose().as_slice().to_vec(); // row-major
        assert_close(&format!("{} hessian", c.name), &got, &want, 1e-12);
    }
}

/// Hand-checked special functions and lgamma's derivatives (digamma, trigamma from mpmath 1.3).
#[test]
fn special_function_derivatives() {
    let f = Formula::parse("lgamma(x) + logsumexp(x, 2*x)").unwrap();
    let d = f.hessian(&[3.7]).unwrap();
    // d/dx logsumexp(x,2x) = (e^x + 2e^{2x})/(e^x+e^{2x}); second: e^{3x}/(e^x+e^{2x})^2
    let (e1, e2) = (3.7f64.exp(), 7.4f64.exp());
    let g_lse = (e1 + 2.0 * e2) / (e1 + e2);
    let h_lse = (3.0 * 3.7f64).exp() / (e1 + e2).powi(2);
    assert_close(
        "grad",
        &d.gradient,
        &[1.167_153_539_361_511_4 + g_lse],
        1e-13,
    );
    assert_close(
        "hess",
        d.hessian.as_slice(),
        &[0.310_037_857_670_038_3 + h_lse],
        1e-12,
    );
}

proptest! {
    #![proptest_config(common::config(200))]

    /// Exact gradient vs a central difference; exact Hessian vs central differences of the exact
    /// gradient. Step 1e-6 gives truncation + rounding error well below the 1e-5 tolerance.
    #[test]
    fn exact_matches_central_differences(src in formula(), x in -1.5f64..1.5, y in -1.5f64..1.5) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let p = [x, y];
        let Ok(d) = f.hessian(&p) else { return Ok(()) };
        let h = 1e-6;
        let scale = 1.0 + d.value.abs() + d.gradient.iter().map(|g| g.abs()).sum::<f64>()
            + d.hessian.iter().map(|v| v.abs()).sum::<f64>();
        for i in 0..2 {
            let (mut xp, mut xm) = (p, p);
            xp[i] += h;
            xm[i] -= h;
            let fd = (f.value(&xp).unwrap() - f.value(&xm).unwrap()) / (2.0 * h);
            prop_assert!((fd - d.gradient[i]).abs() <= 1e-5 * scale, "{src}: g[{i}] {} vs {fd}", d.gradient[i]);
            let gp = f.gradient(&xp).unwrap().1;
            let gm = f.gradient(&xm).unwrap().1;
            for j in 0..2 {
                let fdh = (gp[j] - gm[j]) / (2.0 * h);
                prop_assert!((fdh - d.hessian[(j, i)]).abs() <= 1e-5 * scale, "{src}: H[{j},{i}]");
            }
        }
    }

    /// Printing and re-parsing gives the same function.
    #[test]
    fn round_trip(src in formula(), x in -1.5f64..1.5, y in -1.5f64..1.5) {
        let f = Formula::parse_with_vars(&src, &["x", "y"]).unwrap();
        let g = Formula::parse_with_vars(&f.to_string(), &["x", "y"]).unwrap();
        let (a, b) = (f.value(&[x, y]).unwrap(), g.value(&[x, y]).unwrap());
        prop_assert!(a == b || (a.is_nan() && b.is_nan()), "{src} -> {f}");
    }
}

proptest! {
    #![proptest_config(common::config(2000))]

    /// Any text parses or fails with an error — never a panic — and a parsed formula evaluates.
    #[test]
    fn arbitrary_text_never_panics(src in "[-+*/^(),.0-9a-z ;=<>e]{0,40}") {
        if let Ok(f) = Formula::parse(&src) {
            let x = vec![0.7; f.dim()];
            let _ = f.hessian(&x);
            let _ = f.to_string();
        }
        let _ = hessopt::FormulaSet::parse(&src);
    }
}
