# The C-level interface shared by numdiff's line searches.
#
# A search minimises phi(alpha) = f(x + alpha p) along a direction: the
# caller supplies phi through a C function pointer and an opaque context, so
# compiled solvers call the searches with no Python in between. Each search
# module exposes
#
#     cdef int <name>(LSProblem* problem, LSParams* params, LSResult* out) except -1
#
# and fills ``out`` with the accepted step (or, on failure, the best step
# that satisfies sufficient decrease, 0 when there is none) and a status.

from libc.math cimport NAN, isfinite

cdef enum:
    LS_OK = 0              # the conditions the search promises hold
    LS_NOT_DESCENT = 1     # phi'(0) >= 0: not a descent direction
    LS_ARMIJO = 2          # sufficient decrease never met
    LS_CURVATURE = 3       # curvature condition never met (alpha_max reached)
    LS_INTERVAL = 4        # the bracket or the step fell below rounding
    LS_NONFINITE = 5       # f not finite at every trial point
    LS_MAXITER = 6         # evaluation budget exhausted

# phi(alpha) into phi[0]; phi'(alpha) into dphi[0] unless dphi is NULL.
ctypedef int (*phi_fn)(void* ctx, double alpha, double* phi, double* dphi) except -1

cdef struct LSProblem:
    phi_fn fn
    void* ctx
    double phi0
    double dphi0

cdef struct LSParams:
    double c1
    double c2
    double alpha0
    double alpha_max
    int maxiter            # evaluations of phi at most

cdef struct LSResult:
    double alpha
    double phi
    double dphi            # nan when phi' was not evaluated at alpha
    int nfev               # evaluations of phi
    int ngev               # evaluations of phi'
    int status


cdef inline int py_phi(void* ctx, double alpha, double* phi, double* dphi) except -1:
    """Bridge to a Python callable ``ctx(alpha, want_dphi) -> (phi, dphi)``."""
    r = (<object> ctx)(alpha, dphi != NULL)
    phi[0] = r[0]
    if dphi != NULL:
        dphi[0] = r[1]
    return 0


cdef inline bint ls_start(LSProblem* pr, LSParams* pm, LSResult* out) noexcept nogil:
    """The opening of every search: ``out`` at alpha = 0; False (with the
    status set) when phi(0) or phi'(0) is not finite or p does not descend."""
    out.alpha = 0.0
    out.phi = pr.phi0
    out.dphi = NAN
    out.nfev = 0
    out.ngev = 0
    out.status = LS_OK
    if not (isfinite(pr.phi0) and isfinite(pr.dphi0)):
        out.status = LS_NONFINITE
        return False
    if not (pr.dphi0 < 0.0):
        out.status = LS_NOT_DESCENT
        return False
    return True


cdef inline double ls_alpha_max(LSParams* pm) noexcept nogil:
    """``alpha_max`` capped at 1e300: steps never overflow to inf."""
    return pm.alpha_max if pm.alpha_max < 1e300 else 1e300


ctypedef int (*search_fn)(LSProblem* pr, LSParams* pm, LSResult* out) except -1


cdef inline dict run_search(search_fn search, object phi, double phi0, double dphi0,
                            double c1, double c2, double alpha0, double alpha_max,
                            int maxiter):
    """``search`` on a Python ``phi(alpha, want_dphi) -> (phi, dphi)``, as a dict."""
    cdef LSProblem pr
    cdef LSParams pm
    cdef LSResult out
    pr.fn = py_phi
    pr.ctx = <void*> phi
    pr.phi0 = phi0
    pr.dphi0 = dphi0
    pm.c1 = c1
    pm.c2 = c2
    pm.alpha0 = alpha0
    pm.alpha_max = alpha_max
    pm.maxiter = maxiter
    search(&pr, &pm, &out)
    return dict(alpha=out.alpha, phi=out.phi, dphi=out.dphi, nfev=out.nfev, ngev=out.ngev,
                status=out.status)
