"""The default step under noise far above ``eps |f|``, and short-scale fronts.

Noise in ``f`` (an inner solver's tolerance, a simulation) makes difference
quotients change more and more as the step shrinks; the curvature check must
not read that as truncation and shrink the step into the noise. Fronts and
poles narrower than the default step look alike at first and must still be
resolved, and oscillations far shorter than the step (whose quotients jump
by as much as ``f``) are not noise. Error bounds count the rounding of a
scaled argument inside ``f`` (``eps |x f'|``).
"""
import hashlib

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

import numdiff as nd


def _tag(x, salt):
    """A deterministic pseudo-random number in [-1/2, 1/2) per point."""
    b = np.ascontiguousarray(np.asarray(x, dtype=np.float64)).tobytes() + salt
    return int.from_bytes(hashlib.md5(b).digest()[:8], "little") / 2.0 ** 64 - 0.5


def _noisy_sum_sin(level, salt=b""):
    def f(x):
        return np.sum(np.sin(x)) + level * _tag(x, salt)
    return f


#: the default central step at |x| <= 1 (eps**(1/3) times a constant near 1)
H0 = 6e-6


@pytest.mark.parametrize("kw, bound", [({}, 1e-2), ({"method": "forward"}, 3e-2),
                                       ({"adaptive": True}, 1e-5)])
def test_gradient_of_a_noisy_function_stays_near_the_noise_level(kw, bound):
    # noise 1e-9: the default step's own error is about 1e-9 / 6e-6 = 2e-4;
    # shrinking into the noise gave errors of 1e6 and more
    X = np.random.default_rng(1).uniform(-2, 2, (20, 3))
    worst = 0.0
    for t, x in enumerate(X):
        g = nd.gradient(_noisy_sum_sin(1e-9, bytes([t])), x, **kw)
        worst = max(worst, np.max(np.abs(g - np.cos(x))))
    assert worst <= bound


@settings(max_examples=40, deadline=None)
@given(st.floats(-12, -6), st.lists(st.floats(-2, 2), min_size=3, max_size=3),
       st.integers(0, 255), st.sampled_from(["central", "forward"]))
# at a root of f (sum(sin(0)) = 0) the noise is large beside f itself
@example(-8.0, [0.0, 0.0, 0.0], 18, "forward")
def test_noisy_gradient_error_is_a_few_noise_quotients(log_level, x, salt, method):
    level = 10.0 ** log_level
    # Left out: coordinates within 1e-3 of zero but not zero. A stencil
    # reaching across zero is taken for a possible singularity there (log,
    # 1/x) and the step jumps to below |x|, which noise then swamps (a known
    # limitation, older than this check).
    x = np.array([0.0 if abs(v) < 1e-3 else v for v in x])
    g = nd.gradient(_noisy_sum_sin(level, bytes([salt])), x, method=method)
    # noise sigma at the default step h0 gives errors of order sigma / h0
    # (forward differences use a larger step: a smaller quotient); the
    # truncation at h0 is below 1e-9
    assert np.max(np.abs(g - np.cos(x))) <= 50 * level / H0 + 1e-8


@pytest.mark.parametrize("method", ["central", "forward"])
def test_derivative_of_pure_noise_keeps_the_least_noisy_step(method):
    # f' = 0: every quotient is noise, the smallest step the noisiest
    level = 1e-9
    xs = np.linspace(0.3, 1.3, 60)

    def f(v):
        return 1.0 + 0.0 * v + level * np.array([_tag(p, b"z") for p in np.ravel(v)]
                                                ).reshape(np.shape(v))
    d = nd.derivative(f, xs, method=method)
    assert np.max(np.abs(d)) <= 10 * level / H0


@pytest.mark.parametrize("x", [1.1764063671972664, 0.9806400533377782])
def test_noisy_quotients_that_agree_by_chance_are_not_kept(x):
    # here three successive quotients of pure noise agree within 5% at steps
    # 1e5 times below the default: a rule that took such agreement for a
    # value returned -14 and 0.2 for a zero derivative
    level = 1e-9

    def f(v):
        return 1.0 + 0.0 * v + level * np.array([_tag(p, b"z") for p in np.ravel(v)]
                                                ).reshape(np.shape(v))
    d, info = nd.derivative(f, np.array([x]), full_output=True)
    assert abs(d[0]) <= 10 * level / H0
    assert abs(d[0]) <= info.error[0]


