use super::*;
use crate::rng::Rng;

/// A random symmetric pattern with the diagonal and about `per_row` off-diagonal entries a row.
fn random_symmetric(rng: &mut Rng, n: usize, per_row: usize) -> SparsityPattern {
    let mut entries: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
    for _ in 0..n * per_row / 2 {
        entries.push((rng.below(n), rng.below(n)));
    }
    symmetric_pattern(n, &entries).unwrap()
}

/// Brute force: a proper coloring in which no path on four vertices has only two colors.
fn is_star(p: &SparsityPattern, colors: &[usize]) -> bool {
    let n = p.major_dim();
    let adj = |v: usize| p.lane(v).iter().copied().filter(move |&w| w != v);
    for a in 0..n {
        for b in adj(a) {
            if colors[a] == colors[b] {
                return false;
            }
            for c in adj(b).filter(|&c| c != a) {
                for d in adj(c).filter(|&d| d != b && d != a) {
                    if colors[a] == colors[c] && colors[b] == colors[d] {
                        return false;
                    }
                }
            }
        }
    }
    true
}

#[test]
fn star_colorings_of_random_graphs_are_star_colorings_and_recover_h() {
    let mut rng = Rng::new(7);
    for case in 0..60 {
        let n = 1 + rng.below(40);
        let p = random_symmetric(&mut rng, n, 1 + case % 5);
        let coloring = star_coloring(&p);
        assert!(is_star(&p, coloring.colors()), "case {case}");
        // A random symmetric H with this pattern, the products H·d_c with random scales, and the
        // recovery must give H back.
        let mut h = nalgebra::DMatrix::zeros(n, n);
        for j in 0..n {
            for &i in p.lane(j) {
                let v = rng.normal();
                h[(i, j)] = v;
                h[(j, i)] = v;
            }
        }
        let scale: Vec<f64> = (0..n).map(|_| 0.5 + rng.uniform()).collect();
        let b: Vec<Vec<f64>> = (0..coloring.count())
            .map(|c| {
                (&h * nalgebra::DVector::from(coloring.seed(c, &scale)))
                    .as_slice()
                    .to_vec()
            })
            .collect();
        let sources = star_recovery(&p, &coloring).unwrap();
        let mut k = 0;
        for j in 0..n {
            for &i in p.lane(j) {
                let (row, color, col) = sources[k];
                let got = b[color][row] / scale[col];
                assert!(
                    (got - h[(i, j)]).abs() <= 1e-12 * (1.0 + h[(i, j)].abs()),
                    "case {case}"
                );
                k += 1;
            }
        }
    }
}

#[test]
fn star_coloring_counts_on_known_shapes() {
    // Arrowhead: the hub and every leaf, two colors (a distance-2 coloring would need n).
    let n = 20;
    let arrow: Vec<(usize, usize)> = (0..n)
        .map(|i| (i, i))
        .chain((1..n).map(|i| (i, 0)))
        .collect();
    assert_eq!(
        star_coloring(&symmetric_pattern(n, &arrow).unwrap()).count(),
        2
    );
    // Block diagonal 2 × 2 (extended Rosenbrock): two colors.
    let blocks: Vec<(usize, usize)> = (0..n / 2).map(|k| (2 * k + 1, 2 * k)).collect();
    assert_eq!(
        star_coloring(&symmetric_pattern(n, &blocks).unwrap()).count(),
        2
    );
    // Diagonal only: one color.
    let diag: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
    assert_eq!(
        star_coloring(&symmetric_pattern(n, &diag).unwrap()).count(),
        1
    );
}

#[test]
fn column_groups_never_share_a_row() {
    let mut rng = Rng::new(11);
    for _ in 0..40 {
        let (m, n) = (1 + rng.below(30), 1 + rng.below(30));
        let entries: Vec<(usize, usize)> = (0..2 * (m + n))
            .map(|_| (rng.below(m), rng.below(n)))
            .collect();
        let p = pattern_from_entries(m, n, &entries).unwrap();
        let coloring = column_coloring(&p);
        for &(r, a) in &entries {
            for &(s, b) in &entries {
                if r == s && a != b {
                    assert_ne!(coloring.colors()[a], coloring.colors()[b]);
                }
            }
        }
    }
    // Disjoint rows: one group.
    let p = pattern_from_entries(3, 3, &[(0, 0), (1, 1), (2, 2)]).unwrap();
    assert_eq!(column_coloring(&p).count(), 1);
}

#[test]
fn entries_outside_the_matrix_are_an_error() {
    let e = pattern_from_entries(2, 2, &[(2, 0)]).unwrap_err();
    assert!(e.to_string().contains("outside"), "{e}");
}
