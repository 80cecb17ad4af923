"""Sparse Jacobians: column groups, one finite-difference direction each.

Columns that share no nonzero row form a group; one stencil along the sum
of a group's unit vectors gives all of their columns at once (Curtis, Powell
and Reid 1974): row ``i`` of that directional derivative is the entry of the
single column of the group that has a nonzero in row ``i``. The groups come
from the greedy colouring of ``_colouring.pyx`` (Coleman and Moré 1983) or
are passed in with the structure. Each group direction goes through the
same engine as a gradient's coordinates (default step with its curvature
check, error estimates, ``adaptive``, bounds, non-finite retries), so a
central Jacobian costs ``2 k + 1`` evaluations for ``k`` groups.
"""
import numpy as np
import scipy.sparse as sp

from .. import _validate as V
from .._workers import FunctionCall, mapper
from . import _engine
from ._api import _batch_sweeper, _eps, _f_at_x
from ._colouring import colour_columns
from ._hessian import noise_level
from ._stencils import get_stencil

__all__ = ["parse_sparsity", "sparse_jacobian", "column_groups"]


def column_groups(structure):
    """Groups of structurally orthogonal columns of ``structure`` (``(m, n)``).

    Returns an ``intp`` array of length ``n`` with the group of every
    column: the fewest found by the greedy colouring over three column
    orderings (natural, largest-first, smallest-last).

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.differentiate import column_groups
    >>> tridiagonal = np.eye(6) + np.eye(6, k=1) + np.eye(6, k=-1)
    >>> column_groups(tridiagonal).tolist()
    [0, 1, 2, 0, 1, 2]
    """
    S = _pattern(structure, "structure")
    return _colour(S)


def _colour(S):
    C = S.tocsc()
    groups, _ = colour_columns(C.indptr.astype(np.intp), C.indices.astype(np.intp),
                               S.indptr.astype(np.intp), S.indices.astype(np.intp))
    return np.asarray(groups, dtype=np.intp)


def _pattern(structure, name="sparsity"):
    """``structure`` as a canonical boolean ``csr_array``."""
    try:
        if sp.issparse(structure):
            if len(structure.shape) != 2:
                raise ValueError(f"{name} must be a 2-D (m, n) structure; got shape "
                                 f"{structure.shape}")
            S = sp.csr_array(structure)
            S.eliminate_zeros()        # stored zeros are not part of the structure
        else:
            arr = np.asarray(structure)
            if arr.dtype == object:
                raise TypeError
            if arr.ndim != 2:
                raise ValueError(f"{name} must be a 2-D (m, n) structure; got shape "
                                 f"{arr.shape}")
            S = sp.csr_array(arr != 0)
    except TypeError:
        raise TypeError(f"{name} must be an (m, n) array of 0/1 (dense or scipy.sparse) "
                        "or a (structure, groups) pair") from None
    S = sp.csr_array((np.ones(S.nnz, dtype=bool), S.indices, S.indptr), shape=S.shape)
    S.eliminate_zeros()
    S.sum_duplicates()
    S.sort_indices()
    return S


def parse_sparsity(sparsity):
    """``(pattern, groups or None)`` from the ``sparsity`` argument."""
    if isinstance(sparsity, tuple):
        if len(sparsity) != 2:
            raise TypeError("sparsity must be an (m, n) structure or a (structure, groups) "
                            f"pair; got a tuple of length {len(sparsity)}")
        S = _pattern(sparsity[0])
        if sparsity[1] is None:
            return S, None
        try:
            groups = np.asarray(sparsity[1])
        except (TypeError, ValueError):
            groups = np.asarray([None])
        if groups.dtype.kind not in "iu" or groups.shape != (S.shape[1],):
            raise ValueError(f"the groups of sparsity=(structure, groups) must be "
                             f"{S.shape[1]} integers, one per column; got "
                             f"{groups.dtype} of shape {groups.shape}")
        if groups.size and groups.min() < 0:
            raise ValueError("the groups of sparsity=(structure, groups) must be >= 0")
        # any labels: renumbered 0 .. k-1 (no empty groups, no huge labels)
        groups = np.unique(groups, return_inverse=True)[1].astype(np.intp).reshape(-1)
        _check_groups(S, groups)
        return S, groups
    return _pattern(sparsity), None


