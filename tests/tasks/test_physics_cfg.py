"""The tasks' contact settings are legged_gym's PhysX offsets in Newton's terms (docs/mdp.md, Contact margin)."""

from __future__ import annotations


def test_contact_margin_is_legged_gyms_rest_offset_and_gap_its_contact_offset():
    """Newton's margin offsets the contact surface (PhysX's rest offset: 0 in legged_gym); the gap only detects
    contacts early (PhysX's contact offset: 0.01 m)."""
    from ext_walk_minutes.tasks.walk_env_cfg import walk_newton_cfg

    shape = walk_newton_cfg().default_shape_cfg
    assert (shape.margin, shape.gap) == (0.0, 0.01)
