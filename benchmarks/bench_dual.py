"""Dual numbers beside minimal forward modes, JAX, PyTorch and autograd.

``DualGradient``: the gradient of two pieces of plain numpy code -- the
extended Rosenbrock function and the mean-squared-error loss of a 2-layer
tanh network -- at n = 10, 100, 1000 variables, with:

* ``numdiff dual``: ``nd.gradient(f, x, method="dual")``;
* ``minimal forward mode``: ``MiniDual`` below, the smallest generic
  value+partials class that runs the same code (the floor a generic
  implementation is measured against);
* ``jax.jacfwd`` (without ``jit``) and ``torch.func.jacfwd`` when those
  libraries are installed (they are not part of the ``bench`` extra; the
  benchmark is skipped otherwise).

``DualHessian``: exact Hessian at n = 10 and 100 (nested duals), beside
the complex-step Jacobian of the analytic gradient and ``autograd.hessian``
when installed.
"""
import numpy as np

import numdiff as nd
from numdiff.verify._catalogue import _rosen, _rosen_grad


# --------------------------------------------------------------------------
# the functions: plain numpy, written once, run by every library
def rosen(x, xp=np):
    return xp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


class Network:
    """A 2-layer tanh network (3 inputs, ``h`` hidden units) and its MSE loss.

    The weights are one flat vector of ``5 h + 1`` numbers.
    """

    def __init__(self, n):
        self.h = max(1, round((n - 1) / 5))
        rng = np.random.default_rng(0)
        self.X = rng.normal(size=(64, 3))
        self.y = np.sin(self.X @ np.array([1.0, -2.0, 0.5]))
        self.n = 5 * self.h + 1
        self.w0 = rng.normal(scale=0.5, size=self.n)

    def loss(self, xp=np, asarray=np.asarray):
        """The loss as plain array code of the namespace ``xp``."""
        h, X, y = self.h, asarray(self.X), asarray(self.y)

        def loss(w):
            W1 = w[:3 * h].reshape(3, h)
            b1 = w[3 * h:4 * h]
            W2 = w[4 * h:5 * h].reshape(h, 1)
            b2 = w[5 * h:]
            hidden = xp.tanh(X @ W1 + b1)
            pred = (hidden @ W2 + b2)[:, 0]
            return xp.mean((pred - y) ** 2)
        return loss


# --------------------------------------------------------------------------
# the smallest generic forward mode that runs the code above
class MiniDual:
    """Value ``v`` and partials ``p`` (shape ``v.shape + (k,)``), numpy only."""

    def __init__(self, v, p):
        self.v, self.p = v, p

    @staticmethod
    def _split(o):
        return (o.v, o.p) if isinstance(o, MiniDual) else (np.asarray(o), None)

    def __array_ufunc__(self, ufunc, method, a, b=None):
        av, ap = self._split(a)
        if ufunc is np.tanh:
            t = np.tanh(av)
            return MiniDual(t, (1.0 - t * t)[..., None] * ap)
        bv, bp = self._split(b)
        if ufunc is np.add or ufunc is np.subtract:
            v = ufunc(av, bv)
            s = 1.0 if ufunc is np.add else -1.0
            p = (np.broadcast_to(ap, v.shape + ap.shape[-1:]) if bp is None else
                 s * np.broadcast_to(bp, v.shape + bp.shape[-1:]) if ap is None else
                 ap + s * bp)
            return MiniDual(v, p)
        if ufunc is np.multiply:
            p = 0.0
            if ap is not None:
                p = p + ap * bv[..., None]
            if bp is not None:
                p = p + bp * av[..., None]
            return MiniDual(av * bv, p)
        if ufunc is np.power:
            return MiniDual(av ** bv, (bv * av ** (bv - 1.0))[..., None] * ap)
        if ufunc is np.matmul:
            p = 0.0
            if ap is not None:
                p = p + np.einsum("...ijk,jl->...ilk", ap, bv)
            if bp is not None:
                p = p + np.einsum("ij,jlk->ilk", av, bp)
            return MiniDual(av @ bv, p)
        return NotImplemented

    def __array_function__(self, func, types, args, kwargs):
        a = args[0]
        if func is np.sum:
            return MiniDual(a.v.sum(), a.p.reshape(-1, a.p.shape[-1]).sum(axis=0))
        if func is np.mean:
            return MiniDual(a.v.mean(), a.p.reshape(-1, a.p.shape[-1]).mean(axis=0))
        return NotImplemented

    def __add__(self, o): return np.add(self, o)
    def __radd__(self, o): return np.add(o, self)
    def __sub__(self, o): return np.subtract(self, o)
    def __rsub__(self, o): return np.subtract(o, self)
    def __mul__(self, o): return np.multiply(self, o)
    def __rmul__(self, o): return np.multiply(o, self)
    def __pow__(self, o): return np.power(self, o)
    def __matmul__(self, o): return np.matmul(self, o)
    def __rmatmul__(self, o): return np.matmul(o, self)

    def __getitem__(self, key):
        keys = key if isinstance(key, tuple) else (key,)
        return MiniDual(self.v[key], self.p[keys])

    def reshape(self, *shape):
        return MiniDual(self.v.reshape(shape), self.p.reshape(shape + (self.p.shape[-1],)))


