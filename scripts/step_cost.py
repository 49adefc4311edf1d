"""What one env step costs: seconds, torch ops, Warp launches, host syncs (``--against REV`` side by side):
``python scripts/step_cost.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.step_cost import main

if __name__ == "__main__":
    sys.exit(main())
