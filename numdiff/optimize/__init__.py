"""Line searches (compiled, behind one C-level interface) and, later, solvers."""
from ._initial import initial_step
from ._line_search import LineSearchResult, line_search
from ._minimize import bfgs, gradient_descent, lbfgs, minimize, newton
from ._root_api import root

__all__ = ["LineSearchResult", "bfgs", "gradient_descent", "initial_step", "lbfgs",
           "line_search", "minimize", "newton", "root"]
