"""The compiled dispatch of ``DualCore`` agrees with the Python rule table.

Operators, ufuncs, ``np.sum`` and indexing of plain duals take the compiled
path of ``numdiff/dual/_core.pyx``; ``_generic_ufunc`` is the reference
implementation. Every operand combination (dual, number, numpy scalar,
numeric array, broadcasting shapes, float32) must give the same values,
partials, shapes, dtypes and classes on both paths.
"""
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numdiff.dual._array import DualArray, DualScalar, _generic_ufunc, _index, _make

OPS = [(operator.add, np.add), (operator.sub, np.subtract), (operator.mul, np.multiply),
       (operator.truediv, np.true_divide)]

SHAPES = [(), (3,), (2, 3), (1, 3), (2, 1)]


def dual(shape, k=4, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.5, 2.0, shape).astype(dtype)
    p = rng.standard_normal(shape + (k,)).astype(dtype)
    return _make(v if shape else v[()], p, 7)


def same(a, b):
    assert type(a) is type(b)
    av, bv = np.asarray(a.value), np.asarray(b.value)
    assert av.shape == bv.shape and av.dtype == bv.dtype
    assert np.asarray(a.partials).shape == np.asarray(b.partials).shape
    assert a.partials.dtype == b.partials.dtype
    # the two paths may order a product differently: a few roundings apart
    rtol = 8 * np.finfo(av.dtype).eps
    np.testing.assert_allclose(av, bv, rtol=rtol, atol=0)
    # sums (matmul) may cancel: rounding is relative to the largest entry
    scale = float(np.max(np.abs(b.partials), initial=0.0))
    np.testing.assert_allclose(a.partials, b.partials, rtol=rtol, atol=rtol * scale + 1e-300)
    assert a.tag == b.tag


def constants(shape):
    rng = np.random.default_rng(1)
    return [2.5, 3, np.float64(1.5), np.float32(0.75), np.int64(2),
            rng.uniform(0.5, 2, shape), rng.integers(1, 4, shape),
            rng.uniform(0.5, 2, (2,) + shape)]


@pytest.mark.parametrize("op, ufunc", OPS)
@pytest.mark.parametrize("sa", SHAPES)
@pytest.mark.parametrize("sb", SHAPES)
def test_dual_with_dual(op, ufunc, sa, sb):
    a, b = dual(sa, seed=1), dual(sb, seed=2)
    same(op(a, b), _generic_ufunc(None, ufunc, "__call__", (a, b), {}))
    same(ufunc(a, b), _generic_ufunc(None, ufunc, "__call__", (a, b), {}))


@pytest.mark.parametrize("op, ufunc", OPS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ci", range(8))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dual_with_constant(op, ufunc, shape, ci, dtype):
    a = dual(shape, dtype=dtype)
    c = constants(shape)[ci]
    same(op(a, c), _generic_ufunc(None, ufunc, "__call__", (a, c), {}))
    same(op(c, a), _generic_ufunc(None, ufunc, "__call__", (c, a), {}))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 0.5, 2.5, np.float64(2.0), 2.0])
def test_power_number(shape, k):
    a = dual(shape)
    same(a ** k, _generic_ufunc(None, np.power, "__call__", (a, k), {}))
    same(np.power(a, k), _generic_ufunc(None, np.power, "__call__", (a, k), {}))


