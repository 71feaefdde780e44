"""Argument conventions shared by the public functions (no numerics)."""

from __future__ import annotations

import concurrent.futures
import os

import numpy as np

from ._core import HessoptError


def _floats(x, name, what):
    """A fresh float64 array from an array-like of real numbers (never the caller's array):
    complex values are an error, not their real part."""
    if np.iscomplexobj(x):
        raise HessoptError(f"{name} must be {what} of real numbers, got complex values")
    try:
        return np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError) as e:  # OverflowError: an int beyond 1e308
        raise HessoptError(f"{name} must be {what} of numbers ({e})") from None


def point(x, name="x"):
    """A fresh float64 1-d array from an array-like (never the caller's array)."""
    a = _floats(x, name, "an array")
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise HessoptError(f"{name} must be a 1-d array, got shape {a.shape}")
    return np.ascontiguousarray(a)


def matrix(h, name="H"):
    """A float64 2-d array from an array-like."""
    a = _floats(h, name, "a matrix")
    if a.ndim != 2:
        raise HessoptError(f"{name} must be a 2-d array, got shape {a.shape}")
    return np.ascontiguousarray(a)


def sparsity(pattern, n, square):
    """(rows, cols, shape) of a pattern's entries for the engine.

    ``pattern``: a 2-d array-like (its nonzero / True entries) or any ``scipy.sparse`` matrix
    (its nonzero entries). Its shape must be (n, n) when ``square``, else (m, n).
    """
    if hasattr(pattern, "nonzero") and hasattr(pattern, "tocoo"):  # scipy.sparse
        coo = pattern.tocoo()
        _pattern_entries(coo.data, lambda k: (coo.row[k], coo.col[k]))
        shape = pattern.shape
        rows, cols = pattern.nonzero()
    else:
        try:
            a = np.asarray(pattern)
        except (TypeError, ValueError) as e:
            raise HessoptError(f"sparsity must be a matrix or a scipy.sparse matrix ({e})") from None
        if a.ndim != 2:
            raise HessoptError(f"sparsity must be a 2-d pattern, got shape {a.shape}")
        _pattern_entries(a, lambda k: np.unravel_index(k, a.shape))
        shape = a.shape
        rows, cols = np.nonzero(a)
    want = f"({n}, {n})" if square else f"(m, {n})"
    if (square and tuple(shape) != (n, n)) or shape[1] != n:
        raise HessoptError(f"sparsity has shape {tuple(shape)}, expected {want} for x of {n} entries")
    as_index = lambda v: np.ascontiguousarray(v, dtype=np.int64)  # noqa: E731
    return as_index(rows), as_index(cols), (int(shape[0]), int(shape[1]))


def _pattern_entries(values, where):
    """A pattern's entries are booleans or numbers, none NaN (neither zero nor nonzero);
    ``where(k)`` is the (row, column) of the k-th entry of ``values`` (flattened)."""
    if values.dtype.kind not in "biuf":
        raise HessoptError(
            f"sparsity must hold booleans or numbers (its nonzero entries), got dtype {values.dtype}"
        )
    if values.dtype.kind == "f":
        bad = np.flatnonzero(np.isnan(values))
        if bad.size:
            i, j = (int(v) for v in where(bad[0]))
            raise HessoptError(
                f"sparsity[{i}, {j}] is NaN: a pattern entry is nonzero (or True) or zero (False)"
            )


def count(v, name, minimum=0):
    """An integer option (``maxiter``, ``max_nfev``) of at least ``minimum``, or None."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise HessoptError(f"{name} must be an integer >= {minimum}, got {v!r}")
    return int(v)


def number(v, name):
    """A real number option (``tol``), or None."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise HessoptError(f"{name} must be a number, got {v!r}")
    return float(v)


def extra_args(args):
    """scipy's ``args``: a tuple of extra positional arguments."""
    return args if isinstance(args, tuple) else (args,)


