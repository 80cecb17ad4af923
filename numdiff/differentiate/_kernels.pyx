# cython: language_level=3
"""Compiled inner loops of the finite-difference engine.

Design
------
* ``sweep`` is the loop that calls the user's function at every perturbed
  point of a coordinate-wise stencil (gradients, Jacobians, scalar
  derivatives).  It is exposed to Python because its caller (the engine in
  ``_engine.py``) plans the sweep; everything inside one sweep -- building the
  point, calling ``f``, checking and converting its value, accumulating the
  difference quotient and the rounding sum -- happens here without
  Python-level loops.  Each point is a fresh copy of ``x`` (``f`` may keep a
  reference to its argument), made with ``PyArray_NewCopy`` and written
  through the data pointer.
* ``richardson`` builds the Richardson table for every element and returns
  the entry with the smallest estimated error.  It is a ``nogil`` loop over
  elements calling the ``cdef`` helper ``_richardson_one``.
* Everything else (validation, step rules, bounds, retries) is Python.
"""
import numpy as np
cimport numpy as cnp
from libc.math cimport fabs, pow, isfinite, sqrt, INFINITY, NAN
from cpython.float cimport PyFloat_Check, PyFloat_AS_DOUBLE

cnp.import_array()

cdef extern from *:
    """
    #ifndef NUMDIFF_DEBUG_BUILD
    #define NUMDIFF_DEBUG_BUILD 0
    #endif
    """
    int NUMDIFF_DEBUG_BUILD

#: True when built with NUMDIFF_DEBUG=1 (bounds and initialisation checks on).
DEBUG_BUILD = bool(NUMDIFF_DEBUG_BUILD)

cdef enum:
    MAX_LEVELS = 64
    MAX_EXTRAP = 8

# A finer entry overrules the least-error one when they differ by more than
# this many times their two errors added (see ``_richardson_one``).
cdef double ALIAS_FACTOR = 4.0


cdef inline object _call(object func, object pt, tuple args, dict kwargs, bint has_kw):
    """``func(pt, *args, **kwargs)`` without building empty tuples/dicts."""
    if has_kw:
        return func(pt, *args, **kwargs)
    if args:
        return func(pt, *args)
    return func(pt)


cdef str _describe(object y):
    return f"{type(y).__name__} {getattr(y, 'dtype', '')} with shape {getattr(y, 'shape', ())}".replace("  ", " ")


cdef int _load_values(object y, double* out, Py_ssize_t m, tuple out_shape,
                      bint scalar_out) except -1:
    """Convert ``f``'s return value into ``m`` doubles, checking its shape."""
    cdef object arr
    cdef cnp.ndarray carr
    cdef Py_ssize_t t
    cdef double* src
    if scalar_out and PyFloat_Check(y):
        out[0] = PyFloat_AS_DOUBLE(y)
        return 0
    arr = np.asarray(y)
    if arr.dtype.kind not in "fiub":
        if arr.dtype.kind == "c":
            # f was real at x (checked by the caller); a complex value at a
            # perturbed point means the point left f's real domain (a
            # negative base to a fractional power): treat it as not finite,
            # and the engine retries with other stencils.
            for t in range(m):
                out[t] = NAN
            return 0
        raise TypeError(f"f must return real numbers; it returned {_describe(y)}")
    if scalar_out:
        if arr.size != 1:
            raise ValueError(
                f"f must return a scalar (a float, a 0-d array or a size-1 array); "
                f"it returned an array of shape {arr.shape}")
    elif arr.shape != out_shape:
        raise ValueError(
            f"f returned an array of shape {arr.shape} at a perturbed point but "
            f"shape {out_shape} at x; f must return the same shape everywhere")
    carr = np.ascontiguousarray(arr, dtype=np.float64)
    src = <double*> cnp.PyArray_DATA(carr)
    for t in range(m):
        out[t] = src[t]
    return 0


