"""
Convergence of the minimisers, beside SciPy
===========================================

The extended Rosenbrock function with n = 100 from the standard start
``(-1.2, 1, -1.2, 1, ...)``, with its analytic gradient (and Hessian for
the Newton methods). The top panel shows the largest gradient component
against the iterations, and the bottom panel ``f``. The dashed line is
``gtol = 1e-6``, the first-order test behind numdiff's ``success=True``.

numdiff's BFGS scales its first inverse-Hessian approximation after one
step. SciPy's BFGS starts from the identity and never rescales it; here it
needs more than ten times as many iterations (the printed lines give the
counts).
"""
import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize as so

import numdiff as nd

n = 100
x0 = np.tile([-1.2, 1.0], n // 2)


def f(x):
    return np.sum(100.0 * (x[1::2] - x[::2] ** 2) ** 2 + (1.0 - x[::2]) ** 2)


def g(x):
    out = np.empty_like(x)
    t = x[1::2] - x[::2] ** 2
    out[::2] = -400.0 * x[::2] * t - 2.0 * (1.0 - x[::2])
    out[1::2] = 200.0 * t
    return out


def h(x):
    H = np.zeros((n, n))
    i = np.arange(0, n, 2)
    H[i, i] = 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
    H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
    H[i + 1, i + 1] = 200.0
    return H


runs = {
    "numdiff bfgs": lambda cb: nd.minimize(f, x0, jac=g, callback=cb),
    "numdiff lbfgs": lambda cb: nd.minimize(f, x0, method="lbfgs", jac=g, callback=cb),
    "numdiff newton": lambda cb: nd.minimize(f, x0, method="newton", jac=g, hess=h,
                                             callback=cb),
    "SciPy BFGS": lambda cb: so.minimize(f, x0, method="BFGS", jac=g, callback=cb),
    "SciPy L-BFGS-B": lambda cb: so.minimize(f, x0, method="L-BFGS-B", jac=g,
                                             callback=cb),
    "SciPy Newton-CG": lambda cb: so.minimize(f, x0, method="Newton-CG", jac=g, hess=h,
                                              callback=cb),
}

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
for name, run in runs.items():
    gs, fs = [np.max(np.abs(g(x0)))], [f(x0)]

    def cb(intermediate_result):
        gs.append(np.max(np.abs(g(intermediate_result.x))))
        fs.append(intermediate_result.fun)

    res = run(cb)
    style = "-" if name.startswith("numdiff") else ":"
    ax1.semilogy(gs, style, label=f"{name} ({res.nit} it., success={res.success})")
    ax2.semilogy(np.maximum(fs, 1e-30), style, label=name)
    print(f"{name:16s} nit={res.nit:4d} nfev={res.nfev:4d} "
          f"max|g|={np.max(np.abs(g(res.x))):.1e} success={res.success}")
ax1.axhline(1e-6, color="k", ls="--", lw=0.8)
ax1.set_ylabel("max |g_i|")
ax1.legend(fontsize=8)
ax2.set_ylabel("f")
ax2.set_xlabel("iteration")
ax1.set_title(f"extended Rosenbrock, n = {n}")
fig.tight_layout()
plt.show()
