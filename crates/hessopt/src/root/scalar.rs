//! One equation f(x) = 0: safeguarded Newton and secant, Brent on a bracket (given or searched).
//!
//! The certificate ([`Termination::RootFound`]) is |f(x)| ≤ ftol, or a sign change on a bracket
//! of rounding width around x, and in both cases |f| must have shrunk as the bracket shrank: x
//! is a minimum of |f| at some scale — |f| is larger than |f(x)| on both sides at a common
//! distance, probed at 8ᵏ times the bracket width. A root is a minimum of |f|; a pole, where a
//! sign change closes too, is a maximum of |f| ([`Termination::Discontinuity`]); a point where
//! |f| ≤ ftol only because f decays towards an asymptote is [`Termination::NotARoot`]; so is an
//! exact zero that only underflow made (f = 0 from x on towards infinity, with f beside the edge
//! of those zeros subnormal: exp(−x) from 745.13 on). Newton or
//! secant iterates beyond |x| = 1e150 end the run as [`Termination::Unbounded`].

use super::report::{monitor, record};
use super::{RootOptions, RootReport};
use crate::error::{Error, Result};
use crate::solve::driver::UNBOUNDED_X;
use crate::solve::{Callback, Monitor, Termination};

/// Scalar methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarMethod {
    /// Safeguarded Newton.
    Newton,
    /// Safeguarded secant.
    Secant,
    /// Brent's method on a bracket.
    Brent,
}

/// A scalar equation: f and (for Newton) f′.
pub struct Scalar<'a> {
    /// f(x).
    pub f: &'a dyn Fn(f64) -> f64,
    /// f′(x), required by Newton.
    pub df: Option<&'a dyn Fn(f64) -> f64>,
}

struct Count<'a, 'b> {
    eq: &'b Scalar<'a>,
    f: usize,
    df: usize,
}

impl Count<'_, '_> {
    fn f(&mut self, x: f64) -> f64 {
        self.f += 1;
        (self.eq.f)(x)
    }
    fn df(&mut self, x: f64) -> f64 {
        self.df += 1;
        self.eq.df.map_or(f64::NAN, |d| d(x))
    }
}

fn scalar_report(
    method: &'static str,
    x: f64,
    fx: f64,
    iterations: usize,
    c: &Count<'_, '_>,
    termination: Termination,
) -> RootReport {
    RootReport {
        method,
        x: vec![x],
        residual_norm: fx.abs(),
        residuals: vec![fx],
        iterations,
        evaluations: c.f,
        jacobian_evaluations: c.df,
        trace: Vec::new(),
        converged: termination == Termination::RootFound,
        termination,
    }
}

/// Whether [a, b] (either order) is at rounding width: |b − a| ≤ 4ε·max(|a|, |b|) + xtol.
fn narrow(a: f64, b: f64, xtol: f64) -> bool {
    (b - a).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs()) + xtol
}

