"""``nd.root``: compiled Newton and Broyden root finders with honest flags."""
import numpy as np
from scipy.optimize import OptimizeResult

from .. import _validate as V
from . import _root
from ._minimize import DERIVATIVE_METHODS, _real, _start

__all__ = ["root", "ROOT_STATUS"]

ROOT_METHODS = ("newton", "broyden")
#: ``status`` -> meaning. Codes 0 and 1 are successes: a stated test held.
ROOT_STATUS = {
    0: "norm(F, inf) <= tol",
    1: "xtol test: the relative step fell to xtol (only with xtol given)",
    2: "the maximum number of iterations was reached",
    3: "the maximum number of evaluations of fun was reached",
    4: "|F| could not be decreased along the step: a local minimum of |F|^2 that "
       "is not a root (there may be no real root nearby), or rounding",
    5: "fun or the Jacobian is not finite",
    6: "the callback raised StopIteration",
}
_OPTIONS = {"xtol", "maxfev", "workers", "disp"}


def _jacobian_by(method, fun, workers, sys):
    from ..differentiate import jacobian

    def jac(x, *args):
        J, info = jacobian(fun, x, method=method, args=args, full_output=True,
                           workers=workers)
        sys.extra_nfev += info.nfev
        return J
    return jac


def root(fun, x0, *, method="newton", jac=None, args=(), tol=None, maxiter=None,
         callback=None, options=None):
    """Find a root of a system of ``n`` equations in ``n`` unknowns.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> F`` with ``x`` and ``F`` vectors of the same size
        (``x`` is a fresh 1-D float64 array at every call).
    x0 : array_like
        Starting point: a real vector (a scalar is one unknown).
    method : {"newton", "broyden"}, optional
        * ``"newton"`` (default): damped Newton. The step solves
          ``J p = -F`` by LU (LAPACK); when ``J`` is singular or its
          reciprocal condition number is below ``n eps``, the regularised
          least-squares step ``(J'J + mu I) p = -J'F`` is used instead. A
          backtracking line search on ``|F|^2 / 2`` chooses the step length
          (Dennis & Schnabel 1983, chapter 6).
        * ``"broyden"``: Broyden's good method: the Jacobian from ``x0``,
          then rank-one updates (Broyden 1965); one Jacobian per restart
          instead of one per iteration. A step that does not decrease
          ``|F|`` refreshes the Jacobian and is retried.
    jac : callable, str or None, optional
        ``jac(x, *args) -> (n, n)`` array (dense or ``scipy.sparse``), or a
        method of :func:`numdiff.jacobian`: ``"central"`` (the default,
        ``None``), ``"forward"``, ``"complex"`` or ``"dual"``. Evaluations of
        ``fun`` made by a numerical Jacobian are counted in ``nfev``.
    args : tuple, optional
        Extra arguments of ``fun`` and ``jac``.
    tol : float, optional
        Success when ``norm(F, inf) <= tol`` (default ``1e-10``).
    maxiter : int, optional
        Iterations at most (default ``max(200, 50 n)``).
    callback : callable, optional
        ``callback(intermediate_result)`` after every iteration with an
        :class:`~scipy.optimize.OptimizeResult` holding ``x``, ``fun`` (the
        residual vector), ``nit`` and ``step``. ``StopIteration`` ends the
        solve with the current point and ``status=6``.
    options : dict, optional
        ``xtol`` (an extra success test on the relative step, off by
        default), ``maxfev`` (default ``100 * maxiter``), ``workers``
        (passed to a numerical Jacobian), ``disp`` (print the message).

    Returns
    -------
    OptimizeResult
        ``x``, ``fun`` (``F(x)``), ``jac`` (the last Jacobian or Broyden
        approximation factorised, at or next to ``x``), ``nit, nfev, njev,
        status, success, message`` and ``rcond``, the reciprocal condition
        number of that Jacobian (0 when singular). ``success`` is True only
        for statuses 0 and 1; when the Jacobian is singular or nearly so
        (``rcond < sqrt(eps)``) at a root, ``message`` says so and
        ``singular`` is True: the root is not simple and ``x`` may be
        accurate only to about ``sqrt(tol)``. A singular Jacobian is
        recognised by its condition number or by linear convergence (each
        of the last three iterations reduced ``norm(F)`` by less than a
        factor 20, where a simple root gives superlinear convergence).

        =====  ==================================================
        0      ``norm(F, inf) <= tol``
        1      the xtol test (only with ``options["xtol"]``)
        2      ``maxiter`` reached
        3      ``maxfev`` reached
        4      no decrease of ``|F|`` along the step: a local
               minimum of ``|F|^2`` that is not a root, or rounding
        5      ``fun`` or the Jacobian not finite
        6      the callback raised ``StopIteration``
        =====  ==================================================

    See Also
    --------
    minimize, scipy.optimize.root

    References
    ----------
    .. [1] J. E. Dennis and R. B. Schnabel, *Numerical Methods for
       Unconstrained Optimization and Nonlinear Equations*, Prentice-Hall,
       1983 (SIAM 1996).
    .. [2] C. G. Broyden, "A class of methods for solving nonlinear
       simultaneous equations", *Math. Comp.* 19 (1965) 577-593.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> def F(x):
    ...     return np.array([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]])
    >>> res = nd.root(F, [1.0, 0.5])
    >>> res.success, np.round(res.x, 12)
    (True, array([1.41421356, 1.41421356]))

    ``x^2 + 1 = 0`` has no real root; the solver says so rather than
    claiming one:

    >>> res = nd.root(lambda x: x ** 2 + 1.0, 0.5)
    >>> res.success, res.status
    (False, 4)
    """
    V.check_callable(fun, "fun")
    if not isinstance(method, str) or method.lower() not in ROOT_METHODS:
        raise ValueError(f"method must be one of {list(ROOT_METHODS)}; got {method!r}")
    x = _start(x0)
    n = x.shape[0]
    if not isinstance(args, tuple):
        args = (args,)
    opts = {} if options is None else dict(options)
    bad = set(opts) - _OPTIONS
    if bad:
        raise ValueError(f"unknown options {sorted(bad)}; accepted: {sorted(_OPTIONS)}")
    tol = 1e-10 if tol is None else _real(tol, "tol", 0.0, allow_none=False)
    xtol = _real(opts.get("xtol"), "options['xtol']", 0.0)
    maxiter = max(200, 50 * n) if maxiter is None else V.check_int(maxiter, "maxiter", 0)
    maxfev = opts.get("maxfev")
    maxfev = 100 * max(maxiter, 10) if maxfev is None else V.check_int(
        maxfev, "options['maxfev']", 1)
    if callback is not None:
        V.check_callable(callback, "callback")
    sys = _root.System(fun, None, args, n)
    if callable(jac):
        sys.jac = jac
    elif jac is None or (isinstance(jac, str) and jac.lower() in DERIVATIVE_METHODS):
        sys.jac = _jacobian_by("central" if jac is None else jac.lower(), fun,
                               opts.get("workers"), sys)
    else:
        raise (TypeError if not isinstance(jac, str) else ValueError)(
            f"jac must be a callable, None or one of {list(DERIVATIVE_METHODS)}; "
            f"got {jac!r}")
    cb = None
    if callback is not None:
        def cb(xk, Fk, nit, alpha):
            callback(OptimizeResult(x=xk.copy(), fun=Fk.copy(), nit=nit, step=alpha))
    status, F, nit, rcond, regularised, J, hist = _root.run(
        sys, x, method.lower() == "broyden", tol, 0.0 if xtol is None else xtol,
        maxiter, maxfev, cb)
    fn = float(np.max(np.abs(F)))
    singular = bool(status <= 1 and J is not None
                    and (not rcond >= np.sqrt(np.finfo(float).eps) or _linear(hist)))
    msg = _message(status, fn, tol, xtol, maxiter, maxfev)
    if singular:
        msg += (f"; the Jacobian is singular or nearly so at the root (reciprocal "
                f"condition number {rcond:.2g}): the root is not simple and x may be "
                "accurate only to about sqrt(tol)")
    res = OptimizeResult(x=x, fun=F, jac=J, nit=nit, nfev=sys.nfev + sys.extra_nfev,
                         njev=sys.njev, status=status, success=status <= 1, message=msg,
                         rcond=float(rcond), singular=singular)
    if opts.get("disp"):
        print(msg)
    return res


