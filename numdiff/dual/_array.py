"""``DualArray``: numpy-backed forward-mode dual numbers.

A ``DualArray`` holds a value array of shape ``S`` and a partials array of
shape ``S + (k,)``: the derivatives of every element along ``k`` seed
directions. It implements ``__array_ufunc__`` (ufuncs, through the rule
table of ``_rules.py``) and ``__array_function__`` (the common array
functions), so plain numpy code runs on it unchanged.

Tags against perturbation confusion (Siskind & Pearlmutter 2005): every
differentiation makes a new, larger tag. In an operation the inputs with
the largest tag are the active duals; inputs with smaller tags are
constants at that level (their values may themselves be duals), so nested
derivatives never mix their perturbations.

A derivative is never dropped silently: ``float()``, ``int()``,
``__index__`` and ``np.asarray`` raise ``TypeError``.
"""
import itertools

import numpy as np

from ._rules import BINARY, COMPARISONS, INF_PRONE, UNARY
from ._scalar import Dual as CDual
from ._scalar import _LOST as _LOST_MESSAGE
from ._scalar import _convert, _set_python_factory
from ._core import DualCore, _fast_index
from ._core import _register as _register_core

__all__ = ["DUALS", "DualArray", "DualScalar", "new_tag"]

_TAGS = itertools.count(1)

# one message, shared with the compiled Dual
_LOST = _LOST_MESSAGE


def new_tag():
    """A tag larger than every tag made before (outer levels have smaller tags)."""
    return next(_TAGS)


def _tag(a):
    return a.tag if isinstance(a, DUALS) else 0


def _val(a):
    return a.value if isinstance(a, DUALS) else a


def _shape(a):
    if type(a) is np.ndarray:
        return a.shape
    return np.shape(a.value) if isinstance(a, DUALS) else np.shape(a)


def _mul_partials(d, p):
    """``d[..., None] * p``: a derivative times the partials of an input."""
    if isinstance(d, (int, float)):
        if d == 1.0:
            return p
        if d == -1.0:
            return -p
        if d == np.inf or d == -np.inf:
            return _inf_times(np.float64(d), p)
        return d * p
    e = _expand(d)
    if type(e) is np.ndarray and e.dtype.kind == "f" and np.isinf(e).any():
        return _inf_times(e, p)
    return e * p


def _inf_times(e, p):
    """``e * p`` where ``e`` has infinite entries (sqrt at 0): a variable the
    input does not depend on (partial 0) keeps the partial 0, not ``inf * 0
    = nan``."""
    with np.errstate(invalid="ignore"):
        return np.where(np.equal(p, 0), 0.0, e * p)


def _expand(d):
    if type(d) is CDual:
        d = d.python()
    return _index(d, (Ellipsis, None)) if isinstance(d, _DualBase) else np.asarray(d)[..., None]


