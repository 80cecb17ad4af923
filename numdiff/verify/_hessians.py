"""Verify area "hessians": second derivatives of f alone, beside their peers.

Every case of the vector -> scalar catalogue (plus a dense non-polynomial
function) is differentiated twice; the reference is numdiff's exact
dual-number Hessian, itself checked against the complex-step Jacobian of the
analytic gradient in the "dual numbers" rows. Peers:
``numdifftools.Hessian`` when installed, and ``scipy.differentiate.hessian``
(given a batched version of the same function). The "error estimates" rows
apply the first-derivative honesty bar to the Hessian entries.
"""
import warnings

import numpy as np
from scipy import differentiate as sdiff

import numdiff as nd

from ._catalogue import VECTOR_SCALAR
from ._differentiation import _Counted, _Honesty, _rel, _time_it
from ._report import Row


def _dense(x):
    """Couples neighbours and every pair of variables: a dense Hessian."""
    return (np.sum(np.exp(np.sin(x[:-1])) * np.cos(x[1:])) + np.sum(x ** 4) / 4
            + np.log1p(np.sum(x ** 2)))


def _cases(quick):
    cases = [(name, f, x) for name, f, _, pts in VECTOR_SCALAR for x in pts]
    cases.append(("dense n=12", _dense, np.linspace(-1.0, 1.5, 12)))
    return cases[::2] if quick else cases


def _batched(f):
    """``f`` for SciPy's batches: points along the first axis."""
    def fb(X):
        X = np.asarray(X)
        flat = X.reshape(X.shape[0], -1)
        out = np.array([f(flat[:, k]) for k in range(flat.shape[1])])
        return out.reshape(X.shape[1:])
    return fb


def _numdifftools():
    try:
        import numdifftools
    except ImportError:
        return None
    return numdifftools


def run(quick=False):
    """Rows of the Hessian area."""
    rows = []
    cases = _cases(quick)
    exact = {id(x): nd.hessian(f, x, method="dual") for _, f, x in cases}
    ndt = _numdifftools()
    honesty = {"fixed": _Honesty(), "adaptive": _Honesty()}
    specs = [
        ("central", {}, "numdifftools.Hessian", 1e-5),
        ("central, order 4", {"order": 4}, None, 1e-7),
        ("forward", {"method": "forward"}, None, 1e-4),
        ("complex step on central differences", {"method": "complex"}, None, 1e-8),
        ("adaptive (Richardson)", {"adaptive": True}, "scipy.differentiate.hessian", 1e-8),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for label, kw, peer, bound in specs:
            errs, nf, tt, perr, pnf, ptt = [], 0, 0.0, [], 0, 0.0
            for _, f, x in cases:
                cf = _Counted(f)
                (H, info), dt = _time_it(lambda: nd.hessian(cf, x, full_output=True, **kw))
                T = exact[id(x)]
                errs.append(_rel(H, T))
                honesty["adaptive" if kw.get("adaptive") else "fixed"].add(info.error, H, T)
                nf, tt = nf + cf.n, tt + dt
                if peer == "numdifftools.Hessian" and ndt is not None:
                    pf = _Counted(f)
                    Hp, dt2 = _time_it(lambda: ndt.Hessian(pf)(x))
                    perr.append(_rel(Hp, T))
                    pnf, ptt = pnf + pf.n, ptt + dt2
                elif peer == "scipy.differentiate.hessian":
                    pf = _Counted(_batched(f), batch_axis=0)
                    with np.errstate(all="ignore"):
                        r, dt2 = _time_it(lambda: sdiff.hessian(pf, x))
                    perr.append(_rel(r.ddf, T))
                    pnf, ptt = pnf + pf.n, ptt + dt2
            have_peer = bool(perr)
            rows.append(Row("hessians", "vector -> scalar", label, len(cases), max(errs), nf,
                            tt, peer if have_peer else "-",
                            max(perr) if have_peer else None,
                            pnf if have_peer else None, ptt if have_peer else None, bound))
        # exact symmetry of every finite-difference Hessian
        asym = 0.0
        for _, f, x in cases:
            H = nd.hessian(f, x)
            asym = max(asym, float(np.max(np.abs(H - H.T))))
        rows.append(Row("hessians", "vector -> scalar", "max |H - H.T| (exact symmetry)",
                        len(cases), asym, None, None, "-", None, None, None, 0.0))
    # differences of a given gradient (grad=), every route: central,
    # forward, complex step and adaptive, their estimates held to the bar too
    honesty["grad="] = _Honesty()
    gcases = [(f, g, x) for _, f, g, pts in VECTOR_SCALAR for x in pts]
    for f, g, x in (gcases[::2] if quick else gcases):
        T = nd.hessian(f, x, method="dual")
        for kw in ({}, {"method": "forward"}, {"method": "complex"}, {"adaptive": True}):
            H, info = nd.hessian(f, x, grad=g, full_output=True, **kw)
            honesty["grad="].add(info.error, H, T)
    for mode, h in honesty.items():
        cov, med, cnt = h.summary()
        label = {"fixed": "fixed step", "adaptive": "adaptive",
                 "grad=": "grad= (4 routes)"}[mode]
        rows.append(Row("hessians", "error estimates", f"{label}: covered fraction", cnt,
                        cov, None, None, "-", None, None, None, 0.95, kind="at_least"))
        # each entry judged by its own two step levels (fixed steps), its own
        # Richardson table (adaptive), with the measured noise of f, or by
        # the first-derivative engine (grad=); see docs/user_guide/hessians.rst
        rows.append(Row("hessians", "error estimates",
                        f"{label}: median estimate/true", cnt, med, None, None, "-", None,
                        None, None, 10.0))
    return rows
