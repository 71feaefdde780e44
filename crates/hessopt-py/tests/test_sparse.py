"""Sparse Hessians and Jacobians: Formula.hessian(x, sparse=True), hessian(f, x, sparsity=...)
from values or from a gradient, jacobian(F, x, sparsity=...), returned as scipy.sparse matrices.

Provenance: the closed-form Hessian and gradient of the chained Rosenbrock function
(conftest.rosen_hess, rosen_grad).
scipy is optional for the package: these tests skip without it, except the one checking the
error message.
"""

import sys

import numpy as np
import pytest

import hessopt
from conftest import rosen, rosen_grad, rosen_hess


def tridiagonal(n):
    return np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= 1


def formula(n):
    return hessopt.Formula(f"sum(i = 1..{n - 1}, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)")


def rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


@pytest.fixture
def sp():
    return pytest.importorskip("scipy.sparse")


def test_formula_sparse_hessian_equals_closed_form(sp):
    n = 40
    x = np.linspace(-1.2, 1.1, n)
    f = formula(n)
    h = f.hessian(x, sparse=True)
    assert sp.issparse(h) and h.format == "csc" and h.shape == (n, n)
    assert h.nnz == 3 * n - 2
    assert rel(h.toarray(), rosen_hess(x)) < 1e-14
    assert np.array_equal(h.toarray(), f.hessian(x))
    # The plan is kept: a second point gives its own Hessian.
    assert rel(f.hessian(x + 0.5, sparse=True).toarray(), rosen_hess(x + 0.5)) < 1e-14


