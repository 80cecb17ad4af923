"""Verify area "differentiation": finite differences against analytic values.

Every numdiff row is compared side by side with the SciPy call that does the
same job (``scipy.optimize.approx_derivative``/``approx_fprime`` for fixed
steps, ``scipy.differentiate`` for adaptive ones) and checked against a
stated bound. The "error estimate" rows check that ``info.error`` is honest:
it covers the true error in at least 95% of the elements and over-estimates
it by at most 10x in the median (true errors below 10 ulp count as 10 ulp).
"""
import time
import warnings

import numpy as np
from scipy import differentiate as sdiff
from scipy.optimize._numdiff import approx_derivative  # public name in SciPy docs, private module

import numdiff as nd
from numdiff.dual import DUALS

from ._catalogue import SCALAR, SCALAR_SECOND, VECTOR_SCALAR, VECTOR_VECTOR
from ._report import Row

EPS = np.finfo(np.float64).eps


class _Counted:
    """Counts points evaluated (a batch of k points counts k)."""

    def __init__(self, f, batch_axis=None):
        self.f = f
        self.n = 0
        self.batch_axis = batch_axis

    def __call__(self, x, *a):
        if isinstance(x, DUALS):
            self.n += 1          # one evaluation on dual numbers
            return self.f(x, *a)
        x = np.asarray(x)
        if self.batch_axis is None:
            self.n += 1
        else:
            self.n += int(np.prod(x.shape[1:])) if x.ndim > 1 else 1
        return self.f(x, *a)


def _rel(d, t):
    d, t = np.asarray(d, float), np.asarray(t, float)
    scale = np.max(np.abs(t))
    if scale == 0:
        return float(np.max(np.abs(d)))
    return float(np.max(np.abs(d - t)) / scale)


class _Honesty:
    """Collects (estimate, true error) pairs for the error-estimate rows."""

    def __init__(self):
        self.est = []
        self.true = []
        self.floor = []

    def add(self, est, value, exact):
        est = np.ravel(np.asarray(est, float))
        value = np.ravel(np.asarray(value, float))
        exact = np.ravel(np.asarray(exact, float))
        scale = np.max(np.abs(exact))
        # structural zeros (exactly zero Jacobian entries) are left out: an
        # exact 0 with a 0 estimate would flatter the median ratio
        keep = exact != 0
        est, value, exact = est[keep], value[keep], exact[keep]
        self.est.extend(est)
        self.true.extend(np.abs(value - exact))
        # 10 ulp of the case's scale: zero entries of a Jacobian are no exception
        self.floor.extend(np.full(exact.size, 10 * EPS * scale))

    def summary(self):
        est, true, floor = (np.array(a) for a in (self.est, self.true, self.floor))
        ok = np.isfinite(est) & np.isfinite(true)
        covered = float(np.mean((est >= true) & ok)) if est.size else float("nan")
        ratio = est[ok] / np.maximum(np.maximum(true[ok], floor[ok]), 1e-300)
        med = float(np.median(ratio)) if ratio.size else float("nan")
        return covered, med, int(est.size)


def _scalar_cases(table, quick):
    cases = [(name, f, df, x) for name, f, df, pts in table for x in pts]
    return cases[::2] if quick else cases


