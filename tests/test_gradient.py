from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import numdiff as nd
from numdiff.verify._catalogue import VECTOR_SCALAR, VECTOR_VECTOR

GCASES = [pytest.param(f, g, x, id=f"{name}-{i}") for name, f, g, pts in VECTOR_SCALAR
          for i, x in enumerate(pts)]
JCASES = [pytest.param(f, J, x, id=f"{name}-{i}") for name, f, J, pts in VECTOR_VECTOR
          for i, x in enumerate(pts)]


def nrel(a, b):
    scale = np.max(np.abs(b))
    return np.max(np.abs(a - b)) / (scale if scale > 0 else 1.0)


def sumsq(x):
    return np.sum(np.asarray(x) ** 2)


@pytest.mark.parametrize("f, g, x", GCASES)
@pytest.mark.parametrize("method, tol", [("central", 1e-8), ("forward", 1e-6),
                                         ("backward", 1e-6)])
def test_gradient_accuracy(f, g, x, method, tol):
    assert nrel(nd.gradient(f, x, method=method), g(x)) <= tol


@pytest.mark.parametrize("f, g, x", GCASES)
def test_gradient_adaptive_honest(f, g, x):
    d, info = nd.gradient(f, x, adaptive=True, full_output=True)
    assert nrel(d, g(x)) <= 1e-9
    # the bar is statistical (>= 95% covered over the catalogue, see
    # verify); per case: most elements covered and none badly under-estimated
    err = np.abs(d - g(x))
    bound = info.error + 8 * np.spacing(np.max(np.abs(g(x))))
    assert np.mean(err <= bound) >= 0.9
    assert np.all(err <= 2 * bound)


@pytest.mark.parametrize("f, J, x", JCASES)
def test_jacobian_accuracy(f, J, x):
    assert nrel(nd.jacobian(f, x), J(x)) <= 1e-8
    d, info = nd.jacobian(f, x, adaptive=True, full_output=True)
    assert nrel(d, J(x)) <= 1e-9
    assert info.error.shape == d.shape


@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 1, 2)])
def test_gradient_shapes(shape):
    x = np.arange(1.0, 1.0 + int(np.prod(shape))).reshape(shape)
    g = nd.gradient(sumsq, x)
    assert g.shape == shape
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


@pytest.mark.parametrize("xshape, outshape", [((), ()), ((3,), ()), ((), (2,)), ((3,), (2,)),
                                              ((2, 2), (3,)), ((3,), (2, 2))])
def test_jacobian_shapes(xshape, outshape):
    x = np.linspace(0.1, 0.9, max(1, int(np.prod(xshape)))).reshape(xshape)
    A = np.arange(1.0, 1.0 + int(np.prod(outshape + xshape))).reshape(outshape + xshape)
    axes = list(range(len(outshape), len(outshape) + len(xshape)))

    def f(x):
        return np.tensordot(A, x, axes=(axes, list(range(len(xshape))))) if xshape else A * x
    J = nd.jacobian(f, x)
    assert J.shape == outshape + xshape
    np.testing.assert_allclose(J, A, rtol=1e-8)


def test_jacobian_of_scalar_function_is_gradient_shaped():
    J = nd.jacobian(sumsq, [1.0, 2.0, 3.0])
    assert J.shape == (3,)


@pytest.mark.parametrize("x", [[1, 2, 3], np.array([1, 2, 3], dtype=np.int32),
                               np.arange(6.0)[::2], np.array([1.0, 2.0, 3.0], dtype=np.float32)])
def test_gradient_input_kinds(x):
    g = nd.gradient(lambda v: np.sum(np.sin(v)), x)
    xf = np.asarray(x, dtype=np.float64)
    tol = 1e-3 if np.asarray(x).dtype == np.float32 else 1e-8
    np.testing.assert_allclose(g, np.cos(xf), rtol=tol)


def test_read_only_input_not_modified():
    x = np.array([0.5, 1.5])
    x.flags.writeable = False
    nd.gradient(sumsq, x)
    nd.jacobian(lambda v: v ** 2, x)
    assert np.array_equal(x, [0.5, 1.5])


def test_f_gets_fresh_arrays():
    kept = []

    def f(x):
        kept.append(x)
        return np.sum(x)
    nd.gradient(f, [1.0, 2.0])
    assert len({id(k) for k in kept}) == len(kept)
    assert all(k.shape == (2,) for k in kept)


