//! The last `m` correction pairs (s, y) of the limited-memory methods, in a ring of preallocated
//! vectors: a new pair is written in place into a spare slot and kept or dropped after the
//! curvature test, so no iteration allocates or copies an n-vector once the ring is full.

use crate::error::{Error, Result};

/// The memory m of a limited-memory method, checked: 1 to 1000 pairs.
pub(crate) fn checked_memory(m: usize) -> Result<usize> {
    if (1..=1000).contains(&m) {
        Ok(m)
    } else {
        Err(Error::invalid("memory", format!("{m} is not in 1..=1000")))
    }
}

/// Ring of at most `cap` pairs of n-vectors, oldest first, plus one spare slot for the next pair.
#[derive(Debug)]
pub(crate) struct PairRing {
    n: usize,
    cap: usize,
    s: Vec<Vec<f64>>,
    y: Vec<Vec<f64>>,
    head: usize,
    len: usize,
}

impl PairRing {
    pub(crate) fn new(n: usize, cap: usize) -> Self {
        PairRing {
            n,
            cap,
            s: vec![Vec::new(); cap + 1],
            y: vec![Vec::new(); cap + 1],
            head: 0,
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the next [`PairRing::commit`] drops the oldest pair.
    pub(crate) fn is_full(&self) -> bool {
        self.len == self.cap
    }

    /// Forgets every pair (the vectors stay allocated).
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    fn slot(&self, j: usize) -> usize {
        (self.head + j) % (self.cap + 1)
    }

    /// s of the `j`-th pair, 0 the oldest.
    pub(crate) fn s(&self, j: usize) -> &[f64] {
        &self.s[self.slot(j)]
    }

    /// y of the `j`-th pair, 0 the oldest.
    pub(crate) fn y(&self, j: usize) -> &[f64] {
        &self.y[self.slot(j)]
    }

    /// The spare slot (s, y) to write the next pair into; not part of the ring until committed.
    pub(crate) fn spare(&mut self) -> (&mut [f64], &mut [f64]) {
        let k = self.slot(self.len);
        if self.s[k].len() != self.n {
            self.s[k] = vec![0.0; self.n];
            self.y[k] = vec![0.0; self.n];
        }
        (&mut self.s[k], &mut self.y[k])
    }

    /// Makes the spare slot the newest pair, dropping the oldest when the ring is full.
    pub(crate) fn commit(&mut self) {
        if self.is_full() {
            self.head = (self.head + 1) % (self.cap + 1);
        } else {
            self.len += 1;
        }
    }
}
