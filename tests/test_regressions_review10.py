"""Regression tests for a user-level review of the public API (session 10)."""
import numpy as np
import pytest

import numdiff as nd


@pytest.mark.parametrize("f, x, g", [
    (lambda x: x ** 2, np.array([2.0]), [4.0]),
    (lambda x: x[:1] ** 2 + 3 * x[1:2], np.ones(2), [2.0, 3.0]),
    (lambda x: (x ** 2).reshape(1, 1), np.array([[2.0]]), [[4.0]]),
    (lambda x: x[0, :1] ** 2 + x[0, 1], np.array([[2.0, 5.0]]), [[4.0, 1.0]]),
])
def test_dual_gradient_of_a_size_one_output(f, x, g):
    # a scalar f may return a size-1 array: the compiled one-pass path gave
    # zeros (its output's shape was taken for a constant)
    np.testing.assert_array_equal(nd.gradient(f, x, method="dual"), g)


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "gradient-descent", "newton"])
def test_minimize_with_dual_gradients_of_a_size_one_output(method):
    # fun returns shape (1,) for x0 = 0.5: a zero gradient ended the solve at
    # x0 with success=True
    r = nd.minimize(lambda x: (x - 2) ** 2 + np.cos(x), 0.5, jac="dual", method=method,
                    **({"hess": "dual"} if method == "newton" else {}))
    assert r.success and r.nit > 0
    assert abs(2 * (r.x[0] - 2) - np.sin(r.x[0])) <= 1e-6


def test_dual_gradient_still_refuses_a_vector_output():
    with pytest.raises(ValueError, match="scalar"):
        nd.gradient(lambda x: x ** 2, np.ones(2), method="dual")


@pytest.mark.parametrize("x", [2.0, np.array(2.0)])
def test_complex_jacobian_at_a_scalar_x(x):
    # the compiled loop was handed x as shape (1,): f returned (1,) against ()
    j = nd.jacobian(np.sin, x, method="complex")
    assert np.shape(j) == () and abs(j - np.cos(2.0)) <= 1e-15
    j2 = nd.jacobian(lambda t: np.stack([t, t ** 2]), x, method="complex")
    np.testing.assert_allclose(j2, [1.0, 4.0], rtol=1e-15)


@pytest.mark.parametrize("kw", [{"method": "complex"}, {"grad": lambda t: 3 * t ** 2},
                                {"method": "central"}, {"method": "dual"}])
def test_hessian_at_a_scalar_x_is_a_numpy_scalar(kw):
    h = nd.hessian(lambda t: t ** 3, 2.0, **kw)
    assert isinstance(h, np.floating) and abs(h - 12.0) <= 1e-6


def test_dual_tanh_and_expit_keep_their_relative_accuracy_in_the_tails():
    # 1 - tanh**2 and y (1 - y) cancel: tanh'(19) was off by 77%, expit'(40)
    # was 0, each with an error estimate of about 0
    sc = pytest.importorskip("scipy.special")
    for x in (10.0, 19.0, 30.0, -19.0):
        t = 1.0 / np.cosh(x) ** 2
        for xx in (x, np.array([x, 1.0])):
            d = np.ravel(nd.derivative(np.tanh, xx, method="dual"))[0]
            assert abs(d - t) <= 1e-14 * t
    for x in (30.0, 40.0, 100.0):
        t = np.exp(-x) / (1.0 + np.exp(-x)) ** 2
        assert abs(nd.derivative(sc.expit, x, method="dual") - t) <= 1e-14 * t
        t = 1.0 / (1.0 + np.exp(x))
        assert abs(nd.derivative(sc.log_expit, x, method="dual") - t) <= 1e-14 * t
    # second derivatives through the new rules
    h = nd.derivative(np.tanh, np.array([1.0, 19.0]), n=2, method="dual")
    t2 = -2 * np.tanh([1.0, 19.0]) / np.cosh([1.0, 19.0]) ** 2
    np.testing.assert_allclose(h, t2, rtol=1e-13)


def test_dual_zeta_in_s_raises_instead_of_returning_nan_or_zero():
    sc = pytest.importorskip("scipy.special")

    def f(x):
        return np.sum(sc.zeta(x, 1.0))
    x = np.array([2.5, 3.0])
    for fn in (nd.gradient, nd.hessian, nd.hessian_diag):
        with pytest.raises(TypeError, match="zeta"):
            fn(f, x, method="dual")
    # differentiable in q
    d = nd.derivative(lambda q: sc.zeta(2.5, q), 2.0, method="dual")
    assert abs(d + 2.5 * sc.zeta(3.5, 2.0)) <= 1e-14 * abs(d)


@pytest.mark.parametrize("f, x, g", [
    (lambda x: np.sqrt(x[0]) + x[1] ** 2 + x[2], [0.0, 1.0, 4.0], [np.inf, 2.0, 1.0]),
    (lambda x: np.log(x[0]) + x[1], [0.0, 1.0], [np.inf, 1.0]),
    (lambda x: np.sqrt(x[0]) * x[1], [0.0, 2.0], [np.inf, 0.0]),
    (lambda x: np.cbrt(x[0]) + x[1], [0.0, 1.0], [np.inf, 1.0]),
])
@pytest.mark.parametrize("chunk_size", [None, 1])
def test_infinite_partial_leaves_the_other_variables_finite(f, x, g, chunk_size):
    # inf * 0 (the seed of another variable) gave nan
    with np.errstate(all="ignore"):
        r = nd.gradient(f, np.array(x), method="dual", chunk_size=chunk_size)
    np.testing.assert_array_equal(r, g)


def test_dual_jacobian_of_sqrt_at_zero_is_diagonal():
    with np.errstate(all="ignore"):
        J = nd.jacobian(np.sqrt, np.array([0.0, 1.0, 4.0]), method="dual")
    np.testing.assert_array_equal(J, np.diag([np.inf, 0.5, 0.25]))
    with np.errstate(all="ignore"):
        d = nd.derivative(np.sqrt, 0.0, method="dual")
    assert d == np.inf


@pytest.mark.parametrize("step", [True, np.bool_(True), np.array([True, True])])
def test_boolean_step_is_refused(step):
    # step=True was taken as a step of 1.0
    with pytest.raises(TypeError, match="step"):
        nd.gradient(lambda x: np.sum(np.sin(x)), np.ones(2), step=step)


def test_bounds_messages_say_what_to_use():
    with pytest.raises(ValueError, match="-np.inf"):
        nd.derivative(np.sin, 1.0, bounds=(None, 5))
    with pytest.raises(ValueError, match="SciPy-style"):
        nd.gradient(lambda x: np.sum(x), np.ones(2), bounds=[(0, 5), (0, 5)])
