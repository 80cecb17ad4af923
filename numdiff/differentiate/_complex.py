"""The complex-step derivative (Squire & Trapp 1998; Martins et al. 2003).

For ``f`` analytic and real on the real axis,

    f(x + i h) = f(x) + i h f'(x) - h**2 f''(x) / 2 - i h**3 f'''(x) / 6 + ...

so ``Im f(x + i h) / h`` is ``f'(x)`` with a truncation error ``h**2 f'''/6``
and *no subtractive cancellation*: with ``h = 1e-20`` (float64) the result is
exact to rounding, whatever ``|x|``. Each derivative costs one evaluation
(``n`` for a gradient), plus three real evaluations -- ``f(x)`` and two
forward differences along one direction -- that check the function is
complex-step safe.

Safety checks (each raises ``ValueError`` naming ``method="central"``):

* ``f`` raises on complex input;
* ``f`` returns real values for complex input (it dropped the imaginary part:
  ``float()``, ``.real``, writing into a float array);
* the complex-step derivative disagrees with forward differences of the real
  function along one direction (``abs``, max/min, comparisons or branches
  inside ``f``); the rounding allowed for includes the drift of
  ``Re f(x + i h)`` from ``f(x)``, which shows how ``f`` rounds when it is a
  small difference of large terms.

What cannot be detected: operations that keep the value but lose the
imaginary part's meaning (``abs(x)`` at ``x != 0`` on the real line changes
``Im`` but not ``Re``). See the Limitations page of the user guide.
"""
import math
import warnings

import numpy as np

from .._info import DiffInfo
from . import _kernels
from .._workers import FunctionCall

__all__ = ["complex_step_points", "evaluate", "call_complex", "real_part_drift",
           "error_bound", "info", "default_step", "complex_dtype", "STEP64", "STEP32"]

#: Default imaginary steps: small enough that ``h**2 f'''`` vanishes next to
#: rounding, large enough that ``h f'`` stays normal.
STEP64 = 1e-20
EPS64 = float(np.finfo(np.float64).eps)
STEP32 = 1e-10

_HOW = _kernels._CS_HOW


def complex_dtype(x_dtype):
    return np.dtype(np.complex64) if x_dtype == np.float32 else np.dtype(np.complex128)


def default_step(x_dtype):
    return STEP32 if x_dtype == np.float32 else STEP64


def call_complex(call, z):
    """``f(z)`` for a complex point, turning failures into the contract's error."""
    try:
        y = call(z)
    except Exception as exc:  # noqa: BLE001 - re-raised with the way out
        raise ValueError(
            f"method='complex' needs f to accept complex input, but f raised "
            f"{type(exc).__name__}: {exc}; {_HOW}") from exc
    return as_complex_result(y)


def as_complex_result(y):
    """Check that ``f`` kept the imaginary part; return it as an array."""
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError("f must return a number or an array of numbers of one shape; "
                        f"it returned a ragged {type(y).__name__}") from None
    if arr.dtype.kind != "c":
        if arr.dtype.kind in "fiub":
            raise ValueError(_kernels.CS_DROPPED)
        raise TypeError(f"f must return numbers; it returned dtype {arr.dtype}")
    return arr


def real_part_drift(re, f0, eps, h, what="f(x + ih)"):
    """How far ``Re f(x + ih)`` is from ``f(x)``: a measure of ``f``'s rounding.

    For an analytic ``f`` the two differ by ``h**2 f''(x) / 2`` (nothing, at
    numdiff's steps) and by rounding: complex and real arithmetic round
    differently (a complex exp may differ from the real one in its last
    bit), and when ``f`` is a small difference of large terms, those bits
    are large relative to ``f``, even at ``f(x) = 0``. So this is no test of
    analyticity (the forward-difference cross-check is); the largest
    difference, capped at ``1e-3 |f(x)|`` (a larger drift is not rounding
    and must not loosen the check), is returned as the rounding of ``f`` at
    the scale of its terms, for :func:`cross_check`.
    """
    re = np.asarray(re, dtype=np.float64)
    f0 = np.asarray(f0, dtype=np.float64)
    fin = np.isfinite(f0) & np.isfinite(re)
    if not fin.any():
        return 0.0
    diff = float(np.max(np.where(fin, np.abs(re - f0), 0.0)))
    return min(diff, 1e-3 * float(np.max(np.abs(f0[fin]))))


