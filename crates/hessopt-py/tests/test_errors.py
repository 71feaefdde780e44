"""Bad input is a HessoptError (a ValueError) with one line; the user's exceptions propagate."""

import numpy as np
import pytest

import hessopt


def test_hessopt_error_is_value_error():
    assert issubclass(hessopt.HessoptError, ValueError)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: hessopt.hessian(lambda x: x[0], [[1.0, 2.0]]), "1-d array"),
        (lambda: hessopt.hessian(lambda x: x[0], ["a"]), "array of numbers"),
        (lambda: hessopt.hessian(42, [1.0]), "callable"),
        (lambda: hessopt.hessian(lambda x: np.nan, [1.0]), "not finite"),
        (lambda: hessopt.hessian(lambda x: x[0], [np.inf]), "not finite"),
        (lambda: hessopt.hessian(lambda x: "text", [1.0]), "where a number was expected"),
        (lambda: hessopt.hessian(lambda x: x[0], [1.0], typical=[-1.0]), "typical"),
        (lambda: hessopt.hessian(lambda x: x[0], [1.0, 2.0], typical=[1.0]), "typical"),
        (lambda: hessopt.hessian(lambda x: x[0], [1.0], workers=0), "workers"),
        (lambda: hessopt.analyze([[1.0, 2.0, 3.0]]), "square"),
        (lambda: hessopt.analyze([[np.nan]]), "finite"),
    ],
)
def test_bad_input_one_line(call, message):
    with pytest.raises(hessopt.HessoptError) as e:
        call()
    text = str(e.value)
    assert message in text and "\n" not in text


def test_user_exception_propagates_unchanged():
    class Boom(RuntimeError):
        pass

    calls = []

    def f(x):
        calls.append(x.copy())
        if len(calls) == 3:
            raise Boom("from the user")
        return float(x @ x)

    with pytest.raises(Boom, match="from the user") as e:
        hessopt.hessian(f, [1.0, 2.0])
    assert len(calls) == 3  # no call after the exception
    notes = getattr(e.value, "__notes__", [])
    assert any("x = [" in n for n in notes) or not hasattr(e.value, "add_note")


def test_keyboard_interrupt_stops_the_run():
    calls = []

    def f(x):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return float(x @ x)

    with pytest.raises(KeyboardInterrupt):
        hessopt.hessian(f, np.ones(5))
    assert len(calls) == 2
