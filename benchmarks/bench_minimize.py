"""Minimisers and root finders beside ``scipy.optimize``.

``Overhead``: extended Rosenbrock at n = 10 with analytic gradient. The
``track_overhead_us_per_iteration`` figure is the solve's time minus the time
of its own calls of ``fun``, ``jac`` and ``hess`` replayed alone (the same
points in the same order), divided by the iterations (the issue's target: at
most 5 us for numdiff). Both times are the least of 25 repeats taken in
turns: timings on a shared machine only ever gain noise, and a difference of
two noisy times needs the floor of each, seen in the same machine state.
``StopAtX0``: a call whose start is already optimal (target: at most 10 us
above its callback calls, replayed alike).
``ExtendedRosenbrock``: n = 1000 (SciPy's BFGS is run at n = 100 only: its
O(n^3) update takes minutes at n = 1000).
``MGH`` and ``RootMGH``: the Moré–Garbow–Hillstrom set of the verify report.
"""
import timeit

import numpy as np
import scipy.optimize as so

import numdiff as nd


def ext_rosen(x):
    return np.sum(100.0 * (x[1::2] - x[::2] ** 2) ** 2 + (1.0 - x[::2]) ** 2)


def ext_rosen_grad(x):
    g = np.empty_like(x)
    t = x[1::2] - x[::2] ** 2
    g[::2] = -400.0 * x[::2] * t - 2.0 * (1.0 - x[::2])
    g[1::2] = 200.0 * t
    return g


def ext_rosen_hess(x):
    n = x.size
    H = np.zeros((n, n))
    i = np.arange(0, n, 2)
    H[i, i] = 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
    H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
    H[i + 1, i + 1] = 200.0
    return H


