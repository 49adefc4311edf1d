"""What ``scripts/train.py`` and ``scripts/play.py`` run: argument checks, env set-up, the two PPO backends,
progress reporting, atomic checkpoints and policy export."""
