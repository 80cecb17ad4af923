from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numdiff.differentiate import fornberg_weights
from numdiff.differentiate._stencils import get_stencil


def test_known_weights():
    assert fornberg_weights([-1, 0, 1], 1) == [Fraction(-1, 2), 0, Fraction(1, 2)]
    assert fornberg_weights([-1, 0, 1], 2) == [1, -2, 1]
    assert fornberg_weights([0, 1, 2], 1) == [Fraction(-3, 2), 2, Fraction(-1, 2)]
    assert fornberg_weights([-2, -1, 0, 1, 2], 1) == [
        Fraction(1, 12), Fraction(-2, 3), 0, Fraction(2, 3), Fraction(-1, 12)]


@given(st.lists(st.integers(-6, 6), min_size=2, max_size=7, unique=True),
       st.data())
def test_weights_are_exact_on_polynomials(points, data):
    """sum w_k c_k**j == n! if j == n else 0, for every degree j < npts."""
    n = data.draw(st.integers(0, len(points) - 1))
    w = fornberg_weights(points, n)
    for j in range(len(points)):
        moment = sum(wk * Fraction(c) ** j for wk, c in zip(w, points))
        assert moment == (factorial(n) if j == n else 0)


@pytest.mark.parametrize("kind", ["central", "forward", "backward"])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_stencil_accuracy_order(kind, n):
    """Halving h divides the error of exp'...' by about 2**p."""
    for p in ([2, 4] if kind == "central" else [1, 2, 3]):
        s = get_stencil(kind, n, p)
        errs = []
        for h in (0.1, 0.05):
            d = np.sum(s.weights * np.exp(s.offsets * h)) / h ** n
            errs.append(abs(d - 1.0))
        rate = np.log2(errs[0] / errs[1])
        assert abs(rate - p) < 0.35, (kind, n, p, rate)
        # the leading error constant predicts the error
        assert errs[1] == pytest.approx(abs(s.error_constant) * 0.05 ** p, rel=0.35)


def test_central_first_derivative_skips_centre():
    s = get_stencil("central", 1, 2)
    assert list(s.offsets) == [-1.0, 1.0] and s.w0 == 0.0
