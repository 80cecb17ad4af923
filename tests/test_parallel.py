"""workers=: process pools, executors' map and a real dask.distributed cluster."""
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

import numdiff as nd


def vec(x):
    """Module level, so process pools can pickle it."""
    return np.array([np.sin(x[0]) * x[1], np.exp(x[1] - x[2]), x[0] * x[2] ** 2])


def scal(x, a=1.0):
    return a * np.sum(np.cos(x) * x ** 2)


def broyden(x):
    return (3 - 2 * x) * x - np.r_[0, x[:-1]] - 2 * np.r_[x[1:], 0] + 1


X = np.array([0.3, -0.7, 1.1])

CALLS = [
    ("gradient", lambda w: nd.gradient(scal, X, workers=w, kwargs={"a": 2.0},
                                       full_output=True)),
    ("jacobian", lambda w: nd.jacobian(vec, X, workers=w, full_output=True)),
    ("adaptive jacobian", lambda w: nd.jacobian(vec, X, workers=w, adaptive=True,
                                                full_output=True)),
    ("hessian", lambda w: nd.hessian(scal, X, workers=w, full_output=True)),
    ("sparse jacobian", lambda w: nd.jacobian(
        broyden, np.linspace(-1, 0, 9), workers=w, full_output=True,
        sparsity=np.eye(9) + np.eye(9, k=1) + np.eye(9, k=-1))),
    ("complex gradient", lambda w: nd.gradient(scal, X, method="complex", workers=w,
                                               full_output=True)),
]


def same(a, b):
    (va, ia), (vb, ib) = a, b
    if sp.issparse(va):
        va, vb = va.toarray(), vb.toarray()
    np.testing.assert_allclose(va, vb, rtol=1e-13, atol=1e-15)
    assert ia.nfev == ib.nfev


@pytest.fixture(scope="module")
def serial():
    return {name: call(None) for name, call in CALLS}


@pytest.mark.parametrize("name, call", CALLS)
def test_thread_pool_map(name, call, serial):
    with ThreadPoolExecutor(2) as ex:
        same(call(ex.map), serial[name])


@pytest.mark.parametrize("name, call", CALLS)
def test_process_pool_map(name, call, serial):
    with ProcessPoolExecutor(2) as ex:
        same(call(ex.map), serial[name])


@pytest.mark.parametrize("name, call", CALLS[:2])
def test_numdiff_owned_pool(name, call, serial):
    same(call(2), serial[name])


def test_one_map_call_per_sweep_with_a_list_of_points():
    seen = []

    def recording_map(func, points):
        seen.append(type(points))
        return [func(p) for p in points]
    _, info = nd.jacobian(vec, X, workers=recording_map, full_output=True)
    assert seen and all(t is list for t in seen)
    # a fixed-step estimate: two sweeps (h and 2h) for a smooth f
    assert len(seen) <= 3


def test_evaluations_are_counted_by_numdiff_not_by_the_map():
    def lossy_map(func, points):
        return [func(p) for p in points][:-1]
    with pytest.raises(ValueError, match="one result per point"):
        nd.gradient(scal, X, workers=lossy_map)


def test_unpicklable_f_with_an_int_gives_the_rule():
    with pytest.raises(TypeError, match="picklable"):
        nd.gradient(lambda v: np.sum(v), X, workers=2)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("name, call", CALLS)
def test_dask_local_cluster(name, call, serial, dask_client):
    executor = dask_client.get_executor()
    same(call(executor.map), serial[name])
