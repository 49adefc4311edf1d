"""The command line in a study's report runs as written: empty and bracketed arguments are quoted."""

import shlex

from ext_walk_minutes.studies.outputs import report_header


def test_report_header_quotes_the_command_line():
    argv = ["--docs", "", "agent.actor.hidden_dims=[128,64,32]", "--out", "docs/studies/x"]
    header = report_header("T", "benchmark.py", argv, "cpu")
    (command,) = [line for line in header if line.startswith("python scripts/")]
    assert shlex.split(command) == ["python", "scripts/benchmark.py", *argv]
