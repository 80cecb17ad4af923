"""Polynomial interpolation steps of the line searches (numdiff/optimize/_interp.pyx)."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from numdiff.optimize._interp import (py_cubic_min, py_cubic_min_ff, py_quad_min_dd,
                                      py_quad_min_fdf, py_safeguard)

coef = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
point = st.floats(-5, 5, allow_nan=False, allow_infinity=False)


@given(coef, st.floats(0.1, 10), point, point, point)
def test_quadratic_through_value_slope_value_is_exact(b0, c, m, a, b):
    assume(abs(b - a) > 1e-3)
    q = lambda t: c * (t - m) ** 2 + b0  # noqa: E731
    dq = lambda t: 2 * c * (t - m)  # noqa: E731
    t = py_quad_min_fdf(a, q(a), dq(a), b, q(b))
    assert abs(t - m) <= 1e-9 * (1 + abs(m)) * (1 + c + 1 / abs(b - a) ** 2)


@given(st.floats(0.1, 10), point, point, point)
def test_secant_on_a_linear_derivative_is_exact(c, m, a, b):
    assume(abs(b - a) > 1e-3)
    dq = lambda t: 2 * c * (t - m)  # noqa: E731
    assert abs(py_quad_min_dd(a, dq(a), b, dq(b)) - m) <= 1e-9 * (1 + abs(m))


@given(st.floats(0.2, 5), st.floats(-3, 3), st.floats(0.5, 4), point, point)
def test_cubic_with_a_local_minimum_is_exact(k, m, gap, a, b):
    # p'(t) = k (t - m)(t - m - gap): local minimum at m + gap
    assume(abs(b - a) > 1e-2)
    p = lambda t: k * (t ** 3 / 3 - (2 * m + gap) * t ** 2 / 2 + m * (m + gap) * t)  # noqa
    dp = lambda t: k * (t - m) * (t - m - gap)  # noqa: E731
    t = py_cubic_min(a, p(a), dp(a), b, p(b), dp(b))
    assert abs(t - (m + gap)) <= 1e-7 * (1 + abs(m) + gap)


@pytest.mark.parametrize("args", [
    (0.0, 0.0, -1.0, 0.0, 0.0),      # coincident points
    (0.0, 0.0, 1.0, 1.0, 0.0),       # concave: no minimum
])
def test_quadratic_without_minimum_is_nan(args):
    assert math.isnan(py_quad_min_fdf(*args))


def test_cubic_without_minimum_is_nan():
    # p(t) = t**3: no local minimum
    assert math.isnan(py_cubic_min(-1.0, -1.0, 3.0, 1.0, 1.0, 3.0))
    assert math.isnan(py_cubic_min(1.0, 1.0, 1.0, 1.0, 1.0, 1.0))
    assert math.isnan(py_quad_min_dd(0.0, 1.0, 1.0, 1.0))


@given(st.floats(-1e6, 1e6) | st.just(float("nan")), point, point, st.floats(0.0, 0.45))
def test_safeguard_keeps_the_step_inside(t, lo, hi, frac):
    assume(lo != hi)
    r = py_safeguard(t, lo, hi, frac)
    a, b = min(lo, hi), max(lo, hi)
    assert a + frac * (b - a) - 1e-12 <= r <= b - frac * (b - a) + 1e-12
    if math.isnan(t):
        assert r == pytest.approx(0.5 * (a + b))
    elif a + frac * (b - a) <= t <= b - frac * (b - a):
        assert r == t


def test_against_numpy_polyfit():
    rng = np.random.default_rng(0)
    for _ in range(200):
        c = rng.normal(size=4)
        c[0] = abs(c[0]) + 0.1
        p = np.poly1d(c)
        crit = np.roots(p.deriv().c)
        crit = crit[np.isreal(crit)].real
        mins = [r for r in crit if p.deriv(2)(r) > 0]
        a, b = rng.uniform(-3, 3, 2)
        t = py_cubic_min(a, p(a), p.deriv()(a), b, p(b), p.deriv()(b))
        if mins:
            assert abs(t - mins[0]) < 1e-6 * (1 + abs(mins[0]))


@given(st.floats(0.2, 5), st.floats(-3, 3), st.floats(0.5, 4), st.floats(0.05, 3),
       st.floats(0.05, 3))
def test_two_value_cubic_is_exact(k, m, gap, a1, a2):
    assume(abs(a1 - a2) > 1e-2)
    p = lambda t: k * (t ** 3 / 3 - (2 * m + gap) * t ** 2 / 2 + m * (m + gap) * t)  # noqa
    dp = lambda t: k * (t - m) * (t - m - gap)  # noqa: E731
    t = py_cubic_min_ff(p(0.0), dp(0.0), a1, p(a1), a2, p(a2))
    assert abs(t - (m + gap)) <= 1e-6 * (1 + abs(m) + gap)


def test_two_value_cubic_reduces_to_the_quadratic():
    q = lambda t: (t - 0.3) ** 2  # noqa: E731
    t = py_cubic_min_ff(q(0), -0.6, 1.0, q(1.0), 2.0, q(2.0))
    assert abs(t - 0.3) < 1e-12


def test_initial_step_rules():
    from numdiff.optimize._initial import initial_step
    assert initial_step("unit") == 1.0
    # a quadratic f_prev -> f_k with slope -2: 2 (f_k - f_prev) / phi'(0), 1.01x
    assert initial_step("quadratic", f_k=1.0, f_prev=1.5, dphi0=-2.0) == pytest.approx(0.505)
    assert initial_step("quadratic", f_k=1.0, f_prev=9.0, dphi0=-2.0) == 1.0      # capped
    assert initial_step("quadratic", f_k=1.0, f_prev=1.0, dphi0=-2.0) == 1.0      # no info
    assert initial_step("quadratic", f_k=1.0, f_prev=0.5, dphi0=2.0) == 1.0       # ascent
    assert initial_step("slope-scaled", alpha_prev=0.5, dphi_prev=-4.0,
                        dphi0=-2.0) == 1.0
    assert initial_step("slope-scaled", alpha_prev=0.5, dphi_prev=-4.0, dphi0=0.0) == 1.0
    assert initial_step("first", x_inf=2.0, f0=1.0, g_inf=4.0, g_2sq=16.0) == 0.005
    assert initial_step("first", x_inf=0.0, f0=3.0, g_inf=4.0, g_2sq=16.0) == \
        pytest.approx(0.01 * 3 / 16)
    assert initial_step("first", x_inf=0.0, f0=0.0, g_inf=0.0, g_2sq=0.0) == 1.0
    with pytest.raises(ValueError, match="rule"):
        initial_step("golden")


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6) | st.just(0.0))
def test_initial_steps_are_positive_and_finite(a, b, c):
    from numdiff.optimize._initial import initial_step
    for rule, kw in [("quadratic", dict(f_k=a, f_prev=b, dphi0=c)),
                     ("slope-scaled", dict(alpha_prev=abs(a), dphi_prev=b, dphi0=c)),
                     ("first", dict(x_inf=abs(a), f0=b, g_inf=abs(c), g_2sq=c * c))]:
        r = initial_step(rule, **kw)
        assert r > 0 and math.isfinite(r)
