"""Dense Hessians of a non-polynomial function beside numdifftools and SciPy.

``f`` couples neighbours (``exp(sin x_i) cos x_{i+1}``) and every pair of
variables (``log1p(|x|^2)``), so its Hessian is dense. The reference is
numdiff's exact dual-number Hessian. numdiff runs with an error estimate
(``full_output=True``) in every configuration, from values of ``f`` alone
unless ``grad=`` is named; ``scipy.differentiate.hessian``
gets a vectorized version of the same function (it requires one).
"""
import numpy as np

import numdiff as nd


def smooth(x):
    return (np.sum(np.exp(np.sin(x[:-1])) * np.cos(x[1:])) + np.sum(x ** 4) / 4
            + np.log1p(np.sum(x ** 2)))


def smooth_grad(x):
    """The analytic gradient of ``smooth`` (for ``grad=``)."""
    g = x ** 3 + 2 * x / (1 + np.sum(x ** 2))
    e = np.exp(np.sin(x[:-1]))
    g[:-1] += e * np.cos(x[:-1]) * np.cos(x[1:])
    g[1:] -= e * np.sin(x[1:])
    return g


def smooth_batch(X):
    """``smooth`` for points along the first axis (SciPy's convention)."""
    return (np.sum(np.exp(np.sin(X[:-1])) * np.cos(X[1:]), axis=0)
            + np.sum(X ** 4, axis=0) / 4 + np.log1p(np.sum(X ** 2, axis=0)))


CONFIGS = {
    "numdiff central": {},
    "numdiff central order 4": {"order": 4},
    "numdiff adaptive": {"adaptive": True},
    "numdiff complex step": {"method": "complex"},
    # the Hessian from a gradient (differences of the analytic gradient,
    # symmetrised) and from f alone by nested dual numbers
    "numdiff central, grad=": {"grad": smooth_grad},
    "numdiff complex step, grad=": {"method": "complex", "grad": smooth_grad},
    "numdiff dual": {"method": "dual"},
}
PEERS = ["numdifftools", "scipy.differentiate"]


class DenseHessian:
    params = ([10, 30, 100], list(CONFIGS) + PEERS)
    param_names = ["n", "library"]
    timeout = 180

    def setup(self, n, library):
        if library in PEERS and n > 30:
            # 10 to 20 s a call: measured once for the notes, not on every run
            raise NotImplementedError("peers are benchmarked up to n = 30")
        self.x = np.linspace(-1.0, 1.5, n)
        self.exact = nd.hessian(smooth, self.x, method="dual")
        self.calls = 0

    def _f(self, x):
        self.calls += 1
        return smooth(x)

    def _grad(self, x):
        self.calls += 1
        return smooth_grad(x)

    def _run(self, library):
        if library in CONFIGS:
            kw = dict(CONFIGS[library])
            if "grad" in kw:
                kw["grad"] = self._grad      # gradient calls count as evaluations
            H, info = nd.hessian(self._f, self.x, full_output=True, **kw)
            return H
        if library == "numdifftools":
            import numdifftools
            return numdifftools.Hessian(self._f)(self.x)
        from scipy.differentiate import hessian

        def fb(X):
            self.calls += int(np.prod(X.shape[1:]))
            return smooth_batch(X)
        return hessian(fb, self.x).ddf

    def time_hessian(self, n, library):
        self._run(library)

    def track_relative_error(self, n, library):
        H = self._run(library)
        return float(np.max(np.abs(H - self.exact)) / np.max(np.abs(self.exact)))

    def track_evaluations(self, n, library):
        self.calls = 0
        self._run(library)
        return self.calls


class HessianErrorEstimates:
    """Fraction of entries whose actual error is within numdiff's estimate."""
    params = ([10, 30], list(CONFIGS))
    param_names = ["n", "library"]

    def setup(self, n, library):
        self.x = np.linspace(-1.0, 1.5, n)
        self.exact = nd.hessian(smooth, self.x, method="dual")

    def track_covered_fraction(self, n, library):
        H, info = nd.hessian(smooth, self.x, full_output=True, **CONFIGS[library])
        return float(np.mean(np.abs(H - self.exact) <= info.error))

    def track_median_estimate_over_error(self, n, library):
        """Median of estimate / actual error (actual errors below 10 ulp of the
        Hessian's scale count as 10 ulp; structural zeros left out): the
        tightness half of the honesty bar (at most 10)."""
        H, info = nd.hessian(smooth, self.x, full_output=True, **CONFIGS[library])
        nz = self.exact != 0
        floor = 10 * np.finfo(float).eps * np.max(np.abs(self.exact))
        act = np.maximum(np.abs(H - self.exact)[nz], floor)
        return float(np.median(np.asarray(info.error)[nz] / act))
