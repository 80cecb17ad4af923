"""Second derivatives: hessian, hessian_diag and hvp.

``method="dual"`` computes them exactly (to rounding) with nested dual
numbers. With ``grad=`` (your gradient), any method differentiates the
gradient and the Hessian is symmetrised. The finite-difference methods
without ``grad`` take second differences of ``f`` along coordinate
directions and their pairwise sums (``_hessian.py``).
"""
import numpy as np

from .. import _validate as V
from .._info import DiffInfo
from ..dual import _diff as _dual
from . import _engine
from ._api import _check_dual_options, _Setup, check_direction, jacobian, jvp
from ._hessian import fd_hessian

__all__ = ["hessian", "hessian_diag", "hvp"]

_NO_FD = ("{what} with method={method!r} needs grad=<your gradient function> (it "
          "differentiates the gradient); without a gradient use method='dual' (exact, runs "
          "f on dual numbers){alt}")


class _ComplexGradient:
    """``x -> gradient(f, x, method="complex")`` (picklable when ``f`` is)."""

    def __init__(self, f, args, kwargs):
        self.f, self.args, self.kwargs = f, args, kwargs

    def __call__(self, x):
        from ._api import gradient
        return gradient(self.f, x, method="complex", args=self.args, kwargs=self.kwargs)


def _fd_second(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output,
               vectorized, workers, diag_only):
    """``hessian``/``hessian_diag`` by second differences of ``f``."""
    s = _Setup(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output)
    H, E, res, res_dtype = fd_hessian(s, vectorized, workers, diag_only)
    _engine.warn_failed(res, "Hessian direction")
    shape = s.x.shape
    n = s.x.size
    out_shape = shape if diag_only else shape + shape
    out = H.reshape(out_shape).astype(res_dtype, copy=False)
    out = out[()] if out.ndim == 0 else out
    if not s.full_output:
        return out
    err = E.reshape(out_shape)
    success = bool(np.all(np.isfinite(err)))
    if res.bad_outputs:
        message = "f(x) is not finite: the Hessian is nan"
    elif res.failed.any():
        message = (f"{int(res.failed.sum())} direction(s) could not be computed: f was "
                   "not finite at their stencil points")
    elif not success:
        message = "some error estimates are not finite"
    else:
        message = "derivative computed"
    step = res.step[:n].reshape(shape)
    kinds = res.kind[:n].astype(str).reshape(shape)
    return out, DiffInfo(error=err[()] if err.ndim == 0 else err, nfev=res.nfev,
                         step=step[()] if step.ndim == 0 else step, method=s.method,
                         order=s.order, success=success and not res.failed.any(),
                         message=message,
                         stencil=str(kinds[()]) if kinds.ndim == 0 else kinds)


def _symmetrise(H, x_shape, err=None):
    n = int(np.prod(x_shape)) if x_shape else 1
    M = np.asarray(H).reshape(n, n)
    Hs = ((M + M.T) * 0.5).reshape(np.shape(H))
    if err is None:
        return Hs, None
    E = np.asarray(err).reshape(n, n)
    # the mean of two estimates is off by at most half their difference
    Es = (0.5 * (E + E.T) + 0.5 * np.abs(M - M.T)).reshape(np.shape(H))
    return Hs, Es


