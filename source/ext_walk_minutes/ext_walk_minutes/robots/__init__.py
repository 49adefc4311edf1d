"""Robot descriptions (authored kit-less to USD) and their Isaac Lab articulation cfgs."""

from .anymal_c import ANYMAL_C, ANYMAL_C_CFG

__all__ = ["ANYMAL_C", "ANYMAL_C_CFG"]
