"""Seconds from launch until a task's robots walk, split into start-up and training: ``python scripts/time_to_walk.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.time_to_walk import main

if __name__ == "__main__":
    sys.exit(main())
