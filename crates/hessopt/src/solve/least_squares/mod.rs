//! Least squares: Levenberg–Marquardt for nonlinear residuals, and linear least squares (QR, SVD,
//! norm-constrained).

mod certificate;
pub mod levenberg_marquardt;
pub mod linear;
pub mod problem;
