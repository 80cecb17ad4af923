"""Default step rules.

The step for accuracy order ``p`` and derivative order ``n`` is

    h = h_opt(stencil, eps) * s(x)

where ``h_opt`` minimises ``eps*W/h**n + |C| h**p`` (rounding plus
truncation for a function whose value and derivatives are of order one;
``W`` is the sum of the absolute weights and ``C`` the error constant of the
stencil) and ``eps`` is the machine epsilon of the working precision: the
larger of the epsilons of ``x``'s dtype and of ``f``'s result dtype, so
float32 problems get float32 steps.

``s(x)`` is the scale of the variable; see :func:`step_scale`.
"""


import numpy as np

__all__ = ["step_scale", "default_steps", "adaptive_steps",
           "ADAPTIVE_LEVELS", "ADAPTIVE_RATIO", "ADAPTIVE_EXTRAP"]

#: Number of steps in the geometric sequence used by ``adaptive=True``.
ADAPTIVE_LEVELS = 10
#: Ratio between consecutive steps of that sequence.
ADAPTIVE_RATIO = 2.0
#: Richardson extrapolation levels (each removes one error term).
ADAPTIVE_EXTRAP = 2


def step_scale(x):
    """Scale ``s(x)`` of each variable: 1, an absolute step.

    A step that grows with ``|x|`` ruins oscillatory and exponential
    functions at large arguments (``sin`` at ``x = 1e4``: SciPy's relative
    step gives 6e-4 there), and one that shrinks with ``|x|`` ruins sums of
    many terms near zero (rounding error ``eps*|f|/h``). Functions whose
    own scale is small (``log`` near 0) are caught by the curvature check of
    :mod:`numdiff.differentiate._engine`, which shrinks the step where the
    computed values show that it is too large.
    """
    return np.ones_like(np.asarray(x, dtype=np.float64))


def default_steps(x, stencil, eps):
    """Fixed default step for every element of ``x`` (same shape)."""
    return stencil.optimal_step(eps) * step_scale(x)


def adaptive_steps(x, stencil, eps, levels=ADAPTIVE_LEVELS, ratio=ADAPTIVE_RATIO,
                   extrap=ADAPTIVE_EXTRAP):
    """Geometric step sequence, shape ``(levels,) + x.shape``, largest first.

    The sequence is centred on the optimal step of the extrapolated stencil
    (accuracy order ``p + extrap*s``) so that both the coarse steps, where
    extrapolation pays, and the fine ones, where the base stencil alone is
    accurate, are tried.
    """
    n, p, s = stencil.n, stencil.order, stencil.exponent_step
    h_mid = eps ** (1.0 / (n + p + extrap * s))
    top = h_mid * ratio ** (levels // 2 - 1)
    powers = ratio ** -np.arange(levels, dtype=np.float64)
    return top * powers.reshape((levels,) + (1,) * np.ndim(x)) * step_scale(x)
