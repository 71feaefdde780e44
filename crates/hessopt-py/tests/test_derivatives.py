"""Numerical derivatives of Python functions against exact values.

Provenance: the shared cases (sympy at 40 digits); closed forms stated per test.
"""

import os

import numpy as np
import pytest

import hessopt
from conftest import numpy_function, rosen, rosen_rows


def rel_err(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def test_shared_cases_hessian(derivative_cases):
    errors = []
    for c in derivative_cases:
        f = numpy_function(c["expr"], c["vars"])
        r = hessopt.hessian(f, c["at"])
        e = rel_err(r.hessian, c["hess"])
        assert e < 1e-7, (c["name"], e)
        assert rel_err(r.gradient, c["grad"]) < 1e-7, c["name"]
        assert r.value == pytest.approx(c["f"], rel=1e-15, abs=1e-300)
        # The error estimate bounds the actual error (with the rounding of the reference).
        actual = np.abs(r.hessian - np.array(c["hess"]))
        assert np.all(actual <= r.error + 1e-12 * max(1.0, np.abs(c["hess"]).max())), c["name"]
        errors.append(e)
    assert np.median(errors) < 1e-10


def test_shared_cases_gradient(derivative_cases):
    for c in derivative_cases:
        f = numpy_function(c["expr"], c["vars"])
        r = hessopt.gradient(f, c["at"])
        assert rel_err(r.gradient, c["grad"]) < 1e-8, c["name"]


def test_rosenbrock_closed_form():
    # H of 100 (y - x²)² + (1 - x)² = [[1200x² - 400y + 2, -400x], [-400x, 200]].
    def f(x):
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2

    x = np.array([-1.2, 1.0])
    r = hessopt.hessian(f, x)
    exact = np.array([[1200 * 1.44 - 400 + 2, 480.0], [480.0, 200.0]])
    assert rel_err(r.hessian, exact) < 1e-10
    assert r.hessian.shape == (2, 2) and r.hessian.dtype == np.float64
    assert np.array_equal(r.hessian, r.hessian.T)
    assert r.nfev <= 4 * 4 + 4 * 2 + 1
    assert r.steps.shape == (2,)
    assert x.tolist() == [-1.2, 1.0]  # the caller's array is not touched


def test_badly_scaled_parameters():
    # f = (a/1000 - 1)² + (1000 b - 1)²: H = diag(2e-6, 2e6), a scale gap of 1e12.
    r = hessopt.hessian(lambda p: (p[0] / 1000 - 1) ** 2 + (p[1] * 1000 - 1) ** 2, [900.0, 0.0012])
    assert r.hessian[0, 0] == pytest.approx(2e-6, rel=1e-8)
    assert r.hessian[1, 1] == pytest.approx(2e6, rel=1e-8)
    assert abs(r.hessian[0, 1]) < 1e-9


def test_extra_args_and_typical():
    # f = c·x², f'' = 2c.
    r = hessopt.hessian(lambda x, c: c * x[0] ** 2, [0.0], args=(3.0,), typical=[1e-3])
    assert r.hessian[0, 0] == pytest.approx(6.0, rel=1e-10)


def test_jacobian_closed_form():
    # F = (x y, x + sin y): J = [[y, x], [1, cos y]].
    r = hessopt.jacobian(lambda x: np.array([x[0] * x[1], x[0] + np.sin(x[1])]), [1.0, 2.0])
    assert rel_err(r.jacobian, [[2.0, 1.0], [1.0, np.cos(2.0)]]) < 1e-10
    assert r.value.tolist() == [2.0, 1.0 + np.sin(2.0)]


def test_hvp_closed_form():
    # f = x² y + exp(y): H = [[2y, 2x], [2x, e^y]] at (1, 2), v = (1, -1).
    r = hessopt.hvp(lambda x: x[0] ** 2 * x[1] + np.exp(x[1]), [1.0, 2.0], [1.0, -1.0])
    exact = np.array([[4.0, 2.0], [2.0, np.exp(2.0)]]) @ np.array([1.0, -1.0])
    assert rel_err(r.hvp, exact) < 1e-8


def test_analyze_result_and_matrix():
    a = hessopt.analyze(hessopt.hessian(lambda x: x[0] ** 3 + x[1] ** 3 - 3 * x[0] * x[1], [1.0, 1.0]))
    assert a.classification == "minimum"
    assert a.eigenvalues == pytest.approx([3.0, 9.0], rel=1e-9)
    b = hessopt.analyze([[0.0, -3.0], [-3.0, 0.0]])
    assert b.classification == "saddle" and b.definiteness == "indefinite"
    c = hessopt.analyze([[1.0, 0.0], [0.0, 0.0]])
    assert c.classification == "degenerate" and c.condition_number == np.inf
    d = hessopt.analyze([[2.0, 0.0], [0.0, 2.0]], gradient=[1.0, 0.0])
    assert d.classification == "not_stationary"


@pytest.mark.parametrize("kind", ["hessian", "gradient"])
def test_vectorized_and_workers_identical_to_serial(kind):
    from concurrent.futures import ThreadPoolExecutor

    x = np.tile([-1.2, 1.0], 3)
    fn = getattr(hessopt, kind)
    serial = fn(rosen, x)
    with ThreadPoolExecutor(2) as pool:
        variants = [
            fn(rosen_rows, x, vectorized=True),
            fn(rosen, x, workers=2),
            fn(rosen, x, workers=pool.map),
            fn(rosen, x, workers=map),
            fn(rosen_rows, x, vectorized=True, workers=2),
            fn(rosen_rows, x, vectorized=True, workers=pool.map),
        ]
    # One Python call per round of stencil points, not per point.
    assert variants[0].ncalls <= 20 < serial.ncalls == serial.nfev
    for v in variants:
        assert v.keys() == serial.keys()
        for k in serial:
            if k != "ncalls":
                assert np.array_equal(v[k], serial[k]), k


def test_vectorized_wrong_length_is_an_error():
    with pytest.raises(hessopt.HessoptError, match="returned 2 values for 1 points"):
        hessopt.hessian(lambda X: np.zeros(2), [1.0], vectorized=True)
    with pytest.raises(hessopt.HessoptError, match="returned 2 values for 1 points"):
        hessopt.hessian(lambda X: np.zeros(2), [1.0], vectorized=True, workers=3)


def test_vectorized_workers_chunks_and_process_pool():
    # Each round goes through the map as chunks of rows: at most `workers` vectorized calls per
    # round; a process pool gets picklable tasks (a module-level function).
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    x = np.tile([-1.2, 1.0], 3)
    serial = hessopt.hessian(rosen, x)
    chunks = []

    def mapper(task, parts):
        parts = list(parts)
        chunks.append(len(parts))
        return map(task, parts)

    r = hessopt.hessian(rosen_rows, x, vectorized=True, workers=mapper)
    assert np.array_equal(r.hessian, serial.hessian)
    cpus = os.cpu_count() or 1
    assert len(chunks) == r.ncalls and max(chunks) == min(cpus, 30)  # 15 pairs × 2 points
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        p = hessopt.hessian(rosen_rows, x, vectorized=True, workers=pool.map)
        q = hessopt.hessian(rosen, x, workers=pool.map)
    assert np.array_equal(p.hessian, serial.hessian) and np.array_equal(q.hessian, serial.hessian)
