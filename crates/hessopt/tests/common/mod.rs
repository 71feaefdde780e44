//! Helpers shared by the integration tests.
#![allow(dead_code)]

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
pub fn derivative_cases() -> Option<Vec<hessopt::cases::DerivativeCase>> {
    hessopt::cases::derivative_cases().expect("shared derivative cases")
}
