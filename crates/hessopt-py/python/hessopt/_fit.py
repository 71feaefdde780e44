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
        stat = self["statistic_name"]
        title = "Nonlinear least squares" if self["kind"] == "nls" else "Maximum likelihood"
        verdict = "converged" if self["converged"] else "NOT converged"
        head = ["", "Estimate", "Std. Error", f"{stat} value", f"Pr(>|{stat}|)", "2.5 %", "97.5 %"]
        rows = [head]

        def cell(v, i):
            return "-" if v is None else f"{v[i]:.6g}"

        for i, name in enumerate(self["params"]):
            iv = self["intervals"]
            rows.append([
                name, f"{self['x'][i]:.6g}", cell(self["se"], i), cell(self["statistics"], i),
                cell(self["p_values"], i), "-" if iv is None else f"{iv[i][0]:.6g}",
                "-" if iv is None else f"{iv[i][1]:.6g}",
            ])
        widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
        lines = [
            f"{title} fit of {self['nobs']} rows ({verdict}, {self['termination']},"
            f" {self['nit']} iterations)",
            "",
        ]
        for r in rows:
            cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
            lines.append("  ".join(cells).rstrip())
        what = "residual sum of squares" if self["kind"] == "nls" else "negative log-likelihood"
        lines += ["", f"minimized {what}: {self['fun']:.10g}   AIC: {self['aic']:.8g}"]
        if self["sigma2"] is not None:
            lines.append(f"residual standard error: {np.sqrt(self['sigma2']):.6g}"
                         f" on {self['df']} degrees of freedom")
        lines += [f"warning: {w}" for w in self["warnings"]]
        return "\n".join(lines)

    __repr__ = Result.__repr__


def fit(data, *, nll=None, residual=None, params, start):
    """Fit a per-row model to a table: maximum likelihood (``nll``) or nonlinear least squares
    (``residual``), with R-style estimates, standard errors, z/t statistics, p-values and 95 %
    intervals.

    Parameters
    ----------
    data : mapping
        Columns by name: a dict of arrays, a pandas DataFrame, or any mapping with ``keys()``.
    nll, residual : str
        A formula over the parameters and the columns, for one row: the negative log-likelihood
        of that row (summed over rows) or its residual (squared and summed). Exactly one.
    params : sequence of str
        The parameter names, in the order of ``start``.
    start : array_like
        Starting values.

    Returns
    -------
    FitResult
        ``x`` (estimates), ``se``, ``statistics``, ``p_values``, ``intervals``, ``cov``, ``fun``
        (minimized NLL or RSS), ``aic``, ``sigma2``, ``nobs``, ``df``, ``converged``,
        ``termination``, ``nit``, ``warnings``; ``print(result)`` shows the table.

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
    columns = [(str(k), point(np.asarray(data[k]), f"column '{k}'")) for k in names]
    return FitResult(
        _core.fit(columns, nll, residual, [str(p) for p in params], point(start, "start"))
    )
