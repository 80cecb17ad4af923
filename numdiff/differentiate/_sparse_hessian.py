"""Sparse Hessians: star colouring and direct recovery from H d products.

A star colouring of the adjacency graph of the Hessian's structure (a
distance-1 colouring in which every path on four vertices uses at least three
colours; Coleman and Moré 1984, Gebremedhin, Manne and Pothen 2005) lets one
product ``H d_c`` per colour ``c`` (``d_c`` the sum of the unit vectors of
that colour) determine every entry, using the symmetry of ``H``:

* ``H_ii`` is row ``i`` of ``H d_(colour of i)`` (neighbours never share
  ``i``'s colour);
* ``H_ij`` is row ``i`` of ``H d_(colour of j)`` when ``j`` is the only
  neighbour of ``i`` with that colour, and otherwise row ``j`` of
  ``H d_(colour of i)`` (the star property guarantees one of the two).

A banded Hessian of half-bandwidth ``b`` needs ``2 b + 1`` colours whatever
``n``; an arrow-shaped one needs 2. The products come from:

* ``grad=``: directional derivatives of the gradient along each ``d_c``,
  through the same engine as a gradient (``2 k + 1`` gradient evaluations
  with central differences, error estimates included);
* ``method="dual"``: one nested-dual evaluation of ``f`` per colour
  (forward over forward ``H d_c``), exact to rounding.

Without ``grad`` the finite-difference methods cannot form ``H d`` from
values of ``f`` at ``O(k)`` points; they difference only the pairs the
structure allows (``_hessian.py``), ``n + nnz/2`` directions instead of
``n (n + 1) / 2``.
"""
import numpy as np
import scipy.sparse as sp

from ._colouring import star_colour
from ._sparse import _pattern

__all__ = ["hessian_structure", "star_groups", "recover", "pairs_of"]


def hessian_structure(sparsity, n):
    """``(S, colours or None)``: the symmetric structure with its diagonal."""
    colours = None
    if isinstance(sparsity, tuple):
        if len(sparsity) != 2:
            raise TypeError("sparsity must be an (n, n) structure or a (structure, colours) "
                            f"pair; got a tuple of length {len(sparsity)}")
        sparsity, colours = sparsity
    S = _pattern(sparsity)
    if S.shape != (n, n):
        raise ValueError(f"the sparsity of a Hessian must have shape ({n}, {n}) for x "
                         f"with {n} elements; got {S.shape}")
    S = sp.csr_array(((S + S.T + sp.eye_array(n, dtype=bool, format="csr")) != 0))
    S.sort_indices()
    if colours is not None:
        colours = np.asarray(colours)
        if colours.dtype.kind not in "iu" or colours.shape != (n,) or (
                n and colours.min() < 0):
            raise ValueError(f"the colours of sparsity=(structure, colours) must be {n} "
                             "integers >= 0, one per variable")
        colours = np.unique(colours, return_inverse=True)[1].astype(np.intp).reshape(-1)
        _check_star(S, colours)
    return S, colours


def _adjacency(S):
    A = S.tolil()
    A.setdiag(False)
    A = sp.csr_array(A)
    A.eliminate_zeros()
    A.sort_indices()
    return A


def star_groups(structure):
    """Star colouring of a symmetric structure (the colour of every variable).

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.differentiate import star_groups
    >>> band = sum(np.eye(8, k=k) for k in (-1, 0, 1))
    >>> int(star_groups(band).max()) + 1
    3
    >>> arrow = np.eye(8); arrow[0, :] = arrow[:, 0] = 1
    >>> int(star_groups(arrow).max()) + 1
    2
    """
    S = _pattern(structure, "structure")
    if S.shape[0] != S.shape[1]:
        raise ValueError(f"structure must be square; got shape {S.shape}")
    S = sp.csr_array((S + S.T) != 0)
    return _star(S)