def sweep(object func, tuple args, dict kwargs, cnp.ndarray x,
          const Py_ssize_t[::1] coords, const double[:, ::1] steps,
          const double[::1] offsets, const double[::1] weights,
          double w0, const double[::1] f0, int nderiv, bint scalar_point,
          bint scalar_out, tuple out_shape,
          double[:, :, ::1] D, double[:, :, ::1] S,
          const double[::1] qweights=None, double q0=0.0,
          double[:, :, ::1] Q=None, const Py_ssize_t[::1] coords2=None,
          const double[::1] signs2=None, bint reduce_sq=False):
    """Evaluate ``f`` at every stencil point of every coordinate in ``coords``.

    ``x`` is C-contiguous float32 or float64 in the user's shape. For level
    ``j`` and coordinate ``coords[i]`` the point is ``x + offsets[k] *
    steps[j, i] * e_coords[i]``; on return ``D[j, i, :]`` holds the
    difference quotient ``(w0 f0 + sum_k weights[k] f_k) / h**nderiv`` and,
    when ``S`` is not ``None``, ``S[j, i, :]`` holds ``|w0||f0| + sum_k
    |weights[k]||f_k|`` (the scale of the rounding error). When ``Q`` is given,
    ``Q[j, i, :]`` holds ``q0 f0 + sum_k qweights[k] f_k`` (a second
    combination of the same values, used to estimate curvature). With
    ``coords2``, row ``i`` is the direction ``e_coords[i] + s e_coords2[i]``
    with ``s = signs2[i]`` (``+1`` when ``signs2`` is ``None``): both
    coordinates move by ``offsets[k] * steps[j, i]``, the second one times
    ``s`` (``coords2[i] = -1`` for a single coordinate). Second derivatives
    along such directions give the mixed partials of a Hessian. Returns the
    number of evaluations.

    With ``reduce_sq``, ``S`` and ``Q`` have one column: per coordinate and
    level, the largest ``S`` and the largest ``|Q|`` over the outputs (all
    the step checks use), so a Jacobian's sweep does not hold two more
    arrays of the Jacobian's size.
    """
    cdef Py_ssize_t J = steps.shape[0], nc = coords.shape[0]
    cdef Py_ssize_t K = offsets.shape[0], m = f0.shape[0]
    cdef Py_ssize_t j, i, k, t, ci, cj = -1
    cdef int nfev = 0
    cdef bint pairs = coords2 is not None
    cdef double val2 = 0.0, sg = 1.0, smax, qmax
    cdef double[::1] sb, qb
    if reduce_sq:
        sb = np.empty(m)
        qb = np.empty(m)
    else:
        sb = None
        qb = None
    cdef bint is32 = x.dtype == np.float32
    cdef bint want_s = S is not None
    cdef bint want_q = Q is not None
    cdef double h, val, hn, w
    cdef double[::1] buf = np.empty(m, dtype=np.float64)
    cdef double* xd
    cdef float* xf
    cdef cnp.ndarray xp
    cdef object y, pt
    cdef object float32 = np.float32
    cdef bint has_kw = bool(kwargs)
    if is32:
        xf = <float*> cnp.PyArray_DATA(x)
    else:
        xd = <double*> cnp.PyArray_DATA(x)
    for i in range(nc):
        ci = coords[i]
        if pairs:
            cj = coords2[i]
            sg = 1.0 if signs2 is None else signs2[i]
        for j in range(J):
            h = steps[j, i]
            for t in range(m):
                D[j, i, t] = 0.0
            if want_s:
                for t in range(m):
                    if reduce_sq:
                        sb[t] = fabs(w0 * f0[t])
                    else:
                        S[j, i, t] = fabs(w0 * f0[t])
            if want_q:
                for t in range(m):
                    if reduce_sq:
                        qb[t] = 0.0
                    else:
                        Q[j, i, t] = 0.0
            for k in range(K):
                if is32:
                    val = <double> (<float> (xf[ci] + offsets[k] * h))
                    if cj >= 0:
                        val2 = <double> (<float> (xf[cj] + sg * offsets[k] * h))
                else:
                    val = xd[ci] + offsets[k] * h
                    if cj >= 0:
                        val2 = xd[cj] + sg * offsets[k] * h
                if scalar_point:
                    pt = float32(val) if is32 else val
                else:
                    xp = cnp.PyArray_NewCopy(x, cnp.NPY_CORDER)
                    if is32:
                        (<float*> cnp.PyArray_DATA(xp))[ci] = <float> val
                        if cj >= 0:
                            (<float*> cnp.PyArray_DATA(xp))[cj] = <float> val2
                    else:
                        (<double*> cnp.PyArray_DATA(xp))[ci] = val
                        if cj >= 0:
                            (<double*> cnp.PyArray_DATA(xp))[cj] = val2
                    pt = xp
                y = _call(func, pt, args, kwargs, has_kw)
                nfev += 1
                _load_values(y, &buf[0], m, out_shape, scalar_out)
                w = weights[k]
                for t in range(m):
                    D[j, i, t] += w * (buf[t] - f0[t])
                if want_s:
                    for t in range(m):
                        if reduce_sq:
                            sb[t] += fabs(w * buf[t])
                        else:
                            S[j, i, t] += fabs(w * buf[t])
                if want_q:
                    for t in range(m):
                        if reduce_sq:
                            qb[t] += qweights[k] * (buf[t] - f0[t])
                        else:
                            Q[j, i, t] += qweights[k] * (buf[t] - f0[t])
            hn = pow(h, nderiv)
            for t in range(m):
                D[j, i, t] /= hn
            if reduce_sq:
                smax = 0.0
                qmax = 0.0
                for t in range(m):
                    smax = max(smax, sb[t])
                    qmax = max(qmax, fabs(qb[t]))
                if want_s:
                    S[j, i, 0] = smax
                if want_q:
                    Q[j, i, 0] = qmax
    return nfev


cdef inline void _noise_parts(const double* ddr, const double* ddc, Py_ssize_t stride,
                              const double* coef, Py_ssize_t ncoef, Py_ssize_t top,
                              bint indep, double* ind, double* com) noexcept nogil:
    """Noise of ``sum_m coef[m] d_{top-m}`` (``m < ncoef``): ``ind`` bounds
    its part from the values other than the shared one (in quadrature when
    the levels' points are distinct and their noise ``indep``endent, else
    added, which bounds a standard deviation whatever the correlation), and
    ``com`` is the signed part of the shared value."""
    cdef double si = 0.0, sl = 0.0, sc = 0.0, v
    cdef Py_ssize_t m
    for m in range(ncoef):
        v = coef[m] * ddr[(top - m) * stride]
        si += v * v
        sl += fabs(v)
        sc += coef[m] * ddc[(top - m) * stride]
    ind[0] = sqrt(si) if indep else sl
    com[0] = sc


cdef void _richardson_weights(double W[][MAX_EXTRAP + 1], double ratio, int e0, int es,
                              Py_ssize_t kmax) noexcept nogil:
    """``W[k][m]``: the weight of level ``j - m`` in column ``k <= kmax`` of
    the Richardson table (the same for every ``j``)."""
    cdef Py_ssize_t k, m
    cdef double a
    W[0][0] = 1.0
    for k in range(1, kmax + 1):
        a = 1.0 / (pow(ratio, e0 + (k - 1) * es) - 1.0)
        for m in range(k + 1):
            W[k][m] = ((1.0 + a) * W[k - 1][m] if m < k else 0.0) - (
                a * W[k - 1][m - 1] if m > 0 else 0.0)


def richardson_weights(double ratio, int e0, int es, int kmax):
    """The weights of ``_richardson_weights`` as an array ``(kmax + 1, kmax +
    1)``: row ``k`` weighs the levels ``j, j - 1, ..., j - k``."""
    if not 0 <= kmax <= MAX_EXTRAP:
        raise ValueError(f"kmax must be 0 to {MAX_EXTRAP}")
    cdef double W[MAX_EXTRAP + 1][MAX_EXTRAP + 1]
    _richardson_weights(W, ratio, e0, es, kmax)
    out = np.zeros((kmax + 1, kmax + 1))
    cdef Py_ssize_t k, m
    for k in range(kmax + 1):
        for m in range(k + 1):
            out[k, m] = W[k][m]
    return out


