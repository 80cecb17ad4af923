# cython: language_level=3
"""Strong Wolfe line search: bracketing and zoom (Nocedal and Wright, Alg. 3.5-3.6).

The bracketing phase tries growing steps until one violates sufficient
decrease, fails to decrease ``phi`` further, or has a non-negative slope;
the zoom phase then shrinks the bracket ``[lo, hi]`` -- ``lo`` always the
best step that satisfies sufficient decrease -- with safeguarded cubic
interpolation (bisection where a value is not finite) until

    phi(alpha) <= phi(0) + c1 alpha phi'(0)   and   |phi'(alpha)| <= c2 |phi'(0)|.

A trial where ``phi`` is not finite is treated as a step that is too long.
On failure the best step that satisfies sufficient decrease is returned (0
when there is none) with the reason.

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
(2006), Algorithms 3.5 and 3.6.
"""
from libc.math cimport INFINITY, fabs, isfinite

from ._interp cimport cubic_min, safeguard
from ._ls_common cimport (LS_CURVATURE, LS_INTERVAL, LS_MAXITER, LS_NONFINITE,
                          LS_OK, LSParams, LSProblem, LSResult,
                          ls_alpha_max, ls_start, run_search)

cdef double EPS = 2.220446049250313e-16


cdef inline bint _armijo(double a, double f, double phi0, double c1, double d0) noexcept nogil:
    return f <= phi0 + c1 * a * d0


cdef int _eval(LSProblem* pr, LSResult* out, double a, double* f, double* d) except -1:
    pr.fn(pr.ctx, a, f, d)
    out.nfev += 1
    out.ngev += 1
    return 0


cdef int strong_wolfe(LSProblem* pr, LSParams* pm, LSResult* out) except -1:
    """Bracketing and zoom; see the module docstring."""
    cdef double amax = ls_alpha_max(pm)
    cdef double phi0 = pr.phi0, d0 = pr.dphi0, c1 = pm.c1, c2 = pm.c2
    cdef double a = pm.alpha0, f = 0.0, d = 0.0
    cdef double a_prev = 0.0, f_prev = phi0, d_prev = d0
    cdef double lo, f_lo, d_lo, hi, f_hi, d_hi, t
    cdef bint first = True, zoom = False
    if not ls_start(pr, pm, out):
        return 0
    if a > amax:
        a = amax
    # back off until phi is finite at the first trial
    while True:
        if out.nfev >= pm.maxiter:
            out.status = LS_MAXITER
            return 0
        _eval(pr, out, a, &f, &d)
        if isfinite(f) and isfinite(d):
            break
        a *= 0.5
        if a * fabs(d0) <= EPS * fabs(phi0):
            out.status = LS_NONFINITE
            return 0
    # bracketing
    while True:
        if not (isfinite(f) and isfinite(d)) or not _armijo(a, f, phi0, c1, d0) or (
                not first and f >= f_prev):
            lo, f_lo, d_lo, hi, f_hi, d_hi = a_prev, f_prev, d_prev, a, f, d
            zoom = True
            break
        # a satisfies sufficient decrease and is the best so far
        out.alpha, out.phi, out.dphi = a, f, d
        if fabs(d) <= -c2 * d0:
            out.status = LS_OK
            return 0
        if d >= 0.0:
            lo, f_lo, d_lo, hi, f_hi, d_hi = a, f, d, a_prev, f_prev, d_prev
            zoom = True
            break
        if a >= amax:
            out.status = LS_CURVATURE
            return 0
        if out.nfev >= pm.maxiter:
            out.status = LS_MAXITER
            return 0
        a_prev, f_prev, d_prev, first = a, f, d, False
        a = min(2.0 * a, amax)
        _eval(pr, out, a, &f, &d)
    # zoom: lo satisfies sufficient decrease (or is 0), hi does not help
    while True:
        if out.nfev >= pm.maxiter:
            out.status = LS_MAXITER
            return 0
        if fabs(hi - lo) <= EPS * (fabs(lo) + fabs(hi)) or \
                fabs(hi - lo) * fabs(d0) <= EPS * fabs(phi0):
            out.status = LS_INTERVAL
            return 0
        if isfinite(f_hi) and isfinite(d_hi):
            t = cubic_min(lo, f_lo, d_lo, hi, f_hi, d_hi)
        else:
            t = 0.5 * (lo + hi)
        t = safeguard(t, lo, hi, 0.1)
        _eval(pr, out, t, &f, &d)
        if not (isfinite(f) and isfinite(d)) or not _armijo(t, f, phi0, c1, d0) or f >= f_lo:
            hi, f_hi, d_hi = t, f, d
            continue
        out.alpha, out.phi, out.dphi = t, f, d
        if fabs(d) <= -c2 * d0:
            out.status = LS_OK
            return 0
        if d * (hi - lo) >= 0.0:
            hi, f_hi, d_hi = lo, f_lo, d_lo
        lo, f_lo, d_lo = t, f, d


def run(phi, double phi0, double dphi0, double c1=1e-4, double c2=0.9,
        double alpha0=1.0, double alpha_max=INFINITY, int maxiter=30):
    """Run the search on a Python ``phi(alpha, want_dphi) -> (phi, dphi)`` (tests).

    Returns a dict with ``alpha, phi, dphi, nfev, ngev, status``.
    """
    return run_search(strong_wolfe, phi, phi0, dphi0, c1, c2, alpha0, alpha_max, maxiter)
