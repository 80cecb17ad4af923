"""Memory of a dense Jacobian at n = 2000 (32 MB of float64).

``track_peak_over_output``: the peak of numpy/Python allocations during the
call (tracemalloc) divided by the size of the Jacobian; the issue's bound is
3. ``peakmem_jacobian``: asv's whole-process peak, beside SciPy's
``approx_derivative`` on the same work.
"""
import tracemalloc

import numpy as np
from scipy.optimize._numdiff import approx_derivative

import numdiff as nd


class DenseJacobianMemory:
    params = ([2000], ["numdiff central", "numdiff forward", "approx_derivative 3-point"])
    param_names = ["n", "library"]
    timeout = 120

    def setup(self, n, library):
        A = np.random.default_rng(0).standard_normal((n, n)) / n
        self.x = np.linspace(-1.0, 1.0, n)
        self.f = lambda v: np.tanh(A @ v)
        self.f(self.x)

    def _run(self, library):
        if library == "numdiff central":
            return nd.jacobian(self.f, self.x)
        if library == "numdiff forward":
            return nd.jacobian(self.f, self.x, method="forward")
        return approx_derivative(self.f, self.x, method="3-point")

    def peakmem_jacobian(self, n, library):
        self._run(library)

    def track_peak_over_output(self, n, library):
        tracemalloc.start()
        try:
            J = self._run(library)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return peak / J.nbytes
