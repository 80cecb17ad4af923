import math

import numpy as np
import pytest

import numdiff as nd
from numdiff.verify._catalogue import SCALAR, VECTOR_SCALAR, VECTOR_VECTOR

CASES = [pytest.param(f, df, x, id=f"{name}@{x:g}") for name, f, df, pts in SCALAR
         for x in pts]


@pytest.mark.parametrize("f, df, x", CASES)
def test_derivative_exact_to_rounding(f, df, x):
    d, info = nd.derivative(f, x, method="complex", full_output=True)
    t = df(x)
    assert abs(d - t) <= 4e-15 * abs(t) + 1e-300
    assert info.method == "complex" and info.success
    assert abs(d - t) <= info.error + 4 * np.spacing(abs(t))


@pytest.mark.parametrize("f, g, x", [pytest.param(f, g, x, id=f"{name}-{i}")
                                     for name, f, g, pts in VECTOR_SCALAR
                                     for i, x in enumerate(pts)])
def test_gradient_exact_to_rounding(f, g, x):
    d, info = nd.gradient(f, x, method="complex", full_output=True)
    t = g(x)
    scale = max(np.max(np.abs(t)), 1.0)
    np.testing.assert_allclose(d, t, rtol=1e-13, atol=1e-13 * scale)
    assert info.nfev == x.size + 3


@pytest.mark.parametrize("f, J, x", [pytest.param(f, J, x, id=f"{name}-{i}")
                                     for name, f, J, pts in VECTOR_VECTOR
                                     for i, x in enumerate(pts)])
def test_jacobian_exact_to_rounding(f, J, x):
    d = nd.jacobian(f, x, method="cs")
    t = J(x)
    np.testing.assert_allclose(d, t, rtol=1e-13, atol=1e-13 * np.max(np.abs(t)))


def test_array_derivative_and_jvp():
    x = np.linspace(0.1, 2.0, 6).reshape(2, 3)
    np.testing.assert_allclose(nd.derivative(np.log, x, method="complex"), 1 / x,
                               rtol=1e-15)
    f = lambda v: np.array([v[0] * v[1], np.exp(v[1])])  # noqa: E731
    np.testing.assert_allclose(nd.jvp(f, [1.0, 2.0], [1.0, 1.0], method="complex"),
                               [3.0, np.exp(2.0)], rtol=1e-15)


def test_float32_keeps_float32():
    d = nd.derivative(np.sin, np.float32(1.0), method="complex")
    assert d.dtype == np.float32
    assert abs(float(d) - np.cos(1.0)) < 1e-6
    g = nd.gradient(lambda v: np.sum(np.sin(v)), np.array([1.0, 2.0], np.float32),
                    method="complex")
    assert g.dtype == np.float32


def test_vectorized_and_workers():
    x = np.linspace(0.1, 1.0, 5)
    f = lambda v: np.sum(np.exp(v) * np.arange(1, 6)[:, None] if v.ndim > 1  # noqa: E731
                         else np.exp(v) * np.arange(1, 6), axis=0)
    g = nd.gradient(f, x, method="complex", vectorized=True)
    np.testing.assert_allclose(g, np.exp(x) * np.arange(1, 6), rtol=1e-14)
    g2 = nd.gradient(lambda v: np.sum(np.exp(v) * np.arange(1, 6)), x, method="complex",
                     workers=lambda fn, pts: list(map(fn, pts)))
    np.testing.assert_allclose(g2, g, rtol=1e-15)


@pytest.mark.parametrize("f, why", [
    (math.sin, "accept complex"),
    (lambda x: float(np.sin(x)), "dropped the imaginary"),
    (lambda x: np.real(x) ** 2, "dropped the imaginary"),
    (lambda x: np.abs(x) + x, "disagrees"),
])
def test_unsafe_functions_raise_with_the_way_out(f, why):
    with pytest.raises(ValueError, match=why) as exc:
        nd.derivative(f, 1.0, method="complex")
    assert "method='central'" in str(exc.value)


def test_unsafe_gradient_detected():
    with pytest.raises(ValueError, match="method='central'"):
        nd.gradient(lambda x: np.sum(np.abs(x) * x), [1.0, -2.0], method="complex")


def test_complex_step_rejects_higher_orders():
    with pytest.raises(ValueError, match="n=1"):
        nd.derivative(np.sin, 1.0, n=2, method="complex")


def test_bounds_are_trivially_respected():
    # the complex step never moves the real part of x
    seen = []

    def f(z):
        seen.append(np.real(z))
        return np.sqrt(z)
    nd.derivative(f, 1.0, method="complex", bounds=(1.0, 2.0))
    assert all(1.0 <= r <= 2.0 for r in seen)


@pytest.mark.parametrize("f, df, x", CASES)
def test_float_fast_path_matches_the_array_path(f, df, x):
    a, ia = nd.derivative(f, float(x), method="complex", full_output=True)
    b, ib = nd.derivative(f, np.float64(x), method="complex", full_output=True)
    assert a == b and ia.error == ib.error and ia.nfev == ib.nfev


def test_float_fast_path_still_refuses_unsafe_functions():
    with pytest.raises(ValueError, match="central"):
        nd.derivative(lambda t: abs(t) ** 3, 1.5, method="complex")
    with pytest.raises(ValueError, match="central"):
        nd.derivative(lambda t: float(t) ** 2, 1.5, method="complex")


def test_non_analytic_terms_that_cancel_in_an_all_ones_direction_are_refused():
    # an L1 term with one negative and one positive variable: checking only
    # the sum of the gradient would see nothing
    with pytest.raises(ValueError, match="central"):
        nd.gradient(lambda x: np.sum(x ** 2) + np.sum(np.abs(x)), np.array([-1.0, 1.0]),
                    method="complex")


def test_small_difference_of_large_terms_is_not_called_non_analytic():
    # Powell's badly scaled function near its solution: f is 3e-6 while its
    # terms are 1, and complex exp rounds differently from real exp
    def f(x):
        return (1e4 * x[0] * x[1] - 1) ** 2 + (np.exp(-x[0]) + np.exp(-x[1]) - 1.0001) ** 2

    x = np.array([1.58021287e-05, 6.32736290e+00])
    g = nd.gradient(f, x, method="complex")
    np.testing.assert_allclose(g, nd.gradient(f, x, method="dual"), rtol=1e-12)
