"""Finite-difference Hessians of f alone (second differences, polarisation)."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numdiff as nd
from numdiff.verify._catalogue import VECTOR_SCALAR, _rosen

from test_second import rosen_hess


def smooth(x):
    """Non-polynomial, every pair of neighbours coupled, plus a dense term."""
    return (np.sum(np.exp(np.sin(x[:-1])) * np.cos(x[1:])) + np.sum(x ** 4) / 4
            + np.log1p(np.sum(x ** 2)))


CASES = [pytest.param(f, x, id=f"{name}-{i}") for name, f, _, pts in VECTOR_SCALAR
         for i, x in enumerate(pts)] + [
    pytest.param(smooth, np.linspace(-1, 1.5, 7), id="smooth-7"),
    pytest.param(_rosen, np.linspace(-1.2, 1.3, 6), id="rosen-6")]


def exact(f, x):
    return nd.hessian(f, x, method="dual")


def rel(H, T):
    return np.max(np.abs(H - T)) / max(np.max(np.abs(T)), 1e-300)


@pytest.mark.parametrize("f, x", CASES)
def test_central_default_accuracy_and_symmetry(f, x):
    H = nd.hessian(f, x)
    assert np.array_equal(H, np.swapaxes(H.reshape(x.size, x.size), 0, 1).reshape(H.shape))
    assert rel(H, exact(f, x)) < 5e-5


@pytest.mark.parametrize("f, x", CASES)
@pytest.mark.parametrize("kw, tol", [({"order": 4}, 1e-7), ({"adaptive": True}, 1e-8),
                                     ({"method": "forward"}, 1e-4),
                                     ({"method": "backward", "order": 3}, 1e-6)])
def test_methods_and_orders(f, x, kw, tol):
    H, info = nd.hessian(f, x, full_output=True, **kw)
    T = exact(f, x)
    assert rel(H, T) < tol
    assert np.array_equal(H, H.T)
    # the estimates bound the actual error entry by entry, within a factor 2
    # (a two-level estimate can miss when the next error terms cancel the
    # leading one; the aggregate test below counts exact coverage)
    assert np.all(np.abs(H - T) <= 2 * info.error + 1e-14 * np.max(np.abs(T)))
    assert info.success and info.nfev > x.size


def test_error_estimates_cover_over_the_catalogue():
    covered = total = 0
    for p in CASES:
        f, x = p.values
        for kw in ({}, {"order": 4}, {"adaptive": True}):
            H, info = nd.hessian(f, x, full_output=True, **kw)
            covered += np.sum(np.abs(H - exact(f, x)) <= info.error)
            total += H.size
    assert covered / total >= 0.98


def assert_the_bar(results):
    """The first-derivative honesty bar over ``(estimate, value, exact)``
    triples: covered in at least 99% of the entries (the bar asks 95%), and
    within 10 times the actual error in the median (actual errors below 10
    ulp of the case's scale count as 10 ulp; structural zeros left out)."""
    est, act, floor = [], [], []
    for e, v, t in results:
        e, v, t = (np.ravel(np.asarray(a, dtype=float)) for a in (e, v, t))
        nz = t != 0
        est.append(e[nz])
        act.append(np.abs(v - t)[nz])
        floor.append(np.full(nz.sum(), 10 * np.finfo(float).eps * np.max(np.abs(t))))
    est, act, floor = (np.concatenate(a) for a in (est, act, floor))
    assert np.mean(act <= est) >= 0.99
    assert np.median(est / np.maximum(act, floor)) <= 10


def test_fixed_step_estimates_meet_the_first_derivative_bar():
    # pairs are judged by their own change between the step levels, so
    # truncation that cancels between the three directions (Rosenbrock) is
    # not added up
    results = []
    for p in CASES:
        f, x = p.values
        for kw in ({}, {"order": 4}, {"method": "forward"}):
            H, info = nd.hessian(f, x, full_output=True, **kw)
            results.append((info.error, H, exact(f, x)))
    assert_the_bar(results)


def test_adaptive_estimates_meet_the_first_derivative_bar():
    # adaptive entries: each pair extrapolated on its own table, or from its
    # directions' own entries where that estimate is the better, errors
    # reported with the measured noise
    results = []
    for p in CASES:
        f, x = p.values
        H, info = nd.hessian(f, x, adaptive=True, full_output=True)
        assert np.array_equal(H, nd.hessian(f, x, adaptive=True))   # values as without
        results.append((info.error, H, exact(f, x)))
    assert_the_bar(results)


def test_adaptive_pairs_with_steps_far_apart_keep_their_directions_entries():
    # x badly scaled: the pair's steps follow x1 = 200, H00's follow x0; the
    # x1 part of f cancels level by level in the pair's own table and left a
    # false plateau near -H00 / 2 (error 0.86 against an estimate of 0.065)
    f = lambda v: np.log(1 + v[0] ** 2) + v[1] ** 4  # noqa: E731
    x = np.array([-0.2, 200.0])
    H, info = nd.hessian(f, x, adaptive=True, full_output=True)
    assert np.all(np.abs(H - exact(f, x)) <= info.error)
    assert abs(H[0, 1]) < 0.05


def test_adaptive_estimates_follow_the_measured_noise_of_f():
    # noise of 1e-11 in f, far above eps |f|: the rounding bounds must follow
    # it (capping them by the eps model left 12-20% of the entries
    # under-estimated)
    import hashlib

    def g(v):
        return np.sin(v[0]) * v[1] ** 2 + np.exp(v[0] * v[1]) + 0.3 * v[2] ** 3 * v[0]

    def f(v):
        h = hashlib.md5(np.asarray(v, dtype=float).tobytes()).digest()[:8]
        return g(v) + 1e-11 * (int.from_bytes(h, "little") / 2.0 ** 64 - 0.5)
    covered = total = 0
    for x in np.random.default_rng(4242).uniform(-1, 1, (6, 3)):
        H, info = nd.hessian(f, x, adaptive=True, full_output=True)
        covered += np.sum(np.abs(H - nd.hessian(g, x, method="dual")) <= info.error)
        total += H.size
    assert covered / total >= 0.95


def test_hvp_estimates_meet_the_first_derivative_bar():
    # each entry of H v is a pair of directions (e_i + u, e_i, u) and is
    # bounded as a Hessian pair is
    results = []
    rng = np.random.default_rng(3)
    for p in CASES:
        f, x = p.values
        v = rng.normal(size=x.size)
        for kw in ({}, {"order": 4}, {"method": "forward"}):
            Hv, info = nd.hvp(f, x, v, full_output=True, **kw)
            results.append((info.error, Hv, exact(f, x) @ v))
    assert_the_bar(results)


def test_noise_mistaken_near_a_pole_does_not_inflate_the_smooth_entries():
    # ECnoise reads the steep variation next to the pole as noise (2e-5, ten
    # orders above the rounding of f); the smooth entry H[1, 1] must keep an
    # estimate near its error, not 4e10 times it
    f = lambda v: np.log(v[0] - 0.2) * (1 + v[1] ** 2) + np.sin(v[1])  # noqa: E731
    x = np.array([0.2 + 3e-5, 0.5])
    with np.errstate(invalid="ignore"):
        H, info = nd.hessian(f, x, full_output=True)
    act = np.abs(H - exact(f, x))
    assert np.all(act <= info.error)
    assert info.error[1, 1] <= 100 * act[1, 1]


@pytest.mark.parametrize("method", ["central", "forward"])
def test_pairs_far_from_the_asymptotic_regime_keep_the_summed_bounds(method):
    # with step 0.5 the directions' changes are far from their leading
    # terms; the three changes' combination then cancels by chance (38 times
    # below the actual error here) and must not be trusted
    f = lambda v: np.tanh(v[0] * v[1] + v[2]) + np.log1p(v[0] ** 2)  # noqa: E731
    x = np.array([0.5, 0.9, 1.2])
    H, info = nd.hessian(f, x, step=0.5, method=method, full_output=True)
    iu = np.triu_indices(3, 1)
    assert np.all(np.abs(H - exact(f, x))[iu] <= info.error[iu])


def test_rosenbrock_analytic():
    x = np.linspace(-1.2, 1.3, 8)
    H = nd.hessian(_rosen, x, order=4)
    np.testing.assert_allclose(H, rosen_hess(x), rtol=1e-8, atol=1e-6)


def test_evaluation_count_of_polarisation():
    n = 6
    calls = []
    _, info = nd.hessian(lambda v: calls.append(1) or smooth(v), np.linspace(-1, 1, n),
                         step=1e-4, full_output=True)
    # n (n + 1) / 2 directions, two points each at h and at 2h, plus f(x),
    # plus the seven points of the noise estimate
    assert len(calls) == info.nfev == 2 * n * (n + 1) + 1 + 7
    calls.clear()
    nd.hessian(lambda v: calls.append(1) or smooth(v), np.linspace(-1, 1, n), step=1e-4)
    assert len(calls) == n * (n + 1) + 1


def test_hessian_diag_matches_and_costs_2n_plus_1():
    x = np.linspace(-1, 1.5, 9)
    calls = []
    d = nd.hessian_diag(lambda v: calls.append(1) or smooth(v), x, step=1e-4)
    assert len(calls) == 2 * x.size + 1
    calls.clear()
    nd.hessian_diag(lambda v: calls.append(1) or smooth(v), x)
    # the default step adds the seven points of the noise estimate
    assert len(calls) >= 2 * x.size + 1 + 7
    np.testing.assert_allclose(d, np.diag(exact(smooth, x)), rtol=1e-6, atol=1e-8)
    d2, info = nd.hessian_diag(smooth, x, full_output=True)
    assert d2.shape == x.shape and info.error.shape == x.shape


@pytest.mark.parametrize("shape", [(), (1,), (4,), (2, 3)])
def test_shapes(shape):
    x = np.linspace(0.3, 1.1, int(np.prod(shape))).reshape(shape)
    f = lambda v: np.sum(np.sin(v) * np.arange(1, v.size + 1).reshape(v.shape)) \
        + np.sum(v) ** 2  # noqa: E731
    H, info = nd.hessian(f, x, full_output=True)
    assert H.shape == shape + shape and info.error.shape == shape + shape
    n = x.size
    T = np.diag(-np.sin(x.ravel()) * np.arange(1, n + 1)) + 2.0
    np.testing.assert_allclose(np.reshape(H, (n, n)), T, rtol=1e-6, atol=1e-6)
    assert nd.hessian_diag(f, x).shape == shape


def test_input_kinds():
    f = lambda v: np.sum(np.exp(v)) * v[0]  # noqa: E731
    ref = nd.hessian(f, np.array([0.5, 1.0, 2.0]))
    ro = np.array([0.5, 1.0, 2.0])
    ro.setflags(write=False)
    nc = np.array([0.5, 9.0, 1.0, 9.0, 2.0])[::2]
    for x in ([0.5, 1.0, 2.0], ro, nc):
        np.testing.assert_array_equal(nd.hessian(f, x), ref)
    Hi = nd.hessian(lambda v: np.sum(v ** 3), [1, 2])
    assert Hi.dtype == np.float64
    np.testing.assert_allclose(Hi, np.diag([6.0, 12.0]), rtol=1e-6, atol=1e-6)


def test_float32():
    x = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    f = lambda v: np.sum(np.sin(v) * v[::-1])  # noqa: E731
    H, info = nd.hessian(f, x, full_output=True)
    assert H.dtype == np.float32
    T = exact(f, x.astype(np.float64))
    assert np.all(np.abs(H - T) <= info.error * 1.0001 + 1e-6)
    assert rel(H, T) < 1e-2


def test_bounds_are_respected():
    lb, ub = np.zeros(3), np.array([1.0, 1.0, 1.0])
    x = np.array([0.0, 0.5, 1.0])
    seen = []

    def f(v):
        seen.append(v.copy())
        return np.sum(np.exp(v) * np.arange(1, 4)) + v[0] * v[2]
    for kw in ({}, {"adaptive": True}, {"order": 4, "full_output": True}):
        seen.clear()
        out = nd.hessian(f, x, bounds=(lb, ub), **kw)
        H = out[0] if isinstance(out, tuple) else out
        pts = np.array(seen)
        assert np.all(pts >= lb) and np.all(pts <= ub)
        T = np.diag(np.exp(x) * np.arange(1, 4))
        T[0, 2] = T[2, 0] = 1.0
        np.testing.assert_allclose(H, T, rtol=1e-5, atol=1e-5)


def test_nonfinite_gives_nan_and_one_warning():
    # f is only defined where v[0] == 1: every direction that moves v[0] fails
    f = lambda v: v[1] ** 2 if v[0] == 1.0 else np.nan  # noqa: E731
    with pytest.warns(RuntimeWarning) as rec:
        H, info = nd.hessian(f, [1.0, 2.0], full_output=True)
    assert len(rec) == 1
    assert not info.success and "could not be computed" in info.message
    assert np.isnan(H[0, 0]) and np.isnan(H[0, 1]) and np.isnan(H[1, 0])
    np.testing.assert_allclose(H[1, 1], 2.0, rtol=1e-6)


def test_f_not_finite_at_x():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        H, info = nd.hessian(lambda v: np.sum(v) / 0.0, [1.0, 2.0], full_output=True)
    assert np.all(np.isnan(H)) and not info.success


@pytest.mark.parametrize("how", ["vectorized", "workers"])
def test_batch_paths_match_serial(how):
    x = np.linspace(-1, 1.5, 5)
    ref, iref = nd.hessian(smooth, x, full_output=True)
    if how == "vectorized":
        def fv(X):
            return np.array([smooth(X[..., k]) for k in range(X.shape[-1])])
        H, info = nd.hessian(fv, x, vectorized=True, full_output=True)
    else:
        H, info = nd.hessian(smooth, x, workers=lambda fn, pts: map(fn, pts),
                             full_output=True)
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-12)
    assert info.nfev == iref.nfev


