"""Derivative checkers: ``check_gradient``, ``check_jacobian``, ``check_hessian``.

The derivative under test (the *analytic* side) is compared entry by entry
with one of numdiff's numerical derivatives (the *numeric* side), which comes
with its own error estimate. An entry passes when

    |analytic - numeric| <= 2 * error_estimate + rtol * |numeric| + atol

* ``error_estimate`` is the numeric side's estimate (numdiff's estimates are
  built not to under-estimate); twice it allows for the analytic side's
  share of rounding at the same level.
* ``rtol`` is the rounding allowed to the analytic side, from the dtype of
  the inputs: ``1e-7`` in double precision (a gradient computed as a sum of
  terms larger than itself loses digits), ``1e-3`` in single precision. Both
  are far below the errors a bug makes (a 1% error fails, and a 0.01% error
  fails in double precision).
* ``atol`` is ``1000 eps`` times the largest numeric entry (of the row, for
  a Jacobian): components that are zero up to the rounding of the others
  cannot be judged relatively.

The numeric side is computed in double precision whatever the dtype of
``x`` (a float32 ``x`` sets the tolerances, not the reference).

``method="auto"`` uses dual numbers when ``f`` runs on them, and the
complex step when ``f`` is complex-step safe; numdiff tests either against
a real difference before it trusts it, and falls back otherwise. Both are
exact to rounding (estimate 16 ulp), so the tolerance is near rounding.
Otherwise central differences: for a gradient or Jacobian first without
their error estimate, and an entry that agrees with the analytic one to
within ``rtol |numeric| + atol`` passes on that agreement (a wrong entry
could only agree by matching the difference's own error); the others get
an estimate. Any entry that fails, or is judged only coarsely, is
recomputed by adaptive (Richardson) differences before it is reported.

``mode="fast"`` compares directional derivatives along ``k`` random sign
vectors: each costs one complex evaluation (or two or four real ones) and
one product with the analytic derivative. An error ``delta`` in a single
component changes a directional derivative by exactly ``delta``, so it is
caught when ``|delta|`` exceeds that direction's tolerance; the report says
how large that is. A failing fast check escalates to a full check, which
names the components.
"""
import math
import warnings

import numpy as np

from . import _validate as V

__all__ = ["CheckResult", "check_gradient", "check_jacobian", "check_hessian"]

METHODS = ("auto", "complex", "central", "adaptive", "dual")
MODES = ("full", "fast")
#: rounding allowed to the analytic side, by the precision of the inputs
RTOL = {8: 1e-7, 4: 1e-3, 2: 3e-2}
FAST_DIRECTIONS = 4
REPORT_ROWS = 10


