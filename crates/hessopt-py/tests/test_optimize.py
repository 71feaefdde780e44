"""minimize: scipy's conventions, honest termination, the Hessian at the optimum.

Provenance: closed forms stated per test; the Poisson regression reference is statsmodels 0.15.0
GLM(family=Poisson()).fit(tol=1e-14) on crates/hessopt/tests/data/poisson.csv (the same numbers
as crates/hessopt/tests/fit.rs); the MGH problems and their minima are the shared cases.
"""

import numpy as np
import pytest

import hessopt
from conftest import data_file, numpy_function


def quadratic(x):
    # f = (x - 1)² + 4 (y + 2)² + x y: H = [[2, 1], [1, 8]], minimum at H⁻¹ (2, -16).
    return (x[0] - 1) ** 2 + 4 * (x[1] + 2) ** 2 + x[0] * x[1]


def test_standard_errors_closed_form():
    r = hessopt.minimize(quadratic, [0.0, 0.0], hessian=True)
    H = np.array([[2.0, 1.0], [1.0, 8.0]])
    assert r.success and r.converged and r.status == 0 and r.termination == "gradient_norm"
    assert r.x == pytest.approx(np.linalg.solve(H, [2.0, -16.0]), abs=1e-7)
    assert r.hess == pytest.approx(H, rel=1e-8)
    assert r.cov == pytest.approx(np.linalg.inv(H), rel=1e-7)
    assert r.se == pytest.approx(np.sqrt(np.diag(np.linalg.inv(H))), rel=1e-7)
    assert r.classification == "minimum"
    for k in ["x", "fun", "jac", "nfev", "njev", "nhev", "nit", "success", "status", "message"]:
        assert k in r


def test_poisson_regression_matches_statsmodels():
    d = np.genfromtxt(data_file("poisson.csv"), delimiter=",", names=True)
    x, y = d["x"], d["y"]

    def nll(b):
        eta = b[0] + b[1] * x
        return float(np.sum(np.exp(eta) - y * eta))

    r = hessopt.minimize(nll, [0.0, 0.0], hessian=True)
    assert r.converged
    assert r.x == pytest.approx([0.21682474228271725, 0.9393417627471622], rel=1e-6)
    assert r.se == pytest.approx([0.20654213338303629, 0.14494884126993132], rel=1e-6)


@pytest.mark.parametrize(
    "method, name",
    [("BFGS", "bfgs"), ("L-BFGS-B", "lbfgsb"), ("Nelder-Mead", "nelder-mead"),
     ("trust-region", "trust-region"), ("newton", "newton"), ("CG", "cg")],
)
def test_scipy_and_hessopt_method_names(method, name):
    r = hessopt.minimize(quadratic, [0.0, 0.0], method=method, options={"maxiter": 5000})
    assert r.method == name and r.success == r.converged
    assert r.x == pytest.approx([32 / 15, -34 / 15], abs=1e-3)


def test_nelder_mead_takes_scipys_and_rs_tolerances():
    def rosen(x):
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2

    default = hessopt.minimize(rosen, [-1.2, 1.0], method="Nelder-Mead")
    # scipy's simplex test: every vertex within xatol in x and fatol in f of the best (used to
    # be the driver's step test for xatol, ending 'small_step', and an error for fatol).
    scipy = hessopt.minimize(rosen, [-1.2, 1.0], method="Nelder-Mead",
                             options={"xatol": 1e-4, "fatol": 1e-4})
    assert scipy.termination == "simplex_converged" and scipy.success
    assert scipy.x == pytest.approx([1.0, 1.0], abs=1e-3) and scipy.fun < 1e-4
    assert scipy.nfev < default.nfev
    # R's reltol is the simplex's relative test, as in optim.
    loose = hessopt.minimize(rosen, [-1.2, 1.0], method="Nelder-Mead", options={"reltol": 1e-4})
    assert loose.termination == "simplex_converged" and loose.nfev < default.nfev
    with pytest.raises(hessopt.HessoptError, match="Nelder-Mead's"):
        hessopt.minimize(rosen, [-1.2, 1.0], method="BFGS", options={"fatol": 1e-4})
    with pytest.raises(hessopt.HessoptError, match="x_atol: -1 is not a finite number >= 0"):
        hessopt.minimize(rosen, [-1.2, 1.0], method="Nelder-Mead", options={"xatol": -1.0})


def test_jac_true_and_callable_and_hess():
    def fg(x):
        return quadratic(x), np.array([2 * (x[0] - 1) + x[1], 8 * (x[1] + 2) + x[0]])

    a = hessopt.minimize(fg, [0.0, 0.0], jac=True, method="bfgs")
    b = hessopt.minimize(quadratic, [0.0, 0.0], jac=lambda x: fg(x)[1],
                         hess=lambda x: [[2.0, 1.0], [1.0, 8.0]], method="newton")
    for r in (a, b):
        assert r.converged and r.x == pytest.approx([32 / 15, -34 / 15], abs=1e-8)
    assert b.nhev > 0


def test_formula_exact_and_shared_problems(minimize_cases):
    for c in minimize_cases:
        f = hessopt.Formula(c["expr"], vars=c["vars"])
        r = hessopt.minimize(f, c["x0"], options={"maxiter": 10000})
        solved = r.fun - c["fstar"] <= 1e-8 * (c["f0"] - c["fstar"])
        assert solved, (c["name"], r.fun, r.termination)
        # The same problem as a plain Python function (numerical derivatives).
        g = numpy_function(c["expr"], c["vars"])
        assert g(np.array(c["x0"])) == pytest.approx(c["f0"], rel=1e-12)


