# cython: language_level=3, cdivision=True
"""``Dual``: a dual scalar with compiled arithmetic.

Design
------
Division follows IEEE semantics (``cdivision``, also in debug builds):
``sqrt'(0)`` is ``inf``, as documented, not a ``ZeroDivisionError``.

Scalar code (``x * x + np.sin(x)`` on a float) differentiated with
``method="dual"`` runs on this ``cdef class``: the value is a C double and
the partials a small float64 array handled with C loops, so each operation
costs a few hundred nanoseconds instead of several numpy calls. The common
elementary functions are computed with ``libc.math`` directly.

Anything beyond that -- arrays, duals of another differentiation (nesting),
ufuncs outside the compiled table -- converts the scalar to the Python
machinery of ``_array.py`` (``DualScalar``/``DualArray``) and delegates, so
the two always agree; the derivative rules of the Python table are the
reference.
"""
import numpy as np
cimport numpy as cnp
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.string cimport memcpy
from libc.math cimport (sin, cos, tan, exp, log, sqrt, tanh, sinh, cosh, atan, asin,
                        acos, log1p, expm1, fabs, pow, isfinite, isinf, copysign)

cnp.import_array()

#: The message of every conversion that would drop a derivative (also used by
#: the Python duals of _array.py).
_LOST = ("would drop its derivative: numdiff differentiates by running your code on "
         "dual numbers, and {what} turns one into a plain number. Keep the value in "
         "numpy operations (np.sin, +, *, np.where, indexing ...) instead of {how}; "
         "build arrays with np.stack([...]) or np.concatenate instead of np.array([...]); "
         "to look at the value, use .value (or use method='central')")

cdef object _py_factory = None

cdef enum:
    _INLINE = 4       # partials stored in the object itself up to this many

cdef dict _BINARY_OPS = {"add": 0, "subtract": 1, "multiply": 2, "true_divide": 3,
                         "divide": 3, "power": 4}
cdef dict _SWAPPED = {0: 0, 1: 5, 2: 2, 3: 6, 4: 7}


def _set_python_factory(factory):
    """Register the converter to the Python dual machinery (set by _array.py)."""
    global _py_factory
    _py_factory = factory


cdef inline bint _is_number(object o):
    return isinstance(o, (float, int)) and not isinstance(o, bool)