def test_bounds_respected_in_gradient():
    lb, ub = np.array([0.0, -1.0]), np.array([1.0, 0.0])

    def f(x):
        assert np.all(x >= lb) and np.all(x <= ub), x
        return np.sum(np.exp(x))
    for x in ([0.0, 0.0], [1.0, -1.0], [0.5, -0.5]):
        for kw in ({}, {"adaptive": True}, {"full_output": True}):
            g = nd.gradient(f, x, bounds=(lb, ub), **kw)
            g = g[0] if isinstance(g, tuple) else g
            np.testing.assert_allclose(g, np.exp(x), rtol=1e-6)


def test_jvp_matches_jacobian():
    f, J, pts = VECTOR_VECTOR[0][1:]
    x = pts[1]
    v = np.linspace(-1, 1, x.size)
    np.testing.assert_allclose(nd.jvp(f, x, v), J(x) @ v, rtol=1e-8, atol=1e-10)
    d, info = nd.jvp(f, x, v, adaptive=True, full_output=True)
    np.testing.assert_allclose(d, J(x) @ v, rtol=1e-10, atol=1e-12)
    assert np.all(np.abs(d - J(x) @ v) <= info.error + 1e-13)


def test_jvp_scalar_function_and_zero_direction():
    x = np.array([1.0, 2.0])
    assert nd.jvp(sumsq, x, [1.0, 1.0]) == pytest.approx(6.0, rel=1e-8)
    assert nd.jvp(sumsq, x, [0.0, 0.0]) == 0.0


def test_vectorized_matches_serial():
    def f_batch(X):
        return np.sum(np.sin(X) * np.arange(1, X.shape[0] + 1)[:, None], axis=0)

    def f(x):
        return np.sum(np.sin(x) * np.arange(1, x.shape[0] + 1))
    x = np.linspace(0, 1, 7)
    calls = []

    def counted(X):
        calls.append(X.shape)
        return f_batch(X)
    g, info = nd.gradient(counted, x, vectorized=True, full_output=True)
    np.testing.assert_allclose(g, nd.gradient(f, x), rtol=1e-12)
    assert len(calls) <= 4     # f0, one sweep, one error sweep (and no more)
    assert info.nfev == sum(c[-1] for c in calls)


def test_vectorized_jacobian():
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    J = nd.jacobian(lambda X: A @ X, [0.5, 0.25], vectorized=True)
    np.testing.assert_allclose(J, A, rtol=1e-9)


def test_workers_map_like_callable():
    x = np.linspace(0, 1, 5)
    with ThreadPoolExecutor(2) as ex:
        g = nd.gradient(lambda v: np.sum(np.cos(v)), x, workers=ex.map)
    np.testing.assert_allclose(g, -np.sin(x), rtol=1e-8)


def test_workers_process_pool():
    x = np.linspace(0, 1, 4)
    g = nd.gradient(sumsq, x, workers=2)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8, atol=1e-12)


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-2, 2)))
def test_property_quadratic_gradient(x):
    A = np.diag(np.arange(1.0, x.size + 1))
    g = nd.gradient(lambda v: 0.5 * v @ A @ v, x)
    assert np.allclose(g, A @ x, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("kw", [{}, {"method": "forward"}])
def test_dense_jacobian_memory_peak_is_bounded(kw):
    import tracemalloc
    n = 600
    A = np.random.default_rng(0).standard_normal((n, n)) / n
    x = np.linspace(-1, 1, n)
    f = lambda v: np.tanh(A @ v)  # noqa: E731
    f(x)
    tracemalloc.start()
    try:
        J = nd.jacobian(f, x, **kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert J.shape == (n, n)
    # no temporaries of the Jacobian's size beyond the result itself
    assert peak <= 3 * J.nbytes


@pytest.mark.parametrize("kw", [{"full_output": True}, {"full_output": True,
                                                        "method": "forward"}])
def test_dense_jacobian_memory_with_error_estimates(kw):
    # error estimates need more arrays per variable: the engine works on
    # blocks of variables, so its temporaries stay small beside J and E
    import tracemalloc
    n = 2000
    c = np.linspace(1.0, 2.0, n)
    f = lambda v: np.sin(v) * c + np.cumsum(v) / n  # noqa: E731 (dense, cheap)
    x = np.linspace(-1, 1, n)
    f(x)
    tracemalloc.start()
    try:
        J, info = nd.jacobian(f, x, **kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert J.shape == (n, n) and info.error.shape == (n, n)
    # J and its error estimate, plus less than one more of their size
    assert peak <= 3 * J.nbytes
    T = np.diag(np.cos(x) * c) + np.tril(np.ones((n, n))) / n
    assert np.all(np.abs(J - T) <= info.error)
