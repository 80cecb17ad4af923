# cython: language_level=3
"""Compiled dispatch for :class:`DualArray` (``_array.py``).

Design
------
``DualCore`` is the C base of the Python dual classes: it holds ``value``,
``partials`` and ``tag`` as C fields and implements the operators,
``__array_ufunc__`` and ``__array_function__``. The common case -- an
operation of duals of one differentiation whose values are plain float
arrays, possibly with a number or a numeric array as the other operand --
is computed here: two or three numpy calls and one object, with no Python
frames. Everything else (nesting, other tags, ``out=``, ``where=``, ufunc
methods, functions outside the compiled set) goes to the Python
implementation in ``_array.py``, whose rule table stays the reference; the
tests check that both paths agree.
"""
import numpy as np
cimport numpy as cnp

cnp.import_array()

cdef enum:
    ADD = 0
    SUB = 1
    MUL = 2
    DIV = 3

# set by _array.py through _register
cdef object _generic_ufunc = None      # (self, ufunc, method, inputs, kwargs)
cdef object _generic_function = None   # (self, func, types, args, kwargs)
cdef object _generic_reshape = None    # (self, shape)
cdef object _make_py = None            # (value, partials, tag) -> dual
cdef object _array_type = None
cdef object _scalar_type = None
cdef dict _unary = {}
# ufuncs whose derivative is infinite at finite points (sqrt at 0): their
# products go through _array's _mul_partials, which keeps a zero partial 0
cdef object _inf_prone = frozenset()
cdef object _mul_partials_py = None
cdef dict _binary_codes = {}
cdef object _np_sum = np.sum
cdef object _np_add = np.add
cdef object _add_reduce = np.add.reduce
cdef object _np_subtract = np.subtract
cdef object _np_multiply = np.multiply
cdef object _np_divide = np.true_divide
cdef object _np_power = np.power
cdef object _np_negative = np.negative
cdef object _np_matmul = np.matmul
cdef object _np_mean = np.mean
cdef object _np_reshape = np.reshape
cdef object _ndarray = np.ndarray
cdef object _float64 = np.float64
cdef tuple _np_real = (np.floating, np.integer)
cdef object _ellipsis = Ellipsis
cdef tuple _expand_key = (Ellipsis, None)
cdef object _all = slice(None)


def _register(generic_ufunc, generic_function, generic_reshape, make_py, array_type,
              scalar_type, unary, inf_prone, mul_partials):
    """Connect the compiled dispatch to the Python implementation."""
    global _generic_ufunc, _generic_function, _generic_reshape, _make_py, _array_type
    global _scalar_type, _unary, _binary_codes, _inf_prone, _mul_partials_py
    _inf_prone = frozenset(inf_prone)
    _mul_partials_py = mul_partials
    _generic_ufunc = generic_ufunc
    _generic_reshape = generic_reshape
    _generic_function = generic_function
    _make_py = make_py
    _array_type = array_type
    _scalar_type = scalar_type
    _unary = dict(unary)
    _binary_codes = {np.add: ADD, np.subtract: SUB, np.multiply: MUL,
                     np.true_divide: DIV}


cdef inline bint _plain(object v):
    """A value array of floats (not a dual of an outer level)."""
    return type(v) is _ndarray and (<cnp.ndarray>v).descr.kind == b"f"


cdef inline bint _number(object o):
    """A real number operand (``bool`` is not one)."""
    t = type(o)
    return t is float or t is int or t is _float64 or isinstance(o, _np_real)


cdef inline bint _const_array(object o):
    """A numeric ndarray operand (a constant for the derivative)."""
    if type(o) is not _ndarray:
        return False
    k = (<cnp.ndarray>o).descr.kind
    return k == b"f" or k == b"i" or k == b"u"


# the largest partials array made since peak_reset() (chunk sizing in _diff.py)
cdef Py_ssize_t _peak = 0


def peak_reset():
    """Start measuring the largest partials array of the compiled path."""
    global _peak
    _peak = 0


def peak():
    """Elements of the largest partials array made since :func:`peak_reset`."""
    return _peak


