"""Shared fixtures: the reference cases of ../shared (sympy derivatives at 40 digits, MGH problems).

The shared folder is found through $HESSOPT_SHARED or as a `shared` folder beside an ancestor of
the current directory (as the Rust tests do). Without it the cases are skipped loudly, unless
HESSOPT_REQUIRE_SHARED=1 (CI), where a missing folder fails.
"""

import json
import os
import pathlib
import warnings

import numpy as np
import pytest


def _shared_file(relative):
    roots = []
    if os.environ.get("HESSOPT_SHARED"):
        roots.append(pathlib.Path(os.environ["HESSOPT_SHARED"]))
    here = pathlib.Path.cwd().resolve()
    roots += [a / "shared" for a in [here, *here.parents]]
    for r in roots:
        if (r / relative).is_file():
            return r / relative
    if os.environ.get("HESSOPT_REQUIRE_SHARED") == "1":
        pytest.fail(f"shared/{relative} not found and HESSOPT_REQUIRE_SHARED=1")
    warnings.warn(f"skipping: shared/{relative} not found (set HESSOPT_SHARED to its folder)")
    pytest.skip(f"shared/{relative} not found (set HESSOPT_SHARED to its folder)")


def _read_jsonl(relative):
    path = _shared_file(relative)
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


@pytest.fixture(scope="session")
def derivative_cases():
    return _read_jsonl("cases/derivatives.jsonl")


@pytest.fixture(scope="session")
def minimize_cases():
    return _read_jsonl("cases/minimize.jsonl")


def _logsumexp(*a):
    m = max(a)
    return m + np.log(sum(np.exp(v - m) for v in a))


_NAMESPACE = {
    name: getattr(np, name)
    for name in ["sin", "cos", "tan", "exp", "log", "sqrt", "sinh", "cosh", "tanh"]
}
_NAMESPACE.update(atan=np.arctan, logsumexp=_logsumexp, abs=np.abs)


def numpy_function(expr, vars):
    """A plain Python function f(x) of a formula in hessopt syntax (`^` is `**`): the black box
    the numerical engine sees, independent of hessopt's own parser."""
    code = compile(expr.replace("^", "**"), "<case>", "eval")

    def f(x):
        env = dict(_NAMESPACE)
        env.update(zip(vars, x))
        return float(eval(code, {"__builtins__": {}}, env))

    return f


def rosen(x):
    """The chained Rosenbrock function Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])² in numpy."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosen_rows(X):
    """rosen at every row of an (m, n) array (a vectorized function)."""
    return np.sum(100.0 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1 - X[:, :-1]) ** 2, axis=1)


def rosen_grad(x):
    """Its gradient, by hand."""
    g = np.zeros_like(x)
    r = x[1:] - x[:-1] ** 2
    g[:-1] = -400.0 * x[:-1] * r - 2.0 * (1 - x[:-1])
    g[1:] += 200.0 * r
    return g


def rosen_hess(x):
    """Its Hessian in closed form: H[i, i] = 1200 x[i]² − 400 x[i+1] + 2 (i < n−1) plus 200
    (i > 0), H[i, i+1] = H[i+1, i] = −400 x[i], zero elsewhere."""
    n = x.size
    h = np.zeros((n, n))
    i = np.arange(n - 1)
    h[i, i] = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    h[i + 1, i + 1] += 200
    h[i, i + 1] = h[i + 1, i] = -400 * x[:-1]
    return h


def data_file(name):
    """A fixture of the Rust library's tests (crates/hessopt/tests/data)."""
    return pathlib.Path(__file__).resolve().parents[2] / "hessopt" / "tests" / "data" / name
