"""scipy's L-BFGS-B at scale, the peer of crates/hessopt/benches/lbfgs_scale.rs (same machine,
same session): extended Rosenbrock written in numpy, returning (f, g), from the standard start,
memory 10.

- 20 iterations at n = 1e5 without a stopping test (ftol = gtol = 0), without bounds and in the
  box [-2, 2]^n: wall time per iteration;
- n = 1e6 in that box with scipy's defaults (pgtol 1e-5, factr 1e7): wall time, f, f+g.

Usage: python3 bench/scipy_lbfgsb_scale.py   (needs numpy, scipy)
"""
import time

import numpy as np
import scipy
from scipy.optimize import minimize


def rosen(x):
    a, b = x[0::2], x[1::2]
    t = b - a * a
    f = float(np.sum(100.0 * t * t + (1.0 - a) ** 2))
    g = np.empty_like(x)
    g[0::2] = -400.0 * a * t - 2.0 * (1.0 - a)
    g[1::2] = 200.0 * t
    return f, g


def start(n):
    x = np.ones(n)
    x[0::2] = -1.2
    return x


def run(n, box, options):
    bounds = [(-2.0, 2.0)] * n if box else None
    t0 = time.perf_counter()
    r = minimize(rosen, start(n), jac=True, method="L-BFGS-B", bounds=bounds, options=options)
    return time.perf_counter() - t0, r


def median_run(n, box, options, repeat):
    runs = [run(n, box, options) for _ in range(repeat)]
    runs.sort(key=lambda tr: tr[0])
    return runs[len(runs) // 2]


def main():
    print(f"scipy {scipy.__version__}, numpy {np.__version__}")
    n = 100_000
    for box in (False, True):
        t, r = median_run(n, box, {"maxiter": 20, "ftol": 0.0, "gtol": 0.0, "maxcor": 10}, 5)
        print(f"n = 1e5 {'box' if box else 'no bounds'}: {1e3 * t / r.nit:.2f} ms per iteration "
              f"({r.nit} iterations, {r.nfev + r.njev} f+g, f {r.fun:.4e})")
    t, r = median_run(1_000_000, True, {"maxcor": 10}, 3)
    print(f"n = 1e6 box, defaults: {t:.2f} s, f {r.fun:.6e}, {r.nit} iterations, "
          f"{r.nfev + r.njev} f+g, {r.message}")


if __name__ == "__main__":
    main()
