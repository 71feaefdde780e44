"""hessopt: Hessians with error bars, exact derivatives of formulas, Hessian analysis, and
optimizers that say honestly whether they converged.

The engine is the Rust library hessopt; this package is a thin layer over it.

>>> import numpy as np, hessopt
>>> r = hessopt.hessian(lambda x: np.exp(x[0]) * np.sin(x[1]), [0.5, 1.0])
>>> bool(abs(r.hessian[0, 0] - np.exp(0.5) * np.sin(1.0)) < 1e-9)
True
"""

from ._core import HessoptError
from ._result import Result
from ._derivatives import gradient, hessian, hvp, jacobian
from ._analysis import analyze
from ._core import Formula
from ._optimize import minimize
from ._solvers import least_squares, root
from ._fit import FitResult, fit
from ._limits import set_dense_limit

__all__ = [
    "FitResult",
    "Formula",
    "HessoptError",
    "Result",
    "analyze",
    "fit",
    "gradient",
    "hessian",
    "hvp",
    "jacobian",
    "least_squares",
    "minimize",
    "root",
    "set_dense_limit",
]
