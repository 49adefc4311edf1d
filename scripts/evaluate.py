"""Success rate per terrain type and difficulty (the paper's Fig. 5): ``python scripts/evaluate.py --help``."""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.studies.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
