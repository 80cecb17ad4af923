"""
Error against step size
=======================

The error of a finite difference is the sum of a truncation error, which
falls with the step ``h``, and a rounding error, which grows like
``eps / h**n``. On a log-log plot each stencil draws a V whose right arm has
slope ``p`` (the accuracy order) and whose left arm has slope ``-1``.

We differentiate ``f(x) = exp(x) sin(3x)`` at ``x = 0.7`` with forward
(order 1), central (order 2) and central order-4 stencils over a range of
steps, and mark the default step numdiff chooses and the result of
``adaptive=True`` (Richardson extrapolation), with its error estimate.
"""
import matplotlib.pyplot as plt
import numpy as np

import numdiff as nd


def f(x):
    return np.exp(x) * np.sin(3 * x)


def df(x):
    return np.exp(x) * (np.sin(3 * x) + 3 * np.cos(3 * x))


x = 0.7
exact = df(x)
steps = np.logspace(-13, -0.5, 120)

fig, ax = plt.subplots(figsize=(7, 4.5))
for method, order, color in [("forward", 1, "C0"), ("central", 2, "C1"), ("central", 4, "C2")]:
    err = [abs(nd.derivative(f, x, method=method, order=order, step=h) - exact)
           for h in steps]
    ax.loglog(steps, np.maximum(err, 1e-17), color=color, lw=1.2,
              label=f"{method}, order {order}")
    d, info = nd.derivative(f, x, method=method, order=order, full_output=True)
    ax.plot(info.step, max(abs(d - exact), 1e-17), "o", color=color, ms=7, mec="k")

d, info = nd.derivative(f, x, adaptive=True, full_output=True)
ax.axhline(max(abs(d - exact), 1e-17), color="C3", ls="--",
           label=f"adaptive (error {abs(d - exact):.0e})")
ax.axhline(info.error, color="C3", ls=":", label=f"its estimate ({info.error:.0e})")
ax.set_xlabel("step h")
ax.set_ylabel("absolute error")
ax.set_title("f(x) = exp(x) sin(3x) at x = 0.7; dots: numdiff's default step")
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()
plt.show()

# %%
# The default steps sit at the bottom of each V: they balance the two
# errors for a function of unit scale and are then checked against the
# curvature computed from the same values. The adaptive estimate is close to
# the best any single step can reach, and its error estimate bounds the
# true error from above.
print(f"adaptive: {d:.15f}, true error {abs(d - exact):.1e}, estimate {info.error:.1e}")
