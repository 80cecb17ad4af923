"""The Moré–Garbow–Hillstrom problems of ``numdiff.verify._mgh``.

Analytic derivatives against the complex step, shapes, the known minima and
the literature's f(x0).
"""
import numpy as np
import pytest

from numdiff.verify._mgh import PROBLEMS, Problem, get

H = 1e-30


def cs_jacobian(f, x):
    """Complex-step Jacobian: column j = imag(f(x + i h e_j)) / h."""
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        xc = x.astype(complex)
        xc[j] += 1j * H
        cols.append(np.imag(f(xc)) / H)
    return np.stack(cols, axis=-1)


def assert_close(actual, expected, rtol, floor=None):
    """Entrywise ``|a - e| <= rtol * sqrt(rowscale * colscale)`` (+ a tiny floor).

    The scales are the largest magnitudes of ``expected`` in the entry's row and
    column, so badly scaled problems (Meyer, Brown badly scaled) are checked
    column by column, not only against the largest entry.
    """
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    assert np.all(np.isfinite(actual))
    e = np.atleast_2d(np.abs(expected))
    scale = np.sqrt(e.max(axis=1, keepdims=True) * e.max(axis=0, keepdims=True))
    tol = rtol * scale + 1e-14 * (max(e.max(), 1e-300) if floor is None else floor)
    err = np.abs(np.atleast_2d(actual - expected))
    assert np.all(err <= tol), (err / np.maximum(scale, 1e-300)).max()


def points(p):
    """x0 and two deterministic random points near it."""
    rng = np.random.default_rng(1000 + p.number)
    x0 = np.array(p.x0)
    return [x0] + [x0 + 0.1 * (np.abs(x0) + 0.1) * rng.standard_normal(p.n)
                   for _ in range(2)]


ids = [f"{p.number:02d}-{p.name}" for p in PROBLEMS]


@pytest.mark.parametrize("p", PROBLEMS, ids=ids)
def test_derivatives_against_complex_step(p):
    for x in points(p):
        r = p.residual(x)
        jac = p.jacobian(x)
        hess = p.hess(x)
        # (d) shapes and dtypes
        assert r.shape == (p.m,) and jac.shape == (p.m, p.n) and hess.shape == (p.n, p.n)
        assert r.dtype == np.float64 and np.ndim(p.fun(x)) == 0
        # (a) Jacobian
        assert_close(jac, cs_jacobian(p.residual, x), 1e-10)
        # (b) gradient: 2 J^T F and the complex step of f
        g = p.grad(x)
        assert g.shape == (p.n,)
        assert np.all(np.abs(g - 2.0 * jac.T @ r) <= 1e-13 * (np.abs(jac.T) @ np.abs(r)))
        assert_close(g[None, :], cs_jacobian(p.fun, x)[None, :], 1e-10)
        # (c) Hessian: the complex step of the gradient, symmetric
        assert_close(hess, cs_jacobian(p.grad, x), 1e-8)
        np.testing.assert_array_equal(hess, hess.T)


@pytest.mark.parametrize("p", PROBLEMS, ids=ids)
def test_each_residual_hessian(p):
    # (c) the second derivatives of every residual on its own, so that small
    # residuals with tiny weights in hess f (penalty terms) are checked too
    for x in points(p):
        tensor = cs_jacobian(p.jacobian, x)          # [i, k, j] = d2 F_i / dx_k dx_j
        floor = np.abs(tensor).max()
        eye = np.eye(p.m)
        for i in range(p.m):
            assert_close(p.residual_hess_sum(x, eye[i]), tensor[i], 1e-8, floor)
        w = np.random.default_rng(p.number).standard_normal(p.m)
        assert_close(p.residual_hess_sum(x, w), np.tensordot(w, tensor, axes=1), 1e-8)


@pytest.mark.parametrize("p", PROBLEMS, ids=ids)
def test_complex_input_keeps_real_values(p):
    # a complex point with zero imaginary part gives the real results
    x = points(p)[1]
    xc = x.astype(complex)
    for name in ("residual", "jacobian", "fun", "grad", "hess"):
        real = getattr(p, name)(x)
        cplx = getattr(p, name)(xc)
        np.testing.assert_allclose(np.real(cplx), real, rtol=0,
                                   atol=1e-13 * np.max(np.abs(real)))
        np.testing.assert_array_equal(np.imag(cplx), 0.0)


@pytest.mark.parametrize("p", [p for p in PROBLEMS if p.xstar is not None],
                         ids=[i for p, i in zip(PROBLEMS, ids) if p.xstar is not None])
def test_minimum(p):
    # (e) f(x*) = f* and x* is stationary
    xs = p.xstar
    f = p.fun(xs)
    if p.fstar == 0.0:
        assert f <= 1e-20
    else:
        # the paper gives f* to 6 significant digits
        assert f == pytest.approx(p.fstar, rel=1e-5)
    jac = p.jacobian(xs)
    g = p.grad(xs)
    # cosine between each Jacobian column and F (first-order optimality)
    scale = 2.0 * np.linalg.norm(jac, axis=0) * np.sqrt(f)
    assert np.all(np.abs(g) <= 1e-7 * scale + 1e-8), np.abs(g) / np.maximum(scale, 1e-300)


def test_every_problem_has_a_minimum():
    for p in PROBLEMS:
        assert p.fstar is not None and p.fstar >= 0.0
        assert p.xstar is not None and p.xstar.shape == (p.n,)
        assert not p.xstar.flags.writeable