cdef object _mk(object v, object p, long tag):
    """A ``DualArray`` (``DualScalar`` for 0-d) from a plain value and partials.

    ``v`` is an ndarray or a numpy scalar of a plain operation; anything
    else goes to the Python factory.
    """
    cdef DualCore d
    if type(v) is _ndarray:
        d = DualCore.__new__(_array_type if cnp.PyArray_NDIM(<cnp.ndarray>v) > 0
                             else _scalar_type)
    elif isinstance(v, _np_real):
        d = DualCore.__new__(_scalar_type)
        v = cnp.PyArray_FROM_O(v)
    else:
        return _make_py(v, p, tag)
    global _peak
    if type(p) is _ndarray:
        if cnp.PyArray_TYPE(<cnp.ndarray>p) != cnp.PyArray_TYPE(<cnp.ndarray>v):
            # the partials take the value's precision (a float64 constant widens both)
            p = p.astype(v.dtype)
        if cnp.PyArray_SIZE(<cnp.ndarray>p) > _peak:
            _peak = cnp.PyArray_SIZE(<cnp.ndarray>p)
    d.value = v
    d.partials = p
    d.tag = tag
    return d


def one_pass(f, x, tuple args, dict kwargs, long tag):
    """Run ``f`` once on ``x`` seeded with the identity (every variable at once).

    Returns ``(J, shape)`` with ``J`` of shape ``shape + (x.size,)`` when ``f``
    returned a plain dual of this differentiation, else ``(None, y)`` for the
    Python driver to interpret (constants, errors, leaked tags).
    """
    cdef Py_ssize_t n = cnp.PyArray_SIZE(<cnp.ndarray>x)
    P = np.eye(n, dtype=x.dtype)
    if cnp.PyArray_NDIM(<cnp.ndarray>x) != 1:
        P = P.reshape(x.shape + (n,))
    y = f(_mk(x, P, tag), *args, **kwargs)
    if isinstance(y, DualCore) and (<DualCore>y).tag == tag and _plain((<DualCore>y).value):
        return (<DualCore>y).partials, (<DualCore>y).value.shape
    return None, y


def make(value, partials, long tag):
    """A dual of this tag from a plain value (an ndarray) and its partials."""
    return _mk(value, partials, tag)


cdef inline object _ex(object a):
    """``a[..., None]``."""
    return a[_expand_key]


cdef object _fit(object p, object y):
    """Broadcast partials to the result's shape where a constant widened it."""
    cdef tuple ps = p.shape
    cdef tuple ys = y.shape if type(y) is _ndarray else ()
    cdef Py_ssize_t nd = len(ps)
    if ps[:nd - 1] == ys:
        return p
    return np.broadcast_to(p, ys + (ps[nd - 1],))


cdef object _binop(object a, object b, int op):
    """``a op b`` when it is the common case, else ``NotImplemented``."""
    cdef DualCore da = None, db = None
    cdef bint a_on = isinstance(a, DualCore), b_on = isinstance(b, DualCore)
    if a_on:
        da = <DualCore>a
        if not _plain(da.value):
            return NotImplemented
    if b_on:
        db = <DualCore>b
        if not _plain(db.value):
            return NotImplemented
    if a_on and b_on:
        if da.tag != db.tag:
            return NotImplemented
        av, bv = da.value, db.value
        if op == ADD:
            y = av + bv
            p = da.partials + db.partials
        elif op == SUB:
            y = av - bv
            p = da.partials - db.partials
        elif op == MUL:
            y = av * bv
            p = da.partials * _ex(bv) + db.partials * _ex(av)
        else:
            y = av / bv
            # the rule of the table: d/da = 1/b, d/db = -y/b
            p = da.partials * _ex(1.0 / bv) + db.partials * _ex(-y / bv)
        return _mk(y, _fit(p, y), da.tag)
    if a_on:
        c = b
        if not (_number(c) or _const_array(c)):
            return NotImplemented
        av = da.value
        if op == ADD:
            y = av + c
            p = da.partials
        elif op == SUB:
            y = av - c
            p = da.partials
        elif op == MUL:
            y = av * c
            p = da.partials * (c if _number(c) else _ex(c))
        else:
            y = av / c
            p = da.partials / (c if _number(c) else _ex(c))
        return _mk(y, _fit(p, y), da.tag)
    if b_on:
        c = a
        if not (_number(c) or _const_array(c)):
            return NotImplemented
        bv = db.value
        if op == ADD:
            y = c + bv
            p = db.partials
        elif op == SUB:
            y = c - bv
            p = -db.partials
        elif op == MUL:
            y = c * bv
            p = db.partials * (c if _number(c) else _ex(c))
        else:
            y = c / bv
            p = db.partials * _ex(-y / bv)
        return _mk(y, _fit(p, y), db.tag)
    return NotImplemented