class _DualBase(DualCore):
    """Shared machinery of :class:`DualArray` and :class:`DualScalar` (see them).

    The fields and the hot dispatch live in the compiled base ``DualCore``.
    """

    __slots__ = ()
    __array_priority__ = 100

    def __init__(self, value, partials, tag):
        self.value = value if isinstance(value, DUALS) else np.asarray(value)
        self.partials = partials
        self.tag = tag

    # ----------------------------------------------------------- basics
    @property
    def shape(self):
        return np.shape(self.value)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    @property
    def dtype(self):
        v = self.value
        return v.dtype

    def __repr__(self):
        return (f"{type(self).__name__}(value={self.value!r}, partials={self.partials!r}, "
                f"tag={self.tag})")

    def _new(self, value, partials):
        return _make(value, partials, self.tag)

    # ------------------------------------------------ never lose a derivative
    def __float__(self):
        raise TypeError("float(dual) " + _LOST.format(what="float()", how="calling float()"))

    def __int__(self):
        raise TypeError("int(dual) " + _LOST.format(what="int()", how="calling int()"))

    def __complex__(self):
        raise TypeError("complex(dual) " + _LOST.format(what="complex()",
                                                        how="calling complex()"))

    def __index__(self):
        raise TypeError("using a dual number as an index " + _LOST.format(
            what="indexing with it", how="indexing with a value that depends on x"))

    def __bool__(self):
        if self.size == 1:
            if isinstance(self.value, DUALS):
                return bool(self.value)
            return bool(np.asarray(self.value).reshape(-1)[0])
        raise ValueError("the truth value of a DualArray with more than one element is "
                         "ambiguous; use np.where or compare .value")

    def __array__(self, dtype=None, copy=None):
        raise TypeError("np.asarray/np.array on a DualArray " + _LOST.format(
            what="converting to a numpy array",
            how="np.asarray(x) / np.array(x) / writing into a float array"))

    # ---------------------------------------------------------- reshaping
    def ravel(self):
        return self.reshape(-1)

    flatten = ravel

    @property
    def T(self):
        return self.transpose()

    def transpose(self, *axes):
        nd_ = self.ndim
        axes = tuple(range(nd_))[::-1] if not axes else (
            axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)
        return self._new(np.transpose(self.value, axes),
                         np.transpose(self.partials, tuple(axes) + (nd_,)))

    def sum(self, axis=None, keepdims=False):
        return np.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return np.mean(self, axis=axis, keepdims=keepdims)

    def prod(self, axis=None, keepdims=False):
        return np.prod(self, axis=axis, keepdims=keepdims)

    def dot(self, other):
        return np.dot(self, other)

    def max(self, axis=None, keepdims=False):
        return _max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return _min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None):
        return np.argmax(_val(self), axis=axis)

    def argmin(self, axis=None):
        return np.argmin(_val(self), axis=axis)

    def copy(self):
        return self._new(_copy(self.value), _copy(self.partials))

    # ----------------------------------------- operators outside _core.pyx
    # (+, -, *, /, **, @, unary minus and reshape are compiled in DualCore)
    def __pos__(self): return self
    def __abs__(self): return np.absolute(self)
    def __lt__(self, o): return np.less(self, o)
    def __le__(self, o): return np.less_equal(self, o)
    def __gt__(self, o): return np.greater(self, o)
    def __ge__(self, o): return np.greater_equal(self, o)
    def __eq__(self, o): return np.equal(self, o)
    def __ne__(self, o): return np.not_equal(self, o)
    __hash__ = None


