"""A small, robot-agnostic robot description format, its USD writer and a USD file cache.

Conventions (see ``robots.md`` section 0/1): SI units (m, kg, kg m^2, rad, rad/s, N m). Every body
frame sits at its parent joint and is parallel to the root frame when all joints are 0
("base-aligned"), so a joint is just an offset ``pos`` in its parent frame plus an axis.

The USD is authored directly with ``pxr`` + ``UsdPhysics`` in a *flat* layout: root Xform
``/<name>`` (defaultPrim), every rigid body a direct child ``/<name>/<body>`` and every joint under
``/<name>/joints/``. This is what Isaac Lab's stock prim patterns (``{ENV_REGEX_NS}/Robot/base``,
``{ENV_REGEX_NS}/Robot/[^/]*``) assume. No simulator is needed to write it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]
"""Quaternion (w, x, y, z)."""
Axis = Literal["x", "y", "z"]
SignedAxis = Literal["x", "y", "z", "-x", "-y", "-z"]

IDENTITY: Quat = (1.0, 0.0, 0.0, 0.0)
ORIGIN: Vec3 = (0.0, 0.0, 0.0)

FORMAT_VERSION = 1
"""Bump when the USD layout changes in a way the source hash below would not notice."""

COLLISION_SETS = ("legged_gym", "detailed")
"""Collision shapes a robot can be built with: ``legged_gym``, the shapes of legged_gym's URDF after its fixed-link
merging (cylinders as capsules), and ``detailed``, the manufacturer's primitives (docs/collision_sets.md)."""

DEFAULT_COLLISION_SET = "legged_gym"


# --------------------------------------------------------------------------------------------------
# Description dataclasses
# --------------------------------------------------------------------------------------------------


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
    """Cylinder collider as given by the source (``length`` [m] = full length along ``axis``).

    Written as a capsule of the same radius whose *total* length stays ``max(length, 2 radius)``
    (legged_gym also swaps cylinders for capsules; capsule contacts are cheaper and smoother).
    """

    radius: float
    length: float
    axis: Axis
    pos: Vec3 = ORIGIN
    rot: Quat = IDENTITY


Shape = Box | Sphere | Capsule | Cylinder


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


def with_shapes(bodies: Sequence[Body], shapes: Mapping[str, tuple[Shape, ...]]) -> tuple[Body, ...]:
    """``bodies`` with the colliders of ``shapes`` (body name -> shapes; a body not named gets none).

    Lets a robot module keep its bodies (mass properties) apart from its collision sets.
    """
    if unknown := set(shapes) - {b.name for b in bodies}:
        raise KeyError(f"shapes for unknown bodies: {sorted(unknown)}")
    return tuple(replace(b, shapes=shapes.get(b.name, ())) for b in bodies)


