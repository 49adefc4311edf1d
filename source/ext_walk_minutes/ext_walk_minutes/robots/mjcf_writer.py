"""The MJCF writer: a :class:`~.description.RobotDescription` as a MuJoCo model, for sim-to-sim checks.

It writes what :mod:`.usd_writer` writes, from the same data: one body per description body (fixed joints become
bodies without a joint, as the USD keeps feet as bodies), mass properties on the body (colliders carry no mass),
revolute joints as hinges with their limits and the drive's armature, the colliders of the description's collision
set (cylinders as capsules of the same total length, as in the USD) and one actuator per hinge. Nothing is written
to disk here: :func:`mjcf_xml` returns the XML text; ``mujoco.MjModel.from_xml_string`` loads it.

MuJoCo conventions used: a body's ``pos`` is its frame origin in the parent body frame (our frames are all aligned,
so this is the joint offset); ``fullinertia`` is (Ixx, Iyy, Izz, Ixy, Ixz, Iyz), the tensor entries as our
:class:`~.description.Inertial` stores them; quaternions are (w, x, y, z) as ours; a contact takes the larger
friction of its two geoms, as our tasks set up Newton (ground friction 0, the robot's friction on every shape).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal
from xml.etree import ElementTree as ET

import numpy as np

from .description import Box, Cylinder, Quat, RevoluteJoint, RobotDescription, Shape, Sphere

ActuatorKind = Literal["position", "motor"]

_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


def _fmt(values: Sequence[float]) -> str:
    """Floats as an MJCF attribute, written exactly (``repr`` round-trips)."""
    return " ".join(repr(float(v)) for v in values)


def _rotate(q: Quat, v: Sequence[float]) -> np.ndarray:
    """``v`` rotated by the unit quaternion ``q`` (w, x, y, z)."""
    w, u = q[0], np.asarray(q[1:], dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    return v + 2.0 * np.cross(u, np.cross(u, v) + w * v)


def signed_axis(axis: str) -> tuple[float, float, float]:
    """A description's joint axis (``"y"``, ``"-x"``, ...) as a unit vector in the (base-aligned) body frame."""
    sign = -1.0 if axis.startswith("-") else 1.0
    return tuple(sign * a for a in _AXES[axis.lstrip("-")])  # type: ignore[return-value]


def _geom(body: ET.Element, shape: Shape, name: str, friction: float) -> None:
    """Append ``shape`` as a collision geom of ``body``; capsules along their axis via ``fromto``."""
    attrs = {"name": name, "friction": _fmt((friction, 0.005, 0.0001)), "contype": "1", "conaffinity": "1"}
    if isinstance(shape, Box):
        attrs |= {
            "type": "box",
            "size": _fmt(np.asarray(shape.size) / 2.0),
            "pos": _fmt(shape.pos),
            "quat": _fmt(shape.rot),
        }
    elif isinstance(shape, Sphere):
        attrs |= {"type": "sphere", "size": _fmt((shape.radius,)), "pos": _fmt(shape.pos)}
    else:
        # straight length as the USD writer authors it: a cylinder keeps its total length, at least a sphere
        height = max(shape.length - 2.0 * shape.radius, 0.0) if isinstance(shape, Cylinder) else shape.height
        if height <= 0.0:  # a capsule without a straight part is a sphere (MuJoCo needs a positive half-length)
            attrs |= {"type": "sphere", "size": _fmt((shape.radius,)), "pos": _fmt(shape.pos)}
        else:
            half = _rotate(shape.rot, _AXES[shape.axis]) * (height / 2.0)
            centre = np.asarray(shape.pos, dtype=np.float64)
            attrs |= {
                "type": "capsule",
                "size": _fmt((shape.radius,)),
                "fromto": _fmt(np.concatenate([centre - half, centre + half])),
            }
    ET.SubElement(body, "geom", attrs)


def _per_joint(value: float | Mapping[str, float], names: Sequence[str]) -> dict[str, float]:
    """A scalar for every joint, or a joint name -> value mapping that must name every joint in ``names``."""
    if isinstance(value, Mapping):
        if missing := [n for n in names if n not in value]:
            raise KeyError(f"no value for joints {missing}")
        return {n: float(value[n]) for n in names}
    return {n: float(value) for n in names}


