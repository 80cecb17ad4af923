import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

import numdiff as nd
from numdiff import DualArray
from numdiff.verify._catalogue import SCALAR, SCALAR_SECOND, VECTOR_SCALAR, VECTOR_VECTOR

CASES = [pytest.param(f, df, x, id=f"{name}@{x:g}") for name, f, df, pts in SCALAR
         for x in pts]


def close(a, b, rtol=2e-15):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.all(np.abs(a - b) <= rtol * max(np.max(np.abs(b)), 1e-300) + 1e-300)


@pytest.mark.parametrize("f, df, x", CASES)
def test_derivative_exact(f, df, x):
    assert close(nd.derivative(f, x, method="dual"), df(x), 4e-15)


@pytest.mark.parametrize("f, d2f, x", [pytest.param(f, d2f, x, id=f"{n}@{x:g}")
                                       for n, f, d2f, pts in SCALAR_SECOND for x in pts])
def test_second_derivative_exact(f, d2f, x):
    assert close(nd.derivative(f, x, n=2, method="dual"), d2f(x), 1e-14)


@pytest.mark.parametrize("f, g, x", [pytest.param(f, g, x, id=f"{n}-{i}")
                                     for n, f, g, pts in VECTOR_SCALAR
                                     for i, x in enumerate(pts)])
@pytest.mark.parametrize("chunk_size", [None, 1, 3])
def test_gradient_exact(f, g, x, chunk_size):
    assert close(nd.gradient(f, x, method="dual", chunk_size=chunk_size), g(x), 1e-14)


@pytest.mark.parametrize("f, J, x", [pytest.param(f, J, x, id=f"{n}-{i}")
                                     for n, f, J, pts in VECTOR_VECTOR
                                     for i, x in enumerate(pts)])
def test_jacobian_exact(f, J, x):
    try:
        d = nd.jacobian(f, x, method="dual")
    except TypeError as exc:
        # catalogue functions that build outputs with np.array([...]) are refused
        assert "np.stack" in str(exc)
        return
    assert close(d, J(x), 1e-14)


def test_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = 1, not 2 (Siskind & Pearlmutter 2005)
    d = nd.derivative(lambda x: x * nd.derivative(lambda y: x + y, 1.0, method="dual"),
                      1.0, method="dual")
    assert d == 1.0


def test_nested_hessian_of_rosenbrock():
    f = VECTOR_SCALAR[0][1]
    x = np.array([1.0, 2.0, 3.0])
    H = nd.jacobian(lambda v: nd.gradient(f, v, method="dual"), x, method="dual")
    assert np.array_equal(H, [[402.0, -400.0, 0.0], [-400.0, 3802.0, -800.0],
                              [0.0, -800.0, 200.0]])


@pytest.mark.parametrize("n, exact", [(1, np.cos), (2, lambda x: -np.sin(x)),
                                      (3, lambda x: -np.cos(x)), (4, np.sin)])
def test_orders(n, exact):
    assert close(nd.derivative(np.sin, 0.7, n=n, method="dual"), exact(0.7), 1e-15)


def test_array_functions_and_operators():
    x0 = np.array([0.5, 1.5, 2.5])

    def f(x):
        y = np.concatenate([x[:1] ** 2, np.sin(x[1:])])
        z = np.where(x > 1.0, y, -y)
        return (np.sum(z * x) + np.prod(x) + np.linalg.norm(x) + np.max(x)
                + np.mean(np.exp(-x)) + x @ x + np.dot(x, np.ones(3)) + np.tanh(x).sum())
    g = nd.gradient(f, x0, method="dual")
    assert close(g, nd.gradient(f, x0, adaptive=True), 1e-9)


def test_scipy_special_ufuncs():
    x = np.array([0.3, 0.7])
    for fn in (special.erf, special.expit, special.gammaln, special.ndtr):
        assert close(nd.derivative(fn, x, method="dual"),
                     nd.derivative(fn, x, adaptive=True), 1e-9)


@pytest.mark.parametrize("convert", [float, int, complex, lambda d: [0, 1][d],
                                     lambda d: np.asarray(d, dtype=float),
                                     lambda d: np.array([d, d]), math.sin])
def test_never_silent(convert):
    def f(x):
        convert(x)
        return x
    with pytest.raises(TypeError, match="derivative"):
        nd.derivative(f, 1.0, method="dual")


def test_writing_into_float_array_raises():
    def f(x):
        out = np.zeros(2)
        out[0] = x[0]
        return np.sum(out)
    with pytest.raises(TypeError, match="derivative"):
        nd.gradient(f, [1.0, 2.0], method="dual")


def test_documented_kinks():
    assert nd.derivative(np.abs, 0.0, method="dual") == 0.0
    assert nd.derivative(lambda x: np.maximum(x, 1.0), 1.0, method="dual") == 1.0
    assert nd.derivative(lambda x: np.minimum(1.0, x), 1.0, method="dual") == 0.0
    assert np.isinf(nd.derivative(np.sqrt, 0.0, method="dual"))


def test_shapes_and_dtypes():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    assert nd.gradient(lambda v: np.sum(v ** 2), x, method="dual").shape == (2, 3)
    assert nd.jacobian(lambda v: v * 2.0, x, method="dual").shape == (2, 3, 2, 3)
    assert nd.jacobian(lambda v: np.sum(v), x, method="dual").shape == (2, 3)
    d = nd.derivative(np.sin, 1.0, method="dual")
    assert np.ndim(d) == 0
    g = nd.gradient(lambda v: np.sum(v ** 2), [1, 2], method="dual")
    assert g.dtype == np.float64


def test_jvp_and_full_output():
    f = VECTOR_VECTOR[0][1]
    J = VECTOR_VECTOR[0][2]
    x = VECTOR_VECTOR[0][3][1]
    v = np.linspace(-1, 1, x.size)
    d, info = nd.jvp(f, x, v, method="dual", full_output=True)
    assert close(d, J(x) @ v, 1e-14)
    assert info.method == "dual" and info.nfev == 1


def test_constant_function_has_zero_derivative():
    assert nd.gradient(lambda v: 3.0, [1.0, 2.0], method="dual").tolist() == [0.0, 0.0]


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_property_product_rule(a, b):
    f = lambda x: np.sin(x) * np.exp(x) + x ** 3  # noqa: E731
    d = nd.derivative(f, a, method="dual")
    exact = np.cos(a) * np.exp(a) + np.sin(a) * np.exp(a) + 3 * a * a
    assert abs(d - exact) <= 1e-14 * max(1.0, abs(exact))


def test_dualarray_basics():
    x = DualArray(np.array([1.0, 2.0]), np.eye(2), tag=1)
    assert x.shape == (2,) and len(x) == 2
    assert (x + 1).partials.tolist() == np.eye(2).tolist()
    with pytest.raises(TypeError, match="derivative"):
        float(x[0])
