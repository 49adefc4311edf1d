"""Each task's config classes are written out in its robot's module, named after the task (configs only)."""

from __future__ import annotations

import importlib
import inspect

import gymnasium as gym
import pytest
from isaaclab_tasks.utils import load_cfg_from_registry

from ext_walk_minutes.tasks import TASKS
from ext_walk_minutes.tasks.registry import ROBOTS


@pytest.mark.parametrize("task", TASKS)
def test_entry_points_are_classes_defined_in_the_robot_module(task):
    _, terrain, robot = task.split("-")
    for key, suffix in (("env_cfg_entry_point", "EnvCfg"), ("rsl_rl_cfg_entry_point", "PPORunnerCfg")):
        module_name, class_name = gym.spec(task).kwargs[key].split(":")
        assert class_name == f"{robot}{terrain}{suffix}"
        module = importlib.import_module(module_name)
        assert f"\nclass {class_name}(" in inspect.getsource(module)  # a grep for the name finds its definition
        assert getattr(module, class_name).__module__ == module_name


@pytest.mark.parametrize("task", TASKS)
def test_runner_logs_under_the_task_id_and_env_has_the_robot(task):
    assert load_cfg_from_registry(task, "rsl_rl_cfg_entry_point").experiment_name == task
    env_cfg = load_cfg_from_registry(task, "env_cfg_entry_point")
    assert env_cfg.scene.robot.spawn.robot == ROBOTS[task].cfg.spawn.robot
    assert env_cfg.terminations.base_contact.params["sensor_cfg"].body_names == ROBOTS[task].base
