import numpy as np
import pytest

import numdiff as nd
from numdiff.verify._catalogue import VECTOR_SCALAR, _rosen, _rosen_grad


def rosen_hess(x):
    n = x.size
    H = np.zeros((n, n))
    H[np.arange(n - 1), np.arange(n - 1)] = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    H[np.arange(1, n), np.arange(1, n)] += 200
    H[np.arange(n - 1), np.arange(1, n)] = -400 * x[:-1]
    H[np.arange(1, n), np.arange(n - 1)] = -400 * x[:-1]
    return H


@pytest.mark.parametrize("n", [2, 5, 20])
def test_dual_hessian_exact_and_symmetric(n):
    x = np.linspace(-1.2, 1.3, n)
    H = nd.hessian(_rosen, x, method="dual")
    assert np.array_equal(H, H.T)
    np.testing.assert_allclose(H, rosen_hess(x), rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(nd.hessian_diag(_rosen, x, method="dual"),
                               np.diag(rosen_hess(x)), rtol=1e-14)
    v = np.linspace(1, -1, n)
    np.testing.assert_allclose(nd.hvp(_rosen, x, v, method="dual"), rosen_hess(x) @ v,
                               rtol=1e-13, atol=1e-11)


def test_dual_hessian_chunks_agree():
    x = np.linspace(-1.2, 1.3, 7)
    H1 = nd.hessian(_rosen, x, method="dual", chunk_size=2)
    H2 = nd.hessian(_rosen, x, method="dual")
    np.testing.assert_allclose(H1, H2, rtol=1e-15)


@pytest.mark.parametrize("method, tol", [("central", 1e-7), ("complex", 1e-13)])
def test_hessian_from_grad(method, tol):
    x = np.linspace(-1.2, 1.3, 6)
    H, info = nd.hessian(_rosen, x, grad=_rosen_grad, method=method, full_output=True)
    assert np.array_equal(H, H.T)
    exact = rosen_hess(x)
    np.testing.assert_allclose(H, exact, rtol=tol, atol=tol * np.max(np.abs(exact)))
    if method == "central":
        assert np.all(np.abs(H - exact) <= info.error + 1e-9)


def test_hessian_shapes():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    H = nd.hessian(lambda v: np.sum(v ** 3), x, method="dual")
    assert H.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H.reshape(6, 6), np.diag(6 * x.ravel()))


def test_second_order_needs_dual_or_grad():
    with pytest.raises(ValueError, match="method='dual'"):
        nd.hvp(_rosen, [1.0, 2.0], [1.0, 0.0], method="complex")
    H = nd.hessian(_rosen, [1.0, 2.0], method="complex", sparsity=np.eye(2) + np.eye(2, k=1))
    np.testing.assert_allclose(H.toarray(), rosen_hess(np.array([1.0, 2.0])), rtol=1e-7)


@pytest.mark.parametrize("f, g, x", [pytest.param(f, g, x, id=f"{n}-{i}")
                                     for n, f, g, pts in VECTOR_SCALAR
                                     for i, x in enumerate(pts)])
def test_dual_hessian_matches_jacobian_of_gradient(f, g, x):
    H = nd.hessian(f, x, method="dual")
    Hg = nd.jacobian(g, x, method="complex")
    np.testing.assert_allclose(H, Hg, rtol=1e-12, atol=1e-12 * max(1.0, np.max(np.abs(Hg))))


def test_dual_hessian_from_dual_safe_grad():
    def grad(x):
        # written with stack/concatenate, so it runs on dual numbers
        inner = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
        outer = 200 * (x[1:] - x[:-1] ** 2)
        return (np.concatenate([inner, np.zeros(1)])
                + np.concatenate([np.zeros(1), outer]))
    x = np.linspace(-1.2, 1.3, 5)
    np.testing.assert_allclose(nd.hessian(_rosen, x, grad=grad, method="dual"),
                               rosen_hess(x), rtol=1e-14, atol=1e-12)