def _sparse_hessian_call(f, x, key, order, step, adaptive, bounds, args, kwargs,
                         full_output, vectorized, workers, grad, sparsity, chunk_size):
    """``hessian(..., sparsity=)``: a ``csr_array`` with the structure's entries."""
    from . import _sparse_hessian as SH
    from ._sparse import group_directions
    full_output = V.check_bool(full_output, "full_output")
    if key == "complex" and grad is None:
        # central differences of the complex-step gradient, as for dense H
        V.check_callable(f, "f")
        args, kwargs = V.check_args(args, kwargs)
        grad, key, args, kwargs = _ComplexGradient(f, args, kwargs), "central", (), None
    if key == "dual":
        _check_dual_options(x, step, bounds, workers, vectorized)
        xa = V.as_point(x, "x")
    else:
        s = _Setup(grad if grad is not None else f, x, key, order, step, adaptive, bounds,
                   args, kwargs, full_output)
        xa = s.x
    n = xa.size
    S, colours = SH.hessian_structure(sparsity, n)
    eps = np.finfo(np.float64).eps
    if key == "dual" or grad is not None:
        if colours is None:
            colours = SH._star(S)
        k = int(colours.max()) + 1 if n else 0
        d = np.zeros((k, n))
        d[colours, np.arange(n)] = 1.0
        signs = None
        if key == "dual":
            calls = [0]

            def counted(*a, **kw):
                calls[0] += 1
                return f(*a, **kw)
            P = np.stack([np.asarray(_dual.hvp(counted, xa, d[c].reshape(xa.shape), args,
                                               kwargs, False, chunk_size, order)).reshape(-1)
                          for c in range(k)])
            E, nfev = 16 * eps * np.abs(P), calls[0]
            msg, res_dtype = "derivative computed", np.float64
            step_out, stencil = 0.0, "dual"
        elif key == "complex":
            V.check_callable(grad, "grad")
            outs = [jvp(grad, xa, d[c].reshape(xa.shape), method="complex", args=args,
                        kwargs=kwargs, full_output=True, vectorized=vectorized,
                        workers=workers) for c in range(k)]
            P = np.stack([np.asarray(o[0]).reshape(-1) for o in outs])
            E = np.stack([np.asarray(o[1].error).reshape(-1) for o in outs])
            nfev = sum(o[1].nfev for o in outs)
            msg, res_dtype, step_out, stencil = "derivative computed", P.dtype, 0.0, "complex"
        else:
            def check_rows(m):
                if m != n:
                    raise ValueError(f"grad must return {n} values (x's shape); it "
                                     f"returned {m}")
            P, E, res, res_dtype, _, signs = group_directions(s, colours, vectorized,
                                                              workers, check_rows)
            _engine.warn_failed(res, "colour")
            nfev = res.nfev
            msg = ("derivative computed" if not res.failed.any() else
                   "some colours could not be computed: grad was not finite at their "
                   "stencil points")
            step_out = res.step[colours].reshape(xa.shape)
            stencil = res.kind[colours].astype(str).reshape(xa.shape)
        H, Eh = SH.recover(S, colours, P, E, signs)
    else:
        H, Eh, res, res_dtype = fd_hessian(s, vectorized, workers, pairs=SH.pairs_of(S))
        _engine.warn_failed(res, "Hessian direction")
        nfev = res.nfev
        msg = ("f(x) is not finite: the Hessian is nan" if res.bad_outputs else
               "derivative computed" if not res.failed.any() else
               f"{int(res.failed.sum())} direction(s) could not be computed: f was not "
               "finite at their stencil points")
        step_out = res.step[:n].reshape(xa.shape)
        stencil = res.kind[:n].astype(str).reshape(xa.shape)
    if np.dtype(res_dtype) != np.float64:
        H = H.astype(res_dtype)
    if not full_output:
        return H
    ok = bool(np.all(np.isfinite(Eh.data))) and msg == "derivative computed"
    return H, DiffInfo(error=Eh, nfev=nfev, step=step_out, method=key, order=order,
                       success=ok, message=msg if ok or msg != "derivative computed" else
                       "some error estimates are not finite", stencil=stencil)


def _fd_hvp_call(f, x, v, key, order, step, adaptive, bounds, args, kwargs, full_output,
                 vectorized, workers):
    """``hvp`` by second differences of ``f`` along ``e_i``, ``v`` and ``e_i + v``."""
    from ._hessian import fd_hvp
    s = _Setup(f, x, key, order, step, adaptive, bounds, args, kwargs, full_output)
    Hv, E, res, res_dtype = fd_hvp(s, check_direction(v, s.x.shape), vectorized, workers)
    _engine.warn_failed(res, "direction")
    out = Hv.reshape(s.x.shape).astype(res_dtype, copy=False)
    out = out[()] if out.ndim == 0 else out
    if not s.full_output:
        return out
    err = E.reshape(s.x.shape)
    ok = bool(np.all(np.isfinite(err))) and not res.failed.any()
    return out, DiffInfo(error=err[()] if err.ndim == 0 else err, nfev=res.nfev,
                         step=res.step[:s.x.size].reshape(s.x.shape), method=key,
                         order=s.order, success=ok,
                         message="derivative computed" if ok else
                         "some directions could not be computed or estimated",
                         stencil=res.kind[:s.x.size].astype(str).reshape(s.x.shape))


