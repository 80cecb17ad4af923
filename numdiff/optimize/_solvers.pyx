"""Compiled iteration loops of numdiff's minimisers.

One loop serves the four methods; they differ only in the search direction:

* ``gradient-descent``: ``p = -g``, first trial step from the previous
  iteration's decrease (Nocedal & Wright 2006, eq. 3.60);
* ``bfgs``: ``p = -H g`` with the inverse-Hessian approximation ``H`` scaled
  by ``s'y / y'y`` before the first update (Nocedal & Wright eq. 6.20) and
  updated by the BFGS formula as two symmetric rank updates, O(n^2) per
  iteration through BLAS (Fletcher 1987, section 3.2);
* ``lbfgs``: the two-loop recursion over the last ``m`` pairs with the
  scaling ``gamma = s'y / y'y`` (Nocedal 1980; Liu & Nocedal 1989);
* ``newton``: the Newton step when LAPACK's Cholesky factorisation of the
  Hessian succeeds; otherwise the step of the Hessian with its eigenvalues
  replaced by their absolute values, floored at ``sqrt(eps)`` times the
  largest (Nocedal & Wright section 3.4; Greenstadt 1967).

The line searches are the shared compiled ones (``_ls_common.pxd``); the
solver calls them through their C entry points, with ``phi`` evaluating the
user's function at ``x + alpha p`` directly into the solver's buffers.

References
----------
.. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
   Springer, 2006, chapters 3, 6 and 7.
.. [2] D. C. Liu and J. Nocedal, "On the limited memory BFGS method for large
   scale optimization", Math. Programming 45 (1989) 503-528.
.. [3] R. Fletcher, *Practical Methods of Optimization*, 2nd ed., Wiley, 1987.
.. [4] J. Greenstadt, "On the relative efficiencies of gradient methods",
   *Math. Comp.* 21 (1967) 360-367.
"""
import numpy as np

cimport numpy as cnp
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_Check
from libc.math cimport INFINITY, NAN, fabs, isfinite, sqrt
from libc.string cimport memcpy
from scipy.linalg.cython_blas cimport daxpy, ddot, dscal, dsymv, dsyr, dsyr2
from scipy.linalg.cython_lapack cimport dpotrf, dpotrs, dsyev

from ._backtracking cimport backtracking
from ._hager_zhang cimport hager_zhang
from ._initial cimport first_step, quadratic_step
from ._ls_common cimport LS_INTERVAL, LS_OK, LSParams, LSProblem, LSResult, search_fn
from ._more_thuente cimport more_thuente
from ._strong_wolfe cimport strong_wolfe

cnp.import_array()

cdef double EPS = 2.220446049250313e-16

# ---------------------------------------------------------------- status codes
# (documented in _minimize.py; kept in step with STATUS there)
cdef enum:
    ST_GTOL = 0          # norm(g, inf) <= gtol
    ST_FTOL = 1          # relative decrease of f below ftol (only when asked for)
    ST_XTOL = 2          # relative step below xtol (only when asked for)
    ST_MAXITER = 3
    ST_MAXFEV = 4
    ST_LINESEARCH = 5    # the line search made no progress
    ST_NONFINITE = 6     # f or g not finite at x0, or g not finite at a new point
    ST_CALLBACK = 7      # the callback raised StopIteration

# solver-level reason for ST_LINESEARCH beyond the searches' own codes
cdef enum:
    LS_STALLED = 7       # three iterations in which neither f nor norm(g) fell

# method codes
cdef enum:
    M_GD = 0
    M_BFGS = 1
    M_LBFGS = 2
    M_NEWTON = 3

SEARCHES = {"backtracking": 0, "strong-wolfe": 1, "more-thuente": 2, "hager-zhang": 3}


cdef search_fn _search(int code) noexcept:
    if code == 0:
        return backtracking
    if code == 1:
        return strong_wolfe
    if code == 3:
        return hager_zhang
    return more_thuente