def test_power_at_zero_keeps_the_documented_values():
    a = _make(np.array([0.0, 1.0]), np.eye(2), 7)
    np.testing.assert_array_equal((a ** 2).partials, [[0.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal((a ** 0).partials, np.zeros((2, 2)))
    np.testing.assert_array_equal((a ** 1).partials, np.eye(2))


@pytest.mark.parametrize("ufunc", [np.sin, np.exp, np.log, np.sqrt, np.tanh, np.negative,
                                   np.square, np.absolute, np.arctan, np.log1p])
@pytest.mark.parametrize("shape", SHAPES)
def test_unary(ufunc, shape):
    a = dual(shape)
    same(ufunc(a), _generic_ufunc(None, ufunc, "__call__", (a,), {}))
    if ufunc is np.negative:
        same(-a, _generic_ufunc(None, ufunc, "__call__", (a,), {}))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (1, 3)])
def test_sum(shape):
    a = dual(shape)
    s = np.sum(a)
    assert type(s) is DualScalar
    np.testing.assert_allclose(s.value, a.value.sum(), rtol=1e-15)
    np.testing.assert_allclose(s.partials, a.partials.reshape(-1, 4).sum(0), rtol=1e-14)
    same(np.sum(a, axis=None), s)
    same(a.sum(), s)


@pytest.mark.parametrize("key", [1, -1, slice(1, None), slice(None, -1), (Ellipsis, 0),
                                 (0, Ellipsis), np.array([0, 2]), (slice(None), None)])
def test_index(key):
    a = dual((3, 3))
    ref = _index(a, key)
    same(a[key], ref)


def test_index_with_an_array_and_ellipsis_in_a_tuple():
    # an ndarray inside the key must not be compared with Ellipsis by ==
    a = dual((3, 3))
    key = (np.array([0, 2]), Ellipsis)
    same(a[key], _index(a, key))


def test_other_tags_and_nesting_go_the_python_way():
    inner = _make(np.array([1.0, 2.0]), np.eye(2), 3)
    outer = _make(inner, _make(np.ones((2, 1)), np.zeros((2, 1, 2)), 3), 9)
    y = outer * outer
    assert type(y.value) is DualArray and y.value.tag == 3 and y.tag == 9
    z = inner * dual((2,))       # different tags: the larger one is active
    assert z.tag == 7


def test_bool_is_not_a_number_operand():
    a = dual((3,))
    same(a * True, _generic_ufunc(None, np.multiply, "__call__", (a, True), {}))


@given(st.sampled_from(OPS), st.sampled_from(SHAPES), st.sampled_from(SHAPES),
       st.floats(-1e3, 1e3).filter(lambda c: abs(c) > 1e-6), st.integers(0, 1000))
def test_property_operations_agree(op_ufunc, sa, sb, c, seed):
    op, ufunc = op_ufunc
    a, b = dual(sa, seed=seed), dual(sb, seed=seed + 1)
    same(op(a, b), _generic_ufunc(None, ufunc, "__call__", (a, b), {}))
    same(op(a, c), _generic_ufunc(None, ufunc, "__call__", (a, c), {}))
    same(op(c, b), _generic_ufunc(None, ufunc, "__call__", (c, b), {}))


def test_results_are_the_public_classes():
    a = dual((3,))
    assert type(a + a) is DualArray and type((a + a)[0]) is DualScalar
    assert isinstance(a, DualArray) and not hasattr(np.sum(a), "__getitem__")


MM_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
             ((1, 3), (3, 1))]


@pytest.mark.parametrize("sa, sb", MM_SHAPES)
@pytest.mark.parametrize("which", ["both", "left", "right", "int-const"])
def test_matmul(sa, sb, which):
    a, b = dual(sa, seed=3), dual(sb, seed=4)
    if which == "left":
        b = np.random.default_rng(5).standard_normal(sb)
    elif which == "right":
        a = np.random.default_rng(5).standard_normal(sa)
    elif which == "int-const":
        b = np.random.default_rng(5).integers(-3, 4, sb)
    ref = _generic_ufunc(None, np.matmul, "__call__", (a, b), {})
    same(a @ b, ref)
    same(np.matmul(a, b), ref)


def test_matmul_of_other_shapes_goes_the_python_way():
    a, b = dual((2, 2, 3)), dual((3, 2))
    same(a @ b, _generic_ufunc(None, np.matmul, "__call__", (a, b), {}))


@pytest.mark.parametrize("shape", [(12,), (3, 4), (2, 6)])
def test_reshape_and_mean(shape):
    a = dual((2, 6))
    r = a.reshape(shape)
    assert r.shape == shape and r.partials.shape == shape + (4,)
    np.testing.assert_array_equal(r.partials.reshape(-1, 4), a.partials.reshape(-1, 4))
    same(a.reshape(list(shape)), r)
    m = np.mean(a)
    np.testing.assert_allclose(m.partials, a.partials.reshape(-1, 4).mean(0), rtol=1e-15)
    same(a.mean(), m)
