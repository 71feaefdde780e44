//! The only place that calls nalgebra's decompositions, so that the rest of the crate speaks in
//! plain operations (eigenvalues, solves) and a change of backend touches one file.

use nalgebra::{DMatrix, SymmetricEigen};

/// Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns in
/// the same order. Only the lower triangle is read.
pub(crate) fn symmetric_eigen(a: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let eig = SymmetricEigen::new(a.clone());
    let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let vectors = DMatrix::from_fn(a.nrows(), order.len(), |r, c| {
        eig.eigenvectors[(r, order[c])]
    });
    (values, vectors)
}
