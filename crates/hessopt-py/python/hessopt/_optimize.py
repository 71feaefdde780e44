"""Minimization with scipy's conventions."""

from __future__ import annotations

import inspect

import numpy as np

from . import _core
from ._args import extra_args, number, point
from ._core import HessoptError
from ._result import Result

# scipy's and R's option names → hessopt's.
_OPTIONS = {
    "gtol": "g_tol", "g_tol": "g_tol", "reltol": "f_tol", "ftol": "f_tol", "f_tol": "f_tol",
    "xtol": "x_tol", "x_tol": "x_tol", "xatol": "x_atol", "fatol": "f_atol", "maxiter": "max_iter",
    "max_iter": "max_iter", "maxit": "max_iter", "maxfev": "max_evals", "maxfun": "max_evals",
    "max_evals": "max_evals", "time_limit": "time_limit", "seed": "seed",
}


def _options(options):
    if options is not None and not hasattr(options, "items"):
        raise HessoptError(f"options must be a dict, got {type(options).__name__}")
    out = {}
    for k, v in (options or {}).items():
        if k == "disp":
            continue
        if k not in _OPTIONS:
            raise HessoptError(
                f"invalid option '{k}' (known: {', '.join(sorted(set(_OPTIONS)))})"
            )
        out[_OPTIONS[k]] = v
    return out


def bounds_arrays(bounds, n):
    """(lower, upper) float arrays from a scipy Bounds, a sequence of n (lo, hi) pairs (None is
    unbounded; also an (n, 2) array), or a pair (lower, upper) of arrays or scalars. For n = 2 a
    list of two pairs is read as scipy's per-variable pairs, a tuple of two numpy arrays as
    (lower, upper)."""
    if bounds is None:
        return None, None
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        lo, hi = bounds.lb, bounds.ub
    else:
        try:
            items = list(bounds)
        except TypeError:
            raise HessoptError("bounds must be a pair (lower, upper), n (lo, hi) pairs or a scipy Bounds") from None
        arrays = len(items) == 2 and all(isinstance(b, np.ndarray) for b in items) and not (
            isinstance(bounds, np.ndarray)
        )
        pairs = not arrays and len(items) == n and all(
            np.ndim(b) == 1 and len(b) == 2 if b is not None else False for b in items
        )
        if pairs:
            lo = [-np.inf if b[0] is None else b[0] for b in items]
            hi = [np.inf if b[1] is None else b[1] for b in items]
        elif len(items) == 2:
            lo, hi = (-np.inf if items[0] is None else items[0]), (np.inf if items[1] is None else items[1])
        else:
            raise HessoptError(
                f"bounds must be a pair (lower, upper) or {n} (lo, hi) pairs, got {len(items)} items"
            )
    lo = np.broadcast_to(point(lo, "lower bounds"), (n,)).copy() if np.ndim(lo) == 0 else point(lo, "lower bounds")
    hi = np.broadcast_to(point(hi, "upper bounds"), (n,)).copy() if np.ndim(hi) == 0 else point(hi, "upper bounds")
    return lo, hi


def _constraints(constraints):
    """("formula", text, None) or (kind, fun, jac) for each constraint."""
    if constraints is None:
        return []
    if isinstance(constraints, (str, dict)) or callable(constraints):
        constraints = [constraints]
    out = []
    for c in constraints:
        if isinstance(c, str):
            out.append(("formula", c, None))
        elif isinstance(c, dict):
            kind = c.get("type")
            if kind not in ("eq", "ineq") or not callable(c.get("fun")):
                raise HessoptError("a constraint dict needs 'type' ('eq' or 'ineq') and a callable 'fun'")
            args = extra_args(c.get("args", ()))
            fun = c["fun"] if not args else (lambda x, f=c["fun"], a=args: f(x, *a))
            jac = _constraint_jac(c.get("jac"))
            if jac is not None and args:
                jac = lambda x, j=jac, a=args: j(x, *a)  # noqa: E731
            out.append((kind, fun, jac))
        elif isinstance(c, tuple) and len(c) in (2, 3) and c[0] in ("eq", "ineq") and callable(c[1]):
            out.append((c[0], c[1], _constraint_jac(c[2] if len(c) == 3 else None)))
        else:
            raise HessoptError(
                "a constraint is a formula string such as 'x0*x1 >= 2', a dict "
                "{'type': 'eq'|'ineq', 'fun': f} or a tuple ('eq'|'ineq', f[, jac])"
            )
    return out


def _constraint_jac(jac):
    if jac is not None and not callable(jac):
        raise HessoptError(
            f"a constraint's jac must be a callable returning its gradient, got {type(jac).__name__}"
        )
    return jac


def _callback(callback):
    """The user's callback as cb(x, value, iteration) -> stop?; scipy's two conventions:
    callback(intermediate_result) when the parameter has that name, else callback(xk)."""
    if callback is None:
        return None
    if not callable(callback):
        raise HessoptError(f"callback must be callable, got {type(callback).__name__}")
    try:
        params = inspect.signature(callback).parameters
        new_style = "intermediate_result" in params
    except (TypeError, ValueError):
        new_style = False

    def cb(x, value, iteration):
        if new_style:
            r = callback(intermediate_result=Result(x=x, fun=value, nit=iteration))
        else:
            r = callback(x)
        try:
            return bool(r)
        except ValueError:
            raise HessoptError(
                f"the callback must return None or a bool (True stops the run), got {type(r).__name__}"
            ) from None

    return cb


