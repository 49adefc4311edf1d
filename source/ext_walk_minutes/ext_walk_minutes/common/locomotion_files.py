"""The locomotion report's files: ``report.json``, ``report.md`` (one table, a column per simulator) and PNG figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .figures import pyplot, save_figure
from .locomotion import SHORT_AIR, Recording, leg_layout, locomotion_report, torque_limits

ROWS = (  # label, path in the report, format
    ("robots x seconds", None, None),
    ("v_x RMSE [m/s]", "tracking.rmse_vx", "{:.3f}"),
    ("v_y RMSE [m/s]", "tracking.rmse_vy", "{:.3f}"),
    ("yaw rate RMSE [rad/s]", "tracking.rmse_yaw_rate", "{:.3f}"),
    ("planar error < 0.1 m/s", "tracking.within", "{:.0%}"),
    ("gait", "gait.gait", "{}"),
    ("trot / pace / bound index", None, None),
    ("touchdowns per foot per second", "gait.touchdowns_per_second_mean", "{:.2f}"),
    ("duty factor", "gait.duty_factor_mean", "{:.2f}"),
    ("air time mean / median [s]", None, None),
    ("air phases < 0.05 s", "gait.air_time_short_share", "{:.0%}"),
    ("slip speed in stance, mean [m/s]", "gait.slip_speed.mean", "{:.3f}"),
    ("swing clearance, median [m]", "gait.clearance.median", "{:.3f}"),
    ("torque peak / limit", "effort.torque_peak_of_limit", "{:.2f}"),
    ("joint speed peak / no-load speed", "effort.speed_peak_of_limit", "{:.2f}"),
    ("joint-steps at the torque limit", "effort.saturated_share", "{:.1%}"),
    ("mechanical power, mean [W]", "effort.power_mean", "{:.0f}"),
    ("cost of transport", "effort.cost_of_transport", "{:.2f}"),
    ("falls per robot-minute", "safety.falls_per_robot_minute", "{:.2f}"),
    ("base contacts per robot-minute", "safety.base_contacts_per_robot_minute", "{:.2f}"),
    ("knee contacts per robot-minute", "safety.knee_contacts_per_robot_minute", "{:.2f}"),
    ("closest joint to its limit [share of range]", "safety.limit_margin_min", "{:.2f}"),
)


def _get(report: dict, path: str):
    value = report
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _fmt(value, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def _cell(report: dict, label: str, path: str | None, fmt: str | None) -> str:
    g = report["gait"]
    if label == "robots x seconds":
        return f"{report['robots']} x {report['seconds']:.1f} s"
    if label == "trot / pace / bound index":
        return " / ".join(_fmt(g[f"{k}_index"], "{:+.2f}") for k in ("trot", "pace", "bound"))
    if label == "air time mean / median [s]":
        return f"{_fmt(g['air_time']['mean'], '{:.2f}')} / {_fmt(g['air_time']['median'], '{:.2f}')}"
    return _fmt(_get(report, path), fmt)


def report_table(columns: dict[str, dict]) -> list[str]:
    """Markdown table of the main figures, one column per report (e.g. ``{"Isaac Lab": ..., "MuJoCo": ...}``)."""
    names = list(columns)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, path, fmt in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(columns[n], label, path, fmt) for n in names) + " |")
    return lines


def speed_table(report: dict) -> list[str]:
    """Markdown table of the tracking errors per commanded planar speed bin."""
    lines = [
        "| commanded speed [m/s] | share | v_x RMSE | v_y RMSE | yaw rate RMSE | error < 0.1 m/s |",
        "|---|" + "---:|" * 5,
    ]
    total = max(report["tracking"]["samples"], 1)
    for b in report["tracking"]["by_command_speed"]:
        low, high = b["speed"]
        span = f"{low:g}-{high:g}" if high is not None else f">= {low:g}"
        cells = [_fmt(b[k], "{:.3f}") for k in ("rmse_vx", "rmse_vy", "rmse_yaw_rate")]
        lines.append(
            f"| {span} | {b['samples'] / total:.0%} | " + " | ".join(cells) + f" | {_fmt(b['within'], '{:.0%}')} |"
        )
    return lines


def notes(report: dict) -> list[str]:
    """The report's stated caveats (an undefined cost of transport, no gait index, no joint limits)."""
    return [f"- {report[s]['note']}" for s in ("gait", "effort", "safety") if report[s].get("note")]


# ---------------------------------------------------------------- figures


def gait_diagram(rec: Recording, path: Path, robot: int = 0, seconds: float = 4.0) -> None:
    """Contact timeline of each foot of ``robot`` over the first ``seconds`` (bars: foot on the ground)."""
    plt = pyplot()
    steps = min(len(rec.contact), round(seconds / rec.dt))
    fig, ax = plt.subplots(figsize=(6, 0.4 + 0.35 * len(rec.feet)))
    for k, name in enumerate(rec.feet):
        c = rec.contact[:steps, robot, k]
        starts = np.flatnonzero(c & ~np.concatenate(([False], c[:-1])))
        stops = np.flatnonzero(c & ~np.concatenate((c[1:], [False]))) + 1
        ax.broken_barh([(a * rec.dt, (b - a) * rec.dt) for a, b in zip(starts, stops)], (k - 0.4, 0.8), color="k")
    ax.set_yticks(range(len(rec.feet)), rec.feet)
    ax.set_xlabel("time [s]")
    ax.set_xlim(0, steps * rec.dt)
    save_figure(fig, path, f"gait diagram, robot {robot}")