def complex_step_points(x, idx, h, dtype):
    """Points ``x + i h e_k`` for the coordinates ``idx``."""
    z0 = x.astype(dtype)
    flat = z0.reshape(-1)
    pts = []
    for k in idx:
        z = flat.copy()
        z[k] = z[k] + 1j * h[k]
        pts.append(z.reshape(x.shape))
    return pts


def cross_check(cs, fd1, fd2, f0, t, eps, noise=0.0):
    """Compare the complex step with forward differences at steps ``t``, ``2t``.

    For an analytic ``f`` the forward differences approach the complex-step
    value as ``t`` shrinks: ``fd(t) - cs`` is about ``fd(2t) - fd(t)``. When
    abs, max/min, comparisons or branches break analyticity, the real
    function's differences agree with each other but not with the complex
    step. Raises when ``|fd(t) - cs|`` exceeds 10 times ``|fd(t) - fd(2t)|``
    (the truncation of the forward difference) plus a thousand times its
    rounding plus ``1e-5`` of the values. The rounding of ``f`` is taken as
    ``1e3 eps |f(x)|`` plus ten times ``noise``, the largest difference
    between the real parts of the complex evaluations and ``f(x)``
    (``real_part_drift``): when ``f`` is a small difference of large terms,
    ``eps |f(x)|`` underestimates it. Non-analytic terms smaller than that
    rounding over the step cannot be seen by any difference quotient.
    """
    cs, fd1, fd2, f0 = (np.asarray(a, dtype=np.float64) for a in (cs, fd1, fd2, f0))
    ok = np.isfinite(cs) & np.isfinite(fd1) & np.isfinite(fd2)
    if not ok.any():
        return
    off = np.abs(fd1 - cs)
    big = ok & (off > 10.0 * np.abs(fd1 - fd2)
                + (1e3 * eps * np.abs(f0) + 10.0 * noise) / np.abs(t)
                + 1e-5 * np.maximum(np.abs(cs), np.abs(fd1)))
    if big.any():
        i = np.flatnonzero(big.reshape(-1))[0]
        raise ValueError(
            "method='complex': the complex-step derivative disagrees with finite "
            f"differences ({cs.reshape(-1)[i]:.6g} vs {fd1.reshape(-1)[i]:.6g}), so f is "
            "not analytic along the complex step (abs, max/min, comparisons or branches "
            f"inside f); {_HOW}")


def error_bound(d, eps):
    """Rounding bound of a complex-step derivative: 16 ulp of the result.

    The imaginary part carries ``h f'(x)`` through ``f``'s operations with
    relative rounding of a few ulp per operation; cancellation between
    terms of ``f'`` (a derivative much smaller than those of its terms) is
    not visible to numdiff and is not covered.
    """
    return 16.0 * eps * np.abs(d)


def info(error, nfev, step, order, message="derivative computed (complex step)"):
    ok = bool(np.all(np.isfinite(error)))
    return DiffInfo(error=error, nfev=nfev, step=step, method="complex", order=order,
                    success=ok, message=message if ok else
                    "some derivatives are not finite", stencil="complex")


def evaluate(s, pts, vectorized, mapfn):
    """``f`` at complex points: one vectorized call, one map, or a loop."""
    call = FunctionCall(s.f, s.args, s.kwargs)
    if vectorized:
        Y = call_complex(call, np.stack(pts, axis=-1))
        return [Y[..., k] for k in range(len(pts))]
    if mapfn is not None:
        try:
            Y = mapfn(call, pts)
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"method='complex': f raised {type(exc).__name__}: {exc} on "
                             f"complex input; {_HOW}") from exc
        if len(Y) != len(pts):
            raise ValueError(f"workers: the map returned {len(Y)} results for "
                             f"{len(pts)} points")
        return [as_complex_result(y) for y in Y]
    return [call_complex(s.call, z) for z in pts]


# ------------------------------------------------------------------ drivers
def _real_values(y, name="f"):
    arr = np.asarray(y)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} returned complex values at the real point x; the "
                        "complex step differentiates real-valued functions")
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must return real numbers; it returned dtype {arr.dtype}")
    return arr


def _result_dtype(y):
    return np.dtype(np.float32) if np.asarray(y).dtype == np.complex64 else np.dtype(
        np.float64)


def _warn_nonfinite(count, total):
    if count:
        warnings.warn(f"numdiff: f(x) is not finite for {count} of {total} element(s); "
                      "their complex-step derivatives are nan (see info.message)",
                      RuntimeWarning, stacklevel=4)