cdef void _richardson_one(const double* d, const double* dd, Py_ssize_t J,
                          Py_ssize_t stride, double ratio, int e0, int es,
                          int kmax, double safety, double ulp, const double* ddr,
                          const double* ddc, bint indep, double rcap, double* est,
                          double* err, int* jbest, int* kbest, double* trunc,
                          double* rind, double* rcom) noexcept nogil:
    """Richardson table for one element; keep the entry with least error.

    ``d[j*stride]`` is the difference quotient at step ``h_j = h_0 ratio**-j``
    and ``dd[j*stride]`` a bound on its rounding error. Column ``k`` of the
    table has leading error ``O(h**(e0 + k*es))``. The truncation error of
    entry ``(j, k)`` is estimated from its coarser neighbour in the same column
    (and from the finer one when it exists, taking the larger), multiplied by
    ``safety``; the propagated rounding bound and one unit in the last place
    of the value are added. The entry with the least such error is chosen,
    unless an entry made only of finer levels differs from it by more than
    ``ALIAS_FACTOR`` times their two errors added: then every level up to
    the chosen entry's finest is dropped and the choice is made again among
    the rest (a coarse run of steps near multiples of a period of ``f``
    agrees with itself by aliasing; finer steps see ``f`` more locally).
    The error of an entry so chosen also covers the first choice being
    right: at least their difference plus the first choice's error.

    ``ddr`` and ``ddc`` (both or neither NULL) are other rounding bounds
    for the reported error, statistical ones from a measured noise (a
    multiple of each level's standard deviation), split in two: ``ddr`` the
    part from the values of ``f`` at points other than the shared ``f(x)``,
    ``ddc`` the signed part of ``f(x)``.
    Entry ``(j, k)`` is the fixed combination ``sum_m w_m d_{j-m}`` of its
    levels, so its shared part is ``sum_m w_m ddc_{j-m}`` exactly and its
    other part ``sqrt(sum_m (w_m ddr_{j-m})**2)`` when the levels' points
    are distinct (``indep``; independent noise), else ``sum_m |w_m|
    ddr_{j-m}`` (a bound whatever the correlation); the two parts are
    independent and combine in quadrature. The difference of two
    neighbours is treated the same way. ``rind`` and ``rcom`` receive the
    two parts of the chosen entry's reported bound (NAN without them).

    The reported bounds are at most ``rcap`` times the bounds ``dd`` after
    both have passed the noise check (a measured noise far above what the
    table shows is smooth variation taken for noise; noise the table shows
    raises ``dd`` too): the choice is made as above, and the chosen entry's
    error is then reported with them, counting of the finer difference only
    what exceeds the rounding bound of that difference: finer levels are
    noisier, and a difference their rounding explains says nothing about
    the chosen entry's truncation (the choice keeps the whole difference,
    which guards against a chance agreement with the coarser neighbour).
    ``trunc`` receives the truncation part (``safety`` times the estimate)
    of the reported error. See Richardson (1911) and Lyness & Moler (1966).
    """
    cdef double R[MAX_LEVELS][MAX_EXTRAP + 1]
    cdef double dR[MAX_LEVELS][MAX_EXTRAP + 1]
    cdef double dRr[MAX_LEVELS][MAX_EXTRAP + 1]
    cdef double E[MAX_LEVELS][MAX_EXTRAP + 1]     # error used for the choice
    cdef double TR[MAX_LEVELS][MAX_EXTRAP + 1]    # reported truncation part
    cdef Py_ssize_t lo, jb, kb, j0, k0 = 0
    cdef bint conflict
    # W[k][m]: weight of level j - m in column k (the same for every j)
    cdef double W[MAX_EXTRAP + 1][MAX_EXTRAP + 1]
    cdef double Wd[MAX_EXTRAP + 2]
    cdef double pi, pc, unscaled
    cdef Py_ssize_t m
    cdef double a, ak, t, t2, nt, t2r, tr_rep, best = INFINITY
    cdef Py_ssize_t j, k
    cdef bint split = ddr != NULL
    est[0] = NAN
    err[0] = INFINITY
    jbest[0] = -1
    kbest[0] = -1
    trunc[0] = NAN
    rind[0] = NAN
    rcom[0] = NAN
    if J > MAX_LEVELS:
        J = MAX_LEVELS
    if kmax > MAX_EXTRAP:
        kmax = MAX_EXTRAP
    _richardson_weights(W, ratio, e0, es, kmax)
    for j in range(J):
        R[j][0] = d[j * stride]
        dR[j][0] = dd[j * stride]
        dRr[j][0] = sqrt(ddr[j * stride] ** 2 + ddc[j * stride] ** 2) if split else dR[j][0]
    for k in range(1, kmax + 1):
        a = 1.0 / (pow(ratio, e0 + (k - 1) * es) - 1.0)
        for j in range(k, J):
            R[j][k] = R[j][k - 1] + (R[j][k - 1] - R[j - 1][k - 1]) * a
            dR[j][k] = dR[j][k - 1] * (1.0 + a) + dR[j - 1][k - 1] * a
            if split:
                _noise_parts(ddr, ddc, stride, &W[k][0], k + 1, j, indep, &pi, &pc)
                dRr[j][k] = sqrt(pi * pi + pc * pc)
            else:
                dRr[j][k] = dR[j][k]
    # Noise check: in the last column the truncation error at the finest
    # steps is negligible, so differences there are rounding. When they
    # exceed the modelled bound (f loses digits to internal cancellation),
    # every rounding bound is scaled up by the observed factor.
    cdef double gamma = 1.0, gamma_r = 1.0, g
    if J >= kmax + 2:
        for j in range(max(kmax + 1, J - 3), J):
            if isfinite(R[j][kmax]) and isfinite(R[j - 1][kmax]):
                g = fabs(R[j][kmax] - R[j - 1][kmax]) / (dR[j][kmax] + dR[j - 1][kmax] + 1e-300)
                if g > gamma:
                    gamma = g
                g = fabs(R[j][kmax] - R[j - 1][kmax]) / (dRr[j][kmax] + dRr[j - 1][kmax] + 1e-300)
                if g > gamma_r:
                    gamma_r = g
        for k in range(0, kmax + 1):
            for j in range(k, J):
                dR[j][k] *= gamma
                dRr[j][k] *= gamma_r
    if split:
        # the reported bounds at most ``rcap`` times the (checked) model's
        for k in range(0, kmax + 1):
            for j in range(k, J):
                if dRr[j][k] > rcap * dR[j][k]:
                    dRr[j][k] = rcap * dR[j][k]
    if J == 1:
        if isfinite(R[0][0]):
            est[0] = R[0][0]
            err[0] = NAN
            jbest[0] = 0
            kbest[0] = 0
            trunc[0] = NAN
        return
    for k in range(0, kmax + 1):
        for j in range(k, J):
            E[j][k] = INFINITY
            TR[j][k] = NAN
    for k in range(0, kmax + 1):
        ak = 1.0 / (pow(ratio, e0 + k * es) - 1.0)
        for j in range(k + 1, J):
            if not (isfinite(R[j][k]) and isfinite(R[j - 1][k])):
                continue
            t = fabs(R[j][k] - R[j - 1][k]) * ak
            tr_rep = t
            if j + 1 < J and isfinite(R[j + 1][k]):
                t2 = fabs(R[j + 1][k] - R[j][k])
                if split:
                    # only what the reported bounds do not explain: the
                    # difference's own bound (at most the two entries'
                    # capped bounds added)
                    for m in range(k + 2):
                        Wd[m] = (W[k][m] if m <= k else 0.0) - (
                            W[k][m - 1] if m >= 1 else 0.0)
                    _noise_parts(ddr, ddc, stride, Wd, k + 2, j + 1, indep, &pi, &pc)
                    nt = min(sqrt(pi * pi + pc * pc) * gamma_r, dRr[j + 1][k] + dRr[j][k])
                    t2r = (t2 - nt if t2 > nt else 0.0) * ak * pow(ratio, e0 + k * es)
                    if t2r > tr_rep:
                        tr_rep = t2r
                t2 = t2 * ak * pow(ratio, e0 + k * es)
                if t2 > t:
                    t = t2
                    if not split:
                        tr_rep = t
            E[j][k] = safety * t + dR[j][k] + ulp * fabs(R[j][k])
            TR[j][k] = safety * tr_rep
    # The entry with the least error, unless an entry made of finer levels
    # only disagrees with it by more than ALIAS_FACTOR times both errors
    # added (noise alone reached 2.7 times in 720 noisy tables; of the
    # aliased sin(w x) tables that fooled the choice in 1200, all but two
    # reach 5.8 times and more, those two 1.4 and 2.2): steps that are
    # multiples of
    # a period of f (sin(w x) with w h near 2 pi m, doubling with h) agree
    # with each other by aliasing, while finer steps see f more locally and
    # their rounding is modelled and checked. Such a coarse entry is
    # dropped with every level up to it, and the choice is made again.
    lo = -1
    j0 = -1
    while True:
        best = INFINITY
        jb = -1
        kb = -1
        for k in range(0, kmax + 1):
            for j in range(k + 1, J):
                if j - k > lo and E[j][k] < best:
                    best = E[j][k]
                    jb = j
                    kb = k
        if jb < 0:
            break
        if j0 < 0:
            j0 = jb
            k0 = kb
        conflict = False
        for k in range(0, kmax + 1):
            for j in range(k + 1, J):
                if j - k > jb and fabs(R[j][k] - R[jb][kb]) > ALIAS_FACTOR * (E[j][k] + best):
                    conflict = True
        if not conflict:
            break
        lo = jb
    if jb >= 0:
        est[0] = R[jb][kb]
        err[0] = TR[jb][kb] + dRr[jb][kb] + ulp * fabs(R[jb][kb])
        jbest[0] = <int> jb
        kbest[0] = <int> kb
        trunc[0] = TR[jb][kb]
        if jb != j0:
            # overruled: which run is right cannot be told from the table
            # (f quantised more coarsely than eps |f| agrees with itself at
            # fine steps too), so the error also covers the overruled entry
            # being right; the excess counts as truncation
            a = fabs(R[jb][kb] - R[j0][k0]) + TR[j0][k0] + dRr[j0][k0] + ulp * fabs(R[j0][k0])
            if a > err[0]:
                trunc[0] += a - err[0]
                err[0] = a
    if split and jbest[0] >= 0:
        # the chosen entry's two parts, scaled as its bound was
        j = jbest[0]
        k = kbest[0]
        _noise_parts(ddr, ddc, stride, &W[k][0], k + 1, j, indep, &pi, &pc)
        unscaled = sqrt(pi * pi + pc * pc)
        g = dRr[j][k] / unscaled if unscaled > 0 else 0.0
        rind[0] = pi * g
        rcom[0] = pc * g


