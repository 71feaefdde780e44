use super::*;

fn eval(src: &str, x: &[f64]) -> f64 {
    Formula::parse(src).unwrap().value(x).unwrap()
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(eval("-2^2", &[]), -4.0);
    assert_eq!(eval("2^3^2", &[]), 512.0);
    assert_eq!(eval("2^-1", &[]), 0.5);
    assert_eq!(eval("1 - 2 - 3", &[]), -4.0);
    assert_eq!(eval("8 / 4 / 2", &[]), 1.0);
    assert_eq!(eval("2 + 3 * 4", &[]), 14.0);
    assert_eq!(eval("-x^2", &[3.0]), -9.0);
    assert_eq!(eval("b1*-2.0", &[1.5]), -3.0);
    assert_eq!(eval("--3", &[]), 3.0);
    assert_eq!(eval("+.5 + 1e-1 + 2E1 + 3.", &[]), 23.6);
    assert_eq!(eval("2**3", &[]), 8.0);
    assert_eq!(eval("-x^-2", &[2.0]), -0.25);
    assert!((eval("pi", &[]) - std::f64::consts::PI).abs() == 0.0);
}

#[test]
fn variable_order() {
    // Natural order, not first appearance: digit runs compare as numbers.
    let f = Formula::parse("y + x*z + y").unwrap();
    assert_eq!(f.vars(), ["x", "y", "z"]);
    let f = Formula::parse("x10 + x2*b + x1 + x + a02 + a1 + a2 + x_1").unwrap();
    assert_eq!(
        f.vars(),
        ["a1", "a02", "a2", "b", "x", "x1", "x2", "x10", "x_1"]
    );
    assert_eq!(f.gradient(&[0.0; 9]).unwrap().1[3], 0.0); // ∂/∂b = x2 = 0
    assert_eq!(f.gradient(&[1.0; 9]).unwrap().1[6], 1.0); // ∂/∂x2 = b = 1
    let set = FormulaSet::parse("x3 - y; x12 * x3").unwrap();
    assert_eq!(set.vars(), ["x3", "x12", "y"]);
    assert_eq!(set.jacobian(&[1.0, 2.0, 3.0]).unwrap().1[(1, 0)], 2.0);
    let g = Formula::parse_with_vars("y + x", &["x", "y", "w"]).unwrap();
    assert_eq!(g.vars(), ["x", "y", "w"]);
    assert_eq!(g.gradient(&[1.0, 2.0, 3.0]).unwrap().1, vec![1.0, 1.0, 0.0]);
    let err = Formula::parse_with_vars("y + q", &["x", "y"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variable 'q' at byte 4 is not in the variable list [x,y]"
    );
}

#[test]
fn logsumexp_is_stable() {
    let v = eval("logsumexp(800, 801)", &[]);
    assert!((v - (801.0 + (1.0 + (-1.0f64).exp()).ln())).abs() < 1e-12);
    let f = Formula::parse("logsumexp(x, 2*x, y)").unwrap();
    let d = f.hessian(&[700.0, 1.0]).unwrap();
    assert!(d.value.is_finite());
    assert!((d.gradient[0] - 2.0).abs() < 1e-12);
}

#[test]
fn errors_have_positions() {
    let cases = [
        (
            "x +",
            "parse error at byte 3: unexpected end of formula, expected an operand",
        ),
        ("(x + 1", "parse error at byte 0: '(' is never closed"),
        ("x + 1)", "parse error at byte 5: unmatched ')'"),
        (
            "foo(x)",
            "unknown function 'foo' at byte 0 (known: sin, cos, tan, exp, log, sqrt, abs, atan, sinh, cosh, tanh, log1p, expm1, lgamma, erf, erfc, normcdf, lognormcdf, log10, log2, ln, atan2, min, max, pow, logsumexp)",
        ),
        ("x $ y", "parse error at byte 2: unexpected character '$'"),
        (
            "x y",
            "parse error at byte 2: expected an operator or ')' but found name 'y'",
        ),
        (
            "sin x",
            "parse error at byte 0: function 'sin' must be followed by '('",
        ),
        (
            "",
            "parse error at byte 0: empty formula, expected an expression",
        ),
        ("1.2.3", "parse error at byte 0: malformed number '1.2.3'"),
        (
            "sin(x, y)",
            "parse error at byte 5: ',' outside of a function call taking several arguments",
        ),
        (
            "* x",
            "parse error at byte 0: expected a number, name or '(' but found '*'",
        ),
    ];
    for (src, msg) in cases {
        assert_eq!(Formula::parse(src).unwrap_err().to_string(), msg, "{src}");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 200_000;
    let src = format!("{}x{}", "(".repeat(depth), ")".repeat(depth));
    let f = Formula::parse(&src).unwrap();
    assert_eq!(f.value(&[2.0]).unwrap(), 2.0);
    let src = format!("{}x", "-(".repeat(depth)) + &")".repeat(depth);
    let f = Formula::parse(&src).unwrap();
    assert_eq!(f.value(&[2.0]).unwrap(), 2.0);
    assert!(!f.to_string().is_empty());
    let unclosed = "(".repeat(depth);
    assert!(Formula::parse(&unclosed).is_err());
}

#[test]
fn constants_are_folded() {
    let f = Formula::parse("sqrt(5)*x + 2*3").unwrap();
    // Var x, const sqrt(5), mul, const 6, add
    assert_eq!(f.tape_len(), 5);
    assert_eq!(f.gradient(&[1.0]).unwrap().1[0], 5f64.sqrt());
}

#[test]
fn round_trip_preserves_the_function() {
    for src in [
        "100*(y - x^2)^2 + (1 - x)^2",
        "-x^2 + 2^-y",
        "logsumexp(x, -y, 3) * lgamma(x + 4)",
        "x^y + abs(x - y) / expm1(y) - log1p(x)",
        "2^x^y",
        "atan2(y, x) * atan2(-x, 1)",
        "min(x, y) - max(x^2, y) + pow(x, y) + ln(y) * log2(x) / log10(y + 1)",
        "erf(x) + erfc(y) * normcdf(x - y) - lognormcdf(-x)",
    ] {
        let f = Formula::parse(src).unwrap();
        let vars: Vec<&str> = f.vars().iter().map(String::as_str).collect();
        let g = Formula::parse_with_vars(&f.to_string(), &vars).unwrap();
        for x in [[0.3, 1.7], [1.1, 0.4]] {
            assert_eq!(f.value(&x).unwrap(), g.value(&x).unwrap(), "{src} -> {f}");
        }
    }
}

#[test]
fn non_finite_values_are_errors() {
    let f = Formula::parse("log(x) + 1/y").unwrap();
    assert!(matches!(
        f.gradient(&[-1.0, 1.0]),
        Err(Error::NonFinite { .. })
    ));
    assert!(matches!(
        f.hessian(&[1.0, 0.0]),
        Err(Error::NonFinite { .. })
    ));
    assert!(matches!(
        f.gradient(&[1.0]),
        Err(Error::DimensionMismatch {
            expected: 2,
            got: 1,
            ..
        })
    ));
}

#[test]
fn hvp_matches_hessian_column_sum() {
    let f = Formula::parse("exp(x*y) + sin(x)*z^3 + logsumexp(x, y, z)").unwrap();
    let x = [0.3, -0.2, 0.7];
    let d = f.hessian(&x).unwrap();
    let v = [1.0, -2.0, 0.5];
    let (mut g, mut hv) = ([0.0; 3], [0.0; 3]);
    f.hvp_with(&x, &v, &mut f.workspace(), &mut g, &mut hv)
        .unwrap();
    for (i, hvi) in hv.iter().enumerate() {
        let expect: f64 = (0..3).map(|j| d.hessian[(i, j)] * v[j]).sum();
        assert!((hvi - expect).abs() < 1e-13 * (1.0 + expect.abs()));
    }
}

#[test]
fn jacobian_of_a_set() {
    let s = FormulaSet::parse("x*y; x + sin(y);").unwrap();
    assert_eq!(s.len(), 2);
    let (v, j) = s.jacobian(&[1.0, 2.0]).unwrap();
    assert_eq!(v, vec![2.0, 1.0 + 2f64.sin()]);
    assert_eq!(j[(1, 1)], 2f64.cos());
    let err = FormulaSet::parse("x; y +").unwrap_err();
    assert_eq!(
        err.to_string(),
        "parse error at byte 6: unexpected end of formula, expected an operand"
    );
}

#[test]
fn atan2_values_and_derivatives() {
    let f = Formula::parse_with_vars("atan2(y, x)", &["x", "y"]).unwrap();
    assert_eq!(f.value(&[-1.0, 0.0]).unwrap(), std::f64::consts::PI);
    let d = f.hessian(&[1.0, 2.0]).unwrap();
    // ∂/∂x = −y/r², ∂/∂y = x/r², r² = 5.
    assert!((d.gradient[0] + 0.4).abs() < 1e-15 && (d.gradient[1] - 0.2).abs() < 1e-15);
    // ∂²/∂x² = 2xy/r⁴, ∂²/∂x∂y = (y² − x²)/r⁴.
    assert!((d.hessian[(0, 0)] - 4.0 / 25.0).abs() < 1e-15);
    assert!((d.hessian[(0, 1)] - 3.0 / 25.0).abs() < 1e-15);
}

/// Values, first and second derivatives of the special functions against mpmath 1.3 at 50
/// digits (`mp.erf`, `mp.erfc`, `mp.ncdf`, `mp.log(mp.ncdf(x))`, `mp.diff(f, x, k)`), far into
/// the tails. The digits are mpmath's as printed, even where they equal a std constant.
#[test]
#[allow(clippy::approx_constant)]
fn special_functions_match_mpmath() {
    let cases: [(&str, f64, f64, f64, f64); 22] = [
        (
            "erf",
            1e-10,
            1.1283791670955126e-10,
            1.1283791670955126,
            -2.2567583341910252e-10,
        ),
        (
            "erf",
            0.3,
            0.32862675945912742,
            1.0312609096189631,
            -0.61875654577137781,
        ),
        (
            "erf",
            -2.0,
            -0.99532226501895273,
            0.020666985354092054,
            0.082667941416368215,
        ),
        (
            "erf",
            4.0,
            0.9999999845827421,
            1.2698234671866558e-7,
            -1.0158587737493247e-6,
        ),
        (
            "erfc",
            0.3,
            0.67137324054087258,
            -1.0312609096189631,
            0.61875654577137781,
        ),
        (
            "erfc",
            5.0,
            1.5374597944280349e-12,
            -1.5670866531017335e-11,
            1.5670866531017335e-10,
        ),
        (
            "erfc",
            26.0,
            5.6631924088561428e-296,
            -2.9470349932662695e-294,
            1.5324581964984602e-292,
        ),
        (
            "erfc",
            -1.0,
            1.8427007929497149,
            -0.4151074974205947,
            -0.83021499484118941,
        ),
        (
            "normcdf",
            -37.0,
            5.7255712225245768e-300,
            2.1200065515246056e-298,
            7.8440242406410408e-297,
        ),
        (
            "normcdf",
            -10.0,
            7.6198530241605261e-24,
            7.6945986267064193e-23,
            7.6945986267064193e-22,
        ),
        (
            "normcdf",
            0.5,
            0.6914624612740131,
            0.35206532676429948,
            -0.17603266338214974,
        ),
        (
            "normcdf",
            3.0,
            0.99865010196836991,
            0.0044318484119380072,
            -0.013295545235814022,
        ),
        (
            "lognormcdf",
            -1e5,
            -5000000012.431864,
            100000.00001,
            -0.9999999999,
        ),
        (
            "lognormcdf",
            -40.0,
            -804.60844201375379,
            40.024968847207264,
            -0.99937733162140861,
        ),
        (
            "lognormcdf",
            -4.0,
            -10.360101486527291,
            4.2256071444894711,
            -0.95332716160257737,
        ),
        (
            "lognormcdf",
            -1.0,
            -1.8410216450092635,
            1.5251352761609812,
            -0.80090233442965121,
        ),
        (
            "lognormcdf",
            0.0,
            -0.69314718055994531,
            0.79788456080286536,
            -0.63661977236758134,
        ),
        (
            "lognormcdf",
            2.0,
            -0.023012909328963488,
            0.055247862678989959,
            -0.11354805168857645,
        ),
        (
            "lognormcdf",
            8.0,
            -6.2209605742717861e-16,
            5.0522710835368954e-15,
            -4.0418168668295189e-14,
        ),
        (
            "log10",
            0.3,
            -0.52287874528033758,
            1.4476482730108395,
            -4.8254942433694651,
        ),
        (
            "log10",
            1e5,
            5.0,
            4.3429448190325183e-6,
            -4.3429448190325183e-11,
        ),
        (
            "log2",
            3.0,
            1.5849625007211562,
            0.4808983469629878,
            -0.1602994489876626,
        ),
    ];
    let mut worst = 0.0f64;
    for (name, x, f, d1, d2) in cases {
        let formula = Formula::parse(&format!("{name}(x)")).unwrap();
        let d = formula.hessian(&[x]).unwrap();
        for (what, got, want) in [
            ("f", d.value, f),
            ("f'", d.gradient[0], d1),
            ("f''", d.hessian[(0, 0)], d2),
        ] {
            let rel = (got - want).abs() / want.abs();
            worst = worst.max(rel);
            assert!(
                rel <= 1e-13,
                "{name}({x}) {what}: {got:e} vs {want:e} (rel {rel:.1e})"
            );
        }
    }
    eprintln!("special functions: worst relative error {worst:.1e} against mpmath");
    // ln is log; pow(a, b) is a^b, also with a constant exponent.
    assert_eq!(eval("ln(x)", &[2.0]), 2f64.ln());
    let p = Formula::parse("pow(x, 3) - x^3 + pow(2, x) - 2^x").unwrap();
    assert_eq!(p.hessian(&[1.3]).unwrap().hessian[(0, 0)], 0.0);
}

#[test]
fn min_max_and_their_ties() {
    let f = Formula::parse("min(x, y) + 2*max(x, y)").unwrap();
    assert_eq!(f.gradient(&[1.0, 2.0]).unwrap(), (5.0, vec![1.0, 2.0]));
    assert_eq!(f.gradient(&[3.0, 2.0]).unwrap(), (8.0, vec![2.0, 1.0]));
    // A tie: each argument gets half, so max(x, -x) has abs's derivative 0 at 0.
    assert_eq!(f.gradient(&[1.0, 1.0]).unwrap().1, vec![1.5, 1.5]);
    let m = Formula::parse("max(x, -x) - abs(x)").unwrap();
    for x in [-2.0, 0.0, 0.5] {
        assert_eq!(m.gradient(&[x]).unwrap(), (0.0, vec![0.0]));
    }
    assert!(
        f.hessian(&[1.0, 1.0])
            .unwrap()
            .hessian
            .iter()
            .all(|h| *h == 0.0)
    );
    let e = Formula::parse("max(x)").unwrap_err().to_string();
    assert!(e.contains("max takes two arguments"), "{e}");
}
