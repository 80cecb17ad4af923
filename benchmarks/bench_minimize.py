"""Minimisers and root finders beside ``scipy.optimize``.

``Overhead``: extended Rosenbrock at n = 10 with analytic gradient. The
``track_overhead_us_per_iteration`` figure is the solve's time minus the time
of its calls of ``fun`` and ``jac`` alone, divided by the iterations (the
issue's target: at most 5 us for numdiff).
``StopAtX0``: a call whose start is already optimal (target: at most 10 us
above the two callback calls).
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


SOLVERS = {
    "numdiff bfgs": lambda x0, **kw: nd.minimize(ext_rosen, x0, jac=ext_rosen_grad, **kw),
    "numdiff lbfgs": lambda x0, **kw: nd.minimize(ext_rosen, x0, method="lbfgs",
                                                  jac=ext_rosen_grad, **kw),
    "numdiff newton": lambda x0, **kw: nd.minimize(ext_rosen, x0, method="newton",
                                                   jac=ext_rosen_grad, hess=ext_rosen_hess,
                                                   **kw),
    "scipy BFGS": lambda x0, **kw: so.minimize(ext_rosen, x0, method="BFGS",
                                               jac=ext_rosen_grad, **kw),
    "scipy L-BFGS-B": lambda x0, **kw: so.minimize(ext_rosen, x0, method="L-BFGS-B",
                                                   jac=ext_rosen_grad, **kw),
    "scipy Newton-CG": lambda x0, **kw: so.minimize(ext_rosen, x0, method="Newton-CG",
                                                    jac=ext_rosen_grad, hess=ext_rosen_hess,
                                                    **kw),
}


def _cost(fn, x, number=2000):
    return min(timeit.repeat(lambda: fn(x), number=number, repeat=3)) / number


class Overhead:
    params = list(SOLVERS)
    param_names = ["solver"]

    def setup(self, solver):
        self.x0 = start(10)
        self.res = SOLVERS[solver](self.x0)

    def time_solve(self, solver):
        SOLVERS[solver](self.x0)

    def track_overhead_us_per_iteration(self, solver):
        t = min(timeit.repeat(lambda: SOLVERS[solver](self.x0), number=20, repeat=3)) / 20
        r = self.res
        x = r.x
        callbacks = (r.nfev * _cost(ext_rosen, x) + r.njev * _cost(ext_rosen_grad, x)
                     + r.get("nhev", 0) * _cost(ext_rosen_hess, x, 500))
        return (t - callbacks) / max(r.nit, 1) * 1e6

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
        t = min(timeit.repeat(lambda: SOLVERS[solver](self.x0), number=500, repeat=3)) / 500
        return (t - _cost(ext_rosen, self.x0) - _cost(ext_rosen_grad, self.x0)) * 1e6

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