class CheckResult:
    """The outcome of a derivative check; truthy when it passes.

    Attributes
    ----------
    ok : bool
        Every entry is within its tolerance.
    max_abs_error, max_rel_error : float
        Largest ``|analytic - numeric|`` and largest relative difference
        (relative to ``max(|numeric|, atol)``).
    worst_index : tuple or None
        Index of the entry that exceeds its tolerance by the largest factor
        (or is closest to it when all pass).
    analytic, numeric, error_estimate, tolerance : ndarray
        The derivative under test, numdiff's value, its error estimate and
        the tolerance of each entry (for ``mode="fast"`` that passed: one
        entry per direction).
    method : str
        The numerical method used (``"dual numbers"``, ``"complex step"``,
        ``"central differences"``, ``"adaptive central differences"``),
        with ``", adaptive differences where they disagreed"`` when some
        entries were recomputed.
    nfev : int
        Evaluations of ``f`` made by the check.
    mode : str
        ``"full"``, ``"fast"`` (passed) or ``"fast->full"`` (escalated).
    seed : int or None
        Seed of the fast mode's random directions.
    rtol, atol : float
        The tolerances used.
    detection : str
        Fast mode: the smallest single-component error it was sure to catch.
    kind : str
        ``"gradient"``, ``"jacobian"`` or ``"hessian"``.

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: np.sum(np.sin(x) * x)
    >>> g = lambda x: np.cos(x) * x + np.sin(x)
    >>> bool(nd.check_gradient(f, g, np.linspace(0, 1, 5)))
    True
    """

    def __init__(self, kind, analytic, numeric, error_estimate, tolerance, method, nfev,
                 mode, seed, rtol, atol, detection="", failing_reason=""):
        self.kind = kind
        self.analytic = analytic
        self.numeric = numeric
        self.error_estimate = error_estimate
        self.tolerance = tolerance
        self.method = method
        self.nfev = nfev
        self.mode = mode
        self.seed = seed
        self.rtol = rtol
        self.atol = atol
        self.detection = detection
        a = np.asarray(analytic, dtype=np.float64)
        n = np.asarray(numeric, dtype=np.float64)
        tol = np.asarray(tolerance, dtype=np.float64)
        diff = np.abs(a - n)
        bad = ~(diff <= tol)                       # nan counts as failing
        self.n_failed = int(bad.sum())
        self.ok = self.n_failed == 0
        self.max_abs_error = float(np.max(np.where(np.isfinite(diff), diff, np.inf))
                                   if diff.size else 0.0)
        rel = diff / np.maximum(np.abs(n), atol if atol > 0 else np.finfo(float).tiny)
        self.max_rel_error = float(np.max(np.where(np.isfinite(rel), rel, np.inf))
                                   if rel.size else 0.0)
        ratio = np.where(bad & ~np.isfinite(diff), np.inf,
                         diff / np.where(tol > 0, tol, np.finfo(float).tiny))
        ratio = np.where(np.isnan(ratio), np.inf, ratio)
        self._ratio = ratio
        self.worst_index = (tuple(int(i) for i in np.unravel_index(int(np.argmax(ratio)),
                                                                    ratio.shape))
                            if ratio.size else None)
        self._reason = failing_reason

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return (f"CheckResult(ok={self.ok}, kind={self.kind!r}, method={self.method!r}, "
                f"max_abs_error={self.max_abs_error:.3g}, worst_index={self.worst_index})")

    def __str__(self):
        return self.report()

    def report(self, rows=REPORT_ROWS):
        """The ranked report: a verdict line, the settings, the worst entries."""
        a = np.asarray(self.analytic, dtype=np.float64)
        n = np.asarray(self.numeric, dtype=np.float64)
        e = np.asarray(self.error_estimate, dtype=np.float64)
        t = np.asarray(self.tolerance, dtype=np.float64)
        size = a.size
        what = ("directions" if a.ndim <= 1 else "direction x output pairs") \
            if self.mode == "fast" else "entries"
        head = (f"check_{self.kind}: {'PASSED' if self.ok else 'FAILED'}: "
                f"{self.n_failed} of {size} {what} exceed their tolerance")
        formula = ("" if self.mode == "fast" else
                   "tolerance = 2 * error estimate + rtol * |numeric| + atol with ")
        lines = [head,
                 f"  numeric side: {self.method} ({self.nfev} evaluations of f); "
                 f"{formula}rtol = {self.rtol:.3g}, atol = {self.atol:.3g}"]
        if self.mode != "full" or self.seed is not None:
            lines.append(f"  mode: {self.mode}, seed = {self.seed}"
                         + (" (the fast mode's directions)" if self.mode == "full" else ""))
        if self.detection:
            lines.append("  " + self.detection)
        if self._reason:
            lines.append("  " + self._reason)
        if size == 0:
            return "\n".join(lines)
        order = np.argsort(-self._ratio.reshape(-1), kind="stable")[:rows]
        label = "direction" if self.mode == "fast" else "index"
        cols = [(label, "analytic", "numeric", "abs error", "rel error", "estimate",
                 "tolerance", "")]
        for k in order:
            idx = np.unravel_index(int(k), a.shape)
            idx_s = str(tuple(int(i) for i in idx)) if a.ndim != 1 else str(int(idx[0]))
            d = abs(a.flat[k] - n.flat[k])
            rel = d / max(abs(n.flat[k]), self.atol or np.finfo(float).tiny)
            ok = d <= t.flat[k]
            cols.append((idx_s, f"{a.flat[k]:.9g}", f"{n.flat[k]:.9g}", f"{d:.3g}",
                         f"{rel:.3g}", f"{e.flat[k]:.3g}", f"{t.flat[k]:.3g}",
                         "ok" if ok else "FAIL"))
        widths = [max(len(r[i]) for r in cols) for i in range(len(cols[0]))]
        lines.append("  worst entries (by |analytic - numeric| / tolerance):")
        for r in cols:
            lines.append("    " + "  ".join(s.rjust(w) for s, w in zip(r, widths)).rstrip())
        return "\n".join(lines)


