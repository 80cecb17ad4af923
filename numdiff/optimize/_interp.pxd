# Polynomial interpolation for line searches, callable from other Cython
# modules without Python overhead (see _interp.pyx).

cdef double quad_min_fdf(double a, double fa, double da, double b, double fb) noexcept nogil
cdef double quad_min_dd(double a, double da, double b, double db) noexcept nogil
cdef double cubic_min(double a, double fa, double da, double b, double fb,
                      double db) noexcept nogil
cdef double cubic_min_ff(double f0, double d0, double a1, double f1, double a2,
                         double f2) noexcept nogil
cdef double safeguard(double t, double lo, double hi, double frac) noexcept nogil
