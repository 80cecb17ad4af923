"""nd.line_search: the compiled searches through the public API."""
import numpy as np
import pytest

import numdiff as nd
from numdiff.verify._catalogue import _rosen, _rosen_grad

METHODS = ["more-thuente", "strong-wolfe", "hager-zhang", "backtracking"]


def conditions(method, f, x, p, res, c1=1e-4, c2=0.9):
    g0 = _rosen_grad(x) if f is _rosen else None
    f0 = f(x)
    d0 = float(g0 @ p)
    a = res.alpha
    fa = f(x + a * p)
    da = float(_rosen_grad(x + a * p) @ p)
    assert res.fun == pytest.approx(fa, rel=1e-12, abs=1e-300)
    if method in ("more-thuente", "strong-wolfe"):
        assert fa <= f0 + c1 * a * d0 and abs(da) <= c2 * abs(d0) * (1 + 1e-9)
    elif method == "hager-zhang":
        wolfe = fa <= f0 + c1 * a * d0 and da >= c2 * d0
        approx = (2 * c1 - 1) * d0 >= da >= c2 * d0 and fa <= f0 + 1e-6 * abs(f0)
        assert wolfe or approx
    else:
        assert fa <= f0 + c1 * a * d0


STARTS = [np.array([-1.2, 1.0]), np.array([0.5, 0.5, 0.5, 0.5]), np.linspace(-1, 1.5, 10)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("gmode", ["callable", "True", "None"])
@pytest.mark.parametrize("i", range(len(STARTS)))
def test_rosenbrock_steepest_descent(method, gmode, i):
    x = STARTS[i]
    p = -_rosen_grad(x)
    if gmode == "True":
        f, grad = (lambda v: (_rosen(v), _rosen_grad(v))), True
    else:
        f, grad = _rosen, (_rosen_grad if gmode == "callable" else None)
    res = nd.line_search(f, x, p, grad=grad, method=method)
    assert isinstance(res, nd.LineSearchResult)
    assert res.success and res.status == 0 and res.alpha > 0
    conditions(method, _rosen, x, p, res)
    if gmode == "None":
        assert res.ngev == 0 and res.grad is None
    elif method != "backtracking":
        np.testing.assert_allclose(res.grad, _rosen_grad(x + res.alpha * p), rtol=1e-14)
        assert res.derphi == pytest.approx(float(res.grad @ p))


def test_known_f0_and_g0_save_evaluations():
    x = np.array([-1.2, 1.0])
    p = -_rosen_grad(x)
    a = nd.line_search(_rosen, x, p, grad=_rosen_grad)
    b = nd.line_search(_rosen, x, p, grad=_rosen_grad, f0=_rosen(x), g0=_rosen_grad(x))
    assert b.alpha == a.alpha and b.nfev == a.nfev - 1 and b.ngev == a.ngev - 1


@pytest.mark.parametrize("method", METHODS)
def test_ascent_direction_is_reported(method):
    x = np.array([-1.2, 1.0])
    res = nd.line_search(_rosen, x, _rosen_grad(x), grad=_rosen_grad, method=method)
    assert not res.success and res.status == 1 and res.alpha == 0.0
    assert "descent" in res.message


@pytest.mark.parametrize("method", METHODS)
def test_non_finite_beyond_a_point(method):
    f = lambda v: np.sum(v ** 2) if v[0] > -0.5 else np.nan  # noqa: E731
    g = lambda v: 2 * v  # noqa: E731
    x = np.array([1.0, 0.2])
    res = nd.line_search(f, x, -g(x) * 2, grad=g, method=method)
    assert np.isfinite(res.fun) and res.fun <= f(x)
    assert res.success


def test_bad_input():
    x = np.zeros(2)
    p = np.ones(2)
    with pytest.raises(ValueError, match="method"):
        nd.line_search(_rosen, x, p, method="golden")
    with pytest.raises(ValueError, match="c1 < c2"):
        nd.line_search(_rosen, x, p, c1=0.9, c2=0.1)
    with pytest.raises(ValueError, match="size"):
        nd.line_search(_rosen, x, np.ones(3))
    with pytest.raises(TypeError, match="grad"):
        nd.line_search(_rosen, x, p, grad="yes")
    with pytest.raises(ValueError, match="alpha0"):
        nd.line_search(_rosen, x, p, alpha0=-1.0)
    with pytest.raises(ValueError, match="hager-zhang"):
        nd.line_search(_rosen, x, p, method="hager-zhang", c1=0.6, c2=0.9)
    with pytest.raises(TypeError, match="callable"):
        nd.line_search(3.0, x, p)


def test_budget_and_alpha_max():
    x = np.array([-1.2, 1.0])
    p = -_rosen_grad(x)
    res = nd.line_search(_rosen, x, p, grad=_rosen_grad, maxiter=1, alpha0=1.0)
    assert res.nfev <= 2 and not res.success and res.status == 6
    assert res.alpha == 0.0 or _rosen(x + res.alpha * p) <= _rosen(x)
    res = nd.line_search(lambda v: np.sum((v - 100.0) ** 2), np.zeros(1), np.ones(1),
                         grad=lambda v: 2 * (v - 100.0), alpha_max=2.0)
    assert res.status == 3 and res.alpha == 2.0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scale", [1e-20, 1.0, 1e20])
def test_the_scale_of_f_does_not_matter(method, scale):
    f = lambda v: scale * float(np.sum((v - 3.0) ** 2))  # noqa: E731
    g = lambda v: scale * 2 * (v - 3.0)  # noqa: E731
    res = nd.line_search(f, np.zeros(1), np.array([6.0]), grad=g, method=method)
    assert res.success and res.alpha == pytest.approx(0.5, rel=1e-3)


@pytest.mark.parametrize("method", METHODS)
def test_non_finite_at_x_is_reported_without_trials(method):
    res = nd.line_search(lambda v: np.nan, np.zeros(2), -np.ones(2), grad=lambda v: v,
                         method=method)
    assert res.status == 5 and res.alpha == 0.0 and res.nfev == 1
    res = nd.line_search(_rosen, np.zeros(2), -np.ones(2), g0=[-np.inf, 0.0], method=method)
    assert res.status == 5 and res.alpha == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_unbounded_below_stops_at_a_finite_step(method):
    from numdiff.optimize import _backtracking, _hager_zhang, _more_thuente, _strong_wolfe
    mod = {"more-thuente": _more_thuente, "strong-wolfe": _strong_wolfe,
           "hager-zhang": _hager_zhang, "backtracking": _backtracking}[method]
    r = mod.run(lambda a, w: (-a, -1.0), 0.0, -1.0, maxiter=2000)
    assert np.isfinite(r["alpha"]) and r["nfev"] <= 2000


def test_grad_none_costs_three_evaluations_a_trial_and_f0_is_used():
    calls = []
    f = lambda v: calls.append(1) or _rosen(v)  # noqa: E731
    x = np.array([-1.2, 1.0])
    p = -_rosen_grad(x)
    res = nd.line_search(f, x, p, maxiter=5)
    assert len(calls) == res.nfev <= 3 * 5 + 3
    calls.clear()
    nd.line_search(f, x, p, grad=_rosen_grad, f0=_rosen(x))
    assert calls.count(1) == nd.line_search(_rosen, x, p, grad=_rosen_grad).nfev - 1


def test_more_bad_input():
    x, p = np.zeros(2), np.ones(2)
    with pytest.raises(TypeError, match="f must return"):
        nd.line_search(lambda v: None, x, -p, grad=lambda v: v)
    with pytest.raises(TypeError, match="f0"):
        nd.line_search(_rosen, x, -p, f0="1")
    with pytest.raises(ValueError, match="maxiter"):
        nd.line_search(_rosen, x, -p, maxiter=2 ** 31)
    with pytest.raises(TypeError, match="alpha_max"):
        nd.line_search(_rosen, x, -p, alpha_max="2")
    with pytest.raises(ValueError, match="c1"):
        nd.line_search(_rosen, x, -p, c1=float("nan"))
    with pytest.raises(TypeError, match="gradient"):
        nd.line_search(_rosen, x, -p, grad=lambda v: None)
    assert nd.line_search(_rosen, x, -_rosen_grad(x), alpha0=np.int64(1)).success


def test_more_thuente_judges_steps_below_the_rounding_of_f_by_their_slope():
    from numdiff.optimize import _more_thuente
    f0 = 1e5
    up = float(np.nextafter(f0, np.inf))           # one unit of rounding higher

    def phi(slope_at_1):
        return lambda a, want: (up, -1e-12 * (1.0 - a) + slope_at_1 * a)
    # every change the step can make (1e-12) is below f's rounding and the
    # slope has vanished at alpha = 1: accepted at once
    out = _more_thuente.run(phi(0.0), f0, -1e-12)
    assert out["status"] == 0 and out["alpha"] == 1.0 and out["nfev"] == 1
    # the slope has not fallen: not accepted there
    out = _more_thuente.run(phi(-1e-12), f0, -1e-12, maxiter=5)
    assert not (out["status"] == 0 and out["alpha"] == 1.0)
    # a measurable predicted decrease: f must fall, as the strong Wolfe
    # conditions ask
    out = _more_thuente.run(lambda a, want: (up, -1e-3 * (1.0 - a)), f0, -1e-3, maxiter=5)
    assert out["status"] != 0
