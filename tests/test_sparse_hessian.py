"""Sparse Hessians: star colouring, recovery, and every way to get products."""
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import numdiff as nd
from numdiff.differentiate import star_groups
from numdiff.differentiate._sparse_hessian import _check_star, hessian_structure, recover
from numdiff.verify._catalogue import _rosen, _rosen_grad

from test_second import rosen_hess


def band(n, b):
    return sum(np.eye(n, k=k) for k in range(-b, b + 1))


def banded_f(b):
    """A non-polynomial function whose Hessian has half-bandwidth b."""
    def f(x):
        s = np.sum(np.cos(x) * x ** 2)
        for k in range(1, b + 1):
            s = s + np.sum(np.exp(0.3 * x[:-k] * x[k:]))
        return s
    return f


@pytest.mark.parametrize("n, b", [(10, 1), (50, 2), (300, 3)])
def test_band_needs_2b_plus_1_colours_whatever_n(n, b):
    c = star_groups(band(n, b))
    assert c.max() + 1 == 2 * b + 1


def test_arrow_needs_two_colours():
    A = np.eye(30)
    A[0, :] = A[:, 0] = 1
    assert star_groups(A).max() + 1 == 2


@pytest.mark.parametrize("kw, tol", [({"method": "dual"}, 1e-14),
                                     ({"grad": _rosen_grad}, 1e-8),
                                     ({"grad": _rosen_grad, "method": "complex"}, 1e-14),
                                     ({}, 1e-6), ({"order": 4}, 1e-8)])
def test_rosenbrock(kw, tol):
    n = 40
    x = np.linspace(-1.2, 1.3, n)
    H, info = nd.hessian(_rosen, x, sparsity=band(n, 1), full_output=True, **kw)
    assert isinstance(H, sp.csr_array) and H.shape == (n, n) and H.nnz == 3 * n - 2
    A = H.toarray()
    T = rosen_hess(x)
    assert np.array_equal(A, A.T)
    np.testing.assert_allclose(A, T, rtol=tol, atol=tol * np.max(np.abs(T)))
    assert isinstance(info.error, sp.csr_array)
    on = band(n, 1) != 0
    covered = np.abs(A - T)[on] <= info.error.toarray()[on] + 1e-15 * np.max(np.abs(T))
    # second differences of f alone: the fixed-step estimates' measured
    # coverage (verify: 0.99 over the catalogue); products: every entry
    assert covered.mean() >= (0.95 if "grad" not in kw and "method" not in kw else 1.0)


@pytest.mark.parametrize("n", [20, 200])
def test_cost_does_not_grow_with_n(n):
    b = 2
    f = banded_f(b)
    x = np.linspace(-1, 1, n)
    g = lambda v: nd.gradient(f, v, method="dual")  # noqa: E731
    calls = []
    H = nd.hessian(f, x, sparsity=band(n, b), grad=lambda v: calls.append(1) or g(v))
    # 2b + 1 colours, two gradients each, plus the gradient at x
    assert len(calls) == 2 * (2 * b + 1) + 1
    T = nd.hessian(f, x, method="dual")
    np.testing.assert_allclose(H.toarray(), T, rtol=1e-7, atol=1e-7 * np.max(np.abs(T)))
    calls.clear()
    Hd = nd.hessian(lambda v: calls.append(1) or f(v), x, sparsity=band(n, b),
                    method="dual")
    np.testing.assert_allclose(Hd.toarray(), T, rtol=1e-13, atol=1e-13 * np.max(np.abs(T)))


def test_values_only_difference_the_structure_pairs():
    n, b = 30, 1
    f = banded_f(b)
    x = np.linspace(-1, 1, n)
    calls = []
    H = nd.hessian(lambda v: calls.append(1) or f(v), x, sparsity=band(n, b), step=1e-4)
    # n diagonal directions and n - 1 pairs, two points each, plus f(x)
    assert len(calls) == 2 * (n + n - 1) + 1
    T = nd.hessian(f, x, method="dual")
    np.testing.assert_allclose(H.toarray(), T, rtol=1e-5, atol=1e-6)


def test_colours_can_be_reused_and_are_checked():
    n = 12
    S = band(n, 1)
    c = star_groups(S)
    x = np.linspace(-1, 1, n)
    H1 = nd.hessian(_rosen, x, sparsity=(S, c), grad=_rosen_grad)
    H2 = nd.hessian(_rosen, x, sparsity=S, grad=_rosen_grad)
    np.testing.assert_array_equal(H1.toarray(), H2.toarray())
    with pytest.raises(ValueError, match="neighbours"):
        nd.hessian(_rosen, x, sparsity=(S, np.zeros(n, dtype=int)), grad=_rosen_grad)
    with pytest.raises(ValueError, match="shape"):
        nd.hessian(_rosen, x, sparsity=band(n + 1, 1))


def test_structure_is_symmetrised_with_its_diagonal():
    n = 6
    upper = np.triu(band(n, 1), 1)              # only the superdiagonal given
    S, _ = hessian_structure(upper, n)
    assert S.nnz == 3 * n - 2


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 25), st.floats(0.05, 0.5), st.integers(0, 10 ** 6))
def test_property_star_colouring_recovers_random_symmetric_matrices(n, density, seed):
    rng = np.random.default_rng(seed)
    M = sp.random(n, n, density=density, random_state=seed, format="csr")
    M = (M + M.T).toarray() + np.diag(rng.uniform(1, 2, n))
    S, _ = hessian_structure(M != 0, n)
    c = star_groups(S)
    _check_star(S, c)
    k = c.max() + 1
    d = np.zeros((k, n))
    d[c, np.arange(n)] = 1
    P = d @ M                                  # rows: (M d_c)^T = M d_c (symmetric)
    H, _ = recover(S, c, P)
    np.testing.assert_allclose(H.toarray(), M, rtol=1e-12, atol=1e-12)
