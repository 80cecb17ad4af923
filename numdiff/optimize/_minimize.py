"""``nd.minimize``: compiled line-search minimisers with honest results."""
import math
import numbers

import numpy as np
from scipy.optimize import OptimizeResult

from .. import _validate as V
from . import _solvers

__all__ = ["minimize", "gradient_descent", "bfgs", "lbfgs", "newton", "STATUS"]

METHODS = {"gradient-descent": 0, "bfgs": 1, "lbfgs": 2, "newton": 3}
_ALIASES = {"gd": "gradient-descent", "steepest-descent": "gradient-descent",
            "l-bfgs": "lbfgs"}
#: Differentiation methods accepted as ``jac=`` / ``hess=`` strings.
DERIVATIVE_METHODS = ("central", "forward", "complex", "dual")

#: ``status`` -> meaning. Codes 0-2 are successes: a stated test held.
STATUS = {
    0: "first-order test: norm(g, inf) <= gtol",
    1: "ftol test: the relative decrease of f fell to ftol (only with ftol given)",
    2: "xtol test: the relative step fell to xtol (only with xtol given)",
    3: "the maximum number of iterations was reached",
    4: "the maximum number of evaluations of fun was reached",
    5: "no further progress: the line search found no lower point, or f and the "
       "gradient stopped decreasing (rounding)",
    6: "fun or its gradient is not finite",
    7: "the callback raised StopIteration",
}
_OPTIONS = {"memory", "c1", "c2", "workers", "disp", "hess_inv"}
_NO_OPTIONS = {}
_METHOD_KEYS = {**{m: m for m in METHODS}, **_ALIASES}


def _start(x0):
    """``x0`` as a fresh float64 vector (a scalar is one variable); the
    compiled loops check that it is finite."""
    if type(x0) is np.ndarray and x0.dtype.kind in "fiu":
        x = np.array(x0, dtype=np.float64, ndmin=1)
    else:
        try:
            x = np.array(x0, dtype=np.float64, ndmin=1)
        except (TypeError, ValueError):
            if np.iscomplexobj(np.asarray(x0)):
                raise TypeError("x0 must be real; got a complex array") from None
            raise TypeError("x0 must be an array of real numbers") from None
        if np.iscomplexobj(np.asarray(x0)):
            raise TypeError("x0 must be real; got a complex array")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty vector; got shape {x.shape}")
    return x


def _real(v, name, low=None, allow_none=True):
    if type(v) is float and (low is None or v >= low) and v < math.inf:
        return v
    if v is None and allow_none:
        return None
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(v).__name__}")
    v = float(v)
    if not math.isfinite(v) or (low is not None and not v >= low):
        raise ValueError(f"{name} must be a finite number >= {low}; got {v!r}")
    return v


class _Value:
    """``fun``'s value (the first item of a ``jac=True`` pair); picklable
    when ``fun`` is."""

    def __init__(self, fun, pair):
        self.fun, self.pair = fun, pair

    def __call__(self, x, *args):
        y = self.fun(x, *args)
        return y[0] if self.pair else y


