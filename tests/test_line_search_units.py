"""The compiled line searches on one-dimensional problems.

Each search is run through its test hook on a set of line functions --
smooth, very flat, very steep, non-finite beyond a point, not a descent
direction -- and the conditions it promises are checked: sufficient decrease
for backtracking, the strong Wolfe conditions for bracketing and zoom; on
failure, the returned step still satisfies sufficient decrease (0 when none
was found) and the status names the reason.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numdiff.optimize import _backtracking, _hager_zhang, _more_thuente, _strong_wolfe

OK, NOT_DESCENT, ARMIJO, CURVATURE, INTERVAL, NONFINITE, MAXITER = range(7)


def quad(m, s=1.0):
    return lambda a, w: (s * (a - m) ** 2, 2 * s * (a - m))


def mt1(beta=2.0):
    # More and Thuente (1994), function 1
    return lambda a, w: (-a / (a * a + beta), (a * a - beta) / (a * a + beta) ** 2)


def mt2(beta=0.004):
    # More and Thuente (1994), function 2
    return lambda a, w: ((a + beta) ** 5 - 2 * (a + beta) ** 4,
                         5 * (a + beta) ** 4 - 8 * (a + beta) ** 3)


def wall(limit, m):
    # finite only below `limit`
    def phi(a, w):
        if a >= limit:
            return math.nan, math.nan
        return (a - m) ** 2, 2 * (a - m)
    return phi


PROBLEMS = {
    "quadratic 0.3": quad(0.3),
    "quadratic 3": quad(3.0),
    "quadratic 30": quad(30.0),
    "very flat": quad(5.0, 1e-12),
    "very steep": quad(1e-4, 1e6),
    "More-Thuente 1": mt1(),
    "More-Thuente 2": mt2(),
    "non-finite beyond 0.5": wall(0.5, 0.8),
    "non-finite beyond 2": wall(2.0, 1.0),
}

SEARCHES = {"backtracking": _backtracking.run, "strong-wolfe": _strong_wolfe.run,
            "more-thuente": _more_thuente.run, "hager-zhang": _hager_zhang.run}
WOLFE = ("strong-wolfe", "more-thuente")


def check(name, phi, res, c1=1e-4, c2=0.9):
    phi0, d0 = phi(0.0, True)
    a = res["alpha"]
    if a == 0.0:
        assert res["status"] != OK
        return
    f, d = phi(a, True)
    assert math.isfinite(f) and res["phi"] == f
    if name == "hager-zhang" and res["status"] == OK:
        # the Wolfe or the approximate Wolfe conditions (Hager and Zhang 2005)
        wolfe = f <= phi0 + c1 * a * d0 and d >= c2 * d0
        approx = (2 * c1 - 1) * d0 >= d >= c2 * d0 and f <= phi0 + 1e-6 * abs(phi0)
        assert wolfe or approx
        return
    assert f <= phi0 + c1 * a * d0          # every returned step: sufficient decrease
    if res["status"] == OK and name in WOLFE:
        assert abs(d) <= c2 * abs(d0) * (1 + 1e-12)


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("alpha0", [1e-3, 1.0, 100.0])
def test_promised_conditions(search, problem, alpha0):
    phi = PROBLEMS[problem]
    phi0, d0 = phi(0.0, True)
    res = SEARCHES[search](phi, phi0, d0, alpha0=alpha0, maxiter=60)
    check(search, phi, res)
    assert res["nfev"] <= 60
    assert res["status"] in (OK, CURVATURE, INTERVAL)
    if search == "backtracking" or alpha0 <= 1.0:
        assert res["status"] == OK or problem == "very flat"


@pytest.mark.parametrize("search", SEARCHES)
def test_not_a_descent_direction_is_reported_not_looped_on(search):
    res = SEARCHES[search](quad(-1.0), 1.0, 2.0)
    assert res["status"] == NOT_DESCENT and res["alpha"] == 0.0 and res["nfev"] == 0


@pytest.mark.parametrize("search", SEARCHES)
def test_nowhere_finite_is_reported(search):
    res = SEARCHES[search](lambda a, w: (math.nan, math.nan), 1.0, -1.0)
    assert res["status"] in (NONFINITE, MAXITER) and res["alpha"] == 0.0


@pytest.mark.parametrize("search", SEARCHES)
def test_budget_returns_the_best_sufficient_decrease_point(search):
    phi = mt2()
    phi0, d0 = phi(0.0, True)
    res = SEARCHES[search](phi, phi0, d0, alpha0=1e-6, c1=1e-4, maxiter=3)
    assert res["nfev"] <= 3
    check(search, phi, res)


def test_strong_wolfe_stops_at_alpha_max_and_says_so():
    phi = quad(100.0)      # |phi'| stays above 0.9 |phi'(0)| up to alpha_max
    res = _strong_wolfe.run(phi, *phi(0.0, True), alpha0=1.0, alpha_max=2.0)
    assert res["status"] == CURVATURE and res["alpha"] == 2.0
    check("strong-wolfe", phi, res)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(SEARCHES)), st.floats(0.01, 100), st.floats(1e-6, 1e6),
       st.floats(1e-3, 1e3), st.floats(1e-5, 0.3), st.floats(0.5, 0.99))
def test_property_quadratics_and_cubics(search, m, s, alpha0, c1, c2):
    # phi = s ((a - m)^2 + (a - m)^3 / (3 m)): decreasing at 0, minimum at m
    def phi(a, w):
        u = a - m
        return s * (u * u + u ** 3 / (3 * m)), s * (2 * u + u * u / m)
    phi0, d0 = phi(0.0, True)
    kw = dict(alpha0=alpha0, c1=c1, maxiter=100)
    if search != "backtracking":
        kw["c2"] = c2
    res = SEARCHES[search](phi, phi0, d0, **kw)
    check(search, phi, res, c1, c2)
    assert res["status"] == OK


@pytest.mark.parametrize("alpha0, alpha, nfev", [(1e-3, 1.4, 6), (1e-1, 1.4, 3),
                                                 (1e1, 10.0, 1), (1e3, 37.0, 4)])
def test_more_thuente_reproduces_the_papers_table_1(alpha0, alpha, nfev):
    # function 1 (beta = 2) with ftol = 1e-3, gtol = 0.1: the paper's
    # final steps (to two digits) and evaluation counts
    phi = mt1()
    res = _more_thuente.run(phi, *phi(0.0, True), c1=1e-3, c2=0.1, alpha0=alpha0)
    assert res["status"] == OK and res["nfev"] == nfev
    assert float(f"{res['alpha']:.2g}") == alpha
    check("more-thuente", phi, res, 1e-3, 0.1)