def _generic_ufunc(self, ufunc, method, inputs, kwargs):
    """Every ufunc call the compiled dispatch of ``_core.pyx`` leaves to Python."""
    inputs = tuple(i.python() if type(i) is CDual else i for i in inputs)
    if kwargs.get("out") is not None:
        raise TypeError(f"{ufunc.__name__}(..., out=...) on dual numbers is not "
                        "supported: write the result to a new array")
    kwargs.pop("out", None)
    if len(inputs) == 1:
        top = inputs[0].tag
    elif len(inputs) == 2:
        top = max(_tag(inputs[0]), _tag(inputs[1]))
    else:
        top = max(_tag(a) for a in inputs)
    if method == "reduce":
        if ufunc is np.add:
            return np.sum(inputs[0], **kwargs)
        if ufunc is np.multiply:
            return np.prod(inputs[0], **kwargs)
        if ufunc in (np.maximum, np.minimum):
            fn = np.max if ufunc is np.maximum else np.min
            return fn(inputs[0], **kwargs)
        return NotImplemented
    if method != "__call__":
        return NotImplemented
    if ufunc in COMPARISONS:
        return ufunc(*[_val(a) for a in inputs], **kwargs)
    if ufunc is np.matmul:
        return _matmul(inputs[0], inputs[1], top)
    if len(inputs) == 1:
        rule = UNARY.get(ufunc)
        if rule is None:
            return _no_rule(ufunc)
        x = inputs[0]
        y = ufunc(x.value, **kwargs)
        # where the derivative is infinite the value itself warned already
        d = rule(x.value, y)
        return _make(y, _precision(_mul_partials(d, x.partials), y), top)
    if len(inputs) == 2:
        rule = BINARY.get(ufunc)
        if rule is None:
            return _no_rule(ufunc)
        a, b = inputs
        a_on, b_on = _tag(a) == top, _tag(b) == top
        av = a.value if a_on else a
        bv = b.value if b_on else b
        y = ufunc(av, bv, **kwargs)
        if ufunc is np.power and not b_on:
            # constant exponent: no log(a) term
            if isinstance(bv, (int, float)):
                # a number exponent: x**2 -> 2x, x**1 -> 1, x**0 -> 0 (even at 0)
                da = (2.0 * av if bv == 2 else 1.0 if bv == 1 else
                      0.0 if bv == 0 else bv * np.power(av, bv - 1.0))
            else:
                # x**0 has derivative 0 even at x = 0 (not 0 * inf)
                da = np.where(np.equal(bv, 0), 0.0, bv) * np.power(
                    av, np.where(np.equal(bv, 0), 1.0, bv - 1.0))
            db = 0.0
        else:
            da, db = rule(av, bv, y)
        # a rule without a partial for one argument (None) differentiates in
        # the other one only
        for on, d, which in ((a_on, da, "first"), (b_on, db, "second")):
            if on and d is None:
                raise TypeError(f"{ufunc.__name__.lstrip('_')}: no derivative in its "
                                f"{which} argument on dual numbers; differentiate in it "
                                "with method='central' or method='complex'")
        if a_on and b_on:
            ys = _shape(y)
            p = (_bcast(_mul_partials(da, a.partials), ys)
                 + _bcast(_mul_partials(db, b.partials), ys))
        elif a_on:
            p = _mul_partials(da, a.partials)
            if _shape(av) != _shape(y):
                p = _bcast(p, _shape(y))
        else:
            p = _mul_partials(db, b.partials)
            if _shape(bv) != _shape(y):
                p = _bcast(p, _shape(y))
        return _make(y, _precision(p, y), top)
    return NotImplemented


def _precision(p, y):
    """Partials in the value's float precision (a float64 constant widens both)."""
    if type(p) is np.ndarray and isinstance(y, (np.ndarray, np.floating)) and (
            y.dtype.kind == "f" and p.dtype != y.dtype):
        return p.astype(y.dtype)
    return p


def _generic_reshape(self, shape):
    """``reshape`` of a nested dual (the compiled one handles plain values)."""
    v = np.reshape(self.value, shape)
    return self._new(v, np.reshape(self.partials, np.shape(v) + (self.partials.shape[-1],)))


def _generic_function(self, func, types, args, kwargs):
    """Every array function the compiled dispatch leaves to Python."""
    args = _convert(args)
    impl = _FUNCTIONS.get(func)
    if impl is None:
        return NotImplemented if func not in _VALUE_ONLY else _VALUE_ONLY[func](
            *args, **kwargs)
    return impl(*args, **kwargs)


