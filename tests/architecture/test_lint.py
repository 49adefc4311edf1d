"""The code passes ruff's lint (the rules in pyproject.toml: pycodestyle, pyflakes; lines up to 120 characters), as
the pre-commit hook checks it before each commit."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO


def test_ruff_check_passes():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "source", "tests", "scripts", "tools"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
