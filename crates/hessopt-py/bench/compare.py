"""hessopt's Python package against numdifftools, scipy and statsmodels, in one process.

Run with a venv that has hessopt installed (pip install crates/hessopt-py) and the peers:
    python crates/hessopt-py/bench/compare.py [--shared ../shared]

Prints:
1. the shared sympy cases: relative Hessian error of hessopt.hessian on plain Python functions
   (and numdifftools' default Hessian on the same functions);
2. the chained Rosenbrock function (numpy) at n = 10 and 50: time, evaluations and error of
   numdifftools.Hessian (default settings), scipy.differentiate.hessian (default settings) and
   hessopt.hessian (serial and vectorized=True), numdifftools and hessopt taking turns; the
   exact Hessian is scipy.optimize.rosen_hess; and the serial path's overhead beyond
   evaluations (the share of its time not spent inside the function);
3. a Poisson regression written as a numpy negative log-likelihood: hessopt.minimize(...,
   hessian=True) against statsmodels GLM(family=Poisson()) estimates and standard errors;
4. sparse Hessians of the chained Rosenbrock function at n = 1000 on its tridiagonal pattern:
   from the numpy gradient (star coloring) and from values, against the closed form; the exact
   sparse Hessian of the same function as a Formula.
Times are medians of repeated runs on this (shared, noisy) machine; ratios are what matters.
"""

import argparse
import json
import os
import pathlib
import statistics
import sys
import time

import numpy as np

import hessopt

HERE = pathlib.Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1] / "tests"))
# The test suite's formula → numpy translation and its numpy test functions.
from conftest import numpy_function, rosen, rosen_grad, rosen_rows  # noqa: E402


def timed(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(1.0, np.max(np.abs(b))))


class Counted:
    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x, *a):
        x = np.asarray(x)
        self.n += 1 if x.ndim == 1 else (x.shape[-1] if x.ndim > 1 else 1)
        return self.f(x, *a)


def shared_cases(shared):
    import numdifftools as nd

    lines = (pathlib.Path(shared) / "cases" / "derivatives.jsonl").read_text().splitlines()
    cases = [json.loads(l) for l in lines if l.strip()]
    ours, theirs = [], []
    print("1. shared cases (sympy, 40 digits): max relative Hessian error")
    print(f"   {'case':<16}{'hessopt':>12}{'nfev':>6}{'numdifftools':>14}{'nfev':>6}")
    for c in cases:
        f = numpy_function(c["expr"], c["vars"])
        r = hessopt.hessian(f, c["at"])
        g = Counted(f)
        h = nd.Hessian(g)(np.array(c["at"], float))
        ours.append(rel(r.hessian, c["hess"]))
        theirs.append(rel(h, c["hess"]))
        print(f"   {c['name']:<16}{ours[-1]:>12.1e}{r.nfev:>6}{theirs[-1]:>14.1e}{g.n:>6}")
    print(f"   hessopt: max {max(ours):.1e}, median {np.median(ours):.1e};"
          f" numdifftools: max {max(theirs):.1e}, median {np.median(theirs):.1e}")


def interleaved(fns, repeat):
    """Median wall time of each function, the functions taking turns (so that the load of a shared
    machine falls on all of them alike), and each one's last result."""
    times, out = {k: [] for k in fns}, {}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            out[k] = fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}, out


