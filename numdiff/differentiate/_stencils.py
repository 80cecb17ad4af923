"""Finite-difference stencils: offsets, weights and error expansions.

A stencil is a set of integer offsets ``c_k`` and weights ``w_k`` such that

    f^(n)(x) ~= sum_k w_k f(x + c_k h) / h**n

with a truncation error ``C h**p f^(n+p)(x) + ...``. Weights come from
Fornberg's recursion evaluated in exact rational arithmetic, so they are
correctly rounded whatever the order.
"""
from fractions import Fraction
from functools import lru_cache
from math import factorial

import numpy as np

__all__ = ["Stencil", "fornberg_weights", "get_stencil"]


def fornberg_weights(offsets, n):
    """Weights of the ``n``-th derivative at 0 on the grid ``offsets``.

    Fornberg's recursion (Fornberg 1988, *Math. Comp.* 51, 699-706),
    evaluated with :class:`fractions.Fraction`, so the weights are exact.

    Parameters
    ----------
    offsets : sequence of int or Fraction
        Distinct grid points, in units of the step.
    n : int
        Derivative order, ``0 <= n < len(offsets)``.

    Returns
    -------
    list of Fraction
        ``w`` with ``sum(w[k] * g(offsets[k])) == g^(n)(0)`` for every
        polynomial ``g`` of degree ``< len(offsets)``.

    References
    ----------
    .. [1] B. Fornberg, "Generation of finite difference formulas on
       arbitrarily spaced grids", Math. Comp. 51 (1988), 699-706.

    Examples
    --------
    >>> from numdiff.differentiate import fornberg_weights
    >>> [str(w) for w in fornberg_weights([-2, -1, 0, 1, 2], 1)]
    ['1/12', '-2/3', '0', '2/3', '-1/12']
    >>> [str(w) for w in fornberg_weights([0, 1, 2], 2)]
    ['1', '-2', '1']
    """
    z = [Fraction(c) for c in offsets]
    npts = len(z)
    if not 0 <= n < npts:
        raise ValueError("n must satisfy 0 <= n < len(offsets)")
    # c[k][m]: weight of point k for derivative m, updated one point at a time.
    c = [[Fraction(0)] * (n + 1) for _ in range(npts)]
    c[0][0] = Fraction(1)
    c1 = Fraction(1)
    for i in range(1, npts):
        c2 = Fraction(1)
        for j in range(i):
            c3 = z[i] - z[j]
            c2 *= c3
            for m in range(min(i, n), -1, -1):
                prev = c[i - 1][m - 1] if m > 0 else Fraction(0)
                c[i][m] = c1 * (m * prev - z[i - 1] * c[i - 1][m]) / c2
            for m in range(min(i, n), -1, -1):
                prev = c[j][m - 1] if m > 0 else Fraction(0)
                c[j][m] = (z[i] * c[j][m] - m * prev) / c3
        c1 = c2
    return [c[k][n] for k in range(npts)]


class Stencil:
    """A finite-difference stencil for one derivative order.

    Attributes
    ----------
    kind : {"central", "forward", "backward"}
    n : int
        Derivative order.
    order : int
        Accuracy order ``p`` (truncation error ``O(h**p)``).
    offsets, weights : ndarray
        Points (in units of the step) with a non-zero weight, and their
        weights.
    w0 : float
        Weight of the centre point (``0.0`` when it is not used).
    exponent_step : int
        Spacing of the powers of ``h`` in the error expansion: 2 for
        central stencils (``h**p, h**(p+2), ...``), 1 otherwise.
    error_constant : float
        ``C`` in the leading truncation term ``C h**p f^(n+p)``.
    abs_weight_sum : float
        ``sum |w_k|``, which multiplies the rounding error of ``f``.
    reach : int
        Largest ``|offset|``.
    """

    __slots__ = ("kind", "n", "order", "offsets", "weights", "w0",
                 "exponent_step", "error_constant", "abs_weight_sum", "reach",
                 "reach_below", "reach_above",
                 "nonzero_offsets", "nonzero_weights", "curvature_weights",
                 "curvature_w0", "curvature_order", "curvature_weight_ratio")

    def __init__(self, kind, n, order):
        self.kind = kind
        self.n = n
        self.order = order
        if kind == "central":
            half = (2 * ((n + 1) // 2) - 1 + order) // 2
            pts = list(range(-half, half + 1))
            self.exponent_step = 2
        elif kind == "forward":
            pts = list(range(0, n + order))
            self.exponent_step = 1
        elif kind == "backward":
            pts = list(range(-(n + order) + 1, 1))
            self.exponent_step = 1
        else:  # pragma: no cover - guarded by validation
            raise ValueError(kind)
        w = fornberg_weights(pts, n)
        lead = sum(wk * Fraction(ck) ** (n + order) for wk, ck in zip(w, pts))
        self.error_constant = float(lead / factorial(n + order))
        self.abs_weight_sum = float(sum(abs(wk) for wk in w))
        keep = [(ck, wk) for ck, wk in zip(pts, w) if wk != 0]
        self.offsets = np.array([float(ck) for ck, _ in keep])
        self.weights = np.array([float(wk) for _, wk in keep])
        self.w0 = float(sum(wk for ck, wk in keep if ck == 0))
        nz = [(ck, wk) for ck, wk in keep if ck != 0]
        self.nonzero_offsets = np.array([float(ck) for ck, _ in nz])
        self.nonzero_weights = np.array([float(wk) for _, wk in nz])
        self.reach = max(abs(c) for c in pts)
        #: how far the stencil reaches below and above x, in steps
        self.reach_below = float(-min(0.0, min(pts)))
        self.reach_above = float(max(0.0, max(pts)))
        # Weights of a neighbouring derivative (order n+1 for n == 1, n-1
        # otherwise) on the same points: the curvature check of the default
        # step rule gets the ratio of successive derivatives for free from
        # the values already computed.
        self.curvature_weights = None
        self.curvature_w0 = 0.0
        self.curvature_order = None
        self.curvature_weight_ratio = 0.0
        a = n + 1 if n == 1 else n - 1
        if a < len(pts):
            q = dict(zip(pts, fornberg_weights(pts, a)))
            self.curvature_order = a
            self.curvature_weights = np.array([float(q[int(c)]) for c in self.nonzero_offsets])
            self.curvature_w0 = float(q.get(0, 0))
            # sum |q| / sum |w|: converts the rounding sum of the derivative
            # into that of the neighbouring one
            self.curvature_weight_ratio = float(sum(abs(v) for v in q.values())) / float(
                sum(abs(wk) for wk in w))

    def optimal_step(self, eps):
        """Step minimising ``eps*W/h**n + |C| h**p`` for a unit-scale ``f``.

        ``eps`` is the relative accuracy of the function values, ``W`` the
        sum of the absolute weights and ``C`` the error constant.
        """
        n, p = self.n, self.order
        return (n * eps * self.abs_weight_sum / (p * abs(self.error_constant))) ** (1.0 / (n + p))

    def __repr__(self):
        return f"Stencil(kind={self.kind!r}, n={self.n}, order={self.order})"


@lru_cache(maxsize=256)
def get_stencil(kind, n, order):
    """Cached :class:`Stencil` for ``kind``, derivative ``n`` and ``order``."""
    return Stencil(kind, n, order)