cdef class Dual:
    """A dual scalar: a float value and its partial derivatives.

    Arithmetic and the common elementary functions (``np.sin``, ``np.exp``,
    ``np.log``, ``np.sqrt``, ``np.tanh`` ...) are compiled; everything else
    (arrays, nesting, other ufuncs) goes through the same rule table as
    :class:`DualArray`. ``float()``, ``int()``, ``__index__`` and
    ``np.asarray`` raise ``TypeError`` rather than drop the derivative.

    Parameters
    ----------
    value : float
        The value.
    partials : array_like
        The partial derivatives, shape ``(k,)``.
    tag : int
        The differentiation this dual belongs to.

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff import Dual
    >>> d = Dual(2.0, np.array([1.0]), tag=1)
    >>> bool((d * d + np.sin(d)).partials[0] == 4.0 + np.cos(2.0))
    True
    """

    cdef double val
    cdef double* p            # the k partials: _inline, or PyMem_Malloc'ed if k > 4
    cdef double _inline[_INLINE]
    cdef Py_ssize_t k
    cdef readonly long tag

    __array_priority__ = 200

    def __cinit__(self):
        self.p = self._inline
        self.k = 0

    def __init__(self, double value, partials, long tag):
        cdef cnp.ndarray arr = np.ascontiguousarray(partials, dtype=np.float64).reshape(-1)
        self._reserve(arr.shape[0])
        memcpy(self.p, cnp.PyArray_DATA(arr), self.k * sizeof(double))
        self.val = value
        self.tag = tag

    cdef int _reserve(self, Py_ssize_t k) except -1:
        """Room for ``k`` partials (once, right after creation)."""
        if k > _INLINE:
            self.p = <double*> PyMem_Malloc(k * sizeof(double))
            if self.p == NULL:
                self.p = self._inline
                raise MemoryError()
        self.k = k
        return 0

    def __dealloc__(self):
        if self.p != self._inline:
            PyMem_Free(self.p)

    @property
    def value(self):
        return self.val

    @property
    def partials(self):
        """A copy of the partials, shape ``(k,)``."""
        cdef cnp.ndarray out = np.empty(self.k)
        memcpy(cnp.PyArray_DATA(out), self.p, self.k * sizeof(double))
        return out

    @property
    def shape(self):
        return ()

    @property
    def ndim(self):
        return 0

    @property
    def size(self):
        return 1

    @property
    def dtype(self):
        return np.dtype(np.float64)

    def __repr__(self):
        return f"Dual(value={self.val!r}, partials={self.partials!r}, tag={self.tag})"

    # -------------------------------------------------- never lose it
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

    def __array__(self, dtype=None, copy=None):
        raise TypeError("np.asarray/np.array on a dual number " + _LOST.format(
            what="converting to a numpy array",
            how="np.asarray(x) / np.array(x) / writing into a float array"))

    def __bool__(self):
        return self.val != 0.0

    def __hash__(self):
        raise TypeError("dual numbers are not hashable")

    def python(self):
        """The same number in the Python dual machinery (``DualScalar``)."""
        return _py_factory(self.val, self.partials, self.tag)

    # -------------------------------------------------------- helpers
    cdef Dual _with(self, double v, double a):
        """``v + a * partials``: a unary chain rule."""
        if v != v:
            a = v          # outside the real domain: the derivative is nan too
        cdef Dual out = _new(v, self.k, self.tag)
        cdef Py_ssize_t i
        cdef bint inf = isinf(a)
        for i in range(self.k):
            # an infinite derivative (sqrt at 0) leaves a variable the input
            # does not depend on (partial 0) at 0, not at inf * 0 = nan
            out.p[i] = 0.0 if inf and self.p[i] == 0.0 else a * self.p[i]
        return out

    # ----------------------------------------------------- arithmetic
    def __add__(self, other):
        return _binary(self, other, 0)

    def __radd__(self, other):
        return _binary(self, other, 0)

    def __sub__(self, other):
        return _binary(self, other, 1)

    def __rsub__(self, other):
        return _binary(self, other, 5)

    def __mul__(self, other):
        return _binary(self, other, 2)

    def __rmul__(self, other):
        return _binary(self, other, 2)

    def __truediv__(self, other):
        return _binary(self, other, 3)

    def __rtruediv__(self, other):
        return _binary(self, other, 6)

    def __pow__(self, other, mod):
        return _binary(self, other, 4)

    def __rpow__(self, other, mod):
        return _binary(self, other, 7)

    def __neg__(self):
        return self._with(-self.val, -1.0)

    def __pos__(self):
        return self

    def __abs__(self):
        # abs'(0) = 0 (documented)
        return self._with(fabs(self.val), 0.0 if self.val == 0 else copysign(1.0, self.val))

    def __lt__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val < _value(other)
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val <= _value(other)
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val > _value(other)
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val >= _value(other)
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val == _value(other)
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, Dual) or _is_number(other):
            return self.val != _value(other)
        return NotImplemented

    # ------------------------------------------------------- numpy
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        cdef double x, y, d
        if method == "__call__" and not kwargs and len(inputs) == 1 and inputs[0] is self:
            x = self.val
            name = ufunc.__name__
            if name == "sin":
                return self._with(sin(x), cos(x))
            if name == "cos":
                return self._with(cos(x), -sin(x))
            if name == "exp":
                y = exp(x)
                return self._with(y, y)
            if name == "log":
                return self._with(log(x), 1.0 / x)
            if name == "sqrt":
                y = sqrt(x)
                # sqrt'(0) = inf (documented)
                return self._with(y, 0.5 / y)
            if name == "tanh":
                # 1 / cosh**2: 1 - tanh**2 cancels to nothing in the tails
                d = cosh(x)
                return self._with(tanh(x), 1.0 / (d * d))
            if name == "tan":
                y = tan(x)
                return self._with(y, 1.0 + y * y)
            if name == "sinh":
                return self._with(sinh(x), cosh(x))
            if name == "cosh":
                return self._with(cosh(x), sinh(x))
            if name == "arctan":
                return self._with(atan(x), 1.0 / (1.0 + x * x))
            if name == "arcsin":
                return self._with(asin(x), 1.0 / sqrt(1.0 - x * x))
            if name == "arccos":
                return self._with(acos(x), -1.0 / sqrt(1.0 - x * x))
            if name == "log1p":
                return self._with(log1p(x), 1.0 / (1.0 + x))
            if name == "expm1":
                y = expm1(x)
                return self._with(y, y + 1.0)
            if name == "square":
                return self._with(x * x, 2.0 * x)
            if name == "negative":
                return self._with(-x, -1.0)
            if name == "absolute" or name == "fabs":
                return self.__abs__()
        if method == "__call__" and not kwargs and len(inputs) == 2:
            a, b = inputs
            op = _BINARY_OPS.get(ufunc.__name__, -1)
            if op >= 0:
                if a is self:
                    return _binary(self, b, op)
                if b is self and _is_number(a):
                    return _binary(self, a, _SWAPPED[op])
        # everything else: the Python machinery
        conv = [i.python() if isinstance(i, Dual) else i for i in inputs]
        return getattr(ufunc, method)(*conv, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*_convert(args), **{k: _convert_one(v) for k, v in kwargs.items()})


