# C-level entry point of this line search, for the solvers to cimport.
from ._ls_common cimport LSParams, LSProblem, LSResult

cdef int backtracking(LSProblem* pr, LSParams* pm, LSResult* out) except -1