def start(n):
    return np.tile([-1.2, 1.0], n // 2)


_F = (ext_rosen, ext_rosen_grad, ext_rosen_hess)

SOLVERS = {
    "numdiff bfgs": lambda x0, F=_F, **kw: nd.minimize(F[0], x0, jac=F[1], **kw),
    "numdiff lbfgs": lambda x0, F=_F, **kw: nd.minimize(F[0], x0, method="lbfgs",
                                                        jac=F[1], **kw),
    "numdiff newton": lambda x0, F=_F, **kw: nd.minimize(F[0], x0, method="newton",
                                                         jac=F[1], hess=F[2], **kw),
    "scipy BFGS": lambda x0, F=_F, **kw: so.minimize(F[0], x0, method="BFGS", jac=F[1],
                                                     **kw),
    "scipy L-BFGS-B": lambda x0, F=_F, **kw: so.minimize(F[0], x0, method="L-BFGS-B",
                                                         jac=F[1], **kw),
    "scipy Newton-CG": lambda x0, F=_F, **kw: so.minimize(F[0], x0, method="Newton-CG",
                                                          jac=F[1], hess=F[2], **kw),
}

REPEATS = 25


def _overhead_us(solver, x0, number):
    """Microseconds of one solve beyond its own callback calls: the solve's
    time minus that of replaying the calls it made (same functions, points
    and order), each the least of ``REPEATS`` taken in turns."""
    calls = []

    def rec(fn):
        def wrapped(x, *a):
            calls.append((fn, np.array(x, copy=True)))
            return fn(x, *a)
        return wrapped
    SOLVERS[solver](x0, F=tuple(rec(fn) for fn in _F))

    def replay():
        for fn, x in calls:
            fn(x)
    # interleaved, so that both see the machine in the same states
    t = c = np.inf
    for _ in range(REPEATS):
        t = min(t, timeit.timeit(lambda: SOLVERS[solver](x0), number=number))
        c = min(c, timeit.timeit(replay, number=number))
    return (t - c) / number * 1e6


class Overhead:
    params = list(SOLVERS)
    param_names = ["solver"]

    def setup(self, solver):
        self.x0 = start(10)
        self.res = SOLVERS[solver](self.x0)

    def time_solve(self, solver):
        SOLVERS[solver](self.x0)

    def track_overhead_us_per_iteration(self, solver):
        return _overhead_us(solver, self.x0, 20) / max(self.res.nit, 1)

    track_overhead_us_per_iteration.unit = "us"

    def track_nit(self, solver):
        return int(self.res.nit)

    def track_nfev(self, solver):
        return int(self.res.nfev)


class StopAtX0:
    params = ["numdiff bfgs", "numdiff lbfgs", "scipy BFGS", "scipy L-BFGS-B"]
    param_names = ["solver"]

    def setup(self, solver):
        self.x0 = np.ones(10)

    def time_stop_at_x0(self, solver):
        SOLVERS[solver](self.x0)

    def track_overhead_us(self, solver):
        return _overhead_us(solver, self.x0, 200)

    track_overhead_us.unit = "us"


class ExtendedRosenbrock:
    params = ([100, 1000], ["numdiff bfgs", "numdiff lbfgs", "scipy BFGS",
                            "scipy L-BFGS-B"])
    param_names = ["n", "solver"]
    timeout = 120

    def setup(self, n, solver):
        if solver == "scipy BFGS" and n > 100:
            raise NotImplementedError("SciPy's BFGS takes minutes at n = 1000")
        self.x0 = start(n)
        self.res = SOLVERS[solver](self.x0)

    def time_solve(self, n, solver):
        SOLVERS[solver](self.x0)

    def track_nit(self, n, solver):
        return int(self.res.nit)

    def track_nfev(self, n, solver):
        return int(self.res.nfev)

    def track_final_gradient(self, n, solver):
        return float(np.max(np.abs(ext_rosen_grad(self.res.x))))


class MGH:
    """The 35 Moré–Garbow–Hillstrom problems, as in the verify report."""
    params = ["numdiff bfgs", "numdiff lbfgs", "numdiff newton", "scipy BFGS",
              "scipy L-BFGS-B", "scipy Newton-CG", "scipy trust-exact"]
    param_names = ["solver"]
    timeout = 120

    def setup(self, solver):
        from numdiff.verify import _mgh, _solvers
        self.problems = _mgh.PROBLEMS
        lib, name = solver.split(" ", 1)
        self.fn = (_solvers.NUMDIFF if lib == "numdiff" else _solvers.SCIPY)[name]
        self.runs = _solvers.solve_all(self.fn, self.problems)

    def time_all_problems(self, solver):
        from numdiff.verify import _solvers
        _solvers.solve_all(self.fn, self.problems)

    def track_solved(self, solver):
        return sum(r["solved"] for r in self.runs)

    def track_solved_strictly(self, solver):
        return sum(r["strict"] for r in self.runs)

    def track_false_successes(self, solver):
        return sum(r["false"] for r in self.runs)

    def track_evaluations(self, solver):
        return sum(r["evals"] for r in self.runs)

    def track_iterations(self, solver):
        return sum(r["nit"] for r in self.runs)


class RootMGH:
    """The square Moré–Garbow–Hillstrom systems beside ``scipy.optimize.root``."""
    params = ["numdiff newton", "numdiff broyden", "scipy hybr", "scipy lm"]
    param_names = ["solver"]

    def setup(self, solver):
        from numdiff.verify import _mgh, _solvers
        self.problems = [p for p in _mgh.PROBLEMS if p.square]
        lib, name = solver.split(" ", 1)
        self.fn = (_solvers.ROOTS if lib == "numdiff" else _solvers.ROOT_PEERS)[name]
        self.runs = _solvers.solve_roots(self.fn, self.problems)

    def time_all_problems(self, solver):
        from numdiff.verify import _solvers
        _solvers.solve_roots(self.fn, self.problems)

    def track_solved(self, solver):
        return sum(r["solved"] for r in self.runs)

    def track_false_successes(self, solver):
        return sum(r["false"] for r in self.runs)

    def track_evaluations(self, solver):
        return sum(r["evals"] for r in self.runs)
