"""The finite-difference engine: plan the stencils, sweep, extrapolate, retry.

The engine works on ``N`` independent "coordinates" (the variables of a
gradient or Jacobian, the elements of an elementwise derivative, or the
single step parameter of a directional derivative). A *sweeper* evaluates
``f`` on the stencil points of a subset of them and returns difference
quotients; the engine decides which stencil and which steps each
coordinate gets (bounds), runs the Richardson selection, and retries
coordinates whose values were not finite with one-sided and smaller
stencils.
"""
import functools
import warnings
from math import comb

import numpy as np

from . import _kernels
from ._stencils import get_stencil
from ._steps import (ADAPTIVE_EXTRAP, ADAPTIVE_RATIO, adaptive_steps,
                     default_steps)

__all__ = ["EngineResult", "run"]

#: Multiplier of the estimated truncation error (Richardson differences are
#: asymptotically sharp; the factor guards against chance agreement).
SAFETY = 4.0
KINDS = ("central", "forward", "backward")


class EngineResult:
    __slots__ = ("value", "error", "step", "kind", "nfev", "failed", "bad_outputs",
                 "delta", "trunc", "levels")

    def __init__(self, value, error, step, kind, nfev, failed, bad_outputs=0, delta=None,
                 trunc=None, levels=None):
        self.value = value      # (N, m)
        self.error = error      # (N, m)
        self.step = step        # (N,)
        self.kind = kind        # (N,) of str
        self.nfev = nfev
        self.failed = failed    # (N,) bool
        self.bad_outputs = bad_outputs  # outputs of f not finite at x
        # (N, m): fine minus coarse quotient of a fixed-step two-level
        # estimate (nan elsewhere); lets callers estimate the error of a
        # linear combination of elements from the combination's own change
        self.delta = delta
        # (N, m): the truncation part of ``error`` (the rest bounds rounding)
        self.trunc = trunc
        # adaptive, one output: (D, dD, H), each (N, J), every row's
        # difference quotients, their rounding bounds and steps level by
        # level (a linear combination of rows has the same combination of
        # tables, to extrapolate on its own)
        self.levels = levels


def _actual(xc, H, dtype):
    """Steps ``H`` (shape ``(J, xc.size)``) made exactly representable as
    differences from ``xc``.

    ``(xc + h) - xc`` in the working dtype, so the perturbation that ``f``
    sees is the one the difference quotient divides by.
    """
    # A step that vanished in rounding (huge |x|) gets the smallest
    # representable perturbation instead of a division by zero.
    xc = np.ascontiguousarray(xc, dtype=np.float64)
    H = np.ascontiguousarray(H, dtype=np.float64)
    return _kernels.actual_steps(xc, H, np.dtype(dtype) == np.float32)


def _inside_box(sweeper, xc, lb, ub, dtype):
    """Wrap ``sweeper`` so that no stencil point leaves ``[lb, ub]``.

    The steps were planned to fit, but rounding of ``x + c h`` (in the
    working dtype) can still land an ulp outside; such steps are shortened
    until every point is inside, computed exactly as the sweep computes them.
    """
    def points(x, c, H):
        return (x[None, :] + c * H).astype(dtype).astype(np.float64)

    def wrapped(idx, st, H, want_s, want_q=False):
        H = np.array(H, dtype=np.float64)
        x, lo, hi = xc[idx], lb[idx], ub[idx]
        cmin = min(0.0, float(st.nonzero_offsets.min()))
        cmax = max(0.0, float(st.nonzero_offsets.max()))
        for _ in range(200):
            bad = (points(x, cmax, H) > hi) | (points(x, cmin, H) < lo)
            if not bad.any():
                break
            H[bad] *= 0.875
        return sweeper(idx, st, np.ascontiguousarray(H), want_s, want_q)
    return wrapped


def adaptive_top_cap(xc, stencil):
    """Largest first step of an adaptive sequence: reach * h <= max(1, |x|)/2."""
    return 0.5 * np.maximum(1.0, np.abs(xc)) / stencil.reach


def _fit_bounds(xc, Htop, kind, n, order, lb, ub):
    """Per coordinate: the stencil kind and a factor (<= 1) on its steps."""
    N = xc.shape[0]
    kinds = np.full(N, kind, dtype=object)
    factor = np.ones(N)
    if lb is None:
        return kinds, factor
    st = {k: get_stencil(k, n, order) for k in KINDS}
    room_up = ub - xc
    room_dn = xc - lb
    if kind == "central":
        r = st["central"].reach
        ok = (room_up >= r * Htop) & (room_dn >= r * Htop)
    elif kind == "forward":
        ok = room_up >= st["forward"].reach * Htop
    else:
        ok = room_dn >= st["backward"].reach * Htop
    bad = np.flatnonzero(~ok)
    for i in bad:
        r1 = st["forward"].reach
        if room_up[i] >= r1 * Htop[i]:
            kinds[i] = "forward"
        elif room_dn[i] >= r1 * Htop[i]:
            kinds[i] = "backward"
        else:
            # Neither side has room for the full step: shrink it on the
            # roomier side. The 1 - 2**-20 keeps rounding inside the box.
            up = room_up[i] >= room_dn[i]
            kinds[i] = "forward" if up else "backward"
            room = room_up[i] if up else room_dn[i]
            factor[i] = room / (r1 * Htop[i]) * (1 - 2.0 ** -20)
    return kinds, factor


