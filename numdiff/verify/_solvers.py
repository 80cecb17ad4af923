"""Verify areas "minimize" and "root": the Moré–Garbow–Hillstrom problems.

Every solver starts from the paper's standard point with the analytic
gradient (and Hessian for Newton), default options on both sides.

Definitions used in the tables (and in ``docs/user_guide/solvers.rst``):

* **solved**: ``f - f* <= 1e-5 (1 + |f*|)``; **strict**: ``f - f* <= 1e-8 +
  1e-6 |f*|``, with ``f*`` the minimum the paper reports or one of the other
  local minima the standard start leads to (``Problem.other_minima``:
  problems 2, 18 and 26), for numdiff and SciPy alike.
* **false success**: ``success=True`` at a point that is neither solved nor
  stationary to SciPy's own default tolerance (``norm(grad f, inf) > 1e-5``,
  the analytic gradient).
* **evaluations**: calls of ``fun`` plus calls of ``jac`` (plus ``hess``).
* Root finding uses the square systems (``m = n``): **solved** when
  ``norm(F, inf) <= 1e-8``; a false success is ``success=True`` with
  ``norm(F, inf) > 1e-6``.
"""
import time
import warnings

import numpy as np
import scipy.optimize as so

import numdiff as nd

from . import _mgh
from ._report import Row

SOLVED_RTOL = 1e-5
STATIONARY = 1e-5


def solved(p, f):
    return any(abs(f - v) <= SOLVED_RTOL * (1 + abs(v)) or f <= v
               for v in (p.fstar,) + p.other_minima)


def strict(p, f):
    return any(abs(f - v) <= 1e-8 + 1e-6 * abs(v) or f <= v
               for v in (p.fstar,) + p.other_minima)


def false_success(p, res):
    if not res.success:
        return False
    x = np.asarray(res.x, dtype=float)
    f = p.fun(x)
    return bool(not solved(p, f) and np.max(np.abs(p.grad(x))) > STATIONARY)


class _Count:
    def __init__(self, fn):
        self.fn, self.n = fn, 0

    def __call__(self, x, *a):
        self.n += 1
        return self.fn(np.asarray(x, dtype=float))


NUMDIFF = {
    "bfgs": lambda p, f, g, h, cb: nd.minimize(f, p.x0, method="bfgs", jac=g, callback=cb),
    "lbfgs": lambda p, f, g, h, cb: nd.minimize(f, p.x0, method="lbfgs", jac=g, callback=cb),
    "newton": lambda p, f, g, h, cb: nd.minimize(f, p.x0, method="newton", jac=g, hess=h,
                                                 callback=cb),
}
SCIPY = {
    "BFGS": lambda p, f, g, h, cb: so.minimize(f, p.x0, method="BFGS", jac=g, callback=cb),
    "L-BFGS-B": lambda p, f, g, h, cb: so.minimize(f, p.x0, method="L-BFGS-B", jac=g,
                                                   callback=cb),
    "Newton-CG": lambda p, f, g, h, cb: so.minimize(f, p.x0, method="Newton-CG", jac=g,
                                                    hess=h, callback=cb),
    "trust-exact": lambda p, f, g, h, cb: so.minimize(f, p.x0, method="trust-exact", jac=g,
                                                      hess=h, callback=cb),
}
PEER = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "newton": "Newton-CG"}


def _lbfgsb_at_numdiff_gtol(p, f, g, h, cb):
    return so.minimize(f, p.x0, method="L-BFGS-B", jac=g, callback=cb,
                       options={"gtol": 1e-6, "ftol": 0.0})


