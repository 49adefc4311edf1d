"""Train a legged robot to walk: ``python scripts/train.py --task Walk-Rough-AnymalC --agent rsl_rl``.

Also runs as ``isaaclab -p scripts/train.py ...``. See ``--help``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.common.startup import exit_uncollected, pause_collector

pause_collector()  # from the imports on: see ext_walk_minutes.common.startup

from ext_walk_minutes.cli.train import main  # noqa: E402

if __name__ == "__main__":
    exit_uncollected(main())
