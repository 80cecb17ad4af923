"""
Differentiating an unmodified numpy model with dual numbers
============================================================

A small two-layer neural network, written in plain numpy with no
knowledge of numdiff, and its mean-squared-error loss. ``method="dual"``
runs the same code on dual numbers and returns the gradient with respect to
all weights, exact to rounding. We check it against central finite
differences (with their error estimates) and the complex step.
"""
import matplotlib.pyplot as plt
import numpy as np

import numdiff as nd

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 3))                 # 64 samples, 3 features
y = np.sin(X @ np.array([1.0, -2.0, 0.5]))   # targets
n_hidden = 8
shapes = [(3, n_hidden), (n_hidden,), (n_hidden, 1), (1,)]
sizes = [int(np.prod(s)) for s in shapes]


def unpack(w):
    out, k = [], 0
    for s, n in zip(shapes, sizes):
        out.append(w[k:k + n].reshape(s))
        k += n
    return out


def loss(w):
    """Plain numpy: matmul, tanh, broadcasting, mean."""
    W1, b1, W2, b2 = unpack(w)
    hidden = np.tanh(X @ W1 + b1)
    pred = (hidden @ W2 + b2)[:, 0]
    return np.mean((pred - y) ** 2)


w0 = rng.normal(scale=0.5, size=sum(sizes))
g_dual = nd.gradient(loss, w0, method="dual")
g_cs = nd.gradient(loss, w0, method="complex")
g_fd, info = nd.gradient(loss, w0, full_output=True)

print(f"{w0.size} weights")
print(f"max |dual - complex step|     = {np.max(np.abs(g_dual - g_cs)):.1e}")
print(f"max |dual - central|          = {np.max(np.abs(g_dual - g_fd)):.1e}")
print(f"central's own error estimate  = {np.max(info.error):.1e} (max over weights)")

fig, ax = plt.subplots(figsize=(7, 4))
k = np.arange(w0.size)
ax.semilogy(k, np.abs(g_dual - g_fd) + 1e-17, "o", ms=4, label="|dual - central|")
ax.semilogy(k, info.error, "_", ms=8, label="central: estimated error")
ax.semilogy(k, np.abs(g_dual - g_cs) + 1e-17, ".", ms=4, label="|dual - complex step|")
ax.set_xlabel("weight index")
ax.set_ylabel("absolute difference")
ax.set_title("Gradient of a 2-layer tanh network loss")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# The dual-number gradient and the complex step agree to rounding; the
# central differences differ from both by less than their own error
# estimate, weight by weight.
