"""Quadruped and biped legs from one template leg, mirrored to each corner or side of the body."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from .description import Body, Inertial, Joint, Quat, Shape, Vec3

ANYMAL_LEGS: dict[str, tuple[int, int]] = {"LF": (1, 1), "RF": (1, -1), "LH": (-1, 1), "RH": (-1, -1)}
"""Leg prefix -> (sx, sy) signs (front/hind, left/right)."""


def _mirror_vec(v: Vec3, sx: int, sy: int) -> Vec3:
    return (v[0] * sx, v[1] * sy, v[2])


def _mirror_quat(q: Quat, sx: int, sy: int) -> Quat:
    # Conjugating a rotation by the reflection M = diag(sx, sy, 1) gives the quaternion (w, det(M) * M v).
    d = sx * sy
    return (q[0], d * sx * q[1], d * sy * q[2], d * q[3])


def _mirror_shape(s: Shape, sx: int, sy: int) -> Shape:
    return replace(s, pos=_mirror_vec(s.pos, sx, sy), rot=_mirror_quat(s.rot, sx, sy))


def _mirror_body(b: Body, leg: str, sx: int, sy: int) -> Body:
    ixx, iyy, izz, ixy, ixz, iyz = b.inertial.inertia
    inertial = Inertial(
        mass=b.inertial.mass,
        com=_mirror_vec(b.inertial.com, sx, sy),
        inertia=(ixx, iyy, izz, ixy * sx * sy, ixz * sx, iyz * sy),
    )
    shapes = tuple(_mirror_shape(s, sx, sy) for s in b.shapes)
    return Body(name=b.name.format(leg=leg), inertial=inertial, shapes=shapes)


def mirrored_legs(
    bodies: Sequence[Body],
    joints: Sequence[Joint],
    legs: Mapping[str, tuple[int, int]] = ANYMAL_LEGS,
    mirror_x: bool | Collection[str] = True,
    overrides: Mapping[str, Mapping[str, object]] | None = None,
) -> tuple[tuple[Body, ...], tuple[Joint, ...]]:
    """Build all legs from one leg whose names contain ``{leg}`` (e.g. ``"{leg}_HAA"``).

    The template is the leg with signs (+1, +1). For each ``leg -> (sx, sy)``: positions, COMs and
    collider poses map x -> x*sx, y -> y*sy; inertia products Ixy*sx*sy, Ixz*sx, Iyz*sy; joint axes
    and limits are kept. ``mirror_x`` says which template bodies and joints (by template name, e.g.
    ``"{leg}_hip"``) are mirrored front/back: ``True`` all, ``False`` none (sx = +1 for every leg, e.g.
    Cassie's two legs), or a collection of names (Unitree A1: the hip bodies and hip joints sit
    mirrored at the four corners of the trunk, but the thighs and calves of the hind legs are copies of
    the front ones, not mirror images). ``overrides`` maps a final body or joint name to fields
    replaced with :func:`dataclasses.replace`, e.g. side-dependent HAA limits.
    """

    def x_sign(template_name: str, sx: int) -> int:
        mirrored = mirror_x if isinstance(mirror_x, bool) else template_name in mirror_x
        return sx if mirrored else 1

    if not isinstance(mirror_x, bool) and (unknown := set(mirror_x) - {x.name for x in (*bodies, *joints)}):
        raise KeyError(f"mirror_x names unknown template bodies/joints: {sorted(unknown)}")
    overrides = dict(overrides or {})
    out_bodies: list[Body] = []
    out_joints: list[Joint] = []
    for leg, (sx, sy) in legs.items():
        for b in bodies:
            out_bodies.append(_mirror_body(b, leg, x_sign(b.name, sx), sy))
        for j in joints:
            out_joints.append(
                replace(
                    j,
                    name=j.name.format(leg=leg),
                    parent=j.parent.format(leg=leg),
                    child=j.child.format(leg=leg),
                    pos=_mirror_vec(j.pos, x_sign(j.name, sx), sy),
                )
            )
    known = {x.name for x in out_bodies} | {x.name for x in out_joints}
    if unknown := set(overrides) - known:
        raise KeyError(f"overrides for unknown bodies/joints: {sorted(unknown)}")
    return (
        tuple(replace(b, **overrides.get(b.name, {})) for b in out_bodies),  # type: ignore[arg-type]
        tuple(replace(j, **overrides.get(j.name, {})) for j in out_joints),  # type: ignore[arg-type]
    )
