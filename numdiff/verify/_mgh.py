"""The 35 Moré–Garbow–Hillstrom unconstrained test problems.

Every problem is a nonlinear least-squares problem: residuals
``F(x) = (F_1(x), ..., F_m(x))`` of ``n`` variables and the objective

.. math:: f(x) = \\sum_{i=1}^m F_i(x)^2 ,

with ``grad f = 2 J^T F`` and ``hess f = 2 (J^T J + sum_i F_i hess F_i)``.
Residuals, Jacobians and the residuals' second derivatives are written out
analytically from the definitions of [1]_ (problem numbers, names, standard
starting points and minimum values are the paper's).

The variable-dimension problems (20 to 35) have fixed, common sizes here (see
:data:`PROBLEMS`); ``fstar`` is the minimum of ``f`` for that size.

All the functions use only numpy arithmetic and ufuncs (``np.exp``,
``np.sin``, ...), ``np.stack``/``np.concatenate``/``np.dot`` and indexing:
they run unchanged on float64 arrays, on complex128 arrays (complex-step safe:
no ``abs``, no ``maximum``/``sign``, no ``float()`` and no writes into arrays
of an assumed dtype) and on array-likes that implement ``__array_ufunc__`` and
``__array_function__`` such as :class:`numdiff.dual.DualArray`. The one
branch, in the helical valley function, selects a constant on the real part of
``x1`` and so does not touch the derivatives.

``xstar`` is a minimiser where one is known. Where the paper gives only the
minimum value the minimiser was computed here (Gauss-Newton/Levenberg-Marquardt
on these residuals, polished to full precision) and checked against the
paper's ``f*``; such entries are marked in the problem descriptions.

References
----------
.. [1] J. J. Moré, B. S. Garbow and K. E. Hillstrom, "Testing Unconstrained
   Optimization Software", ACM Trans. Math. Softw. 7(1):17-41, 1981.
   doi:10.1145/355934.355936

Examples
--------
>>> from numdiff.verify._mgh import get
>>> p = get("rosenbrock")
>>> p.number, p.n, p.m, p.square
(1, 2, 2, True)
>>> round(float(p.fun(p.x0)), 12)
24.2
>>> p.hess(p.xstar).tolist()
[[802.0, -400.0], [-400.0, 200.0]]
>>> get(35).fstar
0.00351687
"""
import inspect
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

__all__ = ["PROBLEMS", "Problem", "get"]


# ----------------------------------------------------------------- helpers
def _vec(items):
    """A 1-d array from scalars/expressions (numbers, complex or duals)."""
    return np.stack(items)


def _mat(rows):
    """A 2-d array from a list of rows of scalars/expressions."""
    return np.stack([np.stack(r) for r in rows])


def _cols(cols, m):
    """An ``(m, len(cols))`` matrix from columns: ``(m,)`` arrays or scalars."""
    return np.stack([c + np.zeros(m) for c in cols], axis=1)


def _diag(v):
    """``diag(v)`` for a 1-d ``v`` (by broadcasting, no writes)."""
    return v[:, None] * np.eye(np.shape(v)[0])


def _sym(n, entries):
    """Symmetric ``(n, n)`` matrix from ``{(j, k): value}`` with ``j <= k``."""
    rows = [[0.0] * n for _ in range(n)]
    for (j, k), v in entries.items():
        rows[j][k] = v
        rows[k][j] = v
    return _mat(rows)


def _interleave(parts, n):
    """Interleave ``k`` arrays of shape ``(n/k, ...)`` along the first axis."""
    a = np.stack(parts, axis=1)
    return np.reshape(a, (n,) + tuple(np.shape(a)[2:]))


def _real_part(v):
    """Real part of a number; other array-likes as given (they compare on values)."""
    if isinstance(v, (np.ndarray, np.generic, complex, float, int)):
        return np.real(v)
    return v


# ----------------------------------------------------------------- Problem
@dataclass(frozen=True, eq=False)
class Problem:
    """One Moré–Garbow–Hillstrom problem: ``f(x) = sum_i F_i(x)^2``.

    Attributes
    ----------
    number : int
        The problem's number in Moré, Garbow and Hillstrom (1981), 1 to 35.
    name : str
        The problem's name in the paper.
    n, m : int
        Number of variables and of residuals.
    x0 : ndarray
        The paper's standard starting point (read-only float64).
    fstar : float or None
        The minimum value of ``f`` for this ``n`` and ``m`` (to the digits the
        paper gives; exact where it is 0 or a closed form).
    xstar : ndarray or None
        A minimiser, where known (read-only float64).
    description : str
        The definition of the residuals.
    other_minima : tuple of float
        Values of ``f`` at other local minima that the standard start is
        known to lead to (problems 2, 18 and 26); the verify report counts
        reaching one of them as solved, for numdiff and SciPy alike.

    Notes
    -----
    ``x`` may be a float or complex array of shape ``(n,)`` or an array-like
    implementing ``__array_ufunc__``/``__array_function__``.
    """

    number: int
    name: str
    n: int
    m: int
    x0: np.ndarray
    fstar: Optional[float]
    xstar: Optional[np.ndarray]
    description: str = field(repr=False)
    _residual: Callable = field(repr=False)
    _jacobian: Callable = field(repr=False)
    _second: Callable = field(repr=False)
    other_minima: tuple = ()

    def __post_init__(self):
        for name in ("x0", "xstar"):
            v = getattr(self, name)
            if v is not None:
                v = np.array(v, dtype=float)
                v.setflags(write=False)
                object.__setattr__(self, name, v)

    @property
    def square(self):
        """``True`` when ``m == n`` (a system of nonlinear equations)."""
        return self.m == self.n

    def _check(self, x):
        if isinstance(x, (list, tuple)):
            x = np.asarray(x)
        if isinstance(x, np.ndarray) and x.dtype.kind in "biu":
            x = x.astype(float)
        if np.shape(x) != (self.n,):
            raise ValueError(f"problem {self.number} ({self.name}) takes x of shape "
                             f"({self.n},), not {np.shape(x)}")
        return x

    def residual(self, x):
        """The residuals ``F(x)``, shape ``(m,)``."""
        return self._residual(self._check(x))

    def jacobian(self, x):
        """The Jacobian ``J(x) = dF/dx``, shape ``(m, n)``."""
        return self._jacobian(self._check(x))

    def residual_hess_sum(self, x, w):
        """``sum_i w_i hess F_i(x)``, shape ``(n, n)``, for weights ``w`` of shape ``(m,)``."""
        return self._second(self._check(x), w)

    def fun(self, x):
        """``f(x) = sum_i F_i(x)^2``."""
        r = self.residual(x)
        return np.sum(r * r)

    def grad(self, x):
        """``grad f(x) = 2 J^T F``, shape ``(n,)``."""
        x = self._check(x)
        return 2.0 * np.dot(np.transpose(self._jacobian(x)), self._residual(x))

    def hess(self, x):
        """``hess f(x) = 2 (J^T J + sum_i F_i hess F_i)``, shape ``(n, n)``."""
        x = self._check(x)
        r = self._residual(x)
        jac = self._jacobian(x)
        h = np.dot(np.transpose(jac), jac) + self._second(x, r)
        return h + np.transpose(h)          # exactly symmetric


#: Other local minima reached from the standard start: the paper gives
#: f = 48.9842... for Freudenstein and Roth and 5.65565e-3 for Biggs EXP6; the
#: trigonometric function with n = 10 has a local minimum 2.79506e-5. The
#: digits are those of stationary points computed here (norm(grad) < 1e-6).
OTHER_MINIMA = {2: (48.98425367924,), 18: (5.655649925527e-3,), 26: (2.795056121897e-5,)}


