"""``method="dual"``: derivatives by running ``f`` on dual numbers.

Each call seeds the input with a fresh tag (see ``_array.py``), so the
functions nest: the derivative of a function that itself calls
``derivative(..., method="dual")`` is correct, and second derivatives are
derivatives of first derivatives (nested duals), exact to rounding.
"""
import math

import numpy as np

from .. import _validate as V
from .._info import DiffInfo
from ._array import DUALS, _index, _make, new_tag
from ._core import one_pass as _one_pass
from ._core import peak as _peak
from ._core import peak_reset as _peak_reset
from ._scalar import Dual as CDual
from ._scalar import first_partial as _first_partial
from ._scalar import seed as _seed_scalar

__all__ = ["derivative", "gradient", "jacobian", "jvp", "hessian", "hessian_diag", "hvp",
           "default_chunk"]

#: Target size (elements) of the largest partials array of one pass: 128 KiB
#: of float64. Each operation of a pass makes a fresh partials array; below
#: this size they stay in cache and come from the heap instead of fresh
#: memory mappings (page faults). Measured on extended Rosenbrock: n = 200
#: 196 us against 547 us in one pass, n = 1000 5-7 ms against 11-13 ms.
CHUNK_ELEMENTS = 1 << 14


def default_chunk(n):
    """Directions of the first pass: all ``n`` while ``n * n`` stays small."""
    return int(max(1, min(n, max(8, CHUNK_ELEMENTS // max(n, 1)))))


def _next_chunk(n, k):
    """Directions per pass after a first pass of ``k``, from its largest array.

    The largest partials array the compiled dispatch made during that pass
    (``_core.peak``) gives the elements per direction of ``f``'s biggest
    intermediate (a network's hidden layer can be many times the size of
    its input); the chunk keeps it near ``CHUNK_ELEMENTS``. A nested
    differentiation inside ``f`` resets the measure; that only changes the
    chunk size, never the result.
    """
    per_direction = _peak() / max(k, 1)
    if per_direction <= 0:
        return k
    return int(min(n, max(8, CHUNK_ELEMENTS // per_direction)))


def _point(x):
    """``x`` as float64/float32 array, or a dual of an outer differentiation."""
    if isinstance(x, DUALS):
        return x
    return V.as_point(x, "x")


def _check(f, args, kwargs):
    V.check_callable(f, "f")
    return V.check_args(args, kwargs)


def _shape(x):
    return tuple(x.shape)


def _dtype(x):
    while isinstance(x, DUALS):
        x = x.value
    return np.asarray(x).dtype


def _direction(v):
    try:
        vv = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("v must be an array of real numbers with x's shape") from None
    if not np.all(np.isfinite(vv)):
        raise ValueError("v must be finite")
    return vv


def _partials_of(y, tag, shape, k, dtype):
    """The partials of ``f``'s result for this tag (zeros if f ignored x)."""
    if isinstance(y, DUALS) and y.tag == tag:
        p = y.partials
        if tuple(p.shape[:-1]) != tuple(shape):
            p = p.reshape(tuple(shape) + (k,))
        return p
    if isinstance(y, DUALS) and y.tag > tag:
        raise RuntimeError("f returned a dual of a differentiation that has ended "
                           "(a tag leaked out of an inner call)")
    return np.zeros(tuple(shape) + (k,), dtype=dtype)


def _out_shape(y, name="f"):
    if isinstance(y, DUALS):
        return y.shape
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must return numbers or dual numbers") from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must return real numbers; it returned dtype {arr.dtype}")
    return arr.shape


def _info(value, nfev, order):
    err = 16.0 * np.finfo(np.float64).eps * np.abs(_plain(value))
    return DiffInfo(error=err[()] if np.ndim(err) == 0 else err, nfev=nfev, step=0.0,
                    method="dual", order=order, success=bool(np.all(np.isfinite(err))),
                    message="derivative computed (dual numbers, exact to rounding)",
                    stencil="dual")


def _last(p):
    """``p[..., 0]``: the single partial of a one-direction seed."""
    return _index(p, (Ellipsis, 0)) if isinstance(p, DUALS) else p[..., 0]


def _plain(a):
    while isinstance(a, DUALS):
        a = a.value
    return np.asarray(a, dtype=np.float64)


def _finish(a):
    if isinstance(a, DUALS):
        return a
    a = np.asarray(a)
    return a[()] if a.ndim == 0 else a


def derivative(f, x, n=1, args=(), kwargs=None, full_output=False, order=2):
    """Elementwise ``f^(n)(x)`` with nested duals (``n`` levels)."""
    args, kwargs = _check(f, args, kwargs)
    n = V.check_int(n, "n", 1, 8)
    if n == 1 and type(x) is float and math.isfinite(x):
        # a Python float: one compiled dual, no arrays
        tag = new_tag()
        y = f(_seed_scalar(x, tag), *args, **kwargs)
        d = _first_partial(y, tag)
        if d is not None:
            out = np.float64(d)
            return (out, _info(out, 1, order)) if full_output else out
        # anything else (a constant, an array, an error) the general path explains
        return derivative(f, np.float64(x), n, args, kwargs, full_output, order)
    x = _point(x)

    def first(g, t):
        tag = new_tag()
        if type(t) is np.ndarray and t.ndim == 0 and t.dtype == np.float64:
            # a float at the outermost level: the compiled scalar
            td = CDual(float(t), np.ones(1), tag)
        else:
            td = _make(t, np.ones(_shape(t) + (1,), dtype=_dtype(t)), tag)
        y = g(td)
        shp = _out_shape(y)
        if shp != _shape(t):
            raise ValueError(f"f must be elementwise: for x of shape {_shape(t)} it must "
                             f"return that shape; it returned {shp}")
        return _last(_partials_of(y, tag, shp, 1, _dtype(t)))

    def level(k):
        if k == 1:
            return lambda t: first(lambda u: f(u, *args, **kwargs), t)
        inner = level(k - 1)
        return lambda t: first(inner, t)

    d = level(n)(x)
    out = _finish(d)
    if not full_output:
        return out
    return out, _info(d, 1, order)


def _seed(x, cols, N, tag):
    """Dual input with partials ``e_i`` for the variables ``cols``."""
    k = len(cols)
    P = np.zeros((N, k), dtype=_dtype(x))
    P[cols, np.arange(k)] = 1.0
    return _make(x, P.reshape(_shape(x) + (k,)), tag)


def _jac_chunks(f, x, args, kwargs, chunk_size, scalar_out):
    N = math.prod(_shape(x))
    chunk = default_chunk(N) if chunk_size is None else V.check_int(
        chunk_size, "chunk_size", 1)
    if chunk >= N and type(x) is np.ndarray:
        # one pass seeded with the identity, compiled; other results fall through
        tag = new_tag()
        J, y = _one_pass(f, x, args, kwargs, tag)
        if J is not None:
            # y is the output's shape; a scalar f may return a size-1 array
            if scalar_out:
                _scalar_shape(y)
                return J.reshape(N), (), 1, N
            return J, y, 1, N
        shp, J = _chunk_partials(y, tag, N, scalar_out, _dtype(x))
        return J, shp, 1, N
    blocks, out_shape, dtype = [], None, _dtype(x)
    adapt = chunk_size is None
    c0 = 0
    while c0 < N:
        if adapt:
            _peak_reset()
        tag = new_tag()
        k = min(N, c0 + chunk) - c0
        if k == N:
            xd = _make(x, np.eye(N, dtype=dtype).reshape(_shape(x) + (N,)), tag)
        else:
            xd = _seed(x, np.arange(c0, c0 + k), N, tag)
        shp, p = _chunk_partials(f(xd, *args, **kwargs), tag, k, scalar_out, dtype)
        if out_shape is None:
            out_shape = shp
        elif shp != out_shape:
            raise ValueError(f"f returned shape {shp} in one chunk and {out_shape} in "
                             "another")
        blocks.append(p)
        c0 += k
        if adapt:
            # size the remaining passes from the first one's largest array
            chunk, adapt = _next_chunk(N, k), False
    J = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=-1)
    return J, out_shape, len(blocks), N


def _chunk_partials(y, tag, k, scalar_out, dtype):
    """The output shape of one evaluation and its partials for ``tag``."""
    shp = _out_shape(y)
    if scalar_out:
        shp = _scalar_shape(shp)
    return shp, _partials_of(y, tag, shp, k, dtype)


def _scalar_shape(shp):
    """``()`` for the output shape of a scalar ``f``; raises for any other."""
    if math.prod(shp) != 1:
        raise ValueError("f must return a scalar (a float, a 0-d array or a "
                         f"size-1 array); it returned shape {shp}")
    return ()


def gradient(f, x, args=(), kwargs=None, full_output=False, chunk_size=None, order=2):
    """Gradient of a scalar ``f``: ``ceil(n / chunk_size)`` evaluations."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)
    J, _, evals, N = _jac_chunks(f, x, args, kwargs, chunk_size, True)
    g = J.reshape(_shape(x))
    out = _finish(g)
    return (out, _info(g, evals, order)) if full_output else out


def jacobian(f, x, args=(), kwargs=None, full_output=False, chunk_size=None, order=2):
    """Jacobian, shape ``M + x.shape``."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)
    J, out_shape, evals, N = _jac_chunks(f, x, args, kwargs, chunk_size, False)
    J = J.reshape(tuple(out_shape) + _shape(x))
    out = _finish(J)
    return (out, _info(J, evals, order)) if full_output else out


def jvp(f, x, v, args=(), kwargs=None, full_output=False, order=2):
    """``J(x) @ v`` in one evaluation."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)
    vv = v if isinstance(v, DUALS) else _direction(v)
    if _shape(vv) != _shape(x):
        raise ValueError(f"v must have x's shape {_shape(x)}; got shape {_shape(vv)}")
    tag = new_tag()
    # a copy: f may write into its argument, whose partials these become
    P = _index(vv, (Ellipsis, None)) if isinstance(vv, DUALS) else vv.reshape(
        _shape(x) + (1,)).copy()
    y = f(_make(x, P, tag), *args, **kwargs)
    shp = _out_shape(y)
    d = _last(_partials_of(y, tag, shp, 1, _dtype(x)))
    out = _finish(d)
    return (out, _info(d, 1, order)) if full_output else out


def _symmetric(H, n):
    """Exactly symmetric: the mean of H and its transpose (no-op for duals' H)."""
    if isinstance(H, DUALS):
        return H
    M = H.reshape(n, n)
    return ((M + M.T) * 0.5).reshape(H.shape)


def hessian(f, x, args=(), kwargs=None, full_output=False, chunk_size=None, order=2):
    """Exact Hessian by forward-over-forward (nested) duals."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)

    calls = [0]

    def counted(*a, **k):
        calls[0] += 1
        return f(*a, **k)
    if chunk_size is None:
        # nested partials hold N * chunk**2 numbers per array: keep that near
        # 1.5 times the first-order target (measured in fresh processes on
        # extended Rosenbrock at n = 100: chunk 16, 12-16 ms; 18 and more,
        # 27-35 ms; one pass, 15-28 ms)
        N = math.prod(_shape(x))
        chunk_size = int(min(N, max(8, math.isqrt(3 * CHUNK_ELEMENTS // (2 * max(N, 1))))))

    def grad(v):
        return gradient(counted, v, args, kwargs, False, chunk_size)
    H = jacobian(grad, x, chunk_size=chunk_size)
    H = _symmetric(H, math.prod(_shape(x)))
    out = _finish(H)
    return (out, _info(H, calls[0], order)) if full_output else out


def hessian_diag(f, x, args=(), kwargs=None, full_output=False, order=2):
    """Diagonal of the Hessian: a second derivative along each variable."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)
    N = math.prod(_shape(x))
    flat = x.reshape(-1) if _shape(x) else x.reshape(1)
    diag = []
    for i in range(N):
        e = np.zeros(N)
        e[i] = 1.0

        def along(t, e=e):
            return f((flat + t * e).reshape(_shape(x)), *args, **kwargs)
        diag.append(derivative(along, 0.0, n=2))
    d = np.stack(diag) if any(isinstance(v, DUALS) for v in diag) else np.array(diag)
    d = d.reshape(_shape(x))
    out = _finish(d)
    return (out, _info(d, N, order)) if full_output else out


def hvp(f, x, v, args=(), kwargs=None, full_output=False, chunk_size=None, order=2):
    """``H(x) @ v``: the directional derivative of the gradient along ``v``."""
    args, kwargs = _check(f, args, kwargs)
    x = _point(x)
    vv = v if isinstance(v, DUALS) else _direction(v)
    if _shape(vv) != _shape(x):
        raise ValueError(f"v must have x's shape {_shape(x)}; got shape {_shape(vv)}")

    calls = [0]

    def counted(*a, **k):
        calls[0] += 1
        return f(*a, **k)

    def grad(u):
        return gradient(counted, u, args, kwargs, False, chunk_size)
    d = jvp(grad, x, vv)
    out = _finish(d)
    return (out, _info(d, calls[0], order)) if full_output else out