class DualArray(_DualBase):
    """An array of forward-mode dual numbers (values with their partials).

    ``value`` has shape ``S`` and ``partials`` shape ``S + (k,)``: the
    derivatives of every element along ``k`` seed directions. Numpy code runs
    on it unchanged (``__array_ufunc__``, ``__array_function__``); indexing,
    slicing and assignment of duals of the same differentiation work.

    Parameters
    ----------
    value : array_like or DualArray
        The values (a dual of a smaller tag when nested).
    partials : array_like or DualArray
        Shape ``value.shape + (k,)``.
    tag : int
        The differentiation this dual belongs to (see :func:`new_tag`).

    Notes
    -----
    Derivatives follow the chain rule with the table of
    ``numdiff.dual._rules``. Values at kinks: ``abs'(0) = 0``, ``maximum`` at
    ties takes the first argument's derivative, ``sqrt'(0) = inf``;
    comparisons act on values. ``float()``, ``int()``, ``__index__`` and
    ``np.asarray`` raise ``TypeError`` rather than drop a derivative.
    Tags follow Siskind & Pearlmutter (2005).

    References
    ----------
    .. [1] J. Revels, M. Lubin and T. Papamarkou, "Forward-mode automatic
       differentiation in Julia", arXiv:1607.07892 (2016).
    .. [2] J. M. Siskind and B. A. Pearlmutter, "Perturbation confusion and
       referential transparency", IFL 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff import DualArray
    >>> x = DualArray(np.array([1.0, 2.0]), np.eye(2), tag=1)
    >>> y = np.sin(x) * x
    >>> np.allclose(y.partials, np.diag(np.cos([1.0, 2.0]) * [1, 2] + np.sin([1.0, 2.0])))
    True
    """

    __slots__ = ()

    def __len__(self):
        return self.shape[0]

    # ------------------------------------------------------------ indexing
    def __getitem__(self, key):
        r = _fast_index(self, key)
        return _index(self, key) if r is NotImplemented else r

    def __setitem__(self, key, item):
        keys = key if isinstance(key, tuple) else (key,)
        pkey = keys + (slice(None),) if any(k is Ellipsis for k in keys) else keys
        if type(item) is CDual:
            item = item.python()
        if isinstance(item, _DualBase) and item.tag == self.tag:
            self.value[key] = item.value
            self.partials[pkey] = item.partials
        elif isinstance(item, _DualBase) and item.tag > self.tag:
            raise TypeError("cannot write a dual of an inner differentiation into an "
                            "outer one; build the array with np.stack/np.concatenate")
        else:
            self.value[key] = item
            self.partials[pkey] = 0.0

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]



class DualScalar(_DualBase):
    """A 0-d dual in the Python machinery: a value and its partials (``(k,)``).

    Returned by indexing a :class:`DualArray` down to one element and by
    reductions. It has no ``__getitem__``, so numpy treats it as a scalar:
    writing it into a float array calls ``float()``, which raises
    ``TypeError`` instead of dropping the derivative.

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.dual import DualScalar
    >>> d = DualScalar(2.0, np.array([1.0]), tag=1)
    >>> (d * d + np.sin(d)).partials.tolist() == [4.0 + np.cos(2.0)]
    True
    """

    __slots__ = ()


def _index(a, key):
    """``a[key]`` for a dual: the partials axis stays last."""
    if isinstance(key, DUALS):
        raise TypeError("indexing with a dual number " + _LOST.format(
            what="indexing with it", how="indexing with a value that depends on x"))
    keys = key if isinstance(key, tuple) else (key,)
    pkey = keys + (slice(None),) if any(k is Ellipsis for k in keys) else keys
    v = a.value
    if type(v) is CDual:
        v = v.python()
    v = _index(v, key) if isinstance(v, _DualBase) else v[key]
    p = a.partials
    p = _index(p, pkey) if isinstance(p, _DualBase) else p[pkey]
    return _make(v, p, a.tag)


def _make(value, partials, tag):
    """A :class:`Dual` for 0-d values, else a :class:`DualArray`."""
    if type(value) is np.ndarray:
        nd_ = value.ndim
    else:
        nd_ = 0 if type(value) is CDual else np.ndim(
            _val(value) if isinstance(value, _DualBase) else value)
    if nd_ == 0:
        return DualScalar(value, partials, tag)
    return DualArray(value, partials, tag)


# ---------------------------------------------------------------- helpers
def _copy(a):
    return a.copy() if hasattr(a, "copy") else np.array(a)


def _bcast(p, shape):
    k = p.shape[-1]
    if _shape(p)[:-1] == tuple(shape):
        return p
    return np.broadcast_to(p, tuple(shape) + (k,)) if not isinstance(p, _DualBase) else (
        p + np.zeros(tuple(shape) + (k,)))


def _no_rule(ufunc):
    raise TypeError(f"numdiff has no derivative rule for the ufunc {ufunc.__name__!r} on "
                    "dual numbers; use method='central' or 'complex', or express it with "
                    "supported operations")


