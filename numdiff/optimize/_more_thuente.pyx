# cython: language_level=3, cdivision=True
"""The Moré-Thuente line search (ACM TOMS 20, 1994).

Finds a step satisfying the strong Wolfe conditions

    phi(a) <= phi(0) + c1 a phi'(0)   and   |phi'(a)| <= c2 |phi'(0)|

by keeping an interval ``[stx, sty]`` that (once bracketed) contains such a
step and choosing every trial with the safeguarded cubic/quadratic step of
the paper's four cases. While no trial has yet shown both sufficient
decrease and a non-negative slope, the steps are chosen on the auxiliary
function ``psi(a) = phi(a) - phi(0) - c1 a phi'(0)`` (stage 1), which is
what makes the search converge to a step with sufficient decrease. When the
bracket shrinks too slowly (less than a third in two steps) it is bisected.

(``cdivision`` also in debug builds: every division below is by a quantity
the algorithm keeps away from zero, and these functions run without the
GIL.)

A trial whose predicted (first-order) change of ``phi``, ``alpha
|phi'(0)|``, is below ``FNOISE |phi(0)|``, the rounding of ``phi``, cannot
show sufficient decrease; it is accepted on the approximate Wolfe
conditions of Hager and Zhang (2005), ``c2 phi'(0) <= phi'(alpha) <=
(1 - 2 c1) |phi'(0)|``, with ``phi(alpha)`` at most ``FNOISE |phi(0)|``
above ``phi(0)``.

A trial where ``phi`` or ``phi'`` is not finite is never used as a model
point: the step is halved towards the best point so far and the largest
allowed step lowered to it.

References
----------
J. J. Moré and D. J. Thuente, "Line search algorithms with guaranteed
sufficient decrease", ACM Trans. Math. Softw. 20 (1994), 286-307.
W. W. Hager and H. Zhang, "A new conjugate gradient method with guaranteed
descent and an efficient line search", SIAM J. Optim. 16 (2005), 170-192.
"""
from libc.math cimport INFINITY, fabs, isfinite, sqrt

from ._ls_common cimport (LS_ARMIJO, LS_CURVATURE, LS_INTERVAL, LS_MAXITER, LS_NONFINITE,
                          LS_OK, LSParams, LSProblem, LSResult,
                          ls_alpha_max, ls_start, run_search)

cdef double EPS = 2.220446049250313e-16
#: relative width below which the bracket is too small to go on
cdef double XTOL = 1e-14
#: relative rounding of f below which changes of f are not measured
cdef double FNOISE = 10.0 * EPS


cdef struct _Step:
    double stx, fx, dx, sty, fy, dy
    bint brackt


cdef inline double _max3(double a, double b, double c) noexcept nogil:
    cdef double m = a if a > b else b
    return m if m > c else c


cdef inline double _gamma(double theta, double da, double db) noexcept nogil:
    """``sqrt(theta**2 - da db)`` (0 when negative), scaled against overflow."""
    cdef double sc = _max3(fabs(theta), fabs(da), fabs(db))
    cdef double t = (theta / sc) * (theta / sc) - (da / sc) * (db / sc)
    return sc * sqrt(t if t > 0.0 else 0.0)