def rosenbrock():
    import numdifftools as nd
    from scipy.optimize import rosen_hess

    try:
        from scipy.differentiate import hessian as sp_hessian
    except ImportError:
        sp_hessian = None
    print("\n2. chained Rosenbrock (numpy), x = (-1.2, 1, -1.2, 1, ...): one Hessian; medians of"
          " turns in one process, the functions uncounted while timed")
    print(f"   {'n':>3} {'method':<28}{'time ms':>10}{'evals':>8}{'calls':>7}{'rel error':>11}{'speed-up':>10}")
    xs = []
    for n in (10, 50):
        x = np.tile([-1.2, 1.0], n // 2)
        exact = rosen_hess(x)
        fns = {
            "numdifftools.Hessian default": lambda: nd.Hessian(rosen)(x),
            "hessopt.hessian": lambda: hessopt.hessian(rosen, x),
            "hessopt.hessian vectorized": lambda: hessopt.hessian(rosen_rows, x, vectorized=True),
        }
        t, out = interleaved(fns, 9 if n == 10 else 3)
        g = Counted(rosen)
        nd.Hessian(g)(x)
        rows = [("numdifftools.Hessian default", g.n, g.n, rel(out["numdifftools.Hessian default"], exact))]
        for k in ("hessopt.hessian", "hessopt.hessian vectorized"):
            rows.append((k, out[k].nfev, out[k].ncalls, rel(out[k].hessian, exact)))
        if sp_hessian is not None:
            vec = lambda X: rosen_rows(np.moveaxis(X, 0, -1).reshape(-1, n)).reshape(X.shape[1:])  # noqa: E731
            t["scipy.differentiate.hessian"], res = timed(lambda: sp_hessian(vec, x), 1)
            rows.insert(1, ("scipy.differentiate.hessian", int(np.sum(res.nfev)), None, rel(res.ddf, exact)))
        t_nd = t["numdifftools.Hessian default"]
        for name, ev, calls, err in rows:
            c = "-" if calls is None else calls
            print(f"   {n:>3} {name:<28}{t[name] * 1e3:>10.2f}{ev:>8}{c:>7}{err:>11.1e}{t_nd / t[name]:>9.1f}x")
        xs.append((n, x))
    # The serial path's cost beyond the evaluations themselves: 1 − (time inside rosen) / (time
    # per Hessian), both measured in the same runs (medians of 9); the rest is the engine and
    # the bridge (an array made per point, the call, the float read back).
    for n, x in xs:
        shares = []
        for _ in range(9):
            f = Inside(rosen)
            t = time.perf_counter()
            hessopt.hessian(f, x)
            shares.append(1 - f.inside / (time.perf_counter() - t))
        print(f"   n = {n}: hessopt.hessian serial, overhead beyond evaluations"
              f" {100 * statistics.median(shares):.1f} % (time not spent inside f)")


class Inside:
    """f, with the time spent inside it summed."""

    def __init__(self, f):
        self.f, self.inside = f, 0.0

    def __call__(self, x, *a):
        t = time.perf_counter()
        v = self.f(x, *a)
        self.inside += time.perf_counter() - t
        return v


def poisson():
    import statsmodels.api as sm

    data = HERE.parents[2] / "hessopt" / "tests" / "data" / "poisson.csv"
    d = np.genfromtxt(data, delimiter=",", names=True)
    x, y = d["x"], d["y"]

    def nll(b):
        eta = b[0] + b[1] * x
        return float(np.sum(np.exp(eta) - y * eta))

    t_h, r = timed(lambda: hessopt.minimize(nll, [0.0, 0.0], hessian=True), 5)
    X = sm.add_constant(x)
    t_s, g = timed(lambda: sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-14), 5)
    print("\n3. Poisson regression (50 rows) as a numpy NLL: hessopt.minimize(nll, x0, hessian=True)"
          " vs statsmodels GLM")
    print(f"   estimates  hessopt {np.array2string(r.x, precision=10)}  statsmodels"
          f" {np.array2string(g.params, precision=10)}  max rel diff {rel(r.x, g.params):.1e}")
    print(f"   std errors hessopt {np.array2string(r.se, precision=10)}  statsmodels"
          f" {np.array2string(g.bse, precision=10)}  max rel diff"
          f" {float(np.max(np.abs(r.se - g.bse) / g.bse)):.1e}")
    print(f"   {r.termination}, {r.nfev} f evaluations; time hessopt {t_h * 1e3:.2f} ms,"
          f" statsmodels {t_s * 1e3:.2f} ms")


def sparse(n=1000):
    import scipy.sparse as sp
    from scipy.optimize import rosen_hess

    x = np.tile([-1.2, 1.0], n // 2)
    exact = rosen_hess(x)
    pattern = sp.diags([1.0, 1.0, 1.0], [-1, 0, 1], shape=(n, n), format="csc")
    print(f"\n4. chained Rosenbrock, n = {n}, tridiagonal pattern (scipy.sparse): one sparse Hessian")
    print(f"   {'method':<44}{'time ms':>10}{'evals':>8}{'rel error':>11}")
    t, r = timed(lambda: hessopt.hessian(rosen, x, sparsity=pattern, jac=rosen_grad), 5)
    print(f"   {'hessian(f, x, sparsity=P, jac=grad)':<44}{t * 1e3:>10.2f}{r.njev:>8}"
          f"{rel(r.hessian.toarray(), exact):>11.1e}   ({r.colors} colors, gradient evaluations)")
    t, r = timed(lambda: hessopt.hessian(rosen, x, sparsity=pattern), 1)
    print(f"   {'hessian(f, x, sparsity=P)  (values only)':<44}{t * 1e3:>10.2f}{r.nfev:>8}"
          f"{rel(r.hessian.toarray(), exact):>11.1e}")
    f = hessopt.Formula(f"sum(i = 1..{n - 1}, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)")
    f.hessian(x, sparse=True)  # the pattern and coloring, made once
    t, h = timed(lambda: f.hessian(x, sparse=True), 21)
    print(f"   {'Formula.hessian(x, sparse=True)  (exact)':<44}{t * 1e3:>10.2f}{'-':>8}"
          f"{rel(h.toarray(), exact):>11.1e}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("HESSOPT_SHARED", str(HERE.parents[4] / "shared"))
    p.add_argument("--shared", default=default)
    a = p.parse_args()
    if (pathlib.Path(a.shared) / "cases" / "derivatives.jsonl").is_file():
        shared_cases(a.shared)
    else:
        print(f"1. skipped: no shared cases at {a.shared} (--shared DIR)")
    rosenbrock()
    poisson()
    sparse()


if __name__ == "__main__":
    main()
