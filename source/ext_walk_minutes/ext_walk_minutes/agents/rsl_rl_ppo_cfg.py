"""rsl-rl PPO runner configs: legged_gym's ``LeggedRobotCfgPPO`` numbers."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg, RslRlPpoAlgorithmCfg

from ..device import default_device


@configclass
class WalkRoughPPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """24 steps per env, 4 mini-batches x 5 epochs, adaptive lr (KL 0.01), [512, 256, 128] ELU, 1500 iterations."""

    seed = 1
    num_steps_per_env = 24
    max_iterations = 1500
    save_interval = 50
    experiment_name = "walk_rough"  # the task id, set per task
    obs_groups = {"actor": ["policy"], "critic": ["policy"]}
    actor = RslRlMLPModelCfg(
        hidden_dims=[512, 256, 128],
        activation="elu",
        obs_normalization=False,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=1.0),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[512, 256, 128], activation="elu", obs_normalization=False)
    algorithm = RslRlPpoAlgorithmCfg(
        value_loss_coef=1.0,
        use_clipped_value_loss=True,
        clip_param=0.2,
        entropy_coef=0.01,
        num_learning_epochs=5,
        num_mini_batches=4,
        learning_rate=1.0e-3,
        schedule="adaptive",
        gamma=0.99,
        lam=0.95,
        desired_kl=0.01,
        max_grad_norm=1.0,
    )

    def __post_init__(self) -> None:
        # rsl-rl's own default is cuda:0, which crashes on a machine without a GPU
        self.device = default_device()


@configclass
class WalkFlatPPORunnerCfg(WalkRoughPPORunnerCfg):
    """legged_gym's flat ANYmal C: smaller [128, 64, 32] networks, 300 iterations."""

    max_iterations = 300
    experiment_name = "walk_flat"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.actor.hidden_dims = [128, 64, 32]
        self.critic.hidden_dims = [128, 64, 32]