def _axis_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None,
         **kw):
    _no_kw("np.sum", out=out)
    if not isinstance(a, _DualBase):
        return np.sum(a, axis=axis, keepdims=keepdims)
    if where is not None and where is not np._NoValue and where is not True:
        a = _where(np.broadcast_to(np.asarray(where), a.shape), a, 0.0)
    ax = _axis_tuple(axis, a.ndim)
    out_ = a._new(np.sum(a.value, axis=ax, keepdims=keepdims),
                  np.sum(a.partials, axis=ax, keepdims=keepdims))
    if initial is not None and initial is not np._NoValue:
        out_ = out_ + initial
    return out_


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, where=None, **kw):
    _no_kw("np.mean", out=out, where=where if where is not True else None)
    ax = _axis_tuple(axis, a.ndim)
    n = int(np.prod([a.shape[i] for i in ax])) if ax else 1
    return _sum(a, axis=ax, keepdims=keepdims) / n


def _prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None,
          **kw):
    _no_kw("np.prod", out=out, initial=initial,
           where=where if where is not True else None)
    # exclusive products (left * right cumulative) stay exact at zeros
    nd0 = a.ndim
    if axis is None:
        res = _prod(a.reshape(-1), axis=0)
        return res.reshape((1,) * nd0) if keepdims else res
    ax = axis % a.ndim
    v = a.value
    if isinstance(v, DUALS):
        # nested: a product by repeated multiplication carries every level
        moved = _moveaxis(a, ax, 0)
        acc = moved[0]
        for i in range(1, moved.shape[0]):
            acc = acc * moved[i]
        return _expand_dims(acc, ax) if keepdims else acc
    n = np.shape(v)[ax]
    moved = np.moveaxis(v, ax, 0)
    ones = np.ones_like(moved[:1])
    left = np.cumprod(np.concatenate([ones, moved[:-1]]), axis=0) if n else moved
    right = np.cumprod(np.concatenate([ones, moved[:0:-1]]), axis=0)[::-1] if n else moved
    excl = np.moveaxis(left * right, 0, ax)
    val = np.prod(v, axis=ax, keepdims=keepdims)
    p = np.sum(_expand(excl) * a.partials, axis=ax, keepdims=keepdims)
    return a._new(val, p)


def _front(p):
    return np.moveaxis(p, -1, 0)


def _back(p):
    return np.moveaxis(p, 0, -1)


def _matmul(a, b, top=None):
    top = max(_tag(a), _tag(b)) if top is None else top
    a_on, b_on = _tag(a) == top, _tag(b) == top
    av = a.value if a_on else a
    bv = b.value if b_on else b
    y = np.matmul(av, bv)
    na, nb = np.ndim(_val(av) if isinstance(av, DUALS) else av), np.ndim(
        _val(bv) if isinstance(bv, DUALS) else bv)
    parts = []
    if a_on:
        pa = _front(a.partials)                          # (k,) + A
        k = np.shape(a.partials)[-1]
        if na == 1 and nb == 1:
            r = np.matmul(pa, bv)                        # (k, n) @ (n,)
        elif na == 1:
            # each partial direction is a row vector: (k, 1..., 1, n) @ B
            pa = np.reshape(pa, (k,) + (1,) * max(nb - 2, 0) + (1, np.shape(pa)[-1]))
            r = np.squeeze(np.matmul(pa, bv), axis=-2)
        else:
            pa = np.reshape(pa, (k,) + (1,) * max(nb - na, 0) + tuple(np.shape(pa)[1:]))
            r = np.matmul(pa, bv)
        parts.append(_back(r))
    if b_on:
        k = np.shape(b.partials)[-1]
        if nb == 1:
            # A @ b with 1-D b: b's partials (n, k) are a matrix already
            parts.append(np.matmul(av, b.partials))
        else:
            pb = _front(b.partials)                      # (k,) + B
            pb = np.reshape(pb, (k,) + (1,) * max(na - nb, 0) + tuple(np.shape(pb)[1:]))
            if na == 1:
                r = np.matmul(av, pb)                    # (k, ..., m)
            else:
                r = np.matmul(av, pb)
            parts.append(_back(r))
    p = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    return _make(y, p, top)


