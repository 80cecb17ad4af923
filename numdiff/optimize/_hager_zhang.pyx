# cython: language_level=3, cdivision=True
"""The Hager-Zhang line search: approximate Wolfe conditions (CG_DESCENT).

A step is accepted when it satisfies the Wolfe conditions

    phi(a) <= phi(0) + c1 a phi'(0)   and   phi'(a) >= c2 phi'(0)

or the approximate Wolfe conditions

    (2 c1 - 1) phi'(0) >= phi'(a) >= c2 phi'(0)   and   phi(a) <= phi(0) + eps |phi(0)|,

which, near a minimiser, can be checked to the accuracy of phi' where the
sufficient-decrease test drowns in the rounding of phi. A bracket ``[a, b]``
with ``phi'(a) < 0 <= phi'(b)`` and ``phi(a) <= phi(0) + eps |phi(0)|`` is
found by expanding the step (factor 5); it is then shrunk by double secant
steps, with a bisection whenever one round shrinks it by less than a third
(gamma = 0.66). ``eps = 1e-6``, as in the paper.

(``cdivision`` also in debug builds: the secant denominators are checked.)

A trial where ``phi`` or ``phi'`` is not finite shrinks the step towards the
lower end of the bracket and is never used as an end point.

References
----------
W. W. Hager and H. Zhang, "A new conjugate gradient method with guaranteed
descent and an efficient line search", SIAM J. Optim. 16 (2005), 170-192.
W. W. Hager and H. Zhang, "Algorithm 851: CG_DESCENT", ACM Trans. Math.
Softw. 32 (2006), 113-137.
"""
from libc.math cimport INFINITY, NAN, fabs, isfinite

from ._ls_common cimport (LS_CURVATURE, LS_INTERVAL, LS_MAXITER, LS_NONFINITE,
                          LS_OK, LSParams, LSProblem, LSResult,
                          ls_alpha_max, ls_start, run_search)

cdef double EPS = 2.220446049250313e-16
cdef double EPS_K = 1e-6          # approximate-Wolfe allowance on phi
cdef double RHO = 5.0             # bracket expansion
cdef double GAMMA = 0.66          # required shrink per round


cdef struct _HZ:
    LSProblem* pr
    LSParams* pm
    LSResult* out
    double phi0, d0, c1, c2, flim
    bint done


cdef int _eval(_HZ* h, double a, double* f, double* d) except -1:
    """phi and phi' at ``a``; records the best sufficient-decrease point and
    sets ``done`` when ``a`` satisfies the (approximate) Wolfe conditions."""
    cdef LSResult* out = h.out
    if out.nfev >= h.pm.maxiter:
        out.status = LS_MAXITER
        h.done = True
        f[0] = NAN
        d[0] = NAN
        return 0
    h.pr.fn(h.pr.ctx, a, f, d)
    out.nfev += 1
    out.ngev += 1
    if not (isfinite(f[0]) and isfinite(d[0])):
        return 0
    if f[0] <= h.phi0 + h.c1 * a * h.d0 and (out.alpha == 0.0 or f[0] < out.phi):
        out.alpha, out.phi, out.dphi = a, f[0], d[0]
    if d[0] >= h.c2 * h.d0 and (
            f[0] <= h.phi0 + h.c1 * a * h.d0 or
            (d[0] <= (2.0 * h.c1 - 1.0) * h.d0 and f[0] <= h.flim)):
        out.alpha, out.phi, out.dphi = a, f[0], d[0]
        out.status = LS_OK
        h.done = True
    return 0


cdef inline double _secant(double a, double da, double b, double db) noexcept nogil:
    if db == da:
        return 0.5 * (a + b)
    return (a * db - b * da) / (db - da)


