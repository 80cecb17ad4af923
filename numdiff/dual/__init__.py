"""Forward-mode dual numbers."""
from ._array import Dual, DualArray, new_tag

__all__ = ["Dual", "DualArray", "new_tag"]
