"""A hostile user (issue 12): every case ends with a right answer or one HessoptError line, or
the user's own exception propagated."""

import numpy as np
import pytest

import hessopt


def one_line_error(call, *words):
    """The HessoptError's message: one line containing every word."""
    with pytest.raises(hessopt.HessoptError) as e:
        call()
    text = str(e.value)
    assert "\n" not in text, text
    for w in words:
        assert w in text, text
    return text


def sphere(x):
    return float(np.sum(x**2))


def test_nan_in_a_sparsity_pattern_is_an_error_naming_it():
    # It was read as nonzero (np.nonzero(NaN) is True).
    p = np.eye(3)
    p[0, 1] = np.nan
    one_line_error(lambda: hessopt.hessian(sphere, np.ones(3), sparsity=p), "sparsity[0, 1]", "NaN")
    one_line_error(
        lambda: hessopt.jacobian(lambda x: x**2, np.ones(3), sparsity=p), "sparsity[0, 1]", "NaN"
    )
    sparse = pytest.importorskip("scipy.sparse")
    q = sparse.dok_matrix(np.eye(3))
    q[2, 0] = np.nan
    q = q.tocsr()
    one_line_error(lambda: hessopt.hessian(sphere, np.ones(3), sparsity=q), "sparsity[2, 0]", "NaN")
    text = np.array([["a", ""], ["", "b"]])
    one_line_error(lambda: hessopt.hessian(sphere, np.ones(2), sparsity=text), "sparsity", "dtype")
    # Booleans, integers and floats (inf is nonzero) are patterns.
    for ok in (np.eye(2, dtype=bool), np.eye(2, dtype=int), np.diag([np.inf, 1.0])):
        r = hessopt.hessian(sphere, np.ones(2), sparsity=ok)
        np.testing.assert_allclose(r.hessian.toarray(), 2 * np.eye(2), atol=1e-8)


def nan_gradient(x):
    return sphere(x), np.array([np.nan, 1.0])


def test_a_nan_gradient_with_jac_true_is_named_not_the_value():
    # Both said "value ... is not finite" (the value is 5 there).
    text = one_line_error(lambda: hessopt.minimize(nan_gradient, [1.0, 2.0], jac=True), "gradient")
    assert "value" not in text, text
    text = one_line_error(lambda: hessopt.hessian(sphere, [1.0, 2.0], jac=lambda x: nan_gradient(x)[1]), "gradient")
    assert "value" not in text, text
    text = one_line_error(
        lambda: hessopt.hessian(nan_gradient, [1.0, 2.0], jac=True), "gradient is not finite"
    )
    assert "value" not in text, text


@pytest.mark.parametrize(
    "fun", [sphere, lambda x: x**2, lambda x: [sphere(x), 2 * x], lambda x: (1.0, 2 * x, 0)]
)
def test_jac_true_needs_fun_to_return_a_pair(fun):
    # hessian(jac=True) said "dimension mismatch for gradient" or raised IndexError.
    for call in (
        lambda: hessopt.hessian(fun, [1.0, 2.0, 3.0], jac=True),
        lambda: hessopt.minimize(fun, [1.0, 2.0, 3.0], jac=True),
    ):
        one_line_error(call, "jac=True", "(value, gradient")


def test_complex_values_are_errors_not_their_real_part():
    # x, bounds and analyze's H were cast to real (a ComplexWarning); a function returning
    # complex values had its imaginary part dropped (a Jacobian of zeros for F(x) = 1j·x).
    one_line_error(lambda: hessopt.hessian(sphere, [1 + 1j, 2.0]), "x", "complex")
    one_line_error(lambda: hessopt.jacobian(lambda x: 1j * x, [1.0, 2.0]), "complex values")
    one_line_error(lambda: hessopt.hessian(lambda x: complex(sphere(x)), [1.0]), "complex values")
    one_line_error(lambda: hessopt.hessian(lambda x: np.complex128(sphere(x)), [1.0]), "complex")
    one_line_error(
        lambda: hessopt.minimize(sphere, [1.0, 2.0], jac=lambda x: 2 * x + 0j), "complex values"
    )
    one_line_error(lambda: hessopt.least_squares(lambda x: x + 0j, [1.0]), "complex values")
    one_line_error(
        lambda: hessopt.minimize(sphere, [1.0], bounds=([0j], [1.0])), "lower bounds", "complex"
    )
    one_line_error(lambda: hessopt.analyze([[1j]]), "H", "complex")


