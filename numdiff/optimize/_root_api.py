"""``nd.root``: compiled Newton and Broyden root finders with honest flags."""
import numpy as np
from scipy.optimize import OptimizeResult

from .. import _validate as V
from . import _root
from ._minimize import DERIVATIVE_METHODS, _Derivative, _real, _start

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
        recognised by its condition number or by linear convergence: for
        Newton, each of the last three iterations reduced ``norm(F)`` by
        less than a factor 20 at a steady rate, where a simple root gives
        quadratic convergence; for Broyden, whose approximation can converge
        slowly anyway, the Jacobian is evaluated at the root (one more call
        of ``jac`` and of ``fun``) and one Newton step with it, not taken,
        must reduce ``norm(F)`` by a factor 20.

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
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {list(ROOT_METHODS)}; got "
                        f"{type(method).__name__}")
    if method.lower() not in ROOT_METHODS:
        raise ValueError(f"method must be one of {list(ROOT_METHODS)}; got {method!r}")
    x = _start(x0)
    n = x.shape[0]
    if not isinstance(args, tuple):
        args = (args,)
    if options is not None and not isinstance(options, dict):
        raise TypeError(f"options must be a dict; got {type(options).__name__}")
    opts = {} if options is None else dict(options)
    bad = set(opts) - _OPTIONS
    if bad:
        raise ValueError(f"unknown options {sorted(bad)}; accepted: {sorted(_OPTIONS)}")
    tol = 1e-10 if tol is None else _real(tol, "tol", 0.0, allow_none=False)
    xtol = _real(opts.get("xtol"), "options['xtol']", 0.0)
    maxiter = max(200, 50 * n) if maxiter is None else V.check_int(maxiter, "maxiter", 0,
                                                                      2 ** 62)
    maxfev = opts.get("maxfev")
    maxfev = min(100 * max(maxiter, 10), 2 ** 62) if maxfev is None else V.check_int(
        maxfev, "options['maxfev']", 1, 2 ** 62)
    if callback is not None:
        V.check_callable(callback, "callback")
    if not (callable(jac) or jac is None
            or (isinstance(jac, str) and jac.lower() in DERIVATIVE_METHODS)):
        raise (TypeError if not isinstance(jac, str) else ValueError)(
            f"jac must be a callable, None or one of {list(DERIVATIVE_METHODS)}; "
            f"got {jac!r}")
    workers = opts.get("workers")
    if workers is None:
        return _solve(fun, x, method.lower(), jac, args, n, tol, xtol, maxiter, maxfev,
                      callback, opts, None)
    from .._workers import check_workers, mapper
    with mapper(check_workers(workers)) as mapfn:
        return _solve(fun, x, method.lower(), jac, args, n, tol, xtol, maxiter, maxfev,
                      callback, opts, mapfn)


def _solve(fun, x, method, jac, args, n, tol, xtol, maxiter, maxfev, callback, opts, mapfn):
    sys = _root.System(fun, None, args, n)
    if callable(jac):
        sys.jac = jac
    else:
        sys.jac = _Derivative("jacobian", sys, fun, False, mapfn,
                              method="central" if jac is None else jac.lower())
    cb = None
    if callback is not None:
        def cb(xk, Fk, nit, alpha):
            callback(OptimizeResult(x=xk.copy(), fun=Fk.copy(), nit=nit, step=alpha))
    status, F, nit, rcond, J, hist = _root.run(
        sys, x, method == "broyden", tol, 0.0 if xtol is None else xtol,
        maxiter, maxfev, cb)
    fn = float(np.max(np.abs(F)))
    if status <= 1 and method == "broyden":
        # Broyden's matrix is an approximation, and its superlinear phase can
        # look linear: judge the root by the Jacobian itself
        J = sys.jac(x.copy(), *args)
        sys.njev += 1
        J = np.asarray(J.toarray() if hasattr(J, "toarray") else J, dtype=float)
        try:
            rcond = 1.0 / np.linalg.cond(J, 1) if np.all(np.isfinite(J)) else 0.0
        except np.linalg.LinAlgError:
            rcond = 0.0
        # one Newton step with that Jacobian (not taken): at a simple root it
        # squares |F|, at a singular one it only shrinks it by a factor
        hist = ()
        # (not when F is at the level of its rounding, where no step helps)
        level = 1e3 * np.finfo(float).eps * np.max(np.abs(J)) * max(np.max(np.abs(x)), 1.0)
        if rcond > 0 and fn > level:
            with np.errstate(all="ignore"):
                step = np.linalg.solve(J, F)
                F1 = np.asarray(fun(x - step, *args), dtype=float)
            sys.nfev += 1
            hist = (np.nan, np.nan, fn, float(np.max(np.abs(F1))))
    singular = bool(status <= 1 and J is not None
                    and (not rcond >= np.sqrt(np.finfo(float).eps)
                         or (_newton_ratio(hist) if method == "broyden" else _linear(hist))))
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


def _newton_ratio(hist):
    """Broyden: the test Newton step reduced norm(F) by less than a factor 20."""
    if len(hist) < 4 or not (hist[2] > 0) or not np.isfinite(hist[3]):
        return False
    return bool(hist[3] >= 0.05 * hist[2])


def _linear(hist):
    """Linear convergence over the last three iterations, the signature of a
    singular Jacobian at the root: each decrease of norm(F) by less than a
    factor 20, and the three ratios within a factor 3 of each other (Newton
    and Broyden converge superlinearly to a simple root: their ratios keep
    falling)."""
    h = np.asarray(hist, dtype=float)
    if h.size < 4 or not np.all(np.isfinite(h)) or np.any(h[:-1] <= 0):
        return False
    r = h[1:] / h[:-1]
    return bool(np.all((r >= 0.05) & (r < 1.0)) and r.max() <= 3.0 * r.min())


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
