"""PPO configs with legged_gym's hyper-parameters.

The rsl-rl config (:mod:`.rsl_rl_ppo_cfg`) is the single source of truth; the skrl config is derived
from it (:func:`.skrl_ppo_cfg.skrl_cfg_from_rsl_rl`), so the two backends' numbers cannot drift apart. The
algorithm is the same too: the skrl backend's agent runs rsl-rl's update rule (value-loss clipping, per
mini-batch KL-adaptive learning rate) and its policy learns the std itself, as rsl-rl's
(``rl/backends/_skrl_ppo.py``).
"""

from .rsl_rl_ppo_cfg import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from .skrl_ppo_cfg import skrl_cfg_from_rsl_rl

__all__ = ["WalkFlatPPORunnerCfg", "WalkRoughPPORunnerCfg", "skrl_cfg_from_rsl_rl"]