def test_bad_input():
    with pytest.raises(ValueError, match="scalar"):
        nd.hessian(lambda v: v, [1.0, 2.0])
    with pytest.raises(ValueError, match="order"):
        nd.hessian(_rosen, [1.0, 2.0], order=3)
    with pytest.raises(TypeError, match="f must be callable"):
        nd.hessian(3.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="step"):
        nd.hessian(_rosen, [1.0, 2.0], step=-1.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-2, 2), min_size=2, max_size=5),
       st.lists(st.floats(-1, 1), min_size=2, max_size=5))
def test_property_quadratics_are_exact_to_rounding(xs, cs):
    n = min(len(xs), len(cs))
    x = np.array(xs[:n])
    A = np.outer(cs[:n], cs[:n]) + np.eye(n)
    H = nd.hessian(lambda v: 0.5 * v @ A @ v + np.sum(v), x)
    np.testing.assert_allclose(H, A, atol=1e-6 * (1 + np.max(np.abs(x))) ** 2)
    assert np.array_equal(H, H.T)


def test_cancelling_terms_do_not_shrink_the_step_into_noise():
    # f(x) is tiny while its terms are O(1): the rounding of f is far above
    # eps |f(x)| (found by hypothesis: H[0, 1] came out as 4729)
    f = lambda v: 0.5 * v @ v + np.sum(v)  # noqa: E731
    H, info = nd.hessian(f, np.array([1e-5, -2.0]), full_output=True)
    np.testing.assert_allclose(H, np.eye(2), atol=1e-6)
    assert np.all(np.abs(H - np.eye(2)) <= info.error)