# --------------------------------------------------------------------------------------------------
# Quadruped helper: one leg, mirrored four times
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Rigid attachments: merging a body into another (Isaac Gym's collapse_fixed_joints)
# --------------------------------------------------------------------------------------------------


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


def attach_rigidly(desc: RobotDescription, body: Body, into: str, pos: Vec3 = ORIGIN, name: str | None = None
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


# --------------------------------------------------------------------------------------------------
# USD writer
# --------------------------------------------------------------------------------------------------


def principal_axes(inertia: np.ndarray) -> tuple[np.ndarray, Quat]:
    """Eigen-decompose a symmetric inertia tensor: returns (principal moments, rotation (w, x, y, z)).

    The rotation R (columns = principal axes, det +1) satisfies ``inertia = R diag(moments) R^T``,
    which is how ``UsdPhysics.MassAPI`` ``diagonalInertia`` + ``principalAxes`` are read.
    """
    moments, r = np.linalg.eigh(inertia)
    if np.linalg.det(r) < 0.0:
        r[:, 2] = -r[:, 2]
    # Shepperd's method, picking the largest pivot for accuracy
    t = np.trace(r)
    k = int(np.argmax([t, r[0, 0], r[1, 1], r[2, 2]]))
    if k == 0:
        s = 2.0 * np.sqrt(1.0 + t)
        q = (0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s)
    elif k == 1:
        s = 2.0 * np.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
        q = ((r[2, 1] - r[1, 2]) / s, 0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s)
    elif k == 2:
        s = 2.0 * np.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
        q = ((r[0, 2] - r[2, 0]) / s, (r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s)
    else:
        s = 2.0 * np.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
        q = ((r[1, 0] - r[0, 1]) / s, (r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s)
    return moments, tuple(float(x) for x in q)  # type: ignore[return-value]


# A joint frame rotated 180 deg about another axis turns +axis into -axis (USD joint axes are only X/Y/Z).
_AXIS_FLIP: dict[str, Quat] = {"x": (0.0, 0.0, 0.0, 1.0), "y": (0.0, 0.0, 0.0, 1.0), "z": (0.0, 1.0, 0.0, 0.0)}


def write_usd(desc: RobotDescription, path: str | os.PathLike[str]) -> None:
    """Author ``desc`` as a flat UsdPhysics articulation and export it to ``path`` (.usda or .usd).

    Mass properties go on the body (``MassAPI``: mass, centerOfMass, diagonalInertia, principalAxes),
    so colliders add no mass. Revolute limits are authored in degrees (UsdPhysics units); each
    revolute joint gets an angular ``DriveAPI`` with zero gains carrying the effort limit
    (``maxForce`` [N m]) and ``newton:velocityLimit`` [deg/s]. Gains and armature come from the
    Isaac Lab actuator cfg. Nothing references external files.
    """
    from pxr import Gf, Sdf, Usd, UsdGeom, UsdPhysics

    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    UsdPhysics.SetStageKilogramsPerUnit(stage, 1.0)
    root = UsdGeom.Xform.Define(stage, f"/{desc.name}")
    stage.SetDefaultPrim(root.GetPrim())
    root_path = root.GetPath()

    def quatf(q: Quat) -> Gf.Quatf:
        return Gf.Quatf(q[0], Gf.Vec3f(q[1], q[2], q[3]))

    def place(xf: UsdGeom.Xformable, pos: Vec3, rot: Quat = IDENTITY, scale: Vec3 | None = None) -> None:
        xf.AddTranslateOp().Set(Gf.Vec3d(*pos))
        if rot != IDENTITY:
            xf.AddOrientOp().Set(quatf(rot))
        if scale is not None:
            xf.AddScaleOp().Set(Gf.Vec3f(*scale))

    positions = desc.body_positions()
    for body in desc.bodies:
        xf = UsdGeom.Xform.Define(stage, root_path.AppendChild(body.name))
        place(xf, positions[body.name])
        prim = xf.GetPrim()
        UsdPhysics.RigidBodyAPI.Apply(prim)
        inertial = body.inertial
        moments, axes = principal_axes(inertial.tensor())
        mass_api = UsdPhysics.MassAPI.Apply(prim)
        mass_api.CreateMassAttr(inertial.mass)
        mass_api.CreateCenterOfMassAttr(Gf.Vec3f(*inertial.com))
        mass_api.CreateDiagonalInertiaAttr(Gf.Vec3f(*moments.tolist()))
        mass_api.CreatePrincipalAxesAttr(quatf(axes))
        if body.name == desc.root:
            UsdPhysics.ArticulationRootAPI.Apply(prim)
        for k, shape in enumerate(body.shapes):
            shape_path = prim.GetPath().AppendChild(f"collision_{k}")
            if isinstance(shape, Box):
                geom = UsdGeom.Cube.Define(stage, shape_path)
                geom.CreateSizeAttr(1.0)
                place(geom, shape.pos, shape.rot, shape.size)
            elif isinstance(shape, Sphere):
                geom = UsdGeom.Sphere.Define(stage, shape_path)
                geom.CreateRadiusAttr(shape.radius)
                place(geom, shape.pos, shape.rot)
            else:
                if isinstance(shape, Cylinder):
                    height = max(shape.length - 2.0 * shape.radius, 0.0)
                else:
                    height = shape.height
                geom = UsdGeom.Capsule.Define(stage, shape_path)
                geom.CreateRadiusAttr(shape.radius)
                geom.CreateHeightAttr(height)
                geom.CreateAxisAttr(shape.axis.upper())
                place(geom, shape.pos, shape.rot)
            geom.CreateExtentAttr(UsdGeom.Boundable.ComputeExtentFromPlugins(geom, Usd.TimeCode.Default()))
            UsdPhysics.CollisionAPI.Apply(geom.GetPrim())

    stage.DefinePrim(root_path.AppendChild("joints"), "Scope")
    for joint in desc.joints:
        joint_path = root_path.AppendChild("joints").AppendChild(joint.name)
        if isinstance(joint, RevoluteJoint):
            usd_joint = UsdPhysics.RevoluteJoint.Define(stage, joint_path)
            axis = joint.axis.lstrip("-")
            usd_joint.CreateAxisAttr(axis.upper())
            frame_rot = _AXIS_FLIP[axis] if joint.axis.startswith("-") else IDENTITY
            if joint.lower is not None:
                usd_joint.CreateLowerLimitAttr(float(np.degrees(joint.lower)))
            if joint.upper is not None:
                usd_joint.CreateUpperLimitAttr(float(np.degrees(joint.upper)))
            drive = UsdPhysics.DriveAPI.Apply(usd_joint.GetPrim(), "angular")
            drive.CreateTypeAttr("force")
            drive.CreateStiffnessAttr(0.0)
            drive.CreateDampingAttr(0.0)
            drive.CreateMaxForceAttr(joint.effort)
            usd_joint.GetPrim().CreateAttribute("newton:velocityLimit", Sdf.ValueTypeNames.Float).Set(
                float(np.degrees(joint.velocity))
            )
        else:
            usd_joint = UsdPhysics.FixedJoint.Define(stage, joint_path)
            frame_rot = IDENTITY
        usd_joint.CreateBody0Rel().SetTargets([root_path.AppendChild(joint.parent)])
        usd_joint.CreateBody1Rel().SetTargets([root_path.AppendChild(joint.child)])
        usd_joint.CreateLocalPos0Attr(Gf.Vec3f(*joint.pos))
        usd_joint.CreateLocalRot0Attr(quatf(frame_rot))
        usd_joint.CreateLocalPos1Attr(Gf.Vec3f(0.0, 0.0, 0.0))
        usd_joint.CreateLocalRot1Attr(quatf(frame_rot))

    stage.GetRootLayer().Export(os.fspath(path))


# --------------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """``$EXT_WALK_MINUTES_CACHE``, else ``$XDG_CACHE_HOME/ext_walk_minutes``, else ``~/.cache/ext_walk_minutes``."""
    if env := os.environ.get("EXT_WALK_MINUTES_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ext_walk_minutes"


def description_hash(desc: RobotDescription) -> str:
    """Content hash of the description, the format version and this writer's source."""
    h = hashlib.sha256(f"{FORMAT_VERSION}\n{desc!r}\n".encode())
    # the writer's own source: editing the writer rebuilds every cached USD, no manual bump needed
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def usd_path(desc: RobotDescription) -> str:
    """Path of the USD for ``desc``, written on first use; a cache hit costs one hash and one stat.

    The file is written to a temporary name and moved in with ``os.replace``, so concurrent
    processes never see a partial file (the last writer wins with identical content).
    """
    directory = cache_dir() / "robots"
    path = directory / f"{desc.name}-{description_hash(desc)}.usda"
    if not path.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".usda", dir=directory)
        os.close(fd)
        try:
            write_usd(desc, tmp)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return os.fspath(path)
