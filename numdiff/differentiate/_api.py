"""Public finite-difference functions: derivative, gradient, jacobian, jvp."""
import contextlib
import math
from math import comb

import numpy as np

from .. import _validate as V
from .._info import DiffInfo
from .._workers import FunctionCall, check_workers, mapper
from . import _complex, _engine, _kernels
from ..dual import DUALS
from ..dual import _diff as _dual
from ._stencils import get_stencil
from ._steps import ADAPTIVE_EXTRAP, ADAPTIVE_LEVELS, ADAPTIVE_RATIO, step_scale

__all__ = ["derivative", "gradient", "jacobian", "jvp"]

_REFERENCES = """
    References
    ----------
    .. [1] B. Fornberg, "Generation of finite difference formulas on
       arbitrarily spaced grids", Math. Comp. 51 (1988), 699-706.
    .. [2] L. F. Richardson, "The approximate arithmetical solution by finite
       differences of physical problems", Phil. Trans. R. Soc. A 210 (1911).
    .. [3] J. N. Lyness and C. B. Moler, "Vandermonde systems and numerical
       differentiation", Numer. Math. 8 (1966), 458-464.
    .. [4] P. E. Gill, W. Murray, M. A. Saunders and M. H. Wright, "Computing
       forward-difference intervals for numerical optimization", SIAM J. Sci.
       Stat. Comput. 4 (1983), 310-321.
"""


# ---------------------------------------------------------------- helpers
def _values_at_x(y, scalar_out, name="f"):
    """Check ``f(x)`` and return it as float64 plus its dtype for the result."""
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError):
        raise TypeError(f"{name} must return a real number or an array of real numbers "
                        f"of one shape; it returned a ragged {type(y).__name__}") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} returned complex values; finite-difference methods "
                        "differentiate real-valued functions (differentiate the real "
                        "and imaginary parts separately)")
    if kind not in "fiub":
        raise TypeError(f"{name} must return real numbers; it returned "
                        f"{type(y).__name__} of dtype {arr.dtype}")
    if scalar_out and arr.size != 1:
        raise ValueError(f"{name} must return a scalar (a float, a 0-d array or a size-1 "
                         f"array); it returned an array of shape {arr.shape}")
    res_dtype = arr.dtype if kind == "f" and arr.dtype.itemsize <= 8 else np.dtype(np.float64)
    return arr.astype(np.float64).reshape(-1), arr.shape, res_dtype


class _Setup:
    """Validated common options of every entry point."""

    __slots__ = ("f", "x", "method", "order", "step", "adaptive", "bounds", "args",
                 "kwargs", "full_output")

    def __init__(self, f, x, method, order, step, adaptive, bounds, args, kwargs,
                 full_output):
        self.f = V.check_callable(f, "f")
        self.method = V.check_method(method, V.FD_METHODS + ("complex",))
        self.order = V.check_order(order, self.method)
        self.adaptive = V.check_bool(adaptive, "adaptive")
        self.full_output = V.check_bool(full_output, "full_output")
        self.x = V.as_point(x, "x")
        self.args, self.kwargs = V.check_args(args, kwargs)
        self.step = V.check_step(step, self.x)
        self.bounds = V.check_bounds(bounds, self.x)

    def call(self, pt):
        return self.f(pt, *self.args, **self.kwargs)


def _check_dual_options(x, step=None, bounds=None, workers=None, vectorized=False):
    """Options that dual numbers do not use are still validated (API section 4)."""
    V.check_bool(vectorized, "vectorized")
    check_workers(workers)
    if isinstance(x, DUALS) or (step is None and bounds is None):
        return
    xa = V.as_point(x, "x")
    V.check_step(step, xa)
    V.check_bounds(bounds, xa)


def _eps(x_dtype, res_dtype):
    """Relative accuracy assumed for f's values.

    The larger of the epsilons of ``x``'s dtype and of f's result dtype: a
    float32 ``x`` usually means float32 arithmetic inside ``f`` even when
    something (an ``np.arange``, a Python float) promotes the result.
    """
    return max(_EPS_OF[np.dtype(x_dtype).char], _EPS_OF[np.dtype(res_dtype).char])


#: machine epsilon by dtype character (the float types numdiff works in)
_EPS_OF = {c: float(np.finfo(c).eps) for c in "efdg"}


def _info(s, res, n_elems_shape, out_error, nfev, value_shape, failed_msg):
    err = np.asarray(out_error).reshape(value_shape)
    success = bool(np.all(np.isfinite(err))) if s.full_output else not res.failed.any()
    if res.bad_outputs:
        success = False
        message = (f"f(x) is not finite for {res.bad_outputs} output(s): their "
                   "derivatives are nan")
    elif res.failed.any():
        success = False
        message = failed_msg
    elif not success:
        message = "some error estimates are not finite"
    else:
        message = "derivative computed"
    step = res.step.reshape(n_elems_shape)
    kinds = res.kind.astype(str).reshape(n_elems_shape)
    if value_shape == ():
        err = err[()]
    if n_elems_shape == ():
        step = step[()]
        kinds = str(kinds[()])
    return DiffInfo(error=err, nfev=nfev, step=step, method=s.method, order=s.order,
                    success=success, message=message, stencil=kinds)


def _bounds_flat(s):
    if s.bounds is None:
        return None
    return s.bounds[0].reshape(-1), s.bounds[1].reshape(-1)


def _finish(value, res_dtype):
    value = np.asarray(value)
    out = value.astype(res_dtype, copy=False)
    return out[()] if out.ndim == 0 else out


# ------------------------------------------------------------- sweepers
def _coord_sweeper(s, x, f0, scalar_point, scalar_out, out_shape):
    """Serial sweep over coordinates, in the compiled loop."""
    m = f0.shape[0]

    def sweeper(idx, st, H, want_s, want_q=False):
        J, nc = H.shape
        D = np.empty((J, nc, m))
        S = np.empty((J, nc, m)) if want_s else None
        Q = np.empty((J, nc, m)) if want_q else None
        nfev = _kernels.sweep(s.f, s.args, s.kwargs, x, idx.astype(np.intp), H,
                              st.nonzero_offsets, st.nonzero_weights, st.w0, f0,
                              st.n, scalar_point, scalar_out, out_shape, D, S,
                              st.curvature_weights if want_q else None,
                              st.curvature_w0, Q)
        return D, S, Q, nfev
    return sweeper


