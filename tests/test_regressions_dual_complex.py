"""Regression tests for the review of the complex step and dual numbers."""
import warnings

import numpy as np
import pytest

import numdiff as nd


@pytest.mark.parametrize("f", [lambda v: v @ v, lambda v: np.dot(v, v), lambda v: np.prod(v),
                               lambda v: np.max(v * v, axis=0),
                               lambda v: v @ np.outer(v, v) @ v])
def test_nested_hessians_of_array_functions(f):
    x = np.array([1.0, 2.0, 3.0])
    H = nd.hessian(f, x, method="dual")
    ref = nd.jacobian(lambda u: nd.gradient(f, u, method="dual"), x, method="central")
    np.testing.assert_allclose(H, ref, rtol=1e-6, atol=1e-6)


def test_vector_times_3d_array():
    C = np.arange(24.0).reshape(2, 4, 3)
    x = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_allclose(nd.jacobian(lambda v: v @ C, x, method="dual"),
                               nd.jacobian(lambda v: v @ C, x, method="complex"), rtol=1e-14)


def test_sum_where_initial_and_out_refused():
    x = np.array([1.0, 2.0, 3.0])
    g = nd.gradient(lambda v: np.sum(v, where=np.array([True, False, True])), x,
                    method="dual")
    assert g.tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(TypeError, match="out="):
        nd.gradient(lambda v: np.sum(v, axis=0, out=np.zeros(())), x, method="dual")
    with pytest.raises(TypeError, match="initial="):
        nd.gradient(lambda v: np.max(v, initial=10.0), x, method="dual")


def test_power_zero_exponent_at_zero():
    g = nd.gradient(lambda v: np.sum(v ** np.arange(3.0)), np.zeros(3), method="dual")
    assert g.tolist() == [0.0, 1.0, 0.0]
    assert nd.derivative(lambda t: t ** 0.0 + t, 0.0, method="dual") == 1.0


def test_setitem_of_scalar_dual_and_bool_of_nested():
    def f(x):
        y = x * 1.0
        y[0] = x[1] * x[2]
        return np.sum(y)
    assert nd.gradient(f, [1.0, 2.0, 3.0], method="dual").tolist() == [0.0, 4.0, 3.0]
    d = nd.derivative(lambda t: t ** 3 if t else t, 2.0, n=2, method="dual")
    assert d == 12.0


def test_hessian_nfev_positive():
    _, info = nd.hessian(lambda x: np.sum(x ** 3), np.ones(5), method="dual",
                         chunk_size=2, full_output=True)
    assert info.nfev > 0


@pytest.mark.parametrize("call", [
    lambda: nd.jvp(lambda x: x * np.abs(x), [-1.5, 2.0], [1.0, 1.0], method="complex"),
    lambda: nd.derivative(lambda x: x * np.abs(x) + 10 * x, np.array([1.0]),
                          method="complex"),
    lambda: nd.gradient(lambda x: x[0] ** 2 + x[1] * np.abs(x[1]), [1.0, 0.1],
                        method="complex"),
])
def test_complex_step_small_breakage_detected(call):
    with pytest.raises(ValueError, match="method='central'"):
        call()


def test_complex_step_nonfinite_f_is_nan_and_warned():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        d = nd.derivative(np.sqrt, [-1.0, 4.0], method="complex")
    assert np.isnan(d[0]) and d[1] == 0.25
    assert any("not finite" in str(w.message) for w in rec)


def test_complex_step_small_x_no_false_alarm_and_bounds():
    assert nd.derivative(lambda x: 1 / x, 1e-9, method="complex") == pytest.approx(-1e18)
    assert nd.derivative(np.log, 1e-9, method="complex") == pytest.approx(1e9)
    seen = []

    def g(t):
        seen.append(np.real(t))
        return np.sqrt(t)
    nd.derivative(g, 1.0, bounds=(0, 1), method="complex")
    assert max(seen) <= 1.0


def test_complex_step_vectorized():
    g = nd.gradient(lambda X: np.sum(np.sin(X) * X, axis=-2), np.array([0.5, 1.0]),
                    vectorized=True, method="complex")
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-14)


def test_dual_validates_unused_options():
    with pytest.raises(ValueError, match="step"):
        nd.gradient(lambda v: np.sum(v), [1.0], method="dual", step=-1.0)
    with pytest.raises(TypeError, match="workers"):
        nd.gradient(lambda v: np.sum(v), [1.0], method="dual", workers="a")
    with pytest.raises(TypeError, match="v must be"):
        nd.jvp(lambda v: v, [1.0], "ab", method="dual")


@pytest.mark.parametrize("name", ["digamma", "j0", "i0", "j1", "i1"])
def test_special_rules_differentiable_twice(name):
    from scipy import special
    fn = getattr(special, name)
    x = np.array([0.7, 1.3])
    d2 = nd.derivative(fn, x, n=2, method="dual")
    ref = nd.derivative(fn, x, n=2, adaptive=True)
    np.testing.assert_allclose(d2, ref, rtol=1e-8)


def test_fmax_nan_domain_and_hstack():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert nd.derivative(lambda x: np.fmax(x, np.nan), 2.0, method="dual") == 1.0
        assert np.isnan(nd.derivative(np.log, -1.0, method="dual"))
        d = nd.derivative(np.log, np.array([-1.0, 2.0]), method="dual")
    assert np.isnan(d[0]) and d[1] == 0.5
    g = nd.gradient(lambda v: np.sum(np.hstack([v[0], v[1]]) ** 2), [1.0, 2.0],
                    method="dual")
    assert g.tolist() == [2.0, 4.0]


@pytest.mark.parametrize("method", ["central", "forward", "complex", "dual"])
def test_f_writing_into_its_argument_changes_neither_x_nor_v(method):
    # the dual jvp used v itself as the seed's partials: f's x[0] = ... wrote into v
    def f(x):
        x[0] = x[0] * 2
        return np.sum(x ** 2)

    x = np.array([1.0, -1.0, 0.5])
    v = np.array([1.0, -1.0, 0.5])
    assert nd.jvp(f, x, v, method=method) == pytest.approx(10.5, rel=1e-8)
    if method != "complex":          # hvp by the complex step needs grad=
        np.testing.assert_allclose(nd.hvp(f, x, v, method=method), [8.0, -2.0, 1.0],
                                   rtol=1e-6)
    assert x.tolist() == [1.0, -1.0, 0.5] and v.tolist() == [1.0, -1.0, 0.5]
