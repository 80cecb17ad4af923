"""Dual numbers beside a minimal numpy value+partials implementation.

``DualGradient``: the gradient of the extended Rosenbrock function at
n = 10, 100, 1000 with ``method="dual"`` and with a hand-written numpy
forward mode (the floor any generic implementation is measured against).
``DualHessian``: exact Hessian at n = 10 and 100 (nested duals), beside
the complex-step Jacobian of the analytic gradient.
"""
import numpy as np

import numdiff as nd
from numdiff.verify._catalogue import _rosen, _rosen_grad


def rosen_grad_forward(x):
    """Minimal value+partials forward mode for Rosenbrock, by hand."""
    P = np.eye(x.size)
    a, pa, b, pb = x[1:], P[1:], x[:-1], P[:-1]
    t, pt = a - b * b, pa - 2.0 * b[:, None] * pb
    u, pu = 1.0 - b, -pb
    return np.sum(200.0 * t[:, None] * pt + 2.0 * u[:, None] * pu, axis=0)


class DualGradient:
    params = ([10, 100, 1000], ["numdiff dual", "minimal numpy forward mode"])
    param_names = ["n", "library"]

    def setup(self, n, library):
        self.x = np.linspace(-1.0, 1.5, n)

    def time_gradient(self, n, library):
        if library == "numdiff dual":
            nd.gradient(_rosen, self.x, method="dual")
        else:
            rosen_grad_forward(self.x)

    def track_error(self, n, library):
        g = (nd.gradient(_rosen, self.x, method="dual") if library == "numdiff dual"
             else rosen_grad_forward(self.x))
        t = _rosen_grad(self.x)
        return float(np.max(np.abs(g - t)) / np.max(np.abs(t)))


class DualHessian:
    params = ([10, 100], ["numdiff dual", "complex-step Jacobian of the gradient"])
    param_names = ["n", "library"]

    def setup(self, n, library):
        self.x = np.linspace(-1.0, 1.5, n)

    def time_hessian(self, n, library):
        if library == "numdiff dual":
            nd.hessian(_rosen, self.x, method="dual")
        else:
            nd.jacobian(_rosen_grad, self.x, method="complex")