def _batch_points(x, c1, st, H, c2=None, s2=None):
    """Every stencil point of a sweep as one array ``x.shape + (P,)``.

    Points in (row, level, offset) order: row ``r`` moves coordinate
    ``c1[r]`` (and ``c2[r]``, times ``s2[r]``, when given and ``>= 0``) by
    ``offset * H[level, r]``, computed in ``x``'s dtype as the compiled
    sweep computes it.
    """
    if c2 is None:
        # single coordinates: the compiled loop
        X = _kernels.batch_points(np.ascontiguousarray(x), np.asarray(c1, dtype=np.intp),
                                  np.ascontiguousarray(H, dtype=np.float64),
                                  st.nonzero_offsets)
        return X.reshape(x.shape + (X.shape[1],))
    flat = x.reshape(-1)
    R, J, K = c1.size, H.shape[0], st.nonzero_offsets.size
    t = (H.T[:, :, None] * st.nonzero_offsets[None, None, :]).reshape(-1)
    P = t.size
    X = np.empty((flat.size, P), dtype=x.dtype)
    X[...] = flat[:, None]
    rows = np.repeat(np.arange(R), J * K)
    cols = np.arange(P)
    X[c1[rows], cols] = flat[c1[rows]].astype(np.float64) + t
    if c2 is not None:
        cr = c2[rows]
        two = cr >= 0
        sr = np.ones(P) if s2 is None else s2[rows]
        X[cr[two], cols[two]] = flat[cr[two]].astype(np.float64) + sr[two] * t[two]
    return X.reshape(x.shape + (P,))


def _point_list(X):
    """The points of ``_batch_points`` as separate arrays (for a map)."""
    P = X.shape[-1]
    rows = np.ascontiguousarray(np.moveaxis(X, -1, 0))
    return [rows[p] for p in range(P)]


def _points(x, idx, st, H):
    """All stencil points of a sweep, in (coordinate, level, offset) order."""
    return _point_list(_batch_points(x, np.asarray(idx, dtype=np.intp), st, H))


def _accumulate(Y, idx, st, H, f0, want_s, want_q):
    """Difference quotients from values ``Y`` of shape ``(points, m)``."""
    return _kernels.batch_quotients(
        np.ascontiguousarray(Y, dtype=np.float64).reshape(-1, f0.shape[0]), f0,
        np.ascontiguousarray(H, dtype=np.float64), st.nonzero_weights, st.w0, st.n, want_s,
        st.curvature_weights if want_q else None)


def _perturbed_values(y, scalar_out):
    """``_values_at_x`` for a perturbed point: complex values become nan."""
    arr = np.asarray(y)
    if arr.dtype.kind == "c":
        arr = np.where(arr.imag == 0, arr.real, np.nan)
    return _values_at_x(arr, scalar_out)[0]


def _check_batch(Y, npts, scalar_out, out_shape, vectorized):
    Y = np.asarray(Y)
    if Y.dtype.kind == "c":
        # outside f's real domain at some points (see _kernels._load_values)
        Y = np.where(Y.imag == 0, Y.real, np.nan)
    if Y.dtype.kind not in "fiub":
        raise TypeError(f"f must return real numbers; it returned dtype {Y.dtype}")
    if vectorized:
        want = (npts,) if scalar_out else tuple(out_shape) + (npts,)
        if scalar_out and Y.shape in ((1, npts),):
            Y = Y.reshape(npts)
        if Y.shape != want:
            raise ValueError(
                f"with vectorized=True, f must return shape {want} for a batch of "
                f"{npts} points (points along the last axis); it returned {Y.shape}")
        Y = np.moveaxis(Y, -1, 0) if not scalar_out else Y
    return np.asarray(Y, dtype=np.float64).reshape(npts, -1)


def _batch_sweeper(s, x, f0, scalar_out, out_shape, vectorized, mapfn, points=None):
    """Sweep evaluating all points at once: one vectorized call or one map.

    ``points(idx, st, H)`` builds the points (``x.shape + (P,)``) when the
    rows are not single coordinates; ``mapfn=None`` without ``vectorized``
    evaluates them one by one.
    """
    call = FunctionCall(s.f, s.args, s.kwargs)
    if mapfn is None:
        mapfn = lambda func, pts: list(map(func, pts))  # noqa: E731

    def sweeper(idx, st, H, want_s, want_q=False):
        idx = np.asarray(idx, dtype=np.intp)
        X = _batch_points(x, idx, st, H) if points is None else points(idx, st, H)
        npts = X.shape[-1]
        if vectorized:
            Y = call(X)
        else:
            pts = _point_list(X)
            Y = mapfn(call, pts)
            if len(Y) != len(pts):
                raise ValueError(f"workers: the map returned {len(Y)} results for "
                                 f"{len(pts)} points; it must return one result per "
                                 "point, in order")
            Y = [_perturbed_values(y, scalar_out) for y in Y]
            for y in Y:
                if not scalar_out and y.size != f0.size:
                    raise ValueError(f"f returned {y.size} values at a perturbed point "
                                     f"but shape {out_shape} at x")
            Y = np.array(Y)
        Y = _check_batch(Y, npts, scalar_out, out_shape, vectorized)
        D, S, Q = _accumulate(Y, idx, st, H, f0, want_s, want_q)
        return D, S, Q, npts
    return sweeper


def _sweep_outcome(D, S, Q, h, nfev, st, to_engine, flags=None):
    """The sweep for the engine to continue from, or the finished result."""
    if to_engine:
        return D, S, Q, h, nfev, flags
    N = h.shape[0]
    # no error estimate: a read-only nan view, not another array of D's size
    nan = np.ndarray(D.shape, buffer=_NAN, strides=(0,) * D.ndim)
    kinds = np.empty(N, dtype=object)
    kinds.fill(st.kind)
    return _engine.EngineResult(D, nan, h, kinds, nfev, np.zeros(N, bool))


_NAN = np.full(1, np.nan)
_NAN.flags.writeable = False


def _default_sweep(s, x, f0, st, eps_f, scalar_out, out_shape, full_output):
    """Sweep every coordinate at the default step and run the curvature check.

    One compiled call (``_kernels.default_sweep``). Returns an
    ``EngineResult`` when no coordinate is flagged (and no error estimate is
    wanted), else ``(D, S, Q, h, nfev)`` for the engine to continue from.
    """
    D, S, Q, h, flags, flagged, nfev = _kernels.default_sweep(
        s.f, s.args, s.kwargs, x, st.nonzero_offsets, st.nonzero_weights, st.w0, f0, 1,
        scalar_out, out_shape, st.curvature_weights, st.curvature_w0,
        float(st.optimal_step(eps_f)), st.curvature_order, st.order, st.error_constant,
        float(comb(1 + st.order, st.order)), eps_f, _engine.DOWN_FACTOR, _engine.UP_FACTOR,
        st.curvature_weight_ratio, not full_output)
    # without full_output S and Q come reduced to one column per variable
    return _sweep_outcome(D, S, Q, h, nfev, st, flagged or full_output, flags)