class _Tally:
    """Counts the calls of ``fun`` made in this process."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self, x, *args):
        self.calls += 1
        return self.value(x, *args)


class _Derivative:
    """A derivative of ``fun`` by numdiff (``gradient`` or ``hessian``) with
    every call of ``fun`` added to the solver's ``nfev``.

    In-process calls are tallied; points sent to ``workers`` are counted by
    the map, which receives ``fun`` itself (so a process pool pickles the
    user's function, not the tally). Results equal the serial ones.
    """

    def __init__(self, which, obj, fun, pair, mapfn, **kw):
        self.which, self.obj, self.kw = which, obj, kw
        self.tally = _Tally(_Value(fun, pair))
        self.mapfn = mapfn

    def _map(self, func, points):
        from .._workers import FunctionCall
        points = list(points)
        self.obj.extra_nfev += len(points)
        if isinstance(func, FunctionCall) and func.f is self.tally:
            func = FunctionCall(self.tally.value, func.args, func.kwargs)
        return self.mapfn(func, points)

    def __call__(self, x, *args):
        from .. import differentiate
        fn = getattr(differentiate, self.which)
        before = self.tally.calls
        try:
            return fn(self.tally, x, args=args, workers=None if self.mapfn is None
                      else self._map, **self.kw)
        finally:
            self.obj.extra_nfev += self.tally.calls - before


class _CountedGrad:
    """The user's gradient callable, counted as ``njev`` (for a Hessian made
    by differences of the gradient)."""

    def __init__(self, obj, jac, pair):
        self.obj, self.jac, self.pair = obj, jac, pair

    def __call__(self, x, *args):
        self.obj.njev += 1
        if self.pair:
            self.obj.nfev += 1
            return self.jac(x, *args)[1]
        return self.jac(x, *args)


def minimize(fun, x0, *, method="bfgs", jac=None, hess=None, args=(), line_search=None,
             gtol=1e-6, ftol=None, xtol=None, maxiter=None, maxfev=None, callback=None,
             options=None):
    """Minimise a smooth function of several variables.

    A line-search method: at every iteration a search direction ``p`` (the
    negative gradient, a quasi-Newton or a Newton direction), then a step
    along it by one of the compiled line searches of :func:`line_search`.
    The iteration loop, the updates and the searches are compiled; the time
    spent outside ``fun`` and its derivatives is a few microseconds per
    iteration for small problems.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` with ``x`` a 1-D float64 array (a fresh
        array at every call). With ``jac=True`` it returns ``(f, g)``.
    x0 : array_like
        Starting point: a real vector (a scalar is taken as one variable).
    method : {"bfgs", "lbfgs", "newton", "gradient-descent"}, optional
        * ``"bfgs"``: quasi-Newton with the inverse-Hessian approximation
          scaled by ``s'y / y'y`` after the first step and updated in
          O(n^2) per iteration (Nocedal & Wright 2006, section 6.1);
        * ``"lbfgs"``: limited-memory BFGS, two-loop recursion over the last
          ``options["memory"]`` (default 10) pairs (Liu & Nocedal 1989);
        * ``"newton"``: the Newton step when the Hessian's Cholesky
          factorisation succeeds, otherwise the step of the Hessian with its
          eigenvalues replaced by their absolute values, floored at
          ``sqrt(eps)`` times the largest (Nocedal & Wright section 3.4),
          LAPACK through SciPy;
        * ``"gradient-descent"``: steepest descent (slow; a baseline).
    jac : callable, True, str or None, optional
        The gradient: a callable ``jac(x, *args)``; ``True`` when ``fun``
        returns ``(f, g)``; or a differentiation method of
        :func:`numdiff.gradient`: ``"central"`` (the default, ``None``),
        ``"forward"``, ``"complex"`` or ``"dual"``. Evaluations of ``fun``
        made by a numerical gradient are counted in ``nfev``.
    hess : callable, str or None, optional
        ``method="newton"`` only. A callable ``hess(x, *args)`` returning the
        ``(n, n)`` Hessian (dense or ``scipy.sparse``), or a method of
        :func:`numdiff.hessian`. ``None``: central differences of the
        gradient when ``jac`` is a callable or ``True``, otherwise the
        Hessian by ``jac``'s method (exact with ``"dual"``).
    args : tuple, optional
        Extra arguments of ``fun``, ``jac`` and ``hess``.
    line_search : {"more-thuente", "strong-wolfe", "hager-zhang", "backtracking"}, optional
        The step rule; default ``"more-thuente"`` (``c1 = 1e-4, c2 = 0.9``;
        change them with ``options``). Backtracking only ensures sufficient
        decrease, so quasi-Newton updates may be skipped with it.
    gtol : float, optional
        Success when ``norm(g, inf) <= gtol`` (default ``1e-6``).
    ftol, xtol : float, optional
        Extra stopping tests, off by default: success when the decrease of
        ``f`` is at most ``ftol * max(|f|, |f_prev|, 1)``, or the step at most
        ``xtol * (1 + norm(x))``. Each is reported by name when it fires;
        neither implies a small gradient.
    maxiter : int, optional
        Iterations at most (default ``max(1000, 200 n)``).
    maxfev : int, optional
        No evaluation of ``fun`` starts once ``maxfev`` calls have been made,
        counting those of numerical derivatives (a numerical derivative
        under way is completed). Default ``100 * max(maxiter, 10)``.
    callback : callable, optional
        ``callback(intermediate_result)`` after every iteration, with an
        :class:`~scipy.optimize.OptimizeResult` holding ``x, fun, jac, nit``
        and ``step`` (the accepted step length). Raising ``StopIteration``
        ends the solve with the current (best) point and ``status=7``.
    options : dict, optional
        ``memory`` (L-BFGS pairs, default 10), ``c1``, ``c2`` (line-search
        constants), ``workers`` (passed to numerical derivatives),
        ``hess_inv`` (BFGS: return the final inverse-Hessian approximation,
        default True), ``disp`` (print the message at the end).

    Returns
    -------
    OptimizeResult
        ``x, fun, jac`` (the gradient at ``x``), ``nit, nfev, njev, nhev,
        status, success, message``, ``hess_inv`` for BFGS, and
        ``line_search_status`` (the last line search's code, see
        :class:`LineSearchResult`). ``success`` is True only for statuses
        0-2, each a test that held at ``x``; ``message`` names it.

        =====  ==================================================
        0      ``norm(g, inf) <= gtol``
        1      the ftol test (only with ``ftol`` given)
        2      the xtol test (only with ``xtol`` given)
        3      ``maxiter`` reached
        4      ``maxfev`` reached
        5      no further progress: the line search found no lower
               point, or neither ``f`` nor ``norm(g)`` decreased in
               three iterations (rounding); the reason is in
               ``message`` and the best point is returned
        6      ``fun`` or its gradient not finite at ``x0`` (or the
               gradient at an accepted point)
        7      the callback raised ``StopIteration``
        =====  ==================================================

    See Also
    --------
    line_search, root, scipy.optimize.minimize

    Notes
    -----
    Every method is also a function usable as a SciPy method:
    ``scipy.optimize.minimize(fun, x0, method=numdiff.optimize.bfgs,
    jac=...)``.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006.
    .. [2] D. C. Liu and J. Nocedal, "On the limited memory BFGS method for
       large scale optimization", *Math. Programming* 45 (1989) 503-528.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> def rosen(x):
    ...     return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    >>> res = nd.minimize(rosen, [-1.2, 1.0], jac="dual")
    >>> res.success, np.round(res.x, 6), res.status
    (True, array([1., 1.]), 0)
    >>> res.message.startswith("first-order test: norm(g, inf) =")
    True
    """
    if not callable(fun):
        V.check_callable(fun, "fun")
    mkey = _METHOD_KEYS.get(method) if type(method) is str else None
    if mkey is None:
        if not isinstance(method, str):
            raise TypeError(f"method must be a string, one of {sorted(METHODS)}; "
                            f"got {type(method).__name__}")
        mkey = _ALIASES.get(method.lower(), method.lower())
        if mkey not in METHODS:
            raise ValueError(f"method must be one of {sorted(METHODS)}; got {method!r}")
    x = _start(x0)
    n = x.shape[0]
    if type(args) is not tuple:
        args = (args,)              # as scipy.optimize.minimize
    if options is None:
        opts = _NO_OPTIONS
    else:
        if not isinstance(options, dict):
            raise TypeError(f"options must be a dict; got {type(options).__name__}")
        opts = dict(options)
        bad = set(opts) - _OPTIONS
        if bad:
            raise ValueError(f"unknown options {sorted(bad)}; accepted: {sorted(_OPTIONS)}")
    gtol = _real(gtol, "gtol", 0.0, allow_none=False)
    ftol = _real(ftol, "ftol", 0.0)
    xtol = _real(xtol, "xtol", 0.0)
    maxiter = max(1000, 200 * n) if maxiter is None else V.check_int(maxiter, "maxiter", 0,
                                                                        2 ** 62)
    maxfev = 100 * max(maxiter, 10) if maxfev is None else V.check_int(maxfev, "maxfev", 1,
                                                                      2 ** 62)
    maxfev = min(maxfev, 2 ** 62)
    if opts:
        c1 = _real(opts.get("c1", 1e-4), "options['c1']", 0.0, allow_none=False)
        c2 = _real(opts.get("c2", 0.9), "options['c2']", 0.0, allow_none=False)
        if not 0 < c1 < c2 < 1:
            raise ValueError("need 0 < c1 < c2 < 1 for the line search; got "
                             f"c1={c1}, c2={c2}")
        memory = V.check_int(opts.get("memory", 10), "options['memory']", 1, 10 ** 6)
    else:
        c1, c2, memory = 1e-4, 0.9, 10
    workers = opts.get("workers")
    if line_search is None:
        line_search = "more-thuente"
    if type(line_search) is not str or line_search not in _solvers.SEARCHES:
        raise ValueError(f"line_search must be one of {sorted(_solvers.SEARCHES)}; "
                         f"got {line_search!r}")
    if line_search == "hager-zhang" and not c1 < 0.5:
        raise ValueError(f"line_search='hager-zhang' needs c1 < 1/2; got c1={c1}")
    if callback is not None:
        V.check_callable(callback, "callback")

    # ------------------------------------------------------------ derivatives
    if jac is True:
        mode, jcall = 1, None
    elif callable(jac):
        mode, jcall = 0, jac
    elif jac is None or isinstance(jac, str):
        mode, jcall = 0, None
        jm = "central" if jac is None else jac
        if not isinstance(jm, str) or jm.lower() not in DERIVATIVE_METHODS:
            raise ValueError(f"jac must be a callable, True, None or one of "
                             f"{list(DERIVATIVE_METHODS)}; got {jac!r}")
    else:
        raise TypeError(f"jac must be a callable, True, None or one of "
                        f"{list(DERIVATIVE_METHODS)}; got {type(jac).__name__}")
    if hess is not None and mkey != "newton":
        raise ValueError(f"hess is used by method='newton' only; got method={method!r}")
    jm = jm if mode == 0 and jcall is None else None
    rest = (fun, x, mkey, method, mode, jcall, jm, hess, args, n, line_search, c1, c2, gtol,
            ftol, xtol, maxiter, maxfev, memory, callback, opts)
    if workers is None:
        return _solve(*rest, None)
    from .._workers import check_workers, mapper
    # an int makes a process pool that lives for the whole solve
    with mapper(check_workers(workers)) as mapfn:
        return _solve(*rest, mapfn)


def _solve(fun, x, mkey, method, mode, jcall, jm, hess, args, n, line_search, c1, c2, gtol,
           ftol, xtol, maxiter, maxfev, memory, callback, opts, mapfn):
    obj = _solvers.Objective(fun, None, None, args, mode, n)
    if jcall is not None:
        obj.jac = jcall
    elif mode == 0:
        obj.jac = _Derivative("gradient", obj, fun, False, mapfn, method=jm.lower())
    if mkey == "newton":
        if callable(hess):
            obj.hess = hess
        elif hess is None or isinstance(hess, str):
            if hess is not None and hess.lower() not in DERIVATIVE_METHODS:
                raise ValueError(f"hess must be a callable, None or one of "
                                 f"{list(DERIVATIVE_METHODS)}; got {hess!r}")
            if hess is None and (mode == 1 or jcall is not None):
                g = _CountedGrad(obj, fun if mode == 1 else jcall, mode == 1)
                obj.hess = _Derivative("hessian", obj, fun, mode == 1, mapfn, grad=g)
            else:
                hm = (jm if hess is None else hess).lower()
                obj.hess = _Derivative("hessian", obj, fun, mode == 1, mapfn, method=hm)
        else:
            raise TypeError(f"hess must be a callable, None or one of "
                            f"{list(DERIVATIVE_METHODS)}; got {type(hess).__name__}")

    cb = None
    if callback is not None:
        def cb(xk, fk, gk, nit, alpha):
            callback(OptimizeResult(x=xk.copy(), fun=fk, jac=gk.copy(), nit=nit, step=alpha))

    want_hinv = bool(opts.get("hess_inv", True))
    status, ls_status, f, g, nit, hess_inv, alpha, gn = _solvers.run(
        obj, x, METHODS[mkey], _solvers.SEARCHES[line_search], c1, c2, gtol,
        0.0 if ftol is None else ftol, 0.0 if xtol is None else xtol, maxiter, maxfev,
        memory, cb, want_hinv)
    res = OptimizeResult(
        x=x, fun=f, jac=g, nit=nit, nfev=obj.nfev + obj.extra_nfev, njev=obj.njev,
        nhev=obj.nhev, status=status, success=status <= 2,
        message=_message(status, ls_status, gn, gtol, ftol, xtol, maxiter, maxfev),
        line_search_status=ls_status)
    if mkey == "bfgs" and want_hinv:
        res.hess_inv = hess_inv
    if opts.get("disp"):
        print(res.message)
    return res


def _message(status, ls_status, gn, gtol, ftol, xtol, maxiter, maxfev):
    if status == 0:
        return f"first-order test: norm(g, inf) = {gn:.3g} <= gtol = {gtol:g}"
    tail = f"; norm(g, inf) = {gn:.3g} (gtol = {gtol:g})"
    if status == 1:
        return f"ftol test: the relative decrease of f fell to ftol = {ftol:g}" + tail
    if status == 2:
        return f"xtol test: the relative step fell to xtol = {xtol:g}" + tail
    if status == 3:
        return f"maximum number of iterations reached (maxiter = {maxiter})" + tail
    if status == 4:
        return f"maximum number of evaluations reached (maxfev = {maxfev})" + tail
    if status == 5:
        from ._line_search import MESSAGES
        why = {6: "the line search used its 30 trials without meeting its conditions",
               7: "neither f nor norm(g) decreased in three iterations: they are at "
                  "the level of their rounding"}.get(ls_status) or (
            "the line search found no lower point: " + MESSAGES.get(ls_status, "?"))
        return why + "; the best point is returned" + tail
    if status == 6:
        return ("fun or its gradient is not finite (at x0, or the gradient at an accepted "
                "point); x is the last point where both were finite")
    return "stopped by the callback (StopIteration) at the best point so far" + tail


def _takes_result(callback):
    """SciPy's rule: a callback whose only parameter is named
    ``intermediate_result`` gets the result; others get ``x``."""
    import inspect
    if hasattr(callback, "stop_iteration"):      # already wrapped by SciPy
        return True
    try:
        params = inspect.signature(callback).parameters
    except (TypeError, ValueError):
        return True
    return set(params) == {"intermediate_result"}


def _scipy_method(name):
    def method(fun, x0, args=(), jac=None, hess=None, hessp=None, bounds=None,
               constraints=(), callback=None, **options):
        if bounds is not None:
            raise ValueError(f"numdiff.optimize.{name.replace('-', '_')} does not take "
                             "bounds")
        if constraints not in ((), [], None):
            raise ValueError(f"numdiff.optimize.{name.replace('-', '_')} does not take "
                             "constraints")
        if hessp is not None:
            raise ValueError("hessp is not supported; pass hess")
        kw = {}
        if "tol" in options:             # scipy.optimize.minimize(tol=...)
            tol = options.pop("tol")
            if tol is not None:
                options.setdefault("gtol", tol)
        for key in ("gtol", "ftol", "xtol", "maxiter", "maxfev", "line_search"):
            if key in options:
                kw[key] = options.pop(key)
        if callback is not None and not _takes_result(callback):
            user = callback

            def callback(intermediate_result):     # SciPy's legacy callback(xk)
                return user(intermediate_result.x)
        return minimize(fun, x0, method=name, jac=jac, hess=hess, args=args,
                        callback=callback, options=options or None, **kw)
    fname = name.replace("-", "_")
    method.__name__ = method.__qualname__ = fname
    hess = ",\n    ...                hess=lambda x: np.diag(2 * w)" if name == "newton" else ""
    method.__doc__ = f"""``method="{name}"`` of :func:`numdiff.minimize` as a SciPy method.

    For ``scipy.optimize.minimize(fun, x0, method=numdiff.optimize.{fname},
    jac=..., options={{...}})``: the options are the keyword arguments of
    :func:`numdiff.minimize` (``gtol``, ``ftol``, ``xtol``, ``maxiter``,
    ``maxfev``, ``line_search``) and its ``options`` (``memory``, ``c1``,
    ``c2``, ``workers``, ``hess_inv``, ``disp``). Bounds and constraints are
    refused.

    Returns
    -------
    OptimizeResult
        As :func:`numdiff.minimize`.

    See Also
    --------
    numdiff.minimize

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import minimize
    >>> import numdiff
    >>> w = np.arange(1.0, 6.0)
    >>> res = minimize(lambda x: np.sum(w * (x - 1) ** 2), np.zeros(5),
    ...                method=numdiff.optimize.{fname}, jac=lambda x: 2 * w * (x - 1){hess})
    >>> bool(res.success), bool(np.allclose(res.x, 1.0))
    (True, True)
    """
    return method


gradient_descent = _scipy_method("gradient-descent")
bfgs = _scipy_method("bfgs")
lbfgs = _scipy_method("lbfgs")
newton = _scipy_method("newton")
