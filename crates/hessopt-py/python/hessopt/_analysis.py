"""Analysis of a Hessian."""

from __future__ import annotations

import numpy as np

from . import _core
from ._args import matrix, point
from ._result import Result


def analyze(H, gradient=None, *, error=None):
    """Eigenvalues, definiteness, condition number and classification of a Hessian.

    Parameters
    ----------
    H : array_like or Result
        A symmetric (n, n) matrix, or the result of :func:`hessian` (its ``hessian``,
        ``gradient`` and ``error`` are used).
    gradient : array_like, optional
        The gradient at the point; without it the point is taken as stationary and only the
        curvature is classified. Stationary means max |g_i| <= 1e-8, the solvers' own test.
    error : array_like, optional
        Estimated absolute error of each entry of H: eigenvalues within its Frobenius norm of
        zero count as zero.

    Returns
    -------
    Result
        ``eigenvalues`` (ascending), ``definiteness``, ``condition_number``, ``stationary``,
        ``classification`` ("minimum", "maximum", "saddle", "degenerate", "not_stationary") and
        ``explanation``.

    Examples
    --------
    >>> import hessopt
    >>> a = hessopt.analyze([[0.0, -3.0], [-3.0, 0.0]])
    >>> a.classification, a.eigenvalues.tolist()
    ('saddle', [-3.0, 3.0])
    """
    if isinstance(H, dict) and "hessian" in H:
        r = H
        H = r["hessian"]
        gradient = r.get("gradient") if gradient is None else gradient
        error = r.get("error") if error is None else error
    h = matrix(H)
    n = h.shape[0]
    g = np.zeros(n) if gradient is None else point(gradient, "gradient")
    err = 0.0 if error is None else float(np.linalg.norm(matrix(error, "error")))
    return Result(_core.analyze(h, g, err))