# (f) f(x0): (value, relative tolerance). Exact values follow from the
# definitions by hand; the 7-digit ones are the starting values tabulated by
# Moré and Wild (SIAM J. Optim. 20(1), 2009) for the same problems and sizes.
F_X0 = {
    1: (24.2, 1e-14),              # Rosenbrock
    2: (400.5, 1e-14),             # Freudenstein and Roth
    5: (14.203125, 1e-14),         # Beale
    6: (4171.306, 1e-7),           # Jennrich and Sampson, m = 10
    7: (2500.0, 1e-14),            # helical valley
    8: (41.68170, 1e-6),           # Bard
    10: (1.693608e9, 1e-6),        # Meyer
    12: (1031.154, 1e-6),          # Box 3-D, m = 10
    13: (215.0, 1e-14),            # Powell singular
    14: (19192.0, 1e-14),          # Wood
    15: (5.313172e-3, 1e-6),       # Kowalik and Osborne
    16: (7.926693e6, 1e-6),        # Brown and Dennis, m = 20
    19: (2.093420, 1e-6),          # Osborne 2
    20: (30.0, 1e-14),             # Watson: 29 residuals -1 and F_31 = -1 at x = 0
    21: (121.0, 1e-14),            # extended Rosenbrock, n = 10: 5 * 24.2
    22: (645.0, 1e-14),            # extended Powell singular, n = 12: 3 * 215
    25: (2198551.1625, 1e-14),     # variably dimensioned: 3.85 + 38.5^2 + 38.5^4
    27: (273.2480, 1e-6),          # Brown almost-linear, n = 10
    30: (21.0, 1e-14),             # Broyden tridiagonal: 8 * 1 + 2^2 + 3^2
    31: (360.0, 1e-14),            # Broyden banded: 10 * 6^2
    32: (50.0, 1e-14),             # linear full rank: 10 * 1 + 10 * 2^2
    33: (8658670.0, 1e-14),        # linear rank 1: sum (55 i - 1)^2, i = 1..20
    34: (4067996.0, 1e-14),        # zero columns and rows: 2 + sum (44 k - 1)^2, k = 1..18
    35: (3.861770e-2, 1e-6),       # Chebyquad, n = 8
}


@pytest.mark.parametrize("number", sorted(F_X0))
def test_f_at_x0(number):
    p = get(number)
    value, rel = F_X0[number]
    assert p.fun(p.x0) == pytest.approx(value, rel=rel)


def test_registry():
    # (g) 35 problems in number order, the square ones
    assert len(PROBLEMS) == 35
    assert [p.number for p in PROBLEMS] == list(range(1, 36))
    assert all(isinstance(p, Problem) for p in PROBLEMS)
    square = {p.number for p in PROBLEMS if p.square}
    assert square == {1, 2, 3, 7, 13, 21, 22, 26, 27, 28, 29, 30, 31, 35}
    sizes = {p.number: (p.n, p.m) for p in PROBLEMS}
    assert sizes == {
        1: (2, 2), 2: (2, 2), 3: (2, 2), 4: (2, 3), 5: (2, 3), 6: (2, 10), 7: (3, 3),
        8: (3, 15), 9: (3, 15), 10: (3, 16), 11: (3, 10), 12: (3, 10), 13: (4, 4),
        14: (4, 6), 15: (4, 11), 16: (4, 20), 17: (5, 33), 18: (6, 13), 19: (11, 65),
        20: (9, 31), 21: (10, 10), 22: (12, 12), 23: (10, 11), 24: (10, 20),
        25: (10, 12), 26: (10, 10), 27: (10, 10), 28: (10, 10), 29: (10, 10),
        30: (10, 10), 31: (10, 10), 32: (10, 20), 33: (10, 20), 34: (10, 20),
        35: (8, 8)}
    for p in PROBLEMS:
        assert p.x0.dtype == np.float64 and p.x0.shape == (p.n,)
        assert not p.x0.flags.writeable
        assert p.description
        assert get(p.number) is p and get(p.name) is p and get(p.name.upper()) is p


def test_get_errors_and_input_checks():
    assert get("box three-dimensional").number == 12
    assert get("ChebyQuad").number == 35
    with pytest.raises(KeyError):
        get(0)
    with pytest.raises(KeyError):
        get(36)
    with pytest.raises(KeyError):
        get("no such problem")
    with pytest.raises(TypeError):
        get(1.0)
    p = get(1)
    with pytest.raises(ValueError):
        p.fun(np.ones(3))
    assert p.fun([1, 1]) == 0.0                      # integer lists are accepted


def test_linear_minimum_values():
    # closed forms of [MGH81] for m = 20
    assert get(32).fstar == 10.0
    assert get(33).fstar == pytest.approx(380 / 82, rel=1e-15)
    assert get(34).fstar == pytest.approx(454 / 74, rel=1e-15)


def test_chebyquad_polynomials():
    # T_i(x) = cos(i arccos(2x - 1)) on [0, 1]
    p = get(35)
    x = np.linspace(0.05, 0.95, 8)
    integral = np.array([0.0 if i % 2 else -1.0 / (i * i - 1) for i in range(1, 9)])
    expected = np.array([np.mean(np.cos(i * np.arccos(2 * x - 1))) for i in range(1, 9)])
    np.testing.assert_allclose(p.residual(x), expected - integral, atol=1e-14)


def test_dual_numbers():
    # the same code runs on numdiff's dual numbers (__array_ufunc__/__array_function__)
    dual = pytest.importorskip("numdiff.dual")
    for p in PROBLEMS:
        x = points(p)[1]
        d = dual.DualArray(x, np.eye(p.n), tag=dual.new_tag())
        np.testing.assert_allclose(p.residual(d).partials, p.jacobian(x),
                                   rtol=1e-12, atol=1e-12 * np.abs(p.jacobian(x)).max())
        np.testing.assert_allclose(p.grad(d).partials, p.hess(x),
                                   rtol=1e-10, atol=1e-10 * np.abs(p.hess(x)).max())