def test_formula_methods():
    f = hessopt.Formula("100*(y - x^2)^2 + (1 - x)^2")
    assert f.vars == ["x", "y"]
    assert f.value([1.0, 2.0]) == 100.0 and f([1.0, 2.0]) == 100.0
    assert f([[1.0, 1.0], [0.0, 0.0]]).tolist() == [0.0, 1.0]
    assert f.gradient([1.0, 1.0]).tolist() == [0.0, 0.0]
    assert f.hessian([1.0, 1.0]).tolist() == [[802.0, -400.0], [-400.0, 200.0]]
    assert f.hvp([1.0, 1.0], [1.0, 0.0]).tolist() == [802.0, -400.0]
    with pytest.raises(hessopt.HessoptError, match="parse error"):
        hessopt.Formula("x + * y")


@pytest.mark.parametrize(
    "bounds",
    [
        (np.array([-np.inf, -np.inf]), np.array([0.5, np.inf])),
        (-np.inf, np.array([0.5, np.inf])),
        [(None, 0.5), (None, None)],
    ],
)
def test_bounds_forms(bounds):
    f = hessopt.Formula("100*(y - x^2)^2 + (1 - x)^2")
    r = hessopt.minimize(f, [-1.2, 1.0], bounds=bounds)
    assert r.converged and r.x == pytest.approx([0.5, 0.25], abs=1e-6)


def test_scipy_bounds_object():
    opt = pytest.importorskip("scipy.optimize")
    f = hessopt.Formula("100*(y - x^2)^2 + (1 - x)^2")
    r = hessopt.minimize(f, [-1.2, 1.0], bounds=opt.Bounds([-np.inf, -np.inf], [0.5, np.inf]))
    assert r.x == pytest.approx([0.5, 0.25], abs=1e-6)


def test_constraints_formula_and_callable():
    # min (x - 3)² + y² subject to x <= 1: x = (1, 0), multiplier 4.
    f = lambda x: (x[0] - 3) ** 2 + x[1] ** 2  # noqa: E731
    a = hessopt.minimize(f, [0.0, 0.0], constraints=["x0 <= 1"])
    b = hessopt.minimize(f, [0.0, 0.0], constraints=[{"type": "ineq", "fun": lambda x: 1 - x[0]}])
    c = hessopt.minimize(f, [0.0, 0.0], constraints=[("ineq", lambda x: 1 - x[0])], vars=None)
    for r in (a, b, c):
        assert r.converged and r.termination == "kkt_conditions"
        assert r.x == pytest.approx([1.0, 0.0], abs=1e-6)
        assert r.multipliers == pytest.approx([4.0], rel=1e-5)
    # The callback is called per outer iteration of the augmented Lagrangian; True stops it.
    seen = []
    d = hessopt.minimize(f, [0.0, 0.0], constraints=["x0 <= 1"],
                         callback=lambda xk: seen.append(xk.copy()) or True)
    assert d.termination == "callback" and not d.success and len(seen) == 1


def test_nonlinear_constraint_without_jac_uses_the_library_gradient():
    # min (x - 2)² + (y - 1)² on the unit disc: x = (2, 1)/√5, multiplier √5 − 1 (closed form).
    # Without jac the constraint's gradient is the library's (central differences); with jac
    # and as a formula it is exact: all three reach the same certified point.
    f = lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2  # noqa: E731
    disc = lambda x: 1 - x[0] ** 2 - x[1] ** 2  # noqa: E731
    calls = []
    counted = lambda x: calls.append(1) or disc(x)  # noqa: E731
    runs = [
        hessopt.minimize(f, [0.0, 0.0], constraints=[("ineq", counted)]),
        hessopt.minimize(f, [0.0, 0.0], constraints=[("ineq", disc, lambda x: -2 * x)]),
        hessopt.minimize(f, [0.0, 0.0], constraints=["x^2 + y^2 <= 1"], vars=["x", "y"]),
    ]
    for r in runs:
        assert r.converged and r.termination == "kkt_conditions", r
        assert r.x == pytest.approx(np.array([2.0, 1.0]) / np.sqrt(5), abs=1e-6)
        assert r.multipliers == pytest.approx([np.sqrt(5) - 1], rel=1e-5)
    assert calls


def test_callback_stops_and_limits():
    seen = []
    r = hessopt.minimize(quadratic, [0.0, 0.0], method="bfgs", callback=lambda xk: seen.append(xk.copy()) or len(seen) >= 2)
    assert r.termination == "callback" and not r.success and r.status == 2 and len(seen) == 2
    r = hessopt.minimize(hessopt.Formula("100*(y - x^2)^2 + (1 - x)^2"), [-1.2, 1.0],
                         method="gradient-descent", options={"maxiter": 3})
    assert r.termination == "max_iterations" and r.status == 1 and not r.success


def test_minimize_errors():
    with pytest.raises(hessopt.HessoptError, match="unknown method"):
        hessopt.minimize(quadratic, [0.0, 0.0], method="no-such")
    with pytest.raises(hessopt.HessoptError, match="invalid option"):
        hessopt.minimize(quadratic, [0.0, 0.0], options={"bogus": 1})
    with pytest.raises(hessopt.HessoptError, match="not finite"):
        hessopt.minimize(lambda x: np.nan, [0.0])
    with pytest.raises(hessopt.HessoptError, match="jac returned 1 values, expected 2"):
        hessopt.minimize(quadratic, [0.0, 0.0], jac=lambda x: [1.0])

    class Boom(Exception):
        pass

    def bad(x):
        if x[0] > 0.5:
            raise Boom("user")
        return quadratic(x)

    with pytest.raises(Boom):
        hessopt.minimize(bad, [0.0, 0.0])
