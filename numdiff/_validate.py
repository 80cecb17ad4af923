"""Argument checking shared by every public entry point.

Every error names the offending parameter and the values it accepts.
"""
import math
import numbers
import operator

import numpy as np

METHOD_ALIASES = {
    "forward": "forward",
    "2-point": "forward",
    "backward": "backward",
    "central": "central",
    "3-point": "central",
    "complex": "complex",
    "cs": "complex",
    "dual": "dual",
}
FD_METHODS = ("forward", "backward", "central")


def check_callable(f, name="f"):
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")
    return f


def check_method(method, supported=FD_METHODS):
    """Normalise ``method`` (aliases included); reject unknown or unsupported."""
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {sorted(METHOD_ALIASES)}; "
                        f"got {type(method).__name__}")
    key = METHOD_ALIASES.get(method.lower())
    if key is None:
        raise ValueError(f"method must be one of {sorted(METHOD_ALIASES)}; got {method!r}")
    if key not in supported:
        raise ValueError(
            f"method={method!r} is not available here; supported methods are "
            f"{list(supported)}")
    return key


def check_int(value, name, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = operator.index(value)
    if (low is not None and value < low) or (high is not None and value > high):
        rng = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer {rng}; got {value}")
    return value


def check_order(order, method):
    order = check_int(order, "order", 1, 16)
    if method == "central" and order % 2:
        raise ValueError(
            f"order must be even for method='central' (accuracy orders 2, 4, 6, ...); "
            f"got {order}")
    return order


def as_point(x, name="x"):
    """Return ``x`` as a fresh C-contiguous float32/float64 array.

    Integers, booleans, lists and 0-d input become float64; float32 stays
    float32; the caller's array is never modified and may be read-only or
    non-contiguous.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a real number or an array of real numbers: {exc}") from None
    kind = arr.dtype.kind
    if kind == "f":
        dtype = np.float32 if arr.dtype.itemsize <= 4 else np.float64
    elif kind in "iub":
        dtype = np.float64
    elif kind == "c":
        raise TypeError(f"{name} must be real; got complex dtype {arr.dtype}. "
                        "Differentiate the real and imaginary parts separately.")
    else:
        raise TypeError(f"{name} must be a real number or an array of real numbers; "
                        f"got dtype {arr.dtype}")
    out = np.array(arr, dtype=dtype, order="C", copy=True)
    if out.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {out.shape}")
    # a finite sum is the cheap proof (an overflowing sum gets the full check)
    if not math.isfinite(out.sum()) and not np.isfinite(out).all():
        raise ValueError(f"{name} must be finite; it contains nan or inf")
    return out


def check_args(args, kwargs):
    if not isinstance(args, tuple):
        if isinstance(args, list):
            args = tuple(args)
        else:
            raise TypeError(f"args must be a tuple, got {type(args).__name__}")
    if kwargs is None:
        kwargs = {}
    elif not isinstance(kwargs, dict):
        raise TypeError(f"kwargs must be a dict or None, got {type(kwargs).__name__}")
    return args, kwargs


def check_step(step, x):
    """``None`` or a positive finite float/array broadcastable to ``x``."""
    if step is None:
        return None
    what = ("step must be None, a positive float or an array of positive floats "
            "broadcastable to x; got ")
    try:
        given = np.asarray(step)
        arr = given.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(what + type(step).__name__) from None
    if given.dtype.kind == "b":
        raise TypeError(what + "a boolean")
    try:
        arr = np.broadcast_to(arr, x.shape)
    except ValueError:
        raise ValueError(f"step must be broadcastable to x's shape {x.shape}; "
                         f"got shape {arr.shape}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError("step must be positive and finite")
    return np.array(arr, dtype=np.float64)


def check_bounds(bounds, x):
    """``None`` or ``(lb, ub)`` broadcastable to ``x`` with ``lb <= x <= ub``."""
    if bounds is None:
        return None
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise ValueError("bounds must be None or a pair (lb, ub) of floats or arrays "
                         "broadcastable to x (use -inf/inf for no bound)")
    out = []
    for name, b in zip(("lower bound", "upper bound"), bounds):
        if b is None:
            raise ValueError(f"bounds: the {name} is None; use -np.inf or np.inf for "
                             "no bound")
        try:
            arr = np.asarray(b, dtype=np.float64)
            arr = np.broadcast_to(arr, x.shape)
        except (TypeError, ValueError):
            raise ValueError(f"bounds: the {name} must be a float or an array broadcastable "
                             f"to x's shape {x.shape}") from None
        if np.any(np.isnan(arr)):
            raise ValueError(f"bounds: the {name} contains nan")
        out.append(np.array(arr))
    lb, ub = out
    if np.any(lb >= ub):
        raise ValueError("bounds must be a pair (lb, ub) with lb < ub elementwise (a "
                         "fixed variable has no derivative to estimate); SciPy-style "
                         "[(lo, hi), ...] pairs per variable are not accepted")
    if np.any(x < lb) or np.any(x > ub):
        raise ValueError("x is outside bounds: every element must satisfy lb <= x <= ub")
    if np.all(np.isinf(lb)) and np.all(np.isinf(ub)):
        return None
    return lb, ub


def check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)
