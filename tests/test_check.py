"""Derivative checkers and numdiff.testing: verdicts, reports, tolerances."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numdiff as nd
from numdiff.testing import assert_gradient_close, assert_hessian_close, assert_jacobian_close
from numdiff.verify._checkers import planted as plant
from numdiff.verify._checkers import smooth as problem


def nonsmooth_problem(n, seed=0):
    """Not complex-step safe (abs): the checker must fall back to differences."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n)
    return (lambda x: np.sum(np.abs(x) * x) + np.sum(np.cos(x))), \
        (lambda x: 2 * np.abs(x) - np.sin(x)), x


# ------------------------------------------------------------------ the targets
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [10, 100, 1000])
def test_correct_gradients_pass_and_one_percent_errors_fail(n, dtype):
    f, g, x = problem(n, dtype)
    res = nd.check_gradient(f, g, x)
    assert res, res.report()
    k = n // 3
    bad = nd.check_gradient(f, plant(g, k, 1.01), x)
    assert not bad
    assert bad.worst_index == (k,) and bad.n_failed == 1


@pytest.mark.parametrize("method", ["auto", "complex", "dual"])
@pytest.mark.parametrize("n", [10, 100, 1000])
def test_exact_references_catch_a_hundredth_of_a_percent(n, method):
    f, g, x = problem(n)
    res = nd.check_gradient(f, plant(g, n // 2, 1.0001), x, method=method)
    expected = {"auto": "dual numbers", "dual": "dual numbers", "complex": "complex step"}
    assert res.method.startswith(expected[method])
    assert not res and res.worst_index == (n // 2,)
    assert nd.check_gradient(f, g, x, method=method)


@pytest.mark.parametrize("n", [10, 100])
def test_auto_uses_dual_numbers_where_the_complex_step_is_unsafe(n):
    # abs is not complex-step safe, but dual numbers differentiate it
    f, g, x = nonsmooth_problem(n)
    res = nd.check_gradient(f, g, x)
    assert res, res.report()
    assert res.method.startswith("dual numbers")
    bad = nd.check_gradient(f, plant(g, 1, 1.0001), x)
    assert not bad and bad.worst_index == (1,)


@pytest.mark.parametrize("n", [10, 100])
def test_functions_that_refuse_duals_and_complex_fall_back_to_differences(n):
    # float() refuses a dual and drops the imaginary part of a complex value
    f0, g, x = nonsmooth_problem(n)

    def f(x):
        return float(f0(x))

    res = nd.check_gradient(f, g, x)
    assert res, res.report()
    assert res.method.startswith("central differences")
    bad = nd.check_gradient(f, plant(g, 1, 1.01), x)
    assert not bad and bad.worst_index == (1,)


def test_a_function_that_runs_on_duals_but_wrongly_is_not_trusted():
    # f quietly computes something else for a dual input (it tests the type):
    # the pretest against real differences rejects the dual reference
    def f(x):
        if isinstance(x, np.ndarray):
            return float(np.sum(np.sin(x)))
        return np.sum(x * 0.0)

    x = np.linspace(0.1, 1.0, 12)
    res = nd.check_gradient(f, np.cos, x)
    assert res and not res.method.startswith("dual"), res.report()
    assert not nd.check_gradient(f, lambda x: 0.0 * x, x)


@pytest.mark.parametrize("n", [10, 1000])
def test_fast_mode_passes_correct_and_escalates_to_name_the_component(n):
    f, g, x = problem(n)
    res = nd.check_gradient(f, g, x, mode="fast", seed=5)
    assert res and res.mode == "fast" and res.seed == 5
    assert "caught when larger than" in str(res)
    assert res.nfev < 40
    bad = nd.check_gradient(f, plant(g, 7, 1.01), x, mode="fast", seed=5)
    assert not bad and bad.mode == "fast->full" and bad.worst_index == (7,)
    assert "seed = 5" in str(bad)


def test_fast_mode_is_deterministic():
    f, g, x = problem(50)
    a = nd.check_gradient(f, g, x, mode="fast", seed=3)
    b = nd.check_gradient(f, g, x, mode="fast", seed=3)
    np.testing.assert_array_equal(a.numeric, b.numeric)


# ------------------------------------------------------------------ report and fields
def test_result_fields_and_report():
    f, g, x = problem(5)
    res = nd.check_gradient(f, plant(g, 2, 1.5), x)
    for name in ("ok", "max_abs_error", "max_rel_error", "worst_index", "analytic", "numeric",
                 "error_estimate", "tolerance", "method", "nfev"):
        assert hasattr(res, name)
    assert res.analytic.shape == res.numeric.shape == res.tolerance.shape == (5,)
    assert res.max_rel_error == pytest.approx(0.5, rel=1e-6)
    text = str(res)
    assert text.startswith("check_gradient: FAILED: 1 of 5 entries")
    for col in ("index", "analytic", "numeric", "abs error", "rel error", "estimate",
                "tolerance"):
        assert col in text
    # ranked: the failing entry first
    first_row = text.splitlines()[4].split()
    assert first_row[0] == "2" and first_row[-1] == "FAIL"
    assert "CheckResult(ok=False" in repr(res)


def test_nan_in_the_analytic_gradient_fails():
    f, g, x = problem(4)
    res = nd.check_gradient(f, lambda x: np.where(np.arange(4) == 1, np.nan, g(x)), x)
    assert not res and res.worst_index == (1,)


def test_float32_tolerances_are_looser_but_catch_one_percent():
    f, g, x = problem(20, np.float32)
    res = nd.check_gradient(f, g, x)
    assert res.rtol == 1e-3
    res64 = nd.check_gradient(*problem(20))
    assert res64.rtol == 1e-7


def test_user_tolerances():
    f, g, x = problem(6)
    assert nd.check_gradient(f, plant(g, 0, 1.01), x, rtol=0.05)
    assert not nd.check_gradient(f, plant(g, 0, 1.001), x, rtol=1e-4)


@pytest.mark.parametrize("method", ["complex", "central", "adaptive", "dual"])
def test_every_method(method):
    f, g, x = problem(8)
    res = nd.check_gradient(f, g, x, method=method)
    assert res, res.report()
    assert not nd.check_gradient(f, plant(g, 3, 1.01), x, method=method)


def test_complex_method_refuses_unsafe_f():
    f, g, x = nonsmooth_problem(5)
    with pytest.raises(ValueError, match="central"):
        nd.check_gradient(f, g, x, method="complex")


def test_array_shaped_x_and_args():
    x = np.arange(6.0).reshape(2, 3) / 7
    res = nd.check_gradient(lambda x, a: np.sum(a * x ** 2), lambda x, a: 2 * a * x, x,
                            args=(3.0,))
    assert res and res.analytic.shape == (2, 3)
    bad = nd.check_gradient(lambda x, a: np.sum(a * x ** 2),
                            lambda x, a: 2 * a * x * np.array([[1, 1, 1], [1, 1.01, 1]]),
                            x, args=(3.0,))
    assert bad.worst_index == (1, 1)


# ------------------------------------------------------------------ Jacobian and Hessian
def test_check_jacobian():
    def F(x):
        return np.stack([x[0] * x[1], np.sin(x[1]) * x[2], np.exp(x[0]) - x[2] ** 2])

    def J(x):
        return np.array([[x[1], x[0], 0.0], [0.0, np.cos(x[1]) * x[2], np.sin(x[1])],
                         [np.exp(x[0]), 0.0, -2 * x[2]]])

    x = np.array([0.3, 1.2, -0.7])
    assert nd.check_jacobian(F, J, x)
    Jbad = lambda x: J(x) * np.where(np.arange(9).reshape(3, 3) == 5, 1.01, 1.0)  # noqa: E731
    res = nd.check_jacobian(F, Jbad, x)
    assert not res and res.worst_index == (1, 2)
    assert nd.check_jacobian(F, J, x, mode="fast", seed=1)
    assert nd.check_jacobian(F, Jbad, x, mode="fast", seed=1).worst_index == (1, 2)
    import scipy.sparse as sp
    assert nd.check_jacobian(F, lambda x: sp.csr_array(J(x)), x)


def test_check_hessian():
    def f(x):
        return x[0] ** 2 * x[1] + np.exp(x[1]) * np.sin(x[2])

    def H(x):
        return np.array([[2 * x[1], 2 * x[0], 0.0],
                         [2 * x[0], np.exp(x[1]) * np.sin(x[2]), np.exp(x[1]) * np.cos(x[2])],
                         [0.0, np.exp(x[1]) * np.cos(x[2]), -np.exp(x[1]) * np.sin(x[2])]])

    x = np.array([0.5, 0.2, 1.1])
    res = nd.check_hessian(f, H, x)
    assert res, res.report()
    Hbad = lambda x: H(x) + np.diag([0, 0.01 * H(x)[1, 1], 0])  # noqa: E731
    bad = nd.check_hessian(f, Hbad, x)
    assert not bad and bad.worst_index == (1, 1)
    assert nd.check_hessian(f, H, x, mode="fast", seed=2)


# ------------------------------------------------------------------ numdiff.testing
def test_assertions_raise_with_the_report():
    f, g, x = problem(5)
    assert_gradient_close(f, g, x)
    with pytest.raises(AssertionError, match="check_gradient: FAILED") as exc:
        assert_gradient_close(f, plant(g, 4, 1.01), x)
    assert "FAIL" in str(exc.value)
    with pytest.raises(AssertionError, match="seed = 0"):
        assert_gradient_close(f, plant(g, 4, 1.01), x, mode="fast")
    assert_jacobian_close(np.sin, lambda x: np.diag(np.cos(x)), x)
    with pytest.raises(AssertionError):
        assert_jacobian_close(np.sin, lambda x: np.diag(np.cos(x) * 1.01), x)
    assert_hessian_close(lambda x: np.sum(x ** 3), lambda x: np.diag(6 * x), x)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kw,exc,match", [
    (dict(method="spline"), ValueError, "method"),
    (dict(mode="quick"), ValueError, "mode"),
    (dict(rtol=-1.0), ValueError, "rtol"),
    (dict(atol="x"), ValueError, "atol"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_bad_arguments(kw, exc, match):
    f, g, x = problem(3)
    with pytest.raises(exc, match=match):
        nd.check_gradient(f, g, x, **kw)


def test_bad_callables_and_shapes():
    f, g, x = problem(3)
    with pytest.raises(TypeError, match="f"):
        nd.check_gradient(3, g, x)
    with pytest.raises(TypeError, match="grad"):
        nd.check_gradient(f, None, x)
    with pytest.raises(ValueError, match="grad must return shape"):
        nd.check_gradient(f, lambda x: np.ones(4), x)
    with pytest.raises(ValueError, match="scalar"):
        nd.check_gradient(lambda x: x, g, x)
    with pytest.raises(TypeError, match="real"):
        nd.check_gradient(f, lambda x: x * 1j, x)


# ------------------------------------------------------------------ properties
@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 10 ** 6),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_property_correct_passes_and_planted_error_is_named(n, seed, dtype):
    f, g, x = problem(max(n, 2), dtype, seed)
    assert nd.check_gradient(f, g, x)
    k = seed % x.size
    # a 1% error is above the absolute floor (1000 eps of the largest entry)
    floor = 0.05 if dtype == np.float32 else 1e-3
    if abs(g(x)[k]) > floor * np.max(np.abs(g(x))):
        bad = nd.check_gradient(f, plant(g, k, 1.01), x)
        assert not bad and bad.worst_index == (k,)


# ------------------------------------------------------------------ review fixes
def test_correct_gradient_at_a_minimiser_passes():
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(20, 5)), rng.normal(size=20)
    xs = np.linalg.lstsq(A, b, rcond=None)[0]
    assert nd.check_gradient(lambda x: 0.5 * np.sum((A @ x - b) ** 2),
                             lambda x: A.T @ (A @ x - b), xs)
    assert nd.check_gradient(lambda x: np.sum(np.sin(x) ** 2 + np.cos(x) ** 2), np.zeros_like,
                             np.linspace(0.1, 2.0, 5))


def test_non_analytic_terms_the_complex_step_misses_do_not_fail_correct_gradients():
    assert nd.check_gradient(lambda x: np.sum(np.abs(x) * x), lambda x: 2 * np.abs(x),
                             np.array([1.0, -2.0, 3.0]) * 1e5)
    x = np.linspace(0.5, 1.5, 100)
    assert nd.check_gradient(lambda x: 1e3 * np.sum(x ** 2) + np.abs(x[0]) * x[0],
                             lambda x: np.concatenate([[2e3 * x[0] + 2 * abs(x[0])],
                                                       2e3 * x[1:]]), x)


def test_sign_flip_near_a_kink_is_caught():
    res = nd.check_gradient(lambda x: float(np.sum(x ** 3)), lambda x: -3 * x ** 2,
                            np.array([1e-8, -2e-8, 1.5e-8]))
    assert not res


def test_fast_mode_with_a_non_finite_entry_fails():
    res = nd.check_gradient(lambda x: np.sum(x ** 2),
                            lambda x: np.where(np.arange(3) == 1, np.inf, 2 * x),
                            np.arange(1.0, 4.0), mode="fast", seed=0)
    assert not res and res.worst_index == (1,)


def test_fast_escalation_equals_the_full_check_on_float32():
    def g(x):
        out = np.array(x, dtype=np.float32)
        out[0] *= 1.5
        return out
    x = np.linspace(0.5, 1.0, 20).astype(np.float32)
    full = nd.check_gradient(lambda x: 0.5 * np.sum(x ** 2), g, x)
    fast = nd.check_gradient(lambda x: 0.5 * np.sum(x ** 2), g, x, mode="fast", seed=0)
    assert fast.mode == "fast->full" and fast.rtol == full.rtol == 1e-3
    assert fast.n_failed == full.n_failed and fast.worst_index == full.worst_index


def test_wrong_shapes_are_errors_not_reshaped():
    with pytest.raises(ValueError, match="shape"):
        nd.check_gradient(lambda x: np.sum(x ** 2), lambda x: (2 * x).T, np.ones((2, 3)))
    F = lambda x: np.stack([x[0], x[1], x[2], x[0], x[1]])  # noqa: E731
    with pytest.raises(ValueError, match="shape"):
        nd.check_jacobian(F, lambda x: np.ones((3, 5)), np.ones(3))
    # singleton axes may differ
    assert nd.check_gradient(lambda x: np.sum(x ** 2), lambda x: (2 * x)[:, None], np.ones(3))


def test_empty_jacobian_and_list_args():
    assert nd.check_jacobian(lambda x: x[:0], lambda x: np.zeros((0, 3)), np.ones(3))
    assert nd.check_gradient(lambda x, a, b: a * np.sum(x ** 2) + b, lambda x, a, b: 2 * a * x,
                             np.ones(3), args=[2.0, 1.0])


def test_nfev_counts_every_call_including_fallbacks():
    calls = [0]

    def f(x):
        calls[0] += 1
        return np.sum(np.abs(x) * x)
    res = nd.check_gradient(f, lambda x: 2 * np.abs(x), np.linspace(-1, 1, 10) + 0.05)
    assert res and res.nfev == calls[0]
    calls[0] = 0
    res = nd.check_gradient(f, lambda x: 2 * np.abs(x), np.linspace(-1, 1, 10) + 0.05,
                            mode="fast", seed=1)
    assert res.nfev == calls[0]


def test_fast_mode_without_seed_reports_one():
    f, g, x = problem(10)
    res = nd.check_gradient(f, g, x, mode="fast")
    assert isinstance(res.seed, int) and f"seed = {res.seed}" in str(res)


# ------------------------------------------------------------------ differences only
def _behind_float(n, offset=0.0):
    f0, g, x = nonsmooth_problem(n)
    return (lambda x: float(f0(x)) + offset), g, x


def test_differences_accept_agreeing_entries_without_an_estimate():
    # central differences first without their error estimate: ~2n evaluations
    f, g, x = _behind_float(300)
    res = nd.check_gradient(f, g, x)
    assert res and res.method.startswith("central differences")
    assert "300 entries agreed" in res.method
    assert res.nfev < 2.5 * x.size
    assert np.all(np.isnan(res.error_estimate))
    np.testing.assert_allclose(res.tolerance, 1e-7 * np.abs(res.numeric) + res.atol)


def test_differences_estimate_the_entries_that_disagree():
    f, g, x = _behind_float(300)
    bad = nd.check_gradient(f, plant(g, 17, 1.001), x)
    assert not bad and bad.worst_index == (17,) and bad.n_failed == 1
    assert np.isfinite(bad.error_estimate[17])
    assert "299 entries agreed" in bad.method


def test_differences_too_coarse_for_agreement_take_estimates_for_every_entry():
    # a large offset makes central differences too coarse to agree to 1e-7:
    # more than REFINE_COLUMNS columns disagree, so every entry gets an
    # estimate (the full route) and the correct gradient passes on it
    f, g, x = _behind_float(300, offset=1e10)
    res = nd.check_gradient(f, g, x)
    assert res, res.report()
    assert "agreed" not in res.method
    assert np.all(np.isfinite(res.error_estimate))
    assert not nd.check_gradient(f, plant(g, 5, 1.01), x)
