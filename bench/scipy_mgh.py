"""Reference counts of scipy.optimize.minimize on hessopt's 35 Moré–Garbow–Hillstrom problems.

Usage (needs numpy, scipy, sympy):
    cargo run --release -p hessopt-cli -- bench --problems-json > /tmp/mgh.json
    python3 bench/scipy_mgh.py /tmp/mgh.json [--settings default|matched|both] [--methods BFGS,…] \\
        > crates/hessopt-cli/data/scipy_mgh.json

Exact gradients (and Hessians for trust-exact) come from sympy. Two settings, both in the data by
default, told apart by the method name:
- `scipy-<method>`: scipy's defaults (BFGS, CG, trust-exact gtol = 1e-5; L-BFGS-B pgtol = 1e-5,
  ftol = 2.2e-9; Nelder–Mead xatol = fatol = 1e-4);
- `scipy-<method>@hessopt`: hessopt's default tolerances (gradient methods gtol = 1e-8 — the
  ∞-norm as hessopt's g_tol for BFGS and CG, the 2-norm for trust-exact, which is stricter;
  L-BFGS-B pgtol = 1e-8 with the same factr 1e7; Nelder–Mead
  fatol = √ε·(|f(x0)| + √ε), R's reltol test that hessopt's simplex test uses, and xatol = 1e-8).
Iteration and evaluation limits stay scipy's (maxiter 200·n for BFGS, CG, trust-exact; Nelder–Mead
maxiter = maxfev = 200·n). `hessopt bench` runs hessopt at its defaults beside both settings;
`hessopt bench --settings scipy` runs it at scipy's defaults (gtol 1e-5, maxiter 200·n, Nelder–Mead
xatol = fatol = 1e-4 and maxfev 200·n), to read against `scipy-<method>`. A run counts as solved with the suite's criterion
f − f* ≤ 1e-8 (f0 − f*) (or that close to a reported local minimum); `evaluations` counts f and
gradient calls as hessopt's bench does, `hessians` trust-exact's Hessian calls, `converged`
scipy's `success` (a run that reports success away from the minimum is a false convergence).
"""
import argparse
import json
import math
import sys

import numpy as np
import scipy
import sympy as sp
from scipy.optimize import minimize

METHODS = ["BFGS", "L-BFGS-B", "CG", "Nelder-Mead", "trust-exact"]
SQRT_EPS = math.sqrt(np.finfo(float).eps)


def matched(method, f0):
    """hessopt's default tolerances in scipy's terms."""
    if method == "Nelder-Mead":
        return {"fatol": SQRT_EPS * (abs(f0) + SQRT_EPS), "xatol": 1e-8}
    return {"gtol": 1e-8}


def main(path, settings, methods):
    problems = json.load(open(path))
    runs = []
    for p in problems:
        xs = list(sp.symbols(" ".join(f"x{j}" for j in range(1, p["n"] + 1)), real=True))
        loc = {f"x{j + 1}": xs[j] for j in range(p["n"])}
        loc.update({"atan2": sp.atan2, "pi": sp.pi, "abs": sp.Abs})
        f = sum(sp.sympify(r.replace("^", "**"), locals=loc) ** 2 for r in p["residuals"])
        fn = sp.lambdify([xs], f, "numpy")
        grad = [sp.diff(f, x) for x in xs]
        gr = sp.lambdify([xs], grad, "numpy")
        he = sp.lambdify([xs], [[sp.diff(g, x) for x in xs] for g in grad],
                         [{"DiracDelta": lambda *a: 0.0}, "numpy"])
        f0, fstar, other = p["f0"], p["fstar"], p["other_minima"]
        for method in methods:
            kw = {}
            if method != "Nelder-Mead":
                kw["jac"] = lambda x: np.array(gr(x), dtype=float)
            if method == "trust-exact":
                kw["hess"] = lambda x: np.array(he(x), dtype=float)
            for setting in settings:
                options = matched(method, f0) if setting == "matched" else {}
                with np.errstate(all="ignore"):
                    r = minimize(lambda x: float(fn(x)), np.array(p["x0"], float), method=method,
                                 options=options, **kw)
                fv = float(r.fun)
                solved = fv - fstar <= 1e-8 * (f0 - fstar) or any(
                    abs(fv - m) <= 1e-8 * (f0 - m) for m in other)
                name = "scipy-" + method.lower() + ("@hessopt" if setting == "matched" else "")
                runs.append({"problem": p["name"], "method": name, "solved": bool(solved),
                             "converged": bool(r.success),
                             "evaluations": int(r.nfev + getattr(r, "njev", 0)),
                             "hessians": int(getattr(r, "nhev", 0))})
    source = f"scipy {scipy.__version__}, bench/scipy_mgh.py, exact derivatives from sympy"
    described = {
        "defaults": "gtol 1e-5 (trust-exact: 2-norm); L-BFGS-B pgtol 1e-5, factr 1e7; "
                    "Nelder-Mead xatol = fatol = 1e-4",
        "hessopt_tol": "gtol 1e-8 (trust-exact: 2-norm); L-BFGS-B pgtol 1e-8, factr 1e7; "
                       "Nelder-Mead fatol = sqrt(eps)(|f0| + sqrt(eps)), xatol 1e-8",
    }
    json.dump({"source": source, "settings": described, "runs": runs}, sys.stdout, indent=0)


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("problems", help="output of `hessopt bench --problems-json`")
    cli.add_argument("--settings", choices=["default", "matched", "both"], default="both")
    cli.add_argument("--methods", default=",".join(METHODS), help="scipy method names, comma separated")
    a = cli.parse_args()
    chosen = {"default": ["default"], "matched": ["matched"], "both": ["default", "matched"]}[a.settings]
    main(a.problems, chosen, a.methods.split(","))
