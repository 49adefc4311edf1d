"""Seconds from launch until a task walks, start-up and training apart: ``python scripts/time_to_walk.py -h``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.time_to_walk import main

if __name__ == "__main__":
    sys.exit(main())