def _default_sweep_batch(sweeper, x, st, eps_f, full_output, made=None):
    """``_default_sweep`` for the batch sweepers (vectorized, workers).

    ``made=(h, Y, f0, scalar_out, out_shape)``: the sweep was already
    evaluated, together with ``f(x)`` (see :func:`_vectorized_first`).
    """
    curv = st.curvature_weights is not None
    if made is None:
        h = _kernels.default_step_row(np.ascontiguousarray(x), float(st.optimal_step(eps_f)))
        D, S, Q, nfev = sweeper(np.arange(h.shape[1]), st, h, curv, curv)
    else:
        h, Y, f0, scalar_out, out_shape = made
        nfev = Y.shape[-1]
        Y = _check_batch(Y, nfev, scalar_out, out_shape, True)
        D, S, Q = _accumulate(Y, None, st, h, f0, curv, curv)
    if not curv:
        # (a finite sum is the cheap proof)
        if not math.isfinite(D.sum()) and not np.isfinite(D).all():
            # no curvature check to continue from: the engine starts over
            # (other stencils and smaller steps for the values not finite)
            return nfev
        return _sweep_outcome(D[0], None, None, h[0], nfev, st, False)
    D, S, Q, h = D[0], S[0], Q[0], h[0]
    flags, flagged = _kernels.curvature_flags(
        D, S, Q, h, 1, st.curvature_order, st.order, st.error_constant,
        float(comb(1 + st.order, st.order)), eps_f, _engine.DOWN_FACTOR, _engine.UP_FACTOR,
        st.curvature_weight_ratio)
    return _sweep_outcome(D, S, Q, h, nfev, st, flagged or full_output, flags)


def _first_probe(sweeper, xc, st, eps_f, dtype, D, S, Q, h, nfev, flags):
    """The curvature check's first probe, where it is the only one needed.

    When the default sweep flags variables only for a step that may be too
    large (flag 1, the usual outcome of the check's conservative model at a
    variable where ``f'`` is small), one sweep at ``h / 8`` of just those
    variables decides: a variable keeps its step unless the smaller step
    changes its quotient by more than both quotients' rounding (the test of
    ``_engine.refine_step``, which continues for the variables that move).
    Returns ``((D, S, Q, h), nfev, resume)``: ``resume=(moved, change, D0,
    S0, h0, nz0)`` for ``refine_step`` to continue from (``moved`` empty:
    every step is final; ``D0, S0, h0`` the moved variables' values at the
    step before, ``nz0`` the rounding of their change), or ``None`` when
    this shortcut does not apply (steps to grow, values not finite, stencils
    reaching across zero).
    """
    initial = (D, S, Q, h)
    if flags is None:
        return initial, nfev, None
    idx = _kernels.first_probe_plan(flags, xc, h, st.reach_below, st.reach_above)
    if idx is None:
        return initial, nfev, None
    if idx.size == 0:
        return initial, nfev, (idx, np.empty(0))
    Hn = _kernels.actual_steps(xc[idx], (h[idx] / _engine.PROBE_RATIO)[None, :],
                               dtype == np.float32)
    Dn, Sn, Qn, ne = sweeper(idx, st, Hn, True, True)
    Dn, Sn, Qn, hn = Dn[0], Sn[0], Qn[0], Hn[0]
    nfev += ne
    moved, diff, nz = _kernels.first_probe_moves(D, S, idx, Dn, Sn, h, hn, eps_f, st.n)
    if not moved.any():
        return initial, nfev, (idx[:0], diff[:0])
    m = idx[moved]
    # the step before, for refine_step to return to where f is noisy
    before = (D[m].copy(), S[m].copy(), h[m].copy(), nz[moved])
    if m.size:
        D[m], h[m] = Dn[moved], hn[moved]
        if S.shape[1] == Sn.shape[1]:
            S[m], Q[m] = Sn[moved], Qn[moved]
        else:        # S and Q reduced to one column per variable
            S[m, 0] = np.max(Sn[moved], axis=1)
            Q[m, 0] = np.max(np.abs(Qn[moved]), axis=1)
    return initial, nfev, (m, diff[moved]) + before


def _vectorized_first(s, st, scalar_out):
    """``f(x)`` and the default sweep of every variable in one call of a
    vectorized ``f``: ``(f0, out_shape, res_dtype, (h, Y))`` with ``Y`` the
    values at the sweep's points (``h`` planned for ``x``'s precision)."""
    x = s.x
    eps_x = _EPS_OF[x.dtype.char]
    h = _kernels.default_step_row(np.ascontiguousarray(x), float(st.optimal_step(eps_x)))
    X = _kernels.batch_points(np.ascontiguousarray(x), np.arange(x.size, dtype=np.intp), h,
                              st.nonzero_offsets, True)
    k = X.shape[1]
    Y = np.asarray(s.call(X.reshape(x.shape + (k,))))
    if Y.ndim == 0 or Y.shape[-1] != k:
        raise ValueError("with vectorized=True, f must return shape (k,) (or M + (k,)) for "
                         f"a batch of k points along the last axis; for k = {k} it "
                         f"returned shape {Y.shape}")
    y0 = Y[..., 0]
    if Y.dtype.kind == "c" and not np.any(y0.imag):
        # complex only where a point left f's real domain (``np.emath``):
        # real at x; those points become nan in ``_check_batch``
        y0 = y0.real
    f0, out_shape, res_dtype = _values_at_x(y0, scalar_out)
    return f0, out_shape, res_dtype, (h, Y[..., 1:])


def _f_at_x(s, scalar_out, vectorized):
    """``f(x)`` checked by :func:`_values_at_x`; a batch of one with ``vectorized``."""
    x = s.x
    if vectorized:
        Y0 = np.asarray(s.call(x[..., None]))
        if Y0.ndim == 0 or Y0.shape[-1] != 1:
            raise ValueError("with vectorized=True, f must return shape (k,) (or M + "
                             "(k,)) for a batch of k points along the last axis; for "
                             f"k = 1 it returned shape {Y0.shape}")
        y0 = Y0[..., 0]
    else:
        y0 = s.call(x.copy())
    return _values_at_x(y0, scalar_out)


def check_direction(v, shape):
    """``v`` as a finite float64 array of ``shape`` (the direction of jvp/hvp)."""
    try:
        vv = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("v must be an array of real numbers with x's shape") from None
    if vv.shape != shape:
        raise ValueError(f"v must have x's shape {shape}; got shape {vv.shape}")
    if not np.all(np.isfinite(vv)):
        raise ValueError("v must be finite")
    return vv


_SERIAL = contextlib.nullcontext(None)     # ``mapper(None)``, reusable


