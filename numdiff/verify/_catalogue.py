"""Test functions with analytic derivatives, grouped by signature.

Each entry is ``(name, f, derivative, points)``: ``f`` is written with numpy
so it works on scalars and arrays. The points include the places where the
usual step rules fail (large arguments of periodic functions, arguments
close to a singularity).
"""
import numpy as np

__all__ = ["SCALAR", "SCALAR_SECOND", "VECTOR_SCALAR", "VECTOR_VECTOR"]


# ------------------------------------------------------------ scalar -> scalar
SCALAR = [
    ("sin", np.sin, np.cos, [0.5, 3.0, 1e4]),
    ("cos", np.cos, lambda x: -np.sin(x), [0.7, 2.0, 1e3]),
    ("exp", np.exp, np.exp, [-3.0, 0.0, 1.0, 20.0]),
    ("log", np.log, lambda x: 1.0 / x, [1e-3, 0.5, 7.0]),
    ("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x), [1e-2, 1.0, 50.0]),
    ("cube", lambda x: x ** 3, lambda x: 3.0 * x ** 2, [-2.0, 0.3, 10.0]),
    ("reciprocal", lambda x: 1.0 / x, lambda x: -1.0 / x ** 2, [-0.5, 0.05, 3.0]),
    ("arctan", np.arctan, lambda x: 1.0 / (1.0 + x * x), [-1.0, 0.5, 5.0]),
    ("tanh", np.tanh, lambda x: 1.0 / np.cosh(x) ** 2, [-2.0, 0.2, 1.5]),
    ("gauss", lambda x: np.exp(-x * x), lambda x: -2.0 * x * np.exp(-x * x),
     [-1.0, 0.4, 2.0]),
    ("x log x", lambda x: x * np.log(x), lambda x: np.log(x) + 1.0, [0.01, 2.0, 30.0]),
    ("runge", lambda x: 1.0 / (1.0 + 25.0 * x * x),
     lambda x: -50.0 * x / (1.0 + 25.0 * x * x) ** 2, [-0.6, 0.3, 1.0]),
    ("exp sin", lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)),
     [0.0, 1.2, 4.0]),
    ("log1p x^2", lambda x: np.log1p(x * x), lambda x: 2.0 * x / (1.0 + x * x),
     [-3.0, 0.5, 40.0]),
]

# second derivatives: (name, f, f'', points)
SCALAR_SECOND = [
    ("sin''", np.sin, lambda x: -np.sin(x), [0.5, 3.0]),
    ("exp''", np.exp, np.exp, [-1.0, 0.0, 2.0]),
    ("log''", np.log, lambda x: -1.0 / x ** 2, [0.1, 2.0]),
    ("arctan''", np.arctan, lambda x: -2.0 * x / (1.0 + x * x) ** 2, [-1.0, 0.5]),
    ("gauss''", lambda x: np.exp(-x * x), lambda x: (4 * x * x - 2) * np.exp(-x * x),
     [0.3, 1.5]),
]


# ------------------------------------------------------------ vector -> scalar
def _rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def _logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def _logsumexp_grad(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _trig(x):
    n = x.size
    i = np.arange(1, n + 1)
    r = n - np.sum(np.cos(x)) + i * (1 - np.cos(x)) - np.sin(x)
    return np.sum(r ** 2)


def _trig_grad(x):
    n = x.size
    i = np.arange(1, n + 1)
    r = n - np.sum(np.cos(x)) + i * (1 - np.cos(x)) - np.sin(x)
    # d r_k / d x_j = sin(x_j) + delta_kj (k sin x_k - cos x_k)
    return 2.0 * (np.sum(r) * np.sin(x) + r * (i * np.sin(x) - np.cos(x)))


def _beale(x):
    a, b = x[0], x[1]
    return ((1.5 - a + a * b) ** 2 + (2.25 - a + a * b * b) ** 2
            + (2.625 - a + a * b ** 3) ** 2)


def _beale_grad(x):
    a, b = x[0], x[1]
    t1, t2, t3 = 1.5 - a + a * b, 2.25 - a + a * b * b, 2.625 - a + a * b ** 3
    return np.array([2 * t1 * (b - 1) + 2 * t2 * (b * b - 1) + 2 * t3 * (b ** 3 - 1),
                     2 * t1 * a + 2 * t2 * 2 * a * b + 2 * t3 * 3 * a * b * b])


def _quad(x):
    d = np.arange(1.0, x.size + 1)
    return 0.5 * np.sum(d * x * x)


_rng = np.random.default_rng(20261122)
VECTOR_SCALAR = [
    ("rosenbrock n=2", _rosen, _rosen_grad, [np.array([-1.2, 1.0]), np.array([0.5, 2.0])]),
    ("rosenbrock n=10", _rosen, _rosen_grad, [np.linspace(-1.0, 1.5, 10)]),
    ("beale", _beale, _beale_grad, [np.array([1.0, 1.0]), np.array([3.0, 0.5])]),
    ("log-sum-exp n=20", _logsumexp, _logsumexp_grad, [_rng.normal(size=20)]),
    ("trigonometric n=10", _trig, _trig_grad, [np.full(10, 0.1), _rng.uniform(0, 1, 10)]),
    ("diagonal quadratic n=50", _quad, lambda x: np.arange(1.0, x.size + 1) * x,
     [_rng.normal(size=50)]),
]


# ------------------------------------------------------------ vector -> vector
def _broyden_tridiag(x):
    y = (3.0 - 2.0 * x) * x + 1.0
    y[1:] -= x[:-1]
    y[:-1] -= 2.0 * x[1:]
    return y


def _broyden_tridiag_jac(x):
    n = x.size
    J = np.diag(3.0 - 4.0 * x)
    J[np.arange(1, n), np.arange(n - 1)] = -1.0
    J[np.arange(n - 1), np.arange(1, n)] = -2.0
    return J


def _polar(x):
    r, t = x[0], x[1]
    return np.array([r * np.cos(t), r * np.sin(t), r * r])


def _polar_jac(x):
    r, t = x[0], x[1]
    return np.array([[np.cos(t), -r * np.sin(t)], [np.sin(t), r * np.cos(t)],
                     [2 * r, 0.0]])


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _softmax_jac(x):
    s = _softmax(x)
    return np.diag(s) - np.outer(s, s)


def _kinetics(x):
    a, b, c = x
    return np.array([-0.04 * a + 1e4 * b * c, 0.04 * a - 1e4 * b * c - 3e7 * b * b,
                     3e7 * b * b])


def _kinetics_jac(x):
    a, b, c = x
    return np.array([[-0.04, 1e4 * c, 1e4 * b],
                     [0.04, -1e4 * c - 6e7 * b, -1e4 * b],
                     [0.0, 6e7 * b, 0.0]])


VECTOR_VECTOR = [
    ("broyden tridiagonal n=20", _broyden_tridiag, _broyden_tridiag_jac,
     [np.full(20, -1.0), _rng.uniform(-1, 1, 20)]),
    ("polar to cartesian", _polar, _polar_jac, [np.array([2.0, 0.7]), np.array([0.5, 3.0])]),
    ("softmax n=8", _softmax, _softmax_jac, [_rng.normal(size=8)]),
    ("robertson kinetics", _kinetics, _kinetics_jac, [np.array([1.0, 3e-5, 0.2])]),
]