def _check_step(x, bounds, scale):
    """Steps ``t`` (signed) for the forward-difference check, inside bounds.

    ``t`` is ``sqrt(eps)`` times ``scale``; its sign points to where ``x +
    2t`` stays inside the box; ``nan`` where neither side has room.
    """
    t = scale.copy()
    if bounds is not None:
        lb, ub = bounds
        up = x + 2 * t <= ub
        dn = x - 2 * t >= lb
        t = np.where(up, t, np.where(dn, -t, np.nan))
    return t


def derivative(s, n):
    """``derivative(..., method="complex")``: elementwise, one complex call."""
    if n != 1:
        raise ValueError("method='complex' computes first derivatives only (n=1); for "
                         f"n={n} use method='central' (finite differences)")
    x = s.x
    cdt = complex_dtype(x.dtype)
    h = np.full(x.shape, default_step(x.dtype)) if s.step is None else s.step
    scalar = x.ndim == 0
    if scalar:
        xr = np.float32(x[()]) if x.dtype == np.float32 else float(x[()])
        f0 = _real_values(s.call(xr))
        z = (np.complex64 if cdt == np.complex64 else complex)(xr, float(h))
        y = call_complex(s.call, z)
        if y.size != 1 or f0.size != 1:
            raise ValueError("f must return a scalar for a scalar x; it returned shape "
                             f"{y.shape}")
        y, f0 = y.reshape(()), f0.reshape(())
    else:
        f0 = _real_values(s.call(x.copy()))
        if f0.shape != x.shape:
            raise ValueError(f"f must be elementwise: for x of shape {x.shape} it must "
                             f"return that shape; it returned {f0.shape}")
        z = x.astype(cdt) + 1j * h.astype(x.dtype)
        y = call_complex(s.call, z)
        if y.shape != x.shape:
            raise ValueError(f"f must be elementwise: for x of shape {x.shape} it must "
                             f"return that shape; it returned {y.shape}")
    res_dtype = _result_dtype(y)
    eps = float(np.finfo(res_dtype).eps)
    f0d = f0.astype(np.float64)
    bad = ~np.isfinite(f0d)
    noise = real_part_drift(y.real, f0, eps, h)
    d = (y.imag / h).astype(np.float64)
    # forward differences at t and 2t, inside the bounds and on x's side of 0
    xd = x.astype(np.float64)
    scale = np.sqrt(eps) * np.where(xd != 0, np.minimum(np.abs(xd), 1.0), 1.0)
    t = _check_step(xd, s.bounds, scale)
    ok = np.isfinite(t)
    fds = []
    for c in (1.0, 2.0):
        xt = np.where(ok, xd + c * np.where(ok, t, 0.0), xd).astype(x.dtype)
        tc = xt.astype(np.float64) - xd
        with np.errstate(all="ignore"):
            ft = _real_values(s.call(xt[()] if scalar else xt)).astype(np.float64)
            fds.append(np.where(ok & (tc != 0), (ft.reshape(np.shape(f0)) - f0d) / tc,
                                np.nan))
    cross_check(np.where(bad, np.nan, d), fds[0], fds[1], f0d, np.where(ok, t, 1.0), eps,
                noise)
    d = np.where(bad, np.nan, d).astype(res_dtype)
    _warn_nonfinite(int(bad.sum()), bad.size)
    out = d[()] if d.ndim == 0 else d
    if not s.full_output:
        return out
    err = np.where(bad, np.nan, error_bound(d.astype(np.float64), eps))
    inf = info(err[()] if err.ndim == 0 else err, 4 * x.size,
               h[()] if np.ndim(h) == 0 or scalar else h, s.order)
    if bad.any():
        inf.success = False
        inf.message = f"f(x) is not finite for {int(bad.sum())} element(s): their " \
                      "derivatives are nan"
    return out, inf