def velocity_plot(rec: Recording, path: Path, robot: int = 0) -> None:
    """Commanded and measured v_x, v_y and yaw rate of ``robot`` over time."""
    plt = pyplot()
    time = np.arange(len(rec.command)) * rec.dt
    fig, axes = plt.subplots(3, 1, figsize=(6, 4.5), sharex=True)
    for i, (ax, label) in enumerate(zip(axes, ("v_x [m/s]", "v_y [m/s]", "yaw rate [rad/s]"))):
        ax.plot(time, rec.command[:, robot, i], "k--", lw=1, label="command")
        ax.plot(time, rec.velocity[:, robot, i], lw=1, label="measured")
        ax.set_ylabel(label, fontsize=8)
    axes[0].legend(fontsize=7, loc="upper right")
    axes[-1].set_xlabel("time [s]")
    save_figure(fig, path, f"command vs measured, robot {robot}")


def air_time_histogram(air: np.ndarray, path: Path) -> None:
    """Histogram of the air phases [s], the :data:`SHORT_AIR` line marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3))
    if len(air):
        ax.hist(air, bins=np.arange(0, max(air.max(), 0.6) + 0.02, 0.02), color="tab:blue")
    ax.axvline(SHORT_AIR, color="tab:red", ls="--", lw=1, label=f"{SHORT_AIR} s")
    ax.set_xlabel("air time [s]")
    ax.set_ylabel("air phases")
    ax.legend(fontsize=7)
    save_figure(fig, path, f"air times ({len(air)} phases)")


def torque_speed_plot(rec: Recording, path: Path, points: int = 20000) -> None:
    """Joint-steps (a sample of ``points``): torque in the direction of motion (negative: braking) against joint speed,
    over the drive's limits of the weakest joint."""
    plt = pyplot()
    qd, tau = rec.joint_vel[rec.valid].ravel(), rec.torque[rec.valid].ravel()
    pick = np.random.default_rng(0).permutation(len(qd))[:points]
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.scatter(np.abs(qd[pick]), (tau * np.where(qd < 0, -1.0, 1.0))[pick], s=2, alpha=0.3, label="joint-steps")
    j = int(np.argmin(rec.effort_limit))
    top = max(float(np.abs(qd).max()) if len(qd) else 1.0, float(min(rec.velocity_limit[j], 1e3)))
    speeds = np.linspace(0, top * 1.05, 200)
    lower, upper = torque_limits(speeds, rec.effort_limit[j], rec.saturation[j], rec.velocity_limit[j])
    name = rec.joints[j] if rec.joints else j
    ax.plot(speeds, upper, "k", lw=1.5, label=f"drive limits ({name})")
    ax.plot(speeds, lower, "k", lw=1.5)
    ax.set_xlabel("|joint speed| [rad/s]")
    ax.set_ylabel("torque along motion [N m]")
    ax.legend(fontsize=7)
    save_figure(fig, path, "torque vs speed")


FIGURES = {
    "gait_diagram.png": gait_diagram,
    "velocity.png": velocity_plot,
    "torque_speed.png": torque_speed_plot,
}


def write_figures(rec: Recording, folder: Path, prefix: str = "") -> list[str]:
    """The four PNG figures of ``rec`` in ``folder`` (names start with ``prefix``); their file names."""
    from .locomotion import air_times

    names = []
    for name, draw in FIGURES.items():
        draw(rec, folder / f"{prefix}{name}")
        names.append(f"{prefix}{name}")
    air_time_histogram(air_times(rec), folder / f"{prefix}air_time.png")
    return [*names, f"{prefix}air_time.png"]


def write_report(folder: Path, recordings: dict[str, Recording], header: list[str]) -> dict[str, dict]:
    """Write ``report.json``, ``report.md`` and the figures of each recording (one column each) to ``folder``.

    Args:
        recordings: simulator name -> its recording; the first one's figures are named plainly, the others' prefixed
            by their name.
        header: markdown lines put above the table (what was played, where).
    Returns: simulator name -> report.
    """
    folder.mkdir(parents=True, exist_ok=True)
    reports = {name: locomotion_report(rec) for name, rec in recordings.items()}
    lines = [*header, "", *report_table(reports), ""]
    for i, (name, rec) in enumerate(recordings.items()):
        prefix = "" if i == 0 else f"{name.lower().replace(' ', '_')}_"
        figures = write_figures(rec, folder, prefix)
        layout = leg_layout(rec.foot_xy_b)
        lines += [f"## {name}", "", *speed_table(reports[name]), "", *notes(reports[name])]
        if layout is not None:
            lines.append(f"- legs: {', '.join(f'{k} = {rec.feet[v]}' for k, v in layout.items())}")
        lines += ["", *(f"![{f}]({f})" for f in figures), ""]
    (folder / "report.json").write_text(json.dumps(reports, indent=1))
    (folder / "report.md").write_text("\n".join(lines))
    return reports
