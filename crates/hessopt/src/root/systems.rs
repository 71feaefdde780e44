//! Systems F(x) = 0: Newton and Broyden with a line search on ½‖F‖².
//!
//! The certificate: ‖F(x)‖∞ ≤ ftol, and x is not on an asymptote. F can fall below any tolerance
//! only as x runs off to infinity (exp(−x) from 0: ‖F‖ = 7e-13 at x = 28; 1/x at x = 10¹²);
//! there the Newton step points further out and ‖F‖ keeps shrinking along it. So at a point
//! with ‖F‖∞ ≤ ftol, F is probed along the Newton direction p̂ at distances 8ᵏ·max(4ε‖x‖∞,
//! √f64::MIN_POSITIVE) up to 2·max(‖x‖∞, 1): at a root ‖F‖ grows once the distance exceeds
//! the one to the exact root; when it shrinks at every distance the point is
//! [`Termination::NotARoot`], as the scalar finders' asymptote rule. MINPACK agrees (scipy's
//! `hybr` and `lm` on exp(−x) from 0 stop at maxfev, success False), while scipy's
//! residual-tolerance methods accept (`broyden1` x = 12.3, `df-sane` x = 18.9). An exact zero
//! of F, which underflow may have made, gets the scalar zero-set test along each axis. Iterates with
//! ‖x‖∞ above 1e150 end the run as [`Termination::Unbounded`].

use nalgebra::{DMatrix, DVector};

use super::report::{monitor, record};
use super::{RootOptions, RootReport};
use crate::error::{Error, Result};
use crate::linalg;
use crate::solve::driver::UNBOUNDED_X;
use crate::solve::{Callback, Termination};

/// Accepted steps in a row, each reducing ½‖F‖² by at most 1e-12 of it, that end a run
/// `no_progress`.
const CRAWL: usize = 5;

/// System methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemMethod {
    /// Newton with a line search on ½‖F‖².
    Newton,
    /// Broyden's good update with the same line search.
    Broyden,
}

/// A Jacobian callback: J(x) into the matrix.
pub type JacobianFn<'a> = dyn Fn(&[f64], &mut DMatrix<f64>) + 'a;

/// A system F: Rⁿ → Rⁿ with an optional Jacobian.
pub struct System<'a> {
    /// Number of equations and unknowns.
    pub n: usize,
    /// F(x) into the output.
    pub f: &'a dyn Fn(&[f64], &mut [f64]),
    /// J(x) into the output (central differences when absent).
    pub jacobian: Option<&'a JacobianFn<'a>>,
}

/// The system with its calls counted and each row Fᵢ multiplied by a power of two `scale[i]`
/// (exact; chosen at x0 by [`crate::linalg::row_scale`] from the Jacobian's row, 1 for rows
/// between 1/1024 and 2⁶⁴): 1e-200·(x − 1) is solved as x − 1 (its slope 1e-200 looked singular
/// next to the other rows, and |F| ≤ ftol held at any x), 1e200·(x − 1) as x − 1. The
/// certificate ‖F‖∞ ≤ ftol is on the scaled rows; the report's residual norm is in the user's
/// units.
struct SysCount<'a, 'b> {
    s: &'b System<'a>,
    f: usize,
    j: usize,
    scale: Vec<f64>,
}

impl SysCount<'_, '_> {
    fn f(&mut self, x: &[f64]) -> Vec<f64> {
        self.f += 1;
        let mut out = vec![0.0; self.s.n];
        (self.s.f)(x, &mut out);
        out.iter_mut().zip(&self.scale).for_each(|(v, s)| *v *= s);
        out
    }

    /// Sets the row scales from the Jacobian `j` at x0 (|F(x0)ᵢ| for a row that is zero or not
    /// finite) and rescales `fx` and `j` with them.
    fn set_scales(&mut self, fx: &mut [f64], j: &mut DMatrix<f64>) {
        for (i, (v, s)) in fx.iter_mut().zip(self.scale.iter_mut()).enumerate() {
            let row = j.row(i).iter().fold(0.0f64, |m, a| m.max(a.abs()));
            let size = if row > 0.0 && row.is_finite() {
                row
            } else {
                v.abs()
            };
            // Down only where the squares in ½‖F‖² come near overflow: the certificate
            // ‖F‖∞ ≤ ftol stays in the user's units for rows up to 2⁶⁴ (Powell's badly scaled
            // system, rows of size 1e4).
            *s = crate::linalg::row_scale(size, 2f64.powi(64));
            *v *= *s;
            j.row_mut(i).iter_mut().for_each(|a| *a *= *s);
        }
    }

    /// ‖F‖∞ in the user's units, from scaled values.
    fn user_norm(&self, fx: &[f64]) -> f64 {
        fx.iter()
            .zip(&self.scale)
            .fold(0.0f64, |m, (v, s)| m.max((v / s).abs()))
    }

