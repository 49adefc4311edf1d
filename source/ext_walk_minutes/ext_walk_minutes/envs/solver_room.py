"""MuJoCo Warp's contact and constraint room: how much of it each robot uses, and a watch for its overflow.

MuJoCo Warp sizes its arrays once: ``nconmax`` contacts per world (one pool of ``nconmax x worlds`` shared by all
worlds) and ``njmax`` constraint rows per world. When a step needs more, the excess is dropped and only a device
print says so, every physics step. A run that overflows trains on missing contacts; :class:`SolverRoomWatch` turns
it into one line per iteration.

Isaac Lab on Newton puts each env (one robot) in its own world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import warp as wp

# MuJoCo's constraint types whose efc_id is a contact index (frictionless, pyramidal, elliptic contact) and a joint
# index (joint limit)
_CONTACT_TYPES = (5, 6, 7)
_LIMIT_JOINT = 3


def mjwarp_solver():
    """The running simulation's Newton MuJoCo Warp solver (``mjw_model``, ``mjw_data``), or None on another solver."""
    from isaaclab_newton.physics import NewtonManager

    solver = getattr(NewtonManager, "_solver", None)
    return solver if getattr(solver, "mjw_data", None) is not None else None


@dataclass(frozen=True)
class RoomUse:
    """Contacts and constraint rows in use now, per robot: ``(world, root body)`` -> count (robots with none
    absent)."""

    contacts: dict[tuple[int, int], int]
    rows: dict[tuple[int, int], int]

    def most(self) -> tuple[int, int]:
        """The largest contact count and the largest row count of any one robot."""
        return max(self.contacts.values(), default=0), max(self.rows.values(), default=0)


def room_use(solver) -> RoomUse:
    """Each robot's contacts and constraint rows now (one host read of the solver's arrays; tests and studies).

    A robot is a (world, root body) pair, so robots sharing one world are told apart. A contact counts for every
    robot it touches; a row for the robot of its contact or limited joint.
    """
    m, d = solver.mjw_model, solver.mjw_data
    root_of_geom = m.body_rootid.numpy()[m.geom_bodyid.numpy()]
    root_of_joint = m.body_rootid.numpy()[m.jnt_bodyid.numpy()]
    nacon = min(int(d.nacon.numpy()[0]), d.contact.worldid.shape[0])
    worlds = d.contact.worldid.numpy()[:nacon]
    roots = root_of_geom[np.maximum(d.contact.geom.numpy()[:nacon], 0)]  # (contacts, 2); 0 is the world body
    contacts: dict[tuple[int, int], int] = {}
    for world, pair in zip(worlds, roots):
        for root in {int(r) for r in pair if r > 0}:
            contacts[(int(world), root)] = contacts.get((int(world), root), 0) + 1
    rows: dict[tuple[int, int], int] = {}
    types, ids, nefc = d.efc.type.numpy(), d.efc.id.numpy(), d.nefc.numpy()
    for world in range(d.nworld):
        for kind, obj in zip(types[world, : nefc[world]], ids[world, : nefc[world]]):
            if kind in _CONTACT_TYPES:
                owners = {int(r) for r in roots[obj] if r > 0} if obj < nacon else set()
            elif kind == _LIMIT_JOINT:
                owners = {int(root_of_joint[obj])}
            else:
                continue
            for root in owners:
                rows[(world, root)] = rows.get((world, root), 0) + 1
    return RoomUse(contacts, rows)


@wp.kernel
def _record_peaks(
    contact_count: wp.array(dtype=wp.int32), nefc: wp.array(dtype=wp.int32), peaks: wp.array(dtype=wp.int32)
):
    """peaks[0] = most contacts in the pool so far, peaks[1] = most constraint rows of any one world so far."""
    world = wp.tid()
    wp.atomic_max(peaks, 1, nefc[world])
    if world == 0:
        wp.atomic_max(peaks, 0, contact_count[0])


class SolverRoomWatch:
    """Records, after every physics step, the most contacts and constraint rows in use (one small kernel, graph-safe,
    no host read), and reports once per call whether they outgrew MuJoCo Warp's room.

    Contacts are counted before MuJoCo Warp takes them (Newton's collision pipeline counts every contact it found,
    also those the room could not hold), so an overflow shows as a count above the room.
    """

    def __init__(self, solver, contact_count, physics_key: str = "env.sim.physics") -> None:
        data = solver.mjw_data
        self.nworld = data.nworld
        self.contact_room = data.naconmax
        """Contacts all robots together can hold (``nconmax`` per robot x robots: one pool)."""
        self.row_room = data.njmax
        """Constraint rows each robot's world can hold (``njmax``)."""
        self._contact_count, self._nefc, self._key = contact_count, data.nefc, physics_key
        self._peaks = wp.zeros(2, dtype=wp.int32, device=data.nefc.device)

    @classmethod
    def register(cls) -> SolverRoomWatch | None:
        """A watch on the running simulation's MuJoCo Warp solver, recording after each physics step from now on
        (register before the first step: a CUDA graph captured earlier would not run it), or None on another
        solver."""
        from isaaclab_newton.physics import NewtonManager

        solver = mjwarp_solver()
        if solver is None:
            return None
        contacts = NewtonManager._contacts  # None when MuJoCo Warp finds the contacts itself
        watch = cls(solver, contacts.rigid_contact_count if contacts is not None else solver.mjw_data.nacon)
        NewtonManager.register_post_step_callback(watch.record)
        return watch

    def record(self) -> None:
        """Fold this step's contact and row counts into the peaks (a kernel launch)."""
        wp.launch(_record_peaks, dim=self.nworld, inputs=[self._contact_count, self._nefc], outputs=[self._peaks])

    def take_peaks(self) -> tuple[int, int]:
        """(most contacts of all robots together, most rows of one robot) since the last call; one host read."""
        contacts, rows = (int(v) for v in self._peaks.numpy())
        self._peaks.zero_()
        return contacts, rows

    def check(self, it: int) -> str | None:
        """One warning line when the peaks since the last check outgrew the room (contacts or rows were dropped),
        naming the setting to raise; else None."""
        contacts, rows = self.take_peaks()
        over = []
        if contacts > self.contact_room:
            per_robot = -(-contacts // self.nworld)
            over.append((f"{contacts} contacts for a room of {self.contact_room}", "nconmax", 2 * per_robot))
        if rows > self.row_room:
            over.append((f"{rows} constraint rows in one robot for a room of {self.row_room}", "njmax", 2 * rows))
        if not over:
            return None
        what = "; ".join(text for text, _, _ in over)
        fix = " ".join(f"{self._key}.solver_cfg.{key}={value}" for _, key, value in over)
        return (
            f"warning: MuJoCo Warp ran out of room by iteration {it + 1} ({what}): the excess was dropped and the "
            f"robots trained without it; rerun with more room per robot: {fix}"
        )
