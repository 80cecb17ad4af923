"""
A sparse Jacobian: its structure, its column groups and the evaluations saved
=============================================================================

The residual of a finite-volume discretisation of
``-div(grad u) + u**3 = 1`` on a 12 x 12 grid couples every cell with its four
neighbours: 144 unknowns, but at most 5 nonzeros in a row of the Jacobian.
Columns with no nonzero row in common can be perturbed together, so one
central difference along their sum gives all of them at once.

numdiff colours the columns greedily over three orderings (natural,
largest-first, smallest-last; Coleman and Moré 1983) and keeps the fewest
groups. The left panel shows the structure coloured by group; the right one
the evaluations of ``f`` a central Jacobian costs: dense, with SciPy's
``group_columns`` and with numdiff's groups.
"""
import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from scipy.optimize._numdiff import group_columns

import numdiff as nd
from numdiff.differentiate import column_groups

m = 12
n = m * m


def residual(u):
    """Five-point Laplacian with zero boundary values, plus a cubic term."""
    U = np.pad(u.reshape(m, m), 1)
    lap = 4 * U[1:-1, 1:-1] - U[:-2, 1:-1] - U[2:, 1:-1] - U[1:-1, :-2] - U[1:-1, 2:]
    return (lap + U[1:-1, 1:-1] ** 3 - 1.0 / n).ravel()


T = sp.diags_array([np.ones(m - 1), np.full(m, 4.0), np.ones(m - 1)], offsets=[-1, 0, 1])
structure = sp.csr_array((sp.kron(sp.eye_array(m), T) + sp.kron(T, sp.eye_array(m))) != 0)

groups = column_groups(structure)
k = int(groups.max()) + 1
k_scipy = int(group_columns(structure).max()) + 1

u0 = np.linspace(0.0, 0.5, n)
calls = []
J, info = nd.jacobian(lambda u: calls.append(1) or residual(u), u0, sparsity=structure,
                      full_output=True)
exact = nd.jacobian(residual, u0, method="complex")      # exact to rounding
print(f"{n} unknowns, {structure.nnz} nonzeros, at most "
      f"{np.max(np.diff(structure.indptr))} in a row")
print(f"numdiff: {k} groups; SciPy's group_columns: {k_scipy}")
print(f"max |J - exact| = {np.max(np.abs(J.toarray() - exact)):.1e}, "
      f"estimated <= {np.max(info.error.data):.1e}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.5))
rows, cols = structure.nonzero()
sc = ax1.scatter(cols, rows, c=groups[cols], cmap="tab10", s=4, marker="s")
ax1.set_xlim(-1, n)
ax1.set_ylim(n, -1)
ax1.set_aspect("equal")
ax1.set_xlabel("column (unknown)")
ax1.set_ylabel("row (equation)")
ax1.set_title(f"Jacobian structure, {k} column groups")
fig.colorbar(sc, ax=ax1, label="group", shrink=0.8)

labels = ["dense", "SciPy groups", "numdiff groups"]
evals = [2 * n + 1, 2 * k_scipy + 1, 2 * k + 1]
bars = ax2.bar(labels, evals, color=["0.6", "C1", "C0"])
ax2.bar_label(bars)
ax2.set_ylabel("evaluations of f (central differences)")
ax2.set_yscale("log")
ax2.set_title("Evaluations for one Jacobian")
fig.tight_layout()
plt.show()
