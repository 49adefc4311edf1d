"""Number of robots x batch size sweep (the paper's Fig. 4): ``python scripts/sweep.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.sweep import main

if __name__ == "__main__":
    sys.exit(main())