def _dot(a, b, out=None):
    _no_kw("np.dot", out=out)
    if np.ndim(_val(a)) == 0 or np.ndim(_val(b)) == 0:
        return np.multiply(a, b)
    if np.ndim(_val(a)) <= 2 and np.ndim(_val(b)) <= 2:
        return _matmul(a, b)
    raise TypeError("np.dot of arrays with more than 2 dimensions is not supported on "
                    "dual numbers; use np.matmul or np.tensordot semantics explicitly")


def _as_dual(a, top, k, like_shape=None):
    if isinstance(a, _DualBase) and a.tag == top:
        return a
    v = a
    return _make(v, np.zeros(np.shape(_val(v)) + (k,)), top)


def _combine(arrays, fn_v, fn_p):
    top = max(_tag(a) for a in arrays)
    k = next(a.partials.shape[-1] for a in arrays if _tag(a) == top)
    duals = [_as_dual(a, top, k) for a in arrays]
    return _make(fn_v([d.value for d in duals]), fn_p([d.partials for d in duals]), top)


def _concatenate(arrays, axis=0, out=None, **kw):
    arrays = list(arrays)
    nd0 = np.ndim(_val(arrays[0]))
    if axis is None:
        arrays = [np.reshape(a, -1) if not isinstance(a, _DualBase) else a.reshape(-1)
                  for a in arrays]
        axis, nd0 = 0, 1
    ax = axis % nd0
    return _combine(arrays, lambda vs: np.concatenate(vs, axis=ax),
                    lambda ps: np.concatenate(ps, axis=ax))


def _stack(arrays, axis=0, out=None, **kw):
    arrays = list(arrays)
    nd1 = np.ndim(_val(arrays[0])) + 1
    ax = axis % nd1
    return _combine(arrays, lambda vs: np.stack(vs, axis=ax),
                    lambda ps: np.stack(ps, axis=ax))


def _where(cond, a=None, b=None):
    if a is None and b is None:
        return np.where(_val(cond))
    cond = _val(cond)
    top = max(_tag(a), _tag(b))
    k = next(z.partials.shape[-1] for z in (a, b) if _tag(z) == top)
    da, db = _as_dual(a, top, k), _as_dual(b, top, k)
    v = np.where(cond, da.value, db.value)
    p = np.where(np.asarray(cond)[..., None], da.partials, db.partials)
    return _make(v, p, top)


def _norm(x, ord=None, axis=None, keepdims=False):
    two_axes = axis is not None and np.ndim(axis) == 1 and len(axis) == 2
    if ord not in (None, 2, "fro") or (ord == 2 and (two_axes or (axis is None
                                                                  and x.ndim > 1))):
        raise TypeError("np.linalg.norm on dual numbers supports the 2-norm (ord=None) "
                        "only")
    s = _sum(x * x, axis=axis, keepdims=keepdims)
    # norm'(0) = 0 (the subgradient of smallest size), not nan
    out = np.sqrt(s)
    zero = _val(s) == 0
    if np.any(zero):
        p = out.partials
        p = np.where(np.asarray(zero)[..., None], 0.0, p) if not isinstance(p, _DualBase) \
            else p
        out = _make(out.value, p, out.tag)
    return out


def _reshape(a, shape=None, order="C", **kw):
    if order != "C":
        raise TypeError("np.reshape(..., order=...) other than 'C' is not supported on "
                        "dual numbers")
    return a.reshape(shape)


def _ravel(a, order="C"):
    if order != "C":
        raise TypeError("np.ravel(..., order=...) other than 'C' is not supported on "
                        "dual numbers")
    return a.reshape(-1)


def _transpose(a, axes=None):
    return a.transpose(*(axes or ()))


def _max(a, axis=None, keepdims=False, out=None, initial=None, where=None, **kw):
    _no_kw("np.max", out=out, initial=initial, where=where if where is not True else None)
    idx = np.argmax(_val(a), axis=axis)
    return _pick(a, idx, axis, keepdims)


