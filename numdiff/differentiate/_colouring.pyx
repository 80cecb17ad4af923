# cython: language_level=3
"""Column grouping of a sparse Jacobian: greedy colouring of the columns.

Two columns may share a group (one finite-difference direction) when no row
has a nonzero in both: a distance-2 colouring of the bipartite row/column
graph, i.e. a colouring of the column intersection graph (Curtis, Powell and
Reid 1974). The greedy algorithm gives each column the smallest group not
used by a column it conflicts with; the number of groups depends on the
order of the columns. Three orderings of Coleman and Moré (1983) are tried
and the best result kept:

* natural (the columns as numbered; optimal for banded patterns, 3 groups
  for a tridiagonal one);
* largest-first (by degree in the intersection graph);
* smallest-last (repeatedly set aside a column of least remaining degree;
  colour in the reverse order).

Every conflict test walks the rows of a column and the columns of those rows
(CSC and CSR arrays), stamping the groups seen, so a colouring costs the
number of (column, row, column) incidences, without building the
intersection graph except for the smallest-last degrees.

References
----------
A. R. Curtis, M. J. D. Powell and J. K. Reid, "On the estimation of sparse
Jacobian matrices", J. Inst. Math. Appl. 13 (1974), 117-119.
T. F. Coleman and J. J. Moré, "Estimation of sparse Jacobian matrices and
graph coloring problems", SIAM J. Numer. Anal. 20 (1983), 187-209.
"""
import numpy as np
cimport numpy as cnp

cnp.import_array()


cdef Py_ssize_t _greedy(const Py_ssize_t[::1] order, const Py_ssize_t[::1] cptr,
                        const Py_ssize_t[::1] crow, const Py_ssize_t[::1] rptr,
                        const Py_ssize_t[::1] rcol, Py_ssize_t[::1] group,
                        Py_ssize_t[::1] stamp) noexcept nogil:
    """Greedy colouring in ``order``; returns the number of groups."""
    cdef Py_ssize_t n = order.shape[0], k, j, a, b, r, c, g, ngroups = 0
    for j in range(n):
        group[j] = -1
    for j in range(stamp.shape[0]):
        stamp[j] = -1
    for k in range(n):
        j = order[k]
        # stamp the groups of every column that shares a row with j
        for a in range(cptr[j], cptr[j + 1]):
            r = crow[a]
            for b in range(rptr[r], rptr[r + 1]):
                c = rcol[b]
                if group[c] >= 0:
                    stamp[group[c]] = j
        g = 0
        while stamp[g] == j:
            g += 1
        group[j] = g
        if g + 1 > ngroups:
            ngroups = g + 1
    return ngroups


def _degrees(const Py_ssize_t[::1] cptr, const Py_ssize_t[::1] crow,
             const Py_ssize_t[::1] rptr, const Py_ssize_t[::1] rcol):
    """Neighbour lists of the column intersection graph (CSR) and degrees."""
    cdef Py_ssize_t n = cptr.shape[0] - 1, j, a, b, r, c, nnz = 0
    cdef Py_ssize_t[::1] seen = np.full(n, -1, dtype=np.intp)
    deg_a = np.zeros(n, dtype=np.intp)
    cdef Py_ssize_t[::1] deg = deg_a
    for j in range(n):
        for a in range(cptr[j], cptr[j + 1]):
            r = crow[a]
            for b in range(rptr[r], rptr[r + 1]):
                c = rcol[b]
                if c != j and seen[c] != j:
                    seen[c] = j
                    deg[j] += 1
    ptr_a = np.zeros(n + 1, dtype=np.intp)
    ptr_a[1:] = np.cumsum(deg_a)
    cdef Py_ssize_t[::1] ptr = ptr_a
    adj_a = np.empty(ptr_a[n], dtype=np.intp)
    cdef Py_ssize_t[::1] adj = adj_a
    seen[:] = -1
    for j in range(n):
        nnz = ptr[j]
        for a in range(cptr[j], cptr[j + 1]):
            r = crow[a]
            for b in range(rptr[r], rptr[r + 1]):
                c = rcol[b]
                if c != j and seen[c] != j:
                    seen[c] = j
                    adj[nnz] = c
                    nnz += 1
    return ptr_a, adj_a, deg_a


def _smallest_last(const Py_ssize_t[::1] ptr, const Py_ssize_t[::1] adj, deg_in):
    """Smallest-last order (Matula and Beck 1983) with degree buckets."""
    cdef Py_ssize_t n = ptr.shape[0] - 1, j, a, c, d, mind = 0, k, maxd
    deg_a = np.array(deg_in, dtype=np.intp)
    cdef Py_ssize_t[::1] deg = deg_a
    maxd = int(deg_a.max()) if n else 0
    # doubly linked buckets of columns by current degree
    cdef Py_ssize_t[::1] head = np.full(maxd + 1, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] nxt = np.full(n, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] prv = np.full(n, -1, dtype=np.intp)
    cdef cnp.uint8_t[::1] gone = np.zeros(n, dtype=np.uint8)
    order_a = np.empty(n, dtype=np.intp)
    cdef Py_ssize_t[::1] order = order_a
    for j in range(n):
        d = deg[j]
        nxt[j] = head[d]
        if head[d] >= 0:
            prv[head[d]] = j
        head[d] = j
    for k in range(n - 1, -1, -1):
        while mind > 0 and head[mind - 1] >= 0:
            mind -= 1
        while head[mind] < 0:
            mind += 1
        j = head[mind]
        # unlink j
        head[mind] = nxt[j]
        if nxt[j] >= 0:
            prv[nxt[j]] = -1
        gone[j] = 1
        order[k] = j
        for a in range(ptr[j], ptr[j + 1]):
            c = adj[a]
            if gone[c]:
                continue
            d = deg[c]
            # move c from bucket d to d - 1
            if prv[c] >= 0:
                nxt[prv[c]] = nxt[c]
            else:
                head[d] = nxt[c]
            if nxt[c] >= 0:
                prv[nxt[c]] = prv[c]
            deg[c] = d - 1
            prv[c] = -1
            nxt[c] = head[d - 1]
            if head[d - 1] >= 0:
                prv[head[d - 1]] = c
            head[d - 1] = c
            if d - 1 < mind:
                mind = d - 1
    return order_a


