"""Verify area "sparse": grouped Jacobians beside ``approx_derivative(sparsity=)``.

Three structures -- the Broyden tridiagonal function (Moré, Garbow and
Hillstrom 1981), a five-point Laplacian with a cubic term on a grid and a
banded function with a random extra coupling -- are differentiated with
``sparsity=``. Rows: the largest error against the exact Jacobian (complex
step of the same function), the evaluations, the number of column groups
(numdiff's colouring against SciPy's ``group_columns``) and the honesty of
the error estimates.
"""
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.optimize._numdiff import approx_derivative, group_columns

import numdiff as nd
from numdiff.differentiate import column_groups

from ._differentiation import _Counted, _time_it
from ._report import Row


def _broyden(x):
    return (3 - 2 * x) * x - np.r_[0, x[:-1]] - 2 * np.r_[x[1:], 0] + 1


def _broyden_structure(n):
    return sp.csr_array(sp.diags_array([np.ones(n - 1), np.ones(n), np.ones(n - 1)],
                                       offsets=[-1, 0, 1]) != 0)


def _grid(m):
    n = m * m

    def residual(u):
        U = np.pad(u.reshape(m, m), 1)
        lap = 4 * U[1:-1, 1:-1] - U[:-2, 1:-1] - U[2:, 1:-1] - U[1:-1, :-2] - U[1:-1, 2:]
        return (lap + U[1:-1, 1:-1] ** 3 - 1.0 / n).ravel()
    T = sp.diags_array([np.ones(m - 1), np.ones(m), np.ones(m - 1)], offsets=[-1, 0, 1])
    S = sp.csr_array((sp.kron(sp.eye_array(m), T) + sp.kron(T, sp.eye_array(m))) != 0)
    return residual, S, np.linspace(0.0, 0.5, n)


def _banded(n, seed=0):
    rng = np.random.default_rng(seed)
    extra = rng.integers(0, n, n)

    def f(x):
        return (np.sin(x) * np.r_[x[1:], 0] + np.exp(-x * np.r_[0, x[:-1]])
                + 0.1 * x[extra] ** 2)
    S = _broyden_structure(n).tolil()
    S[np.arange(n), extra] = 1
    return f, sp.csr_array(S), np.linspace(-1.0, 1.0, n)


def _cases(quick):
    n = 200 if quick else 1000
    return [("Broyden tridiagonal n=%d" % n, _broyden, _broyden_structure(n),
             np.linspace(-1.0, 0.0, n)),
            ("grid Laplacian + cubic n=%d" % (12 * 12),) + _grid(12),
            ("banded + random coupling n=%d" % (n // 2),) + _banded(n // 2)]


def run(quick=False):
    """Rows of the sparse area."""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        covered = total = 0
        for name, f, S, x in _cases(quick):
            exact = nd.jacobian(f, x, method="complex")
            cf = _Counted(f)
            (J, info), dt = _time_it(lambda: nd.jacobian(cf, x, sparsity=S,
                                                         full_output=True))
            err = float(np.max(np.abs(J.toarray() - np.where(S.toarray(), exact, 0.0))))
            scale = float(np.max(np.abs(exact)))
            E = info.error.toarray()
            on = S.toarray()
            covered += int(np.sum(np.abs(J.toarray() - exact)[on] <= E[on]))
            total += int(on.sum())
            groups = column_groups(S)
            sg = group_columns(S)
            pf = _Counted(f)
            Jp, dt2 = _time_it(lambda: approx_derivative(pf, x, method="3-point",
                                                         sparsity=(S, sg)))
            perr = float(np.max(np.abs(Jp.toarray() - np.where(on, exact, 0.0))))
            cf2 = _Counted(f)
            _, dt3 = _time_it(lambda: nd.jacobian(cf2, x, sparsity=(S, groups)))
            rows.append(Row("sparse", name, "central, relative error", 1, err / scale,
                            cf2.n, dt3, "approx_derivative(3-point)", perr / scale, pf.n,
                            dt2, 1e-8))
            rows.append(Row("sparse", name, "column groups (numdiff vs SciPy)", 1,
                            float(groups.max() + 1), None, None, "group_columns",
                            float(sg.max() + 1), None, None, float(sg.max() + 1)))
        rows.append(Row("sparse", "error estimates", "covered fraction", total,
                        covered / total, None, None, "-", None, None, None, 0.95,
                        kind="at_least"))
    return rows