def test_noise_level_measures_injected_noise():
    from numdiff.differentiate._hessian import noise_level
    rng = np.random.default_rng(3)
    x = np.linspace(0.5, 1.5, 4)
    for sigma in (1e-10, 1e-6):
        f = lambda v: smooth(v) + sigma * rng.standard_normal()  # noqa: E731
        est, nfev = noise_level(f, x, f(x))
        assert nfev == 7 and sigma / 4 <= est <= 4 * sigma
    est, _ = noise_level(smooth, x, smooth(x))
    assert est < 1e-13


@pytest.mark.parametrize("f, x", CASES)
def test_complex_step_on_finite_differences(f, x):
    H, info = nd.hessian(f, x, method="complex", full_output=True)
    T = exact(f, x)
    assert np.array_equal(H, H.T) and info.method == "complex"
    assert rel(H, T) < 1e-7
    assert np.all(np.abs(H - T) <= info.error + 1e-14 * np.max(np.abs(T)))
    assert info.nfev >= (x.size + 3) * (2 * x.size + 1)


def test_complex_hessian_refuses_unsafe_f_and_vectorized():
    with pytest.raises(ValueError, match="central"):
        nd.hessian(lambda v: np.sum(np.abs(v) ** 3), [1.0, -2.0], method="complex")
    with pytest.raises(ValueError, match="vectorized"):
        nd.hessian(smooth, [1.0, 2.0], method="complex", vectorized=True)