def test_sparse_hessian_from_values(sp):
    n = 30
    x = np.tile([-1.2, 1.0], n // 2)
    r = hessopt.hessian(rosen, x, sparsity=tridiagonal(n))
    assert r.hessian.format == "csc" and r.hessian.nnz == 3 * n - 2
    assert r.error.nnz == r.hessian.nnz
    exact = rosen_hess(x)
    assert rel(r.hessian.toarray(), exact) < 1e-9
    # The error estimates bound the actual error (with a rounding floor).
    actual = np.abs(r.hessian.toarray() - exact)
    assert np.all(actual <= 10 * r.error.toarray() + 1e-12 * np.abs(exact).max())
    assert rel(r.gradient, rosen_grad(x)) < 1e-9
    dense = hessopt.hessian(rosen, x)
    assert 5 * r.nfev < dense.nfev


def test_sparse_hessian_from_gradient_budget(sp):
    # Issue 14's figure at a test's size: a tridiagonal pattern needs 2 colors (3 with a star
    # coloring at most), so the gradient count does not grow with n; bench/compare.py runs n = 1000.
    n = 200
    x = np.tile([-1.2, 1.0], n // 2)
    pattern = sp.diags([1.0, 1.0, 1.0], [-1, 0, 1], shape=(n, n), format="csr")
    r = hessopt.hessian(rosen, x, sparsity=pattern, jac=rosen_grad)
    assert r.njev <= 200 and r.nfev == 0 and r.colors <= 3
    assert rel(r.hessian.toarray(), rosen_hess(x)) < 1e-7
    assert rel(r.gradient, rosen_grad(x)) == 0.0
    # jac=True: f returns (value, gradient), as in scipy.
    both = hessopt.hessian(
        lambda x: (rosen(x), rosen_grad(x)), x, sparsity=np.tril(tridiagonal(n)), jac=True
    )
    assert np.array_equal(both.hessian.toarray(), r.hessian.toarray())


def test_dense_hessian_from_gradient():
    x = np.array([-1.2, 1.0, 0.5])
    r = hessopt.hessian(rosen, x, jac=rosen_grad)
    assert isinstance(r.hessian, np.ndarray)
    assert rel(r.hessian, rosen_hess(x)) < 1e-9
    assert np.array_equal(r.hessian, r.hessian.T)


def test_sparse_jacobian(sp):
    # F_i = x_i² − x_{i+1} (i < n−1), F_{n−1} = x_{n−1}³: J bidiagonal, [2x_i, −1], last 3x².
    def F(x):
        return np.append(x[:-1] ** 2 - x[1:], x[-1] ** 3)

    n = 25
    x = np.linspace(0.3, 2.0, n)
    pattern = np.eye(n, dtype=bool) | np.eye(n, k=1, dtype=bool)
    r = hessopt.jacobian(F, x, sparsity=pattern)
    exact = np.diag(np.append(2 * x[:-1], 3 * x[-1] ** 2)) - np.eye(n, k=1)
    assert r.jacobian.format == "csc" and r.jacobian.shape == (n, n)
    assert rel(r.jacobian.toarray(), exact) < 1e-9
    assert r.groups == 2
    assert r.nfev < hessopt.jacobian(F, x).nfev / 5


def test_bad_patterns():
    with pytest.raises(hessopt.HessoptError, match=r"shape \(2, 3\), expected \(3, 3\)"):
        hessopt.hessian(rosen, [1.0, 2.0, 3.0], sparsity=np.ones((2, 3)))
    with pytest.raises(hessopt.HessoptError, match="2-d pattern"):
        hessopt.hessian(rosen, [1.0, 2.0], sparsity=[1, 1])
    with pytest.raises(hessopt.HessoptError, match=r"expected \(m, 2\)"):
        hessopt.jacobian(lambda x: x, [1.0, 2.0], sparsity=np.ones((2, 3)))
    with pytest.raises(hessopt.HessoptError, match="returned 3 rows for"):
        hessopt.jacobian(lambda X: np.zeros((3, 2)), [1.0, 2.0], vectorized=True)


def _bidiagonal_map(x):
    return np.append(x[:-1] ** 2 - x[1:], x[-1] ** 3)


def _bidiagonal_rows(X):
    return np.hstack([X[:, :-1] ** 2 - X[:, 1:], X[:, -1:] ** 3])


def _grad_rows(X):
    return np.array([rosen_grad(x) for x in X])


def test_vector_functions_batched_identical_to_serial(sp):
    # Jacobians and Hessians from a gradient, dense and on a pattern: vectorized and workers
    # give the serial numbers in fewer Python calls.
    from concurrent.futures import ThreadPoolExecutor

    n = 8
    x = np.linspace(0.3, 2.0, n)
    bidiag = np.eye(n) + np.eye(n, k=1)
    runs = [
        (hessopt.jacobian, _bidiagonal_map, _bidiagonal_rows, {}),
        (hessopt.jacobian, _bidiagonal_map, _bidiagonal_rows, {"sparsity": bidiag}),
        (hessopt.hessian, rosen, None, {"jac": rosen_grad}),
        (hessopt.hessian, rosen, None, {"jac": rosen_grad, "sparsity": tridiagonal(n)}),
    ]
    with ThreadPoolExecutor(2) as pool:
        for fn, f, rows, kw in runs:
            serial = fn(f, x, **kw)
            if rows is None:  # the gradient is what gets batched
                vec = fn(f, x, vectorized=True, **{**kw, "jac": _grad_rows})
            else:
                vec = fn(rows, x, vectorized=True, **kw)
            variants = [vec, fn(f, x, workers=pool.map, **kw), fn(f, x, workers=2, **kw)]
            for v in variants:
                for k in serial:
                    if k == "ncalls":
                        continue
                    a, b = serial[k], v[k]
                    if sp.issparse(a):
                        a, b = a.toarray(), b.toarray()
                    assert np.array_equal(a, b), (fn.__name__, kw.keys(), k)
            assert vec.ncalls * 2 < serial.ncalls, (vec.ncalls, serial.ncalls)


def test_without_scipy_the_error_says_so(monkeypatch):
    # scipy.sparse cannot be imported (None in sys.modules makes an import fail).
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    with pytest.raises(hessopt.HessoptError, match="need scipy"):
        hessopt.hessian(rosen, [1.0, 2.0], sparsity=np.ones((2, 2)))
    with pytest.raises(hessopt.HessoptError, match="need scipy"):
        formula(3).hessian([1.0, 2.0, 3.0], sparse=True)
    # Dense results do not need it.
    assert formula(3).hessian([1.0, 2.0, 3.0]).shape == (3, 3)
