"""Verify area "line-search": the four searches beside ``scipy.optimize.line_search``.

One search along steepest descent from the standard starting point of each
of the 35 Moré–Garbow–Hillstrom problems, with the analytic gradient and the
defaults of each side (``c1 = 1e-4``, ``c2 = 0.9``). Every claimed success
is re-checked against the conditions the method promises, from fresh
evaluations: sufficient decrease for backtracking, the strong Wolfe
conditions for strong-wolfe, More-Thuente and SciPy, and the Wolfe or
approximate Wolfe conditions of Hager and Zhang (2005) for hager-zhang.
"""
import time
import warnings

import numpy as np
from scipy.optimize import line_search as scipy_line_search

import numdiff as nd

from . import _mgh
from ._report import Row

SEARCHES = ("more-thuente", "strong-wolfe", "hager-zhang", "backtracking")
C1, C2 = 1e-4, 0.9


def holds(method, phi0, d0, a, phia, da):
    """The promised conditions at step ``a`` (with a little rounding slack)."""
    if not (a > 0 and np.isfinite(phia)):
        return False
    slack = 1e-12 * abs(phi0)
    armijo = phia <= phi0 + C1 * a * d0 + slack
    if method == "backtracking":
        return armijo
    if method == "hager-zhang":
        wolfe = da >= C2 * d0
        approx = (phia <= phi0 + 1e-6 * abs(phi0) and (2 * C1 - 1) * d0 >= da)
        return bool(wolfe and (armijo or approx))
    return bool(armijo and abs(da) <= C2 * abs(d0) * (1 + 1e-12))


def run(quick=False):
    """Rows of the line-search area."""
    probs = _mgh.PROBLEMS
    rows = []
    group = f"steepest descent from the {len(probs)} MGH starting points"
    results = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for method in SEARCHES + ("scipy",):
            ok = false = evals = 0
            t = 0.0
            for p in probs:
                x0 = p.x0
                g0 = p.grad(x0)
                pdir = -g0
                f0 = p.fun(x0)
                d0 = float(g0 @ pdir)
                calls = [0]

                def f(x):
                    calls[0] += 1
                    return p.fun(x)

                def g(x):
                    calls[0] += 1
                    return p.grad(x)
                t0 = time.perf_counter()
                if method == "scipy":
                    out = scipy_line_search(f, g, x0, pdir, gfk=g0, old_fval=f0, c1=C1, c2=C2)
                    a = out[0]
                    success = a is not None
                else:
                    res = nd.line_search(f, x0, pdir, grad=g, f0=f0, g0=g0, method=method,
                                         c1=C1, c2=C2)
                    a, success = res.alpha, res.success
                t += time.perf_counter() - t0
                evals += calls[0]
                if success:
                    xa = x0 + a * pdir
                    ok += 1
                    if not holds("more-thuente" if method == "scipy" else method, f0, d0, a,
                                 p.fun(xa), float(p.grad(xa) @ pdir)):
                        false += 1
            results[method] = (ok, false, evals, t)
    pok, pfalse, pev, pt = results["scipy"]
    for method in SEARCHES:
        ok, false, ev, t = results[method]
        rows.append(Row("line-search", group, f"{method}: successes", len(probs),
                        float(ok), ev, t, "scipy line_search", float(pok), pev, pt,
                        float(pok), kind="at_least"))
        rows.append(Row("line-search", group, f"{method}: claims that do not hold",
                        len(probs), float(false), None, None, "scipy line_search",
                        float(pfalse), None, None, 0.0))
    return rows
