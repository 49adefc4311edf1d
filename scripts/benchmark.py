"""Throughput vs robots and time per iteration by phase (the paper's supplement).

``python scripts/benchmark.py --help``.
"""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.studies.benchmark import main

if __name__ == "__main__":
    sys.exit(main())
