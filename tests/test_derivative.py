import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import numdiff as nd
from numdiff.verify._catalogue import SCALAR, SCALAR_SECOND

CASES = [pytest.param(f, df, x, id=f"{name}@{x:g}") for name, f, df, pts in SCALAR for x in pts]
CASES2 = [pytest.param(f, d2f, x, id=f"{name}@{x:g}")
          for name, f, d2f, pts in SCALAR_SECOND for x in pts]


def rel(a, b):
    return abs(a - b) / abs(b)


@pytest.mark.parametrize("f, df, x", CASES)
def test_central_default_accuracy(f, df, x):
    assert rel(nd.derivative(f, x), df(x)) <= 1e-8


@pytest.mark.parametrize("f, df, x", CASES)
def test_forward_backward_default_accuracy(f, df, x):
    assert rel(nd.derivative(f, x, method="forward"), df(x)) <= 1e-6
    assert rel(nd.derivative(f, x, method="backward"), df(x)) <= 1e-6


@pytest.mark.parametrize("f, df, x", CASES)
def test_adaptive_accuracy_and_honest_error(f, df, x):
    d, info = nd.derivative(f, x, adaptive=True, full_output=True)
    true = df(x)
    assert rel(d, true) <= 1e-10
    assert info.success
    # honest, allowing rounding of the exact value itself
    assert abs(d - true) <= info.error + 4 * np.spacing(abs(true))


@pytest.mark.parametrize("f, d2f, x", CASES2)
def test_second_derivative(f, d2f, x):
    assert rel(nd.derivative(f, x, n=2), d2f(x)) <= 1e-6
    assert rel(nd.derivative(f, x, n=2, adaptive=True), d2f(x)) <= 1e-8


def test_issue_targets_large_and_small_arguments():
    # SciPy's relative step gives 6e-4 for the first; numdifftools and
    # scipy.differentiate return nan for the second.
    assert rel(nd.derivative(np.sin, 1e4), np.cos(1e4)) <= 1e-8
    assert rel(nd.derivative(np.log, 1e-3), 1e3) <= 1e-8


@pytest.mark.parametrize("n, exact", [(1, np.cos), (2, lambda x: -np.sin(x)),
                                      (3, lambda x: -np.cos(x)), (4, np.sin)])
@pytest.mark.parametrize("method", ["central", "forward", "backward"])
def test_orders_one_to_four(n, exact, method):
    x = 0.7
    tol = {1: 1e-6, 2: 1e-5, 3: 1e-4, 4: 1e-3}[n]
    assert abs(nd.derivative(np.sin, x, n=n, method=method) - exact(x)) <= tol
    d, info = nd.derivative(np.sin, x, n=n, method=method, adaptive=True, full_output=True)
    assert abs(d - exact(x)) <= max(info.error, 1e-15)
    assert info.error < tol


@pytest.mark.parametrize("order", [2, 4, 6, 8])
def test_higher_order_central_is_more_accurate(order):
    d = nd.derivative(np.exp, 0.3, order=order)
    assert rel(d, np.exp(0.3)) <= {2: 1e-9, 4: 1e-11, 6: 1e-12, 8: 1e-12}[order]


def test_aliases():
    a = nd.derivative(np.exp, 1.0, method="3-point")
    b = nd.derivative(np.exp, 1.0, method="central")
    assert a == b
    assert nd.derivative(np.exp, 1.0, method="2-point") == nd.derivative(
        np.exp, 1.0, method="forward")


def test_array_input_is_elementwise_and_keeps_shape():
    x = np.linspace(0.1, 3.0, 12).reshape(3, 4)
    d = nd.derivative(np.log, x)
    assert d.shape == (3, 4)
    np.testing.assert_allclose(d, 1 / x, rtol=1e-8)
    d, info = nd.derivative(np.log, x, full_output=True)
    assert info.error.shape == (3, 4) and info.step.shape == (3, 4)
    assert np.all(np.abs(d - 1 / x) <= info.error)


