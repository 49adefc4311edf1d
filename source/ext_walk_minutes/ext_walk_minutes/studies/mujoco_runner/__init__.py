"""An exported policy walking in native MuJoCo (C, CPU), the MuJoCo side of ``scripts/sim2sim.py``.

Everything the runner feeds the policy comes from the export contract ``policy.json``
(:func:`ext_walk_minutes.run.export.policy_contract`): observation terms, scales and clipping, joint order,
default pose, action scale, control rate and decimation, each joint's PD law (gains, effort limit, DC-motor
torque-speed clip, armature), the robot description and collision set, and the velocity command ranges. The
robot model is written by :mod:`ext_walk_minutes.robots.mjcf_writer` from the description the USD is written from.

- :mod:`.contract`: ``policy.json`` and ``policy.onnx`` read and checked against each other and our robots.
- :mod:`.model`: the contract's robot as a ``mujoco.MjModel`` on a terrain (flat, slope, stairs).
- :mod:`.robot`: one robot's state, observation, PD law, terrain rays and falls.
- :mod:`.commands`: velocity commands drawn as in training.
- :mod:`.recorder`: each robot's state per policy step, as the locomotion report's arrays.
- :mod:`.rollout`: many robots walking under the policy (the figures ``play.py`` prints), one robot standing.
- :mod:`.video`: robot 0 rendered to an MP4.
"""
