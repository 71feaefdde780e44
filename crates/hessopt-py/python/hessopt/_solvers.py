"""Nonlinear least squares and roots of equations."""

from __future__ import annotations

import numpy as np

from . import _core
from ._args import callable_or_error, count, extra_args, number, point
from ._core import HessoptError
from ._result import Result


def least_squares(residuals, x0, *, jac=None, args=(), max_nfev=None):
    """Minimize ½‖r(x)‖² by Levenberg–Marquardt (Moré's scaling), with standard errors.

    Parameters
    ----------
    residuals : callable
        ``residuals(x, *args) -> array of m values``.
    x0 : array_like
        Start, shape (n,).
    jac : callable, optional
        ``jac(x, *args) -> (m, n) array``; central differences without it.
    max_nfev : int, optional
        Limit on residual evaluations.

    Returns
    -------
    Result
        ``x``, ``cost`` (½‖r‖²), ``fun`` (the residuals), ``se`` and ``cov`` (σ²(JᵀJ)⁻¹ with
        σ² = ‖r‖²/(m − n), when m > n and J has full rank), ``nfev``, ``njev``, ``nit``,
        ``success``, ``status``, ``message``, ``termination``, ``converged``.

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> r = hessopt.least_squares(lambda p: [10 * (p[1] - p[0] ** 2), 1 - p[0]], [-1.2, 1.0])
    >>> r.success, np.round(r.x, 8)
    (True, array([1., 1.]))
    """
    callable_or_error(residuals, "residuals")
    if jac is not None:
        callable_or_error(jac, "jac")
    max_nfev = count(max_nfev, "max_nfev", 1)
    return Result(_core.least_squares(residuals, point(x0, "x0"), extra_args(args), jac, max_nfev))


def root(f, x0=None, *, args=(), jac=None, bracket=None, method=None, tol=None, maxiter=None):
    """A root of f(x) = 0: one equation in one unknown, or n equations in n unknowns.

    Scalar: ``f(x) -> float`` with ``x`` a float; ``bracket=(a, b)`` (a sign change, as R's
    uniroot) uses Brent's method, ``jac`` (f') Newton's, else the secant method; ``x0`` may be
    omitted with a bracket. System: ``f(x) -> array of n values`` with ``x`` an array; Newton's
    method (``jac(x)`` an (n, n) array, else differences) or ``method="broyden"``, both with a
    line search on ½‖F‖².

    A root is certified at the returned x: ``converged`` (= ``success``) only when ‖F(x)‖∞ ≤ tol
    or, for a scalar, a sign change at rounding width whose |f| shrank with the bracket; a pole
    is ``termination == "discontinuity"``, a minimum of |f| that is not a root ``"not_a_root"``.

    Returns
    -------
    Result
        ``x`` (array), ``root`` (scalar case), ``fun`` (F at x, as scipy's), ``residual_norm``,
        ``nfev``, ``njev``, ``nit``, ``method``, ``success``, ``status``, ``message``,
        ``termination``, ``converged``.

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> r = hessopt.root(lambda x: x ** 3 - 2, bracket=(0, 2))
    >>> r.converged, round(r.root, 12)
    (True, 1.259921049895)
    >>> s = hessopt.root(lambda v: [v[0] ** 2 + v[1] ** 2 - 4, v[0] - v[1]], [1.0, 0.0])
    >>> bool(np.allclose(s.x, np.sqrt(2), rtol=1e-14)), s.termination
    (True, 'root_found')
    """
    callable_or_error(f)
    if jac is not None:
        callable_or_error(jac, "jac")
    args = extra_args(args)
    tol, maxiter = number(tol, "tol"), count(maxiter, "maxiter")
    if method is not None and not isinstance(method, str):
        raise HessoptError(f"method must be a name such as 'brent', got {type(method).__name__}")
    scalar = x0 is None or np.ndim(x0) == 0
    if scalar:
        g = lambda x, *a: f(float(x[0]), *a)  # noqa: E731
        d = None if jac is None else (lambda x, *a: jac(float(x[0]), *a))
        if bracket is not None:
            b = point(bracket, "bracket")
            if b.size != 2:
                raise HessoptError(f"bracket must be a pair of numbers (a, b), got {b.size} values")
            bracket = (float(b[0]), float(b[1]))
        x = None if x0 is None else float(point(x0, "x0")[0])
        return Result(_core.root_scalar(g, x, args, d, bracket, method, tol, maxiter))
    if bracket is not None:
        raise HessoptError("bracket= is for one equation in one unknown")
    return Result(_core.root_system(f, point(x0, "x0"), args, jac, method, tol, maxiter))
