//! A fill-reducing ordering for sparse Cholesky: minimum degree (Tinney & Walker 1967, scheme 2;
//! George & Liu, SIAM Review 31, 1989) on the explicit elimination graph.
//!
//! At each step the variable with the fewest neighbours in the current elimination graph is
//! eliminated (ties to the lowest index) and its neighbours become a clique. The graph kept is
//! the filled graph, so memory is O(nnz(L)) — what the factor needs anyway — and time is about
//! the factorization's own count of operations. On an arrow (one dense row and column) the hub
//! goes last and nothing fills, where the natural order with the hub first fills the whole
//! matrix; banded and tridiagonal patterns keep their band.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use nalgebra_sparse::pattern::SparsityPattern;

/// The minimum-degree elimination order of the symmetric pattern: `order[k]` is the variable
/// eliminated k-th (a permutation of 0..n). Only the off-diagonal structure matters.
pub(crate) fn minimum_degree(pattern: &SparsityPattern) -> Vec<usize> {
    let n = pattern.major_dim();
    let mut adj: Vec<HashSet<usize>> = (0..n)
        .map(|j| {
            pattern
                .lane(j)
                .iter()
                .copied()
                .filter(|&i| i != j)
                .collect()
        })
        .collect();
    // A pattern that is not exactly symmetric is read as its symmetric closure.
    for j in 0..n {
        for &i in pattern.lane(j) {
            if i != j {
                adj[i].insert(j);
            }
        }
    }
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> =
        (0..n).map(|j| Reverse((adj[j].len(), j))).collect();
    let mut eliminated = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((degree, v))) = heap.pop() {
        // Stale heap entries (the degree changed since) are skipped.
        if eliminated[v] || degree != adj[v].len() {
            continue;
        }
        eliminated[v] = true;
        order.push(v);
        let neighbours: Vec<usize> = std::mem::take(&mut adj[v]).into_iter().collect();
        for &u in &neighbours {
            let set = &mut adj[u];
            set.remove(&v);
            set.extend(neighbours.iter().copied().filter(|&w| w != u));
            heap.push(Reverse((set.len(), u)));
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra_sparse::factorization::CscSymbolicCholesky;

    /// Symmetric pattern with the diagonal from off-diagonal pairs (i, j).
    fn pattern(n: usize, pairs: &[(usize, usize)]) -> SparsityPattern {
        let diagonal = (0..n).map(|i| (i, i));
        let entries: Vec<_> = pairs.iter().copied().chain(diagonal).collect();
        crate::diff::coloring::symmetric_pattern(n, &entries).unwrap()
    }

    /// nnz of the Cholesky factor of the pattern permuted by `order` (order[k] = old index).
    fn fill(p: &SparsityPattern, order: &[usize]) -> usize {
        let n = p.major_dim();
        let mut new = vec![0; n];
        for (k, &old) in order.iter().enumerate() {
            new[old] = k;
        }
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|j| p.lane(j).iter().map(move |&i| (i, j)))
            .filter(|(i, j)| i < j)
            .map(|(i, j)| (new[i], new[j]))
            .collect();
        CscSymbolicCholesky::factor(pattern(n, &pairs))
            .l_pattern()
            .nnz()
    }

    fn is_permutation(order: &[usize], n: usize) -> bool {
        let mut seen = vec![false; n];
        order.len() == n
            && order
                .iter()
                .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
    }

    #[test]
    fn arrow_puts_the_hub_last_and_does_not_fill() {
        let n = 200;
        let pairs: Vec<_> = (1..n).map(|i| (0, i)).collect();
        let p = pattern(n, &pairs);
        let natural: Vec<usize> = (0..n).collect();
        let order = minimum_degree(&p);
        assert!(is_permutation(&order, n));
        // Natural order with the hub first: L is dense (n(n+1)/2); minimum degree: no fill.
        assert_eq!(fill(&p, &natural), n * (n + 1) / 2);
        assert_eq!(fill(&p, &order), 2 * n - 1);
    }

    #[test]
    fn banded_and_tridiagonal_keep_their_band() {
        for bw in [1, 2, 5] {
            let n = 120;
            let pairs: Vec<_> = (0..n)
                .flat_map(|i| (1..=bw).filter(move |d| i + d < n).map(move |d| (i, i + d)))
                .collect();
            let p = pattern(n, &pairs);
            let order = minimum_degree(&p);
            assert!(is_permutation(&order, n));
            let natural: Vec<usize> = (0..n).collect();
            assert!(fill(&p, &order) <= fill(&p, &natural), "bandwidth {bw}");
        }
    }

    #[test]
    fn grid_fills_less_than_natural_and_random_patterns_are_permuted() {
        // 2-D 20 × 20 grid (5-point Laplacian): natural order fills the band of width 20.
        let m = 20;
        let id = |r: usize, c: usize| r * m + c;
        let mut pairs = Vec::new();
        for r in 0..m {
            for c in 0..m {
                if c + 1 < m {
                    pairs.push((id(r, c), id(r, c + 1)));
                }
                if r + 1 < m {
                    pairs.push((id(r, c), id(r + 1, c)));
                }
            }
        }
        let p = pattern(m * m, &pairs);
        let order = minimum_degree(&p);
        let natural: Vec<usize> = (0..m * m).collect();
        assert!(is_permutation(&order, m * m));
        assert!(fill(&p, &order) < fill(&p, &natural) * 3 / 4);
        // Random patterns: always a permutation, and empty/one-variable patterns work.
        let mut rng = crate::rng::Rng::new(7);
        for n in [0, 1, 2, 17, 60] {
            let pairs: Vec<_> = (0..3 * n)
                .map(|_| (rng.below(n.max(1)), rng.below(n.max(1))))
                .filter(|(i, j)| i != j)
                .collect();
            let p = pattern(n, &pairs);
            assert!(is_permutation(&minimum_degree(&p), n));
        }
    }
}