def _star(S):
    A = _adjacency(S)
    ptr, adj = A.indptr.astype(np.intp), A.indices.astype(np.intp)
    best = None
    deg = np.diff(ptr)
    for order in (None, np.argsort(-deg, kind="stable").astype(np.intp)):
        c = np.asarray(star_colour(ptr, adj, order), dtype=np.intp)
        if best is None or c.max(initial=-1) < best.max(initial=-1):
            best = c
    return best


def _sources(S, colours):
    """For every stored entry: the (colour, row) of the product that holds it."""
    n = S.shape[0]
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    cols = S.indices
    off = rows != cols
    # how many neighbours of row i carry colour c
    key = rows[off].astype(np.int64) * (int(colours.max(initial=0)) + 1) + colours[cols[off]]
    uniq, counts = np.unique(key, return_counts=True)
    cnt = np.ones(rows.size, dtype=np.int64)
    cnt[off] = counts[np.searchsorted(uniq, key)]
    direct = cnt == 1
    colour = np.where(direct, colours[cols], colours[rows])
    row = np.where(direct, rows, cols)
    return colour, row, direct


def _check_star(S, colours):
    """Colours must let every entry be recovered (star colouring)."""
    n = S.shape[0]
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    cols = S.indices
    off = rows != cols
    if np.any(colours[rows[off]] == colours[cols[off]]):
        raise ValueError("the colours of sparsity=(structure, colours) give two neighbours "
                         "the same colour; use numdiff.differentiate.star_groups(structure)")
    colour, row, direct = _sources(S, colours)
    # an entry that is not alone in its row must be alone in its column's row
    if not direct.all():
        if not np.all(direct | direct[_partner(S)]):
            raise ValueError("the colours of sparsity=(structure, colours) are not a star "
                             "colouring: some entries cannot be recovered; use "
                             "numdiff.differentiate.star_groups(structure)")


def recover(S, colours, P, E=None, signs=None):
    """``H`` (``csr_array`` with ``S``'s structure) from the products ``P``.

    ``P[c]`` is ``H d_c`` with ``d_c = sum signs_j e_j`` over the colour
    (``signs`` all ``+1`` by default); ``E[c]`` its error bound (optional).
    Each pair ``(i, j)`` takes the value of the upper entry, so ``H`` is
    exactly symmetric.
    """
    n = S.shape[0]
    colour, row, direct = _sources(S, colours)
    rows_ = np.repeat(np.arange(n), np.diff(S.indptr))
    # row i of H d_c(j) holds signs_j H_ij; row j of H d_c(i) holds signs_i H_ij
    sg = np.ones(n) if signs is None else np.asarray(signs, dtype=np.float64)
    mult = np.where(direct, sg[S.indices], sg[rows_])
    vals = P[colour, row] * mult
    errs = None if E is None else E[colour, row]
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    cols = S.indices
    # exact symmetry: the entry (i, j) with i > j takes the value of (j, i)
    partner = _partner(S)
    lower = rows > cols
    vals = np.where(lower, vals[partner], vals)
    H = sp.csr_array((vals, cols.copy(), S.indptr.copy()), shape=(n, n))
    if errs is None:
        return H, None
    errs = np.where(lower, errs[partner], errs)
    return H, sp.csr_array((errs, cols.copy(), S.indptr.copy()), shape=(n, n))


def _partner(S):
    """For every stored entry ``(i, j)`` of a symmetric structure: where ``(j, i)`` is."""
    n = S.shape[0]
    T = sp.csr_array((np.arange(S.nnz, dtype=np.float64) + 1, S.indices, S.indptr),
                     shape=(n, n))
    Tt = sp.csr_array(T.T)
    Tt.sort_indices()
    return (Tt.data - 1).astype(np.intp)


def pairs_of(S):
    """The off-diagonal pairs ``i < j`` of a symmetric structure."""
    n = S.shape[0]
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    cols = S.indices
    up = rows < cols
    return rows[up].astype(np.intp), cols[up].astype(np.intp)
