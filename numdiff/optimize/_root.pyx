"""Compiled iteration loops of numdiff's root finders.

* ``newton``: damped Newton. The step solves ``J p = -F`` (LAPACK LU); a
  singular or very ill-conditioned ``J`` gives the regularised least-squares
  step ``(J'J + mu I) p = -J'F`` instead. The step length comes from the
  shared backtracking search on the merit function ``phi = |F|^2 / 2``,
  whose slope along a Newton step is ``-|F|^2`` (Dennis & Schnabel 1983,
  sections 6.3 and 6.5).
* ``broyden``: Broyden's "good" method. The Jacobian approximation starts
  from ``J(x0)`` and takes the rank-one update ``B += (y - B s) s' / s's``
  (Broyden 1965); a step that does not decrease ``|F|`` refreshes ``B`` from
  the Jacobian and is retried.

References
----------
.. [1] J. E. Dennis and R. B. Schnabel, *Numerical Methods for Unconstrained
   Optimization and Nonlinear Equations*, Prentice-Hall, 1983 (SIAM 1996).
.. [2] C. G. Broyden, "A class of methods for solving nonlinear simultaneous
   equations", *Math. Comp.* 19 (1965) 577-593.
"""
import numpy as np

cimport numpy as cnp
from libc.math cimport INFINITY, NAN, fabs, isfinite, sqrt
from libc.string cimport memcpy
from scipy.linalg.cython_blas cimport ddot, dgemv
from scipy.linalg.cython_lapack cimport dgecon, dgetrf, dgetrs, dpotrf, dpotrs

from ._backtracking cimport backtracking
from ._ls_common cimport LS_OK, LSParams, LSProblem, LSResult

cnp.import_array()

cdef double EPS = 2.220446049250313e-16

cdef enum:
    RT_TOL = 0           # norm(F, inf) <= tol
    RT_XTOL = 1          # relative step below xtol (only when asked for)
    RT_MAXITER = 2
    RT_MAXFEV = 3
    RT_STALLED = 4       # no decrease of |F| along the step: a local minimum of
                         # |F|^2 that is not a root, or rounding
    RT_NONFINITE = 5
    RT_CALLBACK = 6


class Budget(Exception):
    """Raised before an evaluation of ``fun`` beyond ``maxfev``."""


cdef class System:
    """The user's ``F`` and Jacobian, evaluated into C buffers and counted.

    No evaluation starts once ``maxfev`` calls of ``fun`` have been made."""
    cdef public object fun, jac
    cdef public tuple args
    cdef public Py_ssize_t n
    cdef public long nfev, njev, extra_nfev, maxfev

    def __init__(self, fun, jac, tuple args, Py_ssize_t n):
        self.fun, self.jac, self.args, self.n = fun, jac, args, n
        self.nfev = self.njev = self.extra_nfev = 0
        self.maxfev = 1 << 62

    cdef object _xarray(self, const double* x):
        cdef cnp.npy_intp dim = self.n
        cdef cnp.ndarray xa = cnp.PyArray_SimpleNew(1, &dim, cnp.NPY_DOUBLE)
        memcpy(cnp.PyArray_DATA(xa), x, self.n * sizeof(double))
        return xa

    cdef int F(self, const double* x, double* out) except -1:
        if self.nfev + self.extra_nfev >= self.maxfev:
            raise Budget()
        r = self.fun(self._xarray(x), *self.args)
        self.nfev += 1
        a = np.asarray(r)
        if a.dtype.kind not in "fiub":
            raise TypeError(f"fun must return a real vector; got dtype {a.dtype}")
        if a.shape != (self.n,):
            raise ValueError(f"fun must return a vector of x0's size ({self.n},); got "
                             f"shape {a.shape}")
        a = np.ascontiguousarray(a, dtype=np.float64)     # native byte order too
        memcpy(out, cnp.PyArray_DATA(a), self.n * sizeof(double))
        return 0

    cdef int J(self, const double* x, double* out) except -1:
        """The Jacobian, stored column-major (Fortran order) for LAPACK."""
        if self.nfev + self.extra_nfev >= self.maxfev:
            raise Budget()
        r = self.jac(self._xarray(x), *self.args)
        self.njev += 1
        if hasattr(r, "toarray") and not isinstance(r, np.ndarray):
            r = r.toarray()
        a = np.asarray(r)
        if a.dtype.kind not in "fiub":
            raise TypeError(f"jac must return a real array; got dtype {a.dtype}")
        if a.shape != (self.n, self.n):
            raise ValueError(f"jac must return an array of shape ({self.n}, {self.n}); "
                             f"got {a.shape}")
        a = np.asfortranarray(a, dtype=np.float64)
        memcpy(out, cnp.PyArray_DATA(a), self.n * self.n * sizeof(double))
        return 0