def _argument_rounding(err, est, S, steps, x, stencil, eps_f, amplification):
    """``err`` plus the error of first-derivative quotients from the rounding
    of ``x`` inside ``f``: a computed ``f(x + h)`` is off by about ``eps |x
    f'|`` where ``f`` scales its argument (``sin(w x)``: ``w x`` rounds;
    Higham 2002, section 1.6), which the rounding of the values, ``eps S``
    with ``S = sum |w_k f_k|``, misses where the condition number ``|x f' /
    f|`` is large. Only the excess over ``S`` is added (the rounding model
    becomes ``eps max(S, W |x f'|)``): it matters where the step is far
    below ``|x|`` (short scales, poles). ``amplification`` is the sum of the
    absolute Richardson weights of the estimate. Added to the reported
    error only: the choice of steps is unchanged. A finite ``err`` stays
    finite (near overflow the sum is capped at the largest float)."""
    if stencil.n != 1:
        return err
    with np.errstate(invalid="ignore", over="ignore"):
        unit = (amplification * eps_f) / steps
        a = (stencil.abs_weight_sum * np.abs(est)) * (np.abs(x)[:, None] * unit) - S * unit
        out = err + np.where(a > 0, a, 0.0)
    return np.where(np.isfinite(err) & ~np.isfinite(out), np.finfo(np.float64).max, out)


def rounding_quantum(value_dtype):
    """The spacing of floats at zero in the dtype of ``f``'s values:
    subnormal values are rounded to it, which ``eps_f |f|`` misses."""
    dt = np.dtype(value_dtype)
    if dt.kind != "f":
        dt = np.dtype(np.float64)
    return float(np.finfo(dt).smallest_subnormal)


def rounding_sum(S, stencil, eps_f, quantum):
    """The rounding bound of a stencil's weighted sum of values, ``eps_f S``
    with ``S = sum |w_k f_k|``, plus the values' absolute ``quantum``."""
    return eps_f * S + quantum * stencil.abs_weight_sum


def _richardson_gain(stencil, kmax):
    """The largest sum over the Richardson columns ``k <= kmax`` of the
    absolute weights of the levels, each scaled by its rounding relative to
    the finest level's (``ratio**-(m n)`` for the level ``m`` steps coarser)."""
    return _gain(stencil.order, stencil.exponent_step, stencil.n, kmax)


@functools.lru_cache(maxsize=None)
def _gain(e0, es, n, kmax):
    W = _kernels.richardson_weights(ADAPTIVE_RATIO, e0, es, kmax)
    return float(np.max(np.abs(W) @ ADAPTIVE_RATIO ** (-n * np.arange(kmax + 1.0))))


def _extrapolate(D, S, H, stencil, eps_f, J, adaptive, quantum):
    """Best estimate and error per (coordinate, output) from sweep results."""
    Jn, nc, m = D.shape
    if J == 1:
        return (D[0], np.full((nc, m), np.nan), np.zeros((nc, m), dtype=np.intc),
                np.full((nc, m), np.nan))
    hn = H ** stencil.n                                  # (J, nc)
    dD = rounding_sum(S, stencil, eps_f, quantum) / hn[:, :, None]
    D2 = np.ascontiguousarray(D.reshape(Jn, nc * m))
    dD2 = np.ascontiguousarray(dD.reshape(Jn, nc * m))
    kmax = ADAPTIVE_EXTRAP if adaptive else 0
    est, err, jb, _, tr = _kernels.richardson(
        D2, dD2, ADAPTIVE_RATIO if adaptive else 2.0, stencil.order,
        stencil.exponent_step, kmax, SAFETY, np.finfo(np.float64).eps)
    return est.reshape(nc, m), err.reshape(nc, m), jb.reshape(nc, m), tr.reshape(nc, m)


