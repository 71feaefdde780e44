//! Helpers shared by the integration tests.
#![allow(dead_code)]

use proptest::prelude::*;

/// |a − b| ≤ rtol·|b| + rtol·scale·1e-3 for every entry, where scale is max |b|: relative per entry,
/// with a floor for entries that are exactly zero.
pub fn assert_close(what: &str, got: &[f64], want: &[f64], rtol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let tol = rtol * w.abs() + rtol * 1e-3 * scale;
        assert!(
            (g - w).abs() <= tol,
            "{what}[{i}]: got {g:e}, want {w:e} (|diff| {:e} > tol {tol:e})",
            (g - w).abs()
        );
    }
}

/// The derivative reference cases, or `None` (skip) when the shared folder is absent.
pub fn derivative_cases() -> Option<Vec<hessopt_cases::DerivativeCase>> {
    hessopt_cases::derivative_cases().expect("shared derivative cases")
}

/// Random formulas in x and y built from the smooth parts of the language.
pub fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        (-3.0f64..3.0).prop_map(|c| format!("{c:.3}")),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} / (2 + sin({b})))")),
            inner.clone().prop_map(|a| format!("sin({a})")),
            inner.clone().prop_map(|a| format!("cos({a})")),
            inner.clone().prop_map(|a| format!("atan({a})")),
            inner.clone().prop_map(|a| format!("tanh({a})")),
            inner.clone().prop_map(|a| format!("exp(sin({a}))")),
            inner.clone().prop_map(|a| format!("log(1 + ({a})^2)")),
            inner.clone().prop_map(|a| format!("sqrt(2 + cos({a}))")),
            inner.clone().prop_map(|a| format!("({a})^3")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("atan2({a}, 2 + sin({b}))")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("logsumexp({a}, {b})")),
            inner.clone().prop_map(|a| format!("erf({a})")),
            inner.clone().prop_map(|a| format!("lognormcdf({a})")),
            inner
                .clone()
                .prop_map(|a| format!("normcdf({a}) * log10(2 + cos({a}))")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("pow(2 + sin({a}), {b})")),
        ]
    })
}

/// Property-test settings: `cases` cases and a fixed seed, so that CI runs are reproducible;
/// `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them for longer or different local runs.
pub fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var("PROPTEST_CASES").is_err() {
        c.cases = cases;
    }
    if std::env::var("PROPTEST_RNG_SEED").is_err() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(20_261_122);
    }
    // Failures are reproduced from the seed, not from files written into the source tree.
    c.failure_persistence = None;
    c
}
