"""legged_gym's game-inspired terrain curriculum (Isaac Lab's ``terrain_levels_vel``) with per-type logging."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from isaaclab.managers import CurriculumTermCfg, ManagerTermBase, SceneEntityCfg
from isaaclab_tasks.core.velocity.mdp import terrain_levels_vel

from ..terrains.layout import terrain_type_index


class terrain_levels_by_type(ManagerTermBase):
    """Move robots between terrain levels at reset and report the mean level per terrain type.

    The update is Isaac Lab's :func:`terrain_levels_vel`, which is legged_gym's rule: a robot whose base
    ended farther than half a tile (4 m) from its tile centre goes one level up; one that covered less
    than half of ``||command_xy|| * episode length`` goes one level down; robots that solve the top level
    go to a random level; levels never go below 0.

    Returns a dict that Isaac Lab puts in ``extras["log"]`` as ``Curriculum/<term name>/<key>`` (so any
    runner logs it): ``mean`` (all robots) and ``<type>`` (mean level of that type's robots). The full
    robots-per-(type, level) distribution is logged by the training progress
    (:class:`~ext_walk_minutes.rl.curriculum_log.CurriculumLog`).
    """

    def __init__(self, cfg: CurriculumTermCfg, env) -> None:
        super().__init__(cfg, env)
        try:
            self.type_names, env_type = terrain_type_index(env)
        except ValueError:  # a column has one type only on a curriculum grid (play mode draws tiles at random)
            self.type_names, env_type = [], torch.full((env.num_envs,), -1, device=env.device)
        # robots never change type: per-type means are one matrix product (no data-dependent shapes, so no sync)
        types = torch.arange(len(self.type_names), device=env.device)
        membership = (env_type.unsqueeze(0) == types.unsqueeze(1)).float()  # (types, robots)
        counts = membership.sum(dim=1)
        self._present = [name for name, count in zip(self.type_names, counts.tolist()) if count > 0]
        self._type_mean = membership[counts > 0] / counts[counts > 0].unsqueeze(1)  # (present types, robots)

    def __call__(self, env, env_ids: Sequence[int], asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> dict:
        log = {"mean": terrain_levels_vel(env, env_ids, asset_cfg)}
        means = self._type_mean @ env.scene.terrain.terrain_levels.float()
        log.update(zip(self._present, means))
        return log
