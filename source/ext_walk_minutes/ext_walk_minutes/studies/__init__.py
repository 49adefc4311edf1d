"""The paper's studies and the project's own measurements, one command each (``scripts/<study>.py``).

* :mod:`.evaluate`            success rates of a trained policy per terrain type and level
* :mod:`.sweep`               the batch-size sweep (robots x rollout length), optionally on Ray
* :mod:`.bootstrap_ablation`  time-out bootstrap modes side by side
* :mod:`.curriculum_plot`     the terrain curriculum's spread over training
* :mod:`.time_to_walk`        seconds from launch until a task's robots walk
* :mod:`.benchmark`           throughput and its split (physics, MDP, inference, learning), ours vs Isaac Lab's env
* :mod:`.step_cost`           the cost of one env step, per frontend
* :mod:`.collision_table`     the robots' collision sets and joint limits as built
* :mod:`.sim2sim`             an exported policy in native MuJoCo beside our simulator; the MuJoCo side is
  :mod:`.mujoco_runner`
* :mod:`.check_gpu`           the one command that settles a GPU machine
* :mod:`.outputs`             the study folders, CSV, PNG and report header they share

Every study writes a CSV, a PNG and a short markdown report into ``logs/studies/<name>/<timestamp>/``
(or ``--out``).
"""
