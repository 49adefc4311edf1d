"""The PPO runtime: the backends (rsl-rl, skrl) and what a training run needs around them: the time-out bootstrap,
atomic checkpoint files, progress and TensorBoard, divergence checks, signals, the torchrun process group."""
