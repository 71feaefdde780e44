//! Colorings that compress sparse derivatives: Curtis–Powell–Reid column groups for Jacobians and
//! star colorings for symmetric Hessians, with the recovery maps from compressed products.
//!
//! **Jacobians** (Curtis, Powell & Reid 1974): columns that share no row can be perturbed together,
//! so J·d for d = Σ_{j in group} s_j e_j gives every entry of those columns at once. Groups come
//! from a greedy coloring of the column intersection graph in natural order.
//!
//! **Hessians** (Gebremedhin, Manne & Pothen, "What color is your Jacobian?", SIAM Review 47, 2005,
//! §4): a star coloring of the adjacency graph of H is a proper coloring in which every path on
//! four vertices uses at least three colors. Then for every nonzero H_ij, either j is the only
//! vertex of its color among the neighbours of i, and H_ij is entry i of the product H·d_color(j),
//! or i is the only one of its color among the neighbours of j, and H_ij is entry j of H·d_color(i):
//! one Hessian-vector product per color recovers H directly, with no linear solve. The greedy
//! algorithm is GMP 2005 Algorithm 4.1 in natural order, O(n·d³) for maximum degree d.
//!
//! Patterns are [`SparsityPattern`]s in compressed-column form (major index = column, minor = row,
//! as in [`nalgebra_sparse::CscMatrix::pattern`]); a Hessian pattern is square and symmetric.
//!
//! ```
//! use hessopt::diff::coloring::{pattern_from_entries, star_coloring, symmetric_pattern};
//! // Tridiagonal 5 × 5: three colors suffice.
//! let lower: Vec<(usize, usize)> = (0..5).map(|i| (i, i)).chain((1..5).map(|i| (i, i - 1))).collect();
//! let p = symmetric_pattern(5, &lower)?;
//! assert_eq!(star_coloring(&p).count(), 3);
//! let j = pattern_from_entries(3, 5, &[(0, 0), (0, 1), (1, 2), (2, 3), (2, 4)])?;
//! assert_eq!(p.nnz(), 13);
//! # let _ = j;
//! # Ok::<(), hessopt::Error>(())
//! ```

use nalgebra_sparse::pattern::SparsityPattern;

use crate::error::{Error, Result};

/// A coloring of the columns (or variables) of a sparse matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coloring {
    colors: Vec<usize>,
    count: usize,
}

impl Coloring {
    /// The color of each column, in `0..count()`.
    pub fn colors(&self) -> &[usize] {
        &self.colors
    }

    /// The number of colors (compressed products needed).
    pub fn count(&self) -> usize {
        self.count
    }

    /// Seed direction of `color` scaled per column: d_j = scale_j where column j has this color,
    /// else 0.
    pub fn seed(&self, color: usize, scale: &[f64]) -> Vec<f64> {
        self.colors
            .iter()
            .zip(scale)
            .map(|(&c, &s)| if c == color { s } else { 0.0 })
            .collect()
    }

    fn from_colors(colors: Vec<usize>) -> Self {
        let count = colors.iter().map(|c| c + 1).max().unwrap_or(0);
        Coloring { colors, count }
    }
}

/// A pattern from (row, column) entries of an `nrows × ncols` matrix (duplicates allowed).
pub fn pattern_from_entries(
    nrows: usize,
    ncols: usize,
    entries: &[(usize, usize)],
) -> Result<SparsityPattern> {
    if let Some(&(r, c)) = entries.iter().find(|&&(r, c)| r >= nrows || c >= ncols) {
        return Err(Error::invalid(
            "sparsity pattern",
            format!("entry ({r}, {c}) is outside a {nrows} × {ncols} matrix"),
        ));
    }
    let mut sorted: Vec<(usize, usize)> = entries.iter().map(|&(r, c)| (c, r)).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut offsets = vec![0usize; ncols + 1];
    for &(c, _) in &sorted {
        offsets[c + 1] += 1;
    }
    for c in 0..ncols {
        offsets[c + 1] += offsets[c];
    }
    let indices = sorted.into_iter().map(|(_, r)| r).collect();
    SparsityPattern::try_from_offsets_and_indices(ncols, nrows, offsets, indices)
        .map_err(|e| Error::invalid("sparsity pattern", e.to_string()))
}

/// The symmetric n × n pattern holding each entry (i, j) of `entries` and its mirror (j, i).
pub fn symmetric_pattern(n: usize, entries: &[(usize, usize)]) -> Result<SparsityPattern> {
    let both: Vec<(usize, usize)> = entries
        .iter()
        .flat_map(|&(i, j)| [(i, j), (j, i)])
        .collect();
    pattern_from_entries(n, n, &both)
}

/// Smallest color not marked with `stamp` in `forbidden` (which grows as needed).
fn first_allowed(forbidden: &mut Vec<usize>, stamp: usize) -> usize {
    let c = forbidden
        .iter()
        .position(|&f| f != stamp)
        .unwrap_or(forbidden.len());
    if c == forbidden.len() {
        forbidden.push(usize::MAX);
    }
    c
}

