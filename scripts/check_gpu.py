"""On a new GPU machine, run this first: start-up, contact room, speed, time to walk, rough progress, Warp frontend,
video, skrl and PhysX, with a pass/fail table: ``python scripts/check_gpu.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.check_gpu import main

if __name__ == "__main__":
    sys.exit(main())
