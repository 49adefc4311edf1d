"""Compile the tasks' kernels ahead of their first run (persistent Warp cache): ``python scripts/warmup.py -h``."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

from ext_walk_minutes.common.startup import exit_uncollected, pause_collector, setup_done

pause_collector()  # no full collections during the imports: see ext_walk_minutes.common.startup

from ext_walk_minutes.cli.warmup import main  # noqa: E402

if __name__ == "__main__":
    setup_done()  # what the imports made is left out of later collections
    exit_uncollected(main())