def run(sweeper, xc, base_step, *, kind, n, order, adaptive, want_error, bounds,
        eps_f, dtype, f0_finite, initial=None, scale=None, noise_abs=None, resume=None,
        value_dtype, keep_levels=False, rounding_x=None):
    """Differentiate ``N`` coordinates; see the module docstring.

    Parameters
    ----------
    sweeper : callable
        ``sweeper(idx, stencil, H, want_s) -> (D, S, nfev)`` with ``H`` of
        shape ``(J, len(idx))``; ``D``/``S`` of shape ``(J, len(idx), m)``.
    xc : ndarray (N,)
        Coordinate values (for representable steps and bounds).
    base_step : ndarray (N,) or None
        User step (absolute); ``None`` for the default rule.
    f0_finite : ndarray (m,) of bool
        Outputs whose value at ``x`` is finite; only those are required to
        be finite at the stencil points.
    scale : ndarray (N,), optional
        Multiplies the default steps (the scale of a directional
        derivative's step parameter); ``None`` means 1.
    initial : tuple, optional
        ``(D, S, Q, h)`` of a sweep of every coordinate at the default step
        with the base stencil, already made by the caller (fixed-step
        default only, no bounds).
    resume : tuple, optional
        With ``initial``: ``(active, prev)`` when the caller has made the
        curvature check's first probe (see ``refine_step``).
    keep_levels : bool, optional
        With ``adaptive`` and one output: return every row's table
        (``EngineResult.levels``).
    noise_abs : float, optional
        Measured absolute noise of ``f`` (for example by ECnoise): the
        curvature check does not shrink a step below where differences are
        explained by it, even when ``eps_f |f|`` is smaller (terms of ``f``
        that cancel).
    rounding_x : ndarray (N,), optional
        The ``|x|`` of the argument-rounding term of the reported error
        (``_argument_rounding``) where it is not ``xc``: a directional
        derivative differentiates in ``t`` about ``t = 0`` while ``f`` rounds
        ``x + t v``. ``None`` means ``xc``.
    value_dtype : dtype
        The dtype of ``f``'s values, whose spacing at zero is added to the
        rounding of every value (``rounding_sum``).
    """
    N = xc.shape[0]
    xr = xc if rounding_x is None else np.asarray(rounding_x, dtype=np.float64)
    quantum = rounding_quantum(value_dtype)
    stencil0 = get_stencil(kind, n, order)
    pilot_nfev = 0
    sc = np.ones(N) if scale is None else np.asarray(scale, dtype=np.float64)
    if adaptive:
        if base_step is None:
            H0 = adaptive_steps(xc, stencil0, eps_f) * sc[None, :]
            # Pilot: the curvature check of the fixed-step rule tells the
            # scale of f along each coordinate; centre the sequence there. A
            # two-point stencil has no curvature: its order-2 sibling pilots.
            pilot = stencil0
            if pilot.curvature_weights is None:
                pilot = get_stencil(kind, n, order + 1)
            if pilot.curvature_weights is not None and bounds is None:
                h = default_steps(xc, pilot, eps_f) * sc
                _, _, h_ref, pilot_nfev = refine_step(
                    sweeper, np.arange(N), pilot, xc, h.copy(), eps_f, dtype,
                    cols=f0_finite)
                sigma = np.where(np.isfinite(h_ref) & (h_ref > 0), h_ref / h, 1.0)
                H0 = H0 * sigma[None, :]
                # Where the pilot had to shrink the step (curvature at the
                # scale of x), the sequence does not reach across zero: that
                # is where such functions are singular.
                shrunk = (sigma < 1.0) & (xc != 0)
                cap0 = np.abs(xc) / (stencil0.reach * (1 + 2.0 ** -10))
                H0 = H0 * np.where(shrunk, np.minimum(1.0, cap0 / H0[0]), 1.0)[None, :]
            # The widest stencil spans at most max(1, |x|) / 2 on either side:
            # a pilot that grew its step where f is flat (a tail that
            # underflows, a quotient lost in rounding) must not send the
            # sequence to where f carries no information about x.
            top = adaptive_top_cap(xc, stencil0) * sc
            H0 = H0 * np.minimum(1.0, top / H0[0])[None, :]
        else:
            mid = 2.0 ** -(np.arange(10) - 4.0)
            H0 = mid[:, None] * base_step[None, :]
    elif base_step is None:
        h = default_steps(xc, stencil0, eps_f) * sc
        H0 = np.stack([2 * h, h]) if want_error else h[None, :]
    else:
        H0 = np.stack([2 * base_step, base_step]) if want_error else base_step[None, :]
    if base_step is None:
        # at least 8 spacings of x's dtype (a float32 x with a float64 f)
        floor = 8.0 * np.spacing(np.abs(xc).astype(dtype)).astype(np.float64)
        H0 = np.maximum(H0, floor[None, :])
    J = H0.shape[0]
    lb, ub = bounds if bounds is not None else (None, None)
    if lb is not None:
        sweeper = _inside_box(sweeper, xc, lb, ub, dtype)
    kinds, factor = _fit_bounds(xc, H0[0], kind, n, order, lb, ub)
    H0 = H0 * factor[None, :]

    value = None
    nfev = pilot_nfev
    step_used = np.empty(N)
    deltas = {}

    def keep(name, idx, d):
        """Record per-row extras: "delta" (fine - coarse of a fixed-step
        two-level estimate), "trunc" (truncation part of the error) and the
        adaptive tables "lv_D", "lv_dD", "lv_H"."""
        if name not in deltas:
            deltas[name] = np.full((N, d.shape[1]), np.nan)
        deltas[name][idx] = d

    def solve(idx, knd, H):
        nonlocal nfev
        st = get_stencil(knd, n, order)
        Ha = np.ascontiguousarray(_actual(xc[idx], H, dtype))
        D, S, _, ne = sweeper(idx, st, Ha, J > 1)
        nfev += ne
        est, err, jb, tr = _extrapolate(D, S, Ha, st, eps_f, J, adaptive, quantum)
        steps = np.take_along_axis(Ha, jb[:, :1].T.astype(np.intp), axis=0)[0]
        keep("trunc", idx, tr)
        if keep_levels and adaptive and D.shape[2] == 1:
            keep("lv_D", idx, D[:, :, 0].T)
            keep("lv_dD", idx, (rounding_sum(S[:, :, 0], st, eps_f, quantum) / Ha ** n).T)
            keep("lv_H", idx, Ha.T)
        if J == 2 and not adaptive:
            keep("delta", idx, D[1] - D[0])
        if J > 1:
            # each output's estimate ends at the step of its own level
            lv = np.clip(jb, 0, J - 1).astype(np.intp)
            h_out = np.take_along_axis(Ha.T, lv, axis=1)
            S_out = np.take_along_axis(np.moveaxis(S, 0, -1), lv[:, :S.shape[2], None],
                                       axis=2)[:, :, 0]
            amp = _richardson_gain(st, ADAPTIVE_EXTRAP) if adaptive else 1.0
            err = _argument_rounding(err, est, S_out, h_out, xr[idx], st, eps_f, amp)
        return est, err, steps

    def solve_refined(idx, knd, h):
        nonlocal nfev
        st = get_stencil(knd, n, order)
        room = None
        if lb is not None:
            room = (ub[idx] - xc[idx], xc[idx] - lb[idx])
        use = initial is not None and knd == kind and idx.size == N
        D, S, h, ne = refine_step(sweeper, idx, st, xc[idx], h, eps_f, dtype, room,
                                  initial if use else None, cols=f0_finite,
                                  noise_abs=noise_abs, resume=resume if use else None)
        nfev += ne
        if J == 1:
            return D, np.full(D.shape, np.nan), h
        # Error estimate from a second stencil at 2h, or at h/2 where 2h
        # would leave the bounds or meets values that are not finite (a
        # domain edge between h and 2h); then the h/2 value is the one
        # returned.
        fits = np.ones(idx.size, bool)
        if room is not None:
            side = {"central": np.minimum(*room), "forward": room[0],
                    "backward": room[1]}[knd]
            fits = 2.0 * st.reach * h <= side * (1 - 2.0 ** -20)
        est = np.empty(D.shape)
        err = np.empty(D.shape)
        steps = h.copy()
        fine = np.flatnonzero(~fits)
        for coarse in (True, False):
            sel = np.flatnonzero(fits) if coarse else fine
            if sel.size == 0:
                continue
            H2 = np.ascontiguousarray(_actual(xc[idx[sel]], (2.0 if coarse else 0.5)
                                              * h[sel][None, :], dtype))
            D2, S2, _, ne = sweeper(idx[sel], st, H2, True)
            nfev += ne
            if coarse:
                edge = (~np.isfinite(D2[0][:, f0_finite]).all(axis=1)
                        & np.isfinite(D[sel][:, f0_finite]).all(axis=1))
                if edge.any():
                    fine = np.concatenate([fine, sel[edge]])
                    ok = ~edge
                    sel, H2, D2, S2 = sel[ok], H2[:, ok], D2[:, ok], S2[:, ok]
                    if sel.size == 0:
                        continue
                Dl, Sl, Hl = [D2[0], D[sel]], [S2[0], S[sel]], [H2[0], h[sel]]
            else:
                Dl, Sl, Hl = [D[sel], D2[0]], [S[sel], S2[0]], [h[sel], H2[0]]
                steps[sel] = H2[0]
            e1, e2, _, tr = _extrapolate(np.stack(Dl), np.stack(Sl), np.stack(Hl), st,
                                         eps_f, 2, False, quantum)
            est[sel], err[sel] = e1, _argument_rounding(
                e2, e1, Sl[1], Hl[1][:, None], xr[idx[sel]], st, eps_f, 1.0)
            keep("delta", idx[sel], Dl[1] - Dl[0])
            keep("trunc", idx[sel], tr)
        return est, err, steps

    refine = (base_step is None and not adaptive
              and get_stencil(kind, n, order).curvature_weights is not None)
    for knd in KINDS:
        idx = np.flatnonzero(kinds == knd)
        if idx.size == 0:
            continue
        if refine and np.all(factor[idx] == 1.0):
            est, err, steps = solve_refined(idx, knd, H0[-1, idx])
        else:
            est, err, steps = solve(idx, knd, H0[:, idx])
        if value is None:
            m = est.shape[1]
            value = np.empty((N, m))
            error = np.empty((N, m))

        value[idx] = est
        error[idx] = err
        step_used[idx] = steps

    def bad_rows():
        v = value[:, f0_finite]
        e = error[:, f0_finite]
        ok = np.isfinite(v).all(axis=1)
        if J > 1:
            ok &= np.isfinite(e).all(axis=1)
        return np.flatnonzero(~ok)

    failed_idx = bad_rows()
    first_value, first_error = value.copy(), error.copy()
    if failed_idx.size:
        # Non-finite values at some stencil point: try the other stencils at
        # the same step, then all stencils at smaller steps (the contract's
        # non-finite policy). Candidates that would leave the bounds are
        # skipped.
        for shrink in (1.0, 1 / 16, 1 / 256):
            for knd in KINDS:
                if failed_idx.size == 0:
                    break
                cand = failed_idx
                if shrink == 1.0:
                    cand = cand[kinds[cand] != knd]
                if cand.size == 0:
                    continue
                H = H0[:, cand] * shrink
                if lb is not None:
                    reach = get_stencil(knd, n, order).reach
                    top = H[0]
                    room_up = ub[cand] - xc[cand]
                    room_dn = xc[cand] - lb[cand]
                    fits = np.ones(cand.size, bool)
                    if knd in ("central", "forward"):
                        fits &= room_up >= reach * top
                    if knd in ("central", "backward"):
                        fits &= room_dn >= reach * top
                    cand, H = cand[fits], H[:, fits]
                    if cand.size == 0:
                        continue
                est, err, steps = solve(cand, knd, H)
                good = np.isfinite(est[:, f0_finite]).all(axis=1)
                if J > 1:
                    good &= np.isfinite(err[:, f0_finite]).all(axis=1)
                g = cand[good]
                value[g] = est[good]
                error[g] = err[good]
                step_used[g] = steps[good]
                kinds[g] = knd
                failed_idx = np.setdiff1d(failed_idx, g, assume_unique=True)
    failed = np.zeros(N, bool)
    failed[failed_idx] = True
    if failed_idx.size:
        # keep the outputs of the first attempt that were computed; only the
        # entries that never became finite are nan
        fv, fe = first_value[failed_idx], first_error[failed_idx]
        ok = np.isfinite(fv) & (np.isfinite(fe) if J > 1 else True)
        value[failed_idx] = np.where(ok, fv, np.nan)
        error[failed_idx] = np.where(ok, fe, np.nan)
    # Outputs that are not finite at x itself have no derivative.
    if not f0_finite.all():
        value[:, ~f0_finite] = np.nan
        error[:, ~f0_finite] = np.nan
    levels = None
    if "lv_D" in deltas:
        levels = (deltas["lv_D"], deltas["lv_dD"], deltas["lv_H"])
    return EngineResult(value, error, step_used, kinds, nfev, failed,
                        int((~f0_finite).sum()), deltas.get("delta"), deltas.get("trunc"),
                        levels)