def _run_coordinates(s, scalar_out, vectorized, workers):
    """Gradient/Jacobian driver. Returns (value (N, m), info pieces)."""
    x = s.x
    vectorized = V.check_bool(vectorized, "vectorized")
    with (_SERIAL if workers is None else mapper(workers)) as mapfn:
        st = get_stencil(s.method, 1, s.order)
        made = None
        if (vectorized and s.step is None and not s.adaptive and s.bounds is None
                and not s.full_output):
            # f(x) in the same call as the default sweep
            f0, out_shape, res_dtype, made = _vectorized_first(s, st, scalar_out)
        else:
            f0, out_shape, res_dtype = _f_at_x(s, scalar_out, vectorized)
        if scalar_out:
            out_shape = ()
        eps_f = _eps(x.dtype, res_dtype)
        wasted = 0
        if made is not None and eps_f != _EPS_OF[x.dtype.char]:
            # f computes in a lower precision than x: the steps differ
            wasted, made = made[1].shape[-1], None
        if vectorized or mapfn is not None:
            sweeper = _batch_sweeper(s, x, f0, scalar_out, out_shape, vectorized, mapfn)
        else:
            sweeper = _coord_sweeper(s, x, f0, False, scalar_out, out_shape)
        xc = x.reshape(-1).astype(np.float64)
        step = None if s.step is None else s.step.reshape(-1)
        initial = resume = None
        batch = vectorized or mapfn is not None
        if (step is None and not s.adaptive and s.bounds is None
                and (st.curvature_weights is not None or (batch and not s.full_output))
                and (math.isfinite(f0[0]) if f0.size == 1 else np.isfinite(f0).all())
                and not (s.full_output and xc.size > 1
                         and xc.size * f0.size > BLOCK_ELEMENTS)):
            # Common case: one compiled sweep at the default step; the
            # engine is only entered when the curvature check flags a
            # coordinate (and then reuses this sweep). A stencil without
            # curvature weights (order-1 forward differences) has no check.
            if batch:
                res = _default_sweep_batch(
                    sweeper, x, st, eps_f, s.full_output,
                    None if made is None else made + (f0, scalar_out, out_shape))
                made = None
            else:
                res = _default_sweep(s, x, f0, st, eps_f, scalar_out, out_shape,
                                     s.full_output)
            if isinstance(res, int):
                wasted += res
            elif isinstance(res, tuple):
                initial, init_nfev, resume = _first_probe(sweeper, xc, st, eps_f, x.dtype,
                                                          *res)
                if resume is not None and resume[0].size == 0 and not s.full_output:
                    # every flagged variable kept its step: done
                    res = _sweep_outcome(*initial, init_nfev, st, False)
                    res.nfev += 1
                    return res, out_shape, res_dtype
            else:
                res.nfev += 1
                return res, out_shape, res_dtype
        if made is not None:          # made with f(x), not usable here
            wasted += made[1].shape[-1]
        sigma, extra = (_measured_noise(s, x, f0, vectorized, mapfn) if s.full_output
                        else (None, 0))
        if initial is None and xc.size > 1 and xc.size * f0.size > BLOCK_ELEMENTS:
            res = _run_blocks(sweeper, xc, step, s, eps_f, x.dtype, res_dtype, f0, sigma)
        else:
            res = _engine.run(sweeper, xc, step, kind=s.method, n=1, order=s.order,
                              adaptive=s.adaptive, want_error=s.full_output,
                              bounds=_bounds_flat(s), eps_f=eps_f, dtype=x.dtype,
                              f0_finite=np.isfinite(f0), initial=initial, resume=resume,
                              value_dtype=res_dtype)
            _raise_to_noise(res, s, sigma)
        if initial is not None:
            res.nfev += init_nfev
        res.nfev += extra + wasted
    res.nfev += 1
    return res, out_shape, res_dtype


#: The measured noise enters first-derivative bounds as NOISE_FACTOR sigma W / h
#: (one sigma per value, like the engine's own eps |f| per value).
NOISE_FACTOR = 1.0


def _measured_noise(s, x, f0, vectorized, mapfn):
    """``(sigma, evaluations)``: the measured noise of every output of ``f``.

    The engine's rounding bound assumes each value of ``f`` is off by
    ``eps |f|``; long sums and terms that cancel (``np.cumsum``, residuals
    near zero) carry far more. ECnoise (``_hessian.noise_level``, seven
    evaluations) measures it per output.
    """
    from ._hessian import noise_level
    if not np.all(np.isfinite(f0)):
        return None, 0
    call = FunctionCall(s.f, s.args, s.kwargs) if mapfn is not None else s.call
    sigma, extra = noise_level(call, x, f0, vectorized=vectorized, mapfn=mapfn,
                               bounds=s.bounds, scalar=False)
    if not np.all(np.isfinite(sigma)) or not np.any(sigma > 0):
        return None, extra
    return sigma, extra


def _raise_to_noise(res, s, sigma):
    """Raise the rounding part of the bounds ``res.error`` to ``sigma W / h``.

    ``W`` is the sum of the stencil's absolute weights; the bound is never
    lowered. Works a block of variables at a time (no temporary of the
    Jacobian's size).
    """
    if sigma is None or res.error is None:
        return
    w = np.array([get_stencil(k, 1, s.order).abs_weight_sum for k in res.kind])
    a = NOISE_FACTOR * w / res.step
    eps = np.finfo(np.float64).eps
    n = res.error.shape[0]
    for b0 in range(0, n, 256):
        sl = slice(b0, min(n, b0 + 256))
        E = res.error[sl]
        noise = a[sl, None] * sigma[None, :]
        if res.trunc is None:
            rho = np.zeros_like(E)
        else:
            rho = np.maximum(E - np.nan_to_num(res.trunc[sl], nan=0.0)
                             - eps * np.abs(res.value[sl]), 0.0)
        E += np.maximum(noise - rho, 0.0)


#: Work on at most about this many (variable, output) elements at a time:
#: the engine's temporaries (levels, rounding sums, Richardson tables) then
#: stay far below the size of a large Jacobian.
BLOCK_ELEMENTS = 1 << 16


