"""Robot descriptions (authored kit-less to USD) and their Isaac Lab articulation cfgs."""

from .anymal_b import ANYMAL_B, ANYMAL_B_CFG
from .anymal_c import ANYMAL_C, ANYMAL_C_CFG
from .anymal_c_arm import ANYMAL_C_ARM, ANYMAL_C_ARM_CFG
from .cassie import CASSIE, CASSIE_CFG
from .unitree_a1 import UNITREE_A1, UNITREE_A1_CFG

__all__ = [
    "ANYMAL_B", "ANYMAL_B_CFG", "ANYMAL_C", "ANYMAL_C_CFG", "ANYMAL_C_ARM", "ANYMAL_C_ARM_CFG", "CASSIE", "CASSIE_CFG",
    "UNITREE_A1", "UNITREE_A1_CFG",
]
