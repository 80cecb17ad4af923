# Initial-step rules of the line searches, separate from the searches (see
# _initial.pyx); callable from the solvers without Python overhead.

cdef double unit_step() noexcept nogil
cdef double quadratic_step(double f_k, double f_prev, double dphi0) noexcept nogil
cdef double slope_scaled_step(double alpha_prev, double dphi_prev, double dphi0) noexcept nogil
cdef double first_step(double x_inf, double f0, double g_inf, double g_2sq) noexcept nogil
