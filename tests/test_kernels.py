"""The Richardson kernel's statistical rounding bounds (split noise)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numdiff.differentiate import _kernels

EPS = np.finfo(np.float64).eps


def column_weights(k, ratio=2.0, e0=2, es=2):
    """Weights of levels j, j-1, ..., j-k in column k of the table."""
    w = np.array([1.0])
    for kk in range(1, k + 1):
        a = 1.0 / (ratio ** (e0 + (kk - 1) * es) - 1.0)
        nxt = np.zeros(kk + 1)
        nxt[:kk] += (1 + a) * w
        nxt[1:] -= a * w
        w = nxt
    return w


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), indep=st.booleans())
def test_reported_rounding_is_the_combination_of_the_levels_noise(seed, indep):
    # three levels (no noise check): the reported rounding part of the chosen
    # entry is exactly its own combination of the levels' noise -- the parts
    # from distinct points in quadrature (or added when they may be
    # correlated), f(x)'s part with its signs, the two in quadrature
    rng = np.random.default_rng(seed)
    N, J = 7, 3
    h = 0.1 * 2.0 ** -np.arange(J)
    D = 1.0 + rng.normal(size=(1, N)) * h[:, None] ** 2 + 1e-9 * rng.normal(size=(J, N))
    dD = np.ascontiguousarray(1e-9 / h[:, None] ** 2 * np.ones((J, N)))
    ind = np.ascontiguousarray(rng.uniform(0.1, 2.0, (J, N)) * 1e-9 / h[:, None] ** 2)
    com = np.ascontiguousarray(rng.uniform(-2.0, 2.0, (J, N)) * 1e-9 / h[:, None] ** 2)
    est, err, jb, kb, tr, ri, rc = _kernels.richardson(
        np.ascontiguousarray(D), dD, 2.0, 2, 2, 2, 4.0, EPS, ind, np.inf, com, indep)
    for i in range(N):
        j, k = jb[i], kb[i]
        w = column_weights(k)
        lv = j - np.arange(k + 1)
        want_i = (np.sqrt(np.sum((w * ind[lv, i]) ** 2)) if indep
                  else np.sum(np.abs(w) * ind[lv, i]))
        want_c = np.sum(w * com[lv, i])
        assert ri[i] == pytest.approx(want_i, rel=1e-12)
        assert rc[i] == pytest.approx(want_c, rel=1e-12, abs=1e-300)
        assert err[i] - tr[i] - EPS * abs(est[i]) == pytest.approx(
            np.hypot(want_i, want_c), rel=1e-9)


def test_split_noise_bounds_are_four_standard_deviations_of_the_entry():
    # levels of a second difference, D(h) = 3 + h**2 + h**4 (column 2 of the
    # table is exact) plus noise: independent at f(x + h), f(x - h) and
    # shared at f(x). The chosen entry's reported rounding part must be four
    # standard deviations of its own error: the error's median is 0.674 of a
    # standard deviation for Gaussian noise, it is covered in at least 99.9%
    # of the trials, and adding the levels' bounds up is looser
    rng = np.random.default_rng(7)
    trials, J, sigma = 20000, 8, 1e-10
    h = 0.5 * 2.0 ** -np.arange(J)
    sd_ind = sigma * np.sqrt(2.0) / h ** 2
    coef0 = -2.0 * sigma / h ** 2
    z = rng.normal(size=(J, trials))
    z0 = rng.normal(size=trials)
    D = np.ascontiguousarray(3.0 + (h ** 2 + h ** 4)[:, None] + sd_ind[:, None] * z
                             + coef0[:, None] * z0)

    def per_level(v):
        return np.ascontiguousarray(np.repeat(v[:, None], trials, 1))
    dD = per_level(4.0 * np.hypot(sd_ind, coef0))
    est, err, jb, kb, tr, ri, rc = _kernels.richardson(
        D, dD, 2.0, 2, 2, 2, 4.0, EPS, per_level(4.0 * sd_ind), np.inf,
        per_level(4.0 * coef0), True)
    assert np.all(kb == 2)
    bound = np.hypot(ri, rc)
    e = np.abs(est - 3.0)
    assert 0.62 <= np.median(4.0 * e / bound) <= 0.73
    assert np.mean(e <= bound) >= 0.999
    assert np.mean(e <= err) >= 0.999
    # the levels' bounds added up through the table (the kernel's own model)
    _, err_sum, *_ = _kernels.richardson(D, dD, 2.0, 2, 2, 2, 4.0, EPS)
    assert np.median(err / err_sum) < 0.95


def test_split_noise_needs_the_report_bounds_and_their_shape():
    D = np.ones((3, 2))
    with pytest.raises(ValueError, match="dD_common"):
        _kernels.richardson(D, D, 2.0, 2, 2, 2, 4.0, EPS, None, np.inf, D)
    with pytest.raises(ValueError, match="dD_common"):
        _kernels.richardson(D, D, 2.0, 2, 2, 2, 4.0, EPS, D, np.inf, np.ones((2, 2)))


@pytest.mark.parametrize("ratio, e0, es", [(2.0, 2, 2), (2.0, 1, 1), (1.5, 4, 2)])
def test_richardson_weights_sum_to_one_and_cancel_the_leading_errors(ratio, e0, es):
    # column k of the table: sum_m W[k, m] D(h ratio**m) = D + O(h**(e0 + k es)),
    # so the weights sum to one and cancel h**(e0 + i es) for i < k
    W = _kernels.richardson_weights(ratio, e0, es, 3)
    for k in range(4):
        np.testing.assert_allclose(W[k].sum(), 1.0, rtol=1e-14)
        for i in range(k):
            p = e0 + i * es
            assert abs(np.sum(W[k] * ratio ** (p * np.arange(4)))) < 1e-12


def test_a_coarse_run_that_agrees_by_aliasing_yields_to_the_finer_levels():
    # sin(w x) at w = 1.11e6, x = -160.054: the three coarsest steps are near
    # 8, 4 and 2 pi / w, so their quotients agree with each other (about
    # -1007) while the finer ones converge to f' = w cos(w x) = -705337.5
    w, x = 1.11e6, -160.054
    h = 2.2674475644635095e-05 * 2.0 ** -np.arange(10)
    D = (np.sin(w * (x + h)) - np.sin(w * (x - h))) / (2 * h)
    dD = 2.2e-16 * 2 * w * abs(x) / (2 * h)       # rounding of w x inside f
    est, err, jb, kb, tr = _kernels.richardson(
        np.ascontiguousarray(D[:, None]), np.ascontiguousarray(dD[:, None]),
        2.0, 2, 2, 2, 4.0, EPS)
    truth = w * np.cos(w * x)
    assert jb[0] >= 5
    assert abs(est[0] - truth) <= 1e-4 * abs(truth)
    # the error also covers the overruled run (-1007) being right
    assert err[0] >= abs(est[0] + 1006.8)

