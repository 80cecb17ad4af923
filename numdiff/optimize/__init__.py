"""Line searches (compiled, behind one C-level interface) and, later, solvers."""
from ._line_search import LineSearchResult, line_search

__all__ = ["LineSearchResult", "line_search"]