def _problem(builder, number, name, n, m, x0, fstar, xstar, res, jac, sec):
    return Problem(number=number, name=name, n=n, m=m, x0=x0, fstar=fstar,
                   xstar=xstar, description=inspect.cleandoc(builder.__doc__),
                   _residual=res, _jacobian=jac, _second=sec,
                   other_minima=OTHER_MINIMA.get(number, ()))


# ------------------------------------------------- extended Rosenbrock (1, 21)
def _ext_rosenbrock(n):
    """Residuals, Jacobian and second derivatives of the extended Rosenbrock function."""
    ia = np.eye(n)[0::2]
    ib = np.eye(n)[1::2]
    k = n // 2

    def res(x):
        a, b = x[0::2], x[1::2]
        return _interleave([10.0 * (b - a * a), 1.0 - a], n)

    def jac(x):
        a = x[0::2]
        return _interleave([(-20.0 * a)[:, None] * ia + 10.0 * ib, -ia], n)

    def sec(x, w):
        return _diag(_interleave([-20.0 * w[0::2], np.zeros(k)], n))

    return res, jac, sec


def _p01():
    """Rosenbrock function (n = 2, m = 2).

    F_1 = 10 (x_2 - x_1^2),  F_2 = 1 - x_1;  x0 = (-1.2, 1);  f* = 0 at (1, 1).
    """
    return _problem(_p01, 1, "Rosenbrock", 2, 2, [-1.2, 1.0], 0.0, [1.0, 1.0],
                    *_ext_rosenbrock(2))


# ------------------------------------------------------------------------ 2
def _p02():
    """Freudenstein and Roth function (n = 2, m = 2).

    F_1 = -13 + x_1 + ((5 - x_2) x_2 - 2) x_2,
    F_2 = -29 + x_1 + ((x_2 + 1) x_2 - 14) x_2;
    x0 = (0.5, -2);  f* = 0 at (5, 4) (a local minimum f = 48.9842... lies
    at (11.41..., -0.8968...)).
    """
    def res(x):
        x1, x2 = x[0], x[1]
        return _vec([-13.0 + x1 + ((5.0 - x2) * x2 - 2.0) * x2,
                     -29.0 + x1 + ((x2 + 1.0) * x2 - 14.0) * x2])

    def jac(x):
        x2 = x[1]
        return _mat([[1.0, (10.0 - 3.0 * x2) * x2 - 2.0],
                     [1.0, (3.0 * x2 + 2.0) * x2 - 14.0]])

    def sec(x, w):
        x2 = x[1]
        return _sym(2, {(1, 1): w[0] * (10.0 - 6.0 * x2) + w[1] * (6.0 * x2 + 2.0)})

    return _problem(_p02, 2, "Freudenstein and Roth", 2, 2, [0.5, -2.0], 0.0,
                    [5.0, 4.0], res, jac, sec)


# ------------------------------------------------------------------------ 3
def _p03():
    """Powell badly scaled function (n = 2, m = 2).

    F_1 = 10^4 x_1 x_2 - 1,  F_2 = exp(-x_1) + exp(-x_2) - 1.0001;
    x0 = (0, 1);  f* = 0 at (1.098...e-5, 9.106...) (``xstar`` computed here).
    """
    def res(x):
        x1, x2 = x[0], x[1]
        return _vec([1e4 * x1 * x2 - 1.0, np.exp(-x1) + np.exp(-x2) - 1.0001])

    def jac(x):
        x1, x2 = x[0], x[1]
        return _mat([[1e4 * x2, 1e4 * x1], [-np.exp(-x1), -np.exp(-x2)]])

    def sec(x, w):
        x1, x2 = x[0], x[1]
        return _sym(2, {(0, 0): w[1] * np.exp(-x1), (0, 1): 1e4 * w[0],
                        (1, 1): w[1] * np.exp(-x2)})

    return _problem(_p03, 3, "Powell badly scaled", 2, 2, [0.0, 1.0], 0.0,
                    [1.0981593296997979e-05, 9.106146739866686], res, jac, sec)


# ------------------------------------------------------------------------ 4
def _p04():
    """Brown badly scaled function (n = 2, m = 3).

    F_1 = x_1 - 10^6,  F_2 = x_2 - 2 10^-6,  F_3 = x_1 x_2 - 2;
    x0 = (1, 1);  f* = 0 at (10^6, 2 10^-6).
    """
    def res(x):
        x1, x2 = x[0], x[1]
        return _vec([x1 - 1e6, x2 - 2e-6, x1 * x2 - 2.0])

    def jac(x):
        x1, x2 = x[0], x[1]
        return _mat([[1.0, 0.0], [0.0, 1.0], [x2, x1]])

    def sec(x, w):
        return _sym(2, {(0, 1): w[2]})

    return _problem(_p04, 4, "Brown badly scaled", 2, 3, [1.0, 1.0], 0.0,
                    [1e6, 2e-6], res, jac, sec)


# ------------------------------------------------------------------------ 5
def _p05():
    """Beale function (n = 2, m = 3).

    F_i = y_i - x_1 (1 - x_2^i),  y = (1.5, 2.25, 2.625);
    x0 = (1, 1);  f* = 0 at (3, 0.5).
    """
    y = np.array([1.5, 2.25, 2.625])

    def res(x):
        x1, x2 = x[0], x[1]
        p2 = x2 * x2
        return y - x1 * (1.0 - _vec([x2, p2, p2 * x2]))

    def jac(x):
        x1, x2 = x[0], x[1]
        p2 = x2 * x2
        return _mat([[x2 - 1.0, x1],
                     [p2 - 1.0, 2.0 * x1 * x2],
                     [p2 * x2 - 1.0, 3.0 * x1 * p2]])

    def sec(x, w):
        x1, x2 = x[0], x[1]
        return _sym(2, {(0, 1): w[0] + 2.0 * w[1] * x2 + 3.0 * w[2] * x2 * x2,
                        (1, 1): 2.0 * w[1] * x1 + 6.0 * w[2] * x1 * x2})

    return _problem(_p05, 5, "Beale", 2, 3, [1.0, 1.0], 0.0, [3.0, 0.5], res, jac, sec)


# ------------------------------------------------------------------------ 6
def _p06():
    """Jennrich and Sampson function (n = 2, m = 10).

    F_i = 2 + 2i - (exp(i x_1) + exp(i x_2)),  i = 1..m;
    x0 = (0.3, 0.4);  f* = 124.362 at x_1 = x_2 = 0.2578 (m = 10; ``xstar``
    computed here on x_1 = x_2).
    """
    m = 10
    i = np.arange(1.0, m + 1)

    def res(x):
        return 2.0 + 2.0 * i - (np.exp(i * x[0]) + np.exp(i * x[1]))

    def jac(x):
        return _cols([-i * np.exp(i * x[0]), -i * np.exp(i * x[1])], m)

    def sec(x, w):
        return _sym(2, {(0, 0): np.sum(-w * i * i * np.exp(i * x[0])),
                        (1, 1): np.sum(-w * i * i * np.exp(i * x[1]))})

    return _problem(_p06, 6, "Jennrich and Sampson", 2, m, [0.3, 0.4], 124.362,
                    [0.2578252136703641, 0.2578252136703641], res, jac, sec)


