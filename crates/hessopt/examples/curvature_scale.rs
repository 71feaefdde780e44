//! Curvature at scale: top and bottom eigenvalues by Lanczos and the trace by Hutchinson for an
//! operator with n = 10⁵ whose spectrum is known in closed form, without forming the Hessian.
//!
//! The operator is [`hessopt::problems::KnownSpectrum`]: H = Q Λ Qᵀ with Q a Householder
//! reflection (H dense, H·v in O(n)), λ_i = i/n except λ_0 = −1 and the top three 2, 3, 5.
//! Run: `cargo run --release -p hessopt --example curvature_scale`.

use std::time::Instant;

use hessopt::analysis::lanczos::{Which, extreme_eigenvalues, hutchinson_trace};

fn main() -> Result<(), hessopt::Error> {
    let n = 100_000;
    let op = hessopt::problems::KnownSpectrum::new(n);
    let hv = |v: &[f64], out: &mut [f64]| op.apply(v, out);
    let lambda = &op.eigenvalues;
    let t = Instant::now();
    let top = extreme_eigenvalues(&hv, n, 3, Which::Largest, 1)?;
    let t_top = t.elapsed();
    let t = Instant::now();
    let bottom = extreme_eigenvalues(&hv, n, 1, Which::Smallest, 1)?;
    let t_bottom = t.elapsed();
    let t = Instant::now();
    let (trace, se) = hutchinson_trace(&hv, n, 100, 2)?;
    let t_trace = t.elapsed();
    let exact_trace: f64 = lambda.iter().sum();
    println!("n = {n}");
    for (r, want) in top.iter().zip([5.0, 3.0, 2.0]) {
        println!(
            "top      {:.12}  (exact {want}, error {:.1e}, residual {:.1e})",
            r.value,
            (r.value - want).abs(),
            r.residual
        );
    }
    println!("         in {t_top:.2?}");
    println!(
        "bottom   {:.12}  (exact -1, error {:.1e}) in {t_bottom:.2?}",
        bottom[0].value,
        (bottom[0].value + 1.0).abs()
    );
    println!(
        "trace    {trace:.2} ± {se:.2} (exact {exact_trace:.2}, error {:.2e} relative) from 100 products in {t_trace:.2?}",
        (trace - exact_trace).abs() / exact_trace.abs()
    );
    Ok(())
}