def seed(double x, long tag):
    """``x`` as a dual with the single partial 1 (a scalar variable)."""
    cdef Dual d = _new(x, 1, tag)
    d.p[0] = 1.0
    return d


def first_partial(object y, long tag):
    """``y``'s first partial when ``y`` is a compiled dual of ``tag``, else ``None``."""
    if type(y) is Dual and (<Dual> y).tag == tag and (<Dual> y).k >= 1:
        return (<Dual> y).p[0]
    return None


cdef inline Dual _new(double v, Py_ssize_t k, long tag):
    """A Dual with room for ``k`` partials (to be filled by the caller)."""
    cdef Dual d = Dual.__new__(Dual)
    d._reserve(k)
    d.val = v
    d.tag = tag
    return d


cdef double _value(object o) except? -1.0:
    if isinstance(o, Dual):
        return (<Dual> o).val
    if _is_number(o):
        return <double> o
    return np.nan


cdef object _convert_one(object v):
    if isinstance(v, Dual):
        return (<Dual> v).python()
    if isinstance(v, (list, tuple)):
        return type(v)(_convert_one(i) for i in v)
    return v


def _convert(args):
    return tuple(_convert_one(a) for a in args)


cdef object _binary(Dual a, object b, int op):
    """``a (op) b``; op 0 add, 1 sub, 2 mul, 3 div, 4 pow; 5 b-a, 6 b/a, 7 b**a."""
    cdef double x = a.val, y, v, da, db = 0.0
    cdef Dual bd
    cdef bint dual_b = isinstance(b, Dual) and (<Dual> b).tag == a.tag and \
        (<Dual> b).k == a.k
    cdef Dual out
    cdef double* o
    cdef Py_ssize_t i
    if dual_b:
        bd = <Dual> b
        y = bd.val
    elif _is_number(b):
        y = <double> b
    else:
        # arrays, other tags, DualArray: the Python machinery decides
        pa = a.python()
        pb = b.python() if isinstance(b, Dual) else b
        if op == 0:
            return pa + pb
        if op == 1:
            return pa - pb
        if op == 2:
            return pa * pb
        if op == 3:
            return pa / pb
        if op == 4:
            return pa ** pb
        if op == 5:
            return pb - pa
        if op == 6:
            return pb / pa
        return pb ** pa
    if op == 0:
        v, da, db = x + y, 1.0, 1.0
    elif op == 1:
        v, da, db = x - y, 1.0, -1.0
    elif op == 5:
        v, da, db = y - x, -1.0, 1.0
    elif op == 2:
        v, da, db = x * y, y, x
    elif op == 3:
        v = x / y
        da, db = 1.0 / y, -v / y
    elif op == 6:
        v = y / x
        da, db = -v / x, 1.0 / x
    elif op == 4:
        v = pow(x, y)
        # x**0 has derivative 0 even at x = 0 (not 0 * inf)
        da = 0.0 if y == 0 else y * pow(x, y - 1.0)
        if dual_b:
            db = 0.0 if v == 0 else v * log(x)
    else:  # op == 7: y ** x
        v = pow(y, x)
        da = 0.0 if v == 0 else v * log(y)
        db = x * pow(y, x - 1.0)
    out = _new(v, a.k, a.tag)
    o = out.p
    if dual_b:
        for i in range(a.k):
            o[i] = da * a.p[i] + db * bd.p[i]
    else:
        for i in range(a.k):
            o[i] = da * a.p[i]
    return out