def hessian(f, x, *, method="central", order=2, step=None, adaptive=False, bounds=None,
            args=(), kwargs=None, full_output=False, vectorized=False, workers=None,
            grad=None, sparsity=None, chunk_size=None):
    """Hessian of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x, *args, **kwargs)`` returning a scalar.
    x : array_like
        Point of any shape.
    method : {"central", "forward", "backward", "dual", "complex"}, optional
        ``"central"``, ``"forward"``, ``"backward"``: second differences of
        ``f`` along each coordinate and each pair of coordinates (see
        Notes). ``"dual"`` differentiates ``f`` exactly with nested dual
        numbers. ``"complex"``: central differences of the complex-step
        gradient (the complex step on finite differences, symmetrised), or
        the complex-step Jacobian of ``grad`` when given.
    grad : callable, optional
        ``grad(x, *args, **kwargs)`` returning the gradient (shape
        ``x.shape``). The Hessian is then the Jacobian of ``grad`` by
        ``method``, symmetrised.
    order, step, adaptive, bounds, vectorized, workers
        As in :func:`gradient`; ``order`` is the accuracy order of the
        second-difference stencils, ``step`` the absolute step per variable,
        ``adaptive=True`` Richardson extrapolation along every direction
        with per-entry error estimates.
    args, kwargs, full_output
        As in :func:`gradient`.
    sparsity : array_like, scipy.sparse array or (structure, colours), optional
        The nonzero structure of the ``(n, n)`` Hessian (made symmetric, with
        its diagonal), or a pair of it and precomputed colours from
        :func:`~numdiff.differentiate.star_groups`. The result is then a
        ``scipy.sparse.csr_array`` with exactly those entries. With
        ``grad=`` or ``method="dual"`` a star colouring makes the cost the
        number of colours (``2 b + 1`` for a band of half-width ``b``,
        whatever ``n``); finite differences of ``f`` alone difference the
        structure's pairs only.
    chunk_size : int, optional
        Directions seeded per pass for ``method="dual"``.

    Returns
    -------
    H : ndarray
        Shape ``x.shape + x.shape`` (``(n, n)`` for 1-D ``x``), exactly
        symmetric.
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    ValueError
        ``method="complex"`` without ``grad``; a ``sparsity``; ``f`` not
        returning a scalar; the errors of :func:`gradient`.

    Notes
    -----
    Finite differences: the diagonal ``H_ii`` is the second derivative of
    ``f`` along ``e_i`` and the off-diagonal ``H_ij`` follows by
    polarisation from the second derivative along ``e_i + e_j``:
    ``H_ij = (g_ij - H_ii - H_jj) / 2`` [2]_. Each direction goes through
    the same engine as first derivatives (default step with the curvature
    check, two-step error estimate with ``full_output``, Richardson with
    ``adaptive``, bounds, non-finite retries). A central stencil of order
    ``p`` costs ``n (n + 1) p / 2 + 1`` evaluations (``n**2 + n + 1`` at
    order 2), about half the classic four-point formula per entry;
    ``full_output`` doubles that. The result is exactly symmetric. Near
    bounds a pair is differenced along ``e_i - e_j`` when that direction
    has more room.

    With dual numbers the Hessian is forward-over-forward: the Jacobian, on
    dual numbers, of the dual-number gradient, chunked so that the nested
    partials stay small [1]_.

    References
    ----------
    .. [1] J. Revels, M. Lubin and T. Papamarkou, "Forward-mode automatic
       differentiation in Julia", arXiv:1607.07892 (2016).
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer (2006), section 8.1.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: x[0] ** 2 * x[1] + np.exp(x[1])
    >>> nd.hessian(f, [1.0, 0.0], method="dual")
    array([[0., 2.],
           [2., 1.]])
    >>> H = nd.hessian(f, [1.0, 0.0], grad=lambda x: np.array(
    ...     [2 * x[0] * x[1], x[0] ** 2 + np.exp(x[1])]))
    >>> np.allclose(H, [[0.0, 2.0], [2.0, 1.0]])
    True
    >>> H, info = nd.hessian(f, [1.0, 0.0], full_output=True)
    >>> bool(np.all(np.abs(H - [[0.0, 2.0], [2.0, 1.0]]) <= info.error))
    True
    """
    key = V.check_method(method, V.FD_METHODS + ("complex", "dual"))
    if sparsity is not None:
        return _sparse_hessian_call(f, x, key, order, step, adaptive, bounds, args, kwargs,
                                    full_output, vectorized, workers, grad, sparsity,
                                    chunk_size)
    if grad is None:
        if key == "dual":
            return _dual.hessian(f, x, args, kwargs,
                                 V.check_bool(full_output, "full_output"), chunk_size, order)
        if key in V.FD_METHODS:
            return _fd_second(f, x, key, order, step, adaptive, bounds, args, kwargs,
                              full_output, vectorized, workers, False)
        # the complex step on finite differences: central differences of the
        # complex-step gradient (exact to rounding), symmetrised
        V.check_callable(f, "f")
        if V.check_bool(vectorized, "vectorized"):
            raise ValueError("method='complex' Hessians without grad= call f on complex "
                             "points one at a time; vectorized=True is not supported here")
        args, kwargs = V.check_args(args, kwargs)
        grad, method, args, kwargs = _ComplexGradient(f, args, kwargs), "central", (), None
    V.check_callable(grad, "grad")
    out = jacobian(grad, x, method=method, order=order, step=step, adaptive=adaptive,
                   bounds=bounds, args=args, kwargs=kwargs, full_output=full_output,
                   vectorized=vectorized, workers=workers, chunk_size=chunk_size)
    xs = np.shape(x) if not hasattr(x, "shape") else x.shape
    J, info = out if full_output else (out, None)
    if np.shape(J) != tuple(xs) + tuple(xs):
        raise ValueError(f"grad must return an array of x's shape {tuple(xs)}; the "
                         f"Jacobian of grad has shape {np.shape(J)}")
    H, E = _symmetrise(J, tuple(xs), None if info is None else info.error)
    if np.ndim(H) == 0:
        H = np.asarray(H)[()]        # a scalar x: a numpy scalar, like the others
    if info is None:
        return H
    nfev = info.nfev
    if isinstance(grad, _ComplexGradient):
        # each gradient: f(x), one complex point per variable and the two
        # real points of the analyticity check
        nfev *= int(np.prod(xs)) + 3 if xs else 4
        return H, DiffInfo(error=E, nfev=nfev, step=info.step, method="complex",
                           order=info.order, success=info.success, message=info.message,
                           stencil=info.stencil)
    return H, DiffInfo(error=E, nfev=nfev, step=info.step, method=info.method,
                       order=info.order, success=info.success, message=info.message,
                       stencil=info.stencil)


