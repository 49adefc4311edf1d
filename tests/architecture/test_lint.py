"""The code passes ruff's lint (the rules in pyproject.toml: pycodestyle, pyflakes; lines up to 120 characters) and is
in ruff's format, as the pre-commit hooks check them before each commit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import REPO

PATHS = ["source", "tests", "scripts", "tools"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_passes(command):
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", *PATHS],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