def _linear(hist):
    """The last three decreases of norm(F) were each by less than a factor
    20: linear convergence, the signature of a singular Jacobian at the root
    (Newton and Broyden converge superlinearly to a simple root)."""
    h = np.asarray(hist, dtype=float)
    if not np.all(np.isfinite(h)) or np.any(h[:-1] <= 0):
        return False
    r = h[1:] / h[:-1]
    return bool(np.all((r >= 0.05) & (r < 1.0)))


def _message(status, fn, tol, xtol, maxiter, maxfev):
    tail = f"; norm(F, inf) = {fn:.3g} (tol = {tol:g})"
    if status == 0:
        return f"norm(F, inf) = {fn:.3g} <= tol = {tol:g}"
    if status == 1:
        return f"xtol test: the relative step fell to xtol = {xtol:g}" + tail
    if status == 2:
        return f"maximum number of iterations reached (maxiter = {maxiter})" + tail
    if status == 3:
        return f"maximum number of evaluations reached (maxfev = {maxfev})" + tail
    if status == 4:
        return ("|F| could not be decreased along the step: x is near a local minimum "
                "of |F|^2 that is not a root (there may be no real root nearby), or "
                "rounding limits F" + tail)
    if status == 5:
        return "fun or the Jacobian is not finite; x is the last point where F was finite"
    return "stopped by the callback (StopIteration)" + tail