def scalar_fast(f, x, args, kwargs, full_output):
    """``derivative(f, x, method="complex")`` for a Python float ``x``, with floats.

    The same steps and checks as :func:`derivative` (the forward-difference
    cross-check at ``t`` and ``2t``, with the real-part drift as a measure of
    rounding) without arrays.
    Returns ``None`` when ``f`` is not a plain scalar function of a float
    (the general path then reports what is wrong), so ``f`` may have been
    called once or twice before the general path runs.
    """
    call = (lambda z: f(z, *args, **kwargs)) if (args or kwargs) else f
    f0 = call(x)
    if type(f0) is not float and not isinstance(f0, np.floating):
        return None
    f0 = float(f0)
    if not math.isfinite(f0):
        return None
    h = STEP64
    try:
        y = call(complex(x, h))
    except Exception:  # noqa: BLE001 - the general path raises the contract's error
        return None
    if type(y) is not complex and not isinstance(y, np.complexfloating):
        return None
    y = complex(y)
    eps = EPS64
    noise = min(abs(y.real - f0), 1e-3 * abs(f0)) if math.isfinite(y.real) else 0.0
    d = y.imag / h
    t = math.sqrt(eps) * (min(abs(x), 1.0) if x != 0 else 1.0)
    fds = []
    for c in (1.0, 2.0):
        xt = x + c * t
        ft = call(xt)
        if type(ft) is not float and not isinstance(ft, np.floating):
            return None
        fds.append((float(ft) - f0) / (xt - x))
    if all(math.isfinite(v) for v in (d, fds[0], fds[1])):
        off = abs(fds[0] - d)
        if off > 10.0 * abs(fds[0] - fds[1]) + (1e3 * eps * abs(f0) + 10.0 * noise) / t + \
                1e-5 * max(abs(d), abs(fds[0])):
            return None
    out = np.float64(d)
    if not full_output:
        return out
    return out, info(np.float64(error_bound(d, eps)), 4, h, 2)


def _batch_call(s, pts, vectorized):
    """``f`` at real points, one call each or one vectorized call."""
    if vectorized:
        Y = _real_values(s.call(np.stack(pts, axis=-1)))
        return [Y[..., k] for k in range(len(pts))]
    return [_real_values(s.call(p)) for p in pts]


def coordinates(s, scalar_out, vectorized, mapper, check_bool):
    """Gradient/Jacobian by the complex step: one complex point per variable.

    Returns ``(value (N, m), error (N, m), nfev, out_shape, res_dtype, h)``.
    """
    x = s.x
    vectorized = check_bool(vectorized, "vectorized")
    N = x.size
    cdt = complex_dtype(x.dtype)
    h = np.full(N, default_step(x.dtype)) if s.step is None else s.step.reshape(-1)
    f0 = _batch_call(s, [x.copy()], vectorized)[0]
    if scalar_out:
        if f0.size != 1:
            raise ValueError("f must return a scalar (a float, a 0-d array or a size-1 "
                             f"array); it returned an array of shape {f0.shape}")
        out_shape = ()
    else:
        out_shape = f0.shape
    D = np.empty((N, f0.size))
    R = np.empty((N, f0.size))
    with mapper as mapfn:
        if vectorized or mapfn is not None:
            pts = complex_step_points(x, range(N), h, cdt)
            Y = evaluate(s, pts, vectorized, mapfn)
            for k, y in enumerate(Y):
                if (y.size != 1) if scalar_out else (y.shape != out_shape):
                    raise ValueError(f"f returned shape {y.shape} at a complex point but "
                                     f"{f0.shape} at x; f must return the same shape "
                                     "everywhere")
                D[k] = y.imag.reshape(-1)
                R[k] = y.real.reshape(-1)
            res_dtype = _result_dtype(Y[0])
        else:
            # the compiled loop; the result dtype follows f at the first point
            _kernels.complex_sweep(s.f, s.args, s.kwargs,
                                   x.astype(cdt, order="C"), h, scalar_out,
                                   tuple(out_shape), D, R)
            res_dtype = np.dtype(np.float32) if cdt == np.complex64 else np.dtype(np.float64)
    D /= h[:, None]
    eps = float(np.finfo(res_dtype).eps)
    f0d = f0.reshape(-1).astype(np.float64)
    bad = ~np.isfinite(f0d)
    noise = real_part_drift(R, np.broadcast_to(f0d, R.shape), eps, h)
    # forward differences along a fixed pseudo-random direction, inside the
    # bounds and short enough not to cross zero from any non-zero variable
    # (unequal magnitudes and mixed signs, fixed: an error in one component
    # cannot cancel against another's by symmetry)
    r = np.random.default_rng(20261122)
    v = r.uniform(0.5, 1.5, N) * r.choice([-1.0, 1.0], N)
    v /= np.linalg.norm(v)
    _directional_check(s, x, f0d, v @ D, v, eps, vectorized, noise)
    D[:, bad] = np.nan
    _warn_nonfinite(int(bad.sum()), bad.size)
    E = error_bound(D, eps)
    return D, E, N + 3, out_shape, res_dtype, h