cdef int _update(_HZ* h, double* a, double* fa, double* da, double* b, double* fb,
                 double* db, double c) except -1:
    """Shrink ``[a, b]`` with the trial ``c`` (the paper's update step)."""
    cdef double fc, dc, dd, fd, dm
    if not (a[0] < c < b[0]):
        return 0
    _eval(h, c, &fc, &dc)
    if h.done:
        return 0
    if not (isfinite(fc) and isfinite(dc)):
        b[0], fb[0], db[0] = c, INFINITY, INFINITY
        return 0
    if dc >= 0.0:
        b[0], fb[0], db[0] = c, fc, dc
        return 0
    if fc <= h.flim:
        a[0], fa[0], da[0] = c, fc, dc
        return 0
    # phi'(c) < 0 with phi(c) too high: bisect [a, c] until the slope turns
    b[0], fb[0], db[0] = c, fc, dc
    while True:
        if b[0] - a[0] <= EPS * (fabs(a[0]) + fabs(b[0])):
            h.out.status = LS_INTERVAL
            h.done = True
            return 0
        dm = 0.5 * (a[0] + b[0])
        _eval(h, dm, &fd, &dd)
        if h.done:
            return 0
        if not (isfinite(fd) and isfinite(dd)) or dd >= 0.0:
            b[0], fb[0], db[0] = dm, fd, dd
            return 0
        if fd <= h.flim:
            a[0], fa[0], da[0] = dm, fd, dd
        else:
            b[0], fb[0], db[0] = dm, fd, dd


cdef int hager_zhang(LSProblem* pr, LSParams* pm, LSResult* out) except -1:
    """Bracket, then double secant steps with bisection; see the module docstring."""
    cdef double amax = ls_alpha_max(pm)
    cdef _HZ h
    cdef double a = 0.0, fa, da, b, fb, db, c, fc, dc, A, B, w, cbar
    cdef double fA, dA, fB, dB
    if not ls_start(pr, pm, out):
        return 0
    h.pr, h.pm, h.out = pr, pm, out
    h.phi0, h.d0, h.c1, h.c2 = pr.phi0, pr.dphi0, pm.c1, pm.c2
    h.flim = pr.phi0 + EPS_K * fabs(pr.phi0)
    h.done = False
    fa, da = h.phi0, h.d0
    c = pm.alpha0 if pm.alpha0 < amax else amax
    # back off until finite, then expand until the slope turns or phi rises
    while True:
        _eval(&h, c, &fc, &dc)
        if h.done:
            return 0
        if isfinite(fc) and isfinite(dc):
            break
        c *= 0.5
        if c * fabs(h.d0) <= EPS * fabs(h.phi0):
            out.status = LS_NONFINITE
            return 0
    while True:
        if dc >= 0.0:
            b, fb, db = c, fc, dc
            break
        if fc > h.flim:
            # still descending but too high: the minimiser lies in [a, c]
            b, fb, db = c, fc, dc
            _update(&h, &a, &fa, &da, &b, &fb, &db, 0.5 * (a + c))
            if h.done:
                return 0
            break
        a, fa, da = c, fc, dc
        if c >= amax:
            out.status = LS_CURVATURE
            return 0
        c = RHO * c if RHO * c < amax else amax
        _eval(&h, c, &fc, &dc)
        if h.done:
            return 0
        if not (isfinite(fc) and isfinite(dc)):
            b, fb, db = c, INFINITY, INFINITY
            break
    # double secant steps with bisection
    while not h.done:
        if b - a <= EPS * (fabs(a) + fabs(b)) or (b - a) * fabs(h.d0) <= EPS * fabs(h.phi0):
            out.status = LS_INTERVAL
            return 0
        w = b - a
        A, fA, dA, B, fB, dB = a, fa, da, b, fb, db
        c = _secant(a, da, b, db) if isfinite(db) else 0.5 * (a + b)
        _update(&h, &A, &fA, &dA, &B, &fB, &dB, c)
        if h.done:
            break
        if c == B and isfinite(dB):
            cbar = _secant(b, db, B, dB)
            _update(&h, &A, &fA, &dA, &B, &fB, &dB, cbar)
        elif c == A:
            cbar = _secant(a, da, A, dA)
            _update(&h, &A, &fA, &dA, &B, &fB, &dB, cbar)
        if h.done:
            break
        a, fa, da, b, fb, db = A, fA, dA, B, fB, dB
        if b - a > GAMMA * w:
            _update(&h, &a, &fa, &da, &b, &fb, &db, 0.5 * (a + b))
    return 0


def run(phi, double phi0, double dphi0, double c1=0.1, double c2=0.9,
        double alpha0=1.0, double alpha_max=INFINITY, int maxiter=30):
    """Run the search on a Python ``phi(alpha, want_dphi) -> (phi, dphi)`` (tests).

    Returns a dict with ``alpha, phi, dphi, nfev, ngev, status``.
    """
    return run_search(hager_zhang, phi, phi0, dphi0, c1, c2, alpha0, alpha_max, maxiter)