    fn jac(&mut self, x: &[f64], fx: &[f64]) -> DMatrix<f64> {
        self.j += 1;
        let n = self.s.n;
        let mut j = DMatrix::zeros(n, n);
        let scale = &self.scale;
        match self.s.jacobian {
            Some(jf) => {
                jf(x, &mut j);
                for (i, s) in scale.iter().enumerate() {
                    j.row_mut(i).iter_mut().for_each(|a| *a *= s);
                }
            }
            None => {
                let f = self.s.f;
                crate::diff::central_differences(
                    x,
                    fx,
                    |p, out| {
                        f(p, out);
                        out.iter_mut().zip(scale).for_each(|(v, s)| *v *= s);
                    },
                    j.as_mut_slice(),
                );
                self.f += 2 * n;
            }
        }
        j
    }
}

/// The verdict at an exact zero of F (every scaled row 0), which underflow may have made:
/// ‖F‖∞ along each axis through x gets the scalar finders' test
/// ([`super::scalar::zero_set`]); `NotARoot` when one axis says so (exp(−x); y − 1 from
/// (1000, 0) was root_found at (1000, 1), where exp(−x) only underflowed; scipy 1.17's hybr and
/// lm report success there too), else a root. At least 2n evaluations of F.
fn exact_zero(c: &mut SysCount<'_, '_>, x: &[f64]) -> Termination {
    let mut xt = x.to_vec();
    for i in 0..x.len() {
        let mut along = |t: f64| {
            xt[i] = t;
            inf_norm(&c.f(&xt))
        };
        let t = super::scalar::zero_set(&mut along, x[i]);
        xt[i] = x[i];
        if t == Termination::NotARoot {
            return t;
        }
    }
    Termination::RootFound
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, a| m.max(a.abs()))
}

fn half_sq(v: &[f64]) -> f64 {
    0.5 * v.iter().map(|a| a * a).sum::<f64>()
}

/// The Newton step −J⁻¹F (LU), or where J is singular the least-squares (minimum-norm) step by
/// SVD; with whether J was singular.
fn newton_step(j: &DMatrix<f64>, fx: &[f64]) -> (Vec<f64>, bool) {
    let neg_f = DVector::from_iterator(fx.len(), fx.iter().map(|v| -v));
    match j.clone().lu().solve(&neg_f) {
        Some(p) if p.iter().all(|v| v.is_finite()) => (p.iter().copied().collect(), false),
        _ => {
            let (u, sigma, v) = linalg::svd(j);
            let cut = sigma.first().copied().unwrap_or(0.0) * 1e-12;
            let coef: Vec<f64> = (0..sigma.len())
                .map(|i| {
                    if sigma[i] > cut {
                        u.column(i).dot(&neg_f) / sigma[i]
                    } else {
                        0.0
                    }
                })
                .collect();
            let p = (0..j.ncols())
                .map(|r| (0..coef.len()).map(|i| v[(r, i)] * coef[i]).sum())
                .collect();
            (p, true)
        }
    }
}

/// Whether x is on an asymptote along `p` (see [`super::asymptote`]); probes are counted.
fn asymptote(c: &mut SysCount<'_, '_>, x: &[f64], fx: &[f64], p: &[f64]) -> bool {
    let norm = |xt: &[f64]| {
        let ft = c.f(xt);
        if ft.iter().all(|v| v.is_finite()) {
            inf_norm(&ft)
        } else {
            f64::NAN
        }
    };
    super::asymptote(norm, x, inf_norm(fx), p)
}

/// Solves F(x) = 0 from `x0`.
pub fn solve_system(
    sys: &System<'_>,
    x0: &[f64],
    method: SystemMethod,
    opts: &RootOptions,
) -> Result<RootReport> {
    solve_system_with_callback(sys, x0, method, opts, None)
}