@pytest.mark.parametrize("f, x, truth, rtol", [
    # a steep front (scale 1e-6) in float32: resolved at the smallest steps
    (lambda x: np.arctan(1e6 * (x - 0.5)), np.float32(0.500001),
     lambda x: 1e6 / (1 + (1e6 * (x - 0.5)) ** 2), 2e-2),
    # a pole 1e-5 away in float32
    (lambda x: 1 / (x - 1.00001), np.float32(1.0), lambda x: -1 / (x - 1.00001) ** 2, 1e-2),
    # fast oscillation: float32 rounding of the argument 3e4 is noise of 1e-3
    (lambda x: np.sin(1e4 * x), np.float32(3.0), lambda x: 1e4 * np.cos(1e4 * x), 5e-3),
    # in float64 the oscillation is resolved (the default step is 1e-6 * 6)
    (lambda x: np.sin(1e4 * x), 1.0, lambda x: 1e4 * np.cos(1e4 * x), 1e-7),
])
def test_short_scales_are_still_resolved(f, x, truth, rtol):
    t = truth(np.float64(x))
    assert abs(nd.derivative(f, x) - t) <= rtol * abs(t)


def test_tight_agreement_after_aliased_steps_is_a_value():
    order = 6
    # f = 2 sin(w a / 2) cos(w (s - a / 2)) near its peak: f' = 0.13 while
    # f'' = 6e8. The default order-6 step spans 200 radians; the shrinking
    # passes aliased quotients (changes of 100%) and then three quotients that
    # agree to 3e-5, which the noise guard took for a chance agreement: it
    # went back to the default step's -1.3e-4 with an error bound of 3e-9
    w, x, a = 20866.82150253643, 2.013415299001645, 4.026830597659019

    def f(s):
        return np.sin(w * s) + np.sin(w * (a - s))
    truth = w * np.cos(w * x) - w * np.cos(w * (a - x))
    d, info = nd.derivative(f, x, order=order, full_output=True)
    assert abs(d - truth) <= 1e-4 * abs(truth)
    assert abs(d - truth) <= info.error


@pytest.mark.parametrize("f, x, method, truth, rtol", [
    # a singularity 1e-12 away, followed by forward steps down to x's spacing
    (lambda x: 1 / x, np.float32(1e-12), "forward", lambda x: -1 / x ** 2, 0.1),
    (np.log, 1e-14, "forward", lambda x: 1 / x, 1e-2),
    # the first stencil reaches past log's domain edge (a value not finite)
    (lambda x: np.log(x - 1), 1 + 1e-15, "central", lambda x: 1 / (x - 1), 0.05),
])
def test_fronts_followed_to_the_end_keep_their_last_step(f, x, method, truth, rtol):
    # quotients that grow by a power law and then turn over are a front
    # being resolved, not noise: the shrinking's last step is kept
    t = truth(np.float64(x))
    v, info = nd.derivative(f, x, method=method, full_output=True)
    assert abs(v - t) <= rtol * abs(t)
    assert abs(v - t) <= info.error


@pytest.mark.parametrize("w, x", [(5.656e6, 0.3), (1.14e7, 0.9), (2.297e7, 1.7),
                                  (5.527e8, 1.7), (8.978e8, 0.3)])
def test_oscillation_shorter_than_the_step_is_not_taken_for_noise(w, x):
    # sin(w x) with w h0 >> 1: quotients at the first steps are aliases of
    # size 1/h that agree by chance, then jump. The jump is as large as f
    # itself (noise would be far smaller), so the shrinking goes on until the
    # oscillation is resolved
    t = w * np.cos(w * x)
    v, info = nd.derivative(lambda x: np.sin(w * x), x, full_output=True)
    assert abs(v - t) <= 1e-3 * abs(t)
    assert abs(v - t) <= info.error