def solve_all(solver, problems):
    """Run ``solver`` on every problem; per problem a dict of outcomes."""
    out = []
    for p in problems:
        f, g, h = _Count(p.fun), _Count(p.grad), _Count(p.hess)
        first = []

        def cb(intermediate_result):
            # evaluations spent when the strict accuracy is first reached
            if not first and strict(p, float(intermediate_result.fun)):
                first.append(f.n + g.n + h.n)

        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            res = solver(p, f, g, h, cb)
            dt = time.perf_counter() - t0
        fx = float(p.fun(np.asarray(res.x, dtype=float)))
        out.append({"problem": p.number, "name": p.name, "success": bool(res.success),
                    "f": fx, "solved": bool(solved(p, fx)), "strict": bool(strict(p, fx)),
                    "false": false_success(p, res), "nit": int(res.get("nit", 0)),
                    "evals": f.n + g.n + h.n, "time": dt,
                    "to_strict": first[0] if first else None})
    return out


def _totals(runs, keep=None):
    sel = [r for r in runs if keep is None or r["problem"] in keep]
    return (sum(r["solved"] for r in sel), sum(r["strict"] for r in sel),
            sum(r["false"] for r in sel), sum(r["evals"] for r in sel),
            sum(r["time"] for r in sel))


def run_minimize(quick=False):
    """Rows of the minimize area."""
    problems = _mgh.PROBLEMS
    ours = {m: solve_all(fn, problems) for m, fn in NUMDIFF.items()}
    peers = {m: solve_all(fn, problems) for m, fn in SCIPY.items()}
    every = {p.number for i, p in enumerate(problems)
             if all(peers[m][i]["solved"] for m in peers)}
    rows = []
    N = len(problems)
    group = f"Moré-Garbow-Hillstrom, {N} problems"
    for m, runs in ours.items():
        peer = PEER[m]
        s, st, fs, ev, t = _totals(runs)
        ps, pst, pfs, pev, pt = _totals(peers[peer])
        bound = {"newton": 33}.get(m, 33)
        rows.append(Row("minimize", group, f"{m}: solved", N, float(s), ev, t,
                        peer, float(ps), pev, pt, float(bound), kind="at_least"))
        rows.append(Row("minimize", group, f"{m}: solved strictly", N, float(st), None,
                        None, peer, float(pst), None, None, 28.0 if m != "newton" else 0.0,
                        kind="at_least" if m != "newton" else "info"))
        rows.append(Row("minimize", group, f"{m}: false successes", N, float(fs), None,
                        None, peer, float(pfs), None, None, 0.0))
        rows.append(Row("minimize", group, f"{m}: iterations", N,
                        float(sum(r["nit"] for r in runs)), None, None, peer,
                        float(sum(r["nit"] for r in peers[peer])), None, None, 0.0,
                        kind="info"))
    # the other SciPy methods' false successes, for the record
    for m in ("BFGS", "L-BFGS-B", "Newton-CG", "trust-exact"):
        s, st, fs, ev, t = _totals(peers[m])
        rows.append(Row("minimize", group, f"scipy {m}: solved / false successes", N,
                        float(s), ev, t, m, float(fs), None, None, 0.0, kind="info"))
    # Evaluations with default options (each solver stops by its own tests:
    # numdiff's norm(g, inf) <= 1e-6 asks for more than L-BFGS-B's relative
    # decrease of f), and evaluations until f first meets the strict accuracy,
    # on the problems every solver compared reaches it (like for like).
    g2 = f"evaluations on the {len(every)} problems every SciPy method solves"
    lb = _totals(peers["L-BFGS-B"], every)[3]
    for m, runs in ours.items():
        ev = _totals(runs, every)[3]
        rows.append(Row("minimize", g2, f"{m}: fun + jac (+ hess) calls, defaults",
                        len(every), float(ev), None, None, "L-BFGS-B", float(lb), None,
                        None, float(lb), kind="info"))
    # like for like: L-BFGS-B asked for numdiff's first-order test (norm of
    # the projected gradient, inf-norm, <= 1e-6) with its relative-decrease
    # test switched off, so both stop by the same criterion
    same = [p for p in problems if p.number in every]
    peer_same = solve_all(_lbfgsb_at_numdiff_gtol, same)
    lbt = _totals(peer_same)[3]
    for m, runs in ours.items():
        if m == "newton":
            continue
        ev = _totals(runs, every)[3]
        rows.append(Row("minimize", g2, f"{m}: calls, both stopping at norm(g, inf) <= 1e-6",
                        len(every), float(ev), None, None, "L-BFGS-B gtol=1e-6, ftol=0",
                        float(lbt), None, None, float(lbt)))
    idx = [i for i, p in enumerate(problems) if p.number in every
           and all(r[i]["to_strict"] is not None for r in (*ours.values(), peers["BFGS"],
                                                           peers["L-BFGS-B"]))]
    lbs = sum(peers["L-BFGS-B"][i]["to_strict"] for i in idx)
    for m, runs in ours.items():
        ev = sum(runs[i]["to_strict"] for i in idx)
        rows.append(Row("minimize", g2, f"{m}: calls until f is strictly solved", len(idx),
                        float(ev), None, None, "L-BFGS-B", float(lbs), None, None,
                        float(lbs), kind="info"))
    return rows


