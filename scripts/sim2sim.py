"""The exported policy in native MuJoCo (CPU) next to our simulator: ``python scripts/sim2sim.py --policy DIR``.

DIR holds ``policy.onnx`` and ``policy.json`` written by ``scripts/play.py --export``. See ``--help``.
"""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.studies.sim2sim import main

if __name__ == "__main__":
    sys.exit(main())