cdef object _power(DualCore a, object c):
    """``a ** c`` for a number exponent (``x**2 -> 2x``, ``x**0 -> 0`` even at 0)."""
    if not (_plain(a.value) and _number(c)):
        return NotImplemented
    av = a.value
    y = av ** c
    if c == 2:
        d = 2.0 * av
    elif c == 1:
        return _mk(y, a.partials, a.tag)
    elif c == 0:
        return _mk(y, a.partials * 0.0, a.tag)
    else:
        d = c * av ** (c - 1.0)
    return _mk(y, _ex(d) * a.partials, a.tag)


cdef object _matmul_const_right(object pa, object b):
    """Partials of ``A @ b`` from A's partials (``A`` 1-D or 2-D, ``b`` constant)."""
    if cnp.PyArray_NDIM(<cnp.ndarray>b) == 2:
        # (h, n) @ (n, k) -> (h, k); batched over A's rows: (m, n, k) -> (m, h, k)
        return _np_matmul(b.T, pa)
    return _np_matmul(b, pa)


cdef object _matmul_const_left(object a, object pb, object y):
    """Partials of ``a @ B`` from B's partials (``B`` 1-D or 2-D, ``a`` constant)."""
    cdef tuple ps = pb.shape
    cdef Py_ssize_t n = ps[0], k = ps[len(ps) - 1]
    r = _np_matmul(a, pb.reshape(n, -1)) if len(ps) == 3 else _np_matmul(a, pb)
    return r.reshape(y.shape + (k,)) if type(y) is _ndarray else r.reshape(k)


cdef inline bint _mm_operand(object v):
    """A 1-D or 2-D value, the shapes the compiled matmul handles."""
    cdef int nd = cnp.PyArray_NDIM(<cnp.ndarray>v)
    return nd == 1 or nd == 2


cdef object _matmul(object a, object b):
    """``a @ b`` for duals with 1-D/2-D plain values (and numeric constants)."""
    cdef DualCore da = None, db = None
    cdef bint a_on = isinstance(a, DualCore), b_on = isinstance(b, DualCore)
    if a_on:
        da = <DualCore>a
        if not _plain(da.value) or not _mm_operand(da.value):
            return NotImplemented
        av = da.value
    else:
        if not _const_array(a) or not _mm_operand(a):
            return NotImplemented
        av = a
    if b_on:
        db = <DualCore>b
        if not _plain(db.value) or not _mm_operand(db.value):
            return NotImplemented
        bv = db.value
    else:
        if not _const_array(b) or not _mm_operand(b):
            return NotImplemented
        bv = b
    if a_on and b_on and da.tag != db.tag:
        return NotImplemented
    y = _np_matmul(av, bv)
    if a_on and b_on:
        p = _matmul_const_right(da.partials, bv) + _matmul_const_left(av, db.partials, y)
        return _mk(y, p, da.tag)
    if a_on:
        return _mk(y, _matmul_const_right(da.partials, bv), da.tag)
    return _mk(y, _matmul_const_left(av, db.partials, y), db.tag)


cdef object _unary_call(DualCore a, object ufunc):
    rule = _unary.get(ufunc)
    if rule is None or not _plain(a.value):
        return NotImplemented
    av = a.value
    y = ufunc(av)
    d = rule(av, y)
    if ufunc in _inf_prone:
        return _mk(y, _mul_partials_py(d, a.partials), a.tag)
    if _number(d):
        if d == 1.0:
            return _mk(y, a.partials, a.tag)
        return _mk(y, a.partials * d, a.tag)
    return _mk(y, _ex(d) * a.partials, a.tag)


cdef object _sum_all(DualCore a):
    """``np.sum(a)`` over every axis."""
    if not _plain(a.value):
        return NotImplemented
    cdef cnp.ndarray p = <cnp.ndarray>a.partials
    cdef Py_ssize_t nd = cnp.PyArray_NDIM(p)
    cdef Py_ssize_t k = p.shape[nd - 1]
    if nd != 2:
        p = p.reshape(-1, k)
    return _mk(_add_reduce(a.value, None), _add_reduce(p, 0), a.tag)


cdef object _mean_all(DualCore a):
    """``np.mean(a)`` over every axis."""
    if not _plain(a.value):
        return NotImplemented
    cdef cnp.ndarray v = <cnp.ndarray>a.value
    cdef Py_ssize_t size = cnp.PyArray_SIZE(v)
    if size == 0:
        return NotImplemented
    s = _sum_all(a)
    cdef DualCore d = <DualCore>s
    return _mk(d.value / size, d.partials / size, a.tag)


