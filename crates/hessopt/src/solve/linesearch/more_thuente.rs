//! Moré & Thuente, "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20
//! (1994): the interval of uncertainty [stx, sty] is updated by `step`, which chooses cubic or
//! quadratic interpolants of φ and φ' with safeguards; the search stops at the first α with
//! φ(α) ≤ φ(0) + c1 α φ'(0) and |φ'(α)| ≤ c2 |φ'(0)|.

use super::{Phi, Trial};
use crate::error::Result;

const MAX_EVALS: usize = 30;
const XTRAPL: f64 = 1.1;
const XTRAPU: f64 = 4.0;

/// An endpoint of the interval: step, value, derivative.
#[derive(Debug, Clone, Copy)]
struct End {
    a: f64,
    f: f64,
    d: f64,
}

/// The cubic interpolant through two endpoints as `dcstep` writes it: θ and |γ|, the latter
/// scaled by s = max(|θ|, |p.d|, |q.d|) against overflow. Each case gives γ its own sign.
fn cubic(p: &End, q: &End) -> (f64, f64) {
    let theta = 3.0 * (p.f - q.f) / (q.a - p.a) + p.d + q.d;
    let s = theta.abs().max(p.d.abs()).max(q.d.abs());
    let gamma = s
        * ((theta / s).powi(2) - (p.d / s) * (q.d / s))
            .max(0.0)
            .sqrt();
    (theta, gamma)
}

/// The safeguarded step of `dcstep`: returns the new trial step and updates the interval.
fn step(x: &mut End, y: &mut End, t: End, bracketed: &mut bool, lo: f64, hi: f64) -> f64 {
    let sgnd = t.d * x.d.signum();
    let next = if t.f > x.f {
        // Case 1: higher value; the minimum is bracketed.
        let (theta, gamma) = cubic(x, &t);
        let gamma = if t.a < x.a { -gamma } else { gamma };
        let p = (gamma - x.d) + theta;
        let q = ((gamma - x.d) + gamma) + t.d;
        let stpc = x.a + (p / q) * (t.a - x.a);
        let stpq = x.a + ((x.d / ((x.f - t.f) / (t.a - x.a) + x.d)) / 2.0) * (t.a - x.a);
        *bracketed = true;
        if (stpc - x.a).abs() < (stpq - x.a).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        }
    } else if sgnd < 0.0 {
        // Case 2: lower value, derivatives of opposite sign; bracketed.
        let (theta, gamma) = cubic(x, &t);
        let gamma = if t.a > x.a { -gamma } else { gamma };
        let p = (gamma - t.d) + theta;
        let q = ((gamma - t.d) + gamma) + x.d;
        let stpc = t.a + (p / q) * (x.a - t.a);
        let stpq = t.a + (t.d / (t.d - x.d)) * (x.a - t.a);
        *bracketed = true;
        if (stpc - t.a).abs() > (stpq - t.a).abs() {
            stpc
        } else {
            stpq
        }
    } else if t.d.abs() < x.d.abs() {
        // Case 3: lower value, same sign, derivative decreasing in magnitude.
        let (theta, gamma) = cubic(x, &t);
        let gamma = if t.a > x.a { -gamma } else { gamma };
        let p = (gamma - t.d) + theta;
        let q = (gamma + (x.d - t.d)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            t.a + r * (x.a - t.a)
        } else if t.a > x.a {
            hi
        } else {
            lo
        };
        let stpq = t.a + (t.d / (t.d - x.d)) * (x.a - t.a);
        if *bracketed {
            let stpf = if (stpc - t.a).abs() < (stpq - t.a).abs() {
                stpc
            } else {
                stpq
            };
            if t.a > x.a {
                stpf.min(t.a + 0.66 * (y.a - t.a))
            } else {
                stpf.max(t.a + 0.66 * (y.a - t.a))
            }
        } else {
            let stpf = if (stpc - t.a).abs() > (stpq - t.a).abs() {
                stpc
            } else {
                stpq
            };
            // The extrapolation range can come out reversed after a back-off from a non-finite
            // trial: order it.
            stpf.clamp(lo.min(hi), lo.max(hi))
        }
    } else if *bracketed {
        // Case 4: lower value, same sign, derivative not decreasing; cubic towards sty.
        let (theta, gamma) = cubic(&t, y);
        let gamma = if t.a > y.a { -gamma } else { gamma };
        let p = (gamma - t.d) + theta;
        let q = ((gamma - t.d) + gamma) + y.d;
        t.a + (p / q) * (y.a - t.a)
    } else if t.a > x.a {
        hi
    } else {
        lo
    };
    // Update the interval.
    if t.f > x.f {
        *y = t;
    } else {
        if sgnd < 0.0 {
            *y = *x;
        }
        *x = t;
    }
    next
}

