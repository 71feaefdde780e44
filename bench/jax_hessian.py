"""JAX's jitted dense Hessian of extended Rosenbrock (x64, CPU): the peer of
crates/hessopt/benches/sparse_hessian.rs. Same function and start point (-1.2, 1, -1.2, 1, ...).

Run beside the Rust bench on the same machine:
    JAX_PLATFORMS=cpu python bench/jax_hessian.py
Prints the median of 7 runs of 200 calls each (after compilation), per n.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)


def ext_rosenbrock(x):
    a, b = x[0::2], x[1::2]
    return jnp.sum(100.0 * (b - a**2) ** 2 + (1.0 - a) ** 2)


def median_call_seconds(fn, x, calls=200, repeats=7):
    fn(x).block_until_ready()  # compile
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            fn(x).block_until_ready()
        times.append((time.perf_counter() - t) / calls)
    return statistics.median(times)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    hess = jax.jit(jax.hessian(ext_rosenbrock))
    for n in sizes:
        x = jnp.array([-1.2 if i % 2 == 0 else 1.0 for i in range(n)], dtype=jnp.float64)
        t = median_call_seconds(hess, x, calls=max(5, 200_000 // (n * 10)))
        print(f"jax jit(hessian) dense, n = {n}: {t * 1e3:.4f} ms")


if __name__ == "__main__":
    main()
