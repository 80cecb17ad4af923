"""``nd.line_search``: the compiled line searches for Python callers."""
import math

import numpy as np

from .. import _validate as V
from . import _backtracking, _hager_zhang, _more_thuente, _strong_wolfe

__all__ = ["LineSearchResult", "line_search"]

_SEARCHES = {
    "backtracking": _backtracking.run,
    "strong-wolfe": _strong_wolfe.run,
    "more-thuente": _more_thuente.run,
    "hager-zhang": _hager_zhang.run,
}

#: status code -> message (the codes of ``_ls_common.pxd``)
MESSAGES = {
    0: "the line-search conditions hold",
    1: "p is not a descent direction: the slope phi'(0) = g0 . p is not negative",
    2: "sufficient decrease (Armijo) was never met",
    3: "the curvature condition was never met before alpha_max",
    4: "the interval or the step became too small for the rounding of f",
    5: "f or its slope was not finite (at x, or at every trial point)",
    6: "the maximum number of evaluations was reached",
}


class LineSearchResult:
    """The outcome of :func:`line_search`.

    Attributes
    ----------
    alpha : float
        The accepted step; on failure the best step that satisfies
        sufficient decrease (0 when there is none).
    fun : float
        ``f(x + alpha p)``.
    grad : ndarray or None
        The gradient at ``x + alpha p`` when it was evaluated there (never
        with ``grad=None``, which differentiates along ``p`` only).
    derphi : float
        ``grad . p`` at ``alpha`` (``nan`` when not evaluated).
    nfev, ngev : int
        Evaluations of ``f`` and of the gradient (a finite-difference
        gradient counts its evaluations of ``f`` in ``nfev``).
    success : bool
        The conditions the method promises hold at ``alpha``.
    status : int
        0 success; 1 not a descent direction; 2 sufficient decrease never
        met; 3 curvature never met before ``alpha_max``; 4 interval below
        rounding; 5 ``f`` not finite; 6 evaluation budget exhausted.
    message : str
        The reason, in words.

    See Also
    --------
    line_search

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> res = nd.line_search(lambda x: float(x @ x), np.ones(2), -np.ones(2),
    ...                      grad=lambda x: 2 * x)
    >>> res.success, res.status, res.message
    (True, 0, 'the line-search conditions hold')
    """

    __slots__ = ("alpha", "fun", "grad", "derphi", "nfev", "ngev", "success", "status",
                 "message", "method")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def __repr__(self):
        return (f"LineSearchResult(alpha={self.alpha!r}, fun={self.fun!r}, "
                f"derphi={self.derphi!r}, success={self.success!r}, status={self.status!r}, "
                f"nfev={self.nfev!r}, ngev={self.ngev!r}, message={self.message!r})")


class _Line:
    """``phi(alpha) = f(x + alpha p)`` and its slope, counting evaluations."""

    def __init__(self, f, x, p, grad, args):
        self.f, self.x, self.p, self.grad, self.args = f, x, p, grad, args
        self.nfev = self.ngev = 0
        self.last = (None, None)                # (alpha, gradient) of the last slope

    def value(self, xa):
        out = self.f(xa, *self.args)
        self.nfev += 1
        if self.grad is True:
            try:
                out = out[0]
            except (TypeError, IndexError):
                raise TypeError("with grad=True, f must return (value, gradient)") from None
        return _scalar(out)

    def value_and_slope(self, xa, value=True):
        """``(f, phi', gradient or None)`` at the point ``xa`` (``f`` is None
        when ``value`` is false and the gradient comes separately)."""
        if self.grad is None:
            # the slope along p by a central difference: two more values of f
            fv = self.value(xa) if value else None
            h = _FD_STEP * max(1.0, float(np.max(np.abs(xa)))) / max(
                float(np.max(np.abs(self.p))), 1e-300)
            fp = self.value(xa + h * self.p)
            fm = self.value(xa - h * self.p)
            return fv, (fp - fm) / (2.0 * h), None
        if self.grad is True:
            out = self.f(xa, *self.args)
            try:
                fv, g = out
            except (TypeError, ValueError):
                raise TypeError("with grad=True, f must return (value, gradient)") from None
            self.nfev += 1
            fv = _scalar(fv)
        else:
            fv = self.value(xa) if value else None
            g = self.grad(xa, *self.args)
        self.ngev += 1
        try:
            g = np.asarray(g)
        except (TypeError, ValueError):
            g = np.asarray(None)
        if g.dtype.kind not in "fiub":
            raise TypeError("the gradient must be an array of real numbers; got "
                            f"{g.dtype}") from None
        g = g.astype(np.float64).reshape(-1)
        if g.size != self.p.size:
            raise ValueError(f"the gradient has {g.size} elements but x has {self.p.size}")
        return fv, float(g @ self.p.reshape(-1)), g

    def __call__(self, alpha, want_dphi):
        xa = self.x + alpha * self.p
        if not want_dphi:
            return self.value(xa), math.nan
        fv, d, g = self.value_and_slope(xa)
        self.last = (alpha, g)
        return fv, d


