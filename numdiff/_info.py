"""The ``DiffInfo`` record returned with ``full_output=True``."""
import numpy as np

__all__ = ["DiffInfo"]


class DiffInfo:
    """Diagnostics of a numerical derivative.

    Returned as the second element of ``(value, info)`` when a
    differentiation function is called with ``full_output=True``.

    Attributes
    ----------
    error : ndarray or float
        Estimated absolute error of each element of the value (same shape).
        It combines the truncation error, estimated from differences between
        steps, and a bound on the rounding error; it is designed to
        over-estimate rather than under-estimate. ``nan`` where no estimate
        could be made.
    nfev : int
        Evaluations of ``f`` made by numdiff, in points.
    step : ndarray or float
        The step used for each element (for ``adaptive=True``, the step of
        the selected Richardson estimate).
    method : str
        The differentiation method (aliases resolved).
    order : int
        Accuracy order of the base stencil.
    success : bool
        ``True`` when every element was computed with a finite value and
        error estimate.
    message : str
        What happened, including elements that could not be computed.
    stencil : ndarray of str
        ``"central"``, ``"forward"`` or ``"backward"`` per element: the
        stencil actually used (bounds and non-finite values can force a
        one-sided one).

    Examples
    --------
    >>> import numpy as np
    >>> import numdiff as nd
    >>> d, info = nd.derivative(np.exp, 1.0, full_output=True)
    >>> bool(info.success), info.nfev
    (True, 5)
    >>> bool(abs(d - np.e) <= info.error)
    True
    """

    __slots__ = ("error", "nfev", "step", "method", "order", "success", "message",
                 "stencil")

    def __init__(self, error, nfev, step, method, order, success, message, stencil):
        self.error = error
        self.nfev = nfev
        self.step = step
        self.method = method
        self.order = order
        self.success = success
        self.message = message
        self.stencil = stencil

    def __repr__(self):
        def short(v):
            a = np.asarray(v)
            if a.ndim == 0:
                return repr(v)
            if a.dtype.kind == "f":
                # significant digits: a fixed-point precision prints 3e-4 as 0.
                return np.array2string(a, threshold=6, separator=" ",
                                       formatter={"float_kind": "{:.4g}".format})
            return np.array2string(a, threshold=6)
        fields = ", ".join(f"{k}={short(getattr(self, k))}" for k in self.__slots__)
        return f"DiffInfo({fields})"