@pytest.mark.parametrize("f, x", CASES)
def test_hvp_by_second_differences(f, x):
    v = np.linspace(1.0, -0.5, x.size).reshape(x.shape)
    Hv, info = nd.hvp(f, x, v, full_output=True)
    T = exact(f, x) @ v
    assert Hv.shape == x.shape
    assert np.max(np.abs(Hv - T)) <= 1e-4 * max(np.max(np.abs(T)), 1.0)
    assert np.all(np.abs(Hv - T) <= info.error + 1e-14 * np.max(np.abs(T)))


def test_hvp_costs_4n_plus_3_and_checks_v():
    x = np.linspace(-1, 1, 7)
    v = np.ones(7)
    calls = []
    nd.hvp(lambda u: calls.append(1) or smooth(u), x, v, step=1e-4)
    assert len(calls) == 2 * (2 * x.size + 1) + 1
    with pytest.raises(ValueError, match="shape"):
        nd.hvp(smooth, x, np.ones(3))
    with pytest.raises(ValueError, match="zero"):
        nd.hvp(smooth, x, np.zeros(7))
    with pytest.raises(ValueError, match="finite"):
        nd.hvp(smooth, x, np.full(7, np.nan))


def test_hvp_refuses_directions_without_room():
    with pytest.raises(ValueError, match="both sides"):
        nd.hvp(smooth, [1.0, 1.0, 0.5], [1.0, -2.0, 0.5],
               bounds=(np.zeros(3), np.ones(3)))


