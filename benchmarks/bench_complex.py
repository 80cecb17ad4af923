"""Complex-step derivatives beside ``scipy.optimize.approx_derivative(method="cs")``.

* ``ComplexGradient``: gradient of the extended Rosenbrock function at
  n = 10, 100, 1000 (the issue-3 target is n = 1000), time and error.
* ``ComplexScalar``: one scalar complex-step derivative.
"""
import numpy as np
from scipy.optimize._numdiff import approx_derivative

import numdiff as nd
from numdiff.verify._catalogue import _rosen, _rosen_grad


class ComplexGradient:
    params = ([10, 100, 1000], ["numdiff", "scipy.approx_derivative"])
    param_names = ["n", "library"]

    def setup(self, n, library):
        self.x = np.linspace(-1.0, 1.5, n)

    def _run(self, library):
        if library == "numdiff":
            return nd.gradient(_rosen, self.x, method="complex")
        return approx_derivative(_rosen, self.x, method="cs")

    def time_gradient_complex(self, n, library):
        self._run(library)

    def track_error(self, n, library):
        t = _rosen_grad(self.x)
        return float(np.max(np.abs(self._run(library) - t)) / np.max(np.abs(t)))


class ComplexScalar:
    params = ["numdiff", "scipy.approx_derivative"]
    param_names = ["library"]

    def time_derivative_complex(self, library):
        if library == "numdiff":
            nd.derivative(np.sin, 1.0, method="complex")
        else:
            approx_derivative(np.sin, 1.0, method="cs")
