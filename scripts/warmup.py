"""Compile the tasks' kernels ahead of their first run (persistent Warp cache): ``python scripts/warmup.py -h``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.cli.warmup import main

if __name__ == "__main__":
    sys.exit(main())
