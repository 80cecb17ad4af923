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