/// The certificate at x (f(x) = fx), where |fx| ≤ ftol or x is the end with the smaller |f| of
/// a sign-change bracket of rounding `width`: x must be a minimum of |f| at some scale — |f|
/// exceeds |fx| on both sides at a common distance d = 8ᵏ·max(width, 4ε|x|) up to `radius` (the
/// run's span; without a sign change at least 2·max(|x|, 1))
/// (probes where f is not finite are skipped; one finite side is enough there). Then
/// [`Termination::RootFound`]; otherwise |f| only shrinks away from x — an asymptote when
/// |fx| ≤ ftol ([`Termination::NotARoot`], as 1/x at x = 10¹²), a pole or a jump when a sign
/// change closed on x ([`Termination::Discontinuity`]).
fn certify(
    c: &mut Count<'_, '_>,
    (x, fx): (f64, f64),
    width: f64,
    radius: f64,
    opts: &RootOptions,
) -> Termination {
    if fx == 0.0 {
        return zero_set(&mut |t| c.f(t), x);
    }
    // A sign change closing at rounding width is probed within the run's span only: out at
    // 2·|x| the growth of f itself can exceed a pole's value ((x³ + lognormcdf(x))/(x − 0.858)
    // shifted by 1e5 was root_found at its pole, |f| = 1.6e10, because |f(x ± 2e5)| = 4e10).
    // |f| ≤ ftol with no sign change is probed out to 2·max(|x|, 1), where an asymptote shows.
    let radius = if width > 0.0 {
        radius.max(8.0 * width)
    } else {
        radius.max(2.0 * x.abs().max(1.0))
    };
    let mut d = width
        .max(4.0 * f64::EPSILON * x.abs())
        .max(opts.xtol)
        .max(f64::MIN_POSITIVE.sqrt());
    while d.is_finite() && d <= radius {
        let (mut seen, mut larger) = (false, true);
        for y in [x - d, x + d] {
            let fy = c.f(y);
            if fy.is_finite() {
                seen = true;
                larger &= fy.abs() > fx.abs();
            }
        }
        if seen && larger {
            return Termination::RootFound;
        }
        d *= 8.0;
    }
    if fx.abs() <= opts.ftol {
        Termination::NotARoot
    } else {
        Termination::Discontinuity
    }
}

/// Whether `a` and `b` are of opposite signs (neither 0 nor NaN). Not `a * b < 0`: the product
/// of 1e-170 and −1e-170 underflows to −0, and that of two values of 1e-170 to 0, which read as
/// a sign change where there is none.
fn opposite(a: f64, b: f64) -> bool {
    (a < 0.0 && b > 0.0) || (a > 0.0 && b < 0.0)
}

/// Searches outwards from x0 for [a, b] with f(a) f(b) < 0.
fn find_bracket(c: &mut Count<'_, '_>, x0: f64) -> Option<(f64, f64, f64, f64)> {
    let h0 = 0.1 * x0.abs().max(1.0);
    let (mut a, mut b) = (x0 - h0, x0 + h0);
    let (mut fa, mut fb) = (c.f(a), c.f(b));
    for _ in 0..60 {
        if fa.is_finite() && fb.is_finite() && (fa == 0.0 || fb == 0.0 || opposite(fa, fb)) {
            return Some((a, fa, b, fb));
        }
        if fa.abs() < fb.abs() || !fb.is_finite() {
            a += 1.6 * (a - b);
            fa = c.f(a);
        } else {
            b += 1.6 * (b - a);
            fb = c.f(b);
        }
    }
    None
}

/// A searched bracket that ends on an exact zero of f without a sign change, `nonzero` = (a,
/// f(a) ≠ 0) and f(`zero`) = 0: bisected to the edge of f's zeros. A sign change met on the way
/// is returned as a bracket for Brent. Otherwise the edge is a root ([`Termination::RootFound`],
/// f = 0 there: max(0, 1000 − x) at 1000) unless f next to it is subnormal: then f only
/// underflowed to 0 ([`Termination::NotARoot`]; exp(−x) is 0 from x = 745.13 on, and the search
/// from 0 stopped at 1085 and called it a root). An edge at 0 itself (max(0, x)) is reached only
/// when no double lies between a and b (4ε|x| is 0 there); f beside it is subnormal because x
/// is, and it is a root.
///
/// A touching root at the edge of a zero set near 0 is `NotARoot` too: max(0, x)² is 0 in
/// floating point from x = 1.57e-162 down, f beside that edge is subnormal because x² underflows,
/// and f's values there are those of an asymptote's underflow (the true f(1.57e-162) = 2.5e-324
/// is no root either; the roots are x ≤ 0). Without a sign change R's uniroot and scipy 1.17's
/// brentq refuse to start; given an end where f = 0 they return it — 1000 for exp(−x) on
/// [0, 1000] as well — so a given bracket with one such end goes through this test too. An edge
/// away from 0 has a normal neighbour and is a root (max(0, x − 1)² at 1: f beside it 4.9e-32).
#[allow(clippy::type_complexity)] // a bracket, or the point and the verdict
fn zero_edge(
    f: &mut dyn FnMut(f64) -> f64,
    (mut a, mut fa): (f64, f64),
    mut b: f64,
) -> std::result::Result<(f64, f64, f64, f64), (f64, Termination)> {
    while !narrow(a, b, 0.0) {
        let m = 0.5 * a + 0.5 * b;
        if m == a || m == b {
            break;
        }
        let fm = f(m);
        if fm == 0.0 {
            b = m;
        } else if opposite(fm, fa) {
            return Ok((a, fa, m, fm));
        } else if fm.is_finite() {
            (a, fa) = (m, fm);
        } else {
            break;
        }
    }
    let t = if fa.abs() < f64::MIN_POSITIVE && a.abs().max(b.abs()) >= f64::MIN_POSITIVE {
        Termination::NotARoot
    } else {
        Termination::RootFound
    };
    Err((b, t))
}

