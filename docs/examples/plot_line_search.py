"""
The trial points of the four line searches
==========================================

Function 2 of Moré and Thuente (1994), :math:`\\phi(\\alpha) = (\\alpha +
\\beta)^5 - 2 (\\alpha + \\beta)^4` with :math:`\\beta = 0.004`, has a
minimiser near :math:`\\alpha = 1.6` and is almost flat near zero. Each
search starts from :math:`\\alpha_0 = 0.1` with :math:`c_1 = 10^{-4}`,
:math:`c_2 = 0.1` (a demanding curvature condition). The markers show the
points each search evaluates, in order; the shaded band is where the
strong Wolfe conditions hold.
"""
import matplotlib.pyplot as plt
import numpy as np

import numdiff as nd

beta = 0.004


def f(x):
    return (x[0] + beta) ** 5 - 2 * (x[0] + beta) ** 4


def g(x):
    return np.array([5 * (x[0] + beta) ** 4 - 8 * (x[0] + beta) ** 3])


x0, p = np.zeros(1), np.ones(1)
c1, c2 = 1e-4, 0.1
methods = ["more-thuente", "strong-wolfe", "hager-zhang", "backtracking"]
alphas = np.linspace(0.0, 2.5, 500)
phi = np.array([f([a]) for a in alphas])
dphi = np.array([g([a])[0] for a in alphas])
f0, d0 = f(x0), g(x0)[0]
wolfe = (phi <= f0 + c1 * alphas * d0) & (np.abs(dphi) <= c2 * abs(d0))

fig, axes = plt.subplots(len(methods), 1, figsize=(7, 8), sharex=True)
for ax, method in zip(axes, methods):
    trials = []

    def fr(x):
        trials.append(x[0])
        return f(x)
    res = nd.line_search(fr, x0, p, grad=g, method=method, c1=c1, c2=c2, alpha0=0.1)
    ax.plot(alphas, phi, color="0.3", lw=1)
    ax.fill_between(alphas, phi.min(), phi.max(), where=wolfe, color="C2", alpha=0.15,
                    lw=0)
    t = np.array(trials[1:])                  # trials[0] is x itself
    ax.plot(t, [f([a]) for a in t], "o", color="C1", ms=5)
    for k, a in enumerate(t):
        ax.annotate(str(k + 1), (a, f([a])), textcoords="offset points", xytext=(3, 4),
                    fontsize=7)
    ax.set_title(f"{method}: alpha = {res.alpha:.3g}, {len(t)} trials, "
                 f"{'success' if res.success else res.message}", fontsize=9)
    ax.set_ylabel("phi(alpha)")
    print(f"{method:13s} alpha = {res.alpha:.4f}  evaluations = {res.nfev}  "
          f"success = {res.success}")
axes[-1].set_xlabel("alpha")
fig.tight_layout()
plt.show()
