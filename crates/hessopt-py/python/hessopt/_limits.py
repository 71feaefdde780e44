"""Memory limits of the engine."""

from __future__ import annotations

from . import _core
from ._args import count


def set_dense_limit(nbytes):
    """Set the largest dense matrix the engine allocates (an n × n Hessian or BFGS inverse-Hessian
    approximation, a Jacobian), in bytes; returns the previous limit. The default is 1 GiB:
    ``hessian`` of a function of 20 000 variables (a 3 GiB Hessian) is refused with a
    ``HessoptError`` before any evaluation. For large problems, ``sparsity=``,
    ``method="lbfgs"`` or :func:`hvp` need no dense matrix.

    Examples
    --------
    >>> import hessopt
    >>> previous = hessopt.set_dense_limit(2**31)   # 2 GiB
    >>> previous
    1073741824
    >>> _ = hessopt.set_dense_limit(previous)
    """
    return _core.set_dense_limit(count(nbytes, "nbytes", 1))