@settings(max_examples=60, deadline=None)
@given(st.floats(3, 10), st.floats(0.1, 3), st.sampled_from(["central", "forward", "backward"]))
def test_fast_oscillations_are_resolved_or_bounded(log_w, x, method):
    # the error estimate also counts the rounding of w x inside f (eps |x f'|
    # per value), which dominates once the step is far below |x|
    w = 10.0 ** log_w
    t = w * np.cos(w * x)
    v, info = nd.derivative(lambda x: np.sin(w * x), x, method=method, full_output=True)
    assert abs(v - t) <= info.error
    assert abs(v - t) <= 0.05 * w


@pytest.mark.parametrize("f, x, truth, kw", [
    # float32: 50 x and 1e4 x round to eps32 |w x|, far above eps32 |f|
    (lambda x: np.exp(50 * x), np.float32(1.0), lambda x: 50 * np.exp(50 * x), {}),
    (lambda x: np.exp(50 * x), np.float32(-1.0), lambda x: 50 * np.exp(50 * x),
     {"adaptive": True}),
    (lambda x: np.sin(1e4 * x), np.float32(1.0), lambda x: 1e4 * np.cos(1e4 * x), {}),
    (lambda x: 1 / (x - 1.001), np.float32(1.0005), lambda x: -1 / (x - 1.001) ** 2, {}),
])
def test_error_bound_counts_the_rounding_of_a_scaled_argument(f, x, truth, kw):
    v, info = nd.derivative(f, x, full_output=True, **kw)
    assert abs(float(v) - truth(np.float64(x))) <= info.error


@settings(max_examples=60, deadline=None)
@given(st.floats(3, 7), st.floats(0.1, 3), st.floats(-3, 3),
       st.sampled_from([0.0, 0.3, -1.0]), st.sampled_from(["central", "forward"]))
def test_directional_error_bound_counts_the_rounding_of_a_scaled_argument(
        log_w, x0, x1, v1, method):
    # jvp differentiates in t about 0, but f rounds w (x0 + t v0): the bound
    # must carry the same eps |x f'| term as the derivative's
    w = 10.0 ** log_w
    x, v = np.array([x0, x1]), np.array([1.0, v1])
    f = lambda x: np.array([np.sin(w * x[0]) + x[1], np.exp(0.5 * x[1]) * x[0]])
    t = np.array([w * np.cos(w * x0) + v1,
                  np.exp(0.5 * x1) * (1.0 + 0.5 * x0 * v1)])
    jv, info = nd.jvp(f, x, v, method=method, full_output=True)
    assert np.all(np.abs(jv - t) <= info.error)


@pytest.mark.parametrize("v1", [1e-6, 1e-10, 1e-300])
def test_directional_bound_is_not_inflated_by_a_tiny_component(v1):
    # a tiny component of v moves its x_i by almost nothing: its ratio
    # |x_i / v_i| must not blow the rounding term up
    f = lambda x: np.sin(x[0]) + np.cos(x[1])
    jv, info = nd.jvp(f, np.array([1.0, 1.0]), np.array([1.0, v1]), full_output=True)
    t = np.cos(1.0) - v1 * np.sin(1.0)
    assert abs(jv - t) <= info.error <= 1e-9


@settings(max_examples=30, deadline=None)
@given(st.floats(-12, -6), st.lists(st.floats(-2, 2), min_size=3, max_size=3),
       st.binary(min_size=1, max_size=2))
def test_an_output_not_finite_at_x_does_not_change_the_others_steps(log_level, x, salt):
    # an output that is nan at x has no derivative and must not steer the
    # steps of the others: the noise fallback once checked every output's
    # quotient at the first step and kept a step shrunk into the noise
    x = np.array(x)
    f = _noisy_sum_sin(10.0 ** log_level, salt)
    J, info_j = nd.jacobian(lambda z: np.array([f(z), np.nan]), x, full_output=True)
    g, info_g = nd.gradient(f, x, full_output=True)
    np.testing.assert_array_equal(J[0], g)
    np.testing.assert_array_equal(info_j.step, info_g.step)
    assert np.isnan(J[1]).all()