def mini_gradient(f, x):
    return f(MiniDual(x, np.eye(x.size))).p


# --------------------------------------------------------------------------
def _problem(name, n):
    """``(make_f, x, true gradient)``: ``make_f(xp, asarray)`` builds ``f``."""
    if name == "rosenbrock":
        x = np.linspace(-1.0, 1.5, n)
        return (lambda xp=np, asarray=None: lambda v: rosen(v, xp)), x, _rosen_grad(x)
    net = Network(n)
    # the reference: the complex step, exact to rounding on this analytic loss
    return net.loss, net.w0, nd.gradient(net.loss(), net.w0, method="complex")


def _gradient_function(library, make_f):
    if library == "numdiff dual":
        f = make_f()
        return lambda x: nd.gradient(f, x, method="dual")
    if library == "minimal forward mode":
        f = make_f()
        return lambda x: mini_gradient(f, x)
    try:
        if library == "jax.jacfwd (no jit)":
            import jax
            import jax.numpy as jnp
            jax.config.update("jax_enable_x64", True)
            jf = jax.jacfwd(make_f(jnp, jnp.asarray))
            return lambda x: np.asarray(jf(jnp.asarray(x)))
        import torch
        import torch.func
        jf = torch.func.jacfwd(make_f(torch, torch.from_numpy))
        return lambda x: jf(torch.from_numpy(x)).numpy()
    except ImportError:
        raise NotImplementedError(f"{library} is not installed") from None


class DualGradient:
    params = ([10, 100, 1000], ["rosenbrock", "network"],
              ["numdiff dual", "minimal forward mode", "jax.jacfwd (no jit)",
               "torch.func.jacfwd"])
    param_names = ["n", "problem", "library"]

    def setup(self, n, problem, library):
        make_f, self.x, self.g = _problem(problem, n)
        self.grad = _gradient_function(library, make_f)
        self.grad(self.x)              # warm up (imports, tracing caches)

    def time_gradient(self, n, problem, library):
        self.grad(self.x)

    def track_error(self, n, problem, library):
        g = self.grad(self.x)
        return float(np.max(np.abs(g - self.g)) / np.max(np.abs(self.g)))


class DualHessian:
    params = ([10, 100], ["numdiff dual", "complex-step Jacobian of the gradient",
                          "autograd.hessian"])
    param_names = ["n", "library"]

    def setup(self, n, library):
        self.x = np.linspace(-1.0, 1.5, n)
        if library == "autograd.hessian":
            try:
                import autograd
                import autograd.numpy as anp
            except ImportError:
                raise NotImplementedError("autograd is not installed") from None
            self.hess = autograd.hessian(lambda x: rosen(x, anp))
        elif library == "numdiff dual":
            self.hess = lambda x: nd.hessian(_rosen, x, method="dual")
        else:
            self.hess = lambda x: nd.jacobian(_rosen_grad, x, method="complex")

    def time_hessian(self, n, library):
        self.hess(self.x)
