"""Line searches (compiled, behind one C-level interface) and, later, solvers."""
from ._initial import initial_step
from ._line_search import LineSearchResult, line_search

__all__ = ["LineSearchResult", "initial_step", "line_search"]
