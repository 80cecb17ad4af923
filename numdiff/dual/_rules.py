"""Derivative rules of numpy ufuncs, in one table.

Each unary rule maps ``(x, y)`` -- the argument and the value ``y = f(x)``
-- to ``f'(x)``; each binary rule maps ``(a, b, y)`` to the pair of partial
derivatives. Rules are written with numpy functions so that they apply to
nested duals too (then ``x``, ``y`` are themselves dual arrays).

Special cases carry a one-line reason; they are the documented semantics of
the Limitations page.
"""
import numpy as np

LN2 = np.log(2.0)
LN10 = np.log(10.0)


def _sech2(x):
    # tanh' as 1 / cosh**2, not 1 - tanh**2 (which cancels to nothing in the
    # tails); an overflowing cosh gives the right 0
    with np.errstate(over="ignore"):
        c = np.cosh(x)
        return 1.0 / (c * c)


def _sign0(x):
    # abs'(0) = 0: the midpoint of the subgradient [-1, 1]
    return np.sign(x)


UNARY = {
    np.negative: lambda x, y: -np.ones_like(x),
    np.positive: lambda x, y: np.ones_like(x),
    np.sin: lambda x, y: np.cos(x),
    np.cos: lambda x, y: -np.sin(x),
    np.tan: lambda x, y: 1.0 + y * y,
    np.arcsin: lambda x, y: 1.0 / np.sqrt(1.0 - x * x),
    np.arccos: lambda x, y: -1.0 / np.sqrt(1.0 - x * x),
    np.arctan: lambda x, y: 1.0 / (1.0 + x * x),
    np.sinh: lambda x, y: np.cosh(x),
    np.cosh: lambda x, y: np.sinh(x),
    np.tanh: lambda x, y: _sech2(x),
    np.arcsinh: lambda x, y: 1.0 / np.sqrt(x * x + 1.0),
    np.arccosh: lambda x, y: 1.0 / np.sqrt(x * x - 1.0),
    np.arctanh: lambda x, y: 1.0 / (1.0 - x * x),
    np.exp: lambda x, y: y,
    np.exp2: lambda x, y: y * LN2,
    np.expm1: lambda x, y: y + 1.0,
    np.log: lambda x, y: 1.0 / x,
    np.log2: lambda x, y: 1.0 / (x * LN2),
    np.log10: lambda x, y: 1.0 / (x * LN10),
    np.log1p: lambda x, y: 1.0 / (1.0 + x),
    # sqrt'(0) = inf, the one-sided limit (documented)
    np.sqrt: lambda x, y: 0.5 / y,
    np.cbrt: lambda x, y: 1.0 / (3.0 * y * y),
    np.square: lambda x, y: 2.0 * x,
    np.reciprocal: lambda x, y: -(y * y),
    np.absolute: lambda x, y: _sign0(x),
    np.fabs: lambda x, y: _sign0(x),
    np.deg2rad: lambda x, y: np.full_like(x, np.pi / 180.0),
    np.rad2deg: lambda x, y: np.full_like(x, 180.0 / np.pi),
    # piecewise constant: derivative 0 where it exists
    np.sign: lambda x, y: np.zeros_like(x),
    np.floor: lambda x, y: np.zeros_like(x),
    np.ceil: lambda x, y: np.zeros_like(x),
    np.trunc: lambda x, y: np.zeros_like(x),
    np.rint: lambda x, y: np.zeros_like(x),
}
UNARY[np.radians] = UNARY[np.deg2rad]
UNARY[np.degrees] = UNARY[np.rad2deg]


def _pick_first(first):
    return np.where(first, 1.0, 0.0), np.where(first, 0.0, 1.0)


def _domain(rule):
    """Outside the real domain (value nan) the derivative is nan too."""
    def guarded(x, y):
        return np.where(np.isnan(y), np.nan, rule(x, y))
    return guarded


def _pow_b(a, b, y):
    # d(a**b)/db = a**b log a; where a**b == 0 (a == 0, b > 0) it is 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0.0, y * np.log(a))