@pytest.mark.parametrize(
    "returned, words",
    [
        (lambda x: None, ["NoneType", "where a number was expected", "x = ["]),
        (lambda x: "1.5", ["a str"]),
        (lambda x: 10**400, ["an int"]),
        (lambda x: x, ["ndarray of 2 values"]),
    ],
)
def test_a_function_returning_something_else_is_named(returned, words):
    for call in (
        lambda: hessopt.hessian(returned, [1.0, 2.0]),
        lambda: hessopt.minimize(returned, [1.0, 2.0]),
    ):
        one_line_error(call, *words)


def test_one_number_in_any_real_form_is_accepted():
    # As scipy: a float32, an int, a 0-d or one-element array or list (these were errors or
    # depended on the form).
    for form in (np.float32, int, np.array, lambda v: np.array([v]), lambda v: [v]):
        r = hessopt.minimize(lambda x, form=form: form(round(sphere(x - 3))), [3.0, 3.0])
        assert r.fun == 0.0
    r = hessopt.hessian(lambda x: np.array([sphere(x)]), [1.0, 2.0])
    np.testing.assert_allclose(r.hessian, 2 * np.eye(2), atol=1e-8)


def test_none_from_a_vector_function_is_named_not_called_non_finite():
    # np.asarray(None, float) is NaN: these said "value is not finite".
    for call in (
        lambda: hessopt.jacobian(lambda x: None, [1.0, 2.0]),
        lambda: hessopt.hessian(lambda X: None, [1.0, 2.0], vectorized=True),
        lambda: hessopt.hessian(sphere, [1.0, 2.0], jac=lambda x: None),
        lambda: hessopt.least_squares(lambda x: None, [1.0]),
        lambda: hessopt.root(lambda x: None, [0.0, 1.0]),
    ):
        one_line_error(call, "NoneType", "array of numbers")


def test_workers_maps_that_misbehave():
    def short(f, items):
        return list(map(f, items))[:-1]

    # The map's own failures: a TypeError, a numpy ValueError or the vectorized function blamed.
    one_line_error(lambda: hessopt.hessian(sphere, [1.0, 2.0], workers=short), "0 results for 1 tasks")
    one_line_error(
        lambda: hessopt.hessian(sphere, [1.0, 2.0], workers=lambda f, it: None), "a NoneType"
    )
    one_line_error(
        lambda: hessopt.hessian(
            lambda X: np.sum(X**2, axis=1), [1.0, 2.0], vectorized=True, workers=short
        ),
        "results for",
    )
    one_line_error(
        lambda: hessopt.hessian(lambda x: None, [1.0, 2.0], workers=2), "NoneType", "a number"
    )

    # A map that raises, and a function that raises inside a pool: the user's own exception.
    def broken(f, items):
        raise RuntimeError("the cluster is down")

    with pytest.raises(RuntimeError, match="the cluster is down"):
        hessopt.hessian(sphere, [1.0, 2.0], workers=broken)
    with pytest.raises(ZeroDivisionError):
        hessopt.hessian(lambda x: 1 / 0, [1.0, 2.0], workers=2)
    # A generator is a fine map.
    r = hessopt.hessian(sphere, [1.0, 2.0], workers=lambda f, it: (f(v) for v in it))
    np.testing.assert_allclose(r.hessian, 2 * np.eye(2), atol=1e-8)