cdef double _next_step(_Step* s, double stp, double fp, double dp, double stpmin,
                       double stpmax) noexcept nogil:
    """One safeguarded step of the paper's four cases; updates the interval."""
    cdef double sgnd = dp * (1.0 if s.dx > 0 else -1.0)
    cdef double theta, gamma, p, q, r, stpc, stpq, stpf, t
    if fp > s.fx:
        # case 1: a higher value; the minimum is bracketed. Cubic, or halfway
        # towards the quadratic when the cubic step is the farther one.
        theta = 3.0 * (s.fx - fp) / (stp - s.stx) + s.dx + dp
        gamma = _gamma(theta, s.dx, dp)
        if stp < s.stx:
            gamma = -gamma
        p = (gamma - s.dx) + theta
        q = ((gamma - s.dx) + gamma) + dp
        r = p / q
        stpc = s.stx + r * (stp - s.stx)
        stpq = s.stx + ((s.dx / ((s.fx - fp) / (stp - s.stx) + s.dx)) / 2.0) * (stp - s.stx)
        if fabs(stpc - s.stx) < fabs(stpq - s.stx):
            stpf = stpc
        else:
            stpf = stpc + (stpq - stpc) / 2.0
        s.brackt = True
    elif sgnd < 0.0:
        # case 2: slopes of opposite signs; bracketed. Cubic or secant, the
        # one farther from stp.
        theta = 3.0 * (s.fx - fp) / (stp - s.stx) + s.dx + dp
        gamma = _gamma(theta, s.dx, dp)
        if stp > s.stx:
            gamma = -gamma
        p = (gamma - dp) + theta
        q = ((gamma - dp) + gamma) + s.dx
        r = p / q
        stpc = stp + r * (s.stx - stp)
        stpq = stp + (dp / (dp - s.dx)) * (s.stx - stp)
        stpf = stpc if fabs(stpc - stp) > fabs(stpq - stp) else stpq
        s.brackt = True
    elif fabs(dp) < fabs(s.dx):
        # case 3: a lower value, same slope sign, slope shrinking. The cubic
        # step only if it lies beyond stp in the right direction.
        theta = 3.0 * (s.fx - fp) / (stp - s.stx) + s.dx + dp
        gamma = _gamma(theta, s.dx, dp)
        if stp > s.stx:
            gamma = -gamma
        p = (gamma - dp) + theta
        q = (gamma + (s.dx - dp)) + gamma
        r = p / q
        if r < 0.0 and gamma != 0.0:
            stpc = stp + r * (s.stx - stp)
        elif stp > s.stx:
            stpc = stpmax
        else:
            stpc = stpmin
        stpq = stp + (dp / (dp - s.dx)) * (s.stx - stp)
        if s.brackt:
            stpf = stpc if fabs(stpc - stp) < fabs(stpq - stp) else stpq
            if stp > s.stx:
                t = stp + 0.66 * (s.sty - stp)
                stpf = stpf if stpf < t else t
            else:
                t = stp + 0.66 * (s.sty - stp)
                stpf = stpf if stpf > t else t
        else:
            stpf = stpc if fabs(stpc - stp) > fabs(stpq - stp) else stpq
            stpf = stpf if stpf < stpmax else stpmax
            stpf = stpf if stpf > stpmin else stpmin
    else:
        # case 4: a lower value, same slope sign, slope not shrinking
        if s.brackt:
            theta = 3.0 * (fp - s.fy) / (s.sty - stp) + s.dy + dp
            gamma = _gamma(theta, s.dy, dp)
            if stp > s.sty:
                gamma = -gamma
            p = (gamma - dp) + theta
            q = ((gamma - dp) + gamma) + s.dy
            r = p / q
            stpf = stp + r * (s.sty - stp)
        elif stp > s.stx:
            stpf = stpmax
        else:
            stpf = stpmin
    # the interval keeps the best point as stx
    if fp > s.fx:
        s.sty, s.fy, s.dy = stp, fp, dp
    else:
        if sgnd < 0.0:
            s.sty, s.fy, s.dy = s.stx, s.fx, s.dx
        s.stx, s.fx, s.dx = stp, fp, dp
    return stpf