BINARY = {
    np.add: lambda a, b, y: (1.0, 1.0),
    np.subtract: lambda a, b, y: (1.0, -1.0),
    np.multiply: lambda a, b, y: (b, a),
    # np.divide keeps IEEE semantics for Python floats (b == 0 gives inf); the
    # numerator has y's precision (1.0 / float32(b) alone would round to float32)
    np.true_divide: lambda a, b, y: (np.divide(np.ones_like(y), b), -np.divide(y, b)),
    np.power: lambda a, b, y: (np.where(np.equal(b, 0), 0.0, b) * np.power(
        a, np.where(np.equal(b, 0), 1.0, b - 1.0)), _pow_b(a, b, y)),
    np.arctan2: lambda a, b, y: (b / (a * a + b * b), -a / (a * a + b * b)),
    np.hypot: lambda a, b, y: (a / y, b / y),
    np.logaddexp: lambda a, b, y: (np.exp(a - y), np.exp(b - y)),
    # ties: maximum and minimum take the first argument's derivative
    np.maximum: lambda a, b, y: (np.where(a >= b, 1.0, 0.0), np.where(a >= b, 0.0, 1.0)),
    np.minimum: lambda a, b, y: (np.where(a <= b, 1.0, 0.0), np.where(a <= b, 0.0, 1.0)),
    # fmax/fmin ignore a nan argument: the derivative follows the other one
    np.fmax: lambda a, b, y: _pick_first((a >= b) | np.isnan(b)),
    np.fmin: lambda a, b, y: _pick_first((a <= b) | np.isnan(b)),
    np.copysign: lambda a, b, y: (np.sign(a) * np.sign(y), 0.0),
}

for _f in (np.log, np.log2, np.log10, np.log1p, np.sqrt, np.arcsin, np.arccos,
           np.arccosh, np.arctanh):
    UNARY[_f] = _domain(UNARY[_f])

#: Unary ufuncs whose derivative is infinite at finite points (sqrt at 0):
#: a variable their input does not depend on keeps the partial 0 there
#: (documented), not inf * 0 = nan.
INF_PRONE = {np.log, np.log2, np.log10, np.log1p, np.sqrt, np.cbrt, np.arcsin, np.arccos,
             np.arccosh, np.arctanh, np.reciprocal}

#: Comparisons act on values and return plain booleans (documented).
COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal,
               np.not_equal, np.isfinite, np.isnan, np.isinf, np.signbit,
               np.logical_and, np.logical_or, np.logical_not, np.logical_xor}


_ZETA = None


def _special_rules():
    """scipy.special ufuncs with simple derivatives, where scipy is present."""
    try:
        from scipy import special as sp
    except ImportError:  # pragma: no cover
        return
    global _ZETA
    # sp.zeta is a Python wrapper; its ufunc is what numpy dispatches on
    _ZETA = getattr(getattr(sp, "_ufuncs", None), "_zeta", None)
    if not isinstance(_ZETA, np.ufunc):
        _ZETA = None
    c = 2.0 / np.sqrt(np.pi)
    UNARY.update({
        sp.erf: lambda x, y: c * np.exp(-x * x),
        sp.erfc: lambda x, y: -c * np.exp(-x * x),
        # expit(x) expit(-x), not y (1 - y) (which cancels for large x)
        sp.expit: lambda x, y: y * sp.expit(-x),
        sp.log_expit: lambda x, y: sp.expit(-x),
        sp.gammaln: lambda x, y: sp.digamma(x),
        sp.gamma: lambda x, y: y * sp.digamma(x),
        sp.logit: lambda x, y: 1.0 / (x * (1.0 - x)),
        sp.ndtr: lambda x, y: np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi),
        sp.log_ndtr: lambda x, y: np.exp(-0.5 * x * x - y) / np.sqrt(2.0 * np.pi),
        sp.j0: lambda x, y: -sp.j1(x),
        # j1' = j0 - j1/x, with the limit 1/2 at x = 0
        sp.j1: lambda x, y: np.where(np.equal(x, 0), 0.5, sp.j0(x) - y / np.where(
            np.equal(x, 0), 1.0, x)),
        sp.i0: lambda x, y: sp.i1(x),
        sp.i1: lambda x, y: np.where(np.equal(x, 0), 0.5, sp.i0(x) - y / np.where(
            np.equal(x, 0), 1.0, x)),
    })
    INF_PRONE.add(sp.logit)
    BINARY[sp.xlogy] = lambda a, b, y: (np.log(b), a / b)
    if _ZETA is not None:
        # trigamma as the Hurwitz zeta ufunc, so that it is differentiable again
        UNARY[sp.digamma] = lambda x, y: _ZETA(2.0, x)
        # Hurwitz zeta(s, q): differentiated in q only (None: a dual s raises
        # TypeError in the dispatcher)
        BINARY[_ZETA] = lambda a, b, y: (None, -a * _ZETA(a + 1.0, b))


_special_rules()