#: The curvature check shrinks the step when the predicted relative
#: truncation error exceeds DOWN_FACTOR times the optimum error of the
#: stencil and 10 times the predicted rounding error (when the two are
#: comparable the step is near its optimum already), and grows it when the predicted rounding error exceeds UP_FACTOR
#: times the optimum (the model is conservative: factorial growth assumed).
DOWN_FACTOR = 100.0
UP_FACTOR = 100.0
#: Ratio of the probes of the curvature check, and their maximum number.
PROBE_RATIO = 8.0
MAX_PROBES = 6
#: Shrinking may need more: from the default step 1e-5 down to a variable at
#: 1e-13 next to a pole takes eleven divisions by 8.
MAX_DOWN_PROBES = 12
#: A change of the quotients that grows like noise is taken for noise only
#: when it is at most NOISE_REL_CHANGE of the quotients, or the noise it
#: implies is at most about NOISE_MAX_REL of ``f`` (measured against the
#: rounding model, ``diff <= NOISE_MAX_REL * nz / eps``), or (first
#: derivatives) within the rounding of ``x``: an oscillation far shorter than
#: the step makes quotients jump by as much as themselves and as ``f``.
NOISE_MAX_REL = 1e-5
NOISE_REL_CHANGE = 0.25
#: three successive quotients within this of each other (relative) are a value
#: whatever came before (aliased coarse steps); noise agrees so closely twice
#: in a row about once in a million
AGREE_TIGHT = 1e-3


