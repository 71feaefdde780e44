"""Numerical derivatives of Python functions, with error estimates."""

from __future__ import annotations

from . import _core
from ._args import batch_function, callable_or_error, extra_args, point, sparsity as _sparsity
from ._core import HessoptError
from ._result import Result


def _run(kind, f, x, args, vectorized, workers, typical, *rest, vector=False):
    f = callable_or_error(f)
    x = point(x)
    typ = None if typical is None else point(typical, "typical")
    fn, eargs, vec = batch_function(f, extra_args(args), vectorized, workers, vector)
    try:
        return Result(getattr(_core, kind)(fn, x, eargs, vec, typ, *rest))
    finally:
        if hasattr(fn, "close"):
            fn.close()


class _GradientOfPair:
    """The gradient of a function that returns ``(value, gradient)`` (``jac=True``; a class, so
    that it pickles for process pools when f does)."""

    def __init__(self, f):
        self.f = f

    def __call__(self, x, *args):
        out = self.f(x, *args)
        if not (isinstance(out, tuple) and len(out) == 2):
            got = f"a tuple of {len(out)}" if isinstance(out, tuple) else f"a {type(out).__name__}"
            raise HessoptError(f"with jac=True the function must return (value, gradient), got {got}")
        return out[1]


def _gradient_of(f, jac):
    """The gradient function of ``jac=``: a callable, or True when f returns (value, gradient)."""
    if jac is True:
        return _GradientOfPair(f)
    return callable_or_error(jac, "jac")


def hessian(
    f, x, *, args=(), vectorized=False, workers=None, typical=None, sparsity=None, jac=None
):
    """Hessian of ``f`` at ``x`` from values only, with an error estimate per entry.

    The engine steps each variable by its own scale (``max(|x_i|, typical_i)``), extrapolates
    central differences (Richardson with Ridders' error control) and stops per coordinate when
    the truncation error meets the rounding error. A smooth function costs at most
    4n² + 4n + 1 evaluations (numdifftools' default spends 30n² + 1) while no coordinate's
    steps have to move to the function's own scale, never more than
    4n² + 4n + 1 + 2n·min(n + 3, 6); the gradient comes free. An entry whose error estimate is
    ``inf`` cannot be trusted: no step gave converging difference quotients there.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> float`` with ``x`` a 1-d float64 array; with ``vectorized=True``,
        ``f(X, *args)`` takes an (m, n) array (one point a row) and returns m values.
    x : array_like
        The point, shape (n,).
    args : tuple
        Extra positional arguments for ``f`` (as scipy).
    vectorized : bool
        ``f`` takes an (m, n) array of points (one a row) and returns m values. The engine hands
        it every stencil point of a round at once — each unfinished coordinate's next step,
        then every pair's cross points — so a Hessian costs about 2·levels + 3 Python calls
        instead of one per point.
    workers : int or callable, optional
        An int: a thread pool of that size; or any map-like callable ``map(func, iterable)``
        (``pool.map`` of concurrent.futures or multiprocessing, a Dask or Ray pool's map). The
        stencil points of each round go through it, one point per task; with
        ``vectorized=True`` each round is split into chunks of rows, one vectorized call per
        chunk (as many chunks as an int ``workers``, else ``os.cpu_count()``). Results are
        identical to the serial path. With a process pool, ``f`` and ``args`` must be picklable
        (a module-level function). This is how an expensive simulation scales past one machine.
    typical : array_like, optional
        Typical size of each variable (> 0): the step scale is ``max(|x_i|, typical_i)``.
    sparsity : array_like or scipy.sparse matrix, optional
        The Hessian's sparsity pattern, (n, n): its nonzero (True) entries; one triangle is
        enough. Only the pattern's entries are computed, from n + 1 + 2·(levels per entry)
        values instead of O(n²), and ``hessian`` and ``error`` are ``scipy.sparse`` CSC matrices
        on that pattern (scipy is needed).
    jac : callable or True, optional
        The gradient, ``jac(x, *args) -> array of n`` (or True when ``f`` returns
        ``(value, gradient)``, as in scipy): the Hessian is its extrapolated Jacobian,
        symmetrised, and ``f`` is not called. With ``sparsity`` a star coloring of the pattern
        needs one directional derivative per color (3 colors for a tridiagonal pattern: 19
        gradients at n = 1000). ``vectorized`` and ``workers`` then apply to the gradient
        (vectorized: (m, n) points in, (m, n) gradients out).

    Returns
    -------
    Result
        ``hessian`` (n, n), ``error`` (n, n) estimated absolute error per entry, ``gradient``,
        ``gradient_error``, ``value`` f(x), ``nfev`` function evaluations, ``ncalls`` Python
        calls made, ``steps`` the step per variable, ``one_sided`` where a one-sided stencil was
        needed (a point was not finite). With ``sparsity``: ``hessian``, ``error``,
        ``gradient``, ``gradient_error``, ``value``, ``nfev``, ``ncalls``. With ``jac``:
        ``hessian``, ``error``, ``gradient`` (jac at x), ``njev`` gradient evaluations,
        ``ncalls``, ``nfev`` (0) and, with ``sparsity``, ``colors``.

    Raises
    ------
    HessoptError
        Bad input, or f is not finite at x. An exception raised by ``f`` propagates unchanged
        (with a note giving the point).

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> def rosen(x):
    ...     return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    >>> r = hessopt.hessian(rosen, [1.0, 1.0])
    >>> np.round(r.hessian, 6)
    array([[ 802., -400.],
           [-400.,  200.]])
    >>> bool(r.error.max() < 1e-6)
    True

    On a pattern (tridiagonal here), from the gradient, as a ``scipy.sparse`` matrix:

    >>> def grad(x):
    ...     return np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])
    >>> r = hessopt.hessian(rosen, [1.0, 1.0], sparsity=np.ones((2, 2)), jac=grad)
    >>> np.round(r.hessian.toarray(), 6), r.colors
    (array([[ 802., -400.],
           [-400.,  200.]]), 2)
    """
    n = point(x).size
    pattern = None if sparsity is None else _sparsity(sparsity, n, square=True)
    if jac is None:
        return _run("hessian", f, x, args, vectorized, workers, typical, pattern)
    # f is not called: the gradient is, batched as vectorized / workers say.
    g = _gradient_of(callable_or_error(f), jac)
    return _run("hessian", g, x, args, vectorized, workers, typical, pattern, True, vector=True)


