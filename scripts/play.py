"""Run a trained walking policy headless: ``python scripts/play.py --task Walk-Flat-AnymalC --checkpoint latest``.

``--export`` writes policy.onnx, policy.pt (TorchScript) and policy.json next to the checkpoint. See ``--help``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: see ext_walk_minutes.run.spec

from ext_walk_minutes.common.startup import exit_uncollected, pause_collector, setup_done

pause_collector()  # no full collections during the imports: see ext_walk_minutes.common.startup

from ext_walk_minutes.cli.play import main  # noqa: E402

if __name__ == "__main__":
    setup_done()  # what the imports made is left out of later collections
    exit_uncollected(main())