# ------------------------------------------------------------------------ 7
def _p07():
    """Helical valley function (n = 3, m = 3).

    F_1 = 10 (x_3 - 10 theta(x_1, x_2)),  F_2 = 10 (sqrt(x_1^2 + x_2^2) - 1),
    F_3 = x_3,  where 2 pi theta = arctan(x_2 / x_1) for x_1 > 0 and
    arctan(x_2 / x_1) + pi for x_1 < 0;  x0 = (-1, 0, 0);  f* = 0 at (1, 0, 0).
    The branch constant is chosen on the real part of x_1.
    """
    c = 1.0 / (2.0 * np.pi)

    def theta(x1, x2):
        shift = 0.5 if _real_part(x1) < 0 else 0.0
        return c * np.arctan(x2 / x1) + shift

    def res(x):
        x1, x2, x3 = x[0], x[1], x[2]
        return _vec([10.0 * (x3 - 10.0 * theta(x1, x2)),
                     10.0 * (np.sqrt(x1 * x1 + x2 * x2) - 1.0), x3])

    def jac(x):
        x1, x2 = x[0], x[1]
        r2 = x1 * x1 + x2 * x2
        r = np.sqrt(r2)
        return _mat([[100.0 * c * x2 / r2, -100.0 * c * x1 / r2, 10.0],
                     [10.0 * x1 / r, 10.0 * x2 / r, 0.0],
                     [0.0, 0.0, 1.0]])

    def sec(x, w):
        x1, x2 = x[0], x[1]
        r2 = x1 * x1 + x2 * x2
        r = np.sqrt(r2)
        # F_1 = 10 x_3 - 100 theta: d2 theta = c / r^4 [[2 x1 x2, x2^2 - x1^2], [., -2 x1 x2]]
        # F_2 = 10 (r - 1):        d2 r = 1 / r^3 [[x2^2, -x1 x2], [., x1^2]]
        a = w[0] * 100.0 * c / (r2 * r2)
        b = w[1] * 10.0 / (r2 * r)
        return _sym(3, {(0, 0): -2.0 * a * x1 * x2 + b * x2 * x2,
                        (0, 1): a * (x1 * x1 - x2 * x2) - b * x1 * x2,
                        (1, 1): 2.0 * a * x1 * x2 + b * x1 * x1})

    return _problem(_p07, 7, "Helical valley", 3, 3, [-1.0, 0.0, 0.0], 0.0,
                    [1.0, 0.0, 0.0], res, jac, sec)


# ------------------------------------------------------------------------ 8
def _p08():
    """Bard function (n = 3, m = 15).

    F_i = y_i - (x_1 + u_i / (v_i x_2 + w_i x_3)),  u_i = i,  v_i = 16 - i,
    w_i = min(u_i, v_i);  x0 = (1, 1, 1);  f* = 8.21487e-3 (``xstar``
    computed here); f = 17.4286 at (0.8406, -inf, -inf).
    """
    y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58,
                  0.73, 0.96, 1.34, 2.10, 4.39])
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    wt = np.minimum(u, v)
    m = 15

    def res(x):
        return y - (x[0] + u / (v * x[1] + wt * x[2]))

    def jac(x):
        d = v * x[1] + wt * x[2]
        q = u / (d * d)
        return _cols([-1.0, q * v, q * wt], m)

    def sec(x, w):
        d = v * x[1] + wt * x[2]
        q = -2.0 * w * u / (d * d * d)
        return _sym(3, {(1, 1): np.sum(q * v * v), (1, 2): np.sum(q * v * wt),
                        (2, 2): np.sum(q * wt * wt)})

    return _problem(_p08, 8, "Bard", 3, m, [1.0, 1.0, 1.0], 8.21487e-3,
                    [0.0824105597524247, 1.1330360921181915, 2.3436951785574265],
                    res, jac, sec)


# ------------------------------------------------------------------------ 9
def _p09():
    """Gaussian function (n = 3, m = 15).

    F_i = x_1 exp(-x_2 (t_i - x_3)^2 / 2) - y_i,  t_i = (8 - i) / 2, with the
    symmetric data y of the paper;  x0 = (0.4, 1, 0);  f* = 1.12793e-8 (``xstar``
    computed here; x_3 = 0 by the symmetry of the data).
    """
    half = [0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521]
    y = np.array(half + [0.3989] + half[::-1])
    t = (8.0 - np.arange(1.0, 16.0)) / 2.0
    m = 15

    def parts(x):
        d = t - x[2]
        return d, np.exp(-0.5 * x[1] * d * d)

    def res(x):
        d, e = parts(x)
        return x[0] * e - y

    def jac(x):
        d, e = parts(x)
        return _cols([e, -0.5 * x[0] * e * d * d, x[0] * x[1] * e * d], m)

    def sec(x, w):
        x1, x2 = x[0], x[1]
        d, e = parts(x)
        d2 = d * d
        we = w * e
        return _sym(3, {(0, 1): np.sum(-0.5 * we * d2), (0, 2): np.sum(x2 * we * d),
                        (1, 1): np.sum(0.25 * x1 * we * d2 * d2),
                        (1, 2): np.sum(x1 * we * (d - 0.5 * x2 * d2 * d)),
                        (2, 2): np.sum(x1 * x2 * we * (x2 * d2 - 1.0))})

    return _problem(_p09, 9, "Gaussian", 3, m, [0.4, 1.0, 0.0], 1.12793e-8,
                    [0.39895613783875666, 1.0000190844878056, 0.0], res, jac, sec)


# ----------------------------------------------------------------------- 10
def _p10():
    """Meyer function (n = 3, m = 16).

    F_i = x_1 exp(x_2 / (t_i + x_3)) - y_i,  t_i = 45 + 5i, with the data y of
    the paper;  x0 = (0.02, 4000, 250);  f* = 87.9458 (``xstar`` computed here).
    """
    y = np.array([34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0,
                  9744.0, 8261.0, 7030.0, 6005.0, 5147.0, 4427.0, 3820.0, 3307.0,
                  2872.0])
    t = 45.0 + 5.0 * np.arange(1.0, 17.0)
    m = 16

    def res(x):
        return x[0] * np.exp(x[1] / (t + x[2])) - y

    def jac(x):
        s = t + x[2]
        e = np.exp(x[1] / s)
        return _cols([e, x[0] * e / s, -x[0] * x[1] * e / (s * s)], m)

    def sec(x, w):
        x1, x2 = x[0], x[1]
        s = t + x[2]
        we = w * np.exp(x2 / s)
        s2 = s * s
        return _sym(3, {(0, 1): np.sum(we / s), (0, 2): np.sum(-x2 * we / s2),
                        (1, 1): np.sum(x1 * we / s2),
                        (1, 2): np.sum(-x1 * we * (x2 + s) / (s2 * s)),
                        (2, 2): np.sum(x1 * x2 * we * (x2 + 2.0 * s) / (s2 * s2))})

    return _problem(_p10, 10, "Meyer", 3, m, [0.02, 4000.0, 250.0], 87.9458,
                    [0.005609636471028385, 6181.346346286323, 345.22363462413483],
                    res, jac, sec)