def gradient(f, x, *, args=(), vectorized=False, workers=None, typical=None):
    """Gradient of ``f`` at ``x`` from values only, with an error estimate per entry.

    Same engine and parameters as :func:`hessian`.

    Returns
    -------
    Result
        ``gradient``, ``error``, ``value``, ``nfev``, ``ncalls``, ``steps``, ``one_sided``.

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> r = hessopt.gradient(lambda x: np.sin(x[0]) * x[1], [0.0, 2.0])
    >>> np.round(r.gradient, 12)
    array([2., 0.])
    """
    return _run("gradient", f, x, args, vectorized, workers, typical)


def jacobian(f, x, *, args=(), vectorized=False, workers=None, typical=None, sparsity=None):
    """Jacobian of a vector function ``F(x) -> array of m values`` at ``x``, shape (m, n).

    ``vectorized=True``: ``F`` takes an (p, n) array of points (one a row) and returns (p, m);
    ``workers`` as in :func:`hessian`. The numbers are the same as point by point.

    With ``sparsity`` (an (m, n) pattern: a boolean array or a ``scipy.sparse`` matrix), the
    columns are grouped so that no two in a group share a row (Curtis–Powell–Reid): one
    extrapolated directional derivative per group, and ``jacobian`` and ``error`` are
    ``scipy.sparse`` CSC matrices on the pattern (scipy is needed).

    Returns
    -------
    Result
        ``jacobian`` (m, n), ``error`` (m, n), ``value`` F(x), ``nfev``, ``ncalls``,
        ``one_sided``; with ``sparsity``, ``groups`` (column groups) instead of ``one_sided``.

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> r = hessopt.jacobian(lambda x: [x[0] * x[1], x[0] + np.sin(x[1])], [1.0, 0.0])
    >>> np.round(r.jacobian, 12)
    array([[0., 1.],
           [1., 1.]])
    >>> r = hessopt.jacobian(lambda x: x ** 2, [1.0, 2.0, 3.0], sparsity=np.eye(3))
    >>> np.round(r.jacobian.diagonal(), 8), r.groups
    (array([2., 4., 6.]), 1)
    """
    n = point(x).size
    pattern = None if sparsity is None else _sparsity(sparsity, n, square=False)
    return _run("jacobian", f, x, args, vectorized, workers, typical, pattern, vector=True)


def hvp(f, x, v, *, args=(), typical=None):
    """Hessian-vector product H(x)·v of a scalar function from values only.

    The derivative along ``v`` of the extrapolated numerical gradient: accurate, and O(n)
    gradient estimates per product; when you need many products at one point, :func:`hessian`
    is cheaper.

    Returns
    -------
    Result
        ``hvp`` (n,), ``error`` (n,), ``nfev``, ``ncalls``.

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> r = hessopt.hvp(lambda x: x[0] ** 2 * x[1], [1.0, 2.0], [1.0, 0.0])
    >>> np.round(r.hvp, 8)
    array([4., 2.])
    """
    f = callable_or_error(f)
    typ = None if typical is None else point(typical, "typical")
    return Result(_core.hvp(f, point(x), point(v, "v"), extra_args(args), typ))
