"""Regression tests for defects found in review (one test per finding)."""
import warnings

import numpy as np
import pytest

import numdiff as nd


def recorder(f, lb, ub):
    seen = []

    def g(t):
        t = np.asarray(t, dtype=np.float64)
        seen.append(t.copy())
        return f(t)
    return g, seen


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("adaptive, full_output", [(False, False), (False, True),
                                                   (True, True)])
def test_bounds_hold_with_error_estimates_and_tiny_room(n, adaptive, full_output):
    for lb, ub, x in [(0.999, 1.001, 1.0), (1.0, 1.0 + 3e-11, 1.0), (0.0, 1.0, 1e-12)]:
        g, seen = recorder(lambda t: 1e8 + t + np.sin(t), lb, ub)
        nd.derivative(g, x, n=n, bounds=(lb, ub), adaptive=adaptive,
                      full_output=full_output)
        pts = np.concatenate([np.ravel(p) for p in seen])
        assert pts.min() >= lb and pts.max() <= ub, (lb, ub, x)


def test_bounds_hold_for_float32_points():
    rng = np.random.default_rng(0)
    for _ in range(50):
        lb, ub = np.sort(rng.uniform(1.2, 1.3, 2))
        x = np.float32(rng.uniform(lb, ub))
        if not lb <= float(x) <= ub:
            continue
        g, seen = recorder(np.sin, lb, ub)
        nd.derivative(g, x, n=3, bounds=(lb, ub), adaptive=True)
        pts = np.concatenate([np.ravel(p) for p in seen])
        assert pts.min() >= lb and pts.max() <= ub


def test_gradient_bounds_hold_with_full_output():
    lb, ub = np.array([0.999, -1.0]), np.array([1.001, 1.0])
    seen = []

    def f(x):
        seen.append(x.copy())
        return 1e8 + np.sum(x)
    nd.gradient(f, [1.0, 0.0], bounds=(lb, ub), full_output=True)
    pts = np.array(seen)
    assert np.all(pts >= lb) and np.all(pts <= ub)


def test_non_elementwise_f_is_rejected():
    with pytest.raises(ValueError, match="elementwise"):
        nd.derivative(lambda x: np.sum(x ** 2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="elementwise"):
        nd.derivative(lambda x: np.ones(1), [1.0, 2.0, 3.0])


def test_nonfinite_f_at_x_warns_for_gradient():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        g, info = nd.gradient(lambda x: np.nan, [1.0, 2.0], full_output=True)
    assert np.all(np.isnan(g)) and not info.success
    assert "not finite" in info.message
    assert sum(issubclass(w.category, RuntimeWarning) for w in rec) == 1


def test_jvp_uses_the_curvature_check():
    f = lambda x: float(np.sum(np.log(x)))  # noqa: E731
    x, v = np.array([1e-7, 1.0]), np.ones(2)
    exact = 1e7 + 1.0
    d, info = nd.jvp(f, x, v, full_output=True)
    assert abs(d - exact) / exact < 1e-6
    assert abs(d - exact) <= info.error
    d, info = nd.jvp(f, x, v, adaptive=True, full_output=True)
    assert abs(d - exact) / exact < 1e-6
    assert abs(d - exact) <= info.error


def test_large_arguments_higher_derivatives():
    assert nd.derivative(lambda x: x ** 3, 1e3, n=3) == pytest.approx(6.0, rel=1e-6)
    assert nd.derivative(lambda x: x ** 3, 1e8, n=2) == pytest.approx(6e8, rel=1e-6)
    assert nd.derivative(np.log, 1e8) == pytest.approx(1e-8, rel=1e-6)


def test_stationary_points_cost_no_extra_evaluations():
    _, info = nd.gradient(lambda x: np.sum(x ** 2), np.zeros(5), full_output=True)
    # two steps of the two-point stencil, f(x), and the seven points that
    # measure f's noise for the error bounds
    assert info.nfev == 21 + 7


def test_elementwise_nfev_counts_points():
    calls = []

    def f(x):
        calls.append(np.size(x))
        return np.exp(x)
    _, info = nd.derivative(f, np.linspace(0, 1, 7), full_output=True)
    assert info.nfev == sum(calls)


def test_jvp_rejects_bad_workers():
    with pytest.raises(TypeError, match="workers"):
        nd.jvp(np.sum, [1.0], [1.0], workers="garbage")
    with pytest.raises(ValueError, match="workers"):
        nd.jvp(np.sum, [1.0], [1.0], workers=0)


def test_huge_integer_x_is_rejected_cleanly():
    with pytest.raises((TypeError, ValueError)):
        nd.derivative(np.sin, 10 ** 400)


@pytest.mark.parametrize("f, df, x", [
    (lambda t: 1 / t, lambda t: -1 / t ** 2, 1e-8),
    (np.log, lambda t: 1 / t, 1e-8),
    (np.sqrt, lambda t: 0.5 / np.sqrt(t), 1e-8),
    (lambda t: 1 / t, lambda t: -1 / t ** 2, -1e-6),
])
def test_singularity_at_zero_close_to_x(f, df, x):
    d, info = nd.derivative(f, x, full_output=True)
    assert abs(d - df(x)) / abs(df(x)) < 1e-6
    assert abs(d - df(x)) <= info.error


def test_output_nonfinite_at_x_does_not_spoil_other_entries():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        J = nd.jacobian(np.log, [1e-7, 0.0])
    assert J[0, 0] == pytest.approx(1e7, rel=1e-6)
    assert J[0, 1] == 0.0 and np.all(np.isnan(J[1]))


def test_one_bad_output_keeps_the_rest_of_the_column():
    def iso(x):
        return 0.0 if np.all(x == [1.0, 2.0]) else np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        J = nd.jacobian(lambda x: np.array([iso(x), x[0]]), [1.0, 2.0])
    assert np.all(np.isnan(J[0]))
    np.testing.assert_allclose(J[1], [1.0, 0.0], atol=1e-9)


@pytest.mark.parametrize("method", ["central", "forward", "backward"])
def test_structural_zeros_are_exact(method):
    f = lambda x: np.array([x[0] ** 2 + 1e8, 3 * x[1] + 1e8])  # noqa: E731
    for kw in ({}, {"vectorized": False}, {"full_output": False}):
        J = nd.jacobian(f, [1.0, 2.0], method=method, **kw)
        assert J[0, 1] == 0.0 and J[1, 0] == 0.0


# ------------------------------------------------- batch fast paths (session 4 review)
def _map(func, pts):
    return list(map(func, pts))


@pytest.mark.parametrize("how", ["vectorized", "workers"])
def test_batch_forward_differences_retry_points_that_are_not_finite(how):
    # the order-1 batch shortcut has no curvature check: values that are not
    # finite must still get the engine's other stencils, not a silent nan
    def fb(X):
        return np.where(X[0] > 1.0, np.nan, X[0] ** 2) + X[1] ** 2

    def f(x):
        return fb(x[:, None])[0]

    kw = {"vectorized": True} if how == "vectorized" else {"workers": _map}
    g, info = nd.gradient(fb if how == "vectorized" else f, np.array([1.0, 2.0]),
                          method="forward", order=1, full_output=True, **kw)
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-6)
    assert str(info.stencil[0]) == "backward"