/// Both ends of [a, b] (either order) are exact zeros of f: the first point beyond them, stepping
/// outwards by steps growing 1.6-fold as the bracket search does (60 each way, to about 10¹²
/// times the bracket's width), where f is finite and not 0, with the end it lies beyond. None
/// when f is 0 at every probe: then every point seen is a zero and the end is returned as a root
/// (exp(−x² − 1000), 0 everywhere in floating point, cannot be told from f = 0).
fn nonzero_beyond(c: &mut Count<'_, '_>, a: f64, b: f64) -> Option<(f64, f64, f64)> {
    let (lo, hi) = (a.min(b), a.max(b));
    let mut h = (hi - lo).max(0.1 * hi.abs().max(lo.abs()).max(1.0));
    for _ in 0..60 {
        for (p, end) in [(lo - h, lo), (hi + h, hi)] {
            let fp = c.f(p);
            if fp.is_finite() && fp != 0.0 {
                return Some((p, fp, end));
            }
        }
        h *= 1.6;
    }
    None
}

/// The verdict at an exact zero x of f (f(x) = 0), which underflow may have made: a root when
/// f is finite and not 0 at some point on each side of x (stepping outwards from 0.1·max(|x|, 1)
/// by steps growing 1.6-fold, 60 each way) — the zero set is bounded and |f|, below the smallest
/// normal double on it, rises on both sides (x² at 1e-200, 0 from −1.5e-162 to 1.5e-162); on
/// one side only, the zero-edge test towards it decides (exp(−x) from 1000: `NotARoot`, the
/// edge of its zeros found at 745.13 and x itself returned, where Newton and the secant called
/// 1000 a root without a second evaluation); on
/// neither, a root (nothing tells f ≡ 0 from an f that underflows everywhere). Systems apply it
/// to ‖F‖∞ along each axis.
pub(super) fn zero_set(f: &mut dyn FnMut(f64) -> f64, x: f64) -> Termination {
    let mut h = 0.1 * x.abs().max(1.0);
    let (mut below, mut above) = (None, None);
    for _ in 0..60 {
        for (p, side) in [(x - h, &mut below), (x + h, &mut above)] {
            if side.is_none() {
                let fp = f(p);
                if fp.is_finite() && fp != 0.0 {
                    *side = Some((p, fp));
                }
            }
        }
        if below.is_some() && above.is_some() {
            return Termination::RootFound;
        }
        h *= 1.6;
    }
    match below.or(above) {
        None => Termination::RootFound,
        // A sign change on the way: f crosses zero beside x, and x is in its zero set.
        Some(nonzero) => {
            zero_edge(f, nonzero, x).map_or_else(|(_, t)| t, |_| Termination::RootFound)
        }
    }
}

/// Solves f(x) = 0 from `x0` (or in `bracket`) with `method`.
pub fn solve_scalar(
    eq: &Scalar<'_>,
    x0: f64,
    bracket: Option<(f64, f64)>,
    method: ScalarMethod,
    opts: &RootOptions,
) -> Result<RootReport> {
    solve_scalar_with_callback(eq, x0, bracket, method, opts, None)
}

