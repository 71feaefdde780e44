"""Witnesses for the expected failures of crates/hessopt/tests/suite.rs: scipy.optimize.minimize on
the same Moré–Garbow–Hillstrom problems at the suite's settings.

Usage (needs numpy, scipy, sympy):
    cargo run -p hessopt-cli -- bench --problems-json > /tmp/mgh.json
    python3 bench/scipy_witness.py /tmp/mgh.json CG [problem ...]
    python3 bench/scipy_witness.py /tmp/mgh.json --stationary biggs_exp6 x1,x2,...

Settings matched to the suite: exact derivatives (sympy), gtol = 1e-8 (scipy's BFGS and CG
test the largest gradient entry as hessopt does), maxiter = hessopt's default for the method
(200 n and at least 1000; CG at least 10 000), everything else scipy's default. The suite's
20 000 f + g cap is reported against nfev + njev (+ nhev), not enforced. Methods: BFGS, CG,
Newton-CG, trust-exact, Nelder-Mead (its own xatol/fatol; maxfev 20 000) and trust-constr with
scipy's SR1 Hessian update (gtol 1e-8), the reference SR1.

--stationary NAME X evaluates f, ‖∇f‖∞ and the eigenvalues of the exact Hessian at X (comma-
separated), after polishing X with Newton steps on the gradient, to tell a minimum from a
saddle.
"""
import json
import sys

import numpy as np
import scipy
import sympy as sp
from scipy.optimize import SR1, minimize


def compile_problem(p):
    xs = list(sp.symbols(" ".join(f"x{j}" for j in range(1, p["n"] + 1)), real=True))
    loc = {f"x{j + 1}": xs[j] for j in range(p["n"])}
    loc.update({"atan2": sp.atan2, "pi": sp.pi, "abs": sp.Abs})
    f = sum(sp.sympify(r.replace("^", "**"), locals=loc) ** 2 for r in p["residuals"])
    grad = [sp.diff(f, x) for x in xs]
    fn = sp.lambdify([xs], f, "numpy")
    gr = sp.lambdify([xs], grad, "numpy")
    # |u|'' = 2 δ(u): zero away from the kink (Gulf research's |y − x2|)
    he = sp.lambdify([xs], [[sp.diff(g, x) for x in xs] for g in grad],
                     [{"DiracDelta": lambda *a: 0.0}, "numpy"])
    return (lambda x: float(fn(x)),
            lambda x: np.array(gr(x), dtype=float),
            lambda x: np.array(he(x), dtype=float))


def solved(p, fv):
    f0, fstar = p["f0"], p["fstar"]
    return fv - fstar <= 1e-8 * (f0 - fstar) or any(abs(fv - m) <= 1e-8 * (f0 - m) for m in p["other_minima"])


def run(p, method):
    f, g, h = compile_problem(p)
    x0 = np.array(p["x0"], float)
    n = p["n"]
    maxiter = max(200 * n, 10_000 if method == "CG" else 1000)
    if method == "Nelder-Mead":
        return minimize(f, x0, method=method, options={"maxfev": 20_000, "maxiter": 20_000})
    if method == "trust-constr-sr1":
        return minimize(f, x0, method="trust-constr", jac=g, hess=SR1(),
                        options={"gtol": 1e-8, "xtol": 0.0, "maxiter": maxiter})
    kw = {"jac": g}
    options = {"maxiter": maxiter}
    if method in ("Newton-CG", "trust-exact"):
        kw["hess"] = h
    if method == "Newton-CG":
        options["xtol"] = 1e-12
    else:
        options["gtol"] = 1e-8
    return minimize(f, x0, method=method, options=options, **kw)


def stationary(p, x):
    f, g, h = compile_problem(p)
    x = np.array(x, float)
    for _ in range(20):
        step = np.linalg.lstsq(h(x), -g(x), rcond=None)[0]
        if not np.all(np.isfinite(step)) or f(x + step) > f(x) + 1e-12 * abs(f(x)):
            break
        x = x + step
    w = np.linalg.eigvalsh(h(x))
    print(f"{p['name']}: f = {f(x):.12e}, |grad|inf = {np.max(np.abs(g(x))):.3e}")
    print("  x =", ", ".join(f"{v:.10g}" for v in x))
    print("  Hessian eigenvalues:", ", ".join(f"{v:.6e}" for v in w))


def main(args):
    problems = {p["name"]: p for p in json.load(open(args[0]))}
    if args[1] == "--stationary":
        stationary(problems[args[2]], [float(v) for v in args[3].split(",")])
        return
    method, names = args[1], args[2:] or list(problems)
    print(f"scipy {scipy.__version__} {method}, gtol 1e-8, exact derivatives")
    for name in names:
        p = problems[name]
        with np.errstate(all="ignore"):
            r = run(p, method)
        evals = int(r.nfev + getattr(r, "njev", 0) + getattr(r, "nhev", 0))
        print(f"{name:<28} f = {float(r.fun):<13.6e} nit {int(r.nit):>6} f+g(+h) {evals:>6} "
              f"solved {str(solved(p, float(r.fun))):<5} {r.message}")


if __name__ == "__main__":
    main(sys.argv[1:])
