//! Plain central differences for the solvers' cheap derivatives (no extrapolation).

/// Plain central differences of a vector function F: Rⁿ → Rᵐ with the step ε^(1/3)·max(|x_i|, 1)
/// (error O(ε^(2/3)), 2n evaluations), into `out` as a column-major m × n matrix (m = `fx.len()`,
/// the value at x). Where a point is not finite, the one-sided quotient from the finite side is
/// used. The cheap derivatives that solvers take many times; the extrapolating engine above is
/// for derivatives that are reported.
pub(crate) fn central_differences(
    x: &[f64],
    fx: &[f64],
    mut f: impl FnMut(&[f64], &mut [f64]),
    out: &mut [f64],
) {
    let m = fx.len();
    let (mut fp, mut fm) = (vec![0.0; m], vec![0.0; m]);
    let mut p = x.to_vec();
    for c in 0..x.len() {
        let h = f64::EPSILON.cbrt() * x[c].abs().max(1.0);
        p[c] = x[c] + h;
        f(&p, &mut fp);
        p[c] = x[c] - h;
        f(&p, &mut fm);
        p[c] = x[c];
        for r in 0..m {
            out[c * m + r] = match (fp[r].is_finite(), fm[r].is_finite()) {
                (true, true) => (fp[r] - fm[r]) / (2.0 * h),
                (true, false) => (fp[r] - fx[r]) / h,
                _ => (fx[r] - fm[r]) / h,
            };
        }
    }
}
