"""Finite-difference differentiation."""
from ._api import derivative, gradient, jacobian, jvp
from ._second import hessian, hessian_diag, hvp
from ._sparse import column_groups
from ._sparse_hessian import star_groups
from ._stencils import fornberg_weights

__all__ = ["derivative", "gradient", "jacobian", "jvp", "hessian", "hessian_diag", "hvp",
           "fornberg_weights", "column_groups", "star_groups"]