def callable_or_error(f, name="f"):
    if not callable(f):
        raise HessoptError(f"{name} must be callable, got {type(f).__name__}")
    return f


def batch_function(f, args, vectorized, workers, vector=False):
    """(function, args, vectorized) to hand to the engine.

    ``workers``: None (serial), an int (a thread pool of that size), or a map-like callable
    ``map(func, iterable)`` (``pool.map`` of concurrent.futures or multiprocessing, a Dask or Ray
    pool's map). With workers, each batch goes through the map and the engine sees a vectorized
    function: one point per task, or with ``vectorized=True`` the batch split into chunks of rows,
    one vectorized call per chunk (as many chunks as an int ``workers``, else ``os.cpu_count()``).
    ``vector``: f returns an array (a row of values per point) instead of a number.
    What goes through the map is picklable when ``f`` and ``args`` are (process pools).
    """
    if workers is None:
        return f, args, vectorized
    if isinstance(workers, bool) or not (callable(workers) or isinstance(workers, int)):
        raise HessoptError(
            f"workers must be an int or a map-like callable, got {type(workers).__name__}"
        )
    if isinstance(workers, int):
        if workers < 1:
            raise HessoptError(f"workers must be at least 1, got {workers}")
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        mapper, chunks = pool.map, workers
    else:
        pool, mapper, chunks = None, workers, os.cpu_count() or 1
    task = (_Rows if vectorized else _Point)(f, args, vector)
    return _Batch(task, mapper, chunks if vectorized else None, pool), (), True


def _real(out, expected):
    """What f returned, as a float64 array; complex values and things that are not numbers
    (None, strings) are errors, as in the engine's own conversion."""
    a = np.asarray(out)
    if a.dtype.kind not in "biuf":
        got = "complex values" if a.dtype.kind == "c" else f"a {type(out).__name__}"
        raise HessoptError(f"the function returned {got} where {expected} was expected")
    return a.astype(np.float64)


class _Point:
    """f at one point (a task for the map): a number, or a 1-d array when ``vector``."""

    def __init__(self, f, args, vector):
        self.f, self.args, self.vector = f, args, vector

    def __call__(self, row):
        out = self.f(row, *self.args)
        if self.vector:
            return _real(out, "an array of numbers").ravel()
        a = _real(out, "a number")
        if a.size != 1:
            raise HessoptError(
                f"the function returned a {type(out).__name__} of {a.size} values where a number"
                " was expected"
            )
        return float(a.item())


class _Rows:
    """A vectorized f on a chunk of rows (a task for the map): m values, or (m, k) when
    ``vector``."""

    def __init__(self, f, args, vector):
        self.f, self.args, self.vector = f, args, vector

    def __call__(self, rows):
        out = _real(self.f(rows, *self.args), "an array of numbers")
        if not self.vector:
            out = out.ravel()
        if out.ndim < 1 or out.shape[0] != len(rows):
            raise HessoptError(
                f"the vectorized function returned {out.shape[0] if out.ndim else 1} values for"
                f" {len(rows)} points (one a row)"
            )
        return out


class _Batch:
    """A vectorized function over a mapper; closes its own thread pool."""

    def __init__(self, task, mapper, chunks, pool):
        self._task, self._mapper, self._chunks, self._pool = task, mapper, chunks, pool

    def _map(self, items):
        """The mapper's results, one per item."""
        out = self._mapper(self._task, items)
        try:
            out = list(out)
        except TypeError:
            raise HessoptError(
                f"the workers map returned a {type(out).__name__}, not an iterable of results"
            ) from None
        if len(out) != len(items):
            raise HessoptError(f"the workers map returned {len(out)} results for {len(items)} tasks")
        return out

    def __call__(self, rows):
        if self._chunks is None:
            return np.array(self._map(list(rows)), dtype=np.float64)
        parts = np.array_split(rows, max(1, min(self._chunks, len(rows))))
        return np.concatenate(self._map(parts))

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True)