def mjcf_xml(
    desc: RobotDescription,
    *,
    stiffness: float | Mapping[str, float],
    damping: float | Mapping[str, float],
    armature: float | Mapping[str, float] = 0.0,
    effort_limit: float | Mapping[str, float] | None = None,
    actuators: ActuatorKind = "position",
    friction: float = 1.0,
    base_height: float = 0.6,
    physics_dt: float = 0.005,
    floor: bool = True,
    noslip_iterations: int = 0,
) -> str:
    """MJCF text of ``desc`` on a floating base, with one actuator per revolute joint (in description order).

    Args:
        desc: the robot (its collision set decides the geoms).
        stiffness, damping: PD gains per revolute joint [N m/rad], [N m s/rad] (a scalar or joint name -> value).
        armature: reflected drive inertia per joint [kg m^2] (Isaac Lab sets it from the actuator cfg, not the USD).
        effort_limit: torque limit per joint [N m]; default the description's ``effort``.
        actuators: ``position``: MuJoCo's ``kp (target - q) - kv qd`` clipped at the effort limit, the ideal PD
            law (ctrl = joint position target [rad]); ``motor``: ctrl = joint torque [N m] for a runner that computes
            the PD law itself (e.g. a DC motor's torque-speed clip), ``ctrlrange`` the effort limit.
        friction: sliding friction of every robot geom (the ground's is 0; MuJoCo takes the larger of the two).
        base_height: initial height of the base frame [m].
        physics_dt: the simulation step [s].
        floor: add a plane at z = 0.
        noslip_iterations: MuJoCo's no-slip solver passes after the main solver (0: off, MuJoCo's default). MuJoCo's
            soft friction lets a foot under a steady sideways load creep (ANYmal standing on its default pose spreads
            its feet and sinks 0.3 m in 5 s); the no-slip pass removes that creep.

    The solver options mirror our Newton MuJoCo Warp physics: ``implicitfast``, Newton solver, pyramidal cone,
    ``impratio`` 1. Collisions between a body and its parent are off (MuJoCo's default), others on.
    """
    hinges = [j for j in desc.joints if isinstance(j, RevoluteJoint)]
    names = [j.name for j in hinges]
    kp, kv = _per_joint(stiffness, names), _per_joint(damping, names)
    arm = _per_joint(armature, names)
    effort = _per_joint(effort_limit, names) if effort_limit is not None else {j.name: j.effort for j in hinges}

    root = ET.Element("mujoco", {"model": desc.name})
    _add_options(root, physics_dt, noslip_iterations)
    world = _add_world(root, floor)
    _add_body_tree(world, desc, base_height, arm, friction)
    _add_actuators(root, hinges, actuators, kp, kv, effort)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


def _add_options(root: ET.Element, physics_dt: float, noslip_iterations: int) -> None:
    """The compiler settings and the solver options that mirror our Newton MuJoCo Warp physics."""
    ET.SubElement(root, "compiler", {"angle": "radian", "autolimits": "true", "boundmass": "0", "boundinertia": "0"})
    ET.SubElement(
        root,
        "option",
        {
            "timestep": repr(float(physics_dt)),
            "integrator": "implicitfast",
            "solver": "Newton",
            "cone": "pyramidal",
            "impratio": "1",
            "iterations": "100",
            "ls_iterations": "50",
            "noslip_iterations": str(int(noslip_iterations)),
        },
    )


def _add_world(root: ET.Element, floor: bool) -> ET.Element:
    """The ``worldbody``, with a frictionless plane at z = 0 if ``floor``."""
    world = ET.SubElement(root, "worldbody")
    if floor:
        ET.SubElement(
            world,
            "geom",
            {
                "name": "floor",
                "type": "plane",
                "size": "0 0 0.05",
                "friction": "0 0 0",
                "contype": "1",
                "conaffinity": "1",
            },
        )
    return world


def _add_body_tree(
    world: ET.Element, desc: RobotDescription, base_height: float, arm: dict[str, float], friction: float
) -> None:
    """Every body of ``desc`` nested under its parent in ``world``: the root on a free joint ``base_height`` [m] up,
    the others on their hinge (armature ``arm`` [kg m^2]) or welded (a fixed joint), each with its mass properties
    and collision geoms."""
    children: dict[str, list] = {}
    for joint in desc.joints:
        children.setdefault(joint.parent, []).append(joint)

    def add_body(parent: ET.Element, name: str, pos: Sequence[float], joint=None) -> None:
        body = ET.SubElement(parent, "body", {"name": name, "pos": _fmt(pos)})
        if joint is None and name == desc.root:
            ET.SubElement(body, "freejoint", {"name": "root"})
        elif isinstance(joint, RevoluteJoint):
            _add_hinge(body, joint, arm[joint.name])
        inertial = desc.body(name).inertial
        ET.SubElement(
            body,
            "inertial",
            {"pos": _fmt(inertial.com), "mass": repr(float(inertial.mass)), "fullinertia": _fmt(inertial.inertia)},
        )
        for k, shape in enumerate(desc.body(name).shapes):
            _geom(body, shape, f"{name}_collision_{k}", friction)
        for child in children.get(name, ()):
            add_body(body, child.child, child.pos, child)

    add_body(world, desc.root, (0.0, 0.0, base_height))


def _add_hinge(body: ET.Element, joint: RevoluteJoint, armature: float) -> None:
    """``joint`` as a hinge of ``body``, limited where the description gives both limits."""
    attrs = {
        "name": joint.name,
        "type": "hinge",
        "axis": _fmt(signed_axis(joint.axis)),
        "armature": repr(armature),
    }
    if joint.lower is not None and joint.upper is not None:
        attrs |= {"limited": "true", "range": _fmt((joint.lower, joint.upper))}
    ET.SubElement(body, "joint", attrs)


def _add_actuators(
    root: ET.Element,
    hinges: Sequence[RevoluteJoint],
    actuators: ActuatorKind,
    kp: dict[str, float],
    kv: dict[str, float],
    effort: dict[str, float],
) -> None:
    """One actuator per hinge, in order: a PD ``position`` servo or a torque ``motor`` (see :func:`mjcf_xml`)."""
    actuator = ET.SubElement(root, "actuator")
    for j in hinges:
        if actuators == "position":
            ET.SubElement(
                actuator,
                "position",
                {
                    "name": j.name,
                    "joint": j.name,
                    "kp": repr(kp[j.name]),
                    "kv": repr(kv[j.name]),
                    "forcerange": _fmt((-effort[j.name], effort[j.name])),
                },
            )
        elif actuators == "motor":
            ET.SubElement(
                actuator,
                "motor",
                {"name": j.name, "joint": j.name, "ctrlrange": _fmt((-effort[j.name], effort[j.name]))},
            )
        else:
            raise ValueError(f"unknown actuator kind '{actuators}'; choose 'position' or 'motor'")