@pytest.mark.parametrize(
    "call, words",
    [
        # TypeError, OverflowError, AttributeError, a Rust panic or a bare ValueError before.
        (lambda: hessopt.minimize(sphere, [1.0], options={"maxiter": "10"}), ["'max_iter'", "'10'"]),
        (lambda: hessopt.minimize(sphere, [1.0], options={"maxiter": -1}), ["'max_iter'"]),
        (lambda: hessopt.minimize(sphere, [1.0], options={"time_limit": -1}), ["'time_limit'"]),
        (lambda: hessopt.minimize(sphere, [1.0], options={"time_limit": np.nan}), ["'time_limit'"]),
        (lambda: hessopt.minimize(sphere, [1.0], options=[1, 2]), ["options must be a dict"]),
        (lambda: hessopt.minimize(sphere, [1.0], tol="a"), ["tol must be a number"]),
        (lambda: hessopt.minimize(sphere, [1.0], method=3), ["method must be a name"]),
        (lambda: hessopt.minimize(sphere, [1.0], callback=3), ["callback must be callable"]),
        (lambda: hessopt.minimize(sphere, [1.0, 2.0], bounds="ab"), ["lower bounds"]),
        (
            lambda: hessopt.minimize(sphere, [1.0, 2.0], vars=["a"], constraints=["a >= 1"]),
            ["vars must be 2 names"],
        ),
        (lambda: hessopt.least_squares(lambda x: x, [1.0], max_nfev=-1), ["max_nfev"]),
        (lambda: hessopt.least_squares(lambda x: x, [1.0], max_nfev="a"), ["max_nfev"]),
        (lambda: hessopt.root(lambda x: x, [1.0], maxiter=-1), ["maxiter"]),
        (lambda: hessopt.root(lambda x: x - 0.5, bracket=(0, 1, 2)), ["bracket", "3 values"]),
        (lambda: hessopt.root(lambda x: x - 0.5, bracket=(np.nan, 1)), ["bracket"]),
        (lambda: hessopt.Formula(3), ["string"]),
        (lambda: hessopt.Formula("x + y", vars="xy"), ["vars must be a list"]),
        (lambda: hessopt.Formula("x", vars=[1]), ["vars must be a list"]),
        (lambda: hessopt.Formula("x*y").hvp([1.0, 2.0], [np.nan, 1.0]), ["v[0]"]),
        (lambda: hessopt.hvp(sphere, [1.0, 2.0], [np.nan, 1.0]), ["v[0]"]),
        (lambda: hessopt.analyze([[1.0, 2.0], [0.0, 1.0]]), ["not symmetric", "H[0, 1] = 2"]),
    ],
)
def test_bad_arguments_are_one_line_errors(call, words):
    one_line_error(call, *words)


def test_analyze_accepts_asymmetry_within_rounding_or_the_error():
    h = np.array([[2.0, 1.0 + 1e-12], [1.0, 2.0]])
    assert hessopt.analyze(h).classification == "minimum"
    h = np.array([[2.0, 1.001], [1.0, 2.0]])
    assert hessopt.analyze(h, error=np.full((2, 2), 1e-2)).classification == "minimum"


def test_a_gradient_at_large_n_does_not_hold_a_round_of_points_at_once():
    # n = 3000: a round of the ladders is 2n points of n entries (144 MB); it is evaluated in
    # batches of at most 2^24 entries (the gradient at n = 10^5 was killed for 160 GB).
    n = 3000
    sizes = []

    def f(X):
        sizes.append(X.size)
        return np.sum((X - 1.0) ** 2, axis=1)

    r = hessopt.gradient(f, np.zeros(n), vectorized=True)
    np.testing.assert_allclose(r.gradient, -2.0 * np.ones(n), rtol=1e-9)
    assert max(sizes) <= 2**24 + 2 * n, max(sizes)


