"""Where a study writes its results, and the CSV / PNG / markdown / TensorBoard helpers they share."""

from __future__ import annotations

import csv
import datetime
import os
import platform
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

from ..common.cli import LOG_ROOT
from ..common.errors import UsageError
from ..common.figures import pyplot, save_figure  # noqa: F401  (the studies' figure helpers)

STUDIES_ROOT = LOG_ROOT / "studies"


def output_dir(name: str, out: str | None) -> Path:
    """``out`` if given, else ``logs/studies/<name>/<timestamp>/``; created (a :class:`UsageError` if it cannot be)."""
    path = Path(out) if out else STUDIES_ROOT / name / datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot create it ({exc.strerror}); choose a folder you can write to") from None
    return path


def write_csv(path: Path, rows: Sequence[dict]) -> None:
    """Rows of equal keys -> CSV with a header (floats as written by ``repr``)."""
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def device_name(device: str) -> str:
    """Human-readable name of a torch device, e.g. ``NVIDIA H100 80GB HBM3`` or the CPU model."""
    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    name = platform.processor() or platform.machine()
    try:  # platform.processor() is often just "x86_64" on Linux
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name} ({os.cpu_count()} cores)"


def report_header(title: str, script: str, argv: Sequence[str] | None, device: str) -> list[str]:
    """First lines of a study's markdown report: title, date, machine and the command that made it."""
    args = shlex.join(argv if argv is not None else sys.argv[1:])  # quoted: the line runs as written
    return [
        f"# {title}",
        "",
        f"{datetime.date.today()}, {platform.node()}, device {device} ({device_name(device)}).",
        "",
        "```",
        f"python scripts/{script} {args}".rstrip(),
        "```",
        "",
    ]


def write_report(path: Path, header: Sequence[str], body: Sequence[str], figure: Path) -> None:
    """Write the markdown report (``header`` from :func:`report_header`, ``body``, then ``figure``, a PNG beside
    it) and print the body, so the console shows the results."""
    path.write_text("\n".join([*header, *body, "", f"![{figure.stem}]({figure.name})", ""]), encoding="utf-8")
    print("\n".join(body))


def read_scalars(run_dir: Path) -> dict[str, dict[int, tuple[float, float]]]:
    """TensorBoard scalars of a run: ``{tag: {step: (value, wall_time)}}`` over all its event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out: dict[str, dict[int, tuple[float, float]]] = {}
    for events in sorted(Path(run_dir).glob("events.out.tfevents.*")):
        acc = EventAccumulator(str(events), size_guidance={"scalars": 0})
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            out.setdefault(tag, {}).update({e.step: (e.value, e.wall_time) for e in acc.Scalars(tag)})
    return out