class _PairLog:
    """Where the step shrinking should stop when ``f`` is noisy.

    Noise in ``f`` far above ``eps |f|`` (an inner solver's tolerance, a
    simulation) makes a quotient's error grow like ``1 / h**n``: successive
    quotients differ more and more as the step shrinks, far above the
    rounding model. Unresolved variation on a shorter scale than the step
    (a pole or a steep front between the stencil's points) looks alike at
    first, so the shrinking continues through such changes; variation is
    resolved further down, noise never is. The log follows every
    coordinate's pairs of successive steps:

    * A change that grows like noise (4 times or more, far above the
      rounding model, and small beside the quotients or ``f``: see
      ``NOISE_MAX_REL``) after a small one (a quarter of the quotients; the
      run's first, one after another of 2% or less, or one after one of at
      most a half where the quotients had grown steadily with one sign: a
      value, not a chance agreement of noise) stops the shrinking. The value
      is the one before the noise: the coarser step of the small change when
      that change was itself far above the rounding model (30 times), else
      its finer step.
    * A shrinking that ends as usual keeps its last step: two quotients
      that agree within their rounding, or a change that stops falling near
      the rounding level (at most 30 times the model, or 1000 times where
      no change had grown fourfold far above it, as the model misjudges the
      rounding where ``f`` is near zero); so does one whose last change fell
      like truncation (32 times or more) to a tenth of the values, after a
      change of at most half the values or quotients that grew steadily with
      one sign (a front, which may turn over as it resolves).
    * One that ended otherwise (out of steps or probes, or stopped far above
      the rounding) takes the step whose quotient agrees with both
      neighbours' (to a tenth and a quarter, after a change of at most half
      the values or steady growth: a value at the end of a resolved front;
      or to ``AGREE_TIGHT`` whatever came before: a value after aliased
      coarse steps), the best such; where none does, the first step, which is the least
      noisy (noise grows ``R**n`` per probe), unless its quotient is not
      finite or the quotients grew by a power law (each growth within 1.5
      times the one before, one sign) and then by less and less: a pole or
      front followed to the last probe or to the spacing of ``x``, whose
      last step is kept.

    This is the choice of the step at the smallest difference of successive
    estimates (Stepleman & Winarsky 1979), made robust to noise and applied
    to the steps the check visits anyway: no extra evaluation.
    """

    def __init__(self, active, D, S, h, resume, cols):
        self.cols = cols                   # the outputs that decide (finite at x)
        self.rows = np.full(h.shape[0], -1, np.intp)
        self.rows[active] = np.arange(active.size)
        k = active.size
        self.settled = np.zeros(k, bool)   # the shrinking ended near the rounding
        self.resolved = np.zeros(k, bool)  # the last change fell like truncation
        self.noisy = np.zeros(k, bool)     # stopped where a change grew like noise
        self.last = np.full(k, np.inf)     # the last change
        self.last_rel = np.full(k, np.inf)  # and relative to the quotients
        self.prior_rel = np.full(k, np.inf)  # the one before, relative
        self.pairs = np.zeros(k, np.intp)  # pairs seen
        # the quotients grew steadily, one sign (a front being resolved)
        self.steady = np.ones(k, bool)
        self.steady_before = np.ones(k, bool)  # the same, one pair earlier
        self.ratio = np.full(k, np.nan)    # the last growth of the quotients
        self.phase = np.zeros(k, np.int8)  # front: 0 growing, 1 turning over, 2 not one
        self.law_len = np.zeros(k, np.intp)  # pairs of power-law growth
        self.grown = np.zeros(k, bool)     # a change grew 4 times far above rounding
        self.on = k > 0
        if not self.on:
            return
        D0, S0, h0 = D[active], S[active], h[active]
        if resume is not None:
            # the caller's first probe: its pair (the step before, then this one)
            D0, S0, h0 = (np.asarray(a, dtype=np.float64) for a in resume[2:5])
        # a step whose quotient agrees with both neighbours' (a value that
        # means something), and how well (the larger relative change)
        self.agree = np.full(k, np.inf)
        self.middle = [D0.copy(), S0.copy(), h0.copy()]
        # the last pair's coarser step and rounding model; where noise was
        # seen, that step (the value before the noise)
        self.before = [D0.copy(), S0.copy(), h0.copy()]
        self.last_nz = np.zeros(k)
        self.start = [D0.copy(), S0.copy(), h0.copy()]
        if resume is not None:
            r = np.arange(k)
            ones = np.ones(k, bool)
            self._log(r, ones, ones, resume[1], resume[5], (D0, S0, h0),
                      (D[active], S[active], h[active]), np.max(np.abs(D[active]), axis=1))
            # one pair and no other: the shrinking's last step, as before
            self.resolved[:] = True

    def _log(self, r, valid, moved, diff, nz, coarse, fine, scale):
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(scale > 0, diff / scale, np.inf)
        score = np.maximum(rel, self.last_rel[r])
        # (after values that meant something or grew steadily with one sign:
        # not a chance agreement of noisy quotients)
        mid = (valid & (self.last_rel[r] <= 0.1) & (rel <= 0.25) & (score < self.agree[r])
               & (self.steady_before[r] | (self.prior_rel[r] <= 0.5) | (score <= AGREE_TIGHT)))
        if mid.any():
            rm = r[mid]
            self.agree[rm] = score[mid]
            for keep, a in zip(self.middle, coarse):
                keep[rm] = a[mid]
        # the steadiness of the largest quotient among the outputs that decide
        # (rows not valid are not used below)
        cq, fq = coarse[0][:, self.cols], fine[0][:, self.cols]
        j = np.argmax(np.abs(fq), axis=1)[:, None]
        a, b = (np.take_along_axis(q, j, axis=1)[:, 0] for q in (cq, fq))
        self.steady_before[r] = np.where(valid, self.steady[r], self.steady_before[r])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.abs(b / a)
            before = self.ratio[r]
            # a power law: each growth within 1.5 times the one before
            lawful = ~np.isfinite(before) | ((ratio <= 1.5 * before) & (ratio * 1.5 >= before))
            one_sign = a * b > 0
            self.steady[r] &= ~valid | (one_sign & (ratio >= 1.0))
            # a front: quotients that grow by a power law, then (as it is
            # resolved) by less and less, with one sign
            law = valid & (self.phase[r] == 0) & one_sign & (ratio >= 1.0) & lawful
            turn = valid & (self.phase[r] <= 1) & ~law & one_sign & (
                ratio <= np.maximum(np.nan_to_num(before, nan=np.inf), 1.1))
        self.law_len[r] += law
        self.phase[r] = np.where(~valid, self.phase[r], np.where(law, self.phase[r],
                                                                 np.where(turn, 1, 2)))
        self.ratio[r] = np.where(valid, ratio, self.ratio[r])
        self.last[r] = np.where(valid, diff, np.inf)
        self.prior_rel[r] = self.last_rel[r]
        self.last_rel[r] = np.where(valid, rel, np.inf)
        self.pairs[r] += 1
        self.last_nz[r] = nz
        for keep, a in zip(self.before, coarse):
            keep[r] = a

    def front(self, r):
        """Quotients that grew by a power law (each growth within 1.5 times
        the one before, one sign, two pairs or more), then by less and less
        as the front is resolved: not noise."""
        return (self.law_len[r] >= 2) & (self.phase[r] <= 1)

    def floored(self, coords):
        """Coordinates whose step reached the spacing of ``x``: a front
        still being followed keeps its last step."""
        if self.on:
            r = self.rows[coords]
            self.settled[r] |= self.front(r)

    def noise_grew(self, active, valid, diff, nz, D, S, h):
        """Pairs whose change grew like noise (4 times or more, far above the
        rounding model) after a change small beside the quotients (a quarter,
        the run's first or after one of at most a half): noise, not a front
        being resolved (whose changes stay as large as the quotients). Their
        shrinking stops."""
        if not self.on:
            return np.zeros(active.size, bool)
        r = self.rows[active]
        # the small change: the run's first, one after another as small
        # (2% of the quotients), or one that agrees with the change before
        # it after quotients that grew steadily with one sign (a front
        # resolved, not a chance agreement of noise)
        meant = ((self.pairs[r] == 1) | ((self.prior_rel[r] <= 0.5) & self.steady[r])
                 | (np.maximum(self.prior_rel[r], self.last_rel[r]) <= 0.02))
        grew = valid & (diff >= 4.0 * self.last[r]) & (self.last_rel[r] <= 0.25) & meant & (
            diff > 30.0 * nz)
        # the value before the noise: the coarser step of the last pair when
        # its change was noise already, else this pair's coarser step
        back = grew & (self.last[r] > 30.0 * self.last_nz[r])
        stay = grew & ~back
        for keep, a in zip(self.start, self.before):
            keep[r[back]] = a[r[back]]
        for keep, a in zip(self.start, (D, S, h)):
            keep[r[stay]] = a[active[stay]]
        self.noisy[r[grew]] = True
        return grew

    def record(self, active, valid, moved, fell, diff, nz, D, S, h, Dn, Sn, hn, scale):
        """One probe: ``valid`` pairs (both quotients finite, no jump across
        zero), of which ``moved`` went on to the finer step, and ``fell``
        changed like truncation; ``scale`` the size of the finer quotients."""
        if not self.on:
            return
        r = self.rows[active]
        ended = valid & ~moved
        self.settled[r] = ended & ((diff <= 30.0 * nz)
                                   | ((diff <= 1e3 * nz) & ~self.grown[r]))
        self.grown[r] |= valid & (diff >= 4.0 * self.last[r]) & (diff > 30.0 * nz)
        # a fall to a value after values that meant something, or after a
        # front's steady growth (which may turn over as it resolves), not a
        # chance agreement of two noisy quotients
        fell = fell & ((self.last_rel[r] <= 0.5) | self.steady_before[r])
        self.resolved[r] = np.where(valid, fell, self.resolved[r])
        self._log(r, valid, moved, diff, nz, (D[active], S[active], h[active]), (Dn, Sn, hn),
                  scale)

    def choose(self, D, S, h):
        """Replace ``D, S, h`` of the coordinates that ended in noise."""
        if not self.on:
            return
        coords = np.flatnonzero(self.rows >= 0)
        r = self.rows[coords]
        noise = (self.pairs[r] > 0) & (self.noisy[r] | ~self.settled[r] & ~self.resolved[r])
        # a value that agrees with both neighbours, unless the shrinking
        # stopped at the first sign of noise (then the value before it),
        # else the first step
        mid = noise & np.isfinite(self.agree[r]) & ~self.noisy[r]
        # the first step, unless its quotient is not finite (a domain edge
        # inside its stencil)
        first = noise & ~mid & np.isfinite(self.start[0][r][:, self.cols]).all(axis=1) & (
            self.noisy[r] | ~self.front(r))
        for take, (Dk, Sk, hk) in ((mid, self.middle), (first, self.start)):
            if take.any():
                i, rk = coords[take], r[take]
                D[i], S[i], h[i] = Dk[rk], Sk[rk], hk[rk]