def _directional_check(s, x, f0d, cs_dir, v, eps, vectorized=False, noise=0.0):
    """Cross-check ``cs_dir = J v`` with forward differences along ``v``.

    The first step stays short of zero for every non-zero variable (log,
    sqrt and 1/x are singular there). Its differences can drown in the
    rounding of a ``f`` made of large cancelling terms (more than
    ``eps |f|``, which is all the test can assume), and the differences at
    ``t`` and ``2 t`` can then agree with each other by chance. A
    disagreement is therefore re-checked once at a wider step (at least
    ``100 t``, at most a quarter of the way to zero), and only a
    disagreement at both steps raises.
    """
    xd = x.reshape(-1).astype(np.float64)
    vd = np.asarray(v, dtype=np.float64).reshape(-1)
    nz = (xd != 0) & (vd != 0)
    reach = np.min(np.abs(xd[nz] / vd[nz])) if nz.any() else np.inf
    vmax = max(np.max(np.abs(vd)), 1e-300)
    t = float(np.sqrt(eps) * min(1.0, reach) / vmax)
    # the retry: wider (at least 100 t), still a quarter of the way to zero
    # for every non-zero variable
    t_wide = max(float(np.sqrt(eps) * min(1.0, float(np.max(np.abs(xd))) or 1.0) / vmax),
                 100.0 * t)
    if np.isfinite(reach):
        t_wide = min(t_wide, 0.25 * float(reach))
    first = None
    for step in ((t, t_wide) if t_wide > 4 * t else (t,)):
        step = _fit_direction(s, xd, vd, step)
        if step is None:
            return                    # no room for the check inside the box
        pts = [(xd + c * step * vd).astype(x.dtype).reshape(x.shape) for c in (1.0, 2.0)]
        with np.errstate(all="ignore"):
            F = _batch_call(s, pts, vectorized)
            fds = [(F[i].reshape(-1).astype(np.float64) - f0d) / (c * step)
                   for i, c in enumerate((1.0, 2.0))]
        try:
            cross_check(cs_dir, fds[0], fds[1], f0d, step, eps, noise)
            return
        except ValueError as exc:
            first = first or exc
    raise first


def _fit_direction(s, xd, vd, t):
    """``t`` or ``-t`` so that ``x + 2 t v`` stays in the bounds; None if neither."""
    if s.bounds is None:
        return t
    lb, ub = (b.reshape(-1) for b in s.bounds)
    for tt in (t, -t):
        if np.all(xd + 2 * tt * vd <= ub) and np.all(xd + 2 * tt * vd >= lb):
            return tt
    return None


def jvp(s, v, step):
    """``J(x) @ v`` with one complex evaluation at ``x + i h v``."""
    x = s.x
    cdt = complex_dtype(x.dtype)
    vmax = float(np.max(np.abs(v)))
    f0 = _real_values(s.call(x.copy()))
    if vmax == 0:
        z = np.zeros(f0.shape)
        out = z[()] if z.ndim == 0 else z
        return (out, info(np.zeros(f0.shape), 1, 0.0, s.order)) if s.full_output else out
    h = default_step(x.dtype) / vmax if step is None else float(step)
    y = call_complex(s.call, x.astype(cdt) + 1j * (h * v).astype(x.dtype))
    if y.shape != f0.shape:
        raise ValueError(f"f returned shape {y.shape} at a complex point but {f0.shape} "
                         "at x")
    res_dtype = _result_dtype(y)
    eps = float(np.finfo(res_dtype).eps)
    noise = real_part_drift(y.real, f0, eps, h * vmax)
    d = (y.imag / h).astype(np.float64)
    f0d = f0.reshape(-1).astype(np.float64)
    _directional_check(s, x, f0d, d.reshape(-1), v, eps, noise=noise)
    bad = ~np.isfinite(f0d)
    d = np.where(bad.reshape(d.shape), np.nan, d).astype(res_dtype)
    _warn_nonfinite(int(bad.sum()), bad.size)
    out = d[()] if d.ndim == 0 else d
    if not s.full_output:
        return out
    err = error_bound(d.astype(np.float64), eps)
    return out, info(err[()] if err.ndim == 0 else err, 4, h, s.order)