def richardson(const double[:, ::1] D, const double[:, ::1] dD, double ratio,
               int e0, int es, int kmax, double safety, double ulp,
               const double[:, ::1] dD_report=None, double report_cap=INFINITY,
               const double[:, ::1] dD_common=None, bint independent=True):
    """Best Richardson estimate and its error for every column of ``D``.

    ``D`` and ``dD`` have shape ``(J, N)``: level ``j`` is the difference
    quotient at step ``h_0 ratio**-j`` and its rounding bound. Returns
    ``(estimate, error, level, column, truncation)`` arrays of length ``N``;
    elements with no finite entry get ``nan`` and ``inf``. ``dD_report``
    and ``dD_common`` (together, each of the shape of ``dD``) and
    ``report_cap``: statistical rounding bounds for the reported errors,
    ``dD_report`` the part of the values other than the one all levels
    share, ``dD_common`` the signed part of that value; ``independent``
    says whether the levels' other points are distinct. With them two more
    arrays are returned, the two parts of each reported rounding bound. See
    ``_richardson_one``.
    """
    cdef Py_ssize_t J = D.shape[0], N = D.shape[1], i
    if J > MAX_LEVELS:
        raise ValueError(f"at most {MAX_LEVELS} step levels are supported")
    cdef bint has_r = dD_report is not None
    if has_r != (dD_common is not None) or has_r and (
            dD_report.shape[0] != J or dD_report.shape[1] != N
            or dD_common.shape[0] != J or dD_common.shape[1] != N):
        raise ValueError("dD_report and dD_common go together, each of the shape of dD")
    est_a = np.empty(N)
    err_a = np.empty(N)
    jb_a = np.empty(N, dtype=np.intc)
    kb_a = np.empty(N, dtype=np.intc)
    tr_a = np.empty(N)
    ri_a = np.empty(N)
    rc_a = np.empty(N)
    cdef double[::1] tr = tr_a
    cdef double[::1] est = est_a
    cdef double[::1] err = err_a
    cdef int[::1] jb = jb_a
    cdef int[::1] kb = kb_a
    cdef double[::1] ri = ri_a
    cdef double[::1] rc = rc_a
    if N > 0:
        with nogil:
            for i in range(N):
                _richardson_one(&D[0, i], &dD[0, i], J, N, ratio, e0, es, kmax, safety, ulp,
                                &dD_report[0, i] if has_r else NULL,
                                &dD_common[0, i] if has_r else NULL, independent,
                                report_cap, &est[i], &err[i], &jb[i], &kb[i], &tr[i],
                                &ri[i], &rc[i])
    if has_r:
        return est_a, err_a, jb_a, kb_a, tr_a, ri_a, rc_a
    return est_a, err_a, jb_a, kb_a, tr_a