@pytest.mark.parametrize("x", [2, [1, 2], np.array(3), np.float64(0.5), True])
def test_integer_list_zero_d_inputs(x):
    d = nd.derivative(np.exp, x)
    assert np.shape(d) == np.shape(x)
    np.testing.assert_allclose(d, np.exp(np.asarray(x, float)), rtol=1e-8)
    assert np.asarray(d).dtype == np.float64


def test_read_only_and_non_contiguous_input():
    base = np.linspace(0.5, 2.0, 10)
    x = base[::2]
    assert not x.flags.c_contiguous
    x.flags.writeable = False
    d = nd.derivative(np.sin, x)
    np.testing.assert_allclose(d, np.cos(x), rtol=1e-8)
    assert not x.flags.writeable


def test_float32_steps_and_dtype():
    x32 = np.float32(1.0)
    d, info = nd.derivative(np.sin, x32, full_output=True)
    assert d.dtype == np.float32
    # float32-appropriate: an error of float32 eps**(2/3), not garbage
    assert abs(float(d) - np.cos(1.0)) < 1e-4
    assert info.step > 1e-3       # a float64 step (1e-5) would be noise here
    d64 = nd.derivative(lambda x: np.sin(np.float64(x)), x32)
    assert np.asarray(d64).dtype == np.float64   # result type of f


def test_args_and_kwargs():
    def f(x, a, b=1.0):
        return a * np.sin(b * x)
    d = nd.derivative(f, 0.3, args=(2.0,), kwargs={"b": 3.0})
    assert rel(d, 6.0 * np.cos(0.9)) <= 1e-8


def test_bounds_are_never_left():
    seen = []

    def f(x):
        seen.append(float(x))
        assert 0.0 <= x <= 1.0
        return np.sqrt(x)
    for x in (0.0, 1e-12, 0.5, 1.0):
        for kw in ({}, {"adaptive": True}, {"order": 4}, {"full_output": True}):
            nd.derivative(f, x, bounds=(0.0, 1.0), **kw)
    assert min(seen) >= 0.0 and max(seen) <= 1.0
    d, info = nd.derivative(np.sqrt, 1.0, bounds=(0, 1), full_output=True)
    assert info.stencil == "backward" and rel(d, 0.5) < 1e-8


def test_nonfinite_values_make_stencil_one_sided():
    def f(x):
        return np.where(x < 1.0, np.nan, (x - 1.0) ** 2 + x)
    d, info = nd.derivative(f, 1.0, full_output=True)
    assert info.stencil == "forward"
    assert rel(d, 1.0) < 1e-6


def test_nonfinite_everywhere_is_nan_and_warned_once():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        d, info = nd.derivative(lambda x: np.where(x == 2.0, 1.0, np.nan), 2.0,
                                full_output=True)
    assert np.isnan(d)
    assert not info.success and "could not" in info.message
    assert sum(issubclass(w.category, RuntimeWarning) for w in rec) == 1


def test_domain_edge_inside_stencil_shrinks_the_step():
    # log at 1e-7: the default step (~1e-5) crosses zero; the step shrinks
    d = nd.derivative(np.log, 1e-7)
    assert rel(d, 1e7) < 1e-6


def test_error_stencil_that_meets_a_domain_edge_is_taken_at_half_the_step():
    # log(x0) next to zero: the step shrinks to x0 / 2, so the error
    # estimate's stencil at 2h reaches log(0). It is taken at h/2 instead,
    # not from a retry at the default step across the edge (a value 99% off
    # with a bound a hundred times too small). Beside x1**2 = 1e16 the
    # rounding of f (2 units) swamps log's change: the value is garbage, and
    # the bound says so.
    x = np.array([1e-8, 1e8])
    g, info = nd.gradient(lambda x: np.log(x[0]) + x[1] ** 2, x, full_output=True)
    truth = np.array([1e8, 2e8])
    assert np.all(np.abs(g - truth) <= info.error)
    assert info.step[0] <= x[0] / 2
    d, info = nd.derivative(lambda t: np.log(t) + 1e16, 1e-8, full_output=True)
    assert abs(d - 1e8) <= info.error