# ----------------------------------------------------------------------- 11
def _p11():
    """Gulf research and development function (n = 3, m = 10).

    F_i = exp(-|y_i - x_2|^{x_3} / x_1) - t_i,  t_i = i / 100,
    y_i = 25 + (-50 ln t_i)^{2/3};  x0 = (5, 2.5, 0.15);  f* = 0 at
    (50, 25, 1.5) (for every 3 <= m <= 100; m = 10 here).
    |d|^{x_3} is written (d^2)^{x_3 / 2}, analytic wherever d != 0.
    """
    m = 10
    t = np.arange(1.0, m + 1) / 100.0
    y = 25.0 + (-50.0 * np.log(t)) ** (2.0 / 3.0)

    def parts(x):
        d = y - x[1]
        d2 = d * d
        p = d2 ** (0.5 * x[2])            # |d| ** x3
        return d, p, 0.5 * np.log(d2)    # log |d|

    def res(x):
        d, p, _ = parts(x)
        return np.exp(-p / x[0]) - t

    def jac(x):
        x1, x3 = x[0], x[2]
        d, p, lg = parts(x)
        e = np.exp(-p / x1)
        return _cols([e * p / (x1 * x1), e * x3 * p / (x1 * d), -e * p * lg / x1], m)

    def sec(x, w):
        # F = exp(g) - t with g = -p / x1: hess F = e (grad g grad g^T + hess g)
        x1, x3 = x[0], x[2]
        d, p, lg = parts(x)
        we = w * np.exp(-p / x1)
        g = [p / (x1 * x1), x3 * p / (x1 * d), -p * lg / x1]
        gg = {(0, 0): -2.0 * p / (x1 * x1 * x1),
              (0, 1): -x3 * p / (x1 * x1 * d),
              (0, 2): p * lg / (x1 * x1),
              (1, 1): -x3 * (x3 - 1.0) * p / (x1 * d * d),
              (1, 2): p * (1.0 + x3 * lg) / (x1 * d),
              (2, 2): -p * lg * lg / x1}
        return _sym(3, {(j, k): np.sum(we * (g[j] * g[k] + v)) for (j, k), v in gg.items()})

    return _problem(_p11, 11, "Gulf research and development", 3, m, [5.0, 2.5, 0.15],
                    0.0, [50.0, 25.0, 1.5], res, jac, sec)


# ----------------------------------------------------------------------- 12
def _p12():
    """Box three-dimensional function (n = 3, m = 10).

    F_i = exp(-t_i x_1) - exp(-t_i x_2) - x_3 (exp(-t_i) - exp(-10 t_i)),
    t_i = 0.1 i;  x0 = (0, 10, 20);  f* = 0 at (1, 10, 1), (10, 1, -1) and
    wherever x_1 = x_2, x_3 = 0.
    """
    m = 10
    t = 0.1 * np.arange(1.0, m + 1)
    c = np.exp(-t) - np.exp(-10.0 * t)

    def res(x):
        return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * c

    def jac(x):
        return _cols([-t * np.exp(-t * x[0]), t * np.exp(-t * x[1]), -c], m)

    def sec(x, w):
        return _sym(3, {(0, 0): np.sum(w * t * t * np.exp(-t * x[0])),
                        (1, 1): np.sum(-w * t * t * np.exp(-t * x[1]))})

    return _problem(_p12, 12, "Box three-dimensional", 3, m, [0.0, 10.0, 20.0], 0.0,
                    [1.0, 10.0, 1.0], res, jac, sec)


# --------------------------------------------- extended Powell singular (13, 22)
def _ext_powell(n):
    """Residuals, Jacobian and second derivatives of the extended Powell singular function."""
    eye = np.eye(n)
    ia, ib, ic, id_ = eye[0::4], eye[1::4], eye[2::4], eye[3::4]
    s5, s10 = np.sqrt(5.0), np.sqrt(10.0)
    vb = ib - 2.0 * ic          # rows of d(x_b - 2 x_c)
    va = ia - id_               # rows of d(x_a - x_d)

    def res(x):
        a, b, c, d = x[0::4], x[1::4], x[2::4], x[3::4]
        p, q = b - 2.0 * c, a - d
        return _interleave([a + 10.0 * b, s5 * (c - d), p * p, s10 * q * q], n)

    def jac(x):
        a, b, c, d = x[0::4], x[1::4], x[2::4], x[3::4]
        return _interleave([ia + 10.0 * ib, s5 * (ic - id_),
                            (2.0 * (b - 2.0 * c))[:, None] * vb,
                            (2.0 * s10 * (a - d))[:, None] * va], n)

    def sec(x, w):
        w3, w4 = w[2::4], w[3::4]
        return (2.0 * np.dot(np.transpose(vb), w3[:, None] * vb)
                + 2.0 * s10 * np.dot(np.transpose(va), w4[:, None] * va))

    return res, jac, sec


def _p13():
    """Powell singular function (n = 4, m = 4).

    F_1 = x_1 + 10 x_2,  F_2 = sqrt(5) (x_3 - x_4),  F_3 = (x_2 - 2 x_3)^2,
    F_4 = sqrt(10) (x_1 - x_4)^2;  x0 = (3, -1, 0, 1);  f* = 0 at the origin
    (where the Jacobian is singular).
    """
    return _problem(_p13, 13, "Powell singular", 4, 4, [3.0, -1.0, 0.0, 1.0], 0.0,
                    np.zeros(4), *_ext_powell(4))


# ----------------------------------------------------------------------- 14
def _p14():
    """Wood function (n = 4, m = 6).

    F_1 = 10 (x_2 - x_1^2),  F_2 = 1 - x_1,  F_3 = sqrt(90) (x_4 - x_3^2),
    F_4 = 1 - x_3,  F_5 = sqrt(10) (x_2 + x_4 - 2),
    F_6 = 10^{-1/2} (x_2 - x_4);  x0 = (-3, -1, -3, -1);  f* = 0 at (1, 1, 1, 1).
    """
    s90, s10 = np.sqrt(90.0), np.sqrt(10.0)

    def res(x):
        x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
        return _vec([10.0 * (x2 - x1 * x1), 1.0 - x1, s90 * (x4 - x3 * x3), 1.0 - x3,
                     s10 * (x2 + x4 - 2.0), (x2 - x4) / s10])

    def jac(x):
        x1, x3 = x[0], x[2]
        return _mat([[-20.0 * x1, 10.0, 0.0, 0.0],
                     [-1.0, 0.0, 0.0, 0.0],
                     [0.0, 0.0, -2.0 * s90 * x3, s90],
                     [0.0, 0.0, -1.0, 0.0],
                     [0.0, s10, 0.0, s10],
                     [0.0, 1.0 / s10, 0.0, -1.0 / s10]])

    def sec(x, w):
        return _sym(4, {(0, 0): -20.0 * w[0], (2, 2): -2.0 * s90 * w[2]})

    return _problem(_p14, 14, "Wood", 4, 6, [-3.0, -1.0, -3.0, -1.0], 0.0, np.ones(4),
                    res, jac, sec)


# ----------------------------------------------------------------------- 15
def _p15():
    """Kowalik and Osborne function (n = 4, m = 11).

    F_i = y_i - x_1 (u_i^2 + u_i x_2) / (u_i^2 + u_i x_3 + x_4), with the data
    y, u of the paper;  x0 = (0.25, 0.39, 0.415, 0.39);  f* = 3.07505e-4 (``xstar``
    computed here); f = 1.02734e-3 at (+inf, -14.07..., -inf, -inf).
    """
    y = np.array([0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342,
                  0.0323, 0.0235, 0.0246])
    u = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])
    m = 11

    def parts(x):
        return u * u + u * x[1], u * u + u * x[2] + x[3]

    def res(x):
        num, den = parts(x)
        return y - x[0] * num / den

    def jac(x):
        x1 = x[0]
        num, den = parts(x)
        den2 = den * den
        return _cols([-num / den, -x1 * u / den, x1 * num * u / den2,
                      x1 * num / den2], m)

    def sec(x, w):
        x1 = x[0]
        num, den = parts(x)
        den2 = den * den
        den3 = den2 * den
        return _sym(4, {(0, 1): np.sum(-w * u / den), (0, 2): np.sum(w * num * u / den2),
                        (0, 3): np.sum(w * num / den2),
                        (1, 2): np.sum(w * x1 * u * u / den2),
                        (1, 3): np.sum(w * x1 * u / den2),
                        (2, 2): np.sum(-2.0 * w * x1 * num * u * u / den3),
                        (2, 3): np.sum(-2.0 * w * x1 * num * u / den3),
                        (3, 3): np.sum(-2.0 * w * x1 * num / den3)})

    return _problem(_p15, 15, "Kowalik and Osborne", 4, m, [0.25, 0.39, 0.415, 0.39],
                    3.07505e-4,
                    [0.19280693478210909, 0.19128232417322785, 0.12305650606738754,
                     0.13606232857194658], res, jac, sec)