def hessian_diag(f, x, *, method="central", order=2, step=None, adaptive=False,
                 bounds=None, args=(), kwargs=None, full_output=False, vectorized=False,
                 workers=None, grad=None):
    """Diagonal of the Hessian, shape ``x.shape``.

    ``method="dual"``: a second derivative along each variable (``n``
    evaluations on nested duals, no ``n x n`` array). With ``grad=``: the
    diagonal of the Jacobian of ``grad``. Other parameters as in
    :func:`hessian`.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> nd.hessian_diag(lambda x: np.sum(x ** 3), [1.0, 2.0], method="dual")
    array([ 6., 12.])
    """
    key = V.check_method(method, V.FD_METHODS + ("complex", "dual"))
    if grad is None:
        if key == "dual":
            return _dual.hessian_diag(f, x, args, kwargs,
                                      V.check_bool(full_output, "full_output"), order)
        if key in V.FD_METHODS:
            return _fd_second(f, x, key, order, step, adaptive, bounds, args, kwargs,
                              full_output, vectorized, workers, True)
        raise ValueError(_NO_FD.format(what="hessian_diag", method=method,
                                       alt=" or method='central' (second differences)"))
    out = hessian(f, x, method=method, order=order, step=step, adaptive=adaptive,
                  bounds=bounds, args=args, kwargs=kwargs, full_output=full_output,
                  vectorized=vectorized, workers=workers, grad=grad)
    H, info = out if full_output else (out, None)
    xs = np.shape(H)[: np.ndim(H) // 2]
    n = int(np.prod(xs)) if xs else 1
    d = np.diagonal(np.asarray(H).reshape(n, n)).reshape(xs)
    if info is None:
        return d
    e = np.diagonal(np.asarray(info.error).reshape(n, n)).reshape(xs)
    return d, DiffInfo(error=e, nfev=info.nfev, step=info.step, method=info.method,
                       order=info.order, success=info.success, message=info.message,
                       stencil=info.stencil)


def hvp(f, x, v, *, method="central", order=2, step=None, adaptive=False, bounds=None,
        args=(), kwargs=None, full_output=False, vectorized=False, workers=None,
        grad=None, chunk_size=None):
    """Hessian-vector product ``H(x) @ v``, shape ``x.shape``.

    ``method="dual"``: the directional derivative of the dual gradient along
    ``v`` (forward over forward, exact). With ``grad=``: :func:`jvp` of
    ``grad`` by ``method``. Finite differences of ``f`` alone: second
    derivatives along ``e_i``, ``v`` and ``e_i + v`` (``4 n + 3``
    evaluations at order 2, plus seven that measure the noise of ``f`` with
    the default step or ``full_output``),
    ``(H v)_i = (g(e_i + v) - g(e_i) - g(v)) / 2``.
    Other parameters as in :func:`hessian`.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: x[0] ** 2 * x[1] + np.exp(x[1])
    >>> nd.hvp(f, [1.0, 0.0], [1.0, 0.0], method="dual")
    array([0., 2.])
    """
    key = V.check_method(method, V.FD_METHODS + ("complex", "dual"))
    if grad is None:
        if key in V.FD_METHODS:
            return _fd_hvp_call(f, x, v, key, order, step, adaptive, bounds, args, kwargs,
                                full_output, vectorized, workers)
        if key != "dual":
            raise ValueError(_NO_FD.format(
                what="hvp", method=method,
                alt=", or method='central' (second differences of f)"))
        return _dual.hvp(f, x, v, args, kwargs, V.check_bool(full_output, "full_output"),
                         chunk_size, order)
    V.check_callable(grad, "grad")
    return jvp(grad, x, v, method=method, order=order, step=step, adaptive=adaptive,
               bounds=bounds, args=args, kwargs=kwargs, full_output=full_output,
               vectorized=vectorized, workers=workers)