def _check_groups(S, groups):
    """Two columns of one group must not share a row (else entries mix)."""
    g = groups[S.indices]
    rows = np.repeat(np.arange(S.shape[0]), np.diff(S.indptr))
    key = rows.astype(np.int64) * (int(groups.max(initial=0)) + 1) + g
    sk = np.sort(key)
    dup = np.flatnonzero(np.diff(sk) == 0)
    if dup.size:
        row = int(sk[dup[0]] // (int(groups.max(initial=0)) + 1))
        raise ValueError("the groups of sparsity=(structure, groups) put two columns with "
                         f"a nonzero in row {row} into one group; use "
                         "numdiff.differentiate.column_groups(structure)")


def group_directions(s, groups, vectorized, workers, check_rows=None):
    """Directional derivatives of ``s.f`` along every group's sum of unit vectors.

    Returns ``(D, E, res, res_dtype, m, signs)``: ``D``/``E`` of shape
    ``(k, m)`` (the derivative along group ``g``'s direction ``sum_j signs_j
    e_j`` and its error bound, the measured noise of each output included
    with ``full_output``), the engine's result, the number of outputs and
    the sign with which each variable enters its group's direction (``-1``
    where bounds leave more room below). ``check_rows(m)`` validates the
    output size.
    """
    x = s.x
    n = x.size
    vectorized = V.check_bool(vectorized, "vectorized")
    with mapper(workers) as mapfn:
        f0, out_shape, res_dtype = _f_at_x(s, False, vectorized)
        m = f0.size
        if check_rows is not None:
            check_rows(m)
        k = int(groups.max()) + 1 if n else 0
        flat = x.reshape(-1).astype(np.float64)
        # each member moves towards its roomier side, so members at opposite
        # bounds share a direction that has room (e_i - e_j)
        signs = np.ones(n)
        if s.bounds is not None:
            lb, ub = (b.reshape(-1).astype(np.float64) for b in s.bounds)
            signs = np.where(ub - flat >= flat - lb, 1.0, -1.0)
        member = np.zeros((k, n))
        member[groups, np.arange(n)] = signs
        eps_f = _eps(x.dtype, res_dtype)

        def points(idx, st, H):
            J, nc = H.shape
            t = (H.T[:, :, None] * st.nonzero_offsets[None, None, :]).reshape(-1)
            rows = np.repeat(idx, J * st.nonzero_offsets.size)
            X = (flat[:, None] + member[rows].T * t[None, :]).astype(x.dtype)
            return X.reshape(x.shape + (t.size,))
        sweeper = _batch_sweeper(s, x, f0, False, out_shape, vectorized, mapfn, points)
        # each group's own coordinate: its member of largest |x| (exact steps)
        own = np.empty(k, dtype=np.intp)
        order = np.lexsort((np.abs(flat), groups))
        own[groups[order]] = order
        base = None
        if s.step is not None:
            st_ = s.step.reshape(-1).astype(np.float64)
            base = np.full(k, np.inf)
            np.minimum.at(base, groups, st_)
        bounds = None
        if s.bounds is not None:
            room_up = np.where(signs > 0, ub - flat, flat - lb) * (1 - 2.0 ** -20)
            room_dn = np.where(signs > 0, flat - lb, ub - flat) * (1 - 2.0 ** -20)
            up = np.full(k, np.inf)
            dn = np.full(k, np.inf)
            np.minimum.at(up, groups, room_up)
            np.minimum.at(dn, groups, room_dn)
            if np.any(np.maximum(up, dn) <= 0):
                raise ValueError("bounds leave no room to move some variable (lb == ub "
                                 "there); its derivative is not defined")
            # in the engine's step variable t (every member moves by signs_j t)
            bounds = (flat[own] - dn, flat[own] + up)
        res = _engine.run(sweeper, flat[own], base, kind=s.method, n=1, order=s.order,
                          adaptive=s.adaptive, want_error=s.full_output, bounds=bounds,
                          eps_f=eps_f, dtype=x.dtype, f0_finite=np.isfinite(f0),
                          value_dtype=res_dtype)
        sigma, extra = np.full(m, np.nan), 0
        if s.full_output:
            # the measured noise of every output (terms that cancel make it
            # exceed eps |f_i|), added to the rounding bounds
            call = FunctionCall(s.f, s.args, s.kwargs) if mapfn is not None else s.call
            sigma, extra = noise_level(call, x, f0, vectorized=vectorized, mapfn=mapfn,
                                       bounds=s.bounds, scalar=False)
    res.nfev += 1 + extra
    E = res.error
    if s.full_output:
        wsum = np.array([get_stencil(k_, 1, s.order).abs_weight_sum for k_ in res.kind])
        add = 4.0 * sigma[None, :] * (wsum / res.step)[:, None]
        E = E + np.where(np.isfinite(add), add, 0.0)
    # the direction moved member j by signs[j] * t: D_g = sum_j signs[j] J[:, j]
    return res.value, E, res, res_dtype, m, signs


def sparse_jacobian(s, sparsity, vectorized, workers):
    """``jacobian(..., sparsity=)``: ``(J, E, res, res_dtype, groups)``.

    ``s`` is the validated ``_Setup``; ``J`` and ``E`` are ``csr_array`` of
    shape ``(m, n)`` (``E`` all-nan without ``full_output``), ``res`` the
    engine's result per group.
    """
    n = s.x.size
    S, groups = parse_sparsity(sparsity)
    if S.shape[1] != n:
        raise ValueError(f"sparsity has {S.shape[1]} columns but x has {n} elements")

    def check_rows(m):
        if S.shape[0] != m:
            raise ValueError(f"sparsity has {S.shape[0]} rows but f returns {m} values")
    if groups is None:
        groups = _colour(S)
    D, E, res, res_dtype, m, signs = group_directions(s, groups, vectorized, workers,
                                                      check_rows)
    rows = np.repeat(np.arange(m), np.diff(S.indptr))
    g = groups[S.indices]
    J = sp.csr_array((D[g, rows] * signs[S.indices], S.indices.copy(), S.indptr.copy()),
                     shape=(m, n))
    E = sp.csr_array((E[g, rows], S.indices.copy(), S.indptr.copy()), shape=(m, n))
    return J, E, res, res_dtype, groups