def test_exceptions_from_f_propagate():
    class Boom(Exception):
        pass

    def f(x):
        raise Boom("from f")
    with pytest.raises(Boom):
        nd.derivative(f, 1.0)
    with pytest.raises(Boom):
        nd.gradient(f, [1.0, 2.0])


def test_nfev_counts_points():
    calls = []

    def f(x):
        calls.append(1)
        return np.exp(x)
    d, info = nd.derivative(f, 0.2, full_output=True)
    assert info.nfev == len(calls)
    calls.clear()
    nd.derivative(f, 0.2, method="forward", order=1)
    assert len(calls) == 2


@given(st.floats(-50, 50), st.floats(0.1, 5.0))
def test_property_linear_functions_exact(x, a):
    d = nd.derivative(lambda t: a * t + 1.0, x)
    assert abs(d - a) <= 1e-7 * max(1.0, abs(a * x))


@given(st.floats(-3, 3))
def test_property_adaptive_error_covers_truth(x):
    d, info = nd.derivative(np.sinh, x, adaptive=True, full_output=True)
    assert abs(d - np.cosh(x)) <= info.error + 4 * np.spacing(np.cosh(x))


@pytest.mark.parametrize("x, kw", [(1e-8, {"adaptive": True}), (1e-8, {}),
                                   (1.0, {"adaptive": True}), (3.0, {"n": 2})])
def test_nfev_counts_the_compiled_paths_evaluations_when_it_declines(x, kw):
    # near log's domain edge the compiled scalar path declines after f(x)
    # and a stencil; the general engine's count includes those calls
    calls = []

    def f(t):
        calls.append(t)
        return np.log(t)
    _, info = nd.derivative(f, x, full_output=True, **kw)
    assert info.nfev == len(calls)


@pytest.mark.parametrize("w, x", [(1.11e6, -160.054), (4.114e6, 479.409), (6.207e5, 547.848)])
def test_adaptive_steps_near_multiples_of_the_period_do_not_alias(w, x):
    # the coarse levels' quotients agree with each other (w h near 2 pi m,
    # doubling with h) at a value far from f'; the finer levels decide
    t = w * np.cos(w * x)
    for xx in (x, np.array([x, 1.0])):
        v, info = nd.derivative(lambda x: np.sin(w * x), xx, adaptive=True, full_output=True)
        v, e = np.atleast_1d(v)[0], np.atleast_1d(info.error)[0]
        assert abs(v - t) <= e
        assert abs(v - t) <= 1e-3 * w


def test_subnormal_values_count_their_quantum_in_the_bound():
    # exp(-700) in float32 is 0 (below its subnormals): the difference
    # quotients are multiples of the quantum over h, which eps |f| misses
    v, info = nd.derivative(np.exp, np.float32(-700.0), full_output=True, adaptive=True)
    assert abs(float(v) - np.exp(-700.0)) <= info.error


@pytest.mark.parametrize("x", [3394.045681780367, 259.742])
def test_an_overruled_choice_stays_inside_the_error(x):
    # f computed in float32 behind a float64 interface agrees with itself at
    # fine steps (plateaus of its quantisation) as aliasing does: the
    # finer run wins, and its error covers the coarser run being right
    f = lambda x: float(np.log(np.float32(x)))
    v, info = nd.derivative(f, x, adaptive=True, full_output=True)
    assert abs(v - 1.0 / x) <= info.error


def test_subnormal_quantum_is_the_values_dtype_not_x():
    # float32 x, f computed and returned in float64 far below float32's
    # range: the quantum is float64's, so the bound stays relative
    import math
    v, info = nd.derivative(lambda x: math.exp(-200 * x), np.float32(1.0), adaptive=True,
                            full_output=True)
    t = -200 * math.exp(-200.0)
    assert abs(v - t) <= info.error <= 1e-3 * abs(t)
