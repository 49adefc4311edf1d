"""The README's commands run as written from a clone: each line of its ``bash`` code blocks starts with ``./run``
(``python scripts/...`` fails outside the venv), and the quick ones are run here, exactly as written.

Which commands are quick is a rule of this file, not a marker in the README: a command is quick when it prints
``--help``, plays a stand-in or the shipped policy (``--checkpoint zero|pretrained``) for at most
:data:`MAX_QUICK_STEPS` steps on the CPU without a video or a live view, or is an example of bad input (its
comment says ``error:``; it must exit 2 with one ``error:`` line and no traceback). Every other command must match
one of :data:`LONG` (trains, runs the suite, needs a trained run, films or serves until Ctrl-C): a new README
command that is neither fails :func:`test_every_command_is_classified`, so it gets a rule rather than going
untested by accident. The quick ones take about a minute together on 2 cores.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from helpers import REPO

pytestmark = pytest.mark.slow

README = REPO / "README.md"
MAX_QUICK_STEPS = 200
LONG = {
    "trains (minutes on a CPU)": r"^\./run train(?!.*--help)",
    "the test suite": r"^\./run test\b",
    "needs a trained run in logs/": r"--checkpoint latest",
    "films a video (a minute or more)": r"--video\b",
    "serves a live view until Ctrl-C": r"--viz\b",
    "serves TensorBoard until Ctrl-C": r"^\./run tensorboard\b",
    "the GPU check (minutes)": r"scripts/check_gpu\.py",
}


def readme_commands() -> list[tuple[str, str]]:
    """``(command, comment)`` of every line of the README's ``bash`` blocks (``\\`` continuations joined)."""
    out = []
    for block in re.findall(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            command, _, comment = line.partition("  #")
            if command.strip():
                out.append((command.strip(), comment.strip()))
    return out


def is_error_example(comment: str) -> bool:
    return "error:" in comment


def is_quick(command: str, comment: str) -> bool:
    if command.endswith("--help") or is_error_example(comment):
        return True
    steps = re.search(r"--steps (\d+)", command)
    return bool(
        re.match(r"\./run play .*--checkpoint (zero|pretrained)\b", command)
        and steps
        and int(steps.group(1)) <= MAX_QUICK_STEPS
        and "--device cpu" in command
        and not re.search(r"--video\b|--viz\b", command)
    )


QUICK = [(command, comment) for command, comment in readme_commands() if is_quick(command, comment)]


def test_every_command_runs_from_a_clone():
    """Every command goes through ``./run`` (which installs the environment on first use), none calls ``python``
    directly, in a code block or in the text."""
    commands = readme_commands()
    assert len(commands) >= 5
    assert [c for c, _ in commands if not c.startswith("./run ")] == []
    assert not re.search(r"(?<!\./run )\bpython scripts/", README.read_text(encoding="utf-8"))


def test_every_command_is_classified():
    unclassified = [
        c
        for c, comment in readme_commands()
        if not is_quick(c, comment) and not any(re.search(p, c) for p in LONG.values())
    ]
    assert unclassified == [], "quick (run by this test) or one of LONG: give each README command a rule"
    assert len(QUICK) >= 4  # --help, an error, a stand-in and the shipped policy


@pytest.mark.parametrize("command,comment", QUICK, ids=[c for c, _ in QUICK])
def test_quick_command(command, comment):
    proc = subprocess.run(["bash", "-c", command], cwd=REPO, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    if is_error_example(comment):
        assert proc.returncode == 2, output[-3000:]
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, output[-3000:]
        return
    assert proc.returncode == 0, output[-3000:]
    if command.endswith("--help"):
        assert proc.stdout.startswith("usage:"), proc.stdout[:500]
    else:  # play's figures line: robots x seconds, tracking errors, distance walked, falls
        last = proc.stdout.strip().splitlines()[-1]
        assert re.match(r"\[play\] \d+ robots x [\d.]+ s \| lin vel error [\d.]+ m/s .*\| falls \d+$", last), last
