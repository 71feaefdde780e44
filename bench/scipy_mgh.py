"""Reference counts of scipy.optimize.minimize on hessopt's 35 Moré–Garbow–Hillstrom problems.

Usage (needs numpy, scipy, sympy):
    cargo run --release -p hessopt-cli -- bench --problems-json > /tmp/mgh.json
    python3 bench/scipy_mgh.py /tmp/mgh.json > crates/hessopt-cli/data/scipy_mgh.json

Exact gradients come from sympy; every method runs with scipy's defaults. A run counts as solved
with the suite's criterion f - f* <= 1e-8 (f0 - f*) (or that close to a reported local minimum).
"""
import json
import sys

import numpy as np
import scipy
import sympy as sp
from scipy.optimize import minimize

METHODS = ["BFGS", "L-BFGS-B", "CG", "Nelder-Mead"]


def main(path):
    problems = json.load(open(path))
    runs = []
    for p in problems:
        xs = list(sp.symbols(" ".join(f"x{j}" for j in range(1, p["n"] + 1)), real=True))
        loc = {f"x{j + 1}": xs[j] for j in range(p["n"])}
        loc.update({"atan2": sp.atan2, "pi": sp.pi, "abs": sp.Abs})
        f = sum(sp.sympify(r.replace("^", "**"), locals=loc) ** 2 for r in p["residuals"])
        fn = sp.lambdify([xs], f, "numpy")
        gr = sp.lambdify([xs], [sp.diff(f, x) for x in xs], "numpy")
        f0, fstar, other = p["f0"], p["fstar"], p["other_minima"]
        for method in METHODS:
            kw = {} if method == "Nelder-Mead" else {"jac": lambda x: np.array(gr(x), dtype=float)}
            r = minimize(lambda x: float(fn(x)), np.array(p["x0"], float), method=method, **kw)
            fv = float(r.fun)
            solved = fv - fstar <= 1e-8 * (f0 - fstar) or any(abs(fv - m) <= 1e-8 * (f0 - m) for m in other)
            runs.append({"problem": p["name"], "method": "scipy-" + method.lower(),
                         "solved": bool(solved), "evaluations": int(r.nfev + getattr(r, "njev", 0))})
    json.dump({"source": f"scipy {scipy.__version__}, bench/scipy_mgh.py", "runs": runs}, sys.stdout, indent=0)


if __name__ == "__main__":
    main(sys.argv[1])
