//! Indexed sums over vector variables: expansion against the same formula written out, lengths
//! from the point, and one clear error per malformed sum or index.

use hessopt::Formula;

/// The chained Rosenbrock function written out term by term over x[1]..x[n].
fn chained_rosenbrock_written_out(n: usize) -> String {
    (1..n)
        .map(|i| format!("100*(x[{}] - x[{i}]^2)^2 + (1 - x[{i}])^2", i + 1))
        .collect::<Vec<_>>()
        .join(" + ")
}

#[test]
fn sum_equals_the_written_out_formula() {
    let n = 12;
    let x: Vec<f64> = (0..n).map(|i| -1.2 + 0.17 * i as f64).collect();
    let sum = Formula::parse("sum(i = 1..11, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)").unwrap();
    let plain = Formula::parse(&chained_rosenbrock_written_out(n)).unwrap();
    assert_eq!(sum.vars(), plain.vars());
    assert_eq!(sum.vars()[9], "x[10]"); // natural order: x[10] after x[9]
    let (a, b) = (sum.hessian(&x).unwrap(), plain.hessian(&x).unwrap());
    assert_eq!(a, b);
}

#[test]
fn lengths_from_the_caller_or_the_point() {
    let src = "sum(i = 1..len(x)-1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";
    let f = Formula::parse_with_lengths(src, &[("x", 30)]).unwrap();
    assert_eq!(f.dim(), 30);
    assert_eq!(f.value(&[1.0; 30]).unwrap(), 0.0);
    let g = Formula::parse_for_point(src, 30).unwrap();
    assert_eq!(f, g);
    // A scalar besides the vector: the vector gets the rest of the point; pi is no variable.
    let h = Formula::parse_for_point("s*sum(i = 1..len(y), (y[i] - pi)^2)", 4).unwrap();
    assert_eq!(h.vars(), ["s", "y[1]", "y[2]", "y[3]"]);
    let v = h.value(&[2.0, 0.0, 0.0, 0.0]).unwrap();
    assert!((v - 6.0 * std::f64::consts::PI.powi(2)).abs() < 1e-12);
    // Without len(): as parse.
    assert_eq!(
        Formula::parse_for_point("x^2", 1).unwrap(),
        Formula::parse("x^2").unwrap()
    );
    // Entries the formula does not use are still variables.
    let f = Formula::parse_with_lengths("x[2]^2", &[("x", 3)]).unwrap();
    assert_eq!(f.vars(), ["x[1]", "x[2]", "x[3]"]);
}

#[test]
fn nested_and_empty_sums() {
    // Σ_{i ≤ j} x_i x_j over three entries, and an empty sum that is 0.
    let f =
        Formula::parse("sum(i = 1..3, sum(j = i..3, x[i]*x[j])) + sum(k = 5..4, x[k])").unwrap();
    let g = Formula::parse("x[1]*x[1] + x[1]*x[2] + x[1]*x[3] + x[2]*x[2] + x[2]*x[3] + x[3]*x[3]")
        .unwrap();
    let x = [0.3, -1.1, 2.0];
    assert_eq!(f.vars(), g.vars());
    assert!((f.value(&x).unwrap() - g.value(&x).unwrap()).abs() < 1e-15);
    // Index arithmetic: extended Rosenbrock with x[2i-1], x[2i] and an exact division.
    let f = Formula::parse_with_lengths(
        "sum(i = 1..len(x)/2, 100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2)",
        &[("x", 6)],
    )
    .unwrap();
    assert_eq!(f.value(&[1.0; 6]).unwrap(), 0.0);
    assert_eq!(f.value(&[0.0; 6]).unwrap(), 3.0);
}

#[test]
fn display_round_trips_vector_entries() {
    let f = Formula::parse("sum(i = 1..3, exp(x[i]) * i)").unwrap();
    let back = Formula::parse(&f.to_string()).unwrap();
    let x = [0.1, 0.2, 0.3];
    assert_eq!(f.value(&x).unwrap(), back.value(&x).unwrap());
    assert_eq!(
        Formula::parse_with_vars("x[1] + x[2]", &["x[2]", "x[1]"])
            .unwrap()
            .vars(),
        ["x[2]", "x[1]"]
    );
}

#[test]
fn malformed_sums_and_indices_are_one_line_errors() {
    let nested: String = "sum(i = 1..1, ".repeat(9) + "x[i]" + &")".repeat(9);
    let cases: [(&str, &str); 15] = [
        ("x[0]", "outside"),
        ("sum(i = 1..3, x[i]) + x[-1]", "outside"),
        ("sum(i = 1..2.5, x[i])", "not an integer"),
        ("x[3/2]", "not an integer"),
        ("x[1/0]", "not an integer"),
        ("x[j]", "not the index of an enclosing sum"),
        ("sum(1..3, x)", "sum(i = a..b, expression)"),
        ("sum(i = 1..3)", "sum(i = a..b, expression)"),
        ("sum(i = 1..3, )", "sum(i = a..b, expression)"),
        (&nested, "nested more than 8"),
        ("sum(i = 1..1000000000000, x[i])", "more than"),
        // Found by the fuzzer (fuzz/): 60 bytes whose nested sums expand to 1.3e8 tokens took
        // 27 s and 3.5 GB before the refusal; now refused after the first outer term.
        (
            "sum(i = 1..9*400 ,(- p[i])sum(i = 1..9*400 ,(- p[i])^2)^2)",
            "expands to more than",
        ),
        ("sum(i = 1..len(x), x[i])", "needs the length of x"),
        ("x[1", "never closed"),
        ("a = b", "unexpected '='"),
    ];
    for (src, want) in cases {
        let e = Formula::parse(src).unwrap_err().to_string();
        assert!(e.contains(want), "{src}: {e}");
        assert!(!e.contains('\n'), "{src}: {e}");
    }
    let e = Formula::parse_with_lengths("x[4]", &[("x", 3)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("outside 1..3"), "{e}");
    let e = Formula::parse_for_point("a*b*sum(i = 1..len(x), x[i])", 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("fewer than"), "{e}");
    let e = Formula::parse_for_point("sum(i = 1..len(x), x[i]*y[i])", 4)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected 8, got 4"), "{e}"); // x has the 4, y's entries come on top
    let e = Formula::parse_for_point("len(x) + len(y)", 4)
        .unwrap_err()
        .to_string();
    assert!(e.contains("several vectors"), "{e}");
    let e = Formula::parse_with_vars("x", &["x[01]"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a name"), "{e}");
}