#[allow(clippy::too_many_arguments)] // dcsrch's inputs
pub(super) fn search(
    phi: &mut Phi<'_, '_, '_>,
    f0: f64,
    dphi0: f64,
    alpha0: f64,
    alpha_max: f64,
    c1: f64,
    c2: f64,
    xtol: f64,
) -> Result<Option<Trial>> {
    let gtest = c1 * dphi0;
    let stpmin = 0.0;
    // Lowered when a trial point is not finite: the search stays below it.
    let mut stpmax = alpha_max;
    let mut stp = alpha0.min(stpmax);
    let mut bracketed = false;
    let mut stage1 = true;
    let mut width = stpmax - stpmin;
    let mut width1 = 2.0 * width;
    let mut x = End {
        a: 0.0,
        f: f0,
        d: dphi0,
    };
    let mut y = x;
    let (mut stmin, mut stmax) = (0.0, stp + XTRAPU * stp);
    let mut best: Option<Trial> = None;
    for _ in 0..MAX_EVALS {
        let t = phi.eval(stp)?;
        if !t.f.is_finite() {
            // Too far: the search stays below this step from now on.
            stpmax = stp;
            stmax = stmax.min(stp);
            stp = x.a + 0.5 * (stp - x.a);
            continue;
        }
        let ftest = f0 + stp * gtest;
        if t.f <= ftest && best.as_ref().is_none_or(|b| t.f < b.f) {
            phi.keep();
            best = Some(t);
        }
        if t.f <= ftest && t.dphi.abs() <= c2 * (-dphi0) {
            return Ok(Some(t));
        }
        // At rounding level the decrease c1·α·|φ'(0)| cannot be seen in f: a point where the
        // curvature condition holds and f is not measurably above f(0) is accepted (the idea of
        // Hager & Zhang's approximate Wolfe conditions, with a rounding-size margin).
        let rounding = 2.0 * f64::EPSILON * f0.abs();
        if -stp * gtest <= rounding && t.f <= f0 + rounding && t.dphi.abs() <= c2 * (-dphi0) {
            return Ok(Some(t));
        }
        if stage1 && t.f <= ftest && t.dphi >= 0.0 {
            stage1 = false;
        }
        if bracketed && (stp <= stmin || stp >= stmax || stmax - stmin <= xtol * stmax) {
            break; // rounding prevents progress
        }
        if stp == stpmax && t.f <= ftest && t.dphi <= gtest {
            return Ok(Some(t));
        }
        let cur = End {
            a: stp,
            f: t.f,
            d: t.dphi,
        };
        if stage1 && t.f <= x.f && t.f > ftest {
            // Modified function ψ(α) = φ(α) − φ(0) − c1 α φ'(0) in the first stage.
            let m = |e: End| End {
                a: e.a,
                f: e.f - e.a * gtest,
                d: e.d - gtest,
            };
            let (mut xm, mut ym) = (m(x), m(y));
            stp = step(&mut xm, &mut ym, m(cur), &mut bracketed, stmin, stmax);
            let u = |e: End| End {
                a: e.a,
                f: e.f + e.a * gtest,
                d: e.d + gtest,
            };
            x = u(xm);
            y = u(ym);
        } else {
            stp = step(&mut x, &mut y, cur, &mut bracketed, stmin, stmax);
        }
        if bracketed {
            if (y.a - x.a).abs() >= 0.66 * width1 {
                stp = x.a + 0.5 * (y.a - x.a);
            }
            width1 = width;
            width = (y.a - x.a).abs();
            stmin = x.a.min(y.a);
            stmax = x.a.max(y.a);
        } else {
            stmin = stp + XTRAPL * (stp - x.a);
            stmax = stp + XTRAPU * (stp - x.a);
        }
        stp = stp.clamp(stpmin, stpmax.max(stpmin));
        if stp == stpmax && stpmax < alpha_max {
            stp = x.a + 0.5 * (stpmax - x.a); // stay strictly below a non-finite point
        }
        if !stp.is_finite() || (bracketed && (stp <= stmin || stp >= stmax)) {
            stp = x.a;
        }
        if stp <= 0.0 {
            break;
        }
    }
    // No strong-Wolfe point: a point with sufficient decrease is still a step.
    Ok(best)
}