/// [`solve_system`] with a callback called after every iteration (value = ‖F(x)‖∞); it stops the
/// run ([`Termination::Callback`]) by returning [`crate::solve::Control::Stop`].
pub fn solve_system_with_callback(
    sys: &System<'_>,
    x0: &[f64],
    method: SystemMethod,
    opts: &RootOptions,
    callback: Option<Callback<'_>>,
) -> Result<RootReport> {
    let n = sys.n;
    Error::check_dim("x0", n, x0.len())?;
    if n == 0 {
        return Err(Error::invalid("system", "no unknowns"));
    }
    if let Some(i) = x0.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "x0",
            format!("x0[{i}] = {} is not finite", x0[i]),
        ));
    }
    let name = if method == SystemMethod::Newton {
        "newton"
    } else {
        "broyden"
    };
    let mut c = SysCount {
        s: sys,
        f: 0,
        j: 0,
        scale: vec![1.0; sys.n],
    };
    let mut x = x0.to_vec();
    let mut fx = c.f(&x);
    let report =
        |x: Vec<f64>, fx: &[f64], k: usize, c: &SysCount<'_, '_>, t: Termination| RootReport {
            method: name,
            x,
            residual_norm: c.user_norm(fx),
            residuals: fx.iter().zip(&c.scale).map(|(v, s)| v / s).collect(),
            iterations: k,
            evaluations: c.f,
            jacobian_evaluations: c.j,
            trace: Vec::new(),
            // The certificate, checked on F at the returned x.
            converged: t == Termination::RootFound && inf_norm(fx) <= opts.ftol,
            termination: t,
        };
    if fx.iter().any(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: "F at x0".into(),
            at: x,
        });
    }
    let mut j = c.jac(&x, &fx);
    c.set_scales(&mut fx, &mut j);
    let mut fresh = true;
    let mut mon = monitor(opts, callback);
    let mut k = 0;
    // Whether a point with ‖F‖∞ ≤ ftol was found off any asymptote ([`super::goes_on`]).
    let mut root_ahead = false;
    // Accepted steps in a row that reduced ½‖F‖² by at most 1e-12 of it.
    let mut crawl = 0;
    let mut r = loop {
        let f0 = inf_norm(&fx);
        if f0 <= opts.ftol
            && !{
                let p = newton_step(&j, &fx).0;
                let xt: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + b).collect();
                let f1 = inf_norm(&c.f(&xt));
                super::goes_on(
                    (inf_norm(&x), inf_norm(&p)),
                    (f0, f1),
                    &mut root_ahead,
                    || asymptote(&mut c, &x, &fx, &p),
                )
            }
        {
            let t = if asymptote(&mut c, &x, &fx, &newton_step(&j, &fx).0) {
                Termination::NotARoot
            } else if f0 == 0.0 {
                exact_zero(&mut c, &x)
            } else {
                Termination::RootFound
            };
            break report(x, &fx, k, &c, t);
        }
        if let Some(t) = mon.limit(k, c.f) {
            break report(x, &fx, k, &c, t);
        }
        if j.iter().any(|v| !v.is_finite()) {
            break report(x, &fx, k, &c, Termination::ObjectiveNotFinite);
        }
        let (p, singular) = newton_step(&j, &fx);
        // Line search on φ = ½‖F‖² along the Newton step, then along −∇φ = −JᵀF when that fails
        // (near a minimum of ‖F‖ that is not a root the Newton step is useless).
        let phi0 = half_sq(&fx);
        let gradient: Vec<f64> = (j.transpose() * DVector::from_column_slice(&fx))
            .iter()
            .map(|v| -v)
            .collect();
        let mut accepted = None;
        let fnorm = fx.iter().map(|a| a * a).sum::<f64>().sqrt();
        let stationary =
            gradient.iter().map(|a| a * a).sum::<f64>().sqrt() <= 1e-4 * j.norm() * fnorm;
        for (which, d) in [&p, &gradient].into_iter().enumerate() {
            if which == 1 && stationary {
                break; // Newton failed at a stationary point of ‖F‖²: no descent to search for
            }
            let jd = &j * DVector::from_column_slice(d);
            let slope: f64 = fx.iter().zip(jd.iter()).map(|(a, b)| a * b).sum();
            if slope >= 0.0 {
                continue;
            }
            let mut alpha = 1.0;
            for _ in 0..40 {
                let xt: Vec<f64> = x.iter().zip(d).map(|(a, b)| a + alpha * b).collect();
                let ft = c.f(&xt);
                if ft.iter().all(|v| v.is_finite()) && half_sq(&ft) <= phi0 + 1e-4 * alpha * slope {
                    accepted = Some((xt, ft));
                    break;
                }
                alpha *= 0.5;
            }
            if accepted.is_some() {
                break;
            }
        }
        let Some((xt, ft)) = accepted else {
            if method == SystemMethod::Broyden && !fresh {
                j = c.jac(&x, &fx);
                fresh = true;
                continue;
            }
            let jtf = j.transpose() * DVector::from_column_slice(&fx);
            let t = if stationary || jtf.norm() <= 1e-8 * j.norm() * fnorm {
                Termination::NotARoot
            } else if singular {
                Termination::SingularJacobian
            } else {
                Termination::NoProgress
            };
            break report(x, &fx, k, &c, t);
        };
        k += 1;
        // Accepted steps that each take less than 1e-12 of ½‖F‖² are no progress: x² + 1 from 1
        // with a numerical Jacobian (never exactly 0 at x ≈ 5e-12) crawled for the whole
        // iteration limit (200 iterations, 8563 evaluations) with Newton steps cut 40 times.
        crawl = if phi0 - half_sq(&ft) <= 1e-12 * phi0 {
            crawl + 1
        } else {
            0
        };
        let s: Vec<f64> = xt.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = ft.iter().zip(&fx).map(|(a, b)| a - b).collect();
        x = xt;
        fx = ft;
        if crawl >= CRAWL {
            break report(x, &fx, k, &c, Termination::NoProgress);
        }
        if let Some(t) = record(&mut mon, k, &x, inf_norm(&fx), c.f) {
            break report(x, &fx, k, &c, t);
        }
        if inf_norm(&x) > UNBOUNDED_X {
            break report(x, &fx, k, &c, Termination::Unbounded);
        }
        match method {
            SystemMethod::Newton => j = c.jac(&x, &fx),
            SystemMethod::Broyden => {
                let sv = DVector::from_vec(s);
                let ss = sv.dot(&sv);
                if ss > 0.0 {
                    let r = DVector::from_vec(y) - &j * &sv;
                    j += (r * sv.transpose()) / ss;
                }
                fresh = false;
            }
        }
    };
    r.trace = mon.into_trace();
    Ok(r)
}
