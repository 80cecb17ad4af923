# cython: language_level=3
"""Backtracking line search: Armijo's condition with safeguarded interpolation.

Trial steps shrink from ``alpha0`` until ``phi(alpha) <= phi(0) + c1 alpha
phi'(0)``: the first backtrack minimises the quadratic through ``phi(0)``,
``phi'(0)`` and ``phi(alpha)``, later ones the cubic through ``phi(0)``,
``phi'(0)`` and the last two trials (Nocedal and Wright 2006, section 3.5;
Dennis and Schnabel 1983, section 6.3), kept in ``[0.1 alpha, 0.5 alpha]``.
Only values of ``phi`` are used. A trial where ``phi`` is not finite halves
the step (it is never accepted).

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
(2006), section 3.5. J. E. Dennis and R. B. Schnabel, *Numerical Methods
for Unconstrained Optimization and Nonlinear Equations*, Prentice-Hall
(1983), section 6.3.
"""
from libc.math cimport INFINITY, fabs, isfinite

from ._interp cimport cubic_min_ff, quad_min_fdf, safeguard
from ._ls_common cimport (LS_INTERVAL, LS_MAXITER, LS_NONFINITE,
                          LS_OK, LSParams, LSProblem, LSResult,
                          ls_alpha_max, ls_start, run_search)

cdef double EPS = 2.220446049250313e-16


cdef int backtracking(LSProblem* pr, LSParams* pm, LSResult* out) except -1:
    """Armijo backtracking; see the module docstring."""
    cdef double amax = ls_alpha_max(pm)
    cdef double phi0 = pr.phi0, d0 = pr.dphi0, c1 = pm.c1
    cdef double a = pm.alpha0, f = 0.0, a_prev = 0.0, f_prev = phi0, t
    cdef bint first = True
    if not ls_start(pr, pm, out):
        return 0
    if a > amax:
        a = amax
    while True:
        if out.nfev >= pm.maxiter:
            out.status = LS_MAXITER
            return 0
        pr.fn(pr.ctx, a, &f, NULL)
        out.nfev += 1
        if not isfinite(f):
            # back off until f is finite; a non-finite value is not a model point
            a *= 0.5
            if a * fabs(d0) <= EPS * fabs(phi0):
                out.status = LS_NONFINITE
                return 0
            continue
        if f <= phi0 + c1 * a * d0:
            out.alpha = a
            out.phi = f
            out.status = LS_OK
            return 0
        t = quad_min_fdf(0.0, phi0, d0, a, f) if first else \
            cubic_min_ff(phi0, d0, a_prev, f_prev, a, f)
        t = safeguard(t, 0.1 * a, 0.5 * a, 0.0)
        a_prev, f_prev, first = a, f, False
        a = t
        if a * fabs(d0) <= EPS * fabs(phi0):
            # the decrease asked for is below the rounding of phi(0)
            out.status = LS_INTERVAL
            return 0


def run(phi, double phi0, double dphi0, double c1=1e-4, double c2=0.9, double alpha0=1.0,
        double alpha_max=INFINITY, int maxiter=30):
    """Run the search on a Python ``phi(alpha, want_dphi) -> (phi, dphi)``.

    ``c2`` is accepted for a uniform call and not used (Armijo only).

    Returns a dict with ``alpha, phi, dphi, nfev, ngev, status``.
    """
    return run_search(backtracking, phi, phi0, dphi0, c1, c2, alpha0, alpha_max, maxiter)
