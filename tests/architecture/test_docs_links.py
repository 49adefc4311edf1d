"""Every link in README.md and docs/ points at a file of this repository that exists (and at a heading of it, for
``page.md#anchor``): no web address, no path that leaves the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)


def links(page: Path) -> list[str]:
    """Link targets of ``page``, code blocks and code spans left out."""
    text = CODE_SPAN.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return LINK.findall(text) + REFERENCE.findall(text)


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of ``page``'s headings: lower case, punctuation dropped, spaces as ``-``, repeats numbered."""
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", page.read_text(encoding="utf-8")), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def broken(page: Path, target: str) -> str | None:
    """Why ``target`` (a link of ``page``) is not a file of the repository, or None."""
    if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):
        return "a web address: cite files of the repository"
    path_part, _, anchor = target.partition("#")
    path = (page.parent / path_part).resolve() if path_part else page
    if not path.is_relative_to(REPO):
        return "outside the repository"
    if not path.exists():
        return "no such file"
    if anchor and path.suffix == ".md" and anchor not in anchors(path):
        return f"no heading '{anchor}' in {path.relative_to(REPO)}"
    return None


def test_the_pages_have_links():
    """The parser finds the README's links (a broken regex would pass every page)."""
    assert "docs/add_a_robot.md" in links(REPO / "README.md")
    assert len(PAGES) > 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_links_point_into_the_repository(page):
    bad = [f"{target}: {why}" for target in links(page) if (why := broken(page, target))]
    assert not bad, f"{page.relative_to(REPO)}:\n" + "\n".join(bad)


def test_anchor_slugs():
    """The slug rule on headings this repository uses (GitHub's: backticks, dots and parentheses dropped)."""
    page = REPO / "docs" / "watching.md"
    assert "a-locomotion-report-playpy---report" in anchors(page)