# ---------------------------------------------------------------------------
# Scalar fast path.
#
# ``derivative(f, x)`` at a Python float with no bounds and the default step
# is the most common call and the one whose overhead users notice. This
# function runs the same algorithm as the general engine (stencil at the
# default step, curvature check, Richardson table for ``adaptive``) in C for
# that case. Whenever the general engine would do something else -- the
# curvature check flags the step, a value is not finite or not a float64 --
# it returns ``None`` and the caller falls back to the general path, which
# then owns the whole computation.
from libc.math cimport nextafter, nextafterf, fabsf
from libc.float cimport DBL_MIN, FLT_MIN

cdef inline double _actual_step(double x, double h) noexcept nogil:
    cdef double ha = (x + h) - x
    cdef double ax, tiny
    if ha > 0:
        return ha
    ax = fabs(x)
    tiny = 2.0 * (nextafter(ax, INFINITY) - ax)
    return tiny if tiny > DBL_MIN else DBL_MIN


cdef inline int _call_float(object func, double pt, tuple args, dict kwargs,
                            bint has_kw, double* out) except -1:
    """Evaluate ``f`` at a float; return 1 when the result is a float64."""
    cdef object y = _call(func, pt, args, kwargs, has_kw)
    if PyFloat_Check(y):
        out[0] = PyFloat_AS_DOUBLE(y)
        return 1
    return 0


cdef int _stencil_at(object func, double x, double h, tuple args, dict kwargs,
                     bint has_kw, const double[::1] offsets, const double[::1] weights,
                     double w0, double f0, const double[::1] qw, double q0,
                     int nderiv, double* D, double* S, double* Q, int* calls) except -1:
    cdef Py_ssize_t k
    cdef double y, d = 0.0, s = fabs(w0 * f0), q = 0.0
    for k in range(offsets.shape[0]):
        calls[0] += 1
        if not _call_float(func, x + offsets[k] * h, args, kwargs, has_kw, &y):
            return 0
        d += weights[k] * (y - f0)
        s += fabs(weights[k] * y)
        if qw is not None:
            q += qw[k] * (y - f0)
    D[0] = d / pow(h, nderiv)
    S[0] = s
    Q[0] = q
    return 1


def scalar_derivative(object func, double x, tuple args, dict kwargs,
                      const double[::1] offsets, const double[::1] weights, double w0,
                      const double[::1] qweights, double q0, int qorder,
                      int nderiv, int order, int estep, double error_constant,
                      double binom, double h_default, double eps, double quantum_sum,
                      bint adaptive,
                      int levels, double ratio, int kmax, double h_top, double safety,
                      double down_factor, double up_factor, double qratio):
    """Scalar derivative at a float64 point, or the evaluations spent
    before falling back (an int).

    ``quantum_sum`` is the values' absolute quantum times the stencil's
    absolute weight sum (the constant part of ``engine.rounding_sum``).

    Returns ``(value, error, step, nfev, S)``; ``error`` is ``nan`` unless
    ``adaptive``; ``S`` is the rounding sum ``sum |w_k f_k|`` at ``step``.
    """
    cdef bint has_kw = bool(kwargs)
    cdef double f0, h, D, S, Q, dn, da, rho, trunc, rnd, opt
    cdef int nfev = 0
    cdef double Dj[64]
    cdef double dDj[64]
    cdef double Hj[64]
    cdef double Sj[64]
    cdef double est, err, tr, ri, rc
    cdef int jb, kb, j
    nfev += 1
    if not _call_float(func, x, args, kwargs, has_kw, &f0):
        return nfev
    if not isfinite(f0):
        return nfev
    h = _actual_step(x, h_default)
    # a stencil reaching across zero from x != 0 goes to the engine's check
    if x > 0 and x + offsets[0] * h <= 0:
        return nfev
    if x < 0 and x + offsets[offsets.shape[0] - 1] * h >= 0:
        return nfev
    if not _stencil_at(func, x, h, args, kwargs, has_kw, offsets, weights, w0, f0,
                       qweights, q0, nderiv, &D, &S, &Q, &nfev):
        return nfev
    if not isfinite(D):
        return nfev
    if qweights is not None:
        # the curvature check of the engine (refine_step), same formulas
        dn = fabs(D)
        if dn == 0:
            if eps * S / pow(h, nderiv) > 1e-8 * max(1.0, fabs(Q) / pow(h, qorder)):
                return nfev
        da = fabs(Q) / pow(h, qorder)
        if qorder > nderiv:
            rho = h * da / dn if dn > 0 else INFINITY
        else:
            rho = h * dn / da if da > 0 else INFINITY
        if rho != rho:
            rho = INFINITY
        trunc = fabs(error_constant) * pow(rho, order) * binom
        if fabs(Q) <= 4.0 * eps * S * qratio:
            trunc = 0.0      # curvature below its own rounding: unresolved
        rnd = eps * S / (pow(h, nderiv) * dn) if dn > 0 else INFINITY
        opt = pow(eps, order / (order + <double> nderiv))
        if trunc > down_factor * opt and trunc > 10.0 * rnd:
            return nfev
        if rnd > up_factor * opt and trunc < 1e-3 * rnd and isfinite(rnd):
            return nfev
    if not adaptive:
        return D, NAN, h, nfev, S
    if levels > 64:
        return nfev
    for j in range(levels):
        Hj[j] = _actual_step(x, h_top * pow(ratio, -j))
        if not _stencil_at(func, x, Hj[j], args, kwargs, has_kw, offsets, weights, w0,
                           f0, None, 0.0, nderiv, &Dj[j], &S, &Q, &nfev):
            return nfev
        dDj[j] = (eps * S + quantum_sum) / pow(Hj[j], nderiv)
        Sj[j] = S
    _richardson_one(Dj, dDj, levels, 1, ratio, order, estep, kmax, safety,
                    2.220446049250313e-16, NULL, NULL, True, INFINITY, &est, &err, &jb, &kb,
                    &tr, &ri, &rc)
    if jb < 0 or not isfinite(err):
        return nfev
    return est, err, Hj[jb], nfev, Sj[jb]


