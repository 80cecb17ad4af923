"""Finite-difference Hessians of ``f`` alone (no gradient given).

Every entry comes from a second derivative along a direction, so the
one-dimensional engine of ``_engine.py`` -- default steps with the
curvature check, fixed steps with error estimates, Richardson extrapolation
(``adaptive=True``), bounds and the non-finite policy -- serves the Hessian
unchanged:

* the diagonal ``H_ii`` is ``f``'s second derivative along ``e_i``;
* an off-diagonal ``H_ij`` follows by polarisation from the second
  derivative ``g_ij`` along ``e_i + s e_j`` (``s = +1``, or ``-1`` when
  bounds leave more room that way): ``H_ij = s (g_ij - H_ii - H_jj) / 2``.
  With a fixed step each entry's error bound comes from its own change
  between the two step levels and the measured noise of ``f``
  (:func:`_two_level_bounds`); with ``adaptive=True`` a pair may be
  extrapolated on its own Richardson table (:func:`_adaptive_entries`);
  otherwise the bound is ``(E_ij + E_ii + E_jj) / 2``.

With a central stencil of order ``p`` that is ``n (n + 1) p / 2`` evaluations
of ``f`` plus one for a dense ``n``-variable Hessian (``n**2 + n + 1`` at
order 2), half of what the classic four-point formula for each mixed
partial needs, and the output is exactly symmetric by construction. Only
the pairs a sparsity structure allows are evaluated.

Along ``e_i + e_j`` both coordinates move by the same step; the engine makes
that step exactly representable for the coordinate of larger magnitude (its
``_actual``), which makes it exact for the other one too except when a
perturbed value crosses into a larger binade (an error of half an ulp of
the value, as for any stencil point).

References
----------
Polarisation of directional second derivatives: the identity
``v^T H w = (q(v + w) - q(v) - q(w)) / 2`` for the quadratic form
``q(v) = v^T H v``; see J. Nocedal and S. J. Wright, *Numerical
Optimization*, 2nd ed., Springer (2006), section 8.1 (finite-difference
Hessians from function values only). Noise of ``f``: J. J. Moré and S. M.
Wild, "Estimating computational noise", *SIAM J. Sci. Comput.* 33 (2011)
1292-1314.
"""
from math import comb

import numpy as np

from .. import _validate as V
from .._workers import FunctionCall, mapper
from . import _engine, _kernels
from ._stencils import get_stencil
from ._steps import ADAPTIVE_EXTRAP, ADAPTIVE_RATIO
from ._api import _batch_points, _batch_sweeper, _eps, _f_at_x

__all__ = ["fd_hessian", "fd_hvp", "noise_level"]



class HessianRows:
    """The directions of a finite-difference Hessian: ``e_i`` and ``e_i + e_j``."""

    def __init__(self, n, pairs=None, diag_only=False):
        ii = np.arange(n, dtype=np.intp)
        if diag_only:
            iu = ju = np.empty(0, dtype=np.intp)
        elif pairs is None:
            iu, ju = np.triu_indices(n, 1)
        else:
            iu, ju = pairs
        self.n = n
        self.c1 = np.ascontiguousarray(np.concatenate([ii, iu]).astype(np.intp))
        self.c2 = np.ascontiguousarray(np.concatenate(
            [np.full(n, -1, dtype=np.intp), ju]).astype(np.intp))
        self.iu = np.asarray(iu, dtype=np.intp)
        self.ju = np.asarray(ju, dtype=np.intp)
        self.s2 = np.ones(self.c1.size)

    @property
    def count(self):
        return self.c1.size


def _sweeper(s, x, f0, rows, vectorized, mapfn):
    """``sweeper(idx, stencil, H, want_s, want_q)`` over Hessian rows ``idx``."""
    if vectorized or mapfn is not None:
        return _batch_sweeper(s, x, f0, True, (), vectorized, mapfn,
                              lambda idx, st, H: _batch_points(
                                  x, rows.c1[idx], st, H, rows.c2[idx], rows.s2[idx]))
    f, args, kwargs = s.f, s.args, s.kwargs

    def sweeper(idx, st, H, want_s, want_q=False):
        J, nc = H.shape
        D = np.empty((J, nc, 1))
        S = np.empty((J, nc, 1)) if want_s else None
        Q = np.empty((J, nc, 1)) if want_q else None
        nfev = _kernels.sweep(f, args, kwargs, x, rows.c1[idx], H,
                              st.nonzero_offsets, st.nonzero_weights, st.w0, f0,
                              st.n, False, True, (), D, S,
                              st.curvature_weights if want_q else None,
                              st.curvature_w0, Q, rows.c2[idx],
                              np.ascontiguousarray(rows.s2[idx]))
        return D, S, Q, nfev
    return sweeper