# ----------------------------------------------------------------------- 16
def _p16():
    """Brown and Dennis function (n = 4, m = 20).

    F_i = (x_1 + t_i x_2 - exp(t_i))^2 + (x_3 + x_4 sin(t_i) - cos(t_i))^2,
    t_i = i / 5;  x0 = (25, 5, -5, -1);  f* = 85822.2 (m = 20; ``xstar``
    computed here).
    """
    m = 20
    t = np.arange(1.0, m + 1) / 5.0
    st, ct, et = np.sin(t), np.cos(t), np.exp(t)

    def parts(x):
        return x[0] + t * x[1] - et, x[2] + x[3] * st - ct

    def res(x):
        a, b = parts(x)
        return a * a + b * b

    def jac(x):
        a, b = parts(x)
        return _cols([2.0 * a, 2.0 * a * t, 2.0 * b, 2.0 * b * st], m)

    def sec(x, w):
        sw = np.sum(w)
        wt = np.sum(w * t)
        ws = np.sum(w * st)
        return _sym(4, {(0, 0): 2.0 * sw, (0, 1): 2.0 * wt, (1, 1): 2.0 * np.sum(w * t * t),
                        (2, 2): 2.0 * sw, (2, 3): 2.0 * ws, (3, 3): 2.0 * np.sum(w * st * st)})

    return _problem(_p16, 16, "Brown and Dennis", 4, m, [25.0, 5.0, -5.0, -1.0], 85822.2,
                    [-11.594439904762185, 13.20363005120721, -0.4034394881768597,
                     0.23677877445573697], res, jac, sec)


# ----------------------------------------------------------------------- 17
def _p17():
    """Osborne 1 function (n = 5, m = 33).

    F_i = y_i - (x_1 + x_2 exp(-t_i x_4) + x_3 exp(-t_i x_5)),  t_i = 10 (i - 1),
    with the data y of the paper;  x0 = (0.5, 1.5, -1, 0.01, 0.02);
    f* = 5.46489e-5 (``xstar`` computed here).
    """
    y = np.array([0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784,
                  0.751, 0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522,
                  0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420,
                  0.414, 0.411, 0.406])
    m = 33
    t = 10.0 * np.arange(m)

    def res(x):
        return y - (x[0] + x[1] * np.exp(-t * x[3]) + x[2] * np.exp(-t * x[4]))

    def jac(x):
        e4, e5 = np.exp(-t * x[3]), np.exp(-t * x[4])
        return _cols([-1.0, -e4, -e5, t * x[1] * e4, t * x[2] * e5], m)

    def sec(x, w):
        w4, w5 = w * np.exp(-t * x[3]), w * np.exp(-t * x[4])
        return _sym(5, {(1, 3): np.sum(t * w4), (3, 3): np.sum(-t * t * x[1] * w4),
                        (2, 4): np.sum(t * w5), (4, 4): np.sum(-t * t * x[2] * w5)})

    return _problem(_p17, 17, "Osborne 1", 5, m, [0.5, 1.5, -1.0, 0.01, 0.02], 5.46489e-5,
                    [0.37541005210456857, 1.93584691243436, -1.4646871363336131,
                     0.012867534639493552, 0.022122699662797545], res, jac, sec)


# ----------------------------------------------------------------------- 18
def _p18():
    """Biggs EXP6 function (n = 6, m = 13).

    F_i = x_3 exp(-t_i x_1) - x_4 exp(-t_i x_2) + x_6 exp(-t_i x_5) - y_i,
    t_i = 0.1 i,  y_i = exp(-t_i) - 5 exp(-10 t_i) + 3 exp(-4 t_i);
    x0 = (1, 2, 1, 1, 1, 1);  f* = 0 at (1, 10, 1, 5, 4, 3) (the paper also
    reports f = 5.65565e-3 for m = 13, a local minimum).
    """
    m = 13
    t = 0.1 * np.arange(1.0, m + 1)
    y = np.exp(-t) - 5.0 * np.exp(-10.0 * t) + 3.0 * np.exp(-4.0 * t)

    def res(x):
        return (x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1])
                + x[5] * np.exp(-t * x[4]) - y)

    def jac(x):
        e1, e2, e5 = np.exp(-t * x[0]), np.exp(-t * x[1]), np.exp(-t * x[4])
        return _cols([-t * x[2] * e1, t * x[3] * e2, e1, -e2, -t * x[5] * e5, e5], m)

    def sec(x, w):
        w1, w2, w5 = w * np.exp(-t * x[0]), w * np.exp(-t * x[1]), w * np.exp(-t * x[4])
        return _sym(6, {(0, 0): np.sum(t * t * x[2] * w1), (0, 2): np.sum(-t * w1),
                        (1, 1): np.sum(-t * t * x[3] * w2), (1, 3): np.sum(t * w2),
                        (4, 4): np.sum(t * t * x[5] * w5), (4, 5): np.sum(-t * w5)})

    return _problem(_p18, 18, "Biggs EXP6", 6, m, [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], 0.0,
                    [1.0, 10.0, 1.0, 5.0, 4.0, 3.0], res, jac, sec)


# ----------------------------------------------------------------------- 19
def _p19():
    """Osborne 2 function (n = 11, m = 65).

    F_i = y_i - (x_1 exp(-t_i x_5) + x_2 exp(-(t_i - x_9)^2 x_6)
    + x_3 exp(-(t_i - x_10)^2 x_7) + x_4 exp(-(t_i - x_11)^2 x_8)),
    t_i = (i - 1) / 10, with the data y of the paper;
    x0 = (1.3, 0.65, 0.65, 0.7, 0.6, 3, 5, 7, 2, 4.5, 5.5);  f* = 4.01377e-2
    (``xstar`` computed here).
    """
    y = np.array([1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725,
                  0.746, 0.679, 0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724,
                  0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495,
                  0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429,
                  0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632,
                  0.591, 0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581,
                  0.428, 0.292, 0.162, 0.098, 0.054])
    m = 65
    t = np.arange(m) / 10.0
    # Gaussian terms k = 1, 2, 3: amplitude x[k], width x[4 + k], centre x[7 + k]

    def gauss(x, k):
        d = t - x[7 + k]
        return d, np.exp(-d * d * x[4 + k])

    def res(x):
        model = x[0] * np.exp(-t * x[4])
        for k in (1, 2, 3):
            model = model + x[k] * gauss(x, k)[1]
        return y - model

    def jac(x):
        e0 = np.exp(-t * x[4])
        cols = [-e0, None, None, None, t * x[0] * e0, None, None, None, None, None, None]
        for k in (1, 2, 3):
            a, b = x[k], x[4 + k]
            d, g = gauss(x, k)
            cols[k] = -g
            cols[4 + k] = a * d * d * g
            cols[7 + k] = -2.0 * a * b * d * g
        return _cols(cols, m)

    def sec(x, w):
        # second derivatives of the model, negated (F = y - model)
        w0 = w * np.exp(-t * x[4])
        ent = {(0, 4): np.sum(t * w0), (4, 4): np.sum(-t * t * x[0] * w0)}
        for k in (1, 2, 3):
            a, b = x[k], x[4 + k]
            d, g = gauss(x, k)
            wg = w * g
            d2 = d * d
            ent[(k, 4 + k)] = np.sum(d2 * wg)
            ent[(k, 7 + k)] = np.sum(-2.0 * b * d * wg)
            ent[(4 + k, 4 + k)] = np.sum(-a * d2 * d2 * wg)
            ent[(4 + k, 7 + k)] = np.sum(-a * (2.0 * d - 2.0 * b * d2 * d) * wg)
            ent[(7 + k, 7 + k)] = np.sum(-2.0 * a * b * (2.0 * b * d2 - 1.0) * wg)
        return _sym(11, ent)

    return _problem(_p19, 19, "Osborne 2", 11, m,
                    [1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5], 4.01377e-2,
                    [1.3099771546273007, 0.4315537946029889, 0.633661698960724,
                     0.5994305347859163, 0.7541832263280113, 0.9042885798596338,
                     1.365811835237028, 4.823698817227157, 2.3986848661317546,
                     4.568874597667672, 5.6753414705806415], res, jac, sec)