class Budget(Exception):
    """Raised before an evaluation of ``fun`` beyond ``maxfev``."""


cdef class Objective:
    """The user's ``f`` and gradient behind C-level evaluation with counting.

    ``mode`` 0: ``fun(x, *args)`` and ``jac(x, *args)`` separately; 1:
    ``fun(x, *args)`` returns ``(f, g)``. ``hess(x, *args)`` is optional.
    Every evaluation gets a fresh array (callers may keep it). No
    evaluation starts once ``maxfev`` calls of ``fun`` have been made
    (``Budget`` is raised instead); a numerical derivative already under way
    is completed.
    """
    cdef public object fun, jac, hess
    cdef public tuple args
    cdef public int mode
    cdef public Py_ssize_t n
    cdef public long nfev, njev, nhev
    cdef public long extra_nfev      # evaluations of f made by derivative helpers
    cdef public long maxfev

    def __init__(self, fun, jac, hess, tuple args, int mode, Py_ssize_t n):
        self.fun = fun
        self.jac = jac
        self.hess = hess
        self.args = args
        self.mode = mode
        self.n = n
        self.nfev = self.njev = self.nhev = self.extra_nfev = 0
        self.maxfev = 1 << 62

    cdef object _xarray(self, const double* x):
        cdef cnp.npy_intp dim = self.n
        cdef cnp.ndarray xa = cnp.PyArray_SimpleNew(1, &dim, cnp.NPY_DOUBLE)
        memcpy(cnp.PyArray_DATA(xa), x, self.n * sizeof(double))
        return xa

    cdef int _grad_into(self, object g, double* out) except -1:
        cdef cnp.ndarray ga
        if (type(g) is np.ndarray and (<cnp.ndarray> g).ndim == 1
                and cnp.PyArray_TYPE(<cnp.ndarray> g) == cnp.NPY_DOUBLE
                and cnp.PyArray_ISNOTSWAPPED(<cnp.ndarray> g)
                and (<cnp.ndarray> g).shape[0] == self.n
                and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray> g)):
            memcpy(out, cnp.PyArray_DATA(<cnp.ndarray> g), self.n * sizeof(double))
            return 0
        ga = _as_gradient(g, self.n)
        memcpy(out, cnp.PyArray_DATA(ga), self.n * sizeof(double))
        return 0

    cdef int eval(self, const double* x, double* f, double* g, bint want_f,
                  bint want_g) except -1:
        """``f(x)`` into ``f`` (when ``want_f``) and the gradient into ``g``
        (when ``want_g``; always in mode 1, where it comes anyway)."""
        cdef object xa
        cdef object r
        if self.nfev + self.extra_nfev >= self.maxfev:
            raise Budget()
        xa = self._xarray(x)
        if self.mode == 1:
            r = self.fun(xa, *self.args)
            self.nfev += 1
            self.njev += 1
            if type(r) is not tuple or len(<tuple> r) != 2:
                r = _pair(r)
            f[0] = _scalar(r[0])
            self._grad_into(r[1], g)
            return 0
        if want_f:
            r = self.fun(xa, *self.args)
            self.nfev += 1
            f[0] = PyFloat_AS_DOUBLE(r) if PyFloat_Check(r) else _scalar(r)
        if want_g:
            if self.nfev + self.extra_nfev >= self.maxfev:
                raise Budget()
            r = self.jac(xa, *self.args)
            self.njev += 1
            self._grad_into(r, g)
        return 0

    cdef int hessian(self, const double* x, double* H) except -1:
        cdef object xa
        if self.nfev + self.extra_nfev >= self.maxfev:
            raise Budget()
        xa = self._xarray(x)
        cdef cnp.ndarray Ha = _as_hessian(self.hess(xa, *self.args), self.n)
        self.nhev += 1
        memcpy(H, cnp.PyArray_DATA(Ha), self.n * self.n * sizeof(double))
        _check_symmetric(H, self.n)
        return 0

    @property
    def total_nfev(self):
        return self.nfev + self.extra_nfev