def _row_bounds(bounds, xf, rows, own):
    """Per-row ``(lb, ub)`` around the row's own coordinate: the room of both.

    Chooses the sign of each pair's second coordinate (``rows.s2``): the one
    whose direction has more room on its roomier side (``+`` on ties), so a
    pair with one variable at its lower bound and the other at its upper
    bound is differenced along ``e_i - e_j``.
    """
    if bounds is None:
        return None
    lb, ub = (np.asarray(b, dtype=np.float64).reshape(-1) for b in bounds)
    c1, c2 = rows.c1, rows.c2
    two = c2 >= 0
    j = np.where(two, c2, c1)
    # pairs keep 2**-20 of their room against rounding (the engine checks the
    # rounding of one coordinate only)
    k = 1 - 2.0 ** -20
    up_i, dn_i = ub[c1] - xf[c1], xf[c1] - lb[c1]
    up_i, dn_i = np.where(two, up_i * k, up_i), np.where(two, dn_i * k, dn_i)
    up_j, dn_j = (ub[j] - xf[j]) * k, (xf[j] - lb[j]) * k
    plus = (np.minimum(up_i, up_j), np.minimum(dn_i, dn_j))
    minus = (np.minimum(up_i, dn_j), np.minimum(dn_i, up_j))
    neg = two & (np.maximum(*minus) > np.maximum(*plus))
    rows.s2 = np.where(neg, -1.0, 1.0)
    up = np.where(two, np.where(neg, minus[0], plus[0]), up_i)
    dn = np.where(two, np.where(neg, minus[1], plus[1]), dn_i)
    xo = xf[own]
    return xo - dn, xo + up


def noise_level(call, x, f0, points=8, vectorized=False, mapfn=None, bounds=None,
                scalar=True):
    """Absolute noise of ``f`` near ``x``: ECnoise (Moré and Wild 2011).

    ``f`` at ``x + i t p`` (``i = 0 .. points - 1``) along a fixed
    pseudo-random direction ``p`` scaled by ``max(1, |x_j|)`` coordinate by
    coordinate, with ``t = 1e-6``: the
    ``k``-th differences of those values (``k = 3 .. 6``) are pure noise,
    the smooth part being ``O(t**k)``, and i.i.d. noise of standard
    deviation ``sigma`` gives them variance ``C(2k, k) sigma**2``. Returns
    the largest of the four estimates (per output of ``f``; a float for a
    scalar ``f`` when ``scalar``) and the number of evaluations. The
    points go to ``f`` as the sweeps send theirs (one batch when
    ``vectorized``, one map with ``mapfn``). With ``bounds`` the direction
    turns, coordinate by coordinate, to the side with room, and the points
    stay inside the box.
    """
    flat = x.reshape(-1).astype(np.float64)
    p = np.random.default_rng(20111).standard_normal(flat.size)
    # each coordinate moves on its own scale: a badly scaled x must not turn
    # the smooth variation of its small coordinates into "noise"
    scale = np.maximum(1.0, np.abs(flat))
    p = p * scale / np.linalg.norm(p * scale)
    t = 1e-6
    span = (points - 1) * t
    if bounds is not None:
        lb, ub = (np.asarray(b, dtype=np.float64).reshape(-1) for b in bounds)
        up, dn = ub - flat, flat - lb
        p = np.where(p > 0, np.where(up >= span * p, p, -p), np.where(dn >= -span * p, p, -p))
        room = np.where(p > 0, up, dn) * (1 - 2.0 ** -20)
        p = np.where(room >= span * np.abs(p), p, 0.0)
    if not np.any(p):
        return (np.nan if scalar else np.full(np.size(f0), np.nan)), 0
    pts = [(flat + i * t * p).astype(x.dtype).reshape(x.shape) for i in range(1, points)]
    if all(np.array_equal(pt, x) for pt in pts):
        # the steps rounded away (float32 x far from 0): nothing to measure
        return (np.nan if scalar else np.full(np.size(f0), np.nan)), 0
    f0 = np.asarray(f0, dtype=np.float64).reshape(-1)
    try:
        if vectorized:
            Y = np.asarray(call(np.stack(pts, axis=-1)), dtype=np.float64)
            ys = [Y[..., i].reshape(-1) for i in range(points - 1)]
        elif mapfn is not None:
            ys = [np.asarray(y, dtype=np.float64).reshape(-1) for y in mapfn(call, pts)]
        else:
            ys = [np.asarray(call(pt), dtype=np.float64).reshape(-1) for pt in pts]
    except Exception:  # noqa: BLE001 - no measure: the bounds keep their model
        return (np.nan if scalar else np.full(f0.size, np.nan)), points - 1
    if any(y.shape != f0.shape for y in ys):
        return np.full(f0.shape, np.nan), points - 1
    v = np.stack([f0] + ys)                                   # (points, m)
    sig = np.zeros(f0.shape)
    for k in range(3, 7):
        dk = np.diff(v, k, axis=0)
        sig = np.maximum(sig, np.sqrt(np.mean(dk ** 2, axis=0) / comb(2 * k, k)))
    # values that did not change at all (quantised f, or points that moved
    # too little) measure nothing: not a noise of zero
    flat_v = np.all(v == v[0], axis=0)
    sig = np.where(np.all(np.isfinite(v), axis=0) & ~flat_v, sig, np.nan)
    return (sig[0] if sig.size == 1 and scalar else sig), points - 1


