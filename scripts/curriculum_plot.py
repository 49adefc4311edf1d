"""Curriculum spread of a training run (the paper's Fig. 3): ``python scripts/curriculum_plot.py --help``."""

import sys

from ext_walk_minutes.studies.curriculum_plot import main

if __name__ == "__main__":
    sys.exit(main())
