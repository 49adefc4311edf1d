"""The robots' collision sets as Newton builds them (shapes, contact pairs): ``python scripts/collision_table.py``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.collision_table import main

if __name__ == "__main__":
    sys.exit(main())