cdef struct MeritCtx:
    void* sys
    double* x
    double* p
    double* xt
    double* Ft
    int n


cdef int _merit(void* ctx, double alpha, double* phi, double* dphi) except -1:
    cdef MeritCtx* c = <MeritCtx*> ctx
    cdef int i, one = 1
    for i in range(c.n):
        c.xt[i] = c.x[i] + alpha * c.p[i]
    (<System> c.sys).F(c.xt, c.Ft)
    phi[0] = 0.5 * ddot(&c.n, c.Ft, &one, c.Ft, &one)
    if not isfinite(phi[0]):
        phi[0] = INFINITY
    return 0


cdef inline double _norm_inf(const double* v, int n) noexcept nogil:
    cdef double m = 0.0
    cdef int i
    for i in range(n):
        if not (fabs(v[i]) <= m):
            m = fabs(v[i]) if v[i] == v[i] else INFINITY
    return m


cdef double _one_norm(const double* A, int n) noexcept nogil:
    cdef double m = 0.0, s
    cdef int i, j
    for j in range(n):
        s = 0.0
        for i in range(n):
            s += fabs(A[j * n + i])
        if s > m:
            m = s
    return m


cdef int _step(const double* Jm, double* LU, int* piv, double* W, int* iw, const double* F,
               double* p, int n, double* rcond) noexcept nogil:
    """Newton step p = -J^{-1} F, or the regularised least-squares step
    when J is singular or its reciprocal condition number is below n eps.
    Returns 0 (Newton), 1 (regularised) or -1 (J not finite)."""
    cdef int i, j, k, info = 0, one = 1
    cdef double anorm, mu, s
    cdef char norm = b'1', tr = b'N', lo = b'L'
    for i in range(n * n):
        if not isfinite(Jm[i]):
            return -1
    memcpy(LU, Jm, n * n * sizeof(double))
    anorm = _one_norm(Jm, n)
    dgetrf(&n, &n, LU, &n, piv, &info)
    rcond[0] = 0.0
    if info == 0:
        dgecon(&norm, &n, LU, &n, &anorm, rcond, W, iw, &info)
        if rcond[0] > n * EPS:
            for i in range(n):
                p[i] = -F[i]
            dgetrs(&tr, &n, &one, LU, &n, piv, p, &n, &info)
            return 0
    # (J'J + mu I) p = -J'F, mu scaled to J'J
    s = 0.0
    for i in range(n):
        for j in range(n):
            W[0] = 0.0
            for k in range(n):
                W[0] += Jm[i * n + k] * Jm[j * n + k]
            LU[j * n + i] = W[0]
        s += LU[i * n + i]
    mu = sqrt(EPS) * (s / n if s > 0 else 1.0)
    for i in range(n):
        LU[i * n + i] += mu
        p[i] = 0.0
        for k in range(n):
            p[i] -= Jm[i * n + k] * F[k]
    dpotrf(&lo, &n, LU, &n, &info)
    if info != 0:
        return -1
    dpotrs(&lo, &n, &one, LU, &n, p, &n, &info)
    return 1