/// [`solve_scalar`] with a callback called after every iteration (value = |f(x)|); it stops the
/// run ([`Termination::Callback`]) by returning [`crate::solve::Control::Stop`].
pub fn solve_scalar_with_callback(
    eq: &Scalar<'_>,
    x0: f64,
    bracket: Option<(f64, f64)>,
    method: ScalarMethod,
    opts: &RootOptions,
    callback: Option<Callback<'_>>,
) -> Result<RootReport> {
    let mut mon = monitor(opts, callback);
    let mut report = scalar_run(eq, x0, bracket, method, opts, &mut mon)?;
    report.trace = mon.into_trace();
    Ok(report)
}

fn scalar_run(
    eq: &Scalar<'_>,
    x0: f64,
    bracket: Option<(f64, f64)>,
    method: ScalarMethod,
    opts: &RootOptions,
    mon: &mut Monitor<'_>,
) -> Result<RootReport> {
    // The bracket first: x0 may be its midpoint.
    if let Some((a, b)) = bracket.filter(|(a, b)| !(a.is_finite() && b.is_finite() && a < b)) {
        return Err(Error::invalid(
            "bracket",
            format!("need finite a < b, got [{a}, {b}]"),
        ));
    }
    if !x0.is_finite() {
        return Err(Error::invalid("x0", format!("{x0} is not finite")));
    }
    let mut c = Count { eq, f: 0, df: 0 };
    match method {
        ScalarMethod::Brent => {
            let found = match bracket {
                Some((a, b)) => {
                    let (fa, fb) = (c.f(a), c.f(b));
                    // As R's uniroot: a given bracket must hold a sign change.
                    if !(fa == 0.0 || fb == 0.0 || opposite(fa, fb)) {
                        return Err(Error::invalid(
                            "bracket",
                            if fa.is_finite() && fb.is_finite() {
                                format!("f({a}) = {fa} and f({b}) = {fb} are not of opposite sign")
                            } else {
                                format!(
                                    "f({a}) = {fa} and f({b}) = {fb}: f must be finite at both ends"
                                )
                            },
                        ));
                    }
                    Some((a, fa, b, fb))
                }
                None => find_bracket(&mut c, x0),
            };
            // Both ends exact zeros (exp(−x) from 1000 was root_found at 900, 1/x⁴⁰⁰ from 10 at
            // 9): the end nearest a point beyond them where f is not 0 is one end of the two.
            let found = match found {
                Some((a, fa, b, fb)) if fa == 0.0 && fb == 0.0 => Some(
                    nonzero_beyond(&mut c, a, b)
                        .map_or((a, fa, b, fb), |(p, fp, end)| (p, fp, end, 0.0)),
                ),
                found => found,
            };
            // An end where f is exactly 0 without a sign change, given or searched: the edge of
            // f's zeros. (A given [0, 1000] of exp(−x) was root_found at 1000, where f only
            // underflowed, as scipy 1.17's brentq and R's uniroot accept it.)
            let found = match found {
                Some((a, fa, b, fb)) if (fa == 0.0) != (fb == 0.0) => {
                    let (nonzero, zero) = if fa == 0.0 {
                        ((b, fb), a)
                    } else {
                        ((a, fa), b)
                    };
                    match zero_edge(&mut |t| c.f(t), nonzero, zero) {
                        Ok(bracket) => Some(bracket),
                        Err((x, t)) => return Ok(scalar_report("brent", x, 0.0, 0, &c, t)),
                    }
                }
                found => found,
            };
            let Some((a, fa, b, fb)) = found else {
                let fx = c.f(x0);
                return Ok(scalar_report(
                    "brent",
                    x0,
                    fx,
                    0,
                    &c,
                    Termination::NoBracket,
                ));
            };
            Ok(brent(&mut c, (a, fa), (b, fb), opts, mon))
        }
        ScalarMethod::Newton if eq.df.is_none() => {
            Err(Error::invalid("method newton", "needs the derivative"))
        }
        ScalarMethod::Newton | ScalarMethod::Secant => safeguarded(&mut c, x0, method, opts, mon),
    }
}