cdef inline double _ipow(double x, int k) noexcept nogil:
    """``x**k`` for a small ``k >= 0`` by repeated squaring."""
    cdef double r = 1.0
    while k > 0:
        if k & 1:
            r *= x
        x *= x
        k >>= 1
    return r


def curvature_flags(const double[:, ::1] D, const double[:, ::1] S,
                    const double[:, ::1] Q, const double[::1] h, int nderiv,
                    int qorder, int order, double error_constant, double binom,
                    double eps, double down_factor, double up_factor, double qratio):
    """Per coordinate: 0 keep the step, 1 shrink it, 2 grow it, 3 not finite.

    The same test as ``refine_step`` in ``_engine.py`` (which documents
    it), on quotients ``D``, rounding sums ``S`` and neighbouring-derivative
    sums ``Q`` of shape ``(nc, m)`` (or ``(nc, 1)``: already reduced over the
    outputs) at steps ``h``. Returns the flags and whether any coordinate
    is flagged.
    """
    cdef Py_ssize_t nc = D.shape[0], m = D.shape[1], i, t
    cdef double dn, da, qa, smax, rho, trunc, rnd, hn
    cdef double opt = pow(eps, order / (order + <double> nderiv))
    flags_a = np.zeros(nc, dtype=np.int8)
    cdef signed char[::1] flags = flags_a
    cdef bint any_flag = False
    for i in range(nc):
        dn = 0.0
        da = 0.0
        smax = 0.0
        for t in range(m):
            if not isfinite(D[i, t]):
                flags[i] = 3
                break
            dn = max(dn, fabs(D[i, t]))
        if flags[i] != 3:
            # S and Q may hold one column per coordinate (already reduced)
            for t in range(S.shape[1]):
                smax = max(smax, S[i, t])
            for t in range(Q.shape[1]):
                da = max(da, fabs(Q[i, t]))
        if flags[i] == 3:
            any_flag = True
            continue
        qa = da                  # the curvature sum, before scaling
        da /= _ipow(h[i], qorder)
        hn = _ipow(h[i], nderiv)
        if dn == 0:
            # a quotient that rounded to zero while its rounding level is
            # far from negligible (x**3 at 1e3 with n=3): grow the step
            if eps * smax / hn > 1e-8 * max(1.0, da):
                flags[i] = 2
                any_flag = True
            continue
        if qorder > nderiv:
            rho = h[i] * da / dn if dn > 0 else INFINITY
        else:
            rho = h[i] * dn / da if da > 0 else INFINITY
        if rho != rho:
            rho = INFINITY
        trunc = fabs(error_constant) * _ipow(rho, order) * binom
        if qa <= 4.0 * eps * smax * qratio:
            trunc = 0.0      # curvature below its own rounding: unresolved
        rnd = eps * smax / (hn * dn)
        if trunc > down_factor * opt and trunc > 10.0 * rnd:
            flags[i] = 1
            any_flag = True
        elif rnd > up_factor * opt and trunc < 1e-3 * rnd and isfinite(rnd):
            flags[i] = 2
            any_flag = True
    return flags_a, any_flag


def default_step_row(cnp.ndarray x, double h_opt):
    """The default steps, shape ``(1, x.size)``: ``h_opt``, at least 8
    spacings of ``x``'s dtype, made exactly representable as ``(x + h) - x``
    in that dtype (the smallest perturbation where ``x + h`` rounds to
    ``x``)."""
    cdef Py_ssize_t n = x.size, i
    cdef bint is32 = x.dtype == np.float32
    cdef double xi, hi, sp, ha
    cdef float xf, hf
    cdef const double* xd = NULL
    cdef const float* xs = NULL
    h_a = np.empty((1, n))
    cdef double[:, ::1] H = h_a
    if is32:
        xs = <const float*> cnp.PyArray_DATA(x)
    else:
        xd = <const double*> cnp.PyArray_DATA(x)
    for i in range(n):
        if is32:
            xf = xs[i]
            # spacings of float32, where x + h is rounded
            sp = <double> (nextafterf(fabsf(xf), INFINITY) - fabsf(xf))
            hi = max(h_opt, 8.0 * sp)
            hf = <float> (xf + hi)
            ha = <double> hf - <double> xf
            if not ha > 0:
                ha = max(2.0 * sp, <double> FLT_MIN)
        else:
            xi = xd[i]
            sp = nextafter(fabs(xi), INFINITY) - fabs(xi)
            hi = max(h_opt, 8.0 * sp)
            ha = (xi + hi) - xi
            if not ha > 0:
                ha = max(2.0 * sp, DBL_MIN)
        H[0, i] = ha
    return h_a


def default_sweep(object func, tuple args, dict kwargs, cnp.ndarray x,
                  const double[::1] offsets, const double[::1] weights, double w0,
                  const double[::1] f0, int nderiv, bint scalar_out, tuple out_shape,
                  const double[::1] qweights, double q0, double h_opt, int qorder,
                  int order, double error_constant, double binom, double eps,
                  double down_factor, double up_factor, double qratio,
                  bint reduce_sq=False):
    """Sweep every coordinate at the default step and run the curvature check.

    The common case of ``gradient``/``jacobian`` in one compiled call: the
    step ``h_opt`` (at least 8 spacings of ``x``'s dtype) made exactly
    representable, the stencil sweep with the neighbouring-derivative sums,
    and ``curvature_flags``. Returns ``(D, S, Q, h, flags, flagged, nfev)``
    with ``D``/``S``/``Q`` of shape ``(n, m)``.
    """
    cdef Py_ssize_t n = x.size, m = f0.shape[0]
    h_a = default_step_row(x, h_opt)
    cdef double[:, ::1] H = h_a
    D = np.empty((1, n, m))
    S = np.empty((1, n, 1 if reduce_sq else m))
    Q = np.empty((1, n, 1 if reduce_sq else m))
    coords = np.arange(n, dtype=np.intp)
    nfev = sweep(func, args, kwargs, x, coords, H, offsets, weights, w0, f0, nderiv,
                 False, scalar_out, out_shape, D, S, qweights, q0, Q, None, None, reduce_sq)
    D2, S2, Q2 = D[0], S[0], Q[0]
    h = h_a[0]
    flags, flagged = curvature_flags(D2, S2, Q2, h, nderiv, qorder, order, error_constant,
                                     binom, eps, down_factor, up_factor, qratio)
    return D2, S2, Q2, h, flags, flagged, nfev


