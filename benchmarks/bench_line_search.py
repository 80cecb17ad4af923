"""Line searches beside ``scipy.optimize.line_search``.

``SearchOverhead``: the compiled searches on a cheap one-dimensional
function through their test hook, beside the cost of its callbacks alone;
the difference is the search's own overhead (the issue's target: at most
1 us when the first trial is accepted, 0.5 us per extra trial).
``RosenbrockSearch``: the public ``nd.line_search`` along steepest descent
from the standard start, beside SciPy's strong Wolfe search.
"""
import numpy as np
from scipy.optimize import line_search as scipy_line_search

import numdiff as nd
from numdiff.optimize import _backtracking, _hager_zhang, _more_thuente, _strong_wolfe
from numdiff.verify._catalogue import _rosen, _rosen_grad

MODULES = {"more-thuente": _more_thuente, "strong-wolfe": _strong_wolfe,
           "hager-zhang": _hager_zhang, "backtracking": _backtracking}


def phi(a, want):
    return (a - 0.3) ** 2, 2.0 * (a - 0.3)


class SearchOverhead:
    params = (list(MODULES) + ["callbacks only"], ["first trial accepted", "two trials"])
    param_names = ["search", "case"]

    def setup(self, search, case):
        self.alpha0 = 0.3 if case == "first trial accepted" else 1.0
        self.n = 1 if case == "first trial accepted" else 2

    def time_search(self, search, case):
        if search == "callbacks only":
            for _ in range(self.n):
                phi(self.alpha0, True)
        else:
            MODULES[search].run(phi, 0.09, -0.6, alpha0=self.alpha0)


class RosenbrockSearch:
    params = ["numdiff more-thuente", "numdiff strong-wolfe", "numdiff hager-zhang",
              "numdiff backtracking", "scipy line_search"]
    param_names = ["library"]

    def setup(self, library):
        self.x = np.array([-1.2, 1.0])
        self.p = -_rosen_grad(self.x)
        self.calls = [0, 0]

    def _f(self, x):
        self.calls[0] += 1
        return _rosen(x)

    def _g(self, x):
        self.calls[1] += 1
        return _rosen_grad(x)

    def _run(self, library):
        if library == "scipy line_search":
            return scipy_line_search(self._f, self._g, self.x, self.p)
        return nd.line_search(self._f, self.x, self.p, grad=self._g,
                              method=library.split()[1])

    def time_search(self, library):
        self._run(library)

    def track_evaluations(self, library):
        self.calls = [0, 0]
        self._run(library)
        return sum(self.calls)
