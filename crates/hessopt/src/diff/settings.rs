//! Settings of the numerical differentiation engine: typical sizes, bounds, first step, levels;
//! validation of the point and the step scale per coordinate or direction.

use std::cell::Cell;

use super::eval::{Batch, Counted};
use crate::error::{Error, Result};

/// Step scales below this are raised to it: the ladder's steps (down to `ladder::STEP_FLOOR`),
/// their squares and the cross stencil's products stay normal numbers. A variable of size
/// 1e-250 is differentiated with steps of size 1e-102, which x² (say) resolves exactly.
pub(super) const SCALE_FLOOR: f64 = 1e-100;

/// Settings of the numerical differentiation engine (validated setters).
#[derive(Debug, Clone, PartialEq)]
pub struct NumDiff {
    pub(super) typical: Option<Vec<f64>>,
    pub(super) lower: Option<Vec<f64>>,
    pub(super) upper: Option<Vec<f64>>,
    pub(super) first_step: f64,
    pub(super) max_levels: usize,
}

impl Default for NumDiff {
    fn default() -> Self {
        NumDiff {
            typical: None,
            lower: None,
            upper: None,
            first_step: 0.04,
            max_levels: 6,
        }
    }
}

impl NumDiff {
    /// Default settings: first step 0.04 · scale, up to 6 levels of ratio 4, no bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Typical magnitude of each variable (> 0): the step scale is max(|x_i|, typical_i).
    pub fn with_typical(mut self, typical: Vec<f64>) -> Result<Self> {
        if let Some(v) = typical.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
            return Err(Error::invalid(
                "typical size",
                format!("{v} is not a positive number"),
            ));
        }
        self.typical = Some(typical);
        Ok(self)
    }

    /// Bounds that no stencil point may cross (the function may be undefined outside).
    pub fn with_bounds(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Result<Self> {
        crate::problem::check_box(&lower, &upper)?;
        self.lower = Some(lower);
        self.upper = Some(upper);
        Ok(self)
    }

    /// First (largest) relative step, in [1e-8, 1] (a smaller one leaves the ladder no room
    /// above rounding).
    pub fn with_first_step(mut self, step: f64) -> Result<Self> {
        if !(1e-8..=1.0).contains(&step) {
            return Err(Error::invalid(
                "first step",
                format!("{step} is not in [1e-8, 1]"),
            ));
        }
        self.first_step = step;
        Ok(self)
    }

    /// Maximum number of step levels per coordinate, 3 to 12 (three quotients are the fewest
    /// that show whether the steps are in the Taylor range).
    pub fn with_max_levels(mut self, levels: usize) -> Result<Self> {
        if !(3..=12).contains(&levels) {
            return Err(Error::invalid(
                "levels",
                format!("{levels} is not in 3..=12"),
            ));
        }
        self.max_levels = levels;
        Ok(self)
    }

    pub(super) fn check(&self, x: &[f64]) -> Result<()> {
        if let Some(t) = &self.typical {
            Error::check_dim("typical sizes", x.len(), t.len())?;
        }
        if let (Some(l), Some(u)) = (&self.lower, &self.upper) {
            Error::check_dim("bounds", x.len(), l.len())?;
            if let Some(i) = (0..x.len()).find(|&i| x[i] < l[i] || x[i] > u[i]) {
                return Err(Error::invalid(
                    "point",
                    format!("x[{i}] = {} is outside its bounds", x[i]),
                ));
            }
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: format!("x[{i}]"),
                at: x.to_vec(),
            });
        }
        Ok(())
    }

    pub(super) fn counted<'a, R>(&'a self, f: &'a Batch<'a, R>) -> Counted<'a, R> {
        Counted {
            f,
            count: Cell::new(0),
            width: Cell::new(None),
            lower: self.lower.as_deref(),
            upper: self.upper.as_deref(),
        }
    }

    /// Scale of coordinate i: max(|x_i|, typical_i), else |x_i| (1 at 0), at least `SCALE_FLOOR`.
    pub(super) fn scale(&self, x: &[f64], i: usize) -> f64 {
        let a = x[i].abs();
        match &self.typical {
            Some(t) => a.max(t[i]),
            None if a == 0.0 => 1.0,
            None => a,
        }
        .max(SCALE_FLOOR)
    }

    /// Step scale along v: the largest t with |t v_i| ≤ scale_i for every i.
    pub(super) fn direction_scale(&self, x: &[f64], v: &[f64]) -> f64 {
        (0..x.len())
            .filter(|&i| v[i] != 0.0)
            .map(|i| self.scale(x, i) / v[i].abs())
            .fold(f64::INFINITY, f64::min)
            .min(1e300)
    }
}
