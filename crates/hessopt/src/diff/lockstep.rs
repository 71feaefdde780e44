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

/// Entries (points × coordinates) of one batch at most (128 MB of points). A round of n
/// coordinate ladders asks for about 2n points of n entries each: 1.6 GB at n = 10⁴, 160 GB at
/// n = 10⁵. Such a round is evaluated in several batches; the numbers are the same (see the
/// module docs).
const MAX_BATCH_ENTRIES: usize = 1 << 24;

/// Advances every stencil until all are finished, one batch of points per round (several when a
/// round's points exceed [`MAX_BATCH_ENTRIES`]).
pub(super) fn run<R: Output, S: Stencil<R>>(
    nd: &NumDiff,
    ev: &Counted<'_, R>,
    stencils: &mut [S],
) -> Result<()> {
    run_in_batches(nd, ev, stencils, MAX_BATCH_ENTRIES)
}

/// [`run`] with batches of at most `max_entries` entries (a stencil's points are never split).
fn run_in_batches<R: Output, S: Stencil<R>>(
    nd: &NumDiff,
    ev: &Counted<'_, R>,
    stencils: &mut [S],
    max_entries: usize,
) -> Result<()> {
    loop {
        let mut points = Vec::new();
        let mut owners = Vec::new();
        let mut entries = 0;
        let mut requested = false;
        for k in 0..stencils.len() {
            let p = stencils[k].request(nd);
            if p.is_empty() {
                continue;
            }
            requested = true;
            entries += p.iter().map(Vec::len).sum::<usize>();
            owners.push((k, p.len()));
            points.extend(p);
            if entries >= max_entries {
                deliver(nd, ev, stencils, std::mem::take(&mut points), &mut owners)?;
                entries = 0;
            }
        }
        if !requested {
            return Ok(());
        }
        deliver(nd, ev, stencils, points, &mut owners)?;
    }
}

/// Evaluates one batch and hands each owner its values.
fn deliver<R: Output, S: Stencil<R>>(
    nd: &NumDiff,
    ev: &Counted<'_, R>,
    stencils: &mut [S],
    points: Vec<Vec<f64>>,
    owners: &mut Vec<(usize, usize)>,
) -> Result<()> {
    if points.is_empty() {
        return Ok(());
    }
    let mut values = ev.eval_many(points)?.into_iter();
    for (k, count) in owners.drain(..) {
        stencils[k].receive(nd, values.by_ref().take(count).collect());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// Asks, for `rounds` rounds, for `width` points of 3 entries built from its last values.
    struct Echo {
        id: f64,
        width: usize,
        rounds: usize,
        last: f64,
        seen: Vec<f64>,
    }

    impl Stencil<f64> for Echo {
        fn request(&mut self, _: &NumDiff) -> Vec<Vec<f64>> {
            if self.seen.len() == self.rounds * self.width {
                return Vec::new();
            }
            (0..self.width)
                .map(|j| vec![self.id, self.last, j as f64])
                .collect()
        }
        fn receive(&mut self, _: &NumDiff, values: Vec<Option<f64>>) {
            let values: Vec<f64> = values.into_iter().map(Option::unwrap).collect();
            self.last = values.iter().sum();
            self.seen.extend(values);
        }
    }

    /// A round too large for one batch is split between stencils, never inside one, and every
    /// stencil sees the same values as with one batch per round.
    #[test]
    fn rounds_over_the_cap_are_split_with_the_same_numbers() {
        let nd = NumDiff::new();
        let stencils = || -> Vec<Echo> {
            (0..7)
                .map(|i| Echo {
                    id: i as f64,
                    width: 1 + i % 3,
                    rounds: 2 + i % 4,
                    last: 0.0,
                    seen: Vec::new(),
                })
                .collect()
        };
        let run_with = |cap: usize| {
            let sizes = RefCell::new(Vec::new());
            let (seen, count) = {
                let f = |p: &[Vec<f64>]| -> Vec<f64> {
                    sizes.borrow_mut().push(p.len() * 3);
                    p.iter().map(|q| q[0] * 10.0 + q[1].sin() + q[2]).collect()
                };
                let ev = nd.counted(&f);
                let mut s = stencils();
                run_in_batches(&nd, &ev, &mut s, cap).unwrap();
                let seen: Vec<Vec<f64>> = s.into_iter().map(|e| e.seen).collect();
                (seen, ev.count())
            };
            (seen, sizes.take(), count)
        };
        let (whole, whole_sizes, whole_count) = run_with(usize::MAX);
        assert_eq!(whole_sizes.len(), 5, "one batch per round");
        for cap in [1, 4, 9, 20] {
            let (seen, sizes, count) = run_with(cap);
            assert_eq!(seen, whole, "cap {cap}");
            assert_eq!(count, whole_count, "cap {cap}");
            // A batch stops at the first stencil that reaches the cap: below cap + 3 points.
            assert!(
                sizes.iter().all(|&s| s < cap + 3 * 3),
                "cap {cap}: {sizes:?}"
            );
            assert!(sizes.len() > whole_sizes.len(), "cap {cap}: {sizes:?}");
        }
    }
}