#: Multiplier of the next error term's estimated relative size (see
#: :func:`_two_level_bounds`).
NEXT_TERM = 10.0
#: Part of an entry's change between its step levels added to its
#: truncation estimate for changes that do not follow the stencil's order.
CUSHION = 0.2
#: The rounding part from the measured noise is at most this many times the
#: engine's own rounding bound.
NOISE_CAP = 4.0
#: Largest ratio of a pair's directions' steps for which the pair is
#: extrapolated on its own Richardson table.
STEPS_APART = 16.0


def _noise_sd(noise):
    """The measured noise of ``f`` (standard deviation), at least ``eps_f
    |f(x)| / 8``; ``None`` without a measure."""
    if not np.isfinite(noise[0]):
        return None
    return max(float(noise[0]), noise[2] * abs(float(noise[1])) / 8.0)


def _noise_weights(kind, h, order):
    """Per direction (rows of ``h``, shape ``(N,)`` or ``(N, levels)``): the
    sum of the squared weights of its own points ``a`` and the weight of
    ``f(x)`` ``c`` of its second difference at steps ``h``, and its
    stencil's order ``p`` and step exponent ``e`` (shape ``(N,)``)."""
    ssq, w0, p, e = (np.empty(kind.size) for _ in range(4))
    for knd in np.unique(kind):
        st = get_stencil(str(knd), 2, order)
        sel = kind == knd
        ssq[sel] = float(np.sum(st.nonzero_weights ** 2))
        w0[sel] = st.w0
        p[sel] = st.order
        e[sel] = st.exponent_step
    shape = (-1,) + (1,) * (h.ndim - 1)
    return ssq.reshape(shape) / h ** 4, w0.reshape(shape) / h ** 2, p, e


def _pair_sd(a, c, pr, ia, ib):
    """Standard deviation, per unit noise, of the pairs ``(D_pr - D_ia -
    D_ib) / 2``: their points are distinct except ``f(x)``."""
    return np.sqrt(0.25 * (a[pr] + a[ia] + a[ib]) + (0.5 * (c[pr] - c[ia] - c[ib])) ** 2)


