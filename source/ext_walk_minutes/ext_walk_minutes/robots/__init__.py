"""Robot descriptions (authored kit-less to USD) and their Isaac Lab articulation cfgs."""

from .anymal_b import ANYMAL_B, ANYMAL_B_CFG, ANYMAL_B_SETS
from .anymal_c import ANYMAL_C, ANYMAL_C_CFG, ANYMAL_C_SETS, MANUFACTURER_POSITION_LIMITS
from .anymal_c_arm import ANYMAL_C_ARM, ANYMAL_C_ARM_CFG, ANYMAL_C_ARM_SETS
from .cassie import CASSIE, CASSIE_CFG, CASSIE_SETS
from .unitree_a1 import UNITREE_A1, UNITREE_A1_CFG, UNITREE_A1_SETS

DESCRIPTIONS = {
    "anymal_c": ANYMAL_C_SETS,
    "anymal_b": ANYMAL_B_SETS,
    "anymal_c_arm": ANYMAL_C_ARM_SETS,
    "unitree_a1": UNITREE_A1_SETS,
    "cassie": CASSIE_SETS,
}
"""Robot key (``RobotUsdCfg.robot``) -> collision set -> description."""

MANUFACTURER_LIMITS = {"anymal_c": MANUFACTURER_POSITION_LIMITS, "anymal_c_arm": MANUFACTURER_POSITION_LIMITS}
"""Robot key -> the maker's position limits where legged_gym's URDF differs (``RobotUsdCfg.joint_limits``)."""

__all__ = [
    "ANYMAL_B",
    "ANYMAL_B_CFG",
    "ANYMAL_C",
    "ANYMAL_C_CFG",
    "ANYMAL_C_ARM",
    "ANYMAL_C_ARM_CFG",
    "CASSIE",
    "CASSIE_CFG",
    "DESCRIPTIONS",
    "MANUFACTURER_LIMITS",
    "UNITREE_A1",
    "UNITREE_A1_CFG",
]
