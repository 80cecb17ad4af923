"""Forward-mode dual numbers."""
from ._array import DUALS, DualArray, DualScalar, new_tag
from ._scalar import Dual

__all__ = ["DUALS", "Dual", "DualArray", "DualScalar", "new_tag"]