# ----------------------------------------------------------------------- 20
def _p20():
    """Watson function (n = 9, m = 31).

    F_i = sum_{j=2}^n (j - 1) x_j t_i^{j-2} - (sum_{j=1}^n x_j t_i^{j-1})^2 - 1,
    t_i = i / 29, 1 <= i <= 29;  F_30 = x_1,  F_31 = x_2 - x_1^2 - 1;
    x0 = 0;  f* = 1.39976e-6 for n = 9 (``xstar`` computed here).
    """
    n, m = 9, 31
    t = np.arange(1.0, 30.0) / 29.0
    p = t[:, None] ** np.arange(n)                                   # t^(j-1)
    q = np.concatenate([np.zeros((29, 1)), p[:, :-1] * np.arange(1.0, n)], axis=1)
    e0, e1 = np.eye(n)[0], np.eye(n)[1]

    def res(x):
        s = np.dot(p, x)
        x1, x2 = x[0], x[1]
        return np.concatenate([np.dot(q, x) - s * s - 1.0, _vec([x1, x2 - x1 * x1 - 1.0])])

    def jac(x):
        s = np.dot(p, x)
        return np.concatenate([q - (2.0 * s)[:, None] * p,
                               _vec([e0 + 0.0 * x[0], e1 - 2.0 * x[0] * e0])])

    def sec(x, w):
        return -2.0 * np.dot(np.transpose(p), w[:29, None] * p) - 2.0 * w[30] * np.outer(e0, e0)

    return _problem(_p20, 20, "Watson", n, m, np.zeros(n), 1.39976e-6,
                    [-1.5307036772703546e-05, 0.9997897039353284, 0.014763963540021836,
                     0.14634232980237336, 1.000821096601014, -2.617731126407899,
                     4.104403147660048, -3.1436122682559646, 1.0526264054673533],
                    res, jac, sec)


