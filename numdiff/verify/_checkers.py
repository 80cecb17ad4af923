"""Verify area "checkers": ``check_gradient`` beside ``scipy.optimize.check_grad``.

Gradients of a smooth coupled function, of a function with ``abs`` (not
complex-step safe; dual numbers differentiate it) and of the same function
behind ``float()`` (neither duals nor the complex step: the checker must
fall back to differences), at n = 10, 100 and 1000 (10 and 100 with
``--quick``), in float64 and float32. Each correct gradient must pass; the
same gradient with a 1% error planted in one component must fail with that
component named; with an exact reference (dual numbers, or the complex step
when asked for), a 0.01% error too. ``check_grad`` returns one number and no
verdict: the rows give the largest number it returned for a correct
gradient and the smallest for a wrong one (when these overlap, no threshold
separates them).
"""
import time
import warnings

import numpy as np
from scipy.optimize import check_grad

import numdiff as nd

from ._report import Row


def smooth(n, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.5, 2.0, n).astype(dtype)

    def f(x):
        return np.sum(c * np.sin(x) * x) + np.sum(x[:-1] * x[1:]) ** 2 / n

    def g(x):
        s = np.sum(x[:-1] * x[1:])
        out = c * (np.cos(x) * x + np.sin(x))
        out[:-1] = out[:-1] + 2 * s / n * x[1:]
        out[1:] = out[1:] + 2 * s / n * x[:-1]
        return out

    return f, g, rng.uniform(-1.0, 1.0, n).astype(dtype)


def nonsmooth(n, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n)).astype(dtype)
    return (lambda x: np.sum(np.abs(x) * x) + np.sum(np.cos(x))), \
        (lambda x: 2 * np.abs(x) - np.sin(x)), x


def behind_float(n, dtype=np.float64, seed=0):
    """``nonsmooth`` returning a Python float: refuses duals, drops the
    imaginary part of a complex value."""
    f, g, x = nonsmooth(n, dtype, seed)
    return (lambda x: float(f(x))), g, x


def planted(g, k, factor):
    def bad(x):
        out = np.array(g(x), dtype=np.float64)
        out[k] *= factor
        return out
    return bad


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(quick=False):
    """Rows of the checkers area."""
    sizes = (10, 100) if quick else (10, 100, 1000)
    rows = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for label, make in (("smooth f", smooth), ("f with abs (complex step unsafe)",
                                                    nonsmooth),
                            ("f behind float() (differences only)", behind_float)):
            passed = caught = total = 0
            exact = {"auto": [0, 0], "complex": [0, 0]}
            methods = set()
            cg_good, cg_bad = [], []
            nfev = 0
            t_nd = t_cg = 0.0
            for dtype in (np.float64, np.float32):
                for n in sizes:
                    if make is not smooth and n > 100:
                        continue
                    f, g, x = make(n, dtype)
                    k = n // 3
                    res, dt = _timed(lambda: nd.check_gradient(f, g, x))
                    methods.add(res.method.split(";")[0].split(",")[0])
                    nfev += res.nfev
                    t_nd += dt
                    passed += bool(res)
                    bad = nd.check_gradient(f, planted(g, k, 1.01), x)
                    caught += (not bad) and bad.worst_index == (k,)
                    total += 1
                    if dtype == np.float64 and make is not behind_float:
                        for m in ("auto", "complex") if make is smooth else ("auto",):
                            b4 = nd.check_gradient(f, planted(g, k, 1.0001), x, method=m)
                            exact[m][0] += (not b4) and b4.worst_index == (k,)
                            exact[m][1] += 1
                    x64 = x.astype(np.float64)
                    v, dt = _timed(lambda: check_grad(f, g, x64))
                    t_cg += dt
                    cg_good.append(v / max(np.max(np.abs(g(x64))), 1e-300))
                    cg_bad.append(check_grad(f, planted(g, k, 1.01), x64)
                                  / max(np.max(np.abs(g(x64))), 1e-300))
            rows.append(Row("checkers", label, "correct gradients pass ("
                            + " / ".join(sorted(methods)) + ")", total,
                            passed / total, nfev, t_nd, "check_grad: largest value, correct",
                            float(max(cg_good)), None, t_cg, 1.0, kind="at_least"))
            rows.append(Row("checkers", label, "1% error in one component: fails, named",
                            total, caught / total, None, None,
                            "check_grad: smallest value, wrong", float(min(cg_bad)), None,
                            None, 1.0, kind="at_least"))
            for m, (c4, t4) in exact.items():
                if t4:
                    rows.append(Row("checkers", label, "0.01% error fails ("
                                    + ("auto: dual numbers" if m == "auto" else "complex step")
                                    + ")", t4, c4 / t4, None, None, "-", None, None, None,
                                    1.0, kind="at_least"))
        # fast mode and the time of a full check at the largest size
        n = sizes[-1]
        f, g, x = smooth(n)
        fast, dt_fast = _timed(lambda: nd.check_gradient(f, g, x, mode="fast", seed=0))
        esc = nd.check_gradient(f, planted(g, 3, 1.01), x, mode="fast", seed=0)
        rows.append(Row("checkers", f"fast mode, n = {n}", "correct passes; 1% error named",
                        2, float(bool(fast) and not esc and esc.worst_index == (3,)),
                        fast.nfev,
                        dt_fast, "-", None, None, None, 1.0, kind="at_least"))
        from ._catalogue import _rosen, _rosen_grad
        xr = np.linspace(-1.0, 1.0, n) + 0.3
        for label, (ff, gg, xx) in (("sin-coupled f", (f, g, x)),
                                    ("Rosenbrock", (_rosen, _rosen_grad, xr)),
                                    ("f with abs", nonsmooth(n)),
                                    ("f with abs behind float()", behind_float(n))):
            full, dt_full = _timed(lambda: nd.check_gradient(ff, gg, xx))
            _, dt_cg = _timed(lambda: check_grad(ff, gg, xx))
            rows.append(Row("checkers", f"full check time, n = {n}", f"ms, {label}", 1,
                            1e3 * dt_full, full.nfev, dt_full, "check_grad", 1e3 * dt_cg,
                            n + 1, dt_cg, 0.0, kind="info"))
    return rows