def minimize(fun, x0, *, args=(), method=None, jac=None, hess=None, bounds=None,
             constraints=(), hessian=False, tol=None, options=None, callback=None, vars=None):
    """Minimize ``fun`` from ``x0``; scipy's ``minimize`` conventions, honest termination.

    Parameters
    ----------
    fun : callable or Formula
        ``fun(x, *args) -> float``, or a :class:`Formula` (exact gradient and Hessian).
    x0 : array_like
        Start, shape (n,).
    method : str, optional
        hessopt's names ("bfgs", "lbfgsb", "trust-region", "newton", "nelder-mead", "cg", ...)
        or scipy's / R's spellings ("BFGS", "L-BFGS-B", "Nelder-Mead", "trust-exact", ...).
        Default: chosen from what the problem provides (with an exact Hessian the trust region,
        exact subproblem for n <= 200 and truncated CG to 500; L-BFGS-B with bounds; BFGS
        otherwise).
    jac : callable or True, optional
        The gradient ``jac(x, *args)``; ``True`` when ``fun`` returns ``(value, gradient)``.
        Without it, gradients are central differences.
    hess : callable, optional
        The Hessian ``hess(x, *args)`` as an (n, n) array.
    bounds : optional
        A sequence of n (lo, hi) pairs (None is unbounded), as scipy; a pair (lower, upper) of
        numpy arrays or scalars; or a ``scipy.optimize.Bounds``.
    constraints : optional
        Formula strings such as ``"x0*x1 >= 2"`` (variables named by ``vars``, a Formula's own,
        or x0, x1, ...), scipy dicts ``{"type": "ineq", "fun": g}`` (g(x) >= 0), or tuples
        ``("eq", h[, jac])``. Solved by an augmented Lagrangian.
    hessian : bool
        Also compute the Hessian at the result and what follows: ``hess``, ``hess_error``
        (numerical Hessians), ``cov`` = H⁻¹, ``se`` = √diag(H⁻¹), ``eigenvalues``,
        ``definiteness``, ``condition_number``, ``classification``, ``warnings``. Exact for
        formulas, else the numerical engine (from ``jac`` when given).
    tol : float, optional
        Gradient tolerance (‖∇f‖∞ ≤ tol).
    options : dict, optional
        ``maxiter``, ``maxfev``, ``gtol``, ``ftol``, ``xtol``, ``time_limit`` (seconds), ``seed``
        (scipy's and R's names accepted). Nelder-Mead: ``xatol`` and ``fatol`` are scipy's
        simplex test (max |x_i - x_best| <= xatol and max f_i - f_best <= fatol; either alone
        takes 1e-4, scipy's default, for the other), ``reltol`` (``ftol``) R's relative one
        (default sqrt(eps)); without them R's test at sqrt(eps).
    callback : callable, optional
        ``callback(xk)`` or ``callback(intermediate_result)`` after each iteration; returning
        True stops the run (``termination == "callback"``).

    Returns
    -------
    Result
        scipy's ``x, fun, jac, nfev, njev, nhev, nit, success, status, message`` plus
        ``termination`` (why it stopped, snake_case), ``converged`` (a certificate held at x:
        ``success`` is the same), ``method``, ``gradient_norm``, ``notes``. ``status`` is 0 when
        converged, 1 at a limit, 2 otherwise. With constraints: ``multipliers``,
        ``max_violation`` (both in your units), ``kkt`` (its feasibility on the constraints
        times ``constraint_scales``: powers of two, 1 unless a constraint's gradient at x0 is
        outside [1/1024, 1024]).

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> f = lambda x: (x[0] - 1) ** 2 + 4 * (x[1] + 2) ** 2 + x[0] * x[1]
    >>> r = hessopt.minimize(f, [0.0, 0.0], hessian=True)
    >>> r.success, r.termination
    (True, 'gradient_norm')
    >>> np.round(r.x, 6)
    array([ 2.133333, -2.266667])
    >>> np.round(r.se, 6)   # sqrt(diag(inv([[2, 1], [1, 8]])))
    array([0.730297, 0.365148])
    """
    x0 = point(x0, "x0")
    is_formula = isinstance(fun, _core.Formula)
    if not is_formula and not callable(fun):
        raise HessoptError(f"fun must be callable or a Formula, got {type(fun).__name__}")
    if jac is not None and not callable(jac) and jac is not True:
        raise HessoptError("jac must be a callable or True (fun returns (value, gradient))")
    if hess is not None and not callable(hess):
        raise HessoptError("hess must be a callable returning the (n, n) Hessian")
    if method is not None and not isinstance(method, str):
        raise HessoptError(f"method must be a name such as 'BFGS', got {type(method).__name__}")
    if vars is not None:
        if isinstance(vars, str) or len(vars) != len(x0):
            raise HessoptError(f"vars must be {len(x0)} names, one per entry of x0, got {vars!r}")
        vars = [str(v) for v in vars]
    lo, hi = bounds_arrays(bounds, len(x0))
    r = _core.minimize(
        fun, x0, extra_args(args), method, jac, hess, lo, hi, _constraints(constraints),
        bool(hessian), number(tol, "tol"), _options(options), _callback(callback), vars,
    )
    return Result(r)
