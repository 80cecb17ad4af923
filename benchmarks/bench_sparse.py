"""Sparse Jacobians beside ``scipy.optimize.approx_derivative(sparsity=...)``.

The Broyden tridiagonal function (Moré, Garbow and Hillstrom 1981) at
n = 100 and 1000, central differences (SciPy's ``"3-point"``) and forward
(``"2-point"``), with the column groups computed once (both libraries) or
inside every call (numdiff's colouring). ``track_groups`` compares the
colourings: numdiff's best of three orderings against SciPy's
``group_columns``.
"""
import numpy as np
import scipy.sparse as sp
from scipy.optimize._numdiff import approx_derivative, group_columns

import numdiff as nd
from numdiff.differentiate import column_groups


def broyden(x):
    return (3 - 2 * x) * x - np.r_[0, x[:-1]] - 2 * np.r_[x[1:], 0] + 1


def broyden_jac(x):
    n = x.size
    return np.diag(3 - 4 * x) - np.eye(n, k=-1) - 2 * np.eye(n, k=1)


LIBRARIES = ["numdiff, groups given", "numdiff, colouring in the call",
             "approx_derivative, groups given"]


class SparseJacobian:
    params = ([100, 1000], ["central", "forward"], LIBRARIES)
    param_names = ["n", "method", "library"]

    def setup(self, n, method, library):
        self.x = np.linspace(-1.0, 0.0, n)
        self.S = sp.csr_array(np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1))
        self.groups = column_groups(self.S)
        self.sgroups = group_columns(self.S)
        self.calls = 0

    def _f(self, x):
        self.calls += 1
        return broyden(x)

    def _run(self, method, library):
        if library == "numdiff, groups given":
            return nd.jacobian(self._f, self.x, method=method, sparsity=(self.S, self.groups))
        if library == "numdiff, colouring in the call":
            return nd.jacobian(self._f, self.x, method=method, sparsity=self.S)
        return approx_derivative(self._f, self.x,
                                 method="3-point" if method == "central" else "2-point",
                                 sparsity=(self.S, self.sgroups))

    def time_jacobian(self, n, method, library):
        self._run(method, library)

    def track_evaluations(self, n, method, library):
        self.calls = 0
        self._run(method, library)
        return self.calls

    def track_max_error(self, n, method, library):
        J = self._run(method, library)
        return float(np.max(np.abs(J.toarray() - broyden_jac(self.x))))


class Colouring:
    params = ([1000, 10000], ["numdiff column_groups", "scipy group_columns"])
    param_names = ["n", "library"]

    def setup(self, n, library):
        rng = np.random.default_rng(0)
        band = sp.diags_array([np.ones(n - abs(k)) for k in range(-2, 3)],
                              offsets=list(range(-2, 3)), format="csr")
        extra = sp.random_array((n, n), density=2.0 / n, random_state=rng, format="csr")
        self.S = sp.csr_array((band + extra) != 0)

    def time_groups(self, n, library):
        if library == "numdiff column_groups":
            column_groups(self.S)
        else:
            group_columns(self.S)

    def track_groups(self, n, library):
        if library == "numdiff column_groups":
            return int(column_groups(self.S).max()) + 1
        return int(group_columns(self.S).max()) + 1