def test_a_numerical_gradient_at_large_n_is_held_to_the_dense_limit():
    # 2n points of n entries, O(n^2) work like a dense n x n matrix: refused before any call,
    # naming the setting (scipy's approx_fprime would call f 10^5 times with 10^5 entries).
    calls = []
    text = one_line_error(
        lambda: hessopt.gradient(lambda x: calls.append(1) or sphere(x), np.zeros(100_000)),
        "numerical gradient of 100000 variables",
    )
    assert "hessopt.set_dense_limit(nbytes)" in text and not calls
    text = one_line_error(
        lambda: hessopt.minimize(lambda x: calls.append(1) or sphere(x), np.zeros(20_000)),
        "numerical gradients of 20000 variables",
    )
    assert not calls


def test_a_dense_hessian_over_the_memory_limit_is_refused_before_any_work():
    # n = 20 000: the stencils of every pair were allocated first and the process aborted
    # ("memory allocation of 59197040000 bytes failed").
    calls = []
    text = one_line_error(
        lambda: hessopt.hessian(lambda x: calls.append(1) or sphere(x), np.zeros(20_000)),
        "20000 × 20000 Hessian",
    )
    assert "hessopt.set_dense_limit(nbytes)" in text and not calls
    # The limit is the user's to move: a 64 × 64 Hessian (32 KiB) against a 16 KiB limit.
    previous = hessopt.set_dense_limit(16 * 1024)
    try:
        one_line_error(lambda: hessopt.hessian(sphere, np.zeros(64)), "64 × 64 Hessian")
        assert hessopt.hessian(sphere, np.zeros(32)).hessian.shape == (32, 32)
    finally:
        assert hessopt.set_dense_limit(previous) == 16 * 1024
    one_line_error(lambda: hessopt.set_dense_limit(0), "nbytes")


def test_derivatives_beyond_double_precision_are_errors_not_inf():
    # f = 1e308·x² at 1: f is finite, f' = f'' = 2e308 overflow (the result held inf).
    big = lambda x: 1e308 * float(x[0] ** 2)  # noqa: E731
    one_line_error(lambda: hessopt.hessian(big, [1.0]), "not finite", "overflows")
    one_line_error(lambda: hessopt.gradient(big, [1.0]), "gradient is not finite")
    one_line_error(lambda: hessopt.jacobian(lambda x: 1e308 * x**2, [1.0]), "Jacobian")
    # Large but finite is a result.
    r = hessopt.hessian(lambda x: 1e300 * float(x[0] ** 2), [1.0])
    assert r.hessian[0, 0] == pytest.approx(2e300, rel=1e-6)


def test_a_formula_pickles_as_its_source_and_variables():
    import pickle

    f = hessopt.Formula("x^2*y - z", vars=["z", "y", "x"])
    g = pickle.loads(pickle.dumps(f))
    assert g.vars == ["z", "y", "x"] and g.value([1.0, 2.0, 3.0]) == f.value([1.0, 2.0, 3.0]) == 17
    h = pickle.loads(pickle.dumps(hessopt.Formula("x[1]^2 + x[2]")))
    np.testing.assert_array_equal(h.gradient([3.0, 1.0]), [6.0, 1.0])


