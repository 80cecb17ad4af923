"""nd.root: Newton and Broyden, honest flags for no root and singular roots."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numdiff as nd
from numdiff.optimize._root_api import ROOT_STATUS

METHODS = ["newton", "broyden"]


def circle(x):
    return np.array([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]])


def circle_jac(x):
    return np.array([[2 * x[0], 2 * x[1]], [1.0, -1.0]])


def powell_singular(x):
    return np.stack([x[0] + 10 * x[1], np.sqrt(5.0) * (x[2] - x[3]),
                     (x[1] - 2 * x[2]) ** 2, np.sqrt(10.0) * (x[0] - x[3]) ** 2])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("jac", [None, "forward", "complex", "dual", "callable"])
def test_simple_root(method, jac):
    calls = [0]

    def F(x):
        calls[0] += 1
        return np.stack([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]])

    res = nd.root(F, [1.0, 0.5], method=method, jac=circle_jac if jac == "callable" else jac)
    assert res.success and res.status == 0 and not res.singular
    np.testing.assert_allclose(res.x, np.sqrt(2.0), rtol=1e-12)
    assert np.max(np.abs(res.fun)) <= 1e-10
    np.testing.assert_array_equal(res.fun, circle(res.x))
    assert res.nfev == calls[0]
    assert res.jac.shape == (2, 2)


def test_broyden_uses_fewer_jacobians():
    rn = nd.root(circle, [1.0, 0.5], jac=circle_jac)
    rb = nd.root(circle, [1.0, 0.5], jac=circle_jac, method="broyden")
    assert rb.success and rb.njev < rn.njev


@pytest.mark.parametrize("method", METHODS)
def test_no_real_root_is_not_success(method):
    res = nd.root(lambda x: x ** 2 + 1.0, 0.5, method=method)
    assert not res.success and res.status == 4
    assert "not a root" in res.message


@pytest.mark.parametrize("method", METHODS)
def test_local_minimum_of_the_residual_is_not_success(method):
    # Freudenstein-Roth from the standard start: Newton-type methods stop at
    # the local minimum of |F|^2 near (11.41, -0.897), which is not a root
    def F(x):
        return np.stack([-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1],
                         -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]])

    res = nd.root(F, [0.5, -2.0], method=method)
    if res.success:
        np.testing.assert_allclose(res.x, [5.0, 4.0], atol=1e-8)
    else:
        assert res.status == 4 and np.max(np.abs(res.fun)) > 1.0


@pytest.mark.parametrize("method", METHODS)
def test_singular_root_is_reported(method):
    res = nd.root(powell_singular, [3.0, -1.0, 0.0, 1.0], method=method)
    assert res.success and res.singular
    assert "singular" in res.message
    res = nd.root(lambda x: (x - 1.0) ** 3, 3.0, method=method)
    assert res.success and res.singular


@pytest.mark.parametrize("method", METHODS)
def test_simple_roots_are_not_called_singular(method):
    for F, x0 in [(lambda x: np.exp(x) - 2.0, 0.0), (circle, [1.0, 0.5]),
                  (lambda x: np.stack([np.sin(x[0]) + x[1], x[0] - 2 * x[1] + 0.3]),
                   [0.2, 0.1])]:
        res = nd.root(F, x0, method=method)
        assert res.success and not res.singular


@pytest.mark.parametrize("method", METHODS)
def test_linear_system(method):
    rng = np.random.default_rng(2)
    A = rng.standard_normal((6, 6)) + 6 * np.eye(6)
    b = rng.standard_normal(6)
    res = nd.root(lambda x: A @ x - b, np.zeros(6), method=method, jac=lambda x: A)
    assert res.success
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-10)
    if method == "newton":
        assert res.nit == 1


def test_singular_jacobian_along_the_way_uses_the_regularised_step():
    # J is singular at x0 = 0 (derivative of x^2 - 1 vanishes): Newton must
    # not divide by zero
    res = nd.root(lambda x: x ** 2 - 1.0, 0.0, jac=lambda x: np.diag(2 * x))
    assert np.isfinite(res.x).all()
    if res.success:
        np.testing.assert_allclose(np.abs(res.x), 1.0)


def test_maxiter_and_maxfev():
    res = nd.root(powell_singular, [3.0, -1.0, 0.0, 1.0], maxiter=3)
    assert not res.success and res.status == 2 and res.nit == 3
    res = nd.root(powell_singular, [3.0, -1.0, 0.0, 1.0], options={"maxfev": 20})
    assert not res.success and res.status == 3


def test_xtol_fires_only_when_asked():
    res = nd.root(powell_singular, [3.0, -1.0, 0.0, 1.0], options={"xtol": 1e-3})
    assert res.success and res.status == 1 and "xtol" in res.message


def test_non_finite():
    with np.errstate(invalid="ignore"):
        res = nd.root(lambda x: np.sqrt(x) - 1.0, -1.0)
    assert not res.success and res.status == 5


def test_callback_and_stop_iteration():
    seen = []

    def cb(intermediate_result):
        seen.append(intermediate_result)
        if intermediate_result.nit == 2:
            raise StopIteration

    res = nd.root(powell_singular, [3.0, -1.0, 0.0, 1.0], callback=cb)
    assert res.status == 6 and not res.success and res.nit == 2 and len(seen) == 2
    np.testing.assert_array_equal(seen[-1].x, res.x)
    np.testing.assert_array_equal(seen[-1].fun, powell_singular(res.x))


def test_status_codes_documented():
    assert set(ROOT_STATUS) == set(range(7))


@pytest.mark.parametrize("x0", [[1.0, 0.5], (1, 0), np.array([1.0, 0.5], np.float32)])
def test_input_kinds(x0):
    res = nd.root(circle, x0)
    assert res.success and res.x.dtype == np.float64


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(method="hybr"), ValueError, "method"),
    (dict(jac="spline"), ValueError, "jac"),
    (dict(jac=3), TypeError, "jac"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(maxiter=-1), ValueError, "maxiter"),
    (dict(options={"ftol": 1.0}), ValueError, "options"),
    (dict(callback=1), TypeError, "callback"),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nd.root(circle, [1.0, 0.5], **kwargs)


def test_bad_returns():
    with pytest.raises(ValueError, match="size"):
        nd.root(lambda x: np.ones(3), [1.0, 0.5])
    with pytest.raises(ValueError, match="shape"):
        nd.root(circle, [1.0, 0.5], jac=lambda x: np.ones((3, 2)))
    with pytest.raises(TypeError, match="real"):
        nd.root(lambda x: x * 1j, [1.0, 0.5])
    with pytest.raises(TypeError, match="fun"):
        nd.root(None, [1.0])
    with pytest.raises(ValueError, match="x0"):
        nd.root(circle, [np.nan, 0.0])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 10 ** 6), method=st.sampled_from(METHODS))
def test_property_success_means_small_residual(n, seed, method):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    c = rng.standard_normal(n)

    def F(x):
        return A @ np.tanh(x) + 0.5 * x - c

    res = nd.root(F, rng.standard_normal(n), method=method)
    if res.success:
        assert np.max(np.abs(F(res.x))) <= 1e-10
    else:
        assert res.status in (2, 3, 4)


def test_broyden_does_not_call_a_well_conditioned_root_singular():
    A = np.array([[0.042, -0.263, -0.818], [-0.601, 3.469, 1.12], [1.74, 0.274, 3.239]])
    b = np.array([2.102, -0.666, 0.416])
    res = nd.root(lambda x: A @ x + 0.1 * x ** 3 - b, [7.476, -1.792, -0.482],
                  method="broyden", jac=lambda x: A + np.diag(0.3 * x ** 2))
    assert res.success and not res.singular


@pytest.mark.parametrize("method", METHODS)
def test_maxfev_is_a_budget(method):
    calls = [0]

    def F(x):
        calls[0] += 1
        return powell_singular(x)

    res = nd.root(F, [3.0, -1.0, 0.0, 1.0], method=method, options={"maxfev": 10})
    assert res.status == 3 and res.nfev == calls[0] <= 10 + 2 * 4 + 1


def test_method_type_error():
    with pytest.raises(TypeError, match="method"):
        nd.root(circle, [1.0, 0.5], method=None)


def test_workers_give_the_serial_result_and_count():
    from concurrent.futures import ThreadPoolExecutor
    ref = nd.root(circle, [1.0, 0.5])
    with ThreadPoolExecutor(2) as ex:
        res = nd.root(circle, [1.0, 0.5], options={"workers": ex.map})
    np.testing.assert_array_equal(res.x, ref.x)
    assert res.nfev == ref.nfev and res.success
