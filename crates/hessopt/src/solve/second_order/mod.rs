//! Methods that use (exact, numerical or approximated) second derivatives: Newton's method with a
//! line search, trust regions with an exact or truncated-CG subproblem solver, and the SR1
//! quasi-Newton trust region. Newton and the trust region hold the Hessian dense or sparse
//! ([`hessian::HessianStorage`]).

pub mod hessian;
pub mod newton;
pub mod sr1;
pub mod subproblem;
pub mod trust_region;
