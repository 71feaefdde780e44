//! Derivative-free methods: Nelder–Mead simplex, simulated annealing, and Brent's method for one
//! variable on an interval.

pub mod brent;
pub mod nelder_mead;
pub mod sann;