cdef bint _whole_sum(dict kwargs):
    """``np.sum`` keywords that mean the plain sum over every axis."""
    for key, val in kwargs.items():
        if key == "axis" and val is None:
            continue
        if key == "keepdims" and (val is False or val is np._NoValue):
            continue
        return False
    return True


def _fast_index(DualCore a, key):
    """``a[key]`` with the partials axis kept last (plain values only)."""
    if not _plain(a.value) or isinstance(key, DualCore):
        return NotImplemented
    t = type(key)
    pkey = key
    if t is tuple:
        for k in <tuple>key:
            if k is _ellipsis:
                pkey = <tuple>key + (_all,)
                break
    elif not (t is slice or t is int or t is _ndarray):
        return NotImplemented
    return _mk(a.value[key], a.partials[pkey], a.tag)


cdef class DualCore:
    """C base of the dual classes: fields and the compiled dispatch.

    Not used directly: see :class:`numdiff.DualArray`.
    """

    cdef public object value
    cdef public object partials
    cdef public long tag

    # ---------------------------------------------------------- operators
    def __add__(self, o):
        r = _binop(self, o, ADD)
        return _np_add(self, o) if r is NotImplemented else r

    def __radd__(self, o):
        r = _binop(o, self, ADD)
        return _np_add(o, self) if r is NotImplemented else r

    def __sub__(self, o):
        r = _binop(self, o, SUB)
        return _np_subtract(self, o) if r is NotImplemented else r

    def __rsub__(self, o):
        r = _binop(o, self, SUB)
        return _np_subtract(o, self) if r is NotImplemented else r

    def __mul__(self, o):
        r = _binop(self, o, MUL)
        return _np_multiply(self, o) if r is NotImplemented else r

    def __rmul__(self, o):
        r = _binop(o, self, MUL)
        return _np_multiply(o, self) if r is NotImplemented else r

    def __truediv__(self, o):
        r = _binop(self, o, DIV)
        return _np_divide(self, o) if r is NotImplemented else r

    def __rtruediv__(self, o):
        r = _binop(o, self, DIV)
        return _np_divide(o, self) if r is NotImplemented else r

    def __pow__(self, o, mod):
        r = _power(<DualCore>self, o) if mod is None else NotImplemented
        return _np_power(self, o) if r is NotImplemented else r

    def __rpow__(self, o, mod):
        return _np_power(o, self)

    def __matmul__(self, o):
        r = _matmul(self, o)
        return _np_matmul(self, o) if r is NotImplemented else r

    def __rmatmul__(self, o):
        r = _matmul(o, self)
        return _np_matmul(o, self) if r is NotImplemented else r

    def reshape(self, *shape):
        """The same duals in a new shape (the partials axis stays last)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        v = self.value
        if _plain(v):
            v = v.reshape(shape)
            p = self.partials
            return _mk(v, p.reshape(v.shape + (p.shape[len(p.shape) - 1],)), self.tag)
        return _generic_reshape(self, shape)

    def __neg__(self):
        if _plain(self.value):
            return _mk(-self.value, -self.partials, self.tag)
        return _np_negative(self)

    # -------------------------------------------------------------- ufuncs
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        cdef Py_ssize_t n = len(inputs)
        if method == "__call__" and not kwargs:
            if n == 1 and inputs[0] is self:
                r = _unary_call(self, ufunc)
                if r is not NotImplemented:
                    return r
            elif n == 2:
                code = _binary_codes.get(ufunc)
                if code is not None:
                    r = _binop(inputs[0], inputs[1], code)
                    if r is not NotImplemented:
                        return r
                elif ufunc is _np_power and inputs[0] is self:
                    r = _power(self, inputs[1])
                    if r is not NotImplemented:
                        return r
                elif ufunc is _np_matmul:
                    r = _matmul(inputs[0], inputs[1])
                    if r is not NotImplemented:
                        return r
        return _generic_ufunc(self, ufunc, method, inputs, kwargs)

    # ------------------------------------------------------ array functions
    def __array_function__(self, func, types, args, kwargs):
        if (func is _np_sum and len(args) == 1 and args[0] is self
                and (not kwargs or _whole_sum(kwargs))):
            r = _sum_all(self)
            if r is not NotImplemented:
                return r
        elif (func is _np_mean and len(args) == 1 and args[0] is self
                and (not kwargs or _whole_sum(kwargs))):
            r = _mean_all(self)
            if r is not NotImplemented:
                return r
        return _generic_function(self, func, types, args, kwargs)