def _pair(r):
    try:
        a, b = r
    except (TypeError, ValueError):
        raise ValueError("with jac=True, fun must return a pair (f, gradient); got "
                         f"{type(r).__name__}") from None
    return a, b


cdef double _scalar(object v) except? -1.0:
    if PyFloat_Check(v):
        return PyFloat_AS_DOUBLE(v)
    a = np.asarray(v)
    if a.size != 1:
        raise ValueError(f"fun must return a scalar; got an array of shape {a.shape}")
    if a.dtype.kind not in "fiub":
        raise TypeError(f"fun must return a real number; got dtype {a.dtype}"
                        if a.dtype != object else
                        f"fun must return a real number; got {type(v).__name__}")
    return float(a.reshape(()))


cdef cnp.ndarray _as_gradient(object g, Py_ssize_t n):
    a = np.asarray(g)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"the gradient must be a real array; got dtype {a.dtype}")
    if a.shape != (n,):
        raise ValueError(f"the gradient must have shape ({n},), like x0; got {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float64)


cdef cnp.ndarray _as_hessian(object h, Py_ssize_t n):
    if hasattr(h, "toarray") and not isinstance(h, np.ndarray):
        h = h.toarray()
    a = np.asarray(h)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"hess must return a real array; got dtype {a.dtype}")
    if a.shape != (n, n):
        raise ValueError(f"hess must return an array of shape ({n}, {n}); got {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float64)


cdef int _check_symmetric(const double* H, Py_ssize_t n) except -1:
    """A numerical Hessian may be slightly asymmetric (its symmetric part is
    used); one triangle only, or another matrix, is an error."""
    cdef Py_ssize_t i, j
    cdef double big = 0.0, asym = 0.0, d
    for i in range(n * n):
        if fabs(H[i]) > big:
            big = fabs(H[i])
    for i in range(n):
        for j in range(i + 1, n):
            d = fabs(H[i * n + j] - H[j * n + i])
            if d > asym:
                asym = d
    if asym > 1e-4 * big:
        raise ValueError("hess must return the symmetric (n, n) Hessian; the returned "
                         f"matrix differs from its transpose by up to {asym:.3g}")
    return 0


# ----------------------------------------------------------- line-search glue
cdef struct LineCtx:
    void* obj
    double* x
    double* p
    double* xt
    double* gt
    int n
    double last_alpha    # the last trial evaluated with its gradient
    double last_f


cdef int _phi(void* ctx, double alpha, double* phi, double* dphi) except -1:
    cdef LineCtx* c = <LineCtx*> ctx
    cdef int i, one = 1
    cdef Objective obj = <Objective> c.obj
    cdef bint want_g = dphi != NULL
    for i in range(c.n):
        c.xt[i] = c.x[i] + alpha * c.p[i]
    obj.eval(c.xt, phi, c.gt, True, want_g)
    if want_g or obj.mode == 1:
        c.last_alpha = alpha
        c.last_f = phi[0]
    if want_g:
        dphi[0] = ddot(&c.n, c.gt, &one, c.p, &one)
    return 0


cdef inline double _norm_inf(const double* v, int n) noexcept nogil:
    cdef double m = 0.0
    cdef int i
    for i in range(n):
        if fabs(v[i]) > m or v[i] != v[i]:
            m = fabs(v[i]) if v[i] == v[i] else INFINITY
    return m


cdef inline bint _moves(const double* x, const double* p, double alpha, int n) noexcept nogil:
    """True when x + alpha p differs from x in at least one component."""
    cdef int i
    for i in range(n):
        if x[i] + alpha * p[i] != x[i]:
            return True
    return False


cdef inline bint _progress(LSResult* out, double f, const double* x, const double* p,
                           int n) noexcept nogil:
    """A search made progress when its step moves x to an f no higher than
    ``f``, the best value so far, plus ten units of its rounding (f may stay
    equal, or rise within its rounding, when the decrease is below its
    rounding while the gradient, which the searches also use, still
    improves; the stall test of the loop stops that from going on)."""
    return (out.alpha > 0.0 and out.phi <= f + 10.0 * EPS * fabs(f)
            and _moves(x, p, out.alpha, n))


cdef inline bint _all_finite(const double* v, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        if not isfinite(v[i]):
            return False
    return True


cdef double _slope(const double* g, double* p, int n) noexcept nogil:
    """g.p; a direction whose slope overflows (huge finite g) is rescaled to
    unit length in the max norm (the searches need a finite slope)."""
    cdef int one = 1, i
    cdef double d = ddot(&n, g, &one, p, &one), m
    if not isfinite(d) and _all_finite(p, n) and _all_finite(g, n):
        m = _norm_inf(p, n)
        if m > 0.0:
            for i in range(n):
                p[i] = p[i] / m
            d = ddot(&n, g, &one, p, &one)
    return d


# --------------------------------------------------------------- directions
cdef void _bfgs_reset(double* H, int n, double scale) noexcept nogil:
    cdef int i, j
    for i in range(n):
        for j in range(n):
            H[i * n + j] = 0.0
        H[i * n + i] = scale


cdef bint _bfgs_update(double* H, const double* s, const double* y, double* Hy,
                       int n, double sy, double yy) noexcept nogil:
    """H <- (I - rho s y') H (I - rho y s') + rho s s' (the lower triangle in
    Fortran terms is kept; both triangles are the same matrix). False when the
    pair has no positive curvature to rounding (the update is skipped)."""
    cdef int one = 1
    cdef double ss = ddot(&n, s, &one, s, &one)
    cdef double zero = 0.0, unit = 1.0, rho, yHy, a
    cdef char uplo = b'L'
    if not (sy > sqrt(EPS) * sqrt(ss * yy)) or not isfinite(sy):
        return False
    rho = 1.0 / sy
    dsymv(&uplo, &n, &unit, H, &n, y, &one, &zero, Hy, &one)
    yHy = ddot(&n, y, &one, Hy, &one)
    a = -rho
    dsyr2(&uplo, &n, &a, s, &one, Hy, &one, H, &n)
    a = rho * rho * yHy + rho
    dsyr(&uplo, &n, &a, s, &one, H, &n)
    return True


cdef void _symmetrise(double* H, int n) noexcept nogil:
    """Copy the triangle BLAS kept (Fortran 'L' = C upper) to the other."""
    cdef int i, j
    for i in range(n):
        for j in range(i + 1, n):
            H[j * n + i] = H[i * n + j]


cdef void _lbfgs_direction(const double* g, double* p, const double* S, const double* Y,
                           const double* rho, double* al, int n, int m, int k,
                           int head, double gamma) noexcept nogil:
    """p = -H g by the two-loop recursion over the k newest of m pairs, the
    newest at index head - 1 (mod m)."""
    cdef int one = 1, i, j
    cdef double b, a
    for i in range(n):
        p[i] = -g[i]
    for j in range(k):
        i = (head - 1 - j + m) % m
        al[i] = rho[i] * ddot(&n, S + i * n, &one, p, &one)
        a = -al[i]
        daxpy(&n, &a, Y + i * n, &one, p, &one)
    dscal(&n, &gamma, p, &one)
    for j in range(k - 1, -1, -1):
        i = (head - 1 - j + m) % m
        b = rho[i] * ddot(&n, Y + i * n, &one, p, &one)
        a = al[i] - b
        daxpy(&n, &a, S + i * n, &one, p, &one)


cdef int _newton_direction(const double* Hm, double* A, double* lam, double* work,
                           int lwork, const double* g, double* p, int n) noexcept nogil:
    """The Newton step -H^{-1} g when H is positive definite (Cholesky);
    otherwise the step of the modified Hessian V diag(max(|lambda|, delta)) V'
    (eigenvalues by LAPACK's dsyev, delta = sqrt(eps) max|lambda|): negative
    curvature is followed with its own magnitude instead of being swamped by
    a shift (Nocedal & Wright 2006, section 3.4; Greenstadt 1967). Returns 0
    (Newton), 1 (modified) or -1 (H not finite)."""
    cdef int i, j, k, info = 0, one = 1
    cdef double big = 0.0, delta, c
    cdef char lo = b'L', jobz = b'V'
    for i in range(n * n):
        if not isfinite(Hm[i]):
            return -1
    for i in range(n):
        for j in range(n):
            # the symmetric part (a numerical Hessian may be slightly asymmetric)
            A[i * n + j] = 0.5 * (Hm[i * n + j] + Hm[j * n + i])
    dpotrf(&lo, &n, A, &n, &info)
    if info == 0:
        for i in range(n):
            p[i] = -g[i]
        dpotrs(&lo, &n, &one, A, &n, p, &n, &info)
        return 0 if info == 0 else -1
    for i in range(n):
        for j in range(n):
            A[i * n + j] = 0.5 * (Hm[i * n + j] + Hm[j * n + i])
    dsyev(&jobz, &lo, &n, A, &n, lam, work, &lwork, &info)
    if info != 0:
        return -1
    for k in range(n):
        if fabs(lam[k]) > big:
            big = fabs(lam[k])
    delta = sqrt(EPS) * big
    if not (delta > 0.0):
        delta = 1.0
    for i in range(n):
        p[i] = 0.0
    for k in range(n):
        # column k of the eigenvectors is contiguous (Fortran order)
        c = -ddot(&n, A + k * n, &one, g, &one) / (fabs(lam[k]) if fabs(lam[k]) > delta
                                                   else delta)
        daxpy(&n, &c, A + k * n, &one, p, &one)
    return 1


cdef void _bfgs_direction(double* H, const double* g, double* p, int n) noexcept nogil:
    cdef int one = 1
    cdef double mone = -1.0, zero = 0.0
    cdef char uplo = b'L'
    dsymv(&uplo, &n, &mone, H, &n, g, &one, &zero, p, &one)


cdef bint _is_reset(const double* H, int n) noexcept nogil:
    """True when H is a multiple of the identity (the lower triangle BLAS uses:
    C's upper triangle)."""
    cdef int i, j
    for i in range(n):
        for j in range(i + 1, n):
            if H[i * n + j] != 0.0:
                return False
        if H[i * n + i] != H[0]:
            return False
    return True


# -------------------------------------------------------------------- the loop
def run(Objective obj, cnp.ndarray x_a, int method, int search, double c1, double c2,
        double gtol, double ftol, double xtol, long maxiter, long maxfev, int memory,
        object callback, bint want_hess_inv):
    """Minimise from ``x_a`` (a C-contiguous float64 vector, overwritten
    with the solution).

    Returns ``(status, ls_status, f, g, nit, hess_inv, last_alpha,
    norm(g, inf))``.
    ``callback(x, f, g, nit, alpha)`` is called after every iteration (a
    ``StopIteration`` ends the solve).
    """
    cdef int n = <int> x_a.shape[0], one = 1, i, k = 0, head = 0, ls_status = LS_OK, st
    cdef long nit = 0
    cdef double f = NAN, f_prev = NAN, dphi0, alpha0, alpha = NAN
    cdef double gn, sy, yy, gamma = 1.0, xn, sn
    cdef bint h_scaled = False, reset_done
    cdef int stalls = 0
    # the best point so far (lowest f, then smallest norm(g)): returned
    # unless the first-order test held at the last one
    cdef double fb = NAN, gnfb = INFINITY, gnb = INFINITY, gnt
    cdef cnp.ndarray g_a = np.zeros(n), p_a = np.zeros(n), xt_a = np.zeros(n)
    cdef cnp.ndarray gt_a = np.zeros(n), s_a = np.zeros(n), y_a = np.zeros(n)
    cdef cnp.ndarray w_a = np.zeros(n), xb_a = np.zeros(n), gb_a = np.zeros(n)
    cdef double* xb = <double*> cnp.PyArray_DATA(xb_a)
    cdef double* gb = <double*> cnp.PyArray_DATA(gb_a)
    cdef double* xp = <double*> cnp.PyArray_DATA(x_a)
    cdef double* g = <double*> cnp.PyArray_DATA(g_a)
    cdef double* p = <double*> cnp.PyArray_DATA(p_a)
    cdef double* xt = <double*> cnp.PyArray_DATA(xt_a)
    cdef double* gt = <double*> cnp.PyArray_DATA(gt_a)
    cdef double* s = <double*> cnp.PyArray_DATA(s_a)
    cdef double* y = <double*> cnp.PyArray_DATA(y_a)
    cdef double* w = <double*> cnp.PyArray_DATA(w_a)
    cdef cnp.ndarray H_a = None, A_a = None, S_a = None, Y_a = None, rho_a = None, al_a = None
    cdef double* H = NULL
    cdef double* A = NULL
    cdef double* S = NULL
    cdef double* Y = NULL
    cdef double* rho = NULL
    cdef double* al = NULL
    cdef double* lam = NULL
    cdef double* work = NULL
    cdef int lwork = 0
    cdef cnp.ndarray lam_a = None, work_a = None
    cdef LineCtx ctx
    cdef LSProblem pr
    cdef LSParams pm
    cdef LSResult out
    cdef search_fn srch = _search(search)

    if method == M_BFGS or method == M_NEWTON:
        H_a = np.zeros((n, n))
        H = <double*> cnp.PyArray_DATA(H_a)
    if method == M_BFGS:
        _bfgs_reset(H, n, 1.0)
    if method == M_NEWTON:
        A_a = np.zeros((n, n))
        A = <double*> cnp.PyArray_DATA(A_a)
        lwork = 34 * n + 8
        lam_a = np.zeros(n)
        work_a = np.zeros(lwork)
        lam = <double*> cnp.PyArray_DATA(lam_a)
        work = <double*> cnp.PyArray_DATA(work_a)
    if method == M_LBFGS:
        S_a = np.zeros((memory, n))
        Y_a = np.zeros((memory, n))
        rho_a = np.zeros(memory)
        al_a = np.zeros(memory)
        S = <double*> cnp.PyArray_DATA(S_a)
        Y = <double*> cnp.PyArray_DATA(Y_a)
        rho = <double*> cnp.PyArray_DATA(rho_a)
        al = <double*> cnp.PyArray_DATA(al_a)

    ctx.obj = <void*> obj
    ctx.x = xp
    ctx.p = p
    ctx.xt = xt
    ctx.gt = gt
    ctx.n = n
    pr.fn = _phi
    pr.ctx = <void*> &ctx
    pm.c1 = c1
    pm.c2 = c2
    pm.alpha_max = INFINITY

    if not _all_finite(xp, n):
        raise ValueError("x0 must be finite")
    obj.maxfev = maxfev
    try:
        obj.eval(xp, &f, g, True, True)
        if not (isfinite(f) and _all_finite(g, n)):
            return ST_NONFINITE, ls_status, f, g_a, nit, None, alpha, _norm_inf(g, n)
        fb, gnb = f, _norm_inf(g, n)
        gnfb = gnb
        memcpy(xb, xp, n * sizeof(double))
        memcpy(gb, g, n * sizeof(double))
        st = -1
        while True:
            gn = _norm_inf(g, n)
            if gn <= gtol:
                st = ST_GTOL
                break
            if nit >= maxiter:
                st = ST_MAXITER
                break
            if obj.nfev + obj.extra_nfev >= maxfev:
                st = ST_MAXFEV
                break
            # ------------------------------------------------ search direction
            reset_done = False
            while True:
                if method == M_BFGS:
                    _bfgs_direction(H, g, p, n)
                elif method == M_LBFGS and k > 0:
                    _lbfgs_direction(g, p, S, Y, rho, al, n, memory, k, head, gamma)
                elif method == M_NEWTON:
                    obj.hessian(xp, H)
                    if _newton_direction(H, A, lam, work, lwork, g, p, n) < 0:
                        for i in range(n):
                            p[i] = -g[i]
                else:
                    for i in range(n):
                        p[i] = -g[i]
                dphi0 = _slope(g, p, n)
                if dphi0 < 0.0 and isfinite(dphi0):
                    break
                if reset_done:
                    break
                # rounding in the model: restart from steepest descent
                reset_done = True
                if method == M_BFGS:
                    _bfgs_reset(H, n, gamma if h_scaled else 1.0)
                elif method == M_LBFGS:
                    k = 0
                elif method == M_NEWTON:
                    for i in range(n):
                        p[i] = -g[i]
                    dphi0 = _slope(g, p, n)
                    break
            # ------------------------------------------------ first trial step
            if method == M_GD:
                if nit == 0:
                    alpha0 = first_step(_norm_inf(xp, n), f, _norm_inf(p, n),
                                    ddot(&n, p, &one, p, &one))
                else:
                    alpha0 = quadratic_step(f, f_prev, dphi0)
                    if 1.01 * alpha0 < 1e300:
                        alpha0 = 1.01 * alpha0
            elif nit == 0 and (method == M_BFGS or method == M_LBFGS):
                # a step of unit length along -g (the quasi-Newton model has no
                # curvature yet)
                alpha0 = 1.0 / sqrt(ddot(&n, p, &one, p, &one))
                if not (alpha0 > 0.0 and alpha0 < 1.0):
                    alpha0 = 1.0
            elif (method == M_BFGS and not h_scaled) or (method == M_LBFGS and k == 0):
                # a restart after a failed search: Hager & Zhang's scale-aware step
                alpha0 = first_step(_norm_inf(xp, n), f, _norm_inf(p, n),
                                    ddot(&n, p, &one, p, &one))
                if alpha0 > 1.0:
                    alpha0 = 1.0
            else:
                alpha0 = 1.0
            # ------------------------------------------------ line search
            pr.phi0 = f
            pr.dphi0 = dphi0
            pm.alpha0 = alpha0
            pm.maxiter = 30 if maxfev - obj.nfev - obj.extra_nfev > 30 else \
                <int> (maxfev - obj.nfev - obj.extra_nfev)
            if pm.maxiter < 1:
                pm.maxiter = 1
            ctx.last_alpha = NAN
            srch(&pr, &pm, &out)
            ls_status = out.status
            if not _progress(&out, fb, xp, p, n):
                if ls_status == LS_OK:
                    ls_status = LS_INTERVAL
                # no progress along p: a quasi-Newton model gets one restart
                if method == M_BFGS and not _is_reset(H, n):
                    _bfgs_reset(H, n, gamma if h_scaled else 1.0)
                    continue
                if method == M_LBFGS and k > 0:
                    k = 0
                    continue
                if method == M_NEWTON and not reset_done:
                    # the modified Newton step failed; one steepest-descent try
                    for i in range(n):
                        p[i] = -g[i]
                    pr.dphi0 = -ddot(&n, g, &one, g, &one)
                    pm.alpha0 = first_step(_norm_inf(xp, n), f, gn, -pr.dphi0)
                    ctx.last_alpha = NAN
                    srch(&pr, &pm, &out)
                    ls_status = out.status
                if not _progress(&out, fb, xp, p, n):
                    if ls_status == LS_OK:
                        ls_status = LS_INTERVAL
                    st = ST_MAXFEV if obj.nfev + obj.extra_nfev >= maxfev else ST_LINESEARCH
                    break
            alpha = out.alpha
            # the accepted point, its value and gradient
            if ctx.last_alpha != alpha:
                for i in range(n):
                    xt[i] = xp[i] + alpha * p[i]
                obj.eval(xt, &out.phi, gt, False, True)
            for i in range(n):
                s[i] = xt[i] - xp[i]
                y[i] = gt[i] - g[i]
            if not _all_finite(gt, n):
                st = ST_NONFINITE
                # keep x: the new point's gradient is unusable
                break
            # stall: neither the best f nor the best norm(g) improved
            # (rounding; a noisy gradient)
            gnt = _norm_inf(gt, n)
            if out.phi >= fb and gnt >= gnb:
                stalls += 1
            else:
                stalls = 0
            f_prev = f
            f = out.phi
            memcpy(xp, xt, n * sizeof(double))
            memcpy(g, gt, n * sizeof(double))
            nit += 1
            if f < fb or (f == fb and gnt < gnfb):
                fb, gnfb = f, gnt
                memcpy(xb, xp, n * sizeof(double))
                memcpy(gb, g, n * sizeof(double))
            if gnt < gnb:
                gnb = gnt
            # ------------------------------------------------ model update
            if method == M_BFGS:
                sy = ddot(&n, s, &one, y, &one)
                yy = ddot(&n, y, &one, y, &one)
                if not h_scaled and sy > 0.0 and yy > 0.0:
                    gamma = sy / yy
                    _bfgs_reset(H, n, gamma)
                    h_scaled = True
                _bfgs_update(H, s, y, w, n, sy, yy)
            elif method == M_LBFGS:
                sy = ddot(&n, s, &one, y, &one)
                yy = ddot(&n, y, &one, y, &one)
                if sy > sqrt(EPS) * sqrt(ddot(&n, s, &one, s, &one) * yy) and isfinite(sy):
                    memcpy(S + head * n, s, n * sizeof(double))
                    memcpy(Y + head * n, y, n * sizeof(double))
                    rho[head] = 1.0 / sy
                    head = (head + 1) % memory
                    if k < memory:
                        k += 1
                    gamma = sy / yy
            # ------------------------------------------------ callback, tests
            if callback is not None:
                try:
                    callback(x_a, f, g_a, nit, alpha)
                except StopIteration:
                    st = ST_CALLBACK
                    break
            if _norm_inf(g, n) <= gtol:
                st = ST_GTOL
                break
            if ftol > 0.0 and f_prev - f <= ftol * max(fabs(f), fabs(f_prev), 1.0):
                st = ST_FTOL
                break
            if xtol > 0.0:
                xn = sqrt(ddot(&n, xp, &one, xp, &one))
                sn = sqrt(ddot(&n, s, &one, s, &one))
                if sn <= xtol * (1.0 + xn):
                    st = ST_XTOL
                    break
            if stalls >= 3:
                ls_status = LS_STALLED
                st = ST_LINESEARCH
                break
    except Budget:
        # the evaluation budget ran out inside an iteration: x, f, g are the
        # last accepted point
        st = ST_MAXFEV
        if nit == 0 and not isfinite(f):
            return ST_MAXFEV, ls_status, f, g_a, nit, None, alpha, _norm_inf(g, n)
    if st != ST_GTOL and fb < f:
        # every other ending returns the best point seen
        f = fb
        memcpy(xp, xb, n * sizeof(double))
        memcpy(g, gb, n * sizeof(double))
    hess_inv = None
    if method == M_BFGS and want_hess_inv:
        _symmetrise(H, n)
        hess_inv = H_a
    return st, ls_status, f, g_a, nit, hess_inv, alpha, _norm_inf(g, n)
