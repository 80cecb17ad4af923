"""
Catching a planted bug in a gradient
====================================

The loss of an L2-regularised logistic regression on 200 samples with 30
features. Its hand-written gradient has one deliberate mistake: the
regularisation term of the intercept (weight 0) is counted twice. The bug
changes one component of 31, by about 7% of its value; its absolute size is
1e-3, less than a tenth of the gradient's largest component.

:func:`numdiff.check_gradient` compares each component with the gradient
computed by dual numbers (exact to rounding). The bars show ``|analytic - numeric| / tolerance`` for every
component (the check fails where a bar crosses 1). ``scipy.optimize.check_grad``
returns a single number for the whole gradient, shown in the title. That
number does not say which component is wrong, and it gives no verdict.
"""
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import check_grad

import numdiff as nd

rng = np.random.default_rng(0)
X = np.hstack([np.ones((200, 1)), rng.normal(size=(200, 30))])
y = (rng.uniform(size=200) < 0.5).astype(float)
lam = 0.1


def loss(w):
    z = X @ w
    return np.sum(np.log1p(np.exp(z)) - y * z) / len(y) + 0.5 * lam * (w @ w)


def grad_with_bug(w):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    g = X.T @ (p - y) / len(y) + lam * w
    g[0] += lam * w[0]                     # the planted bug
    return g


w = rng.normal(scale=0.05, size=X.shape[1])
res = nd.check_gradient(loss, grad_with_bug, w)
print(res.report(rows=5))

ratio = np.abs(res.analytic - res.numeric) / res.tolerance
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar(np.arange(ratio.size), np.maximum(ratio, 1e-12),
       color=np.where(ratio > 1, "tab:red", "tab:blue"))
ax.axhline(1.0, color="k", lw=0.8, ls="--")
ax.set_yscale("log")
ax.set_xlabel("gradient component")
ax.set_ylabel("|analytic - numeric| / tolerance")
ax.set_title(f"check_gradient: {'PASSED' if res else 'FAILED'} at component "
             f"{res.worst_index[0]}; check_grad returns {check_grad(loss, grad_with_bug, w):.2g}")
fig.tight_layout()
plt.show()
