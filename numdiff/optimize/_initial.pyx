# cython: language_level=3, cdivision=True
"""Initial-step rules: the first trial step of a line search.

The searches take ``alpha0`` as given; where it comes from is the solver's
choice, so the rules live here (Nocedal and Wright 2006, section 3.5;
Hager and Zhang 2006):

* ``unit_step``: 1, for Newton and quasi-Newton methods, whose natural step
  is accepted near the solution;
* ``quadratic_step``: the minimiser of the quadratic through
  ``f_prev -> f_k`` with the current slope, ``2 (f_k - f_prev) / phi'(0)``,
  times 1.01 and at most 1 (Nocedal and Wright, eq. 3.60), for
  steepest-descent and conjugate-gradient methods;
* ``slope_scaled_step``: the previous step scaled by the ratio of slopes,
  ``alpha_prev phi'_prev(0) / phi'(0)`` (a first-order change of the
  directional derivative is matched);
* ``first_step``: the first iteration without history: ``0.01 |x|_inf /
  |g|_inf`` when ``x != 0``, else ``0.01 |f| / |g|_2^2``, else 1 (Hager and
  Zhang 2006, step I0).

(``cdivision`` also in debug builds: every denominator is checked.) All
return a positive finite step, or 1 when the data give none.

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
(2006), section 3.5. W. W. Hager and H. Zhang, "Algorithm 851: CG_DESCENT",
ACM Trans. Math. Softw. 32 (2006), 113-137.
"""
from libc.math cimport fabs, isfinite


cdef inline double _positive_or_one(double a) noexcept nogil:
    return a if (a > 0.0 and isfinite(a)) else 1.0


cdef double unit_step() noexcept nogil:
    return 1.0


cdef double quadratic_step(double f_k, double f_prev, double dphi0) noexcept nogil:
    if not (dphi0 < 0.0) or not isfinite(f_k) or not isfinite(f_prev):
        return 1.0
    cdef double a = 1.01 * 2.0 * (f_k - f_prev) / dphi0
    a = _positive_or_one(a)
    return a if a < 1.0 else 1.0


cdef double slope_scaled_step(double alpha_prev, double dphi_prev,
                              double dphi0) noexcept nogil:
    if dphi0 == 0.0:
        return 1.0
    return _positive_or_one(alpha_prev * dphi_prev / dphi0)


cdef double first_step(double x_inf, double f0, double g_inf, double g_2sq) noexcept nogil:
    if x_inf > 0.0 and g_inf > 0.0:
        return _positive_or_one(0.01 * x_inf / g_inf)
    if f0 != 0.0 and g_2sq > 0.0:
        return _positive_or_one(0.01 * fabs(f0) / g_2sq)
    return 1.0


def initial_step(rule, **data):
    """The first trial step of a line search by the rule ``rule``.

    Parameters
    ----------
    rule : {"unit", "quadratic", "slope-scaled", "first"}
        See the module docstring (``numdiff.optimize._initial``).
    **data : float
        ``"quadratic"``: ``f_k``, ``f_prev``, ``dphi0``; ``"slope-scaled"``:
        ``alpha_prev``, ``dphi_prev``, ``dphi0``; ``"first"``: ``x_inf``,
        ``f0``, ``g_inf``, ``g_2sq``.

    Returns
    -------
    float
        A positive finite step (1 when the data give none).

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer (2006), section 3.5.
    .. [2] W. W. Hager and H. Zhang, "Algorithm 851: CG_DESCENT", ACM Trans.
       Math. Softw. 32 (2006), 113-137.

    Examples
    --------
    >>> from numdiff.optimize import initial_step
    >>> initial_step("quadratic", f_k=1.0, f_prev=1.5, dphi0=-2.0)
    0.505
    >>> initial_step("first", x_inf=2.0, f0=1.0, g_inf=4.0, g_2sq=16.0)
    0.005
    """
    if rule == "unit":
        return unit_step()
    if rule == "quadratic":
        return quadratic_step(data["f_k"], data["f_prev"], data["dphi0"])
    if rule == "slope-scaled":
        return slope_scaled_step(data["alpha_prev"], data["dphi_prev"], data["dphi0"])
    if rule == "first":
        return first_step(data["x_inf"], data["f0"], data["g_inf"], data["g_2sq"])
    raise ValueError("rule must be one of 'unit', 'quadratic', 'slope-scaled', 'first'; "
                     f"got {rule!r}")