# ------------------------------------------------------------------ helpers
def _check_common(f, x, method, mode, rtol, atol, seed, name):
    V.check_callable(f, "f")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}; got {method!r}")
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}; got {mode!r}")
    xa = V.as_point(x, "x")
    for nm, v in (("rtol", rtol), ("atol", atol)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float, np.number))
                              or not math.isfinite(float(v)) or v < 0):
            raise ValueError(f"{nm} must be a finite number >= 0 or None; got {v!r}")
    if seed is not None:
        V.check_int(seed, "seed", 0)
    return xa


def _precision(*dtypes):
    """``(rtol, eps)`` of the least precise floating dtype among ``dtypes``
    (integers count as double)."""
    size = min(np.dtype(d).itemsize if np.dtype(d).kind == "f" else 8 for d in dtypes)
    eps = float(np.finfo({2: np.float16, 4: np.float32}.get(size, np.float64)).eps)
    return RTOL.get(size, RTOL[8]), eps


def _analytic(fn, x, args, shape, name):
    try:
        a = fn(x.copy(), *args)
    except Exception as exc:  # noqa: BLE001 - reported with the parameter's name
        raise type(exc)(f"{name} raised {type(exc).__name__}: {exc}") from exc
    if hasattr(a, "toarray") and not isinstance(a, np.ndarray):
        a = a.toarray()
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must return a real array; got dtype {arr.dtype}")
    if arr.shape != shape and arr.size == int(np.prod(shape)) and \
            tuple(d for d in arr.shape if d != 1) == tuple(d for d in shape if d != 1):
        arr = arr.reshape(shape)            # only singleton axes differ
    if arr.shape != shape:
        raise ValueError(f"{name} must return shape {shape}; got {arr.shape}")
    return arr


def _dual_safe(f, x, args):
    """Whether ``f`` runs on dual numbers and agrees with real differences.

    One dual evaluation along a seeded mixed-sign direction, compared with a
    central difference and its error estimate (two or a few real
    evaluations). A function that refuses duals (it converts them to floats,
    calls compiled code, or wraps torch/JAX) raises, and is not safe.
    """
    from . import differentiate as D
    v = np.random.default_rng(1).uniform(0.5, 1.5, size=x.shape) * \
        np.random.default_rng(2).choice([-1.0, 1.0], size=x.shape)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dd = np.asarray(D.jvp(f, x, v, method="dual", args=args), dtype=np.float64)
            dc, info = D.jvp(f, x, v, args=args, full_output=True)
    except Exception:  # noqa: BLE001 - any failure on duals means "not dual safe"
        return False
    dc = np.asarray(dc, dtype=np.float64)
    err = np.asarray(info.error, dtype=np.float64)
    if dd.shape != dc.shape or not np.all(np.isfinite(dd)):
        return False
    # As tight as the real difference allows (its estimate is built not to
    # under-estimate), and below the checks' own rtol: a dual path that
    # differs from f by more than rounding is not used as the reference.
    # (Too tight at worst costs the fallback, never a wrong verdict.)
    eps = np.finfo(np.float64).eps
    scale = float(np.max(np.abs(dc))) if dc.size else 0.0
    tol = 2.0 * np.where(np.isfinite(err), err, np.inf) + 1e-9 * np.abs(dc) + \
        64 * eps * scale
    return bool(np.all(np.abs(dd - dc) <= tol))


