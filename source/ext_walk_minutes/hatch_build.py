"""Hatchling build hook: the wheel ships the repository's top-level ``config/`` (the run presets) as the package
data folder ``ext_walk_minutes/config/``.

``config/`` lies outside this package's folder, where a user looks for and edits the presets; one copy of each file
is kept. An sdist holds the folder inside the package already (this hook put it there), so a wheel built from the
sdist takes it as package data. An editable install reads ``config/`` of the checkout (``run/presets.py``), so
nothing is copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_CONFIG = "ext_walk_minutes/config"


class ConfigHook(BuildHookInterface):
    """Adds ``<repository>/config`` to the sdist and the wheel as ``ext_walk_minutes/config``."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root).resolve()  # <repository>/source/ext_walk_minutes, or an unpacked sdist
        config = root.parents[1] / "config"
        if version != "editable" and config.is_dir() and not (root / PACKAGE_CONFIG).is_dir():
            build_data["force_include"][str(config)] = PACKAGE_CONFIG
