//! Counted evaluation of a black box, a batch of points at a time: points outside the bounds and
//! non-finite results are `None`.

use std::cell::Cell;

use crate::error::{Error, Result};

/// A black box that evaluates a batch of points (one call for many stencil points: a vectorized
/// function, a thread pool, a cluster). Point-wise closures are wrapped by [`pointwise`].
pub(super) type Batch<'a, R> = dyn Fn(&[Vec<f64>]) -> Vec<R> + 'a;

/// A point-wise black box as a batch one.
pub(super) fn pointwise<'a, F, R>(f: &'a F) -> impl Fn(&[Vec<f64>]) -> Vec<R> + 'a
where
    F: Fn(&[f64]) -> R + ?Sized,
{
    move |points: &[Vec<f64>]| points.iter().map(|p| f(p)).collect()
}

/// Evaluation with counting; a point outside the bounds or a non-finite result is `None`.
pub(super) struct Counted<'a, R> {
    pub(super) f: &'a Batch<'a, R>,
    pub(super) count: Cell<usize>,
    /// Entries per value, fixed by the first value (vector functions must keep their length).
    pub(super) width: Cell<Option<usize>>,
    pub(super) lower: Option<&'a [f64]>,
    pub(super) upper: Option<&'a [f64]>,
}

impl<R: Output> Counted<'_, R> {
    pub(super) fn count(&self) -> usize {
        self.count.get()
    }

    fn inside(&self, x: &[f64]) -> bool {
        let lo = self
            .lower
            .is_none_or(|l| x.iter().zip(l).all(|(a, b)| a >= b));
        let hi = self
            .upper
            .is_none_or(|u| x.iter().zip(u).all(|(a, b)| a <= b));
        lo && hi
    }

    /// The values at `points`, those inside the bounds evaluated in one batch.
    pub(super) fn eval_many(&self, points: Vec<Vec<f64>>) -> Result<Vec<Option<R>>> {
        let mut out = vec![None; points.len()];
        let (index, todo): (Vec<usize>, Vec<Vec<f64>>) = points
            .into_iter()
            .enumerate()
            .filter(|(_, p)| self.inside(p))
            .unzip();
        if todo.is_empty() {
            return Ok(out);
        }
        self.count.set(self.count.get() + todo.len());
        let values = (self.f)(&todo);
        Error::check_dim(
            "values returned for a batch of points",
            todo.len(),
            values.len(),
        )?;
        for (k, v) in index.into_iter().zip(values) {
            let width = *self.width.get().get_or_insert(v.entries().len());
            if v.entries().len() != width {
                return Err(Error::DimensionMismatch {
                    what: "function output".into(),
                    expected: width,
                    got: v.entries().len(),
                });
            }
            self.width.set(Some(width));
            if v.finite() {
                out[k] = Some(v);
            }
        }
        Ok(out)
    }

    /// The value at one point.
    pub(super) fn eval(&self, x: &[f64]) -> Result<Option<R>> {
        Ok(self.eval_many(vec![x.to_vec()])?.pop().flatten())
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

pub(super) fn non_finite_value(x: &[f64]) -> Error {
    non_finite("value", x)
}

/// `what` (the value, or a user gradient being differentiated) is not finite at x.
pub(super) fn non_finite(what: &str, x: &[f64]) -> Error {
    Error::NonFinite {
        what: what.into(),
        at: x.to_vec(),
    }
}
