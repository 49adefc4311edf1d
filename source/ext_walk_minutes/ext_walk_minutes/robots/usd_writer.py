"""The USD writer: a :class:`~.description.RobotDescription` authored with ``pxr`` + ``UsdPhysics``.

The layout is *flat*: root Xform ``/<name>`` (defaultPrim), every rigid body a direct child ``/<name>/<body>`` and
every joint under ``/<name>/joints/``. This is what Isaac Lab's stock prim patterns (``{ENV_REGEX_NS}/Robot/base``,
``{ENV_REGEX_NS}/Robot/[^/]*``) assume. No simulator is needed to write it.

The USD cache (:mod:`.usd_cache`) keys its files on this module's source: everything that shapes the written file
belongs here, so that editing it rebuilds the cached USD.
"""

from __future__ import annotations

import os

import numpy as np

from .description import (
    IDENTITY,
    Body,
    Box,
    Cylinder,
    Joint,
    Quat,
    RevoluteJoint,
    RobotDescription,
    Shape,
    Sphere,
    Vec3,
)


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
    from pxr import Usd, UsdGeom, UsdPhysics

    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    UsdPhysics.SetStageKilogramsPerUnit(stage, 1.0)
    root = UsdGeom.Xform.Define(stage, f"/{desc.name}")
    stage.SetDefaultPrim(root.GetPrim())
    root_path = root.GetPath()
    positions = desc.body_positions()
    for body in desc.bodies:
        _add_body(stage, root_path, body, positions[body.name], is_root=body.name == desc.root)
    stage.DefinePrim(root_path.AppendChild("joints"), "Scope")
    for joint in desc.joints:
        _add_joint(stage, root_path, joint)
    stage.GetRootLayer().Export(os.fspath(path))


def _quatf(q: Quat):
    """``q`` (w, x, y, z) as a ``Gf.Quatf``."""
    from pxr import Gf

    return Gf.Quatf(q[0], Gf.Vec3f(q[1], q[2], q[3]))


def _place(xf, pos: Vec3, rot: Quat = IDENTITY, scale: Vec3 | None = None) -> None:
    """Give the ``UsdGeom.Xformable`` ``xf`` its translation [m], then its orientation and scale where given."""
    from pxr import Gf

    xf.AddTranslateOp().Set(Gf.Vec3d(*pos))
    if rot != IDENTITY:
        xf.AddOrientOp().Set(_quatf(rot))
    if scale is not None:
        xf.AddScaleOp().Set(Gf.Vec3f(*scale))


def _add_body(stage, root_path, body: Body, pos: Vec3, *, is_root: bool) -> None:
    """``body`` as a rigid body ``<root_path>/<name>`` at ``pos`` [m] with its mass properties and colliders (the
    articulation root if ``is_root``)."""
    from pxr import Gf, UsdGeom, UsdPhysics

    xf = UsdGeom.Xform.Define(stage, root_path.AppendChild(body.name))
    _place(xf, pos)
    prim = xf.GetPrim()
    UsdPhysics.RigidBodyAPI.Apply(prim)
    inertial = body.inertial
    moments, axes = principal_axes(inertial.tensor())
    mass_api = UsdPhysics.MassAPI.Apply(prim)
    mass_api.CreateMassAttr(inertial.mass)
    mass_api.CreateCenterOfMassAttr(Gf.Vec3f(*inertial.com))
    mass_api.CreateDiagonalInertiaAttr(Gf.Vec3f(*moments.tolist()))
    mass_api.CreatePrincipalAxesAttr(_quatf(axes))
    if is_root:
        UsdPhysics.ArticulationRootAPI.Apply(prim)
    for k, shape in enumerate(body.shapes):
        _add_collider(stage, prim.GetPath().AppendChild(f"collision_{k}"), shape)


def _add_collider(stage, shape_path, shape: Shape) -> None:
    """``shape`` as a collision geom at ``shape_path``: a unit cube scaled to the box, a sphere, or a capsule (a
    cylinder as the capsule of the same total length)."""
    from pxr import Usd, UsdGeom, UsdPhysics

    if isinstance(shape, Box):
        geom = UsdGeom.Cube.Define(stage, shape_path)
        geom.CreateSizeAttr(1.0)
        _place(geom, shape.pos, shape.rot, shape.size)
    elif isinstance(shape, Sphere):
        geom = UsdGeom.Sphere.Define(stage, shape_path)
        geom.CreateRadiusAttr(shape.radius)
        _place(geom, shape.pos, shape.rot)
    else:
        if isinstance(shape, Cylinder):
            height = max(shape.length - 2.0 * shape.radius, 0.0)
        else:
            height = shape.height
        geom = UsdGeom.Capsule.Define(stage, shape_path)
        geom.CreateRadiusAttr(shape.radius)
        geom.CreateHeightAttr(height)
        geom.CreateAxisAttr(shape.axis.upper())
        _place(geom, shape.pos, shape.rot)
    geom.CreateExtentAttr(UsdGeom.Boundable.ComputeExtentFromPlugins(geom, Usd.TimeCode.Default()))
    UsdPhysics.CollisionAPI.Apply(geom.GetPrim())


def _add_joint(stage, root_path, joint: Joint) -> None:
    """``joint`` as ``<root_path>/joints/<name>``: revolute (see :func:`_define_revolute`) or fixed, its frame at
    ``joint.pos`` [m] in the parent body and at the child's origin."""
    from pxr import Gf, UsdPhysics

    joint_path = root_path.AppendChild("joints").AppendChild(joint.name)
    if isinstance(joint, RevoluteJoint):
        usd_joint, frame_rot = _define_revolute(stage, joint_path, joint)
    else:
        usd_joint = UsdPhysics.FixedJoint.Define(stage, joint_path)
        frame_rot = IDENTITY
    usd_joint.CreateBody0Rel().SetTargets([root_path.AppendChild(joint.parent)])
    usd_joint.CreateBody1Rel().SetTargets([root_path.AppendChild(joint.child)])
    usd_joint.CreateLocalPos0Attr(Gf.Vec3f(*joint.pos))
    usd_joint.CreateLocalRot0Attr(_quatf(frame_rot))
    usd_joint.CreateLocalPos1Attr(Gf.Vec3f(0.0, 0.0, 0.0))
    usd_joint.CreateLocalRot1Attr(_quatf(frame_rot))


def _define_revolute(stage, joint_path, joint: RevoluteJoint) -> tuple:
    """A revolute joint with its limits [deg] and a zero-gain angular drive carrying the effort [N m] and velocity
    [deg/s] limits; returns it and the joint frame's rotation (180 deg for a negative axis)."""
    from pxr import Sdf, UsdPhysics

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
    return usd_joint, frame_rot