def refine_step(sweeper, idx, st, xc, h, eps_f, dtype, room=None, initial=None,
                cols=None, noise_abs=None, resume=None):
    """Default-step check: shrink or grow the step where the values demand it.

    The stencil values give, besides the derivative ``D = f^(n)``, a
    neighbouring derivative from the same points, hence the ratio ``rho = h
    |f^(n+1)| / |f^(n)|``. For functions whose derivatives grow like powers
    of that ratio (logarithms, powers and exponentials near their
    singularities) the relative truncation error is about ``|C| rho**p``,
    and the relative rounding error is about ``eps S / (h**n |D|)``.

    * Where truncation dominates far above the optimum, or the value is not
      finite (a domain edge inside the stencil), the step is divided by 8
      while successive quotients differ by more than their rounding and the
      differences fall as ``8**-p`` (the truncation regime); the last
      quotient before that pattern breaks is kept.
    * Where rounding dominates and the curvature is negligible, the step is
      multiplied by 8 while the larger step agrees with the smaller one.

    This is the accept/reject idea of Gill, Murray, Saunders & Wright (1983)
    applied to the values the stencil computes anyway: coordinates that are
    not flagged cost no extra evaluation.

    ``initial=(D, S, Q, h)`` supplies the first sweep when the caller has
    already made it. ``cols`` selects the outputs that decide (those finite
    at ``x``; the others have no derivative and must not steer the step).
    ``resume=(active, prev)`` continues the shrinking after a first probe
    the caller made (``initial`` then holds its outcome): ``active`` are the
    coordinates that moved to the smaller step, ``prev`` the change of
    their quotients; no other coordinate is checked. Returns ``(D, S, h, nfev)`` with ``D``/``S`` of shape
    ``(nc, m)``.
    """
    p, n = st.order, st.n
    R = PROBE_RATIO
    if initial is None:
        Ha = _actual(xc, h[None, :], dtype)
        D, S, Q, nfev = sweeper(idx, st, np.ascontiguousarray(Ha), True, True)
        h = Ha[0]
        D, S, Q = (np.ascontiguousarray(a[0]) for a in (D, S, Q))
    else:
        # the caller's arrays (not used by it afterwards): no copies of a
        # Jacobian-sized D
        D, S, Q, h = (np.asarray(a) for a in initial)
        nfev = 0
    if cols is None:
        cols = np.ones(D.shape[1], bool)
    c = np.flatnonzero(cols)
    if c.size == 0:
        return D, S, h, nfev
    # S and Q may come reduced to one column per coordinate (the largest
    # over the outputs, all these checks use); new sweeps are reduced alike
    reduced = S.shape[1] == 1 and D.shape[1] > 1
    cs = np.array([0]) if reduced else c

    def red(A):
        return np.max(A[:, c], axis=1, keepdims=True) if reduced else A
    if resume is None:
        flags, _ = _kernels.curvature_flags(
            np.ascontiguousarray(D[:, c]), np.ascontiguousarray(S[:, cs]),
            np.ascontiguousarray(Q[:, cs]), h, n, st.curvature_order, p, st.error_constant,
            float(comb(n + p, p)), eps_f, DOWN_FACTOR, UP_FACTOR, st.curvature_weight_ratio)
    else:
        flags = np.zeros(xc.shape[0], np.int8)
    # A stencil that reaches across zero from a non-zero x is always checked:
    # log, sqrt, 1/x and x log x are singular there, and values taken across
    # the singularity can look smooth to the curvature test.
    lo, hi = -st.reach_below, st.reach_above
    crosses_all = (xc != 0) & (((xc > 0) & (xc + lo * h <= 0)) | ((xc < 0) & (xc + hi * h >= 0)))
    if resume is not None:
        crosses_all[:] = False
    down = np.flatnonzero((flags == 1) | (flags == 3) | crosses_all)
    up = np.flatnonzero((flags == 2) & ~crosses_all)
    reach = st.reach

    floor = 0.0 if noise_abs is None or not np.isfinite(noise_abs) else (
        noise_abs * st.abs_weight_sum)

    def noise(Sx, hx):
        sc = Sx[:, cs] if Sx.shape[1] == S.shape[1] else Sx[:, c]
        return 4.0 * np.maximum(eps_f * np.max(sc, axis=1), floor) / hx ** n

    # shrink
    active = down
    prev = np.full(xc.shape[0], np.inf)
    probes = range(MAX_DOWN_PROBES)
    if resume is not None:
        active = np.asarray(resume[0], dtype=np.intp)
        prev[active] = resume[1]
        probes = range(1, MAX_DOWN_PROBES)
    pairs = _PairLog(active, D, S, h, resume, c)
    # A flagged stencil that reaches across zero from a non-zero x (where
    # log, sqrt, 1/x and x log x are singular) first jumps to a step that
    # keeps it on x's side; the values across the singularity are not a
    # derivative, so the usual ratio-8 convergence test cannot start there.
    xa = xc[active]
    crosses = crosses_all[active]
    first = np.where(crosses, np.minimum(1.0 / R, np.abs(xa) / (2.0 * st.reach * h[active])),
                     1.0 / R)
    for probe in probes:
        if active.size == 0:
            break
        factor = first if probe == 0 else 1.0 / R
        Hn = _actual(xc[active], (h[active] * factor)[None, :], dtype)
        # a step that no longer shrinks (the spacing of x reached) tells nothing
        shrinks = Hn[0] < h[active]
        if not shrinks.all():
            pairs.floored(active[~shrinks])
            active, Hn = active[shrinks], Hn[:, shrinks]
            if probe == 0:
                crosses = crosses[shrinks]
            if active.size == 0:
                break
        Dn, Sn, _, ne = sweeper(idx[active], st, np.ascontiguousarray(Hn), True)
        nfev += ne
        Dn, Sn, hn = Dn[0], Sn[0], Hn[0]
        old_bad = ~np.isfinite(D[active][:, c]).all(axis=1)
        new_ok = np.isfinite(Dn[:, c]).all(axis=1)
        with np.errstate(invalid="ignore"):
            diff = np.max(np.abs(Dn[:, c] - D[active][:, c]), axis=1)
            nz = noise(S[active], h[active]) + noise(Sn, hn)
            truncating = diff > nz
            # the truncation regime: differences fall like R**-p; far above
            # the rounding level (1000x), a difference that does not fall
            # yet is pre-asymptotic (or noise: see _PairLog), not rounding
            falling = (diff * R ** p / 8.0 <= prev[active]) | (diff > 1e3 * nz)
        jumped = crosses if probe == 0 else np.zeros(active.size, bool)
        moved = (old_bad & new_ok) | (~old_bad & new_ok & truncating & (falling | jumped))
        valid = ~old_bad & new_ok & ~jumped      # a pair of two finite quotients
        # noise, not variation the step does not resolve: the change is small
        # beside the quotients, or the noise it implies (the change times
        # h**n) is small beside the values of f or (first derivatives)
        # within the rounding of x itself, eps |x f'|
        scale = np.max(np.abs(Dn[:, c]), axis=1)
        with np.errstate(invalid="ignore"):
            dmax = np.maximum(scale, np.max(np.abs(D[active][:, c]), axis=1))
            small = (diff * eps_f <= NOISE_MAX_REL * nz) | (diff <= NOISE_REL_CHANGE * dmax)
            if n == 1:
                small |= diff * hn <= 8.0 * eps_f * np.abs(xc[active]) * dmax
        moved &= ~pairs.noise_grew(active, valid & small, diff, nz, D, S, h)
        still_bad = old_bad & ~new_ok
        with np.errstate(invalid="ignore"):
            # a fall like truncation's (32 times: R**p = 64 for p = 2), to a
            # tenth of the values
            fell = (diff * 32.0 <= prev[active]) & (diff <= 0.1 * scale)
        pairs.record(active, valid, moved, fell, diff, nz, D, S, h, Dn, red(Sn), hn, scale)
        a_m = active[moved]
        D[a_m], S[a_m], h[a_m] = Dn[moved], red(Sn[moved]), hn[moved]
        prev[a_m] = np.where(old_bad[moved] | jumped[moved], np.inf, diff[moved])
        a_b = active[still_bad]
        h[a_b] = hn[still_bad]
        active = active[moved | still_bad]
    pairs.choose(D, S, h)
    # grow: the first probe jumps to where the predicted rounding and
    # truncation errors balance (rounding falls as h**-n, truncation grows as
    # h**p), at least 8x and at most 0.1 max(1, |x|) or the room in the box;
    # later probes multiply by 8. A larger step is kept while it agrees with
    # the smaller one to within the smaller one's rounding.
    active = up
    if active.size:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dn_u = np.max(np.abs(D[active][:, c]), axis=1)
            a = st.curvature_order
            da_u = np.max(np.abs(Q[active][:, cs]), axis=1) / h[active] ** a
            if a > n:
                # a curvature below its own rounding is bounded by that rounding
                qnoise = 4.0 * eps_f * np.max(S[active][:, cs], axis=1) * st.curvature_weight_ratio
                da_u = np.maximum(da_u, qnoise / h[active] ** a)
            rho_u = h[active] * (da_u / dn_u if a > n else dn_u / da_u)
            tr_u = abs(st.error_constant) * rho_u ** p * comb(n + p, p)
            rn_u = eps_f * np.max(S[active][:, cs], axis=1) / (h[active] ** n * dn_u)
            jump = (rn_u / np.maximum(tr_u, 1e-300)) ** (1.0 / (n + p))
        # a quotient that rounded to zero gives no prediction: jump 1000x
        jump = np.where(np.isfinite(jump), np.clip(jump, R, 1e8), 1e3)
    for probe in range(MAX_PROBES):
        if active.size == 0:
            break
        hn = h[active] * (jump if probe == 0 else R)
        cap = 0.1 * np.maximum(1.0, np.abs(xc[active]))
        if room is not None:
            up_room, dn_room = (r[active] for r in room)
            side = {"central": np.minimum(up_room, dn_room), "forward": up_room,
                    "backward": dn_room}[st.kind]
            cap = np.minimum(cap, side / reach)
        hn = np.minimum(hn, cap)
        ok = hn > h[active] * 1.5
        active, hn = active[ok], hn[ok]
        if probe == 0:
            jump = jump[ok]
        if active.size == 0:
            break
        Hn = _actual(xc[active], hn[None, :], dtype)
        Dn, Sn, _, ne = sweeper(idx[active], st, np.ascontiguousarray(Hn), True)
        nfev += ne
        Dn, Sn, hn = Dn[0], Sn[0], Hn[0]
        with np.errstate(invalid="ignore"):
            diff = np.max(np.abs(Dn[:, c] - D[active][:, c]), axis=1)
            moved = np.isfinite(Dn[:, c]).all(axis=1) & (diff <= noise(S[active], h[active]))
            # a zero quotient that stays zero carries no information
            moved &= ~((D[active][:, c] == 0).all(axis=1) & (Dn[:, c] == 0).all(axis=1))
        a_m = active[moved]
        D[a_m], S[a_m], h[a_m] = Dn[moved], red(Sn[moved]), hn[moved]
        active = a_m
    return D, S, h, nfev


def warn_failed(res, what="element"):
    """Warn once when some elements could not be computed."""
    if res.bad_outputs:
        warnings.warn(
            f"numdiff: f(x) is not finite for {res.bad_outputs} output(s); their "
            "derivatives are nan (see info.message)", RuntimeWarning, stacklevel=3)
    elif res.failed.any():
        k = int(res.failed.sum())
        warnings.warn(
            f"numdiff: f was not finite at every stencil point for {k} {what}(s) "
            f"of {res.failed.size}, even with one-sided and smaller steps; those "
            "derivatives are nan (see info.message)", RuntimeWarning, stacklevel=3)