def colour_columns(cptr, crow, rptr, rcol, orderings=("natural", "largest-first",
                                                      "smallest-last")):
    """Groups of structurally orthogonal columns; the fewest of the orderings.

    ``cptr/crow`` (CSC) and ``rptr/rcol`` (CSR) describe the pattern with
    ``intp`` indices. Returns ``(groups, name)``: the group of every column
    (``0 .. k-1``) and the ordering that gave the fewest groups.
    """
    cdef Py_ssize_t n = len(cptr) - 1, k
    cdef const Py_ssize_t[::1] cp = np.ascontiguousarray(cptr, dtype=np.intp)
    cdef const Py_ssize_t[::1] cr = np.ascontiguousarray(crow, dtype=np.intp)
    cdef const Py_ssize_t[::1] rp = np.ascontiguousarray(rptr, dtype=np.intp)
    cdef const Py_ssize_t[::1] rc = np.ascontiguousarray(rcol, dtype=np.intp)
    best, best_name, best_k = None, None, n + 1
    stamp_a = np.empty(n + 1, dtype=np.intp)
    cdef Py_ssize_t[::1] stamp = stamp_a
    cdef Py_ssize_t[::1] grp
    cdef const Py_ssize_t[::1] order
    adj = None
    lower = int(np.max(np.diff(np.asarray(rptr)))) if len(rptr) > 1 else 0
    for name in orderings:
        if name == "natural":
            order_a = np.arange(n, dtype=np.intp)
        else:
            if adj is None:
                ptr_a, adj, deg_a = _degrees(cp, cr, rp, rc)
            if name == "largest-first":
                order_a = np.argsort(-deg_a, kind="stable").astype(np.intp)
            elif name == "smallest-last":
                order_a = _smallest_last(ptr_a, adj, deg_a)
            else:
                raise ValueError(f"unknown ordering {name!r}")
        order = order_a
        grp_a = np.empty(n, dtype=np.intp)
        grp = grp_a
        with nogil:
            k = _greedy(order, cp, cr, rp, rc, grp, stamp)
        if k < best_k:
            best, best_name, best_k = grp_a, name, k
        if best_k <= lower:
            break          # no colouring has fewer groups than the densest row
    return best, best_name


def star_colour(const Py_ssize_t[::1] ptr, const Py_ssize_t[::1] adj, order_in=None):
    """Greedy star colouring of a symmetric pattern's adjacency graph.

    ``ptr/adj`` list the off-diagonal neighbours of every vertex (CSR,
    symmetric, no self loops). A star colouring is a distance-1 colouring in
    which every path on four vertices uses at least three colours; then
    every off-diagonal entry ``H_ij`` of a symmetric matrix is the only
    contribution of its colour to row ``i`` or to row ``j`` of the products
    ``H d_c`` with the colour sums ``d_c``, and the diagonal ``H_ii`` is
    row ``i`` of ``H d_(colour of i)``. Algorithm StarColoringAlg1 of
    Gebremedhin, Manne and Pothen (2005), after Coleman and Moré (1984).
    Returns the colour of every vertex.
    """
    cdef Py_ssize_t n = ptr.shape[0] - 1, k, v, a, b, c2, w, x, y, col
    order_a = np.arange(n, dtype=np.intp) if order_in is None else np.asarray(
        order_in, dtype=np.intp)
    cdef const Py_ssize_t[::1] order = order_a
    colour_a = np.full(n, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] colour = colour_a
    cdef Py_ssize_t[::1] forbidden = np.full(n + 1, -1, dtype=np.intp)
    with nogil:
        for k in range(n):
            v = order[k]
            for a in range(ptr[v], ptr[v + 1]):
                w = adj[a]
                if colour[w] >= 0:
                    forbidden[colour[w]] = v
                for b in range(ptr[w], ptr[w + 1]):
                    x = adj[b]
                    if x == v or colour[x] < 0:
                        continue
                    if colour[w] < 0:
                        forbidden[colour[x]] = v
                    else:
                        # a two-coloured path v - w - x - y with colour(y) = colour(w)
                        # would need colour(v) = colour(x): forbid it
                        for c2 in range(ptr[x], ptr[x + 1]):
                            y = adj[c2]
                            if y != w and colour[y] == colour[w]:
                                forbidden[colour[x]] = v
                                break
            col = 0
            while forbidden[col] == v:
                col += 1
            colour[v] = col
    return colour_a
