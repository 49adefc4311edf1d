"""The walking tasks on Isaac Lab's experimental Warp frontend (``train.py --frontend warp``).

Isaac Lab's Warp frontend (``isaaclab_experimental``) runs a stable task config with its Warp managers after
swapping every MDP term for a same-named Warp twin, found by mirroring the term's package
(``isaaclab.*`` -> ``isaaclab_experimental.*``). This package is that mirror for our own terms:
``ext_walk_minutes.warp.mdp`` holds the twins of ``ext_walk_minutes.mdp`` and :mod:`.envs` the env class
(``WalkEnvWarp``, legged_gym's reward clip on Warp). Imported only when the Warp frontend is chosen.
"""
