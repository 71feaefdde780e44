//! Any bytes as a formula: parsing either fails with an error or yields a tape whose value,
//! gradient and Hessian can be evaluated at a point derived from the input without a panic.
//! Values may be non-finite (that is the caller's to report); a panic or an abort is a bug.
#![no_main]

use hessopt::Formula;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formula) = Formula::parse(src) else {
        return;
    };
    let n = formula.vars().len();
    if n > 64 {
        return;
    }
    // A point spread over magnitudes from the input's own bytes.
    let x: Vec<f64> = (0..n)
        .map(|i| {
            let b = data.get(i).copied().unwrap_or(1) as i32;
            (b - 128) as f64 * 10f64.powi((b % 9) - 4)
        })
        .collect();
    let _ = formula.value(&x);
    let _ = formula.gradient(&x);
    let _ = formula.hessian(&x);
});
