"""numdiff: derivatives you can trust, and the solvers that use them.

>>> import numpy as np
>>> import numdiff as nd
>>> round(float(nd.derivative(np.sin, 0.0)), 8)
1.0
"""
from ._check import CheckResult, check_gradient, check_hessian, check_jacobian
from ._info import DiffInfo
from ._version import __version__
from .differentiate import derivative, gradient, hessian, hessian_diag, hvp, jacobian, jvp
from .dual import Dual, DualArray
from .optimize import LineSearchResult, line_search, minimize, root

__all__ = ["CheckResult", "DiffInfo", "check_gradient", "check_hessian", "check_jacobian", "Dual", "DualArray", "LineSearchResult", "__version__", "derivative",
           "gradient", "hessian", "hessian_diag", "hvp", "jacobian", "jvp", "line_search", "minimize", "root"]
