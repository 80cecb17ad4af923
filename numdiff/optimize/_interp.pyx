# cython: language_level=3, cdivision=True
"""Polynomial interpolation steps for line searches.

(``cdivision`` also in debug builds: every denominator is checked for zero
first, and these ``nogil`` functions must never raise.)

Every line search of numdiff picks its trial steps from these, so they are
one tested unit. All return the minimiser of the model on the real line, or
``nan`` where the model has none (a concave quadratic, a cubic without a
local minimum, coincident points); the callers safeguard the result into
their bracket with :func:`safeguard`.

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
(2006), section 3.5 (equations 3.57-3.59).
J. J. Moré and D. J. Thuente, "Line search algorithms with guaranteed
sufficient decrease", ACM Trans. Math. Softw. 20 (1994), 286-307.
"""
from libc.math cimport NAN, fabs, sqrt, isfinite, copysign


cdef double quad_min_fdf(double a, double fa, double da, double b,
                         double fb) noexcept nogil:
    """Minimiser of the quadratic through ``(a, fa)`` with slope ``da`` and ``(b, fb)``."""
    cdef double h = b - a
    if h == 0.0:
        return NAN
    cdef double c = (fb - fa - da * h) / (h * h)
    if not (c > 0.0) or not isfinite(c):
        return NAN
    return a - da / (2.0 * c)


cdef double quad_min_dd(double a, double da, double b, double db) noexcept nogil:
    """Secant step: the zero of the line through ``(a, da)`` and ``(b, db)``."""
    cdef double s = db - da
    if s == 0.0 or not isfinite(s):
        return NAN
    return a - da * (b - a) / s


cdef double cubic_min(double a, double fa, double da, double b, double fb,
                      double db) noexcept nogil:
    """Minimiser of the cubic with values ``fa, fb`` and slopes ``da, db`` at ``a, b``.

    The Hermite cubic ``fa + da s + c2 s^2 + c3 s^3`` in ``s = t - a``; its
    local minimum is the root of ``da + 2 c2 s + 3 c3 s^2`` with positive
    curvature, taken in the form without cancellation (the textbook
    closed form, Nocedal and Wright eq. 3.59, divides 0 by 0 when that
    root is the midpoint of a symmetric bracket). ``nan`` when the cubic
    has no local minimum.
    """
    cdef double h = b - a
    if h == 0.0:
        return NAN
    cdef double q = (fb - fa) / h
    cdef double c2 = (3.0 * q - 2.0 * da - db) / h
    cdef double c3 = (da + db - 2.0 * q) / (h * h)
    cdef double disc, r, sroot
    if c3 == 0.0:
        return a - da / (2.0 * c2) if c2 > 0.0 else NAN
    disc = c2 * c2 - 3.0 * c3 * da
    if not (disc > 0.0) or not isfinite(disc):
        return NAN          # no critical point, or an inflection (no minimum)
    r = sqrt(disc)
    if c2 >= 0.0:
        if c2 + r == 0.0:
            return NAN
        sroot = -da / (c2 + r)
    else:
        sroot = (-c2 + r) / (3.0 * c3)
    sroot = a + sroot
    return sroot if isfinite(sroot) else NAN


cdef double cubic_min_ff(double f0, double d0, double a1, double f1, double a2,
                         double f2) noexcept nogil:
    """Minimiser of the cubic through ``(0, f0)`` with slope ``d0``, ``(a1, f1)`` and ``(a2, f2)``.

    The backtracking model of Nocedal and Wright (eq. 3.58): two trial
    values and the data at 0, no derivatives at the trials. ``nan`` when the
    cubic has no local minimum.
    """
    if a1 == 0.0 or a2 == 0.0 or a1 == a2:
        return NAN
    cdef double r1 = (f1 - f0 - d0 * a1) / (a1 * a1)
    cdef double r2 = (f2 - f0 - d0 * a2) / (a2 * a2)
    cdef double c3 = (r2 - r1) / (a2 - a1)          # cubic coefficient
    cdef double c2 = (a2 * r1 - a1 * r2) / (a2 - a1)  # quadratic coefficient
    cdef double disc
    if c3 == 0.0:
        return -d0 / (2.0 * c2) if c2 > 0.0 else NAN
    disc = c2 * c2 - 3.0 * c3 * d0
    if not (disc >= 0.0) or not isfinite(disc):
        return NAN
    # the root of 3 c3 t^2 + 2 c2 t + d0 with positive second derivative,
    # written to avoid cancellation
    cdef double t
    if c2 >= 0.0:
        if c2 + sqrt(disc) == 0.0:
            return NAN
        t = -d0 / (c2 + sqrt(disc))
    else:
        t = (-c2 + sqrt(disc)) / (3.0 * c3)
    return t if isfinite(t) else NAN


cdef double safeguard(double t, double lo, double hi, double frac) noexcept nogil:
    """``t`` kept at least ``frac`` of the interval away from its ends.

    ``lo`` and ``hi`` may come in either order; a ``nan`` ``t`` becomes the
    midpoint (bisection).
    """
    cdef double a = lo if lo < hi else hi
    cdef double b = hi if lo < hi else lo
    cdef double m = frac * (b - a)
    if not isfinite(t):
        return 0.5 * (a + b)
    if t < a + m:
        return a + m
    if t > b - m:
        return b - m
    return t


# ------------------------------------------------- Python access (tests)
def py_quad_min_fdf(double a, double fa, double da, double b, double fb):
    """Python access to ``quad_min_fdf`` (for the tests)."""
    return quad_min_fdf(a, fa, da, b, fb)


def py_quad_min_dd(double a, double da, double b, double db):
    """Python access to ``quad_min_dd`` (for the tests)."""
    return quad_min_dd(a, da, b, db)


def py_cubic_min(double a, double fa, double da, double b, double fb, double db):
    """Python access to ``cubic_min`` (for the tests)."""
    return cubic_min(a, fa, da, b, fb, db)


def py_cubic_min_ff(double f0, double d0, double a1, double f1, double a2, double f2):
    """Python access to ``cubic_min_ff`` (for the tests)."""
    return cubic_min_ff(f0, d0, a1, f1, a2, f2)


def py_safeguard(double t, double lo, double hi, double frac):
    """Python access to ``safeguard`` (for the tests)."""
    return safeguard(t, lo, hi, frac)
