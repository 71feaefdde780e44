"""Ctrl-C: a real SIGINT sent to a process in the middle of a long run raises KeyboardInterrupt
promptly, and the process exits cleanly.

Each run would take minutes without the interrupt (a slow Python function, or a formula
minimized for 10⁷ iterations with the GIL released); the child catches KeyboardInterrupt, prints
how long after the start it came, and exits 0. The formula run also has a Python thread counting
while it runs: it counts only if the run released the GIL.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process (POSIX)")

# The child restores Python's SIGINT handler first: a process started from a non-interactive
# shell's background job inherits SIGINT ignored, and Python keeps an ignored SIGINT ignored.
CHILD = """
import signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import numpy as np
import hessopt

counter = [0]
running = [True]
def count():
    while running[0]:
        counter[0] += 1
        time.sleep(0.001)

threading.Thread(target=count, daemon=True).start()
{setup}
print("ready", flush=True)
try:
{run}
except KeyboardInterrupt:
    running[0] = False
    print("interrupted", counter[0], flush=True)
    sys.exit(0)
print("finished", flush=True)
sys.exit(3)
"""

SLOW = "lambda x: (time.sleep(0.002), float(np.sum((x - 1.0) ** 2)))[1]"

RUNS = {
    # About 3 700 evaluations of 2 ms each.
    "hessian_of_slow_function": f"hessopt.hessian({SLOW}, np.zeros(30))",
    "minimize_slow_function": (
        f"hessopt.minimize({SLOW}, np.zeros(30), method='nelder-mead',"
        " options={'maxiter': 10**7})"
    ),
    # No Python call inside the run: the GIL is released and Ctrl-C is checked periodically.
    # About 15 s in a release build (n = 200 ends after 1.2 s since gradient descent takes
    # Barzilai–Borwein steps, too close to the 0.5 s before the signal).
    "minimize_formula_without_gil": (
        "f = hessopt.Formula('+'.join(f'100*(x{i+1} - x{i}^2)^2 + (1 - x{i})^2' for i in range(999)))\n"
        "hessopt.minimize(f, np.tile([-1.2, 1.0], 500), method='gradient-descent', tol=1e-300,"
        " options={'maxiter': 10**7})"
    ),
    # A likelihood fit over 5·10⁵ rows, about 30 trust-region iterations of 0.6 s each (release
    # build), run without the GIL: Ctrl-C is checked from the fit's iterations (it was honoured
    # only once the fit returned, 18 s later).
    "fit_without_gil": (
        "hessopt.fit(data, nll='exp(b0 + b1*x) - y*(b0 + b1*x)', params=['b0', 'b1'],"
        " start=[-30, 30])"
    ),
}

# Set-up before the child says "ready".
SETUP = {
    "fit_without_gil": (
        "rng = np.random.default_rng(0)\n"
        "x = rng.uniform(-1, 1, 500_000)\n"
        "data = {'x': x, 'y': rng.poisson(np.exp(1 + 2 * x)).astype(float)}"
    ),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_sigint_raises_keyboard_interrupt(name):
    code = CHILD.format(run=textwrap.indent(RUNS[name], "    "), setup=SETUP.get(name, ""))
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # well inside the run
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
        latency = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, (out, err)
    words = out.split()
    assert words[0] == "interrupted", (out, err)
    assert latency < 5.0, latency
    if name.endswith("without_gil"):
        # The counting thread ran during the run: the GIL was released.
        assert int(words[1]) > 20, out
