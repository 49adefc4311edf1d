"""Test set-up: real Isaac Lab on Newton on CPU (see helpers.py for the shared helpers)."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: PPO updates crawl with 2 threads on 2 busy cores
