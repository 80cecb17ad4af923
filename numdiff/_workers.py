"""``workers=`` normalised in one place.

``None`` or ``1`` means serial evaluation; an int ``k > 1`` or ``-1`` a
process pool that numdiff creates and closes; a callable is used as a
map-like ``workers(func, points)`` returning results in order.
"""
import contextlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor

__all__ = ["FunctionCall", "check_workers", "mapper"]


class FunctionCall:
    """Picklable ``x -> f(x, *args, **kwargs)`` for process pools."""

    __slots__ = ("f", "args", "kwargs")

    def __init__(self, f, args, kwargs):
        self.f = f
        self.args = args
        self.kwargs = kwargs

    def __call__(self, x):
        return self.f(x, *self.args, **self.kwargs)

    def __getstate__(self):
        return self.f, self.args, self.kwargs

    def __setstate__(self, state):
        self.f, self.args, self.kwargs = state


def check_workers(workers):
    """Validate ``workers`` without creating anything."""
    if workers is None or callable(workers):
        return workers
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError("workers must be None, an int (1 for serial, k > 1 or -1 for a "
                        "process pool) or a map-like callable workers(func, points); "
                        f"got {type(workers).__name__}")
    if workers != -1 and workers < 1:
        raise ValueError(f"workers must be -1, 1 or a positive int; got {workers}")
    return workers


@contextlib.contextmanager
def mapper(workers):
    """Yield ``None`` (serial) or a map-like callable; close what we open."""
    if workers is None:
        yield None
        return
    if callable(workers):
        yield lambda func, points: list(workers(func, points))
        return
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError("workers must be None, an int (1 for serial, k > 1 or -1 for a "
                        "process pool) or a map-like callable workers(func, points); "
                        f"got {type(workers).__name__}")
    if workers == 1:
        yield None
        return
    if workers == -1:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be -1, 1 or a positive int; got {workers}")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        def run(func, points):
            try:
                return list(pool.map(func, points))
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                if "pickle" not in str(exc).lower():
                    raise
                raise TypeError(
                    "workers=int evaluates f in other processes, so f, args and kwargs "
                    "must be picklable (a module-level function, not a lambda or a local "
                    f"function); pickling failed with: {exc}. Use a picklable f or pass a "
                    "map-like callable (for example a ThreadPoolExecutor's map) as "
                    "workers") from exc
        yield run
