"""Train a legged robot to walk: ``python scripts/train.py --task Walk-Rough-AnymalC --agent rsl_rl``.

Also runs as ``isaaclab -p scripts/train.py ...``. See ``--help``.
"""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.cli.train import main

if __name__ == "__main__":
    sys.exit(main())
