"""Type stubs for hessopt (numerical and exact derivatives, Hessian analysis, optimizers)."""

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
Array = npt.NDArray[np.float64]
Mapper = Callable[[Callable[[Array], Any], Iterable[Array]], Iterable[Any]]
# A boolean/numeric (m, n) array or any scipy.sparse matrix: its nonzero entries.
Pattern = Any

class HessoptError(ValueError): ...

class Result(dict):
    def __getattr__(self, name: str) -> Any: ...

class Formula:
    def __init__(self, src: str, vars: Optional[Sequence[str]] = None) -> None: ...
    @property
    def vars(self) -> list[str]: ...
    def value(self, x: ArrayLike) -> float: ...
    def values(self, x: Array) -> Array: ...
    def gradient(self, x: ArrayLike) -> Array: ...
    def hessian(self, x: ArrayLike, sparse: bool = False) -> Any: ...
    def hvp(self, x: ArrayLike, v: ArrayLike) -> Array: ...
    def __call__(self, x: ArrayLike) -> Union[float, Array]: ...

def hessian(
    f: Callable[..., Any],
    x: ArrayLike,
    *,
    args: Tuple[Any, ...] = (),
    vectorized: bool = False,
    workers: Union[int, Mapper, None] = None,
    typical: Optional[ArrayLike] = None,
    sparsity: Optional[Pattern] = None,
    jac: Union[Callable[..., ArrayLike], bool, None] = None,
) -> Result: ...
def gradient(
    f: Callable[..., Any],
    x: ArrayLike,
    *,
    args: Tuple[Any, ...] = (),
    vectorized: bool = False,
    workers: Union[int, Mapper, None] = None,
    typical: Optional[ArrayLike] = None,
) -> Result: ...
def jacobian(
    f: Callable[..., ArrayLike],
    x: ArrayLike,
    *,
    args: Tuple[Any, ...] = (),
    vectorized: bool = False,
    workers: Union[int, Mapper, None] = None,
    typical: Optional[ArrayLike] = None,
    sparsity: Optional[Pattern] = None,
) -> Result: ...
def hvp(
    f: Callable[..., float],
    x: ArrayLike,
    v: ArrayLike,
    *,
    args: Tuple[Any, ...] = (),
    typical: Optional[ArrayLike] = None,
) -> Result: ...
def analyze(
    H: Union[ArrayLike, Mapping[str, Any]],
    gradient: Optional[ArrayLike] = None,
    *,
    x: Optional[ArrayLike] = None,
    value: float = 0.0,
    error: Optional[ArrayLike] = None,
) -> Result: ...
def minimize(
    fun: Union[Callable[..., Any], Formula],
    x0: ArrayLike,
    *,
    args: Tuple[Any, ...] = (),
    method: Optional[str] = None,
    jac: Union[Callable[..., ArrayLike], bool, None] = None,
    hess: Optional[Callable[..., ArrayLike]] = None,
    bounds: Any = None,
    constraints: Any = (),
    hessian: bool = False,
    tol: Optional[float] = None,
    options: Optional[Mapping[str, Any]] = None,
    callback: Optional[Callable[..., Any]] = None,
    vars: Optional[Sequence[str]] = None,
) -> Result: ...
class FitResult(Result): ...

def least_squares(
    residuals: Callable[..., ArrayLike],
    x0: ArrayLike,
    *,
    jac: Optional[Callable[..., ArrayLike]] = None,
    args: Tuple[Any, ...] = (),
    max_nfev: Optional[int] = None,
) -> Result: ...
def root(
    f: Callable[..., Any],
    x0: Union[float, ArrayLike, None] = None,
    *,
    args: Tuple[Any, ...] = (),
    jac: Optional[Callable[..., Any]] = None,
    bracket: Optional[Tuple[float, float]] = None,
    method: Optional[str] = None,
    tol: Optional[float] = None,
    maxiter: Optional[int] = None,
) -> Result: ...
def fit(
    data: Mapping[str, ArrayLike],
    *,
    nll: Optional[str] = None,
    residual: Optional[str] = None,
    params: Union[str, Sequence[str]],
    start: ArrayLike,
) -> FitResult: ...
def set_dense_limit(nbytes: int) -> int: ...