#: relative step of the central difference along p when grad=None
_FD_STEP = float(np.finfo(np.float64).eps) ** (1.0 / 3.0)


def _scalar(v, name="f"):
    arr = np.asarray(v)
    if arr.dtype.kind not in "fiub" or arr.size != 1:
        raise TypeError(f"{name} must return a real scalar; it returned {v!r:.60}")
    return float(arr.reshape(()))


def line_search(f, x, p, *, grad=None, f0=None, g0=None, method="more-thuente", c1=1e-4,
                c2=0.9, alpha0=1.0, alpha_max=None, maxiter=None, args=()):
    """Find a step along ``p`` from ``x``: ``f(x + alpha p)`` sufficiently lower.

    Parameters
    ----------
    f : callable
        ``f(x, *args)`` returning a scalar, or ``(value, gradient)`` with
        ``grad=True``.
    x, p : array_like
        The point and the search direction (same size).
    grad : callable, True or None, optional
        ``grad(x, *args)``; ``True`` when ``f`` returns the gradient too;
        ``None``: the slope along ``p`` by a central difference with the
        relative step ``eps**(1/3)`` (two more evaluations of ``f`` a slope).
    f0, g0 : float and array_like, optional
        ``f(x)`` and the gradient at ``x`` when already known.
    method : {"more-thuente", "strong-wolfe", "hager-zhang", "backtracking"}
        The search; see Notes.
    c1, c2 : float, optional
        Sufficient-decrease and curvature constants, ``0 < c1 < c2 < 1``
        (``c1 < 1/2`` for Hager-Zhang).
    alpha0 : float, optional
        The first trial step.
    alpha_max : float, optional
        The largest step allowed (default: no limit).
    maxiter : int, optional
        Evaluations of the line function at most (default 30).
    args : tuple, optional
        Extra arguments of ``f`` and ``grad``.

    Returns
    -------
    LineSearchResult

    Notes
    -----
    All four searches are compiled (Cython) behind one C-level interface:
    ``"backtracking"`` (Armijo with safeguarded quadratic/cubic
    interpolation, values of ``f`` only), ``"strong-wolfe"`` (bracketing and
    zoom, Nocedal and Wright Alg. 3.5-3.6), ``"more-thuente"`` (Moré and
    Thuente 1994; a step whose predicted change of ``f``,
    ``alpha |phi'(0)|``, is below ``10 eps |f(x)|`` is judged by the
    approximate Wolfe conditions instead, ``f`` rising by at most that
    much) and ``"hager-zhang"`` (Wolfe or approximate Wolfe, Hager and
    Zhang 2005). Every search backs off until ``f`` is finite, reports a
    non-descent direction instead of looping, and on failure returns the best
    step that satisfies sufficient decrease with ``success=False`` and the
    reason.

    References
    ----------
    .. [1] J. J. Moré and D. J. Thuente, "Line search algorithms with
       guaranteed sufficient decrease", ACM Trans. Math. Softw. 20 (1994).
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer (2006), chapter 3.
    .. [3] W. W. Hager and H. Zhang, "A new conjugate gradient method with
       guaranteed descent and an efficient line search", SIAM J. Optim. 16
       (2005), 170-192.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: np.sum((x - 3.0) ** 2)
    >>> g = lambda x: 2 * (x - 3.0)
    >>> x = np.zeros(2)
    >>> res = nd.line_search(f, x, -g(x), grad=g)
    >>> res.success, round(res.alpha, 3), bool(res.fun < 1e-6)
    (True, 0.5, True)
    """
    V.check_callable(f, "f")
    if not (grad is None or grad is True or callable(grad)):
        raise TypeError("grad must be a callable, True (f returns (value, gradient)) or "
                        f"None (finite differences); got {type(grad).__name__}")
    if not isinstance(method, str) or method not in _SEARCHES:
        raise ValueError(f"method must be one of {sorted(_SEARCHES)}; got {method!r}")
    xa = V.as_point(x, "x").astype(np.float64)
    try:
        pa = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("p must be an array of real numbers") from None
    if pa.size != xa.size:
        raise ValueError(f"p must have x's size {xa.size}; got {pa.size}")
    pa = pa.reshape(xa.shape)
    if not np.all(np.isfinite(pa)):
        raise ValueError("p must be finite")
    for name, v in (("c1", c1), ("c2", c2), ("alpha0", alpha0)) + (
            () if alpha_max is None else (("alpha_max", alpha_max),)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(
                v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number; got {v!r}")
        if not math.isfinite(v) and not (name == "alpha_max" and v == math.inf):
            raise ValueError(f"{name} must be finite; got {v!r}")
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"need 0 < c1 < c2 < 1; got c1={c1}, c2={c2}")
    if method == "hager-zhang" and not c1 < 0.5:
        raise ValueError(f"hager-zhang needs c1 < 1/2; got c1={c1}")
    if not alpha0 > 0:
        raise ValueError(f"alpha0 must be positive; got {alpha0}")
    amax = math.inf if alpha_max is None else float(alpha_max)
    if not amax > 0:
        raise ValueError(f"alpha_max must be positive; got {alpha_max}")
    maxiter = 30 if maxiter is None else V.check_int(maxiter, "maxiter", 1, 10 ** 7)
    args = tuple(args)
    line = _Line(f, xa, pa, grad, args)
    if f0 is not None:
        f0 = _scalar(f0, "f0")
    if g0 is not None:
        try:
            g0 = np.asarray(g0, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise TypeError("g0 must be an array of real numbers") from None
        if g0.size != xa.size:
            raise ValueError(f"g0 must have x's size {xa.size}; got {g0.size}")
        with np.errstate(all="ignore"):
            d0 = float(g0 @ pa.reshape(-1))
        if f0 is None:
            f0 = line.value(xa.copy())
    else:
        with np.errstate(all="ignore"):
            fv, d0, _ = line.value_and_slope(xa.copy(), value=f0 is None and grad is not True)
        if f0 is None:
            f0 = fv
    out = _SEARCHES[method](line, f0, d0, c1=float(c1), c2=float(c2), alpha0=float(alpha0),
                            alpha_max=amax, maxiter=maxiter)
    alpha = out["alpha"]
    gradient_at = None
    if alpha == line.last[0] and line.last[1] is not None:
        gradient_at = line.last[1].reshape(xa.shape)
    return LineSearchResult(alpha=alpha, fun=out["phi"], grad=gradient_at,
                            derphi=out["dphi"], nfev=line.nfev, ngev=line.ngev,
                            success=out["status"] == 0, status=out["status"],
                            message=MESSAGES[out["status"]], method=method)
