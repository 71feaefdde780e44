//! Stencils that advance together. Each sampling of a coordinate ladder or a cross stencil is a
//! small state machine that asks for its next points and takes their values; [`run`] advances
//! every unfinished one a step per round and evaluates all the points of a round as one batch.
//! The decisions of each stencil depend only on its own values, so the numbers are the same
//! whatever the batch size: one point at a time, a round at a time (a vectorized function), or
//! spread over threads.

use super::NumDiff;
use super::eval::{Counted, Output};
use crate::error::Result;

/// A sampling that asks for points until it is finished.
pub(super) trait Stencil<R> {
    /// The points needed next; empty once finished.
    fn request(&mut self, nd: &NumDiff) -> Vec<Vec<f64>>;
    /// The values at those points, in order (None: outside the bounds or not finite).
    fn receive(&mut self, nd: &NumDiff, values: Vec<Option<R>>);
}

/// Advances every stencil until all are finished, one batch of points per round.
pub(super) fn run<R: Output, S: Stencil<R>>(
    nd: &NumDiff,
    ev: &Counted<'_, R>,
    stencils: &mut [S],
) -> Result<()> {
    loop {
        let mut points = Vec::new();
        let mut owners = Vec::new();
        for (k, s) in stencils.iter_mut().enumerate() {
            let p = s.request(nd);
            if !p.is_empty() {
                owners.push((k, p.len()));
                points.extend(p);
            }
        }
        if owners.is_empty() {
            return Ok(());
        }
        let mut values = ev.eval_many(points)?.into_iter();
        for (k, count) in owners {
            stencils[k].receive(nd, values.by_ref().take(count).collect());
        }
    }
}