def _numeric(kind, f, x, method, args, estimate=True):
    """``(value, error, method_used)`` by numdiff's ``kind`` function.

    Without ``estimate``, central differences come without their error
    estimate (``error`` None): the caller judges agreement first.
    """
    from . import differentiate as D
    fn = {"gradient": D.gradient, "jacobian": D.jacobian, "hessian": D.hessian}[kind]
    if method == "auto" and _dual_safe(f, x, args):
        try:
            val, info = fn(f, x, method="dual", args=args, full_output=True)
            val = np.asarray(val, dtype=np.float64)
            if np.all(np.isfinite(val)):
                return val, info.error, "dual numbers"
        except Exception:  # noqa: BLE001 - fall back to the complex step
            pass
    if method in ("auto", "complex"):
        try:
            with warnings.catch_warnings():
                # f's own float()/astype of a complex value warns before
                # numdiff refuses the complex step
                warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                if method == "auto" and x.size > 8:
                    # a cheap safety test first (one complex point and two
                    # real ones) before n complex evaluations
                    v = np.random.default_rng(1).choice([-1.0, 1.0], size=x.shape)
                    D.jvp(f, x, v, method="complex", args=args)
                val, info = fn(f, x, method="complex", args=args, full_output=True)
            return val, info.error, "complex step"
        except (ValueError, TypeError):
            if method == "complex":
                raise
    if method == "dual":
        val, info = fn(f, x, method="dual", args=args, full_output=True)
        return val, info.error, "dual numbers"
    if method == "adaptive":
        val, info = fn(f, x, adaptive=True, args=args, full_output=True)
        return val, info.error, "adaptive central differences"
    if not estimate:
        return fn(f, x, args=args), None, "central differences"
    val, info = fn(f, x, args=args, full_output=True)
    return val, info.error, "central differences"


def _tolerance(numeric, error, rtol, atol_rows):
    err = np.where(np.isfinite(error), error, np.inf)
    return 2.0 * err + rtol * np.abs(numeric) + atol_rows


def _atol_rows(numeric, eps, kind, out_ndim):
    """``1000 eps`` times the largest |numeric| entry: of each output row for
    a Jacobian, of the whole array otherwise."""
    A = np.abs(np.asarray(numeric, dtype=np.float64))
    if kind == "jacobian" and out_ndim > 0:
        flat = A.reshape(int(np.prod(A.shape[:out_ndim])), -1)
        row = np.max(np.where(np.isfinite(flat), flat, 0.0), axis=1, keepdims=True)
        return (1e3 * eps * np.broadcast_to(row, flat.shape)).reshape(A.shape), \
            float(1e3 * eps * (row.max() if row.size else 0.0))
    m = float(np.max(np.where(np.isfinite(A), A, 0.0))) if A.size else 0.0
    return 1e3 * eps * m, 1e3 * eps * m


#: at most this many columns are recomputed one by one (adaptive directional
#: derivatives); beyond it the check takes central differences with error
#: estimates for every column
REFINE_COLUMNS = 200


def _columns(ok, inner):
    """The variables (columns) holding entries that are not ``ok``."""
    return np.unique(np.flatnonzero(~np.asarray(ok).reshape(-1)) % inner)


