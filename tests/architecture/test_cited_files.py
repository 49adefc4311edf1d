"""Every file of the repository that the code cites exists, and nothing cites a file outside the repository.

A citation is a path in a comment or string of ``source/``, ``scripts/`` and ``tools/``: rooted at the repository
(``docs/robots.md``, ``tests/robots/test_joint_limits.py``, ``config/paper.yaml``) or at the package
(``robots/anymal_c.py``). A pure text scan (tokenize, no import of the package): a renamed or deleted file leaves
a stale citation behind, which this finds. A package-relative path whose first folder names an installed library
(``warp/_src/...``: NVIDIA Warp) may instead cite that library's file.
"""

from __future__ import annotations

import importlib.util
import io
import re
import tokenize
from pathlib import Path

import pytest
from helpers import REPO

PACKAGE = REPO / "source" / "ext_walk_minutes" / "ext_walk_minutes"
CITING = [
    *sorted((REPO / "scripts").glob("*.py")),
    *sorted(PACKAGE.rglob("*.py")),
    *sorted((REPO / "tools").glob("*.py")),
]
"""The files whose citations must exist."""
ALL_CODE = [*CITING, *(p for p in sorted((REPO / "tests").rglob("*.py")) if p != Path(__file__).resolve())]
"""The files that must not cite a file outside the repository (this file's negative control left out)."""

TOP_FOLDERS = ("docs", "tests", "scripts", "config", "tools", "docker", "source")
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
_EXTENSIONS = r"(?:md|py|yaml|yml|toml|json|txt|sh|pt)"
_NOT_INSIDE_A_PATH = r"(?<![\w/.\-])"
REPO_PATH = re.compile(rf"{_NOT_INSIDE_A_PATH}((?:{'|'.join(TOP_FOLDERS)})/[\w./\-]*\.{_EXTENSIONS})(?!\w)")
PACKAGE_PATH = re.compile(rf"{_NOT_INSIDE_A_PATH}((?:{'|'.join(SUBPACKAGES)})/[\w/\-]*\.py)(?!\w)")
OUTSIDE = re.compile(rf"\.\./shared|{_NOT_INSIDE_A_PATH}robots\.md")
"""The private reference folder beside the checkout, and a bare ``robots.md`` (the page is ``docs/robots.md``)."""


def comments_and_strings(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every comment, string and f-string part of Python ``source``."""
    kinds = {tokenize.COMMENT, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [(t.start[0], t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type in kinds]


def _is_placeholder(path: str) -> bool:
    """``config/NAME.yaml``: a name in capitals stands for any file."""
    return any(part.isupper() for part in Path(path).with_suffix("").parts)


def _library_has(path: str) -> bool:
    """Whether ``path`` (``warp/_src/x.py``) is a file of the installed library its first folder names."""
    top, _, rest = path.partition("/")
    spec = importlib.util.find_spec(top) if top.isidentifier() else None
    return bool(spec and spec.origin) and (Path(spec.origin).parent / rest).is_file()


def stale_citations(source: str) -> list[str]:
    """``line: path`` of each citation in ``source`` that names no file of the repository."""
    bad = []
    for line, text in comments_and_strings(source):
        for path in REPO_PATH.findall(text):
            if not _is_placeholder(path) and not (REPO / path).exists():
                bad.append(f"{line}: {path}")
        for path in PACKAGE_PATH.findall(text):
            if not (PACKAGE / path).exists() and not _library_has(path):
                bad.append(f"{line}: {path} (in the package)")
    return bad


def outside_citations(source: str) -> list[str]:
    """``line: text`` of each comment or string of ``source`` that cites a file outside the repository."""
    return [f"{line}: {text.strip()[:100]}" for line, text in comments_and_strings(source) if OUTSIDE.search(text)]


def test_negative_control():
    """Stale and outside citations are found, in comments, docstrings and f-strings; real ones and placeholders pass."""
    shared = "../" + "shared/reference"
    source = (
        '"""Numbers from docs/robots.md; see docs/no_such_page.md and robots/no_such_robot.py."""\n'
        "# tests/robots/test_joint_limits.py::test_x checks robots/anymal_c.py, config/NAME.yaml is any preset\n"
        f'x = f"{{y}} scripts/no_such_script.py"  # {shared}/x.md, robots' + ".md section 2\n"
        "# source/ext_walk_minutes/ext_walk_minutes/robots/anymal_c.py and warp/_src/no_such.py\n"
    )
    assert stale_citations(source) == [
        "1: docs/no_such_page.md",
        "1: robots/no_such_robot.py (in the package)",
        "3: scripts/no_such_script.py",
        "4: warp/_src/no_such.py (in the package)",
    ]
    assert [found.split(":")[0] for found in outside_citations(source)] == ["3"]
    assert outside_citations("# see docs/robots.md §2.1") == []


def test_the_scan_finds_the_citations():
    """The robot modules' citations of docs/robots.md are seen (a regex that matched nothing would pass every file)."""
    texts = comments_and_strings((PACKAGE / "robots" / "anymal_c.py").read_text(encoding="utf-8"))
    assert any("docs/robots.md" in REPO_PATH.findall(text) for _, text in texts)
    assert len(CITING) > 50 and "robots" in SUBPACKAGES


@pytest.mark.parametrize("path", CITING, ids=lambda p: str(p.relative_to(REPO)))
def test_cited_files_exist(path):
    bad = stale_citations(path.read_text(encoding="utf-8"))
    assert not bad, f"{path.relative_to(REPO)} cites files that do not exist:\n" + "\n".join(bad)


def test_nothing_cites_files_outside_the_repository():
    bad = [
        f"{path.relative_to(REPO)}:{found}"
        for path in ALL_CODE
        for found in outside_citations(path.read_text(encoding="utf-8"))
    ]
    assert not bad, "cite docs/robots.md (or another file of the repository) instead:\n" + "\n".join(bad)