/// f′(x) for Newton; for the secant the slope through the previous point, or a small forward
/// difference at the start.
fn slope(
    c: &mut Count<'_, '_>,
    method: ScalarMethod,
    (x, fx): (f64, f64),
    prev: Option<(f64, f64)>,
) -> f64 {
    match (method, prev) {
        (ScalarMethod::Newton, _) => c.df(x),
        (_, Some((xp, fp))) if xp != x => (fx - fp) / (x - xp),
        _ => {
            let h = f64::EPSILON.sqrt() * x.abs().max(1.0);
            (c.f(x + h) - fx) / h
        }
    }
}

/// Newton or secant with |f|-decrease halving and bracket safeguard.
fn safeguarded(
    c: &mut Count<'_, '_>,
    x0: f64,
    method: ScalarMethod,
    opts: &RootOptions,
    mon: &mut Monitor<'_>,
) -> Result<RootReport> {
    let name = if method == ScalarMethod::Newton {
        "newton"
    } else {
        "secant"
    };
    let mut x = x0;
    let mut fx = c.f(x);
    if !fx.is_finite() {
        return Err(Error::NonFinite {
            what: "f at x0".into(),
            at: vec![x0],
        });
    }
    // The span of the points where f has been finite (the certificate probes that far).
    let mut seen = (x, x);
    let mut prev: Option<(f64, f64)> = None;
    // A sign change seen so far: (a, f(a), b, f(b)) with f(a) f(b) < 0.
    let mut bracket: Option<(f64, f64, f64, f64)> = None;
    // Whether a point with |f| ≤ ftol was found off any asymptote ([`super::goes_on`]).
    let mut root_ahead = false;
    let mut k = 0;
    loop {
        if fx.abs() <= opts.ftol
            && !(fx != 0.0 && {
                let p = -fx / slope(c, method, (x, fx), prev);
                let f1 = c.f(x + p).abs();
                super::goes_on((x.abs(), p.abs()), (fx.abs(), f1), &mut root_ahead, || {
                    let norm = |t: &[f64]| c.f(t[0]).abs();
                    super::asymptote(norm, &[x], fx.abs(), &[p])
                })
            })
        {
            let t = certify(c, (x, fx), 0.0, seen.1 - seen.0, opts);
            return Ok(scalar_report(name, x, fx, k, c, t));
        }
        if let Some((a, fa, b, fb)) = bracket.filter(|&(a, _, b, _)| narrow(a, b, opts.xtol)) {
            let best = if fa.abs() <= fb.abs() {
                (a, fa)
            } else {
                (b, fb)
            };
            let t = certify(c, best, (b - a).abs(), seen.1 - seen.0, opts);
            return Ok(scalar_report(name, best.0, best.1, k, c, t));
        }
        if let Some(t) = mon.limit(k, c.f) {
            return Ok(scalar_report(name, x, fx, k, c, t));
        }
        let slope = slope(c, method, (x, fx), prev);
        let mut step = if slope != 0.0 && slope.is_finite() {
            -fx / slope
        } else {
            f64::NAN
        };
        if let Some((a, _, b, _)) = bracket {
            let (lo, hi) = (a.min(b), a.max(b));
            if !step.is_finite() || !(lo..=hi).contains(&(x + step)) {
                step = (0.5 * lo + 0.5 * hi) - x; // bisect inside the known sign change
            }
        }
        if !step.is_finite() {
            let t = if slope == 0.0 {
                Termination::SingularJacobian
            } else {
                Termination::ObjectiveNotFinite
            };
            return Ok(scalar_report(name, x, fx, k, c, t));
        }
        let mut accepted = None;
        for _ in 0..30 {
            let xt = x + step;
            let ft = c.f(xt);
            if ft.is_finite() {
                seen = (seen.0.min(xt), seen.1.max(xt));
            }
            if ft.is_finite() && (ft.abs() < fx.abs() || bracket.is_some()) {
                accepted = Some((xt, ft));
                break;
            }
            if ft.is_finite() && opposite(ft, fx) {
                bracket = Some((x, fx, xt, ft));
            }
            step *= 0.5;
        }
        k += 1;
        let Some((xt, ft)) = accepted else {
            return Ok(scalar_report(name, x, fx, k, c, Termination::NoProgress));
        };
        bracket = match bracket {
            // Keep the sign change: xt replaces the end whose value has the same sign.
            Some((_, fa, b, fb)) if ft.signum() == fa.signum() => Some((xt, ft, b, fb)),
            Some((a, fa, _, _)) => Some((a, fa, xt, ft)),
            None if opposite(ft, fx) => Some((x, fx, xt, ft)),
            None => None,
        };
        if xt == x && bracket.is_none_or(|(a, _, b, _)| !narrow(a, b, opts.xtol)) {
            return Ok(scalar_report(name, x, fx, k, c, Termination::NoProgress));
        }
        prev = Some((x, fx));
        (x, fx) = (xt, ft);
        if let Some(t) = record(mon, k, &[x], fx.abs(), c.f) {
            return Ok(scalar_report(name, x, fx, k, c, t));
        }
        if x.abs() > UNBOUNDED_X {
            return Ok(scalar_report(name, x, fx, k, c, Termination::Unbounded));
        }
    }
}