def _min(a, axis=None, keepdims=False, out=None, initial=None, where=None, **kw):
    _no_kw("np.min", out=out, initial=initial, where=where if where is not True else None)
    idx = np.argmin(_val(a), axis=axis)
    return _pick(a, idx, axis, keepdims)


def _pick(a, idx, axis, keepdims):
    # max/min take the derivative of the first extreme element (ties)
    if axis is None:
        flat = a.reshape(-1)
        out = flat[int(idx)]
        return out.reshape((1,) * a.ndim) if keepdims else out
    ax = axis % a.ndim
    idx_e = np.expand_dims(idx, ax)
    v = np.take_along_axis(a.value, idx_e, axis=ax)
    p = np.take_along_axis(a.partials, idx_e[..., None], axis=ax)
    if not keepdims:
        v = np.squeeze(v, axis=ax)
        p = np.squeeze(p, axis=ax)
    return a._new(v, p)


def _expand_dims(a, axis):
    ax = axis % (a.ndim + 1)
    return a._new(np.expand_dims(a.value, ax), np.expand_dims(a.partials, ax))


def _squeeze(a, axis=None):
    ax = tuple(i for i, s in enumerate(a.shape) if s == 1) if axis is None else \
        _axis_tuple(axis, a.ndim)
    return a._new(np.squeeze(a.value, axis=ax), np.squeeze(a.partials, axis=ax))


def _broadcast_to(a, shape, subok=False):
    k = a.partials.shape[-1]
    return a._new(np.broadcast_to(a.value, shape), np.broadcast_to(
        a.partials if not isinstance(a.partials, _DualBase) else a.partials,
        tuple(shape) + (k,)))


def _atleast_1d(*arys):
    out = [a.reshape(1) if isinstance(a, _DualBase) and a.ndim == 0 else
           (a if isinstance(a, _DualBase) else np.atleast_1d(a)) for a in arys]
    return out[0] if len(out) == 1 else out


def _clip(a, a_min=None, a_max=None, out=None, **kw):
    _no_kw("np.clip", out=out)
    out = a
    if a_min is not None:
        out = np.maximum(out, a_min)
    if a_max is not None:
        out = np.minimum(out, a_max)
    return out


def _cumsum(a, axis=None, dtype=None, out=None, **kw):
    _no_kw("np.cumsum", out=out)
    if axis is None:
        a, axis = a.reshape(-1), 0
    ax = axis % a.ndim
    return a._new(np.cumsum(a.value, axis=ax), np.cumsum(a.partials, axis=ax))


def _diff(a, n=1, axis=-1, prepend=None, append=None, **kw):
    _no_kw("np.diff", prepend=prepend if prepend is not np._NoValue else None,
           append=append if append is not np._NoValue else None)
    ax = axis % a.ndim
    out = a
    for _ in range(n):
        sl1 = [slice(None)] * a.ndim
        sl0 = [slice(None)] * a.ndim
        sl1[ax] = slice(1, None)
        sl0[ax] = slice(None, -1)
        out = out[tuple(sl1)] - out[tuple(sl0)]
    return out


def _outer(a, b, out=None):
    return np.multiply(np.reshape(a, (-1, 1)) if not isinstance(a, _DualBase) else
                       a.reshape(-1, 1),
                       np.reshape(b, (1, -1)) if not isinstance(b, _DualBase) else
                       b.reshape(1, -1))


def _trace(a, offset=0, axis1=0, axis2=1, **kw):
    return a._new(np.trace(a.value, offset, axis1, axis2),
                  np.trace(a.partials, offset, axis1, axis2))


def _moveaxis(a, source, destination):
    nd_ = a.ndim
    src = [x % nd_ for x in np.atleast_1d(source)]
    dst = [x % nd_ for x in np.atleast_1d(destination)]
    return a._new(np.moveaxis(a.value, src, dst), np.moveaxis(a.partials, src, dst))


