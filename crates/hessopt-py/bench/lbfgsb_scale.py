"""hessopt.minimize(fun, x0, jac=True, method="lbfgsb", bounds=(lo, hi)) against scipy's L-BFGS-B
at n = 10⁶, on the same numpy objective returning (f, g): extended Rosenbrock
Σ 100 (x[2k+1] − x[2k]²)² + (1 − x[2k])² from (−1.2, 1, −1.2, 1, …) in the box [−2, 2]ⁿ, memory 10,
each with its defaults (hessopt: g_tol 1e-5 on the projected gradient; scipy: pgtol 1e-5,
factr 1e7), bounds given to both as arrays.

Prints wall times (median of --repeat runs, the two alternating in one process), f, iterations,
evaluations (hessopt counts f and g apiece; with jac=True one Python call gives both), and the
peak resident memory of a fresh process running each once (numpy and scipy imported in both).

Usage: python crates/hessopt-py/bench/lbfgsb_scale.py [--n 1000000] [--repeat 3]
"""

import argparse
import pathlib
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

# The objective and start of the repository's bench/scipy_lbfgsb_scale.py (the Rust bench's peer).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "bench"))
from scipy_lbfgsb_scale import rosen, start  # noqa: E402


def run_hessopt(n):
    import hessopt

    lo, hi = np.full(n, -2.0), np.full(n, 2.0)
    r = hessopt.minimize(rosen, start(n), jac=True, method="lbfgsb", bounds=(lo, hi))
    return r.fun, r.nit, f"{r.nfev} f, {r.njev} g", r.termination


def run_scipy(n):
    from scipy.optimize import Bounds, minimize

    bounds = Bounds(np.full(n, -2.0), np.full(n, 2.0))
    r = minimize(rosen, start(n), jac=True, method="L-BFGS-B", bounds=bounds,
                 options={"maxcor": 10})
    return r.fun, r.nit, f"{r.nfev} (f, g)", r.message


RUNS = {"hessopt": run_hessopt, "scipy": run_scipy}


def high_water_mb():
    """This process's peak resident memory (MB): VmHWM where /proc has it (ru_maxrss carries a
    forking parent's peak over into the child), else ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb(name, n):
    """Peak RSS of a fresh process that runs `name` once (MB)."""
    out = subprocess.run([sys.executable, __file__, "--n", str(n), "--one", name],
                         capture_output=True, text=True, check=True).stdout
    return float(out.split()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--one", choices=sorted(RUNS))
    a = p.parse_args()
    if a.one:
        RUNS[a.one](a.n)
        print(high_water_mb())
        return
    import hessopt  # noqa: F401  (imported before timing)
    import scipy

    print(f"n = {a.n}, box [-2, 2]^n, memory 10; scipy {scipy.__version__}, numpy {np.__version__}")
    times = {k: [] for k in RUNS}
    results = {}
    for _ in range(a.repeat):
        for name, fn in RUNS.items():
            t = time.perf_counter()
            results[name] = fn(a.n)
            times[name].append(time.perf_counter() - t)
    for name in RUNS:
        f, nit, nfg, how = results[name]
        print(f"{name:<8} {statistics.median(times[name]):7.2f} s  f {f:.6e}  {nit} iterations,"
              f" {nfg} evaluations, peak RSS {peak_mb(name, a.n):.0f} MB  ({how})")
    ratio = statistics.median(times["hessopt"]) / statistics.median(times["scipy"])
    print(f"hessopt / scipy wall time: {ratio:.2f}")


if __name__ == "__main__":
    main()
