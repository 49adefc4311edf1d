"""The tests mirror the repository: each folder of tests/ is named after a subpackage of the package (tests/rl/
tests rl/, tests/run/ tests run/, ...) or after another top-level folder of the repository whose files it checks
(tests/docker/, tests/docs/), so a reader finds a module's tests by its path and the layout cannot drift.
architecture/ and fixtures/ are the suite's own."""

from __future__ import annotations

from helpers import REPO

PACKAGE = REPO / "source" / "ext_walk_minutes" / "ext_walk_minutes"
TESTS = REPO / "tests"
OWN = {"architecture", "fixtures"}


def _test_folders() -> set[str]:
    """Folders of tests/ that hold Python files (a folder left with only ``__pycache__`` holds no tests)."""
    return {path.name for path in TESTS.iterdir() if path.is_dir() and any(path.rglob("*.py"))}


def test_test_folders_mirror_the_package():
    subpackages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert {"rl", "run", "cli", "studies"} <= subpackages  # the mirror's targets are found
    repository = {path.name for path in REPO.iterdir() if path.is_dir() and path.name not in ("source", "tests")}
    strays = _test_folders() - subpackages - repository - OWN
    assert not strays, (
        f"test folders named after no subpackage of {PACKAGE.relative_to(REPO)} (nor a top-level folder of the "
        f"repository): {', '.join(f'tests/{name}/' for name in sorted(strays))}; move each test file to "
        "tests/<subpackage>/ of what it tests"
    )


def test_no_test_file_outside_a_folder():
    assert not sorted(path.name for path in TESTS.glob("test_*.py")), "put each test file in tests/<subpackage>/"