# ----------------------------------------------------------------------- 21
def _p21():
    """Extended Rosenbrock function (n = 10, m = n).

    F_{2i-1} = 10 (x_{2i} - x_{2i-1}^2),  F_{2i} = 1 - x_{2i-1};
    x0 = (-1.2, 1, ..., -1.2, 1);  f* = 0 at (1, ..., 1).
    """
    n = 10
    return _problem(_p21, 21, "Extended Rosenbrock", n, n, np.tile([-1.2, 1.0], n // 2),
                    0.0, np.ones(n), *_ext_rosenbrock(n))


def _p22():
    """Extended Powell singular function (n = 12, m = n).

    F_{4i-3} = x_{4i-3} + 10 x_{4i-2},  F_{4i-2} = sqrt(5) (x_{4i-1} - x_{4i}),
    F_{4i-1} = (x_{4i-2} - 2 x_{4i-1})^2,  F_{4i} = sqrt(10) (x_{4i-3} - x_{4i})^2;
    x0 = (3, -1, 0, 1, ...);  f* = 0 at the origin.
    """
    n = 12
    return _problem(_p22, 22, "Extended Powell singular", n, n,
                    np.tile([3.0, -1.0, 0.0, 1.0], n // 4), 0.0, np.zeros(n),
                    *_ext_powell(n))


# ----------------------------------------------------------------------- 23
def _p23():
    """Penalty function I (n = 10, m = n + 1).

    F_i = sqrt(a) (x_i - 1), 1 <= i <= n,  F_{n+1} = (sum_j x_j^2) - 1/4,
    a = 10^-5;  x0_j = j;  f* = 7.08765e-5 for n = 10 (``xstar`` computed here;
    all its components are equal).
    """
    n = 10
    sa = np.sqrt(1e-5)

    def res(x):
        return np.concatenate([sa * (x - 1.0), _vec([np.sum(x * x) - 0.25])])

    def jac(x):
        return np.concatenate([sa * np.eye(n) + 0.0 * x[:, None], (2.0 * x)[None, :]])

    def sec(x, w):
        return 2.0 * w[n] * np.eye(n)

    xs = 0.15812230111311637 * np.ones(n)
    return _problem(_p23, 23, "Penalty I", n, n + 1, np.arange(1.0, n + 1), 7.08765e-5,
                    xs, res, jac, sec)


# ----------------------------------------------------------------------- 24
def _p24():
    """Penalty function II (n = 10, m = 2n).

    F_1 = x_1 - 0.2;  F_i = sqrt(a) (exp(x_i/10) + exp(x_{i-1}/10) - y_i),
    2 <= i <= n;  F_i = sqrt(a) (exp(x_{i-n+1}/10) - exp(-1/10)), n < i < 2n;
    F_{2n} = (sum_j (n - j + 1) x_j^2) - 1;  a = 10^-5,
    y_i = exp(i/10) + exp((i-1)/10);  x0 = (1/2, ..., 1/2);
    f* = 2.93660e-4 for n = 10 (``xstar`` computed here).
    """
    n = 10
    sa = np.sqrt(1e-5)
    k = np.arange(2.0, n + 1)
    y = np.exp(k / 10.0) + np.exp((k - 1.0) / 10.0)
    c = n - np.arange(n)                                  # n - j + 1
    eye = np.eye(n)

    def res(x):
        e = np.exp(x / 10.0)
        return np.concatenate([x[:1] - 0.2, sa * (e[1:] + e[:-1] - y),
                               sa * (e[1:] - np.exp(-0.1)),
                               _vec([np.sum(c * x * x) - 1.0])])

    def jac(x):
        e = np.exp(x / 10.0) * (sa / 10.0)
        return np.concatenate([eye[:1] + 0.0 * x[0],
                               e[1:, None] * eye[1:] + e[:-1, None] * eye[:-1],
                               e[1:, None] * eye[1:],
                               (2.0 * c * x)[None, :]])

    def sec(x, w):
        e = np.exp(x / 10.0) * (sa / 100.0)
        w1, w2 = w[1:n], w[n:2 * n - 1]
        z = np.zeros(1)
        coef = (np.concatenate([z, w1]) + np.concatenate([w1, z])
                + np.concatenate([z, w2]))
        return _diag(e * coef + 2.0 * w[2 * n - 1] * c)

    return _problem(_p24, 24, "Penalty II", n, 2 * n, 0.5 * np.ones(n), 2.93660e-4,
                    [0.19998360519782363, 0.010350648471293274, 0.019604934480438495,
                     0.03208906722068577, 0.04993267739964148, 0.0765139951539939,
                     0.11862407286950467, 0.19214487233557784, 0.3473205869418443,
                     0.3691643741593521], res, jac, sec)


# ----------------------------------------------------------------------- 25
def _p25():
    """Variably dimensioned function (n = 10, m = n + 2).

    F_i = x_i - 1, 1 <= i <= n;  F_{n+1} = sum_j j (x_j - 1);
    F_{n+2} = (sum_j j (x_j - 1))^2;  x0_j = 1 - j/n;  f* = 0 at (1, ..., 1).
    """
    n = 10
    j = np.arange(1.0, n + 1)

    def res(x):
        s = np.sum(j * (x - 1.0))
        return np.concatenate([x - 1.0, _vec([s, s * s])])

    def jac(x):
        s = np.sum(j * (x - 1.0))
        return np.concatenate([np.eye(n) + 0.0 * s, j[None, :] + 0.0 * s,
                               (2.0 * s * j)[None, :]])

    def sec(x, w):
        return 2.0 * w[n + 1] * np.outer(j, j)

    return _problem(_p25, 25, "Variably dimensioned", n, n + 2, 1.0 - j / n, 0.0,
                    np.ones(n), res, jac, sec)


# ----------------------------------------------------------------------- 26
def _p26():
    """Trigonometric function (n = 10, m = n).

    F_i = n - sum_j cos x_j + i (1 - cos x_i) - sin x_i;  x0_j = 1/n;
    f* = 0 at x = 0 (and at its 2 pi shifts). Levenberg-Marquardt started
    from x0 stops at the local minimum f = 2.79506e-5.
    """
    n = 10
    i = np.arange(1.0, n + 1)

    def res(x):
        cx = np.cos(x)
        return n - np.sum(cx) + i * (1.0 - cx) - np.sin(x)

    def jac(x):
        sx, cx = np.sin(x), np.cos(x)
        return sx[None, :] + _diag(i * sx - cx)

    def sec(x, w):
        sx, cx = np.sin(x), np.cos(x)
        return _diag(np.sum(w) * cx + w * (i * cx + sx))

    return _problem(_p26, 26, "Trigonometric", n, n, np.full(n, 1.0 / n), 0.0,
                    np.zeros(n), res, jac, sec)


# ----------------------------------------------------------------------- 27
def _p27():
    """Brown almost-linear function (n = 10, m = n).

    F_i = x_i + sum_j x_j - (n + 1), 1 <= i < n;  F_n = (prod_j x_j) - 1;
    x0 = (1/2, ..., 1/2);  f* = 0 at (a, ..., a, a^{1-n}) with
    n a^n - (n + 1) a^{n-1} + 1 = 0, e.g. a = 1; f = 1 at (0, ..., 0, n + 1).
    """
    n = 10
    idx = np.arange(n)
    eye = np.eye(n)
    ones = np.ones((n - 1, n))

    def res(x):
        return np.concatenate([x[:-1] + np.sum(x) - (n + 1.0), _vec([np.prod(x) - 1.0])])

    def jac(x):
        last = _vec([np.prod(x[idx != j]) for j in range(n)])
        return np.concatenate([eye[:-1] + ones + 0.0 * x[0], last[None, :]])

    def sec(x, w):
        ent = {(j, k): w[n - 1] * np.prod(x[(idx != j) & (idx != k)])
               for j in range(n) for k in range(j + 1, n)}
        return _sym(n, ent)

    return _problem(_p27, 27, "Brown almost-linear", n, n, np.full(n, 0.5), 0.0,
                    np.ones(n), res, jac, sec)


# ----------------------------------------------------------------------- 28
def _p28():
    """Discrete boundary value function (n = 10, m = n).

    F_i = 2 x_i - x_{i-1} - x_{i+1} + h^2 (x_i + t_i + 1)^3 / 2,  h = 1/(n+1),
    t_i = i h,  x_0 = x_{n+1} = 0;  x0_j = t_j (t_j - 1);  f* = 0 (``xstar``
    computed here).
    """
    n = 10
    h = 1.0 / (n + 1)
    t = h * np.arange(1.0, n + 1)
    z = np.zeros(1)
    band = np.eye(n, k=1) + np.eye(n, k=-1)

    def res(x):
        c = x + t + 1.0
        return (2.0 * x - np.concatenate([z, x[:-1]]) - np.concatenate([x[1:], z])
                + 0.5 * h * h * c * c * c)

    def jac(x):
        c = x + t + 1.0
        return _diag(2.0 + 1.5 * h * h * c * c) - band

    def sec(x, w):
        return _diag(3.0 * h * h * w * (x + t + 1.0))

    return _problem(_p28, 28, "Discrete boundary value", n, n, t * (t - 1.0), 0.0,
                    [-0.04316498251876489, -0.08157715653538693, -0.11448571438052935,
                     -0.14097357686259673, -0.15990869618198317, -0.16987720231277495,
                     -0.1690899837812084, -0.15524953522183185, -0.12535589167893502,
                     -0.0754165336858921], res, jac, sec)


# ----------------------------------------------------------------------- 29
def _p29():
    """Discrete integral equation function (n = 10, m = n).

    F_i = x_i + h [(1 - t_i) sum_{j<=i} t_j (x_j + t_j + 1)^3
    + t_i sum_{j>i} (1 - t_j) (x_j + t_j + 1)^3] / 2,  h = 1/(n+1),  t_i = i h;
    x0_j = t_j (t_j - 1);  f* = 0 (``xstar`` computed here).
    """
    n = 10
    h = 1.0 / (n + 1)
    t = h * np.arange(1.0, n + 1)
    lower = np.arange(n)[:, None] >= np.arange(n)[None, :]           # j <= i
    kern = 0.5 * h * np.where(lower, (1.0 - t)[:, None] * t[None, :],
                              t[:, None] * (1.0 - t)[None, :])

    def res(x):
        c = x + t + 1.0
        return x + np.dot(kern, c * c * c)

    def jac(x):
        c = x + t + 1.0
        return np.eye(n) + kern * (3.0 * c * c)[None, :]

    def sec(x, w):
        return _diag(6.0 * np.dot(w, kern) * (x + t + 1.0))

    return _problem(_p29, 29, "Discrete integral equation", n, n, t * (t - 1.0), 0.0,
                    [-0.04316498251876487, -0.08157715653538689, -0.11448571438052926,
                     -0.14097357686259668, -0.15990869618198314, -0.16987720231277492,
                     -0.16908998378120835, -0.15524953522183182, -0.12535589167893496,
                     -0.07541653368589202], res, jac, sec)


# ----------------------------------------------------------------------- 30
def _p30():
    """Broyden tridiagonal function (n = 10, m = n).

    F_i = (3 - 2 x_i) x_i - x_{i-1} - 2 x_{i+1} + 1,  x_0 = x_{n+1} = 0;
    x0 = (-1, ..., -1);  f* = 0 (``xstar`` computed here).
    """
    n = 10
    z = np.zeros(1)
    off = np.eye(n, k=-1) + 2.0 * np.eye(n, k=1)

    def res(x):
        return ((3.0 - 2.0 * x) * x - np.concatenate([z, x[:-1]])
                - 2.0 * np.concatenate([x[1:], z]) + 1.0)

    def jac(x):
        return _diag(3.0 - 4.0 * x) - off

    def sec(x, w):
        return _diag(-4.0 * w)

    return _problem(_p30, 30, "Broyden tridiagonal", n, n, -np.ones(n), 0.0,
                    [-0.5707221320112248, -0.6818069499842752, -0.7022100760176601,
                     -0.7055106298950804, -0.7049061557287437, -0.7014966070298512,
                     -0.6918893223547983, -0.6657965144058536, -0.5960351090263657,
                     -0.4164122575286934], res, jac, sec)


# ----------------------------------------------------------------------- 31
def _p31():
    """Broyden banded function (n = 10, m = n).

    F_i = x_i (2 + 5 x_i^2) + 1 - sum_{j in J_i} x_j (1 + x_j),
    J_i = {j != i : max(1, i - 5) <= j <= min(n, i + 1)};  x0 = (-1, ..., -1);
    f* = 0 (``xstar`` computed here).
    """
    n = 10
    r = np.arange(n)[:, None]
    c = np.arange(n)[None, :]
    band = ((c != r) & (c >= r - 5) & (c <= r + 1)).astype(float)

    def res(x):
        return x * (2.0 + 5.0 * x * x) + 1.0 - np.dot(band, x * (1.0 + x))

    def jac(x):
        return _diag(2.0 + 15.0 * x * x) - band * (1.0 + 2.0 * x)[None, :]

    def sec(x, w):
        return _diag(30.0 * w * x - 2.0 * np.dot(w, band))

    return _problem(_p31, 31, "Broyden banded", n, n, -np.ones(n), 0.0,
                    [-0.4283028635872503, -0.47659642435629024, -0.5196524636468617,
                     -0.5580993248321809, -0.5925061568294574, -0.624503682199468,
                     -0.6232394714405911, -0.6213938417965735, -0.6204535966590874,
                     -0.586469270720435], res, jac, sec)


# -------------------------------------------------------- linear functions 32-34
def _linear(a, b):
    """Residuals ``A x - b`` with their (constant) Jacobian."""
    n = a.shape[1]

    def res(x):
        return np.dot(a, x) - b

    def jac(x):
        return a.copy()

    def sec(x, w):
        return np.zeros((n, n))

    return res, jac, sec


def _p32():
    """Linear function - full rank (n = 10, m = 20).

    F_i = x_i - (2/m) sum_j x_j - 1, 1 <= i <= n;  F_i = -(2/m) sum_j x_j - 1,
    n < i <= m;  x0 = (1, ..., 1);  f* = m - n at (-1, ..., -1).
    """
    n, m = 10, 20
    a = np.concatenate([np.eye(n), np.zeros((m - n, n))]) - 2.0 / m
    return _problem(_p32, 32, "Linear function - full rank", n, m, np.ones(n),
                    float(m - n), -np.ones(n), *_linear(a, np.ones(m)))


def _p33():
    """Linear function - rank 1 (n = 10, m = 20).

    F_i = i (sum_j j x_j) - 1;  x0 = (1, ..., 1);  f* = m (m - 1) / (2 (2m + 1))
    at any x with sum_j j x_j = 3 / (2m + 1).
    """
    n, m = 10, 20
    j = np.arange(1.0, n + 1)
    a = np.outer(np.arange(1.0, m + 1), j)
    xs = np.full(n, 3.0 / (2 * m + 1) / np.sum(j))
    return _problem(_p33, 33, "Linear function - rank 1", n, m, np.ones(n),
                    m * (m - 1) / (2.0 * (2 * m + 1)), xs, *_linear(a, np.ones(m)))


def _p34():
    """Linear function - rank 1 with zero columns and rows (n = 10, m = 20).

    F_1 = -1,  F_i = (i - 1) (sum_{j=2}^{n-1} j x_j) - 1, 2 <= i <= m - 1,
    F_m = -1;  x0 = (1, ..., 1);  f* = (m^2 + 3m - 6) / (2 (2m - 3)) at any x
    with sum_{j=2}^{n-1} j x_j = 3 / (2m - 3).
    """
    n, m = 10, 20
    j = np.arange(1.0, n + 1)
    j[0] = j[-1] = 0.0
    coef = np.concatenate([[0.0], np.arange(1.0, m - 1), [0.0]])     # i - 1, zero rows
    a = np.outer(coef, j)
    xs = np.full(n, 3.0 / (2 * m - 3) / np.sum(j))
    return _problem(_p34, 34, "Linear function - rank 1 with zero columns and rows", n, m,
                    np.ones(n), (m * m + 3 * m - 6) / (2.0 * (2 * m - 3)), xs,
                    *_linear(a, np.ones(m)))


# ----------------------------------------------------------------------- 35
def _p35():
    """Chebyquad function (n = 8, m = 8).

    F_i = (1/n) sum_j T_i(x_j) - int_0^1 T_i(s) ds,  T_i the Chebyshev
    polynomial shifted to [0, 1] (T_0 = 1, T_1 = 2s - 1,
    T_{k+1} = 2 (2s - 1) T_k - T_{k-1});  the integral is 0 for odd i and
    -1 / (i^2 - 1) for even i;  x0_j = j / (n + 1);  f* = 3.51687e-3 for
    m = n = 8 (``xstar`` computed here: symmetric about 1/2, with
    x_4 = x_5 = 1/2).
    """
    n, m = 8, 8
    i = np.arange(1, m + 1)
    integral = np.array([0.0 if k % 2 else -1.0 / (k * k - 1.0) for k in i])

    def cheb(x, order):
        """T_k(x_j) and its first ``order`` derivatives for k = 1..m (shape (m, n))."""
        s = 2.0 * x - 1.0
        zero = np.zeros(n)
        t = [np.ones(n), s]
        dt = [zero, 2.0 + zero]
        d2t = [zero, zero]
        for _ in range(1, m):
            t.append(2.0 * s * t[-1] - t[-2])
            if order >= 1:
                dt.append(4.0 * t[-2] + 2.0 * s * dt[-1] - dt[-2])
            if order >= 2:
                d2t.append(8.0 * dt[-2] + 2.0 * s * d2t[-1] - d2t[-2])
        return [np.stack(v[1:]) for v in (t, dt, d2t)[:order + 1]]

    def res(x):
        (t,) = cheb(x, 0)
        return np.sum(t, axis=1) / n - integral

    def jac(x):
        return cheb(x, 1)[1] / n

    def sec(x, w):
        return _diag(np.dot(w, cheb(x, 2)[2]) / n)

    return _problem(_p35, 35, "Chebyquad", n, m, np.arange(1.0, n + 1) / (n + 1),
                    3.51687e-3,
                    [0.04315276015101662, 0.19309084038418614, 0.26632870689027294, 0.5, 0.5,
                     0.7336712931097271, 0.8069091596158139, 0.9568472398489833],
                    res, jac, sec)


# ----------------------------------------------------------------- registry
_BUILDERS = [_p01, _p02, _p03, _p04, _p05, _p06, _p07, _p08, _p09, _p10, _p11, _p12,
             _p13, _p14, _p15, _p16, _p17, _p18, _p19, _p20, _p21, _p22, _p23, _p24,
             _p25, _p26, _p27, _p28, _p29, _p30, _p31, _p32, _p33, _p34, _p35]

#: The 35 problems of the paper in number order (``PROBLEMS[k - 1].number == k``).
PROBLEMS = [b() for b in _BUILDERS]


def _key(name):
    return "".join(ch for ch in name.lower() if ch.isalnum())


_BY_NAME = {_key(p.name): p for p in PROBLEMS}


def get(number_or_name):
    """A problem by its number in the paper (1 to 35) or by name (case, spaces and
    punctuation ignored: ``"box three-dimensional"``, ``"BoxThreeDimensional"``)."""
    if isinstance(number_or_name, (int, np.integer)) and not isinstance(number_or_name, bool):
        if 1 <= number_or_name <= len(PROBLEMS):
            return PROBLEMS[int(number_or_name) - 1]
        raise KeyError(f"no Moré-Garbow-Hillstrom problem number {number_or_name} (1 to 35)")
    if isinstance(number_or_name, str):
        p = _BY_NAME.get(_key(number_or_name))
        if p is not None:
            return p
        raise KeyError(f"no Moré-Garbow-Hillstrom problem named {number_or_name!r}; "
                       f"names: {[p.name for p in PROBLEMS]}")
    raise TypeError("get() takes a problem number or name")