ROOTS = {
    "newton": lambda p, F, J: nd.root(F, p.x0, method="newton", jac=J),
    "broyden": lambda p, F, J: nd.root(F, p.x0, method="broyden", jac=J),
}
ROOT_PEERS = {
    "hybr": lambda p, F, J: so.root(F, p.x0, method="hybr", jac=J),
    "lm": lambda p, F, J: so.root(F, p.x0, method="lm", jac=J),
}


def solve_roots(solver, problems):
    out = []
    for p in problems:
        F, J = _Count(p.residual), _Count(p.jacobian)
        t0 = time.perf_counter()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            res = solver(p, F, J)
        dt = time.perf_counter() - t0
        r = float(np.max(np.abs(p.residual(np.asarray(res.x, dtype=float)))))
        out.append({"problem": p.number, "name": p.name, "success": bool(res.success),
                    "residual": r, "solved": r <= 1e-8,
                    "false": bool(res.success and not r <= 1e-6), "nit": res.get("nit"),
                    "evals": F.n + J.n, "time": dt})
    return out


def run_root(quick=False):
    """Rows of the root area."""
    problems = [p for p in _mgh.PROBLEMS if p.square]
    N = len(problems)
    group = f"Moré-Garbow-Hillstrom square systems, {N} problems"
    peers = {m: solve_roots(fn, problems) for m, fn in ROOT_PEERS.items()}
    rows = []
    for m, fn in ROOTS.items():
        runs = solve_roots(fn, problems)
        s = sum(r["solved"] for r in runs)
        fs = sum(r["false"] for r in runs)
        ps = sum(r["solved"] for r in peers["hybr"])
        pfs = sum(r["false"] for r in peers["hybr"])
        rows.append(Row("root", group, f"{m}: solved", N, float(s),
                        sum(r["evals"] for r in runs), sum(r["time"] for r in runs), "hybr",
                        float(ps), sum(r["evals"] for r in peers["hybr"]),
                        sum(r["time"] for r in peers["hybr"]), 9.0, kind="at_least"))
        rows.append(Row("root", group, f"{m}: false successes", N, float(fs), None, None,
                        "hybr", float(pfs), None, None, 0.0))
        rows.append(Row("root", group, f"{m}: iterations", N,
                        float(sum(r["nit"] or 0 for r in runs)), None, None, "hybr",
                        None, None, None, 0.0, kind="info"))
    lm = peers["lm"]
    rows.append(Row("root", group, "scipy lm: solved / false successes", N,
                    float(sum(r["solved"] for r in lm)), sum(r["evals"] for r in lm),
                    sum(r["time"] for r in lm), "lm", float(sum(r["false"] for r in lm)),
                    None, None, 0.0, kind="info"))
    return rows
