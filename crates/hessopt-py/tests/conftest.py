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


def data_file(name):
    """A fixture of the Rust library's tests (crates/hessopt/tests/data)."""
    return pathlib.Path(__file__).resolve().parents[2] / "hessopt" / "tests" / "data" / name