# ---------------------------------------------------------------------------
# Complex step: the loop over variables of a gradient/Jacobian.
from cpython.complex cimport PyComplex_Check, PyComplex_RealAsDouble, PyComplex_ImagAsDouble

_CS_HOW = ("use method='central' (finite differences) instead, or make f complex-step "
           "safe (numpy ufuncs, no abs/comparisons/float() on the argument)")
#: f returned real values for complex input (shared with _complex.py).
CS_DROPPED = ("method='complex': f returned real values for a complex input, so it "
              "dropped the imaginary part that carries the derivative (float(), .real, "
              "np.abs or writing into a real array inside f); " + _CS_HOW)


def complex_sweep(object func, tuple args, dict kwargs, cnp.ndarray z0,
                  const double[::1] h, bint scalar_out, tuple out_shape,
                  double[:, ::1] imag_out, double[:, ::1] real_out):
    """``f(x + i h_k e_k)`` for every variable ``k``; imaginary and real parts.

    ``z0`` is ``x`` as a C-contiguous complex64/complex128 array in the
    user's shape. Row ``k`` of ``imag_out``/``real_out`` receives the parts
    of ``f`` at the ``k``-th point. A function that raises on complex input
    or returns real values gets the ``ValueError`` of the contract.
    """
    cdef Py_ssize_t N = z0.size, m = imag_out.shape[1], k, t
    cdef bint is64 = z0.dtype == np.complex64
    cdef bint has_kw = bool(kwargs)
    cdef cnp.ndarray zp, carr
    cdef object y, arr
    cdef double* src
    cdef float* src32
    for k in range(N):
        zp = cnp.PyArray_NewCopy(z0, cnp.NPY_CORDER)
        if is64:
            (<float*> cnp.PyArray_DATA(zp))[2 * k + 1] += <float> h[k]
        else:
            (<double*> cnp.PyArray_DATA(zp))[2 * k + 1] += h[k]
        try:
            y = _call(func, zp, args, kwargs, has_kw)
        except Exception as exc:
            raise ValueError(
                f"method='complex' needs f to accept complex input, but f raised "
                f"{type(exc).__name__}: {exc}; {_CS_HOW}") from exc
        if scalar_out and PyComplex_Check(y):
            imag_out[k, 0] = PyComplex_ImagAsDouble(y)
            real_out[k, 0] = PyComplex_RealAsDouble(y)
            continue
        arr = np.asarray(y)
        if arr.dtype.kind != "c":
            if arr.dtype.kind in "fiub":
                raise ValueError(CS_DROPPED)
            raise TypeError(f"f must return numbers; it returned dtype {arr.dtype}")
        if scalar_out:
            if arr.size != 1:
                raise ValueError("f must return a scalar (a float, a 0-d array or a size-1 "
                                 f"array); it returned an array of shape {arr.shape}")
        elif arr.shape != out_shape:
            raise ValueError(f"f returned shape {arr.shape} at a complex point but "
                             f"{out_shape} at x; f must return the same shape everywhere")
        carr = np.ascontiguousarray(arr, dtype=np.complex128)
        src = <double*> cnp.PyArray_DATA(carr)
        for t in range(m):
            real_out[k, t] = src[2 * t]
            imag_out[k, t] = src[2 * t + 1]
    return N


# ---------------------------------------------------------------------------
# Batch sweeps (vectorized=True, workers=): the points of a coordinate-wise
# stencil as one array, and the quotients from the values f returned there.
def batch_points(cnp.ndarray x, const Py_ssize_t[::1] coords, const double[:, ::1] steps,
                 const double[::1] offsets, bint with_x=False):
    """Every stencil point of a coordinate-wise sweep, as columns of one array.

    ``x`` is C-contiguous float32 or float64 (any shape, read flat). Returns
    ``X`` of shape ``(x.size, P)`` in ``x``'s dtype with ``P = nc * J * K``
    in (coordinate, level, offset) order: column ``(i * J + j) * K + k`` is
    ``x`` with coordinate ``coords[i]`` moved by ``offsets[k] * steps[j,
    i]``, rounded to ``x``'s dtype as :func:`sweep` rounds it. With
    ``with_x``, ``x`` itself comes first (``P + 1`` columns).
    """
    cdef Py_ssize_t n = x.size, J = steps.shape[0], nc = coords.shape[0]
    cdef Py_ssize_t K = offsets.shape[0], P = nc * J * K + (1 if with_x else 0)
    cdef Py_ssize_t lead = 1 if with_x else 0
    cdef Py_ssize_t i, j, k, ci, p
    cdef bint is32 = x.dtype == np.float32
    cdef const double* xd = NULL
    cdef const float* xs = NULL
    cdef double* Xd = NULL
    cdef float* Xs = NULL
    X = np.empty((n, P), dtype=x.dtype)
    X[...] = x.reshape(n, 1)          # numpy's broadcasting fill is vectorized
    if is32:
        xs = <const float*> cnp.PyArray_DATA(x)
        Xs = <float*> cnp.PyArray_DATA(X)
    else:
        xd = <const double*> cnp.PyArray_DATA(x)
        Xd = <double*> cnp.PyArray_DATA(X)
    for i in range(nc):
        ci = coords[i]
        if ci < 0 or ci >= n:
            raise IndexError(f"coordinate {ci} out of range for {n} variables")
        for j in range(J):
            for k in range(K):
                p = lead + (i * J + j) * K + k
                if is32:
                    Xs[ci * P + p] = <float> (xs[ci] + offsets[k] * steps[j, i])
                else:
                    Xd[ci * P + p] = xd[ci] + offsets[k] * steps[j, i]
    return X


