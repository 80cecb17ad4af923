"""Sparse Jacobians: column colouring and grouped differences."""
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import numdiff as nd
from numdiff.differentiate import column_groups
from numdiff.differentiate._colouring import colour_columns


def broyden(x):
    """Broyden tridiagonal function (Moré, Garbow and Hillstrom 1981)."""
    return (3 - 2 * x) * x - np.r_[0, x[:-1]] - 2 * np.r_[x[1:], 0] + 1


def broyden_jac(x):
    n = x.size
    return np.diag(3 - 4 * x) - np.eye(n, k=-1) - 2 * np.eye(n, k=1)


def tridiagonal(n):
    return np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)


def valid(S, groups):
    S = sp.csr_array(S)
    for r in range(S.shape[0]):
        cols = S.indices[S.indptr[r]:S.indptr[r + 1]]
        if len(set(groups[cols])) != cols.size:
            return False
    return True


@pytest.mark.parametrize("n", [3, 10, 1000])
def test_tridiagonal_takes_three_groups_and_seven_evaluations(n):
    S = tridiagonal(n)
    g = column_groups(S)
    assert g.max() + 1 == 3 and valid(S, g)
    x = np.linspace(-1, 0, n)
    calls = []
    J = nd.jacobian(lambda v: calls.append(1) or broyden(v), x, sparsity=S)
    assert isinstance(J, sp.csr_array) and J.shape == (n, n) and J.nnz == 3 * n - 2
    assert len(calls) == 7
    np.testing.assert_allclose(J.toarray(), broyden_jac(x), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("kw", [{}, {"method": "forward"}, {"order": 4}, {"adaptive": True}])
def test_error_estimates_cover(kw):
    x = np.linspace(-1, 0, 60)
    J, info = nd.jacobian(broyden, x, sparsity=sp.csr_array(tridiagonal(60)),
                          full_output=True, **kw)
    T = broyden_jac(x)
    assert isinstance(info.error, sp.csr_array)
    E = info.error.toarray()
    assert np.all(np.abs(J.toarray() - T)[T != 0] <= E[T != 0])
    assert info.success and info.step.shape == x.shape


def test_groups_can_be_reused_and_are_checked():
    S = tridiagonal(20)
    g = column_groups(S)
    x = np.linspace(-1, 0, 20)
    J1 = nd.jacobian(broyden, x, sparsity=S)
    J2 = nd.jacobian(broyden, x, sparsity=(S, g))
    np.testing.assert_array_equal(J1.toarray(), J2.toarray())
    with pytest.raises(ValueError, match="same row|row"):
        nd.jacobian(broyden, x, sparsity=(S, np.zeros(20, dtype=int)))
    with pytest.raises(ValueError, match="one per column"):
        nd.jacobian(broyden, x, sparsity=(S, g[:5]))


def test_members_at_opposite_bounds_share_a_direction_with_room():
    f = lambda v: np.sqrt(v + 0.1)  # noqa: E731
    J, info = nd.jacobian(f, [0.0, 1.0], sparsity=np.eye(2), bounds=([0, 0], [1, 1]),
                          full_output=True)
    np.testing.assert_allclose(J.diagonal(), 0.5 / np.sqrt([0.1, 1.1]), rtol=1e-6)
    F = lambda v: np.sum((v + 0.1) ** 1.5)  # noqa: E731
    g = lambda v: 1.5 * np.sqrt(v + 0.1)  # noqa: E731
    H = nd.hessian(F, [0.0, 1.0], grad=g, sparsity=np.eye(2), bounds=([0, 0], [1, 1]))
    np.testing.assert_allclose(H.diagonal(), 0.75 / np.sqrt([0.1, 1.1]), rtol=1e-6)


@pytest.mark.parametrize("labels", [[1, 1, 2], [0, 5, 1], [0, 1, 10 ** 6], [0, 1, 2 ** 40]])
def test_any_group_labels_are_renumbered(labels):
    S = [[1, 0, 0], [0, 1, 0], [1, 0, 1]]
    f = lambda v: np.array([v[0] ** 2, v[1] ** 3, v[2] * v[0]])  # noqa: E731
    calls = []
    J = nd.jacobian(lambda v: calls.append(1) or f(v), [1.0, 2.0, 3.0], sparsity=(S, labels))
    np.testing.assert_allclose(J.toarray(), [[2, 0, 0], [0, 12, 0], [3, 0, 1]], atol=1e-8)
    assert len(calls) <= 7


def test_stored_zeros_are_not_structure():
    S = sp.csr_array(np.eye(4))
    S.data[1] = 0.0
    J = nd.jacobian(lambda v: v ** 2, np.ones(4), sparsity=S)
    assert J.nnz == 3


def test_structure_is_exactly_the_output_pattern():
    # a structural nonzero whose value is zero stays stored; a zero is never added
    S = tridiagonal(8)
    S[0, 7] = 1
    J = nd.jacobian(broyden, np.zeros(8), sparsity=S)
    assert J.nnz == 3 * 8 - 2 + 1 and J[0, 7] == 0.0


def test_bad_sparsity():
    x = np.zeros(5)
    with pytest.raises(ValueError, match="columns"):
        nd.jacobian(broyden, x, sparsity=tridiagonal(6))
    with pytest.raises(ValueError, match="rows"):
        nd.jacobian(broyden, x, sparsity=np.ones((4, 5)))
    with pytest.raises(ValueError, match="2-D"):
        nd.jacobian(broyden, x, sparsity=np.ones(5))
    with pytest.raises(TypeError, match="sparsity"):
        nd.jacobian(broyden, x, sparsity=object())
    with pytest.raises(ValueError, match="method"):
        nd.jacobian(broyden, x, sparsity=tridiagonal(5), method="complex")


def test_bounds_vectorized_workers_float32():
    n = 12
    S = tridiagonal(n)
    x = np.linspace(0, 1, n)
    lb, ub = np.zeros(n), np.ones(n)
    seen = []

    def f(v):
        seen.append(v.copy())
        return broyden(v)
    J = nd.jacobian(f, x, sparsity=S, bounds=(lb, ub))
    pts = np.array(seen)
    assert np.all(pts >= lb) and np.all(pts <= ub)
    np.testing.assert_allclose(J.toarray(), broyden_jac(x), atol=1e-6)

    def fv(X):
        return np.stack([broyden(X[:, k]) for k in range(X.shape[1])], axis=-1)
    Jv = nd.jacobian(fv, x, sparsity=S, vectorized=True)
    Jw = nd.jacobian(broyden, x, sparsity=S, workers=lambda fn, pts: map(fn, pts))
    J0 = nd.jacobian(broyden, x, sparsity=S)
    np.testing.assert_allclose(Jv.toarray(), J0.toarray(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(Jw.toarray(), J0.toarray(), rtol=1e-12, atol=1e-14)
    J32 = nd.jacobian(broyden, x.astype(np.float32), sparsity=S)
    assert J32.dtype == np.float32
    np.testing.assert_allclose(J32.toarray(), broyden_jac(x), atol=2e-2)


def test_colouring_beats_or_matches_scipy_on_random_patterns():
    from scipy.optimize._numdiff import group_columns
    rng = np.random.default_rng(0)
    for seed in range(5):
        S = sp.random(80, 60, density=0.05, random_state=seed, format="csr")
        S.data[:] = 1
        g = column_groups(S)
        assert valid(S, g)
        assert g.max() + 1 <= group_columns(S).max() + 1
        # never fewer groups than the densest row
        assert g.max() + 1 >= np.max(np.diff(S.indptr))
    assert rng is not None


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.floats(0.0, 0.5), st.integers(0, 10 ** 6))
def test_property_colouring_is_valid(m, n, density, seed):
    S = sp.random(m, n, density=density, random_state=seed, format="csr")
    S.data[:] = 1
    C = S.tocsc()
    for orderings in (("natural",), ("largest-first",), ("smallest-last",)):
        g, name = colour_columns(C.indptr.astype(np.intp), C.indices.astype(np.intp),
                                 S.indptr.astype(np.intp), S.indices.astype(np.intp),
                                 orderings)
        assert name == orderings[0] and g.shape == (n,) and valid(S, g)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 15), st.integers(0, 10 ** 6))
def test_property_sparse_equals_dense_on_the_pattern(n, seed):
    rng = np.random.default_rng(seed)
    A = (rng.random((n, n)) < 0.3) * rng.standard_normal((n, n))
    f = lambda v: np.sin(A @ v) + v ** 2  # noqa: E731
    S = (A != 0) | np.eye(n, dtype=bool)
    x = rng.uniform(-1, 1, n)
    Js = nd.jacobian(f, x, sparsity=S).toarray()
    Jd = nd.jacobian(f, x)
    np.testing.assert_allclose(Js, np.where(S, Jd, 0.0), rtol=1e-6, atol=1e-8)
