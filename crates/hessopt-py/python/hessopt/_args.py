"""Argument conventions shared by the public functions (no numerics)."""

from __future__ import annotations

import concurrent.futures

import numpy as np

from ._core import HessoptError


def point(x, name="x"):
    """A fresh float64 1-d array from an array-like (never the caller's array)."""
    try:
        a = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as e:
        raise HessoptError(f"{name} must be an array of numbers ({e})") from None
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise HessoptError(f"{name} must be a 1-d array, got shape {a.shape}")
    return np.ascontiguousarray(a)


def matrix(h, name="H"):
    """A float64 2-d array from an array-like."""
    try:
        a = np.array(h, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as e:
        raise HessoptError(f"{name} must be a matrix of numbers ({e})") from None
    if a.ndim != 2:
        raise HessoptError(f"{name} must be a 2-d array, got shape {a.shape}")
    return np.ascontiguousarray(a)


def extra_args(args):
    """scipy's ``args``: a tuple of extra positional arguments."""
    return args if isinstance(args, tuple) else (args,)


def callable_or_error(f, name="f"):
    if not callable(f):
        raise HessoptError(f"{name} must be callable, got {type(f).__name__}")
    return f


def batch_function(f, args, vectorized, workers):
    """(function, args, vectorized) to hand to the engine.

    ``workers``: None (serial), an int (a thread pool of that size), or a map-like callable
    ``map(func, iterable)`` (``pool.map`` of concurrent.futures or multiprocessing, a Dask or Ray
    pool's map). With workers, the points of each batch go through the map and the engine sees a
    vectorized function.
    """
    if workers is None:
        return f, args, vectorized
    if vectorized:
        raise HessoptError("use vectorized=True or workers, not both")
    if isinstance(workers, bool) or not (callable(workers) or isinstance(workers, int)):
        raise HessoptError(
            f"workers must be an int or a map-like callable, got {type(workers).__name__}"
        )
    if isinstance(workers, int):
        if workers < 1:
            raise HessoptError(f"workers must be at least 1, got {workers}")
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        mapper = pool.map
    else:
        pool, mapper = None, workers

    def one(row):
        return float(f(row, *args))

    def batch(rows):
        return np.fromiter(mapper(one, list(rows)), dtype=np.float64, count=len(rows))

    return _Batch(batch, pool), (), True


class _Batch:
    """A vectorized function over a mapper; closes its own thread pool."""

    def __init__(self, batch, pool):
        self._batch, self._pool = batch, pool

    def __call__(self, rows):
        return self._batch(rows)

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True)