def batch_quotients(const double[:, ::1] Y, const double[::1] f0, const double[:, ::1] steps,
                    const double[::1] weights, double w0, int nderiv, bint want_s,
                    const double[::1] qweights=None):
    """Difference quotients from the values at the points of :func:`batch_points`.

    ``Y`` has shape ``(P, m)`` (point, output). Returns ``(D, S, Q)`` of
    shape ``(J, nc, m)`` as :func:`sweep` fills them (``S``/``Q`` ``None``
    unless asked for).
    """
    cdef Py_ssize_t J = steps.shape[0], nc = steps.shape[1], K = weights.shape[0]
    cdef Py_ssize_t m = f0.shape[0], i, j, k, t, p
    cdef bint want_q = qweights is not None
    cdef double hn, d, s, q, y, dy
    if Y.shape[0] != nc * J * K or Y.shape[1] != m:
        raise ValueError(f"values of shape {(Y.shape[0], Y.shape[1])} for "
                         f"{nc * J * K} points and {m} outputs")
    D_a = np.empty((J, nc, m))
    cdef double[:, :, ::1] D = D_a
    cdef double[:, :, ::1] S
    cdef double[:, :, ::1] Q
    S_a = np.empty((J, nc, m)) if want_s else None
    Q_a = np.empty((J, nc, m)) if want_q else None
    if want_s:
        S = S_a
    if want_q:
        Q = Q_a
    for i in range(nc):
        for j in range(J):
            # h and h*h are what pow gives (correctly rounded), only faster
            hn = _ipow(steps[j, i], nderiv) if nderiv <= 2 else pow(steps[j, i], nderiv)
            p = (i * J + j) * K
            for t in range(m):
                d = 0.0
                s = fabs(w0 * f0[t])
                q = 0.0
                for k in range(K):
                    y = Y[p + k, t]
                    dy = y - f0[t]
                    d += weights[k] * dy
                    s += fabs(weights[k] * y)
                    if want_q:
                        q += qweights[k] * dy
                D[j, i, t] = d / hn
                if want_s:
                    S[j, i, t] = s
                if want_q:
                    Q[j, i, t] = q
    return D_a, S_a, Q_a


def actual_steps(const double[::1] xc, const double[:, ::1] H, bint is32):
    """Steps exactly representable as differences from ``xc`` (shape of ``H``).

    ``(xc + h) - xc`` computed in float32 (``is32``) or float64, so that the
    perturbation ``f`` sees is the one the quotient divides by; a step lost
    in rounding (huge ``|x|``) becomes two spacings of ``x`` (at least the
    dtype's smallest normal number).
    """
    cdef Py_ssize_t J = H.shape[0], n = H.shape[1], i, j
    cdef double xi, ha, tiny
    cdef float xf
    cdef double fmin = <double> FLT_MIN if is32 else DBL_MIN
    if xc.shape[0] != n:
        raise ValueError(f"{xc.shape[0]} values of x for {n} steps")
    out = np.empty((J, n))
    cdef double[:, ::1] O = out
    for i in range(n):
        if is32:
            xf = <float> xc[i]
            tiny = 2.0 * <double> (nextafterf(fabsf(xf), INFINITY) - fabsf(xf))
        else:
            xi = xc[i]
            tiny = 2.0 * (nextafter(fabs(xi), INFINITY) - fabs(xi))
        for j in range(J):
            if is32:
                ha = <double> (<float> (<float> (xf + <float> H[j, i]) - xf))
            else:
                ha = (xi + H[j, i]) - xi
            O[j, i] = ha if ha > 0 else max(tiny, fmin)
    return out


def first_probe_plan(const signed char[::1] flags, const double[::1] xc, const double[::1] h,
                     double reach_below, double reach_above):
    """The variables the curvature check's first probe needs, or ``None``.

    ``None`` when the shortcut of ``_api._first_probe`` does not apply: a
    flag other than 1 (a step to grow, a value not finite), or a stencil
    that reaches across zero from a non-zero ``x``. Otherwise the indices
    of the variables flagged 1.
    """
    cdef Py_ssize_t n = flags.shape[0], i, k = 0
    cdef double x
    for i in range(n):
        if flags[i] > 1:
            return None
        x = xc[i]
        if x != 0 and ((x > 0 and x - reach_below * h[i] <= 0)
                       or (x < 0 and x + reach_above * h[i] >= 0)):
            return None
        if flags[i] == 1:
            k += 1
    idx_a = np.empty(k, dtype=np.intp)
    cdef Py_ssize_t[::1] idx = idx_a
    k = 0
    for i in range(n):
        if flags[i] == 1:
            idx[k] = i
            k += 1
    return idx_a


def first_probe_moves(const double[:, ::1] D, const double[:, ::1] S,
                      const Py_ssize_t[::1] idx, const double[:, ::1] Dn,
                      const double[:, ::1] Sn, const double[::1] h, const double[::1] hn,
                      double eps, int nderiv):
    """Which probed variables move to the smaller step, and by how much.

    Row ``r`` of ``Dn``/``Sn`` is variable ``idx[r]`` at step ``hn[r]``; ``D``,
    ``S`` and ``h`` hold every variable at its current step (``S`` with one
    column per output, or one already reduced). A variable moves when its
    new quotients are finite and differ from the old ones by more than
    both rounding levels, ``4 eps max S / h**n`` each (the test of
    ``_engine.refine_step``). Returns ``(moved, change, rounding)``, the
    last the sum of the two levels.
    """
    cdef Py_ssize_t nr = idx.shape[0], m = D.shape[1], r, t, i
    cdef double diff, s0, s1, d
    cdef bint ok
    moved_a = np.zeros(nr, dtype=bool)
    diff_a = np.empty(nr)
    nz_a = np.empty(nr)
    cdef double[::1] rounding = nz_a
    cdef cnp.uint8_t[::1] moved = moved_a.view(np.uint8)
    cdef double[::1] change = diff_a
    for r in range(nr):
        i = idx[r]
        diff = 0.0
        ok = True
        for t in range(m):
            if not isfinite(Dn[r, t]):
                ok = False
            d = fabs(Dn[r, t] - D[i, t])
            if d > diff or d != d:
                diff = d
        s0 = 0.0
        for t in range(S.shape[1]):
            s0 = max(s0, S[i, t])
        s1 = 0.0
        for t in range(Sn.shape[1]):
            s1 = max(s1, Sn[r, t])
        change[r] = diff
        rounding[r] = 4.0 * eps * (s0 / _ipow(h[i], nderiv) + s1 / _ipow(hn[r], nderiv))
        moved[r] = ok and diff > rounding[r]
    return moved_a, diff_a, nz_a
