# C-level interface of the finite-difference kernels, for other Cython
# modules of numdiff (the solvers) to cimport without Python overhead.

cdef void _richardson_one(const double* d, const double* dd, Py_ssize_t J,
                          Py_ssize_t stride, double ratio, int e0, int es,
                          int kmax, double safety, double ulp, const double* ddr,
                          const double* ddc, bint indep, double rcap, double* est,
                          double* err, int* jbest, int* kbest, double* trunc,
                          double* rind, double* rcom) noexcept nogil