@pytest.mark.parametrize("vectorized", [False, True])
def test_float32_default_step_is_representable_at_large_x(vectorized):
    x = np.array([1e8, 1.0], np.float32)

    def f(X):
        return np.stack([2 * X[0], 3 * X[1] ** 2])
    J = nd.jacobian(f, x, method="forward", order=1, vectorized=vectorized)
    np.testing.assert_allclose(J, [[2.0, 0.0], [0.0, 6.0]], rtol=2e-3, atol=0)


def test_vectorized_f_with_complex_values_outside_its_domain():
    # np.emath.sqrt turns the whole batch complex when one point is negative
    g = nd.gradient(lambda X: np.sum(np.emath.sqrt(X), axis=0), np.array([1e-9, 2.0]),
                    vectorized=True)
    np.testing.assert_allclose(g, 0.5 / np.sqrt([1e-9, 2.0]), rtol=1e-6)


@pytest.mark.parametrize("full_output", [False, True])
@pytest.mark.parametrize("method,order", [("central", 2), ("forward", 1)])
def test_vectorized_evaluations_are_those_of_the_serial_path(method, order, full_output):
    from numdiff.verify._catalogue import _rosen
    calls = []

    def fb(X):
        calls.append(X.shape[-1])
        return np.sum(100.0 * (X[1:] - X[:-1] ** 2) ** 2 + (1 - X[:-1]) ** 2, axis=0)

    x = np.linspace(-1.0, 1.0, 7) + 0.3
    out_v = nd.gradient(fb, x, method=method, order=order, vectorized=True,
                        full_output=full_output)
    out_s = nd.gradient(_rosen, x, method=method, order=order, full_output=full_output)
    if full_output:
        assert out_v[1].nfev == out_s[1].nfev == sum(calls)
    np.testing.assert_allclose(out_v[0] if full_output else out_v,
                               out_s[0] if full_output else out_s, rtol=1e-7)
    if not full_output:
        assert len(calls) <= 2          # f(x) travels with the first sweep


def test_checker_does_not_trust_a_dual_path_that_differs_from_f():
    # f adds a small term only for ndarray input: the dual path misses it,
    # and the check must not pass on the dual reference
    def f(x):
        return np.sum(x ** 2) + (5e-7 * x[0] if isinstance(x, np.ndarray) else 0.0)

    res = nd.check_gradient(f, lambda x: 2 * x, np.array([0.7, -1.3, 2.1]))
    assert not res and not res.method.startswith("dual")
    assert res.worst_index == (0,)


@pytest.mark.parametrize("f,x", [
    # a huge constant offset: rounding the noise measurement must not hide
    (lambda x: 1e12 + np.sin(x[0]) * np.exp(x[1]), np.array([1.3, -0.6])),
    # float32 x far from 0: the noise probe's steps round away
    (lambda x: np.cos(x[0] / 30), np.array([1.3, 392.6], dtype=np.float32)),
    (lambda x: np.sin(x[0]) + np.cos(x[1] / 100), np.array([66.9, 250.1], dtype=np.float32)),
])
def test_hessian_error_bounds_cover_when_the_noise_cannot_be_measured(f, x):
    # ECnoise measured "zero noise" there (no value changed), and the rounding
    # bounds were scaled down by it (and by float64's eps for float32 x)
    exact = nd.hessian(f, x.astype(np.float64), method="dual")
    H, info = nd.hessian(f, x, full_output=True)
    tiny = 10 * np.finfo(np.float64).eps * np.max(np.abs(exact))
    assert np.all(np.abs(H - exact) <= info.error + tiny)


def test_noise_level_reports_no_measure_rather_than_zero():
    from numdiff.differentiate._hessian import noise_level
    x32 = np.array([1.3, 392.6], dtype=np.float32)      # the 1e-6 steps round away
    sigma, nfev = noise_level(lambda v: float(np.sum(v)), x32, float(np.sum(x32)))
    assert np.isnan(sigma)
    quantised = lambda v: float(np.round(np.sum(v), 3))  # noqa: E731
    x = np.array([0.5, 0.25])
    sigma, nfev = noise_level(quantised, x, quantised(x))
    assert np.isnan(sigma) and nfev == 7
