//! Counted evaluation of a black box: points outside the bounds and non-finite results are `None`.

use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use crate::error::Error;

/// Evaluation with counting; a point outside the bounds or a non-finite result is `None`.
pub(super) struct Counted<'a, F: ?Sized> {
    pub(super) f: &'a F,
    pub(super) count: AtomicUsize,
    pub(super) lower: Option<&'a [f64]>,
    pub(super) upper: Option<&'a [f64]>,
}

impl<F: ?Sized> Counted<'_, F> {
    pub(super) fn count(&self) -> usize {
        self.count.load(AtomicOrdering::Relaxed)
    }
}

impl<F: Fn(&[f64]) -> R + ?Sized, R: Output> Counted<'_, F> {
    fn inside(&self, x: &[f64]) -> bool {
        let lo = self
            .lower
            .is_none_or(|l| x.iter().zip(l).all(|(a, b)| a >= b));
        let hi = self
            .upper
            .is_none_or(|u| x.iter().zip(u).all(|(a, b)| a <= b));
        lo && hi
    }

    pub(super) fn eval(&self, x: &[f64]) -> Option<R> {
        if !self.inside(x) {
            return None;
        }
        self.count.fetch_add(1, AtomicOrdering::Relaxed);
        let r = (self.f)(x);
        r.finite().then_some(r)
    }
}

/// What a black box returns: a scalar or a vector of values.
pub(super) trait Output: Clone {
    fn finite(&self) -> bool;
    fn entries(&self) -> &[f64];
}

impl Output for f64 {
    fn finite(&self) -> bool {
        self.is_finite()
    }
    fn entries(&self) -> &[f64] {
        std::slice::from_ref(self)
    }
}

impl Output for Vec<f64> {
    fn finite(&self) -> bool {
        self.iter().all(|v| v.is_finite())
    }
    fn entries(&self) -> &[f64] {
        self
    }
}

pub(super) fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; n];
    e[i] = 1.0;
    e
}

pub(super) fn non_finite_value(x: &[f64]) -> Error {
    Error::NonFinite {
        what: "value".into(),
        at: x.to_vec(),
    }
}