def _time_it(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _scalar_rows(quick, honesty_nd, honesty_sp):
    rows = []
    cases = _scalar_cases(SCALAR, quick)
    group = "scalar -> scalar"
    specs = [
        ("central", dict(method="central"), "3-point", 1e-8),
        ("forward", dict(method="forward"), "2-point", 1e-6),
        ("backward", dict(method="backward"), None, 1e-6),
        ("central, order 4", dict(method="central", order=4), None, 1e-10),
    ]
    for label, kw, peer, bound in specs:
        errs, nf, tt = [], 0, 0.0
        perr, pnf, ptt = [], 0, 0.0
        for name, f, df, x in cases:
            cf = _Counted(f)
            d, dt = _time_it(lambda: nd.derivative(cf, x, **kw))
            errs.append(_rel(d, df(x)))
            nf += cf.n
            tt += dt
            if peer:
                pf = _Counted(f)
                d2, dt2 = _time_it(lambda: approx_derivative(pf, np.array([x]), method=peer))
                perr.append(_rel(d2, df(x)))
                pnf += pf.n
                ptt += dt2
        rows.append(Row("differentiation", group, label, len(cases), max(errs), nf, tt,
                        f"approx_derivative({peer})" if peer else "-",
                        max(perr) if peer else None, pnf if peer else None,
                        ptt if peer else None, bound))
    # adaptive, against scipy.differentiate.derivative
    errs, nf, tt = [], 0, 0.0
    perr, pnf, ptt = [], 0, 0.0
    for name, f, df, x in cases:
        cf = _Counted(f)
        (d, info), dt = _time_it(lambda: nd.derivative(cf, x, adaptive=True, full_output=True))
        errs.append(_rel(d, df(x)))
        honesty_nd.add(info.error, d, df(x))
        nf += cf.n
        tt += dt
        pf = _Counted(f, batch_axis=0)
        with np.errstate(all="ignore"):
            r, dt2 = _time_it(lambda: sdiff.derivative(pf, x))
        perr.append(_rel(r.df, df(x)) if np.isfinite(r.df) else np.inf)
        honesty_sp.add(r.error, r.df, df(x))
        pnf += int(r.nfev)
        ptt += dt2
    rows.append(Row("differentiation", group, "adaptive (Richardson)", len(cases), max(errs),
                    nf, tt, "scipy.differentiate.derivative", max(perr), pnf, ptt, 1e-10))
    # second derivatives
    cases2 = _scalar_cases(SCALAR_SECOND, quick)
    for label, kw, bound in [("n=2 central", dict(n=2), 1e-6),
                             ("n=2 adaptive", dict(n=2, adaptive=True, full_output=True), 1e-8)]:
        errs, nf, tt = [], 0, 0.0
        for name, f, d2f, x in cases2:
            cf = _Counted(f)
            out, dt = _time_it(lambda: nd.derivative(cf, x, **kw))
            if kw.get("full_output"):
                d, info = out
                honesty_nd.add(info.error, d, d2f(x))
            else:
                d = out
            errs.append(_rel(d, d2f(x)))
            nf += cf.n
            tt += dt
        rows.append(Row("differentiation", "scalar -> scalar", label, len(cases2), max(errs),
                        nf, tt, "-", None, None, None, bound))
    return rows


def _vector_rows(quick, honesty_nd, honesty_sp, table, group, fn_name):
    rows = []
    cases = [(name, f, g, x) for name, f, g, pts in table for x in pts]
    if quick:
        cases = cases[::2]
    nd_fn = getattr(nd, fn_name)
    specs = [
        ("central", dict(method="central"), "3-point", 1e-8),
        ("forward", dict(method="forward"), "2-point", 1e-6),
        ("central, order 4", dict(method="central", order=4), None, 1e-10),
    ]
    for label, kw, peer, bound in specs:
        errs, nf, tt = [], 0, 0.0
        perr, pnf, ptt = [], 0, 0.0
        for name, f, g, x in cases:
            cf = _Counted(f)
            d, dt = _time_it(lambda: nd_fn(cf, x, **kw))
            errs.append(_rel(d, g(x)))
            nf += cf.n
            tt += dt
            if peer:
                pf = _Counted(f)
                d2, dt2 = _time_it(lambda: approx_derivative(pf, x, method=peer))
                perr.append(_rel(d2, g(x)))
                pnf += pf.n
                ptt += dt2
        rows.append(Row("differentiation", group, label, len(cases), max(errs), nf, tt,
                        f"approx_derivative({peer})" if peer else "-",
                        max(perr) if peer else None, pnf if peer else None,
                        ptt if peer else None, bound))
    errs, nf, tt = [], 0, 0.0
    perr, pnf, ptt = [], 0, 0.0
    for name, f, g, x in cases:
        cf = _Counted(f)
        (d, info), dt = _time_it(lambda: nd_fn(cf, x, adaptive=True, full_output=True))
        errs.append(_rel(d, g(x)))
        honesty_nd.add(info.error, d, g(x))
        nf += cf.n
        tt += dt

        def batched(X, f=f):
            X = np.asarray(X)
            flat = X.reshape(X.shape[0], -1)
            out = np.array([f(flat[:, k]) for k in range(flat.shape[1])])
            out = np.moveaxis(out, 0, -1)
            return out.reshape(out.shape[:-1] + X.shape[1:])
        pf = _Counted(batched, batch_axis=0)
        with np.errstate(all="ignore"):
            r, dt2 = _time_it(lambda: sdiff.jacobian(pf, x))
        perr.append(_rel(r.df, g(x)))
        honesty_sp.add(r.error, r.df, g(x))
        pnf += pf.n
        ptt += dt2
    rows.append(Row("differentiation", group, "adaptive (Richardson)", len(cases), max(errs),
                    nf, tt, "scipy.differentiate.jacobian", max(perr), pnf, ptt, 1e-9))
    return rows


def run(quick=False):
    """Rows of the differentiation area."""
    honesty_nd, honesty_sp = _Honesty(), _Honesty()
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rows += _scalar_rows(quick, honesty_nd, honesty_sp)
        rows += _vector_rows(quick, honesty_nd, honesty_sp, VECTOR_SCALAR,
                             "vector -> scalar", "gradient")
        rows += _vector_rows(quick, honesty_nd, honesty_sp, VECTOR_VECTOR,
                             "vector -> vector", "jacobian")
        rows += _float32_rows(quick)
        rows += _complex_rows(quick)
        rows += _dual_rows(quick)
        fixed = _fixed_step_honesty(quick)
    cov, med, cnt = honesty_nd.summary()
    pcov, pmed, _ = honesty_sp.summary()
    rows.append(Row("differentiation", "error estimates", "adaptive: covered fraction", cnt,
                    cov, None, None, "scipy.differentiate", pcov, None, None, 0.95,
                    kind="at_least"))
    rows.append(Row("differentiation", "error estimates", "adaptive: median estimate/true",
                    cnt, med, None, None, "scipy.differentiate", pmed, None, None, 10.0))
    cov, med, cnt = fixed.summary()
    rows.append(Row("differentiation", "error estimates", "fixed step: covered fraction", cnt,
                    cov, None, None, "-", None, None, None, 0.95, kind="at_least"))
    rows.append(Row("differentiation", "error estimates", "fixed step: median estimate/true",
                    cnt, med, None, None, "-", None, None, None, 10.0))
    return rows


def _complex_rows(quick):
    """Complex step against analytic values, beside SciPy's ``"cs"``."""
    rows = []
    groups = [
        ("scalar -> scalar", [(f, df, x) for _, f, df, pts in SCALAR for x in pts],
         nd.derivative, lambda f, x: approx_derivative(f, np.array([x]), method="cs")),
        ("vector -> scalar", [(f, g, x) for _, f, g, pts in VECTOR_SCALAR for x in pts],
         nd.gradient, lambda f, x: approx_derivative(f, x, method="cs")),
        ("vector -> vector", [(f, J, x) for _, f, J, pts in VECTOR_VECTOR for x in pts],
         nd.jacobian, lambda f, x: approx_derivative(f, x, method="cs")),
    ]
    for group, cases, fn, peer in groups:
        cases = cases[::2] if quick else cases
        errs, nf, tt, perr, pnf, ptt = [], 0, 0.0, [], 0, 0.0
        for f, df, x in cases:
            cf = _Counted(f)
            d, dt = _time_it(lambda: fn(cf, x, method="complex"))
            errs.append(_rel(d, df(x)))
            nf, tt = nf + cf.n, tt + dt
            pf = _Counted(f)
            d2, dt2 = _time_it(lambda: peer(pf, x))
            perr.append(_rel(np.reshape(d2, np.shape(df(x))), df(x)))
            pnf, ptt = pnf + pf.n, ptt + dt2
        rows.append(Row("complex step", group, "complex step", len(cases), max(errs), nf,
                        tt, "approx_derivative(cs)", max(perr), pnf, ptt, 1e-14))
    return rows


def _dual_rows(quick):
    """Dual numbers against analytic values, beside SciPy's ``"cs"``."""
    rows = []
    second = [(f, d2f, x) for _, f, d2f, pts in SCALAR_SECOND for x in pts]
    groups = [
        ("scalar -> scalar", [(f, df, x) for _, f, df, pts in SCALAR for x in pts],
         lambda f, x: nd.derivative(f, x, method="dual"),
         lambda f, x: approx_derivative(f, np.array([x]), method="cs"), "first"),
        ("scalar -> scalar", second, lambda f, x: nd.derivative(f, x, n=2, method="dual"),
         None, "second (n=2)"),
        ("vector -> scalar", [(f, g, x) for _, f, g, pts in VECTOR_SCALAR for x in pts],
         lambda f, x: nd.gradient(f, x, method="dual"),
         lambda f, x: approx_derivative(f, x, method="cs"), "gradient"),
    ]
    for group, cases, fn, peer, label in groups:
        cases = cases[::2] if quick else cases
        errs, nf, tt, perr, pnf, ptt = [], 0, 0.0, [], 0, 0.0
        for f, df, x in cases:
            cf = _Counted(f)
            d, dt = _time_it(lambda: fn(cf, x))
            errs.append(_rel(d, df(x)))
            nf, tt = nf + cf.n, tt + dt
            if peer is not None:
                pf = _Counted(f)
                d2, dt2 = _time_it(lambda: peer(pf, x))
                perr.append(_rel(np.reshape(d2, np.shape(df(x))), df(x)))
                pnf, ptt = pnf + pf.n, ptt + dt2
        rows.append(Row("dual numbers", group, label, len(cases), max(errs), nf, tt,
                        "approx_derivative(cs)" if peer else "-",
                        max(perr) if peer else None, pnf if peer else None,
                        ptt if peer else None, 1e-14))
    # exact Hessians: nested duals against the Jacobian of the analytic gradient
    errs, nf, tt = [], 0, 0.0
    hcases = [(f, g, x) for _, f, g, pts in VECTOR_SCALAR for x in pts]
    for f, g, x in (hcases[::2] if quick else hcases):
        cf = _Counted(f)
        H, dt = _time_it(lambda: nd.hessian(cf, x, method="dual"))
        errs.append(_rel(H, nd.jacobian(g, x, method="complex")))
        nf, tt = nf + cf.n, tt + dt
    rows.append(Row("dual numbers", "vector -> scalar", "hessian (vs complex-step "
                    "Jacobian of the analytic gradient)", len(hcases[::2] if quick else
                                                              hcases), max(errs), nf, tt,
                    "-", None, None, None, 1e-12))
    return rows


def _fixed_step_honesty(quick):
    """Error estimates of ``full_output=True`` without ``adaptive``."""
    h = _Honesty()
    for name, f, df, x in _scalar_cases(SCALAR, quick):
        for kw in ({}, {"method": "forward"}, {"order": 4}):
            d, info = nd.derivative(f, x, full_output=True, **kw)
            h.add(info.error, d, df(x))
    for table, fn in ((VECTOR_SCALAR, nd.gradient), (VECTOR_VECTOR, nd.jacobian)):
        for name, f, g, pts in table:
            for x in pts[:1] if quick else pts:
                d, info = fn(f, x, full_output=True)
                h.add(info.error, d, g(x))
    return h


def _float32_rows(quick):
    """float32 input: float32-appropriate steps (bound: 30 eps32**(2/3))."""
    eps32 = float(np.finfo(np.float32).eps)
    rows = []
    cases = _scalar_cases(SCALAR, quick)
    errs, nf, tt = [], 0, 0.0
    perr, pnf, ptt = [], 0, 0.0
    for name, f, df, x in cases:
        x32 = np.float32(x)
        cf = _Counted(f)
        d, dt = _time_it(lambda: nd.derivative(cf, x32))
        exact = df(np.float64(x32))
        errs.append(_rel(d, exact))
        nf += cf.n
        tt += dt
        pf = _Counted(f)
        d2, dt2 = _time_it(lambda: approx_derivative(pf, np.array([x32]), method="3-point"))
        perr.append(_rel(d2, exact))
        pnf += pf.n
        ptt += dt2
    rows.append(Row("differentiation", "float32 input", "central (scalar -> scalar)",
                    len(cases), max(errs), nf, tt, "approx_derivative(3-point)", max(perr),
                    pnf, ptt, 30 * eps32 ** (2 / 3)))
    # Gradients of sums lose more to float32 rounding than scalar functions
    # (the error scales with |f| / |g|), so each case is held to the larger
    # of the bound above and twice SciPy's error on the same float32 problem.
    ratios, errs, nf, tt = [], [], 0, 0.0
    perr, pnf, ptt = [], 0, 0.0
    vcases = [(f, g, x) for name, f, g, pts in VECTOR_SCALAR for x in pts]
    vcases = vcases[::2] if quick else vcases
    bound = 30 * eps32 ** (2 / 3)
    for f, g, x in vcases:
        x32 = x.astype(np.float32)
        exact = g(x32.astype(np.float64))
        cf = _Counted(f)
        d, dt = _time_it(lambda: nd.gradient(cf, x32))
        pf = _Counted(f)
        d2, dt2 = _time_it(lambda: approx_derivative(pf, x32, method="3-point"))
        e, pe = _rel(d, exact), _rel(d2, exact)
        errs.append(e)
        perr.append(pe)
        ratios.append(e / max(bound, 2 * pe))
        nf, tt, pnf, ptt = nf + cf.n, tt + dt, pnf + pf.n, ptt + dt2
    rows.append(Row("differentiation", "float32 input",
                    f"central gradient: error / max({bound:.1e}, 2 x SciPy's)", len(vcases),
                    max(ratios), nf, tt, "approx_derivative(3-point) error", max(perr), pnf,
                    ptt, 1.0))
    return rows