def _two_level_bounds(res, n, pairs, off, s, noise, rho):
    """Bounds of the entries from their own two step levels and the measured
    noise: ``(diagonal, pairs)``, ``nan`` where that model does not apply;
    ``None`` without two fixed-step levels or a noise measure. ``pairs =
    (pr, ia, ib)`` names each pair's three directions (rows of ``res``);
    the first ``n`` rows are also judged on their own (the diagonal).

    An entry is one linear combination of values of ``f``: the diagonal
    ``D_ii``, or the pair ``P = s (D_ij - D_ii - D_jj) / 2``. It is judged as
    a difference quotient is, by its own change between the two step levels
    and by the rounding of the values it combines:

    * **Truncation.** A direction's change between its levels is its
      leading error term times ``1 - 2**p``, whatever its step, so the pair's
      combination of the three changes is its own leading term times the
      same factor; truncation that cancels between the directions (a sum of
      terms of one or two variables, where ``H_ij`` is exact in ``h``)
      cancels in the estimate too. The next terms need not cancel: relative
      to a direction's change they are about ``(|change| / |value|) **
      (e / p)`` (one length scale; ``e`` the stencil's step exponent), so
      each direction keeps ``NEXT_TERM`` times that part of its own change.
      A direction whose part reaches 1 is outside its asymptotic regime:
      its entries keep the engine's bounds. That judges the change against
      the whole value, which a large smooth part of ``f`` can dominate while
      a small part varies on a length scale near the step; so the estimate
      is ``(SAFETY / (2**p - 1) + CUSHION)`` times the change, not the
      asymptotic ``SAFETY / (2**p - 1)`` alone (the engine's own bounds
      carry ``2**n / (2**n + 1)`` of the change through its noise check).
    * **Rounding.** The values are distinct points except ``f(x)``, each
      off by noise of standard deviation ``sigma`` (ECnoise, at least
      ``eps_f |f(x)| / 8``): the combination's standard deviation is
      ``sigma sqrt(sum w_k**2)`` with ``w_k`` its weights, and four of those
      bound it. Rounding inside ``f`` that the step does not touch cancels
      in every difference, so this is tighter than ``eps |f|`` per value
      added up, and it grows with the measured noise where terms of ``f``
      cancel. ECnoise takes steep smooth variation (near a pole) for noise;
      the part is therefore at most ``NOISE_CAP`` times the engine's
      rounding bound ``rho`` (whose noise check follows real noise).
    """
    sigma = _noise_sd(noise)
    if res.delta is None or sigma is None:
        return None
    d = res.delta[:, 0]
    eps = np.finfo(np.float64).eps
    a, c, p, es = _noise_weights(res.kind, res.step, s.order)
    G = res.value[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        nxt = np.abs(d) / np.abs(G)
    nxt = np.where(np.isfinite(nxt), np.minimum(1.0, NEXT_TERM * nxt ** (es / p)), 1.0)
    asym = nxt < 1.0
    keep = np.abs(d) * nxt
    # pairs: rows pr, ia, ib
    pr, ia, ib = pairs
    pmin = np.minimum(np.minimum(p[pr], p[ia]), p[ib])
    dP = np.maximum(0.5 * np.abs(d[pr] - d[ia] - d[ib]),
                    0.5 * (keep[pr] + keep[ia] + keep[ib]))
    r_pair = np.minimum(4.0 * sigma * _pair_sd(a, c, pr, ia, ib),
                        NOISE_CAP * 0.5 * (rho[pr] + rho[ia] + rho[ib]))
    e_pair = ((_engine.SAFETY / (2.0 ** pmin - 1.0) + CUSHION) * dP + r_pair
              + eps * np.abs(off))
    e_pair = np.where(asym[pr] & asym[ia] & asym[ib], e_pair, np.nan)
    # the first n rows on their own (the diagonal)
    r_diag = np.minimum(4.0 * sigma * np.sqrt(a[:n] + c[:n] ** 2), NOISE_CAP * rho[:n])
    e_diag = ((_engine.SAFETY / (2.0 ** p[:n] - 1.0) + CUSHION) * np.abs(d[:n])
              + r_diag + eps * np.abs(G[:n]))
    e_diag = np.where(asym[:n], e_diag, np.nan)
    return e_diag, e_pair


def _levels_disjoint(st, levels):
    """Whether no point of stencil ``st`` other than ``x`` recurs at a finer
    level of an adaptive table of ``levels`` levels."""
    o = np.abs(st.nonzero_offsets) if st.kind == "central" else st.nonzero_offsets
    o = np.unique(o)
    for m in range(1, levels):
        if np.intersect1d(o, o / ADAPTIVE_RATIO ** m).size:
            return False
    return True


def _adaptive_entries(res, n, pairs, s, noise):
    """The entries extrapolated on their own Richardson tables with the
    measured noise: ``(diagonal value, error, pair value, error)`` (``nan``
    where a table is incomplete, or a pair's directions differ in stencil),
    or ``None`` without the tables or a noise measure.

    A pair ``(D_pr - D_ia - D_ib) / 2`` has, level by level, the same
    combination of its directions' difference quotients as its table (the
    levels share their ratio, whatever each direction's step), so it is
    extrapolated like a single quotient: truncation that cancels between
    the directions cancels in every difference of the table. Only where the
    directions' steps agree within ``STEPS_APART``: with steps far apart
    the part of ``f`` along the longer steps cancels level by level and can
    leave a false plateau.

    The rounding bound of an entry is four standard deviations of its own
    rounding error under the measured noise ``sigma``, as for fixed steps.
    Each level's noise is given to the Richardson kernel in two parts, the
    values at points other than ``x`` and the shared ``f(x)``; the kernel
    combines them exactly over the levels the entry uses (the first in
    quadrature where the stencil's points are distinct between levels,
    :func:`_levels_disjoint`, else added). The bound is at most
    ``NOISE_CAP`` times the engine's once both have passed the kernel's
    noise check, so noise the table shows is kept while smooth variation
    ECnoise took for noise is not. With such statistical bounds the reported
    error discounts the part of the finer neighbour's difference that
    rounding explains (``dD_report`` of the kernel). A pair from its
    directions' own entries (the fallback) adds half their truncation parts
    and combines their rounding parts the same way: their points are
    distinct but for ``f(x)``.
    """
    sigma = _noise_sd(noise)
    if res.levels is None or sigma is None:
        return None
    L, dL, Hl = res.levels
    pr, ia, ib = pairs
    knd = res.kind
    a, c, _, _ = _noise_weights(knd, Hl, s.order)
    pair_v = np.full(pr.size, np.nan)
    pair_e = np.full(pr.size, np.nan)

    def extrapolate(P, dmodel, ind, com, st):
        # each level's noise: its points other than x (ind) and f(x) (com);
        # the kernel combines them exactly over the levels
        with np.errstate(invalid="ignore"):
            est, err, _, _, _, ri, rc = _kernels.richardson(
                np.ascontiguousarray(P.T), np.ascontiguousarray(dmodel.T), ADAPTIVE_RATIO,
                st.order, st.exponent_step, ADAPTIVE_EXTRAP, _engine.SAFETY,
                np.finfo(np.float64).eps, np.ascontiguousarray(ind.T), NOISE_CAP,
                np.ascontiguousarray(com.T), _levels_disjoint(st, P.shape[1]))
        return np.where(np.isfinite(err), est, np.nan), err, ri, rc

    # every direction on its own (the engine's choice of entry, its error
    # reported with the measured noise)
    own_v, own_e, own_i, own_c = (np.full(knd.size, np.nan) for _ in range(4))
    # a pair's table only where its directions' steps agree within STEPS_APART:
    # far apart, the part of f along the longer steps cancels in the table
    # and leaves a false plateau (badly scaled x)
    h0 = Hl[:, 0]
    lo = np.minimum(np.minimum(h0[pr], h0[ia]), h0[ib])
    hi = np.maximum(np.maximum(h0[pr], h0[ia]), h0[ib])
    same = (knd[pr] == knd[ia]) & (knd[pr] == knd[ib]) & (hi <= STEPS_APART * lo)
    for k in np.unique(knd):
        st = get_stencil(str(k), 2, s.order)
        sel = np.flatnonzero(knd == k)
        own_v[sel], own_e[sel], own_i[sel], own_c[sel] = extrapolate(
            L[sel], dL[sel], 4.0 * sigma * np.sqrt(a[sel]), 4.0 * sigma * c[sel], st)
        sel = np.flatnonzero(same & (knd[pr] == k))
        if sel.size:
            p, q, r = pr[sel], ia[sel], ib[sel]
            pair_v[sel], pair_e[sel], _, _ = extrapolate(
                0.5 * (L[p] - L[q] - L[r]), 0.5 * (dL[p] + dL[q] + dL[r]),
                4.0 * sigma * np.sqrt(0.25 * (a[p] + a[q] + a[r])),
                4.0 * sigma * 0.5 * (c[p] - c[q] - c[r]), st)
    # a pair from its directions' own entries where that is the better
    # estimate (the table's common levels can suit some directions badly):
    # half the three truncation parts, and the rounding of the combination,
    # whose points are distinct but for f(x) (in quadrature, f(x) coherently)
    own_r = np.hypot(own_i, own_c)
    rest = own_e - own_r
    comb_e = 0.5 * (rest[pr] + rest[ia] + rest[ib]) + 0.5 * np.sqrt(
        own_i[pr] ** 2 + own_i[ia] ** 2 + own_i[ib] ** 2
        + (own_c[pr] - own_c[ia] - own_c[ib]) ** 2)
    use = np.isfinite(comb_e) & ~(pair_e <= comb_e)
    pair_v = np.where(use, 0.5 * (own_v[pr] - own_v[ia] - own_v[ib]), pair_v)
    pair_e = np.where(use, comb_e, pair_e)
    return own_v[:n], own_e[:n], pair_v, pair_e


def _engine_rounding(res, G, E):
    """The engine's rounding part of each direction's bound (``nan`` where
    the bound has no truncation part)."""
    eps = np.finfo(np.float64).eps
    tr = res.trunc[:, 0] if res.trunc is not None else np.full(G.shape, np.nan)
    usable = np.isfinite(tr) & np.isfinite(E)
    return tr, usable, np.where(usable, np.maximum(E - tr - eps * np.abs(G), 0.0), np.nan)


def _entry_errors(res, G, E, n, iu, ju, off, s, noise):
    """Error bounds of the Hessian entries: ``(n,)`` diagonal and the pairs.

    With two fixed-step levels and a noise measure, each entry's own bound
    (:func:`_two_level_bounds`). Otherwise, and outside the asymptotic
    regime, the engine's: each direction's bound is a truncation part plus
    a rounding bound ``eps sum |w_k f_k| / h**2``, which assumes every value
    of ``f`` off by ``eps |f|``; ``noise`` (the measured noise of ``f``,
    :func:`noise_level`) replaces that by ``4 sigma`` times the sum of the
    absolute weights where it is smaller, but never below ``eps_f |f(x)| /
    8``, and a pair ``H_ij = (g_ij - H_ii - H_jj) / 2`` adds half the three
    truncation parts and half the three rounding parts. (The change between
    two steps is no bound on rounding: quantised values of a large ``f`` can
    agree exactly at both steps. That is why the rounding comes from the
    measured noise, and why without a measure the sums stay.)
    """
    eps = np.finfo(np.float64).eps
    st = get_stencil(s.method, 2, s.order)
    tr, usable, rho = _engine_rounding(res, G, E)
    rho_engine = rho
    f0 = abs(float(noise[1]))
    sigma = noise[0]
    if np.isfinite(sigma) and f0 > 0:
        wsum = float(np.sum(np.abs(st.weights)))
        model = noise[2] * wsum * f0                     # the engine's S * eps_f
        # 4 sigma per value covers quantised values too (|error| <= ulp/2 =
        # 1.7 sigma for uniform rounding)
        measured = max(4.0 * sigma * wsum, noise[2] * f0 / 8.0)
        rho = rho * min(1.0, measured / model)
    e_diag = np.where(usable[:n], tr[:n] + rho[:n] + eps * np.abs(G[:n]), E[:n])
    e_sum = 0.5 * (E[n:] + E[iu] + E[ju])
    t_pair = 0.5 * (tr[n:] + tr[iu] + tr[ju])
    r_pair = 0.5 * (rho[n:] + rho[iu] + rho[ju])
    okp = usable[n:] & usable[iu] & usable[ju]
    e_pair = np.where(okp, t_pair + r_pair + eps * np.abs(off), e_sum)
    own = _two_level_bounds(res, n, (np.arange(n, n + iu.size), iu, ju), off, s, noise,
                            rho_engine)
    if own is not None:
        e_diag = np.where(np.isfinite(own[0]) & usable[:n], own[0], e_diag)
        e_pair = np.where(np.isfinite(own[1]) & okp, own[1], e_pair)
    return e_diag, e_pair


def _retry_pairs_the_other_way(res, rows, sweeper, xf, own, base, s, rb, eps_f, dtype, f0,
                               noise, value_dtype):
    """Pairs that failed along ``e_i + s e_j`` (f not finite on both sides of
    every step tried) get one more try along ``e_i - s e_j``: a domain that
    ends on opposite sides in the two variables leaves room that way."""
    n = rows.n
    bad = np.flatnonzero(res.failed[n:]) + n
    if bad.size == 0 or res.bad_outputs:
        return
    rows.s2[bad] = -rows.s2[bad]

    def sub(idx, st, H, want_s, want_q=False):
        return sweeper(bad[idx], st, H, want_s, want_q)
    r2 = _engine.run(sub, xf[own[bad]], None if base is None else base[bad],
                     kind=s.method, n=2, order=s.order, adaptive=s.adaptive,
                     want_error=s.full_output,
                     bounds=None if rb is None else (rb[0][bad], rb[1][bad]),
                     eps_f=eps_f, dtype=dtype, f0_finite=np.isfinite(f0), noise_abs=noise,
                     keep_levels=True, value_dtype=value_dtype)
    res.nfev += r2.nfev
    ok = ~r2.failed
    fixed = bad[ok]
    res.value[fixed] = r2.value[ok]
    res.error[fixed] = r2.error[ok]
    res.step[fixed] = r2.step[ok]
    res.kind[fixed] = r2.kind[ok]
    res.failed[fixed] = False
    for name in ("delta", "trunc"):
        a, b = getattr(res, name), getattr(r2, name)
        if a is not None:
            a[fixed] = b[ok] if b is not None else np.nan
    if res.levels is not None:
        for a, b in zip(res.levels, r2.levels or (None,) * 3):
            a[fixed] = b[ok] if b is not None else np.nan
    # the pairs that failed both ways keep their first sign
    rows.s2[bad[~ok]] = -rows.s2[bad[~ok]]


def fd_hessian(s, vectorized=False, workers=None, diag_only=False, pairs=None):
    """Hessian entries of ``s.f`` at ``s.x`` by second differences.

    Returns ``(H, E, res, res_dtype)``: ``H`` and ``E`` of shape ``(n, n)``
    (``(n,)`` when ``diag_only``), the engine's result per direction (steps,
    stencils, evaluations including ``f(x)``, failures) and the dtype of
    ``f``'s values.
    """
    x = s.x
    n = x.size
    vectorized = V.check_bool(vectorized, "vectorized")
    rows = HessianRows(n, pairs, diag_only)
    with mapper(workers) as mapfn:
        f0, _, res_dtype = _f_at_x(s, True, vectorized)
        eps_f = _eps(x.dtype, res_dtype)
        xf = x.reshape(-1).astype(np.float64)
        c1, c2 = rows.c1, rows.c2
        own = np.where((c2 < 0) | (np.abs(xf[c1]) >= np.abs(xf[np.maximum(c2, 0)])),
                       c1, c2)
        base = None
        if s.step is not None:
            st_ = s.step.reshape(-1).astype(np.float64)
            base = np.where(c2 < 0, st_[c1], np.minimum(st_[c1], st_[np.maximum(c2, 0)]))
        noise = (np.nan, f0[0], eps_f)
        extra = 0
        # seven evaluations; needed by the curvature check of the default
        # step, by the error bounds and by the adaptive pairs' own tables
        if np.isfinite(f0[0]) and (s.full_output or s.adaptive or s.step is None):
            # the measured noise of f: rounding inside f can exceed eps |f(x)|
            # by far (terms that cancel); the curvature check must not
            # shrink steps into it, and the error bounds use it
            call = FunctionCall(s.f, s.args, s.kwargs) if mapfn is not None else s.call
            sigma, extra = noise_level(call, x, f0[0], vectorized=vectorized, mapfn=mapfn,
                                       bounds=s.bounds)
            noise = (sigma, f0[0], eps_f)
        sweeper = _sweeper(s, x, f0, rows, vectorized, mapfn)
        rb = _row_bounds(s.bounds, xf, rows, own)
        res = _engine.run(sweeper, xf[own], base, kind=s.method, n=2, order=s.order,
                          adaptive=s.adaptive, want_error=s.full_output, bounds=rb,
                          eps_f=eps_f, dtype=x.dtype, f0_finite=np.isfinite(f0),
                          noise_abs=noise[0], keep_levels=True, value_dtype=res_dtype)
        _retry_pairs_the_other_way(res, rows, sweeper, xf, own, base, s, rb, eps_f, x.dtype,
                                   f0, noise[0], res_dtype)
    res.nfev += 1 + extra
    G = res.value[:, 0]
    E = res.error[:, 0]
    iu, ju = rows.iu, rows.ju
    off = 0.5 * rows.s2[n:] * (G[n:] - G[iu] - G[ju])
    if s.full_output:
        e_diag, e_pair = _entry_errors(res, G, E, n, iu, ju, off, s, noise)
    else:
        e_diag, e_pair = E[:n], np.full(iu.size, np.nan)
    if s.adaptive:
        own = _adaptive_entries(res, n, (np.arange(n, n + iu.size), iu, ju), s, noise)
        if own is not None:
            ok = np.isfinite(own[0]) & np.isfinite(own[1])
            G = G.copy()
            G[:n] = np.where(ok, own[0], G[:n])
            ok2 = np.isfinite(own[2]) & np.isfinite(own[3])
            off = np.where(ok2, rows.s2[n:] * own[2], off)
            if s.full_output:
                e_diag = np.where(ok, own[1], e_diag)
                e_pair = np.where(ok2, own[3], e_pair)
    if diag_only:
        return G, e_diag, res, res_dtype
    if pairs is not None:
        # only the structure's entries: csr arrays, no n x n array
        import scipy.sparse as sp
        d = np.arange(n)
        r = np.concatenate([d, iu, ju])
        c = np.concatenate([d, ju, iu])
        H = sp.csr_array((np.concatenate([G[:n], off, off]), (r, c)), shape=(n, n))
        Eh = sp.csr_array((np.concatenate([e_diag, e_pair, e_pair]), (r, c)), shape=(n, n))
        H.sort_indices()
        Eh.sort_indices()
        return H, Eh, res, res_dtype
    H = np.zeros((n, n))
    Eh = np.zeros((n, n)) if s.full_output else np.full((n, n), np.nan)
    d = np.arange(n)
    H[d, d] = G[:n]
    H[iu, ju] = off
    H[ju, iu] = off
    Eh[d, d] = e_diag
    if s.full_output:
        Eh[iu, ju] = e_pair
        Eh[ju, iu] = e_pair
    return H, Eh, res, res_dtype


def fd_hvp(s, v, vectorized=False, workers=None):
    """``H v`` from second differences of ``f`` alone (polarisation).

    With ``u = v / max|v|``: ``(H u)_i = (g(e_i + u) - g(e_i) - g(u)) / 2``
    where ``g(d)`` is the second derivative of ``f`` along ``d``; ``2 n + 1``
    directions through the same engine as the Hessian (``4 n + 3``
    evaluations at order 2, plus seven that measure the noise of ``f`` with
    the default step or ``full_output``). Each entry is bounded as a
    Hessian pair is (:func:`_two_level_bounds`; otherwise the half-sum of
    its three directions' bounds). Returns ``(Hv, E, res, res_dtype)``.
    """
    x = s.x
    n = x.size
    vectorized = V.check_bool(vectorized, "vectorized")
    vv = np.asarray(v, dtype=np.float64).reshape(-1)
    scale = float(np.max(np.abs(vv))) if vv.size else 0.0
    if scale == 0.0:
        raise ValueError("v must not be zero")
    u = vv / scale
    flat = x.reshape(-1).astype(np.float64)
    dirs = np.zeros((2 * n + 1, n))
    dirs[np.arange(n), np.arange(n)] = 1.0
    dirs[n] = u
    dirs[n + 1:] = u[None, :]
    dirs[n + 1 + np.arange(n), np.arange(n)] += 1.0
    with mapper(workers) as mapfn:
        f0, _, res_dtype = _f_at_x(s, True, vectorized)
        eps_f = _eps(x.dtype, res_dtype)

        def points(idx, st, H):
            J, nc = H.shape
            t = (H.T[:, :, None] * st.nonzero_offsets[None, None, :]).reshape(-1)
            rows = np.repeat(idx, J * st.nonzero_offsets.size)
            X = (flat[:, None] + dirs[rows].T * t[None, :]).astype(x.dtype)
            return X.reshape(x.shape + (t.size,))
        sweeper = _batch_sweeper(s, x, f0, True, (), vectorized, mapfn, points)
        # each direction's own coordinate: its entry of largest |x_j d_j|
        own = np.argmax(np.abs(dirs) * (1.0 + np.abs(flat))[None, :], axis=1)
        bounds = None
        if s.bounds is not None:
            lb, ub = (b.reshape(-1).astype(np.float64) for b in s.bounds)
            with np.errstate(divide="ignore", invalid="ignore"):
                upj = np.where(dirs > 0, (ub - flat) / dirs,
                               np.where(dirs < 0, (flat - lb) / -dirs, np.inf))
                dnj = np.where(dirs > 0, (flat - lb) / dirs,
                               np.where(dirs < 0, (ub - flat) / -dirs, np.inf))
            k = 1 - 2.0 ** -20
            up, dn = np.min(upj, axis=1) * k, np.min(dnj, axis=1) * k
            if np.any(np.maximum(up, dn) <= 0):
                raise ValueError(
                    "hvp with bounds: v (or e_i + v) points out of the box on both sides "
                    "at x, so f cannot be differenced along it inside the bounds; use "
                    "hessian(f, x, bounds=...) @ v, or pass grad=")
            bounds = (flat[own] - dn, flat[own] + up)
        sigma, extra = np.nan, 0
        if np.isfinite(f0[0]) and (s.full_output or (s.step is None and not s.adaptive)):
            call = FunctionCall(s.f, s.args, s.kwargs) if mapfn is not None else s.call
            sigma, extra = noise_level(call, x, f0[0], vectorized=vectorized, mapfn=mapfn,
                                       bounds=s.bounds)
        base = None
        if s.step is not None:
            base = np.full(2 * n + 1, float(np.min(s.step)))
        res = _engine.run(sweeper, flat[own], base, kind=s.method, n=2, order=s.order,
                          adaptive=s.adaptive, want_error=s.full_output, bounds=bounds,
                          eps_f=eps_f, dtype=x.dtype, f0_finite=np.isfinite(f0),
                          noise_abs=sigma, value_dtype=res_dtype)
    res.nfev += 1 + extra
    G, E = res.value[:, 0], res.error[:, 0]
    Hu = 0.5 * (G[n + 1:] - G[:n] - G[n])
    Eu = 0.5 * (E[n + 1:] + E[:n] + E[n])
    if s.full_output:
        # each entry is a pair of directions e_i + u, e_i and u: its own bound
        # where the Hessian's pairs get theirs
        _, usable, rho = _engine_rounding(res, G, E)
        ii = np.arange(n)
        own = _two_level_bounds(res, 0, (n + 1 + ii, ii, np.full(n, n)), Hu, s,
                                (sigma, f0[0], eps_f), rho)
        if own is not None:
            ok = np.isfinite(own[1]) & usable[n + 1:] & usable[:n] & usable[n]
            Eu = np.where(ok, own[1], Eu)
    return scale * Hu, scale * Eu, res, res_dtype