/// Brent's `zeroin` on [a, b] with f(a) f(b) ≤ 0. Midpoints and differences are formed as
/// ½b − ½a so that a bracket near ±f64::MAX does not overflow; a non-finite interpolation step
/// falls back to bisection.
fn brent(
    c: &mut Count<'_, '_>,
    (mut a, mut fa): (f64, f64),
    (mut b, mut fb): (f64, f64),
    opts: &RootOptions,
    mon: &mut Monitor<'_>,
) -> RootReport {
    let span = (b - a).abs();
    if fa == 0.0 {
        return scalar_report("brent", a, fa, 0, c, Termination::RootFound);
    }
    let (mut cc, mut fc) = (a, fa);
    let (mut d, mut e) = (b - a, b - a);
    let mut k = 0;
    // Only the bracket's width ends the run (as R's uniroot and scipy's brentq): |f| ≤ ftol with
    // the sign change still wide is no stop. It used to be one: 1e-13·(x − 2) on [0, 5] stopped
    // at 0 (`not_a_root`), and x³ on [−1, 0.3] at x = 1e-4 (root_found, |f| = 1e-12; 1e-5·x³ at
    // 3.6e-3), where a root of multiplicity three is 1e-4 away.
    loop {
        if fb == 0.0 {
            return scalar_report("brent", b, fb, k, c, Termination::RootFound);
        }
        if fb.signum() == fc.signum() {
            (cc, fc) = (a, fa);
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            (a, fa, b, fb, cc, fc) = (b, fb, cc, fc, b, fb);
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * opts.xtol;
        let m = 0.5 * cc - 0.5 * b;
        if m.abs() <= tol {
            let t = certify(c, (b, fb), (cc - b).abs(), span, opts);
            return scalar_report("brent", b, fb, k, c, t);
        }
        if let Some(t) = mon.limit(k, c.f) {
            return scalar_report("brent", b, fb, k, c, t);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q) = if a == cc {
                (2.0 * m * s, 1.0 - s)
            } else {
                let (qa, r) = (fa / fc, fb / fc);
                (
                    s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0)),
                    (qa - 1.0) * (r - 1.0) * (s - 1.0),
                )
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) && (p / q).is_finite() {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = d;
            }
        } else {
            d = m;
            e = d;
        }
        (a, fa) = (b, fb);
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = c.f(b);
        k += 1;
        if let Some(t) = record(mon, k, &[b], fb.abs(), c.f) {
            return scalar_report("brent", b, fb, k, c, t);
        }
    }
}
