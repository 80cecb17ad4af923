"""Assertions for test suites: check your derivatives with pytest.

Each function runs the matching checker (:func:`numdiff.check_gradient`,
:func:`numdiff.check_jacobian`, :func:`numdiff.check_hessian`) and raises
``AssertionError`` with its ranked report when the check fails. They are
deterministic: the fast mode's random directions come from ``seed``
(default 0), and the seed is printed in the report.

Examples
--------
>>> import numpy as np
>>> from numdiff.testing import assert_gradient_close
>>> _ = assert_gradient_close(lambda x: np.sum(x ** 2), lambda x: 2 * x, np.ones(3))
"""
from ._check import REFERENCES, check_gradient, check_hessian, check_jacobian

__all__ = ["assert_gradient_close", "assert_jacobian_close", "assert_hessian_close"]


def _assert(checker, f, deriv, x, kw):
    kw.setdefault("seed", 0)
    res = checker(f, deriv, x, **kw)
    if not res:
        raise AssertionError("\n" + res.report())
    return res


def assert_gradient_close(f, grad, x, **kwargs):
    """Assert that ``grad`` is the gradient of ``f`` at ``x``.

    Parameters
    ----------
    f, grad, x
        As :func:`numdiff.check_gradient`.
    **kwargs
        ``method``, ``rtol``, ``atol``, ``args``, ``mode``, ``seed``
        (default 0), as :func:`numdiff.check_gradient`.

    Returns
    -------
    CheckResult
        The passing result.

    Raises
    ------
    AssertionError
        With the ranked report (worst entries, tolerances, method and seed).

    {references}

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.testing import assert_gradient_close
    >>> f = lambda x: np.sum(np.exp(x))
    >>> _ = assert_gradient_close(f, np.exp, np.zeros(4))
    >>> try:
    ...     assert_gradient_close(f, lambda x: np.exp(x) * 1.01, np.zeros(4))
    ... except AssertionError as exc:
    ...     print(str(exc).splitlines()[1])
    check_gradient: FAILED: 4 of 4 entries exceed their tolerance
    """
    return _assert(check_gradient, f, grad, x, kwargs)


def assert_jacobian_close(f, jac, x, **kwargs):
    """Assert that ``jac`` is the Jacobian of ``f`` at ``x``.

    Parameters
    ----------
    f, jac, x
        As :func:`numdiff.check_jacobian`.
    **kwargs
        As :func:`numdiff.check_jacobian` (``seed`` defaults to 0).

    Returns
    -------
    CheckResult

    Raises
    ------
    AssertionError
        With the ranked report.

    {references}

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.testing import assert_jacobian_close
    >>> _ = assert_jacobian_close(np.sin, lambda x: np.diag(np.cos(x)), np.ones(3))
    """
    return _assert(check_jacobian, f, jac, x, kwargs)


def assert_hessian_close(f, hess, x, **kwargs):
    """Assert that ``hess`` is the Hessian of ``f`` at ``x``.

    Parameters
    ----------
    f, hess, x
        As :func:`numdiff.check_hessian`.
    **kwargs
        As :func:`numdiff.check_hessian` (``seed`` defaults to 0).

    Returns
    -------
    CheckResult

    Raises
    ------
    AssertionError
        With the ranked report.

    {references}

    Examples
    --------
    >>> import numpy as np
    >>> from numdiff.testing import assert_hessian_close
    >>> _ = assert_hessian_close(lambda x: np.sum(x ** 3), lambda x: np.diag(6 * x),
    ...                          np.ones(2))
    """
    return _assert(check_hessian, f, hess, x, kwargs)


for _fn in (assert_gradient_close, assert_jacobian_close, assert_hessian_close):
    _fn.__doc__ = _fn.__doc__.replace("{references}", REFERENCES)
del _fn
