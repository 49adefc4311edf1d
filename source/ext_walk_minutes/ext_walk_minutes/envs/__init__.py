"""The environment class of the walking tasks: Isaac Lab's ``ManagerBasedRLEnv`` plus legged_gym's reward clipping."""

from .walk_env import PositiveRewardManager, WalkEnv

__all__ = ["PositiveRewardManager", "WalkEnv"]
