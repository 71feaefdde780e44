"""Fitting formula models to tables of columns."""

from __future__ import annotations

import numpy as np

from . import _core
from ._args import point
from ._core import HessoptError
from ._result import Result


class FitResult(Result):
    """A fit's result; ``str()`` is R's coefficient table."""

    def __str__(self):
        return self["table"]

    __repr__ = Result.__repr__


def fit(data, *, nll=None, residual=None, params, start):
    """Fit a per-row model to a table: maximum likelihood (``nll``) or nonlinear least squares
    (``residual``), with R-style estimates, standard errors, z/t statistics, p-values and 95 %
    intervals.

    Parameters
    ----------
    data : mapping
        Columns by name: a dict of arrays, a pandas DataFrame, or any mapping with ``keys()``.
        Columns that are not numbers (labels) are left out unless the formula reads them.
    nll, residual : str
        A formula over the parameters and the columns, for one row: the negative log-likelihood
        of that row (summed over rows) or its residual (squared and summed). Exactly one.
    params : sequence of str
        The parameter names, in the order of ``start``.
    start : array_like
        Starting values.

    The fit runs without the GIL (other Python threads go on); Ctrl-C stops it with
    ``KeyboardInterrupt`` within about 20 ms of the minimizer's next iteration.

    Returns
    -------
    FitResult
        ``x`` (estimates), ``se``, ``statistics``, ``p_values``, ``intervals``, ``cov``, ``fun``
        (minimized NLL or RSS), ``aic``, ``sigma2``, ``nobs``, ``df``, ``converged``,
        ``termination``, ``nit``, ``warnings``, ``table``; ``print(result)`` shows the table (R's
        coefficient table, the same text as ``hessopt fit`` prints).

    Examples
    --------
    >>> import numpy as np, hessopt
    >>> data = {"x": np.array([0.0, 1.0, 2.0, 3.0]), "y": np.array([1.1, 2.9, 5.2, 6.8])}
    >>> r = hessopt.fit(data, residual="y - (a + b*x)", params=["a", "b"], start=[0, 0])
    >>> np.round(r.x, 6)   # ordinary least squares: b = 9.7 / 5, a = 4 - 1.5 b
    array([1.09, 1.94])
    """
    if (nll is None) == (residual is None):
        raise HessoptError("give exactly one of nll= and residual=")
    if isinstance(params, str):
        params = [p.strip() for p in params.split(",")]
    try:
        names = list(data.keys())
    except AttributeError:
        raise HessoptError("data must be a mapping of column names to arrays (dict, DataFrame)") from None
    columns = []
    used = None
    for k in names:
        try:
            columns.append((str(k), point(np.asarray(data[k]), f"column '{k}'")))
        except HessoptError:
            # A column that is not numbers (a label, a factor) matters only if the model reads it.
            if used is None:
                try:
                    used = set(_core.Formula(nll if residual is None else residual).vars)
                except HessoptError:
                    used = set()
            if str(k) in used:
                raise
    return FitResult(
        _core.fit(columns, nll, residual, [str(p) for p in params], point(start, "start"))
    )
