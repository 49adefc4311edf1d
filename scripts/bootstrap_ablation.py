"""Time-out bootstrapping ablation (the paper's supplement): ``python scripts/bootstrap_ablation.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.bootstrap_ablation import main

if __name__ == "__main__":
    sys.exit(main())
