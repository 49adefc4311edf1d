"""Measured rows and sections land where a reader of docs/benchmarks.md looks for them: benchmark.py's rows at the
end of the file's first table, check_gpu.py's tables at the end of its own section, never below later sections."""

from __future__ import annotations

from ext_walk_minutes.studies import benchmark, check_gpu

DOC = """# Benchmarks

| date | robots |
|---|---|
| 2026-11-21 | 16 |

## GPU check (scripts/check_gpu.py)

### 2026-12-01, H200

an earlier table

## A later section

its text
"""


def test_benchmark_rows_end_the_first_table(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC)
    benchmark.append_to_docs(doc, ["| 2026-12-07 | 64 |"])
    lines = doc.read_text().splitlines()
    assert lines[4:7] == ["| 2026-11-21 | 16 |", "| 2026-12-07 | 64 |", ""]
    assert lines[-1] == "its text"


def test_benchmark_rows_in_a_new_file_get_the_header(tmp_path):
    doc = tmp_path / "docs" / "benchmarks.md"
    benchmark.append_to_docs(doc, ["| row |"])
    text = doc.read_text()
    assert text.startswith("# Benchmarks") and text.endswith("|---|\n| row |\n")


def test_gpu_check_tables_end_their_section(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC)
    monkeypatch.setattr(check_gpu, "summary_lines", lambda results, meta: ["new table", "", "", ""])
    meta = {"device_name": "NVIDIA H100", "revision": "abc1234", "command": "check_gpu.py"}
    check_gpu.append_to_docs(doc, [], meta)
    lines = doc.read_text().splitlines()
    later = lines.index("## A later section")
    assert lines.index("an earlier table") < lines.index("new table") < later, lines
    assert lines[later - 1] == "" and lines[-1] == "its text"
    assert lines.index("`check_gpu.py`") > lines.index("an earlier table")