def test_a_jacobian_of_the_wrong_shape_is_named_not_read_as_another_matrix():
    # y = 2·exp(t/2) at t = 0..3: with J transposed, (2, 4) instead of (4, 2), the 8 values were
    # read as a different Jacobian and the fit ended max_iterations at (1.54, 0.41).
    t = np.arange(4.0)
    res = lambda p: p[0] * np.exp(p[1] * t) - 2 * np.exp(0.5 * t)  # noqa: E731
    jac = lambda p: np.column_stack([np.exp(p[1] * t), p[0] * t * np.exp(p[1] * t)])  # noqa: E731
    r = hessopt.least_squares(res, [1.0, 0.1], jac=jac)
    assert r.converged and r.x == pytest.approx([2.0, 0.5], rel=1e-10)
    one_line_error(
        lambda: hessopt.least_squares(res, [1.0, 0.1], jac=lambda p: jac(p).T),
        "jac returned an array of shape (2, 4), expected (4, 2)",
    )
    # A flat list of m·n values in row order is still read as the (m, n) matrix.
    r = hessopt.least_squares(res, [1.0, 0.1], jac=lambda p: jac(p).ravel().tolist())
    assert r.converged and r.x == pytest.approx([2.0, 0.5], rel=1e-10)
    one_line_error(
        lambda: hessopt.minimize(
            sphere, [1.0, 2.0], jac=lambda x: 2 * x, hess=lambda x: np.eye(4)[:2], method="newton"
        ),
        "hess returned an array of shape (2, 4), expected (2, 2)",
    )


def test_a_vector_function_returning_a_matrix_is_refused_not_flattened():
    # F returning a (2, 2) array was flattened into four values: a Jacobian with four rows, or
    # residuals of another problem (scipy's least_squares refuses it too).
    F = lambda x: np.outer(x, x)  # noqa: E731
    one_line_error(lambda: hessopt.jacobian(F, [1.0, 2.0]), "shape (2, 2)", "1-d array")
    one_line_error(lambda: hessopt.least_squares(F, [1.0, 2.0]), "shape (2, 2)", "1-d array")
    one_line_error(
        lambda: hessopt.minimize(sphere, [1.0, 2.0], jac=lambda x: (2 * x)[:, None]),
        "shape (2, 1)",
    )
    # A 1-d array and a list still work.
    J = hessopt.jacobian(lambda x: [x[0] * x[1], x[0] + x[1]], [1.0, 2.0])
    np.testing.assert_allclose(J.jacobian, [[2.0, 1.0], [1.0, 1.0]], rtol=1e-9)


def test_fit_leaves_out_label_columns_the_model_does_not_read():
    # A data frame with a label column: every column was converted, so any fit failed on it.
    data = {
        "name": np.array(["a", "b", "c", "d"]),
        "x": np.array([0.0, 1.0, 2.0, 3.0]),
        "y": np.array([1.1, 2.9, 5.2, 6.8]),
    }
    r = hessopt.fit(data, residual="y - (a + b*x)", params=["a", "b"], start=[0, 0])
    assert r.x == pytest.approx([1.09, 1.94], rel=1e-12)  # ordinary least squares
    one_line_error(
        lambda: hessopt.fit(data, residual="y - a*name", params=["a"], start=[0]),
        "column 'name'",
        "numbers",
    )


def test_constraint_jac_callback_return_and_pair_without_jac_true():
    # A constraint jac that is not callable raised TypeError at the first call; a callback
    # returning an array raised numpy's ambiguous-truth ValueError.
    for c in ({"type": "ineq", "fun": lambda x: 0.5 - x[0], "jac": True}, ("ineq", lambda x: 0.5 - x[0], 3)):
        one_line_error(lambda c=c: hessopt.minimize(sphere, [0.0, 0.0], constraints=[c]), "jac")
    one_line_error(
        lambda: hessopt.minimize(sphere, [1.0, 2.0], callback=lambda xk: xk > 0),
        "callback must return None or a bool",
    )
    # A function returning (f, g) without jac=True is told about jac=True.
    one_line_error(
        lambda: hessopt.minimize(lambda x: (sphere(x), 2 * x), [1.0, 2.0]),
        "a tuple",
        "needs jac=True",
    )


def test_an_integer_beyond_the_float_range_in_x0_is_named():
    # numpy's OverflowError ("int too large to convert to float") escaped as is.
    one_line_error(lambda: hessopt.minimize(sphere, [10**400]), "x0 must be an array of numbers", "too large")
    one_line_error(lambda: hessopt.hessian(sphere, [1.0, 10**400]), "x must be an array of numbers")