def _refine(kind, f, x, a, n, e, tol, weak, args):
    """Recompute, by adaptive directional derivatives along the coordinates,
    the columns holding entries that fail or are ``weak``. Returns
    ``(n, e, changed)`` (new arrays; nan where no value could be made)."""
    from . import differentiate as D
    bad = ~(np.abs(a - n) <= tol) | weak
    if not bad.any():
        return n, e, False
    n, e = n.copy(), e.copy()
    xs = x.shape
    inner = int(np.prod(xs))
    cols = sorted({int(i) % inner for i in np.flatnonzero(bad.reshape(-1))})
    N2 = n.reshape(-1, inner) if kind != "gradient" else n.reshape(1, inner)
    E2 = e.reshape(-1, inner) if kind != "gradient" else e.reshape(1, inner)
    for j in cols[:REFINE_COLUMNS]:
        v = np.zeros(xs)
        v.reshape(-1)[j] = 1.0
        fn = D.hvp if kind == "hessian" else D.jvp
        try:
            col, info = fn(f, x, v, adaptive=True, args=args, full_output=True)
        except (ValueError, FloatingPointError):
            continue
        N2[:, j] = np.asarray(col, dtype=np.float64).reshape(-1)
        E2[:, j] = np.broadcast_to(np.asarray(info.error, dtype=np.float64),
                                   np.shape(col)).reshape(-1)
    return N2.reshape(n.shape), E2.reshape(e.shape), True


def _directional(kind, f, x, v, method, args):
    """``(d, err, method)``: numerical directional derivative along v
    (J v for a gradient/Jacobian, H v for a Hessian)."""
    from . import differentiate as D
    fn = D.hvp if kind == "hessian" else D.jvp
    if method in ("auto", "complex") and kind != "hessian":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                d, info = fn(f, x, v, method="complex", args=args, full_output=True)
            return np.asarray(d, dtype=np.float64), np.asarray(info.error), \
                "complex step"
        except (ValueError, TypeError):
            if method == "complex":
                raise
    if method == "dual":
        d, info = fn(f, x, v, method="dual", args=args, full_output=True)
        return np.asarray(d, dtype=np.float64), np.asarray(info.error), \
            "dual numbers"
    adaptive = method == "adaptive"
    d, info = fn(f, x, v, adaptive=adaptive, args=args, full_output=True)
    return np.asarray(d, dtype=np.float64), np.asarray(info.error), \
        ("adaptive central differences" if adaptive else "central differences")