def _take_along_axis(a, indices, axis):
    ax = axis % a.ndim
    idx = np.asarray(indices)
    return a._new(np.take_along_axis(a.value, idx, axis=ax),
                  np.take_along_axis(a.partials, idx[..., None], axis=ax))


def _no_kw(name, **kw):
    bad = [k for k, v in kw.items() if v is not None and v is not np._NoValue]
    if bad:
        raise TypeError(f"{name}(..., {bad[0]}=...) on dual numbers is not supported: "
                        "write the computation without it (for out=, use the returned "
                        "array)")


_FUNCTIONS = {
    np.sum: _sum, np.mean: _mean, np.prod: _prod, np.dot: _dot, np.matmul: _matmul,
    np.concatenate: _concatenate, np.stack: _stack, np.where: _where,
    np.linalg.norm: _norm, np.reshape: _reshape, np.transpose: _transpose,
    np.max: _max, np.amax: _max, np.min: _min, np.amin: _min,
    np.expand_dims: _expand_dims, np.squeeze: _squeeze, np.broadcast_to: _broadcast_to,
    np.atleast_1d: _atleast_1d, np.clip: _clip, np.cumsum: _cumsum, np.diff: _diff,
    np.outer: _outer, np.trace: _trace, np.ravel: lambda a, order="C": _ravel(a, order),
    np.moveaxis: _moveaxis, np.take_along_axis: _take_along_axis,
    np.vstack: lambda tup, **kw: _concatenate([_atleast_2d(t) for t in tup], axis=0),
    np.hstack: lambda tup, **kw: _hstack(tup),
    np.copy: lambda a, **kw: a.copy(),
}


def _hstack(tup):
    arrs = [_atleast_1d(a) for a in tup]
    one_d = all(np.ndim(_val(a)) == 1 for a in arrs)
    return _concatenate(arrs, axis=0 if one_d else 1)


def _atleast_2d(a):
    if isinstance(a, _DualBase):
        return a.reshape(1, -1) if a.ndim == 1 else (a.reshape(1, 1) if a.ndim == 0 else a)
    return np.atleast_2d(a)


#: Functions of the values alone: shapes, predicates and constants.
_VALUE_ONLY = {
    np.shape: lambda a: np.shape(_val(a)),
    np.ndim: lambda a: np.ndim(_val(a)),
    np.size: lambda a, axis=None: np.size(_val(a), axis),
    np.zeros_like: lambda a, dtype=None, **kw: np.zeros_like(_plain(a), dtype=dtype),
    np.ones_like: lambda a, dtype=None, **kw: np.ones_like(_plain(a), dtype=dtype),
    np.full_like: lambda a, fill_value, dtype=None, **kw: np.full_like(
        _plain(a), fill_value, dtype=dtype),
    np.empty_like: lambda a, dtype=None, **kw: np.empty_like(_plain(a), dtype=dtype),
    np.argmax: lambda a, axis=None, **kw: np.argmax(_val(a), axis=axis),
    np.argmin: lambda a, axis=None, **kw: np.argmin(_val(a), axis=axis),
    np.argsort: lambda a, axis=-1, **kw: np.argsort(_val(a), axis=axis),
    np.isclose: lambda a, b, **kw: np.isclose(_val(a), _val(b), **kw),
    np.allclose: lambda a, b, **kw: np.allclose(_val(a), _val(b), **kw),
    np.any: lambda a, axis=None, **kw: np.any(_val(a), axis=axis),
    np.all: lambda a, axis=None, **kw: np.all(_val(a), axis=axis),
}


def _plain(a):
    v = _val(a)
    while isinstance(v, DUALS):
        v = v.value
    return v


#: Every dual type: the compiled scalar and the Python classes.
DUALS = (_DualBase, CDual)
_set_python_factory(lambda value, partials, tag: DualScalar(value, partials, tag))
_register_core(_generic_ufunc, _generic_function, _generic_reshape, _make, DualArray,
               DualScalar, UNARY, INF_PRONE, _mul_partials)
