"""A small, robot-agnostic robot description format: typed, immutable data (bodies, colliders, joints).

Conventions (see docs/robots.md §0-1): SI units (m, kg, kg m^2, rad, rad/s, N m). Every body
frame sits at its parent joint and is parallel to the root frame when all joints are 0
("base-aligned"), so a joint is just an offset ``pos`` in its parent frame plus an axis.

Building descriptions from parts: :mod:`.mirroring` (legs from one template leg), :mod:`.merging` (welded parts).
Writing them as USD: :mod:`.usd_writer`; the USD file cache: :mod:`.usd_cache`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]
"""Quaternion (w, x, y, z)."""
Axis = Literal["x", "y", "z"]
SignedAxis = Literal["x", "y", "z", "-x", "-y", "-z"]

IDENTITY: Quat = (1.0, 0.0, 0.0, 0.0)
ORIGIN: Vec3 = (0.0, 0.0, 0.0)

JOINT_LIMIT_SETS = ("legged_gym", "manufacturer")
"""Position limits a robot can be built with: ``legged_gym``, its URDFs' (the default), and ``manufacturer``, the robot
maker's description where legged_gym's differs (ANYmal C's hip abduction range; the same limits for the others)."""

COLLISION_SETS = ("legged_gym", "detailed")
"""Collision shapes a robot can be built with: ``legged_gym``, the shapes of legged_gym's URDF after its fixed-link
merging (cylinders as capsules), and ``detailed``, the manufacturer's primitives (docs/collision_sets.md)."""

DEFAULT_COLLISION_SET = "legged_gym"


@dataclass(frozen=True)
class Box:
    """Box collider. ``size``: full edge lengths [m]; ``pos`` [m], ``rot`` (w, x, y, z): pose in the body frame."""

    size: Vec3
    pos: Vec3 = ORIGIN
    rot: Quat = IDENTITY


@dataclass(frozen=True)
class Sphere:
    """Sphere collider. ``radius`` [m]; ``pos`` [m]: center in the body frame."""

    radius: float
    pos: Vec3 = ORIGIN
    rot: Quat = IDENTITY


@dataclass(frozen=True)
class Capsule:
    """Capsule collider. ``radius`` [m]; ``height`` [m]: length of the straight part (USD semantics, the
    tips add ``radius`` at each end); ``axis``: long axis in the shape frame; ``pos``/``rot``: shape pose."""

    radius: float
    height: float
    axis: Axis
    pos: Vec3 = ORIGIN
    rot: Quat = IDENTITY


@dataclass(frozen=True)
class Cylinder:
    """A manufacturer's cylinder collider (``length`` [m] = full length along ``axis``), for the ``detailed`` sets.

    Written as the capsule of the same radius that fits the cylinder's *total* length, ``max(length, 2 radius)``
    (capsule contacts are cheaper and smoother, and the shape keeps the part's extent). legged_gym's URDF cylinders
    are not this: see :func:`urdf_cylinder_as_capsule`.
    """

    radius: float
    length: float
    axis: Axis
    pos: Vec3 = ORIGIN
    rot: Quat = IDENTITY


Shape = Box | Sphere | Capsule | Cylinder


def urdf_cylinder_as_capsule(
    radius: float, length: float, axis: Axis, pos: Vec3 = ORIGIN, rot: Quat = IDENTITY
) -> Capsule:
    """A URDF ``<cylinder>`` (``radius``, ``length`` [m]) as legged_gym's simulator collides it: a capsule whose
    *straight part* is the cylinder's length, the round caps added at both ends (total ``length + 2 radius``).

    legged_gym loads its URDFs with ``replace_cylinder_with_capsule=True``. NVIDIA's open URDF importers that make
    the same swap keep the cylinder length as the capsule's height without caps: Isaac Sim's URDF importer sets
    the USD capsule ``height`` (caps excluded) to the cylinder length, and warp.sim's ``parse_urdf`` builds the
    capsule with ``half_height = length / 2``. Isaac Gym's importer is closed; we take the same convention
    (docs/collision_sets.md).
    """
    return Capsule(radius, length, axis, pos, rot)


@dataclass(frozen=True)
class Inertial:
    """Mass properties of a body (after merging fixed links).

    ``mass`` [kg]; ``com`` [m] in the body frame; ``inertia`` = (Ixx, Iyy, Izz, Ixy, Ixz, Iyz) [kg m^2],
    the tensor entries about the COM in body axes (URDF style, products without a minus sign).
    """

    mass: float
    com: Vec3
    inertia: tuple[float, float, float, float, float, float]

    def tensor(self) -> np.ndarray:
        """The 3x3 inertia tensor [kg m^2]."""
        ixx, iyy, izz, ixy, ixz, iyz = self.inertia
        return np.array([[ixx, ixy, ixz], [ixy, iyy, iyz], [ixz, iyz, izz]], dtype=np.float64)


@dataclass(frozen=True)
class Body:
    """A rigid body: its mass properties and colliders (the colliders carry no mass)."""

    name: str
    inertial: Inertial
    shapes: tuple[Shape, ...] = ()


@dataclass(frozen=True)
class RevoluteJoint:
    """Hinge from ``parent`` to ``child``; the child frame sits at the joint point.

    ``pos`` [m]: joint point in the parent frame; ``axis``: hinge axis in the (base-aligned) frames,
    a leading ``-`` flips it; ``lower``/``upper`` [rad] (``None`` = unlimited); ``effort`` [N m];
    ``velocity`` [rad/s].
    """

    name: str
    parent: str
    child: str
    pos: Vec3
    axis: SignedAxis
    lower: float | None
    upper: float | None
    effort: float
    velocity: float


@dataclass(frozen=True)
class FixedJoint:
    """Weld that keeps ``child`` as its own body (e.g. feet, for contact sensing). ``pos`` [m] in the parent frame."""

    name: str
    parent: str
    child: str
    pos: Vec3


Joint = RevoluteJoint | FixedJoint


@dataclass(frozen=True)
class RobotDescription:
    """A floating-base robot: a tree of bodies rooted at ``root`` (no joint for the floating base)."""

    name: str
    root: str
    bodies: tuple[Body, ...]
    joints: tuple[Joint, ...]

    def __post_init__(self) -> None:
        names = [b.name for b in self.bodies]
        if len(set(names)) != len(names) or self.root not in names:
            raise ValueError(f"{self.name}: body names must be unique and include the root '{self.root}'")
        children = [j.child for j in self.joints]
        if len(set(children)) != len(children) or self.root in children:
            raise ValueError(f"{self.name}: every non-root body needs exactly one parent joint")
        if set(children) | {self.root} != set(names) or len({j.name for j in self.joints}) != len(self.joints):
            raise ValueError(f"{self.name}: joints must name known bodies and have unique names")
        self.body_positions()  # raises on cycles / disconnected bodies

    @property
    def total_mass(self) -> float:
        """Sum of body masses [kg]."""
        return sum(b.inertial.mass for b in self.bodies)

    def body(self, name: str) -> Body:
        """Body by name."""
        return next(b for b in self.bodies if b.name == name)

    def body_positions(self) -> dict[str, Vec3]:
        """Body frame origins in the root frame at q = 0 [m] (all frames are root-aligned)."""
        pos: dict[str, Vec3] = {self.root: ORIGIN}
        pending = list(self.joints)
        while pending:
            ready = [j for j in pending if j.parent in pos]
            if not ready:
                raise ValueError(f"{self.name}: bodies not connected to the root: {[j.child for j in pending]}")
            for j in ready:
                pos[j.child] = tuple(float(a + b) for a, b in zip(pos[j.parent], j.pos))  # type: ignore[assignment]
                pending.remove(j)
        return pos


def with_position_limits(desc: RobotDescription, limits: Mapping[str, tuple[float, float]]) -> RobotDescription:
    """``desc`` with the hinges named in ``limits`` (joint name -> (lower, upper) [rad]) limited to those ranges."""
    if unknown := set(limits) - {j.name for j in desc.joints}:
        raise KeyError(f"limits for unknown joints: {sorted(unknown)}")
    joints = tuple(
        replace(j, lower=limits[j.name][0], upper=limits[j.name][1]) if j.name in limits else j for j in desc.joints
    )
    return replace(desc, joints=joints)


def with_shapes(bodies: Sequence[Body], shapes: Mapping[str, tuple[Shape, ...]]) -> tuple[Body, ...]:
    """``bodies`` with the colliders of ``shapes`` (body name -> shapes; a body not named gets none).

    Lets a robot module keep its bodies (mass properties) apart from its collision sets.
    """
    if unknown := set(shapes) - {b.name for b in bodies}:
        raise KeyError(f"shapes for unknown bodies: {sorted(unknown)}")
    return tuple(replace(b, shapes=shapes.get(b.name, ())) for b in bodies)