def test_noise_probe_scales_each_coordinate():
    # a huge coordinate must not make the probe move the small one by ~10
    f = lambda v: np.log(v[0]) + np.sin(50 * v[1]) + v[0] * v[1]  # noqa: E731
    x = np.array([1e7, 0.3])
    H, info = nd.hessian(f, x, full_output=True)
    T = np.array([[-1e-14, 1.0], [1.0, -2500 * np.sin(15.0)]])
    assert np.all(np.abs(H - T) <= info.error + 1e-12)
    assert abs(H[1, 1] - T[1, 1]) < 1e-3 * abs(T[1, 1])


def test_quantised_values_keep_their_rounding_bound():
    # large |f|: two steps can agree exactly; that must not erase the bound
    f = lambda v: 1e8 * np.sum(v ** 2) + v[0] * v[1]  # noqa: E731
    H, info = nd.hessian(f, np.array([1.25, 1.14]), full_output=True)
    assert abs(H[0, 1] - 1.0) <= info.error[0, 1]


def test_hvp_bounds_and_batch_paths():
    x = np.linspace(0.0, 1.0, 5)
    v = np.linspace(-1.0, 1.0, 5)
    lb, ub = np.zeros(5), np.ones(5)
    seen = []

    def f(u):
        seen.append(u.copy())
        return smooth(u)
    Hv = nd.hvp(f, x, v, bounds=(lb, ub))
    pts = np.array(seen)
    assert np.all(pts >= lb) and np.all(pts <= ub)
    np.testing.assert_allclose(Hv, exact(smooth, x) @ v, rtol=1e-4, atol=1e-5)

    def fb(X):
        return np.array([smooth(X[..., k]) for k in range(X.shape[-1])])
    ref = nd.hvp(smooth, x, v)
    np.testing.assert_allclose(nd.hvp(fb, x, v, vectorized=True), ref, rtol=1e-12)
    np.testing.assert_allclose(nd.hvp(smooth, x, v, workers=lambda fn, p: map(fn, p)), ref,
                               rtol=1e-12)


def test_pairs_retry_the_other_diagonal_when_f_is_not_finite():
    # f is defined for x0 >= 1 and x1 <= 2 only: at [1, 2] the pair (0, 1)
    # has no finite points along e0 + e1 on either side, but e0 - e1 works
    def f(v):
        if v[0] < 1 or v[1] > 2:
            return np.nan
        return v[0] ** 2 * v[1] + np.exp(v[0] - v[1])
    x = np.array([1.0, 2.0])
    H, info = nd.hessian(f, x, full_output=True)
    T = nd.hessian(lambda v: v[0] ** 2 * v[1] + np.exp(v[0] - v[1]), x, method="dual")
    assert info.success and np.array_equal(H, H.T)
    assert np.all(np.abs(H - T) <= info.error)