/// Curtis–Powell–Reid groups: a coloring of the columns of an m × n pattern in which no two
/// columns of one color have an entry in the same row.
pub fn column_coloring(pattern: &SparsityPattern) -> Coloring {
    let n = pattern.major_dim();
    let rows = pattern.transpose(); // major index = row
    let mut colors = vec![usize::MAX; n];
    let mut forbidden: Vec<usize> = Vec::new();
    for j in 0..n {
        for &r in pattern.lane(j) {
            for &k in rows.lane(r) {
                if colors[k] != usize::MAX {
                    mark(&mut forbidden, colors[k], j);
                }
            }
        }
        colors[j] = first_allowed(&mut forbidden, j);
    }
    Coloring::from_colors(colors)
}

fn mark(forbidden: &mut Vec<usize>, color: usize, stamp: usize) {
    if forbidden.len() <= color {
        forbidden.resize(color + 1, usize::MAX);
    }
    forbidden[color] = stamp;
}

/// A star coloring of the adjacency graph of a symmetric pattern (the diagonal is ignored):
/// GMP 2005 Algorithm 4.1, greedy in natural order.
pub fn star_coloring(pattern: &SparsityPattern) -> Coloring {
    const NONE: usize = usize::MAX;
    let n = pattern.major_dim();
    let adj = |v: usize| pattern.lane(v).iter().copied().filter(move |&w| w != v);
    let mut colors = vec![NONE; n];
    let mut forbidden: Vec<usize> = Vec::new();
    for v in 0..n {
        for w in adj(v) {
            if colors[w] != NONE {
                mark(&mut forbidden, colors[w], v);
            }
            for x in adj(w).filter(|&x| x != v && colors[x] != NONE) {
                if colors[w] == NONE {
                    // v and x are two apart through an uncoloured vertex: keep them apart.
                    mark(&mut forbidden, colors[x], v);
                } else if adj(x).any(|y| y != w && colors[y] == colors[w]) {
                    // v–w–x–y would be a path in two colors.
                    mark(&mut forbidden, colors[x], v);
                }
            }
        }
        colors[v] = first_allowed(&mut forbidden, v);
    }
    Coloring::from_colors(colors)
}

/// Where each stored entry of a symmetric pattern is read from the compressed products
/// B = H·[d_0 … d_(p−1)] of a star coloring: entry k of the pattern's storage is
/// entry (`sources[k].0`, `sources[k].1`) = (row, color) of B divided by the seed scale of column
/// `sources[k].2`. Both triangles of a pair read the same product entry, so the result is exactly
/// symmetric. An error when the coloring does not allow direct recovery of some entry.
pub fn star_recovery(
    pattern: &SparsityPattern,
    coloring: &Coloring,
) -> Result<Vec<(usize, usize, usize)>> {
    let n = pattern.major_dim();
    let colors = coloring.colors();
    Error::check_dim("coloring", n, colors.len())?;
    // unique[k]: the neighbour stored at k is the only one of its color around its column.
    let mut count = vec![0usize; coloring.count()];
    let mut unique = vec![false; pattern.nnz()];
    let offsets = pattern.major_offsets();
    for j in 0..n {
        let lane = pattern.lane(j);
        for &i in lane.iter().filter(|&&i| i != j) {
            count[colors[i]] += 1;
        }
        for (k, &i) in lane.iter().enumerate() {
            unique[offsets[j] + k] = count[colors[i]] == 1;
        }
        for &i in lane.iter().filter(|&&i| i != j) {
            count[colors[i]] = 0;
        }
    }
    // Position of (row, col) in the storage, by binary search in the column.
    let position = |row: usize, col: usize| {
        pattern
            .lane(col)
            .binary_search(&row)
            .ok()
            .map(|k| offsets[col] + k)
    };
    let mut sources = Vec::with_capacity(pattern.nnz());
    for j in 0..n {
        for &i in pattern.lane(j) {
            let (a, b) = (i.max(j), i.min(j));
            if a == b {
                sources.push((a, colors[a], a));
                continue;
            }
            // H_ab = B[a, color(b)] / s_b when b is alone in its color around a, i.e. in
            // column a at row b; else B[b, color(a)] / s_a when a is alone around b.
            let alone = |row: usize, col: usize| position(row, col).is_some_and(|k| unique[k]);
            if alone(b, a) {
                sources.push((a, colors[b], b));
            } else if alone(a, b) {
                sources.push((b, colors[a], a));
            } else {
                return Err(Error::invalid(
                    "coloring",
                    format!("entry ({a}, {b}) cannot be recovered: not a star coloring"),
                ));
            }
        }
    }
    Ok(sources)
}

#[cfg(test)]
mod tests;
