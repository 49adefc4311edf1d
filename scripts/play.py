"""Run a trained walking policy headless: ``python scripts/play.py --task Walk-Flat-AnymalC --checkpoint latest``.

``--export`` writes policy.onnx, policy.pt (TorchScript) and policy.json next to the checkpoint. See ``--help``.
"""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.cli.play import main

if __name__ == "__main__":
    sys.exit(main())