class _Counter:
    """``f`` with its calls counted (every numerical attempt included)."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x, *args):
        self.calls += 1
        return self.f(x, *args)


def _run(kind, f, deriv, x, method, rtol, atol, args, mode, seed, name):
    x_user = _check_common(f, x, method, mode, rtol, atol, seed, name)
    if isinstance(args, list):
        args = tuple(args)
    args = args if isinstance(args, tuple) else (args,)
    V.check_callable(deriv, name)
    fc = _Counter(f)
    # the output shape: f(x) (scalar for gradient and Hessian)
    y0 = np.asarray(fc(x_user.copy(), *args))
    if kind in ("gradient", "hessian") and y0.size != 1:
        raise ValueError(f"f must return a scalar for check_{kind}; it returned shape "
                         f"{y0.shape}")
    out_shape = () if kind != "jacobian" else y0.shape
    shape = {"gradient": x_user.shape, "jacobian": out_shape + x_user.shape,
             "hessian": x_user.shape + x_user.shape}[kind]
    a = _analytic(deriv, x_user, args, shape, name)
    r, eps = _precision(x_user.dtype, a.dtype)
    r = r if rtol is None else float(rtol)
    # the reference is computed in double precision whatever x's dtype (the
    # analytic side's precision sets the tolerances above)
    x = x_user.astype(np.float64)
    if a.size == 0:
        z = np.zeros(shape)
        return CheckResult(kind, a, z, z, z, "none (no entries)", fc.calls, "full", seed, r,
                           0.0)
    if mode == "fast":
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2 ** 32))   # reported
        res = _fast(kind, fc, x, a, method, r, atol, args, seed, eps)
        res.nfev = fc.calls
        if res.ok:
            return res
        full = _run(kind, f, deriv, x_user, method, rtol, atol, args, "full", seed, name)
        full.mode = "fast->full"
        full.nfev += res.nfev
        full.detection = ("fast mode failed along direction "
                          f"{res.worst_index[0] if res.worst_index else '?'}; "
                          "escalated to the full check")
        return full
    # Central differences of a gradient or Jacobian come first without their
    # error estimate (half the evaluations): an entry that agrees with the
    # analytic one to within the strict tolerance rtol |numeric| + atol
    # passes on that agreement (which a wrong analytic entry could only
    # reach by matching the difference's own error), the others get an
    # estimate before they are judged.
    n, e, used = _numeric(kind, fc, x, method, args, estimate=kind == "hessian")
    n = np.asarray(n, dtype=np.float64).reshape(shape)
    atol_rows, atol_report = _atol_rows(n, eps, kind, len(out_shape))
    if atol is not None:
        atol_rows, atol_report = float(atol), float(atol)
    agreed = None
    if e is None:
        agreed = np.abs(a - n) <= r * np.abs(n) + atol_rows
        if agreed.all() or _columns(agreed, x.size).size <= REFINE_COLUMNS:
            e = np.full(shape, np.nan)
        else:
            # too many to recompute one by one: the estimates for all
            n, e, used = _numeric(kind, fc, x, method, args)
            n = np.asarray(n, dtype=np.float64).reshape(shape)
            agreed = None
    e = np.broadcast_to(np.asarray(e, dtype=np.float64), shape).copy()

    def tolerance(n, e):
        t = _tolerance(n, e, r, atol_rows)
        if agreed is not None:
            # no estimate: only the strict agreement can pass
            t = np.where(np.isfinite(e), t, r * np.abs(n) + atol_rows)
        return t
    tol = tolerance(n, e)
    note = ""
    if used in ("dual numbers", "complex step", "central differences"):
        # Entries that disagree (the complex step's 16-ulp estimate does not
        # see rounding at the scale of f's terms, nor non-analytic terms too
        # small for its safety check), and entries whose tolerance is too
        # wide to see a 1% error, are recomputed by adaptive real
        # differences with their own error estimates before they are judged.
        big = np.maximum(np.abs(a), np.abs(n))
        weak = (tol > 0.005 * big) & (big > atol_rows)
        n2, e2, changed = _refine(kind, fc, x, a, n, e, tol, weak, args)
        if changed and agreed is not None:
            # columns recomputed for a disagreeing entry also cover entries
            # that had agreed: those keep their value and verdict
            n2 = np.where(agreed, n, n2)
            e2 = np.where(agreed, e, e2)
        if changed:
            if used in ("dual numbers", "complex step"):
                # An entry fails only when it fails against both references:
                # where the real differences (with their own, honest error
                # estimate) accept the value, they are the reference.
                tol2 = _tolerance(n2, e2, r, atol_rows)
                take = (np.abs(a - n2) <= tol2) & ~(np.abs(a - n) <= tol)
                n = np.where(take, n2, n)
                e = np.where(take, e2, e)
                used += ", adaptive differences where they disagreed"
            else:
                n, e = n2, e2
                used = "central differences, adaptive where they disagreed or were coarse"
            tol = tolerance(n, e)
        big = np.maximum(np.abs(a), np.abs(n))
        coarse = (tol > 0.005 * big) & (big > atol_rows)
        if coarse.any():
            worst = float(np.max((tol / np.maximum(np.abs(n), np.finfo(float).tiny))[coarse]))
            note = (f"note: {int(coarse.sum())} entries could only be checked to a relative "
                    f"tolerance of up to {worst:.2g} (the numerical derivative is not more "
                    "accurate there); method='complex' or 'dual', or another x, can do better")
    if agreed is not None and agreed.any():
        used += (f"; {int(agreed.sum())} entries agreed to within rtol * |numeric| + atol "
                 "and were accepted without an error estimate (nan)")
    return CheckResult(kind, a, n, e, np.broadcast_to(tol, shape), used, fc.calls, "full",
                       seed, r, atol_report, failing_reason=note)


def _fast(kind, f, x, a, method, r, atol, args, seed, eps):
    rng = np.random.default_rng(seed)
    k = FAST_DIRECTIONS
    nin = x.size
    af = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(af)):
        # a non-finite entry makes every directional tolerance infinite: go
        # straight to the full check, which names it
        z = np.full((1,), np.inf)
        return CheckResult(kind, z, np.zeros(1), np.zeros(1), np.zeros(1), "none", 0, "fast",
                           seed, r, 0.0, failing_reason="the derivative under test is not "
                           "finite")
    ds, es, an, tols, used = [], [], [], [], ""
    dual = method == "auto" and _dual_safe(f, x, args)
    at = (1e3 * eps * float(np.max(np.abs(af))) * math.sqrt(nin)) if atol is None \
        else float(atol)
    for _ in range(k):
        v = rng.choice([-1.0, 1.0], size=x.shape)
        if dual:
            try:
                d, err, used = _directional(kind, f, x, v, "dual", args)
            except Exception:  # noqa: BLE001 - not dual safe after all
                dual = False
        if not dual:
            d, err, used = _directional(kind, f, x, v, method, args)
        if kind == "gradient":
            av = float(np.sum(af * v))
            scale = float(np.sum(np.abs(af)))
        else:
            A2 = af.reshape(-1, nin)
            av = A2 @ v.reshape(-1)
            scale = np.sum(np.abs(A2), axis=1)
        d = np.asarray(d, dtype=np.float64).reshape(np.shape(av))
        err = np.broadcast_to(np.asarray(err, dtype=np.float64), np.shape(av))
        tol = 2.0 * np.where(np.isfinite(err), err, np.inf) + r * scale + at
        ds.append(d)
        es.append(err)
        an.append(av)
        tols.append(tol)
    D_ = np.array(ds, dtype=np.float64)
    E_ = np.array(es, dtype=np.float64)
    A_ = np.array(an, dtype=np.float64)
    T_ = np.array(tols, dtype=np.float64)
    big = float(np.max(np.abs(af))) if af.size else 0.0
    caught = float(np.max(T_)) if T_.size else 0.0
    detection = (f"fast mode: {k} random sign directions (tolerance = 2 * error estimate + "
                 "rtol * sum|analytic * v| + atol); an error in a single component is "
                 f"caught when larger than {caught:.3g}"
                 + (f" ({caught / big:.2g} of the largest entry)" if big > 0 else "")
                 + "; smaller errors, or errors in several components that cancel "
                 "along every direction, can be missed")
    return CheckResult(kind, A_, D_, E_, T_, used, 0, "fast", seed, r, at,
                       detection=detection)


# ------------------------------------------------------------------ public
#: the References section of every checker (and of numdiff.testing's asserts)
REFERENCES = """References
    ----------
    .. [1] J. R. R. A. Martins, P. Sturdza and J. J. Alonso, "The
       complex-step derivative approximation", *ACM Trans. Math. Softw.* 29
       (2003) 245-262.
    .. [2] A. Griewank and A. Walther, *Evaluating Derivatives: Principles
       and Techniques of Algorithmic Differentiation*, 2nd ed., SIAM, 2008
       (forward mode, the dual numbers of ``method="dual"``)."""

def check_gradient(f, grad, x, *, method="auto", rtol=None, atol=None, args=(), mode="full",
                   seed=None):
    """Check a gradient function against numdiff's numerical gradient.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> float``.
    grad : callable
        ``grad(x, *args) -> array of x's shape``: the gradient under test.
    x : array_like
        The point (any shape; float32 and float64 inputs set the default
        tolerances).
    method : {"auto", "complex", "central", "adaptive", "dual"}, optional
        The numerical side. ``"auto"`` (default): dual numbers when ``f``
        runs on them, else the complex step when ``f`` is complex-step safe
        (each is first tested against a real central difference along one
        random direction), otherwise central differences (entries that
        agree with ``grad`` to within ``rtol |numeric| + atol`` pass without
        an error estimate, reported as nan); entries that disagree with
        ``grad`` are recomputed by adaptive (Richardson) differences, with
        their error estimates, before they are reported.
    rtol, atol : float, optional
        Override the default tolerances (see Notes).
    args : tuple, optional
        Extra arguments of ``f`` and ``grad``.
    mode : {"full", "fast"}, optional
        ``"fast"``: compare directional derivatives along 4 random sign
        vectors (cheap for large ``x``); the report states the smallest
        single-component error it is sure to catch. A failure escalates to
        the full check, which names the components.
    seed : int, optional
        Seed of the fast mode's directions (reported).

    Returns
    -------
    CheckResult
        Truthy when every entry passes; ``str()`` is a ranked report.

    Notes
    -----
    Entry ``i`` passes when ``|analytic_i - numeric_i| <= 2 e_i + rtol
    |numeric_i| + atol`` with ``e_i`` the numeric side's error estimate,
    ``rtol`` ``1e-7`` for float64 inputs and ``1e-3`` for float32 (the
    analytic side's own rounding), and ``atol`` ``1000 eps`` times the
    largest numeric entry. A 1% error in one component fails at any size;
    with dual numbers or the complex step, so does a 0.01% error. See the user guide page
    "Checking your derivatives" for the reasoning.

    {references}

    See Also
    --------
    check_jacobian, check_hessian, numdiff.testing.assert_gradient_close

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: np.sum(x ** 3)
    >>> res = nd.check_gradient(f, lambda x: 3 * x ** 2, np.arange(1.0, 4.0))
    >>> bool(res), res.method
    (True, 'dual numbers')
    >>> bad = lambda x: 3 * x ** 2 * np.array([1.0, 1.01, 1.0])   # 1% off in entry 1
    >>> res = nd.check_gradient(f, bad, np.arange(1.0, 4.0))
    >>> bool(res), res.worst_index
    (False, (1,))
    """
    return _run("gradient", f, grad, x, method, rtol, atol, args, mode, seed, "grad")


def check_jacobian(f, jac, x, *, method="auto", rtol=None, atol=None, args=(), mode="full",
                   seed=None):
    """Check a Jacobian function against numdiff's numerical Jacobian.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> array``.
    jac : callable
        ``jac(x, *args)`` returning the Jacobian, shape ``f(x).shape +
        x.shape`` (dense or ``scipy.sparse``).
    x, method, rtol, atol, args, mode, seed
        As :func:`check_gradient`; ``atol`` defaults to ``1000 eps`` times
        the largest entry of each output's row.

    Returns
    -------
    CheckResult

    {references}

    See Also
    --------
    check_gradient, numdiff.testing.assert_jacobian_close

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: np.stack([x[0] * x[1], np.sin(x[1])])
    >>> J = lambda x: np.array([[x[1], x[0]], [0.0, np.cos(x[1])]])
    >>> bool(nd.check_jacobian(f, J, [2.0, 0.5]))
    True
    """
    return _run("jacobian", f, jac, x, method, rtol, atol, args, mode, seed, "jac")


def check_hessian(f, hess, x, *, method="auto", rtol=None, atol=None, args=(), mode="full",
                  seed=None):
    """Check a Hessian function against numdiff's numerical Hessian.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> float``.
    hess : callable
        ``hess(x, *args)`` returning the ``(n, n)`` Hessian (dense or
        ``scipy.sparse``; ``x.shape + x.shape`` for an array ``x``).
    x, method, rtol, atol, args, mode, seed
        As :func:`check_gradient`. ``"auto"`` uses nested dual numbers when
        ``f`` runs on them, else central differences of the complex-step
        gradient when ``f`` is complex-step safe.

    Returns
    -------
    CheckResult

    {references}

    See Also
    --------
    check_gradient, numdiff.testing.assert_hessian_close

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> f = lambda x: x[0] ** 2 * x[1] + np.exp(x[1])
    >>> H = lambda x: np.array([[2 * x[1], 2 * x[0]], [2 * x[0], np.exp(x[1])]])
    >>> bool(nd.check_hessian(f, H, [1.0, 0.5]))
    True
    """
    return _run("hessian", f, hess, x, method, rtol, atol, args, mode, seed, "hess")


for _fn in (check_gradient, check_jacobian, check_hessian):
    _fn.__doc__ = _fn.__doc__.replace("{references}", REFERENCES)
del _fn
