"""Rigid attachments: a body merged into another (Isaac Gym's ``collapse_fixed_joints``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from .description import ORIGIN, Body, Inertial, RobotDescription, Vec3


def merge_inertials(parts: Iterable[tuple[Inertial, Vec3]]) -> Inertial:
    """Composite mass properties of rigidly joined parts, each given with its frame origin [m] in the
    target frame (all frames aligned): total mass, mass-weighted COM, inertia about the new COM by the
    parallel-axis theorem."""
    parts = list(parts)
    mass = sum(p.mass for p, _ in parts)
    coms = [np.add(p.com, origin) for p, origin in parts]
    com = sum(p.mass * c for (p, _), c in zip(parts, coms)) / mass
    tensor = np.zeros((3, 3))
    for (p, _), c in zip(parts, coms):
        d = c - com
        tensor += p.tensor() + p.mass * (np.dot(d, d) * np.eye(3) - np.outer(d, d))
    inertia = (tensor[0, 0], tensor[1, 1], tensor[2, 2], tensor[0, 1], tensor[0, 2], tensor[1, 2])
    return Inertial(float(mass), tuple(float(x) for x in com), tuple(float(x) for x in inertia))  # type: ignore[arg-type]


def attach_rigidly(
    desc: RobotDescription, body: Body, into: str, pos: Vec3 = ORIGIN, name: str | None = None
) -> RobotDescription:
    """``desc`` with ``body`` welded to body ``into`` and merged with it (mass properties and colliders),
    as Isaac Gym merges links on fixed joints: no extra body or joint, so contact terms that name
    ``into`` (e.g. the base-contact termination) cover the attachment too.

    Args:
        desc: the robot.
        body: the attachment, in its own frame (aligned with ``into``'s).
        into: name of the body it is welded to.
        pos: origin of ``body``'s frame in ``into``'s frame [m].
        name: name of the new description (default: ``desc.name``).
    """
    host = desc.body(into)
    merged = Body(
        host.name,
        merge_inertials([(host.inertial, ORIGIN), (body.inertial, pos)]),
        (*host.shapes, *(replace(s, pos=tuple(float(a + b) for a, b in zip(s.pos, pos))) for s in body.shapes)),
    )
    bodies = tuple(merged if b.name == into else b for b in desc.bodies)
    return replace(desc, name=name or desc.name, bodies=bodies)
