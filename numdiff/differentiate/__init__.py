"""Finite-difference differentiation."""
from ._api import derivative, gradient, jacobian, jvp
from ._stencils import fornberg_weights

__all__ = ["derivative", "gradient", "jacobian", "jvp", "fornberg_weights"]