cdef int more_thuente(LSProblem* pr, LSParams* pm, LSResult* out) except -1:
    """The Moré-Thuente search; see the module docstring."""
    cdef double amax = ls_alpha_max(pm)
    cdef double finit = pr.phi0, ginit = pr.dphi0, c1 = pm.c1, c2 = pm.c2
    cdef double gtest = c1 * ginit, stp = pm.alpha0, stpmin = 0.0, stpmax = amax
    cdef double f = 0.0, g = 0.0, ftest, stmin, stmax, width, width1
    cdef double fm, fxm, fym, gm, gxm, gym
    cdef int stage = 1
    cdef _Step s
    if not ls_start(pr, pm, out):
        return 0
    if stp > stpmax:
        stp = stpmax
    s.stx, s.fx, s.dx = 0.0, finit, ginit
    s.sty, s.fy, s.dy = 0.0, finit, ginit
    s.brackt = False
    width = stpmax - stpmin
    width1 = 2.0 * width
    stmin = 0.0
    stmax = stp + 4.0 * stp
    while True:
        if out.nfev >= pm.maxiter:
            out.status = LS_MAXITER
            return 0
        pr.fn(pr.ctx, stp, &f, &g)
        out.nfev += 1
        out.ngev += 1
        if not (isfinite(f) and isfinite(g)):
            # too long: halve towards the best point, never beyond this step
            stpmax = stp
            stp = s.stx + 0.5 * (stp - s.stx)
            if fabs(stp - s.stx) * fabs(ginit) <= EPS * fabs(finit):
                out.status = LS_NONFINITE if out.alpha == 0.0 else LS_INTERVAL
                return 0
            continue
        ftest = finit + stp * gtest
        if f <= ftest and (out.alpha == 0.0 or f < out.phi):
            out.alpha, out.phi, out.dphi = stp, f, g      # best sufficient decrease
        if f <= ftest and fabs(g) <= -c2 * ginit:
            out.alpha, out.phi, out.dphi = stp, f, g
            out.status = LS_OK
            return 0
        if (fabs(stp * ginit) <= FNOISE * fabs(finit)
                and f <= finit + FNOISE * fabs(finit)
                and c2 * ginit <= g <= (1.0 - 2.0 * c1) * -ginit):
            # the change the step predicts for f is below f's rounding: the
            # approximate Wolfe conditions (Hager and Zhang 2005) judge it
            # by its slope, and f must only not rise beyond its rounding
            out.alpha, out.phi, out.dphi = stp, f, g
            out.status = LS_OK
            return 0
        if stage == 1 and f <= ftest and g >= 0.0:
            stage = 2
        if s.brackt and (stp <= stmin or stp >= stmax):
            out.status = LS_INTERVAL                      # rounding prevents progress
            return 0
        if s.brackt and stmax - stmin <= XTOL * stmax:
            out.status = LS_INTERVAL
            return 0
        if stp >= stpmax and f <= ftest and g <= gtest:
            out.status = LS_CURVATURE                     # still descending at alpha_max
            return 0
        if stp <= stpmin and (f > ftest or g >= gtest):
            out.status = LS_ARMIJO
            return 0
        if stage == 1 and f <= s.fx and f > ftest:
            # the auxiliary function psi while no step has shown both
            # sufficient decrease and a non-negative slope
            fm, fxm, fym = f - stp * gtest, s.fx - s.stx * gtest, s.fy - s.sty * gtest
            gm, gxm, gym = g - gtest, s.dx - gtest, s.dy - gtest
            s.fx, s.dx, s.fy, s.dy = fxm, gxm, fym, gym
            stp = _next_step(&s, stp, fm, gm, stmin, stmax)
            s.fx = s.fx + s.stx * gtest
            s.fy = s.fy + s.sty * gtest
            s.dx = s.dx + gtest
            s.dy = s.dy + gtest
        else:
            stp = _next_step(&s, stp, f, g, stmin, stmax)
        if s.brackt:
            # bisect when the bracket shrinks too slowly
            if fabs(s.sty - s.stx) >= 0.66 * width1:
                stp = s.stx + 0.5 * (s.sty - s.stx)
            width1 = width
            width = fabs(s.sty - s.stx)
        if s.brackt:
            stmin = s.stx if s.stx < s.sty else s.sty
            stmax = s.sty if s.stx < s.sty else s.stx
        else:
            stmin = stp + 1.1 * (stp - s.stx)
            stmax = stp + 4.0 * (stp - s.stx)
        stp = stp if stp > stpmin else stpmin
        stp = stp if stp < stpmax else stpmax
        if s.brackt and (stp <= stmin or stp >= stmax or stmax - stmin <= XTOL * stmax):
            stp = s.stx


def run(phi, double phi0, double dphi0, double c1=1e-4, double c2=0.9,
        double alpha0=1.0, double alpha_max=INFINITY, int maxiter=30):
    """Run the search on a Python ``phi(alpha, want_dphi) -> (phi, dphi)`` (tests).

    Returns a dict with ``alpha, phi, dphi, nfev, ngev, status``.
    """
    return run_search(more_thuente, phi, phi0, dphi0, c1, c2, alpha0, alpha_max, maxiter)