def run(System sys, cnp.ndarray x_a, bint broyden, double tol, double xtol, long maxiter,
        long maxfev, object callback):
    """Solve ``F(x) = 0`` from ``x_a`` (overwritten with the solution).

    Returns ``(status, F, nit, rcond, J, history)``: ``rcond``
    the reciprocal condition number of the last Jacobian factorised (0 when
    it was singular), ``J`` that Jacobian (row-major copy), ``history``
    ``norm(F, inf)`` at the last four iterates (nan before the start).
    """
    cdef int n = <int> x_a.shape[0], one = 1, i, j, kind = 0, st = -1, refreshed
    cdef long nit = 0, rem
    cdef double phi0, rcond = NAN, ss, fn, xn, sn, m
    cdef bint have_J = False, fresh = False
    cdef cnp.ndarray F_a = np.zeros(n), p_a = np.zeros(n), xt_a = np.zeros(n)
    cdef cnp.ndarray Ft_a = np.zeros(n), J_a = np.zeros((n, n)), LU_a = np.zeros((n, n))
    cdef cnp.ndarray W_a = np.zeros(4 * n + 1), piv_a = np.zeros(n, dtype=np.intc)
    cdef cnp.ndarray iw_a = np.zeros(n, dtype=np.intc), y_a = np.zeros(n)
    cdef double* x = <double*> cnp.PyArray_DATA(x_a)
    cdef double* F = <double*> cnp.PyArray_DATA(F_a)
    cdef double* p = <double*> cnp.PyArray_DATA(p_a)
    cdef double* xt = <double*> cnp.PyArray_DATA(xt_a)
    cdef double* Ft = <double*> cnp.PyArray_DATA(Ft_a)
    cdef double* Jm = <double*> cnp.PyArray_DATA(J_a)     # column-major
    cdef double* LU = <double*> cnp.PyArray_DATA(LU_a)
    cdef double* W = <double*> cnp.PyArray_DATA(W_a)
    cdef double* y = <double*> cnp.PyArray_DATA(y_a)
    cdef int* piv = <int*> cnp.PyArray_DATA(piv_a)
    cdef int* iw = <int*> cnp.PyArray_DATA(iw_a)
    cdef double hist[4]              # norm(F, inf) at the last four points
    cdef MeritCtx ctx
    cdef LSProblem pr
    cdef LSParams pm
    cdef LSResult out

    ctx.sys = <void*> sys
    ctx.x, ctx.p, ctx.xt, ctx.Ft, ctx.n = x, p, xt, Ft, n
    pr.fn = _merit
    pr.ctx = <void*> &ctx
    pm.c1 = 1e-4
    pm.c2 = 0.9
    pm.alpha0 = 1.0
    pm.alpha_max = INFINITY

    for i in range(4):
        hist[i] = NAN
    for i in range(n):
        if not isfinite(x[i]):
            raise ValueError("x0 must be finite")
    sys.maxfev = maxfev
    try:
        sys.F(x, F)
        for i in range(n):
            if not isfinite(F[i]):
                return RT_NONFINITE, F_a, nit, rcond, None, ()
        hist[3] = _norm_inf(F, n)
        while True:
            fn = _norm_inf(F, n)
            if fn <= tol:
                st = RT_TOL
                break
            if nit >= maxiter:
                st = RT_MAXITER
                break
            if sys.nfev + sys.extra_nfev >= maxfev:
                st = RT_MAXFEV
                break
            refreshed = 0
            while True:
                if not have_J or not broyden:
                    sys.J(x, Jm)
                    have_J = True
                    fresh = True
                kind = _step(Jm, LU, piv, W, iw, F, p, n, &rcond)
                if kind < 0:
                    st = RT_NONFINITE
                    break
                phi0 = 0.5 * ddot(&n, F, &one, F, &one)
                # slope of phi along p: (J'F).p = F.(J p)
                m = 0.0
                for i in range(n):
                    ss = 0.0
                    for j in range(n):
                        ss += Jm[j * n + i] * p[j]
                    m += F[i] * ss
                pr.phi0 = phi0
                pr.dphi0 = m
                rem = maxfev - sys.nfev - sys.extra_nfev
                pm.maxiter = 30 if rem > 30 else (<int> rem if rem > 0 else 1)
                backtracking(&pr, &pm, &out)
                if out.alpha > 0.0:
                    break
                if broyden and not fresh:
                    have_J = False       # refresh the approximation and retry
                    continue
                st = RT_MAXFEV if sys.nfev + sys.extra_nfev >= maxfev else RT_STALLED
                break
            if st >= 0:
                break
            # the accepted point (the search evaluated it last)
            for i in range(n):
                xt[i] = x[i] + out.alpha * p[i]
            if out.phi != 0.5 * ddot(&n, Ft, &one, Ft, &one):
                sys.F(xt, Ft)
            for i in range(n):
                if not isfinite(Ft[i]):
                    st = RT_NONFINITE
            if st >= 0:
                break
            if broyden:
                # B += (y - B s) s' / s's with s = alpha p, y = F+ - F
                ss = 0.0
                for i in range(n):
                    ss += (out.alpha * p[i]) ** 2
                for i in range(n):
                    y[i] = Ft[i] - F[i]
                    for j in range(n):
                        y[i] -= Jm[j * n + i] * out.alpha * p[j]
                if ss > 0.0:
                    for j in range(n):
                        for i in range(n):
                            Jm[j * n + i] += y[i] * out.alpha * p[j] / ss
                fresh = False
            xn = _norm_inf(x, n)
            sn = fabs(out.alpha) * _norm_inf(p, n)
            memcpy(x, xt, n * sizeof(double))
            memcpy(F, Ft, n * sizeof(double))
            nit += 1
            hist[0], hist[1], hist[2], hist[3] = hist[1], hist[2], hist[3], _norm_inf(F, n)
            if callback is not None:
                try:
                    callback(x_a, F_a, nit, out.alpha)
                except StopIteration:
                    st = RT_CALLBACK
                    break
            if _norm_inf(F, n) <= tol:
                st = RT_TOL
                break
            if xtol > 0.0 and sn <= xtol * (1.0 + xn):
                st = RT_XTOL
                break
    except Budget:
        st = RT_MAXFEV
        if nit == 0 and not isfinite(hist[3]):
            return RT_MAXFEV, F_a, nit, rcond, None, ()
    Jr = None
    if have_J:
        Jr = np.ascontiguousarray(J_a.T)
    return st, F_a, nit, rcond, Jr, tuple(hist[i] for i in range(4))
