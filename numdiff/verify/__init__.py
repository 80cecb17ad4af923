"""``python -m numdiff verify``: numdiff against analytic values and SciPy."""
from ._cli import main, run_all

__all__ = ["main", "run_all"]
