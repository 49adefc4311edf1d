"""ext_walk_minutes: "Learning to Walk in Minutes" (Rudin et al., CoRL 2021) as a kit-less Isaac Lab 3 extension.

Layout (one place per concept):

* :mod:`.robots`    robot descriptions, authored by us and converted to USD offline
* :mod:`.terrains`  terrain generator configs (the paper's curriculum grid, a flat ground)
* :mod:`.mdp`       MDP terms (Isaac Lab's own velocity-task terms plus what differs)
* :mod:`.tasks`     task configs and their gym registration (``Walk-{Flat,Rough}-<Robot>``)
* :mod:`.agents`    PPO configs (rsl-rl is the source of truth, skrl is derived)
* :mod:`.train`     what ``scripts/train.py`` and ``scripts/play.py`` run
"""

import warnings

__version__ = "0.1.0"

# moviepy 1.0.3 (Isaac Lab's video recorder imports it with every env) has regex strings that Python 3.12 flags each
# time it compiles them: every run where its bytecode is not cached (PYTHONDONTWRITEBYTECODE, a read-only install)
warnings.filterwarnings("ignore", category=SyntaxWarning, module=r".*[/\\]moviepy[/\\]")
