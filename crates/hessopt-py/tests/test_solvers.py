"""least_squares, root and fit. Provenance: closed forms stated per test; the Poisson fit and
the NLS model are statsmodels 0.15.0 (GLM Poisson, OLS) as in crates/hessopt/tests/fit.rs."""

import numpy as np
import pytest

import hessopt
from conftest import data_file


def test_least_squares_linear_closed_form():
    # Straight line through (0, 1.1), (1, 2.9), (2, 5.2), (3, 6.8): OLS b = 1.94, a = 1.09,
    # σ² = RSS/2 = 0.041, se = sqrt(σ² diag((XᵀX)⁻¹)).
    t = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([1.1, 2.9, 5.2, 6.8])
    r = hessopt.least_squares(lambda p: y - (p[0] + p[1] * t), [0.0, 0.0])
    X = np.column_stack([np.ones(4), t])
    assert r.converged
    assert r.x == pytest.approx([1.09, 1.94], rel=1e-10)
    assert r.cost == pytest.approx(0.5 * 0.082, rel=1e-9)
    assert r.se == pytest.approx(np.sqrt(0.041 * np.diag(np.linalg.inv(X.T @ X))), rel=1e-8)
    j = hessopt.least_squares(lambda p: y - (p[0] + p[1] * t), [0.0, 0.0], jac=lambda p: -X)
    assert j.x == pytest.approx([1.09, 1.94], rel=1e-12) and j.njev > 0


def test_least_squares_counts_every_call():
    calls = {"r": 0, "j": 0}
    t = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([1.0, 2.7, 7.4, 20.1])

    def r(p):
        calls["r"] += 1
        return y - p[0] * np.exp(p[1] * t)

    def jac(p):
        calls["j"] += 1
        e = np.exp(p[1] * t)
        return -np.column_stack([e, p[0] * t * e])

    out = hessopt.least_squares(r, [1.0, 0.5], jac=jac)
    assert out.converged
    assert out.nfev == calls["r"] and out.njev == calls["j"]


def test_root_scalar_and_system():
    r = hessopt.root(lambda x: x ** 3 - 2, bracket=(0, 2))
    assert r.converged and r.termination == "root_found"
    assert r.root == pytest.approx(2 ** (1 / 3), rel=1e-14)
    n = hessopt.root(lambda x: np.cos(x) - x, 1.0, jac=lambda x: -np.sin(x) - 1)
    assert n.converged and n.root == pytest.approx(0.7390851332151607, rel=1e-14)  # Dottie number
    s = hessopt.root(lambda v: [v[0] ** 2 + v[1] ** 2 - 4, v[0] - v[1]], [1.0, 0.0])
    assert s.converged and s.x == pytest.approx([np.sqrt(2)] * 2, rel=1e-14)
    b = hessopt.root(lambda v: [v[0] ** 2 + v[1] ** 2 - 4, v[0] - v[1]], [1.0, 0.0], method="broyden")
    assert b.converged and b.x == pytest.approx([np.sqrt(2)] * 2, rel=1e-12)


def test_root_pole_is_not_a_root():
    r = hessopt.root(lambda x: 1 / (x - 0.3), bracket=(-1, 2))
    assert not r.converged and r.termination == "discontinuity"


def test_root_errors():
    with pytest.raises(hessopt.HessoptError, match="x0 or bracket"):
        hessopt.root(lambda x: x)
    with pytest.raises(hessopt.HessoptError, match="unknown method"):
        hessopt.root(lambda x: x, 1.0, method="nope")
    with pytest.raises(ZeroDivisionError):
        hessopt.root(lambda x: 1 / 0, 1.0)


def test_fit_poisson_matches_statsmodels_and_prints_a_table():
    d = np.genfromtxt(data_file("poisson.csv"), delimiter=",", names=True)
    data = {"x": d["x"], "y": d["y"]}
    r = hessopt.fit(data, nll="exp(b0 + b1*x) - y*(b0 + b1*x)", params="b0,b1", start=[0, 0])
    assert r.converged
    assert r.x == pytest.approx([0.21682474228271725, 0.9393417627471622], rel=1e-6)
    assert r.se == pytest.approx([0.20654213338303629, 0.14494884126993132], rel=1e-6)
    table = str(r)
    assert "Estimate  Std. Error  z value" in table and table.splitlines()[3].startswith("b0")


def test_fit_pandas_like_mapping_and_errors():
    class Frame:  # anything with keys() and [] works, as a pandas DataFrame
        def __init__(self, d):
            self.d = d

        def keys(self):
            return self.d.keys()

        def __getitem__(self, k):
            return self.d[k]

    data = Frame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.1, 2.9, 5.2, 6.8]})
    r = hessopt.fit(data, residual="y - (a + b*x)", params=["a", "b"], start=[0, 0])
    assert r.x == pytest.approx([1.09, 1.94], rel=1e-10) and r.kind == "nls"
    with pytest.raises(hessopt.HessoptError, match="exactly one"):
        hessopt.fit(data, params=["a"], start=[0])
    with pytest.raises(hessopt.HessoptError, match="neither a parameter"):
        hessopt.fit(data, residual="y - c*z", params=["c"], start=[0])
    with pytest.raises(hessopt.HessoptError, match="rows"):
        hessopt.fit({"x": [1.0, 2.0], "y": [1.0]}, residual="y - a*x", params=["a"], start=[0])


def test_fit_table_is_the_librarys_even_without_aic():
    # y = 2x exactly: zero residual, no AIC or standard errors (str() raised TypeError before).
    r = hessopt.fit({"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.0]}, residual="y - a*x", params=["a"],
                    start=[0])
    table = str(r)
    assert r.aic is None and table == r["table"]
    assert "AIC: -" in table and "warning: zero residual" in table
    assert table.splitlines()[3].split() == ["a", "2", "-", "-", "-", "-", "-"]


def test_root_results_carry_fun_as_scipy_does():
    # scipy.optimize.root(...).fun is F at x; hessopt's result had no 'fun' (KeyError).
    g = lambda v: np.array([1e-200 * (v[0] - 1.0) + 1e-210, v[1] - v[0]])  # noqa: E731
    r = hessopt.root(g, [0.0, 0.0])
    np.testing.assert_array_equal(r.fun, g(r.x))
    assert r.fun[0] != 0.0 and abs(r.fun[0]) < 1e-205
    s = hessopt.root(lambda x: x**3 - 2, bracket=(0, 2))
    assert s.fun.shape == (1,) and s.fun[0] == s.root**3 - 2