def _run_blocks(sweeper, xc, step, s, eps_f, dtype, value_dtype, f0, sigma=None):
    """``_engine.run`` over blocks of variables, into preallocated results."""
    N, m = xc.size, f0.size
    block = max(1, BLOCK_ELEMENTS // m)
    bounds = _bounds_flat(s)
    value = np.empty((N, m))
    error = np.empty((N, m))
    step_used = np.empty(N)
    kind = np.empty(N, dtype=object)
    failed = np.zeros(N, bool)
    nfev, bad = 0, 0
    for b0 in range(0, N, block):
        idx_b = np.arange(b0, min(N, b0 + block))

        def sub(idx, st, H, want_s, want_q=False, idx_b=idx_b):
            return sweeper(idx_b[idx], st, H, want_s, want_q)
        r = _engine.run(sub, xc[idx_b], None if step is None else step[idx_b],
                        kind=s.method, n=1, order=s.order, adaptive=s.adaptive,
                        want_error=s.full_output,
                        bounds=None if bounds is None else (bounds[0][idx_b],
                                                            bounds[1][idx_b]),
                        eps_f=eps_f, dtype=dtype, f0_finite=np.isfinite(f0),
                        value_dtype=value_dtype)
        _raise_to_noise(r, s, sigma)
        value[idx_b], error[idx_b] = r.value, r.error
        step_used[idx_b], kind[idx_b], failed[idx_b] = r.step, r.kind, r.failed
        nfev += r.nfev
        bad = r.bad_outputs
        del r
    return _engine.EngineResult(value, error, step_used, kind, nfev, failed, bad)


# ------------------------------------------------------------- public API
def derivative(f, x, *, n=1, method="central", order=2, step=None, adaptive=False,
               bounds=None, args=(), kwargs=None, full_output=False):
    """Derivative of order ``n`` of a scalar function, elementwise.

    Parameters
    ----------
    f : callable
        ``f(x, *args, **kwargs)``, a scalar-to-scalar function. When ``x`` is
        an array, ``f`` is applied to whole arrays elementwise (as numpy ufuncs
        are) and must return an array of ``x``'s shape.
    x : float or array_like
        Point(s) of differentiation. Integers and lists become float64;
        float32 stays float32.
    n : int, optional
        Derivative order, 1 to 8.
    method : {"central", "forward", "backward", "3-point", "2-point"}, optional
        Finite-difference stencil.
    order : int, optional
        Accuracy order ``p`` of the stencil: truncation error ``O(h**p)``.
        Even for ``"central"``.
    step : float or array_like, optional
        Absolute step; ``None`` for the default rule (see
        :doc:`/user_guide/steps`). With ``adaptive=True`` it is the centre of
        the step sequence.
    adaptive : bool, optional
        Richardson extrapolation over a geometric sequence of steps, keeping
        the estimate with the smallest estimated error.
    bounds : tuple (lb, ub), optional
        No point outside ``[lb, ub]`` is evaluated: near a bound the stencil
        becomes one-sided (and shorter when it must).
    args, kwargs : tuple, dict, optional
        Extra arguments of ``f``.
    full_output : bool, optional
        Also return a :class:`DiffInfo` with an error estimate per element.

    Returns
    -------
    d : float or ndarray
        ``f^(n)(x)``, with ``x``'s shape; dtype is ``f``'s result type.
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    TypeError
        ``f`` not callable, ``x`` not real, ``f`` returning non-numbers.
    ValueError
        Unknown ``method``, ``order`` or ``n`` out of range, non-finite or
        empty ``x``, bad ``step`` or ``bounds``, ``x`` outside ``bounds``,
        ``f`` returning the wrong shape.

    See Also
    --------
    gradient, jacobian, jvp

    Notes
    -----
    The stencil weights come from Fornberg's algorithm [1]_. Without
    ``adaptive`` one stencil is evaluated at the default step ``h_opt``, an
    absolute step balancing truncation and rounding for the working
    precision; the values it produces are then checked for curvature and
    rounding, and the step is shrunk or grown where they show it is wrong for
    the scale of ``f`` [4]_ (see :doc:`/user_guide/steps`). ``full_output``
    adds one stencil at ``2h`` to estimate the truncation error. With ``adaptive=True`` ten steps in ratio
    2 are combined by Richardson extrapolation [2]_, [3]_ and the entry with
    the smallest estimated error (truncation from neighbouring entries, times
    a safety factor, plus a rounding bound) is returned.

    Non-finite values of ``f`` at a stencil point make numdiff retry that
    element with one-sided and smaller stencils; what still fails is ``nan``,
    reported in ``info`` and warned about once.
    {references}
    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> float(nd.derivative(np.sin, 1e4) - np.cos(1e4)) < 1e-8
    True
    >>> nd.derivative(np.log, [1e-3, 1.0, 10.0])
    array([1.e+03, 1.e+00, 1.e-01])
    >>> d, info = nd.derivative(np.exp, 0.5, n=2, adaptive=True, full_output=True)
    >>> bool(abs(d - np.exp(0.5)) <= info.error < 1e-9)
    True
    """
    if method == "dual":
        _check_dual_options(x, step, bounds)
        return _dual.derivative(f, x, n, args, kwargs, V.check_bool(full_output,
                                                                  "full_output"), order)
    fast = _scalar_fast_path(f, x, n, method, order, step, adaptive, bounds, args,
                             kwargs, full_output)
    declined = 0
    if type(fast) is int:
        declined, fast = fast, None
    if fast is not None:
        return fast
    if (method in ("complex", "cs") and type(x) is float and n == 1 and step is None
            and bounds is None and callable(f) and isinstance(args, tuple)
            and (kwargs is None or isinstance(kwargs, dict)) and math.isfinite(x)
            and type(full_output) is bool):
        fast = _complex.scalar_fast(f, x, args, kwargs or {}, full_output)
        if fast is not None:
            return fast
    s = _Setup(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output)
    n = V.check_int(n, "n", 1, 8)
    if s.method == "complex":
        return _complex.derivative(s, n)
    x = s.x
    xc = x.reshape(-1).astype(np.float64)
    step = None if s.step is None else s.step.reshape(-1)
    scalar = x.ndim == 0
    if scalar:
        pt0 = np.float32(x[()]) if x.dtype == np.float32 else float(x[()])
        f0, _, res_dtype = _values_at_x(s.call(pt0), True)
        sweeper = _coord_sweeper(s, x, f0, True, True, ())
    else:
        y0 = np.asarray(s.call(x.copy()))
        if y0.shape != x.shape:
            raise ValueError(f"f must be elementwise: for x of shape {x.shape} it must "
                             f"return that shape; it returned {y0.shape} (use gradient "
                             "or jacobian for functions of a whole array)")
        f0, _, res_dtype = _values_at_x(y0, False)
        sweeper = _elementwise_sweeper(s, x, f0)
        f0 = f0.reshape(-1)
    eps_f = _eps(x.dtype, res_dtype)
    res = _engine.run(sweeper, xc, step, kind=s.method, n=n, order=s.order,
                      adaptive=s.adaptive, want_error=s.full_output,
                      bounds=_bounds_flat(s), eps_f=eps_f, dtype=x.dtype,
                      f0_finite=np.ones(1, bool) if scalar else np.ones(1, bool),
                      value_dtype=res_dtype)
    if not scalar:
        bad0 = ~np.isfinite(f0)
        res.value[bad0] = np.nan
        res.error[bad0] = np.nan
        res.failed |= bad0
    res.nfev += x.size + declined
    _engine.warn_failed(res)
    value = res.value[:, 0].reshape(x.shape)
    out = _finish(value, res_dtype)
    if not s.full_output:
        return out
    info = _info(s, res, x.shape, res.error[:, 0], res.nfev, x.shape,
                 f"{int(res.failed.sum())} element(s) could not be computed: f was not "
                 "finite at their stencil points")
    return out, info


_EPS64 = float(np.finfo(np.float64).eps)


def _scalar_fast_path(f, x, n, method, order, step, adaptive, bounds, args, kwargs,
                      full_output):
    """The compiled path for a float ``x`` with default options, or ``None``.

    Only plain, already-valid arguments qualify; anything else (and any case
    where the compiled kernel declines) goes through the general engine,
    which also produces the error messages. Where the kernel declines after
    evaluating ``f``, the number of those evaluations (an int) is returned,
    for the engine's count.
    """
    if not (isinstance(x, (float, int)) and not isinstance(x, bool)
            and step is None and bounds is None and type(args) is tuple
            and (kwargs is None or type(kwargs) is dict)
            and (adaptive is True or adaptive is False)
            and (full_output is False or (full_output is True and adaptive))
            and type(n) is int and type(order) is int and 1 <= n <= 8
            and type(method) is str and callable(f)):
        return None
    kind = V.METHOD_ALIASES.get(method)
    if kind not in V.FD_METHODS or order < 1 or order > 16 or (
            kind == "central" and order % 2):
        return None
    try:
        x = float(x)
    except OverflowError:
        return None
    if not math.isfinite(x):
        return None
    st = get_stencil(kind, n, order)
    if adaptive and st.curvature_weights is None:
        return None     # the engine pilots two-point stencils with order + 1
    cached = _FAST.get((kind, n, order))
    if cached is None:
        h_def = st.optimal_step(_EPS64)
        hmid = _EPS64 ** (1.0 / (n + order + ADAPTIVE_EXTRAP * st.exponent_step))
        top = hmid * ADAPTIVE_RATIO ** (ADAPTIVE_LEVELS // 2 - 1)
        params = (st.nonzero_offsets, st.nonzero_weights, st.w0, st.curvature_weights,
                  st.curvature_w0, st.curvature_order or 0, n, order, st.exponent_step,
                  st.error_constant, float(comb(n + order, order)), h_def, _EPS64,
                  _engine.rounding_quantum(np.float64) * st.abs_weight_sum)
        cached = _FAST[(kind, n, order)] = (params, top)
    params, top = cached
    if 8.0 * math.ulp(x) > params[11]:
        # the engine's floor of 8 spacings (|x| > 1e10 or so)
        params = params[:11] + (8.0 * math.ulp(x),) + params[12:]
    r = _kernels.scalar_derivative(
        f, x, args, kwargs if kwargs else None, *params, adaptive, ADAPTIVE_LEVELS,
        ADAPTIVE_RATIO, ADAPTIVE_EXTRAP, min(top, 0.5 * max(1.0, abs(x)) / st.reach),
        _engine.SAFETY, _engine.DOWN_FACTOR, _engine.UP_FACTOR, st.curvature_weight_ratio)
    if type(r) is int:
        return r            # the evaluations spent before declining
    value, err, h, nfev, S = r
    if not full_output:
        return np.float64(value)
    if adaptive:
        # as the engine reports it: with the rounding of a scaled argument
        err = float(_engine._argument_rounding(
            np.array([[err]]), np.array([[value]]), np.array([[S]]), np.array([[h]]),
            np.array([x]), st, _EPS64, _engine._richardson_gain(st, ADAPTIVE_EXTRAP))[0, 0])
    info = DiffInfo(error=np.float64(err), nfev=nfev, step=np.float64(h), method=kind,
                    order=order, success=True, message="derivative computed",
                    stencil=kind)
    return np.float64(value), info


#: Per (kind, n, order): the scalar kernel's stencil parameters and adaptive top step.
_FAST = {}


def _elementwise_sweeper(s, x, f0):
    """Vectorised sweep: all elements are perturbed in one call per point.

    ``nfev`` counts points: each call evaluates ``f`` at ``x.size`` points.
    """
    flat0 = x.reshape(-1)

    def values(idx, c, h):
        p = flat0.copy()
        p[idx] = (flat0[idx] + c * h).astype(x.dtype)
        y = np.asarray(s.call(p.reshape(x.shape)))
        if y.dtype.kind == "c":
            y = np.where(y.imag == 0, y.real, np.nan)   # left the real domain
        if y.dtype.kind not in "fiub":
            raise TypeError(f"f must return real numbers; it returned dtype {y.dtype}")
        if y.shape != x.shape:
            raise ValueError(f"f must be elementwise: for x of shape {x.shape} it must "
                             f"return that shape; it returned {y.shape}")
        return y.reshape(-1)[idx].astype(np.float64)

    def sweeper(idx, st, H, want_s, want_q=False):
        J, nc = H.shape
        D = np.empty((J, nc, 1))
        S = np.empty((J, nc, 1)) if want_s else None
        Q = np.empty((J, nc, 1)) if want_q else None
        base = f0[idx]
        qw = st.curvature_weights if want_q else np.zeros(st.nonzero_offsets.size)
        for j in range(J):
            Y = [values(idx, c, H[j]) for c in st.nonzero_offsets]
            # non-finite values are expected here (the engine retries them)
            with np.errstate(invalid="ignore", over="ignore"):
                acc = 0.0
                sabs = abs(st.w0) * np.abs(base)
                qacc = 0.0
                for y, w, qk in zip(Y, st.nonzero_weights, qw):
                    y = y - base          # weights sum to zero
                    acc = acc + w * y
                    sabs = sabs + np.abs(w * (y + base))
                    if qk:
                        qacc = qacc + qk * y
                D[j, :, 0] = acc / H[j] ** st.n
            if want_s:
                S[j, :, 0] = sabs
            if want_q:
                Q[j, :, 0] = qacc
        return D, S, Q, J * st.nonzero_offsets.size * flat0.size
    return sweeper


def gradient(f, x, *, method="central", order=2, step=None, adaptive=False, bounds=None,
             args=(), kwargs=None, full_output=False, vectorized=False, workers=None,
             chunk_size=None):
    """Gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x, *args, **kwargs)`` returning a scalar (a float, a 0-d array
        or a size-1 array).
    x : array_like
        Point of any shape; integer and list input become float64.
    method, order, step, adaptive, bounds, args, kwargs, full_output
        As in :func:`derivative`; ``step`` is per variable.
    vectorized : bool, optional
        ``f`` accepts a batch of shape ``x.shape + (k,)`` (one point per
        last-axis slice) and returns shape ``(k,)``; all perturbed points of
        a sweep are then evaluated in one call.
    workers : int or map-like callable, optional
        ``None``/``1`` serial; ``k > 1`` or ``-1`` a process pool that
        numdiff creates and closes; or a callable ``workers(func, points)``
        such as ``concurrent.futures.Executor.map``, called once per sweep
        with the list of points.

    Returns
    -------
    g : ndarray
        Shape ``x.shape``.
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`derivative`; also when ``f`` does not return a scalar.

    See Also
    --------
    derivative, jacobian

    Notes
    -----
    Central differences of order 2 cost ``2 n + 1`` evaluations (``n =
    x.size``), forward and backward ``order * n + 1`` (``n + 1`` for
    ``order=1``, SciPy's ``"2-point"``); the curvature check of the default
    step adds two evaluations per variable it flags; ``full_output`` doubles the stencil
    evaluations to estimate the error and ``adaptive=True`` uses ten steps
    per variable. The loop that builds the points and calls ``f`` is
    compiled; each call gets a fresh array.
    {references}
    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> def rosen(x):
    ...     return np.sum(100.0 * (x[1:] - x[:-1]**2)**2 + (1 - x[:-1])**2)
    >>> g = nd.gradient(rosen, [1.0, 2.0, 3.0])
    >>> np.allclose(g, [-400.0, 1002.0, -200.0], rtol=1e-8)
    True
    """
    if method == "dual":
        _check_dual_options(x, step, bounds, workers, vectorized)
        return _dual.gradient(f, x, args, kwargs, V.check_bool(full_output, "full_output"),
                              chunk_size, order)
    s = _Setup(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output)
    if s.method == "complex":
        D, E, nfev, _, res_dtype, h = _complex.coordinates(
            s, True, vectorized, mapper(workers), V.check_bool)
        out = _finish(D[:, 0].reshape(s.x.shape), res_dtype)
        if not s.full_output:
            return out
        return out, _complex.info(E[:, 0].reshape(s.x.shape), nfev, h.reshape(s.x.shape),
                                  s.order)
    res, _, res_dtype = _run_coordinates(s, True, vectorized, workers)
    _engine.warn_failed(res, "variable")
    out = _finish(res.value[:, 0].reshape(s.x.shape), res_dtype)
    if not s.full_output:
        return out
    info = _info(s, res, s.x.shape, res.error[:, 0], res.nfev, s.x.shape,
                 f"{int(res.failed.sum())} component(s) could not be computed: f was "
                 "not finite at their stencil points")
    return out, info


def jacobian(f, x, *, method="central", order=2, step=None, adaptive=False, bounds=None,
             args=(), kwargs=None, full_output=False, vectorized=False, workers=None,
             sparsity=None, chunk_size=None):
    """Jacobian of a vector function.

    Parameters
    ----------
    f : callable
        ``f(x, *args, **kwargs)`` returning an array of shape ``M`` (the same
        at every point).
    x : array_like
        Point of any shape.
    method, order, step, adaptive, bounds, args, kwargs, full_output, vectorized, workers
        As in :func:`gradient`; with ``vectorized=True`` ``f`` returns
        ``M + (k,)`` for a batch of ``k`` points.
    sparsity : array_like, scipy.sparse array or (structure, groups), optional
        The nonzero structure of the ``(m, n)`` Jacobian (``m`` values of
        ``f``, ``n`` elements of ``x``), dense 0/1 or ``scipy.sparse``, or a
        pair of that structure and precomputed column groups (from
        :func:`~numdiff.differentiate.column_groups`, to reuse across calls).
        Columns with no nonzero row in common are differenced together: a
        central Jacobian then costs ``2 k + 1`` evaluations for ``k``
        groups, and the result is a ``scipy.sparse.csr_array``. Finite
        differences only.

    Returns
    -------
    J : ndarray or scipy.sparse.csr_array
        Shape ``M + x.shape``: ``(m, n)`` for 1-D output and input, ``(n,)``
        for scalar output; with ``sparsity`` a ``csr_array`` of shape
        ``(m, n)`` with exactly the structure's nonzeros.
    info : DiffInfo
        Only with ``full_output=True``; ``error`` has ``J``'s shape (a
        ``csr_array`` with ``sparsity``).

    Raises
    ------
    TypeError, ValueError
        As for :func:`derivative`; also when ``f`` changes its output shape.

    See Also
    --------
    gradient, jvp

    Notes
    -----
    Variables are perturbed one at a time; central differences cost
    ``2 n + 1`` evaluations. With ``sparsity``, the columns are grouped by a
    greedy colouring of the column intersection graph over three orderings
    (natural, largest-first, smallest-last; Coleman and Moré 1983), which
    finds the optimal 3 groups of a tridiagonal structure, and each group is
    one direction of the same engine (Curtis, Powell and Reid 1974).
    {references}
    .. [5] A. R. Curtis, M. J. D. Powell and J. K. Reid, "On the estimation
       of sparse Jacobian matrices", J. Inst. Math. Appl. 13 (1974), 117-119.
    .. [6] T. F. Coleman and J. J. Moré, "Estimation of sparse Jacobian
       matrices and graph coloring problems", SIAM J. Numer. Anal. 20
       (1983), 187-209.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> J = nd.jacobian(lambda x: np.array([x[0] * x[1], np.sin(x[0])]), [1.0, 2.0])
    >>> np.allclose(J, [[2.0, 1.0], [np.cos(1.0), 0.0]], rtol=1e-9, atol=1e-12)
    True

    A tridiagonal Jacobian in 7 evaluations, whatever ``n``:

    >>> calls = []
    >>> def f(x):
    ...     calls.append(1)
    ...     return (3 - 2 * x) * x - np.r_[0, x[:-1]] - 2 * np.r_[x[1:], 0] + 1
    >>> n = 100
    >>> structure = np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)
    >>> J = nd.jacobian(f, np.zeros(n), sparsity=structure)
    >>> J.format, J.nnz, len(calls)
    ('csr', 298, 7)
    """
    if sparsity is not None:
        if method in ("dual", "complex", "cs"):
            raise ValueError("sparsity= works with method='central', 'forward' or "
                             f"'backward'; got method={method!r}")
        s = _Setup(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output)
        return _sparse_result(s, sparsity, vectorized, workers)
    if method == "dual":
        _check_dual_options(x, step, bounds, workers, vectorized)
        return _dual.jacobian(f, x, args, kwargs, V.check_bool(full_output, "full_output"),
                              chunk_size, order)
    s = _Setup(f, x, method, order, step, adaptive, bounds, args, kwargs, full_output)
    if s.method == "complex":
        D, E, nfev, out_shape, res_dtype, h = _complex.coordinates(
            s, False, vectorized, mapper(workers), V.check_bool)
        shape = tuple(out_shape) + s.x.shape
        out = _finish(D.T.reshape(shape), res_dtype)
        if not s.full_output:
            return out
        return out, _complex.info(E.T.reshape(shape), nfev, h.reshape(s.x.shape), s.order)
    res, out_shape, res_dtype = _run_coordinates(s, False, vectorized, workers)
    _engine.warn_failed(res, "variable")
    shape = tuple(out_shape) + s.x.shape
    out = _finish(res.value.T.reshape(shape), res_dtype)
    if not s.full_output:
        return out
    info = _info(s, res, s.x.shape, res.error.T, res.nfev, shape,
                 f"{int(res.failed.sum())} column(s) could not be computed: f was not "
                 "finite at their stencil points")
    return out, info


def _sparse_result(s, sparsity, vectorized, workers):
    from ._sparse import sparse_jacobian
    J, E, res, res_dtype, groups = sparse_jacobian(s, sparsity, vectorized, workers)
    _engine.warn_failed(res, "column group")
    J = J.astype(res_dtype) if res_dtype != np.float64 else J
    if not s.full_output:
        return J
    success = not res.failed.any() and not res.bad_outputs and bool(
        np.all(np.isfinite(E.data)))
    message = ("derivative computed" if success else
               "f(x) is not finite for some outputs" if res.bad_outputs else
               "some column groups could not be computed: f was not finite at their "
               "stencil points" if res.failed.any() else "some error estimates are not finite")
    return J, DiffInfo(error=E, nfev=res.nfev, step=res.step[groups].reshape(s.x.shape),
                       method=s.method, order=s.order, success=success, message=message,
                       stencil=res.kind[groups].astype(str).reshape(s.x.shape))


def jvp(f, x, v, *, method="central", order=2, step=None, adaptive=False, bounds=None,
        args=(), kwargs=None, full_output=False, vectorized=False, workers=None):
    """Jacobian-vector product ``J(x) @ v`` (a directional derivative).

    Parameters
    ----------
    f : callable
        ``f(x, *args, **kwargs)`` returning a scalar or an array of shape
        ``M``.
    x : array_like
        Point of any shape.
    v : array_like
        Direction, same shape as ``x``.
    step : float, optional
        Step along ``v`` (in units of ``t`` in ``f(x + t v)``); ``None`` for
        the default rule, which keeps every component of ``t v`` within the
        default step of that variable.
    method, order, adaptive, bounds, args, kwargs, full_output
        As in :func:`derivative`.
    vectorized, workers
        Accepted for signature compatibility with :func:`gradient`; a
        directional derivative needs only a handful of evaluations, which are
        made serially.

    Returns
    -------
    jv : float or ndarray
        Shape ``M`` (a scalar for scalar ``f``).
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`derivative`; also when ``v`` does not have ``x``'s
        shape or is not finite.

    Notes
    -----
    The directional derivative ``d/dt f(x + t v)`` at ``t = 0`` costs as
    many evaluations as a scalar derivative, whatever ``x.size``.
    {references}
    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: np.array([x[0] ** 2, x[0] * x[1]])
    >>> np.allclose(nd.jvp(f, [1.0, 2.0], [1.0, 0.0]), [2.0, 2.0])
    True
    """
    if method == "dual":
        _check_dual_options(x, None if step is None else step, bounds, workers, vectorized)
        return _dual.jvp(f, x, v, args, kwargs, V.check_bool(full_output, "full_output"),
                         order)
    s_step = step
    if step is not None and np.ndim(step) != 0:
        raise ValueError("step must be a positive float for jvp (the step along v)")
    s = _Setup(f, x, method, order, None, adaptive, bounds, args, kwargs, full_output)
    V.check_bool(vectorized, "vectorized")
    check_workers(workers)
    vv = check_direction(v, s.x.shape)
    if s.method == "complex":
        if s_step is not None:
            V.check_step(s_step, np.zeros(()))
        return _complex.jvp(s, vv, s_step)
    x = s.x
    y0 = s.call(x.copy())
    f0, out_shape, res_dtype = _values_at_x(y0, False)
    vmax = np.max(np.abs(vv))
    if vmax == 0:
        out = _finish(np.zeros(out_shape), res_dtype)
        if not s.full_output:
            return out
        info = DiffInfo(error=_finish(np.zeros(out_shape), np.float64), nfev=1, step=0.0,
                        method=s.method, order=s.order, success=True,
                        message="v is zero: the product is zero", stencil=s.method)
        return out, info
    eps_f = _eps(x.dtype, res_dtype)
    nz = vv != 0
    # Scale of t: t * v_i stays within the scale of every variable it moves.
    t_scale = np.min(step_scale(x.astype(np.float64)[nz]) / np.abs(vv[nz]))
    # f rounds each moved x_i, an error of about eps |x_i df/dx_i|; in units
    # of t that is the argument rounding of a scalar derivative at the mean
    # of |x_i / v_i| weighted by v_i**2: the rounding of x projected on v
    # (exact for a coordinate direction; a tiny component of v, whose own
    # ratio is huge, weighs little).
    xv = np.abs(x.astype(np.float64) * vv)
    t_round = float(np.sum(xv / vmax) / np.sum((vv / vmax) ** 2) / vmax)
    base = None
    if s_step is not None:
        base = np.atleast_1d(V.check_step(s_step, np.zeros(())))
    t_bounds = None
    if s.bounds is not None:
        lb, ub = (b.astype(np.float64) for b in s.bounds)
        xd = x.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(vv > 0, (ub - xd) / vv, np.where(vv < 0, (lb - xd) / vv, np.inf))
            dn = np.where(vv > 0, (xd - lb) / vv, np.where(vv < 0, (xd - ub) / vv, np.inf))
        tlo, thi = -np.min(dn), np.min(up)
        if not thi > tlo:
            raise ValueError("bounds: x is at a corner of the box where v points out of it "
                             "in both directions; no step along v stays inside")
        t_bounds = (np.array([tlo]), np.array([thi]))

    def sweeper(idx, st, H, want_s, want_q=False):
        J = H.shape[0]
        m = f0.size
        D = np.empty((J, 1, m))
        S = np.empty((J, 1, m)) if want_s else None
        Q = np.empty((J, 1, m)) if want_q else None
        nfev = 0
        qw = st.curvature_weights if want_q else np.zeros(st.nonzero_offsets.size)
        for j in range(J):
            acc = 0.0
            sabs = np.abs(st.w0 * f0)
            qacc = 0.0
            for c, w, qk in zip(st.nonzero_offsets, st.nonzero_weights, qw):
                p = (x + (c * H[j, 0]) * vv).astype(x.dtype)
                if s.bounds is not None:
                    # rounding of x + t v may land an ulp outside the box
                    p = np.clip(p, s.bounds[0], s.bounds[1]).astype(x.dtype)
                yv = np.asarray(s.call(p))
                if yv.dtype.kind == "c":
                    yv = np.where(yv.imag == 0, yv.real, np.nan)
                y, shp, _ = _values_at_x(yv, False)
                nfev += 1
                if shp != out_shape:
                    raise ValueError(f"f returned shape {shp} at a perturbed point but "
                                     f"{out_shape} at x")
                acc = acc + w * (y - f0)      # weights sum to zero
                sabs = sabs + np.abs(w * y)
                qacc = qacc + qk * (y - f0)
            D[j, 0] = acc / H[j, 0] ** st.n
            if want_s:
                S[j, 0] = sabs
            if want_q:
                Q[j, 0] = qacc
        return D, S, Q, nfev

    res = _engine.run(sweeper, np.zeros(1), base, kind=s.method, n=1, order=s.order,
                      adaptive=s.adaptive, want_error=s.full_output, bounds=t_bounds,
                      eps_f=eps_f, dtype=np.dtype(np.float64), f0_finite=np.isfinite(f0),
                      scale=np.array([t_scale]), rounding_x=np.array([t_round]),
                      value_dtype=res_dtype)
    res.nfev += 1
    _engine.warn_failed(res, "direction")
    out = _finish(res.value[0].reshape(out_shape), res_dtype)
    if not s.full_output:
        return out
    info = _info(s, res, (), res.error[0], res.nfev, tuple(out_shape),
                 "the directional derivative could not be computed: f was not finite "
                 "at the stencil points")
    return out, info


for _fn in (derivative, gradient, jacobian, jvp):
    _fn.__doc__ = _fn.__doc__.replace("{references}", _REFERENCES)
del _fn
