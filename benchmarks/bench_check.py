"""Derivative checkers beside ``scipy.optimize.check_grad``.

A full check at n = 1000 (issue 7's target: no slower than ``check_grad``,
while giving a per-entry verdict) and the fast mode (target: a few ms), on
the extended Rosenbrock function, a ``sin``-coupled function and a function
with ``abs`` (not complex-step safe; dual numbers differentiate it).
"""
import numpy as np
from scipy.optimize import check_grad

import numdiff as nd
from numdiff.verify._catalogue import _rosen, _rosen_grad
from numdiff.verify._checkers import nonsmooth, planted, smooth


def _problem(name, n):
    if name == "rosenbrock":
        return _rosen, _rosen_grad, np.linspace(-1.0, 1.0, n) + 0.3
    if name == "abs":
        return nonsmooth(n)
    return smooth(n)


class GradientCheck:
    params = (["rosenbrock", "sin-coupled", "abs"], [100, 1000],
              ["numdiff full", "numdiff fast", "scipy check_grad"])
    param_names = ["function", "n", "checker"]

    def setup(self, function, n, checker):
        self.f, self.g, self.x = _problem(function, n)

    def _run(self, checker, g):
        if checker == "numdiff full":
            return nd.check_gradient(self.f, g, self.x)
        if checker == "numdiff fast":
            return nd.check_gradient(self.f, g, self.x, mode="fast", seed=0)
        return check_grad(self.f, g, self.x)

    def time_check(self, function, n, checker):
        self._run(checker, self.g)

    def track_correct_passes(self, function, n, checker):
        """1 when a correct gradient passes (check_grad: no verdict, nan)."""
        if checker == "scipy check_grad":
            return float("nan")
        return float(bool(self._run(checker, self.g)))

    def track_one_percent_error_named(self, function, n, checker):
        """1 when a 1% error in component n // 3 fails and is named."""
        if checker == "scipy check_grad":
            return float("nan")
        res = self._run(checker, planted(self.g, n // 3, 1.01))
        return float((not res) and res.worst_index == (n // 3,))
