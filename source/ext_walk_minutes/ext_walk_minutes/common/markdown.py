"""Adding measured rows and sections to a markdown report that people also edit (docs/benchmarks.md): new lines go
where a reader looks for them, at the end of their table or section, not at the end of the file."""

from __future__ import annotations

from pathlib import Path


def end_of_first_table(lines: list[str]) -> int | None:
    """The index just after the last row of the first table in ``lines``; None if there is no table."""
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    if start is None:
        return None
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return end


def end_of_section(lines: list[str], heading: str) -> int | None:
    """The index where the section headed by the line ``heading`` ends (its next heading of the same or a higher
    level, or the end of ``lines``), blank lines before that heading left after it; None without the section."""
    if heading not in lines:
        return None
    level = _level(heading)
    start = lines.index(heading) + 1
    end = next(
        (i for i in range(start, len(lines)) if lines[i].startswith("#") and _level(lines[i]) <= level),
        len(lines),
    )
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def _level(line: str) -> int:
    return len(line) - len(line.lstrip("#"))


def write_inserted(path: Path, lines: list[str], at: int, new: list[str]) -> None:
    """Write ``lines`` to ``path`` with ``new`` inserted before line ``at`` (0-based)."""
    path.write_text("\n".join([*lines[:at], *new, *lines[at:]]) + "\n", encoding="utf-8")
