"""legged_gym's curriculum grid as generated: column layout, row difficulties and measured geometry per row.

The generator runs without a simulation. Geometry is measured on the generated mesh (the collider):
step heights from the height levels along a tile's centre line, slopes from a line fit, obstacle
heights from the extreme vertices.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import build_terrain_recording_difficulties

# legged_gym's per-row values (facts sheet, section 10.3): d = row / 10
STEP_HEIGHT = [0.05, 0.065, 0.085, 0.10, 0.12, 0.14, 0.155, 0.175, 0.19, 0.21]  # m
OBSTACLE_HEIGHT = [0.05, 0.07, 0.09, 0.11, 0.13, 0.15, 0.165, 0.19, 0.21, 0.23]  # m
SLOPE_DEG = [0.0, 2.3, 4.6, 6.8, 9.1, 11.3, 13.5, 15.6, 17.7, 19.8]


@pytest.fixture(scope="module")
def grid():
    """The full 10 x 20 rough grid, generated once (about 4 s)."""
    from isaaclab.utils import instantiate

    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG

    np.random.seed(0)  # the height-field tiles draw from NumPy's global generator
    cfg = ROUGH_TERRAIN_CFG.replace(seed=0)
    return cfg, instantiate(cfg, device="cpu")


def _tile_vertices(cfg, generator, row: int, col: int) -> np.ndarray:
    """Vertices of tile (row, col) in tile coordinates: x, y in [0, 8] m from the tile corner, z in m."""
    v = np.asarray(generator.terrain_mesh.vertices)
    x0 = row * cfg.size[0] - cfg.num_rows * cfg.size[0] / 2
    y0 = col * cfg.size[1] - cfg.num_cols * cfg.size[1] / 2
    local = v - np.array([x0, y0, 0.0])
    inside = (
        (local[:, 0] > 0.01)
        & (local[:, 0] < cfg.size[0] - 0.01)
        & (local[:, 1] > 0.01)
        & (local[:, 1] < cfg.size[1] - 0.01)
    )
    return local[inside]


def _centre_line(cfg, tile: np.ndarray) -> np.ndarray:
    """(x, z) along the line y = tile centre, sorted by x."""
    on_line = np.abs(tile[:, 1] - cfg.size[1] / 2) < 0.02
    line = tile[on_line][:, [0, 2]]
    return line[np.argsort(line[:, 0])]


def test_columns_follow_legged_gym_layout():
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG, column_types

    types = column_types(ROUGH_TERRAIN_CFG)
    counts = {name: types.count(name) for name in dict.fromkeys(types)}
    assert counts == {
        "slope_up": 1,
        "slope_down": 1,
        "rough_slope": 2,
        "stairs_up": 7,
        "stairs_down": 5,
        "obstacles": 4,
    }
    assert types[0] == "slope_up" and types[1] == "slope_down" and types[4] == "stairs_up"
    assert types[11] == "stairs_down" and types[16] == "obstacles"


def _built_columns(cfg) -> tuple[str, ...]:
    """The sub-terrain the generator really builds in each column of ``cfg`` (recorded as it adds each tile)."""
    from ext_walk_minutes.terrains.generator import RowDifficultyTerrainGenerator

    built: dict[int, set[str]] = {}

    class Recording(RowDifficultyTerrainGenerator):
        def _add_sub_terrain(self, mesh, origin, row, col, sub_terrain_cfg):
            (name,) = [n for n, c in self.cfg.sub_terrains.items() if c is sub_terrain_cfg]
            built.setdefault(col, set()).add(name)
            super()._add_sub_terrain(mesh, origin, row, col, sub_terrain_cfg)

    np.random.seed(0)
    Recording(cfg.replace(class_type=Recording), device="cpu")
    assert sorted(built) == list(range(cfg.num_cols))
    assert all(len(names) == 1 for names in built.values())  # one type per column, every row
    return tuple(built[col].pop() for col in range(cfg.num_cols))


@pytest.mark.parametrize("num_cols", [20, 7, 3])
def test_column_types_are_the_generators_columns(num_cols):
    """``column_types`` names, for every column, the sub-terrain the generator really built there, on the task's 20
    columns and on grids whose column count rounds the proportions differently."""
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG, column_types

    cfg = ROUGH_TERRAIN_CFG.replace(seed=0, num_rows=2, num_cols=num_cols)
    assert column_types(cfg) == _built_columns(cfg)


@pytest.mark.parametrize(
    ("proportions", "expected"),
    [
        ((1, 999), ("b", "b")),  # a's cumulative share 0.001 equals 0 / 2 + 0.001: strict '<' gives a no column
        ((5005, 4995), ("a", "b")),  # 0.5005 lies within the 0.001 offset above 1 / 2: column 1 is b, not a
        ((1, 3), ("a", "b")),  # shares that do not sum to 1 are normalised first (as 0.25, 0.75)
    ],
)
def test_column_types_on_the_rules_edges(proportions, expected):
    """Two-column grids whose proportions put a column exactly on the rule's edges (the strict comparison, the 0.001
    offset, normalisation): ``column_types`` still names the generator's columns. (Mutation check: each case kills
    a changed rule that the task's own proportions cannot tell apart.)"""
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG, column_types

    tiles = ROUGH_TERRAIN_CFG.sub_terrains
    cfg = ROUGH_TERRAIN_CFG.replace(
        seed=0,
        num_rows=1,
        num_cols=2,
        sub_terrains={
            "a": tiles["slope_up"].replace(proportion=proportions[0]),
            "b": tiles["stairs_up"].replace(proportion=proportions[1]),
        },
    )
    assert column_types(cfg) == expected
    assert _built_columns(cfg) == expected


def test_level_difficulty_with_a_lower_bound():
    """Row ``i`` of ``N`` has difficulty ``lower + (upper - lower) * i / N`` also when ``lower`` is not 0 (the task's
    range starts at 0, which hides a sign error in either term)."""
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG, level_difficulty

    cfg = ROUGH_TERRAIN_CFG.replace(difficulty_range=(0.2, 0.8), num_rows=4)
    assert [level_difficulty(i, cfg) for i in range(4)] == pytest.approx([0.2, 0.35, 0.5, 0.65])


def test_curriculum_rows_snap_to_their_difficulty_with_a_lower_bound():
    """With ``difficulty_range = (0.2, 0.8)`` every tile of row ``i`` of 4 is meshed with exactly
    ``0.2 + 0.6 * i / 4`` (Isaac Lab's per-tile draw dropped), in every column: the row recovery and the snapped
    value both use the range's lower bound (the task's range starts at 0, which hides sign errors there); a zero-width
    range builds every row at its one difficulty."""
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG

    cfg = ROUGH_TERRAIN_CFG.replace(seed=0, num_rows=4, num_cols=2, difficulty_range=(0.2, 0.8))
    _, seen = build_terrain_recording_difficulties(cfg)
    assert seen == pytest.approx([0.2, 0.35, 0.5, 0.65] * 2, abs=1e-12)  # column by column, rows in order
    # a zero-width range is one difficulty for every row (no row to recover, no division by zero)
    _, seen = build_terrain_recording_difficulties(cfg.replace(num_rows=2, difficulty_range=(0.5, 0.5)))
    assert seen == [0.5] * 4


def test_random_tile_difficulty_picks_by_the_uniform_draw():
    """Non-curriculum tiles: the uniform draw in the range picks one of the choices in equal parts, the range's
    lower bound counts, a draw at the upper bound takes the last choice, a zero-width range the first."""
    from ext_walk_minutes.terrains.generator import random_tile_difficulty

    choices = (0.5, 0.75, 0.9)
    picks = [random_tile_difficulty(u, (0.0, 1.0), choices) for u in (0.0, 0.33, 0.34, 0.66, 0.67, 0.999, 1.0)]
    assert picks == [0.5, 0.5, 0.75, 0.75, 0.9, 0.9, 0.9]
    picks = [random_tile_difficulty(u, (0.4, 1.0), choices) for u in (0.4, 0.59, 0.61, 0.79, 0.81, 1.0)]
    assert picks == [0.5, 0.5, 0.75, 0.75, 0.9, 0.9]
    assert random_tile_difficulty(0.5, (0.5, 0.5), choices) == 0.5


def test_difficulty_to_parameter_matches_legged_gym():
    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG, level_difficulty, terrain_parameter

    cfg = ROUGH_TERRAIN_CFG
    for row in range(10):
        d = level_difficulty(row, cfg)
        assert d == pytest.approx(row / 10)
        for stairs in ("stairs_up", "stairs_down"):
            assert terrain_parameter(stairs, d, cfg).value == pytest.approx(STEP_HEIGHT[row], abs=1e-9)
        assert terrain_parameter("obstacles", d, cfg).value == pytest.approx(OBSTACLE_HEIGHT[row], abs=1e-9)
        for slope in ("slope_up", "slope_down", "rough_slope"):
            param = terrain_parameter(slope, d, cfg)
            assert (param.name, param.unit) == ("slope", "deg")
            assert param.value == pytest.approx(SLOPE_DEG[row], abs=0.05)
    with pytest.raises(KeyError):
        terrain_parameter("lava", 0.5, cfg)


def test_every_tile_of_a_row_has_the_row_difficulty(grid):
    """Spawn heights of stair tiles are 9 steps of exactly the row's step height, in every column of the type."""
    from ext_walk_minutes.terrains import column_types

    cfg, generator = grid
    types = column_types(cfg)
    for row in range(cfg.num_rows):
        for col, name in enumerate(types):
            if name.startswith("stairs"):
                sign = -1.0 if name == "stairs_up" else 1.0
                assert generator.terrain_origins[row, col, 2] == pytest.approx(sign * 9 * STEP_HEIGHT[row], abs=1e-6)


def test_stairs_step_heights_and_widths(grid):
    from ext_walk_minutes.terrains import column_types

    cfg, generator = grid
    types = column_types(cfg)
    for name in ("stairs_up", "stairs_down"):
        col = types.index(name)
        for row in (0, 4, 9):
            line = _centre_line(cfg, _tile_vertices(cfg, generator, row, col))
            levels = np.unique(np.round(line[:, 1], 4))
            assert len(levels) == 10  # ground + 9 steps
            np.testing.assert_allclose(np.diff(levels), STEP_HEIGHT[row], atol=1e-6)
            # tread: x positions of the vertices on each step level between the edge and the platform
            half = line[line[:, 0] < cfg.size[0] / 2]
            first_steps = [
                np.ptp(half[np.isclose(half[:, 1], z, atol=1e-4), 0])
                for z in (levels[1:9] if name == "stairs_down" else levels[1:9][::-1])
            ]
            np.testing.assert_allclose(first_steps, 0.3, atol=0.11)  # 3 cells of 0.1 m (vertical walls move one)


@pytest.mark.parametrize("name", ["slope_up", "slope_down"])
def test_slopes_per_row(grid, name):
    from ext_walk_minutes.terrains import column_types

    cfg, generator = grid
    col = column_types(cfg).index(name)
    for row in (0, 3, 6, 9):
        line = _centre_line(cfg, _tile_vertices(cfg, generator, row, col))
        # on the centre line the ramp runs from the tile edge to where the flat top/bottom starts (~1.5 m in)
        ramp = line[(line[:, 0] > 0.15) & (line[:, 0] < 1.35)]
        gradient = np.polyfit(ramp[:, 0], ramp[:, 1], 1)[0]
        sign = -1.0 if name == "slope_up" else 1.0
        assert sign * gradient == pytest.approx(math.tan(math.radians(SLOPE_DEG[row])), abs=0.006), (row, gradient)


def test_rough_slope_is_the_slope_plus_uniform_noise():
    """The rough tile minus the smooth downward slope of the same row is +-5 cm noise on a 0.2 m grid."""
    from isaaclab.terrains.height_field import hf_terrains

    from ext_walk_minutes.terrains import ROUGH_TERRAIN_CFG
    from ext_walk_minutes.terrains.sub_terrains import rough_pyramid_sloped_terrain

    tile = ROUGH_TERRAIN_CFG.sub_terrains["rough_slope"].replace(size=(8.0, 8.0))
    np.random.seed(1)
    for d in (0.0, 0.5, 0.9):
        rough, origin = rough_pyramid_sloped_terrain.__wrapped__(d, tile)
        smooth, _ = hf_terrains.pyramid_sloped_terrain.__wrapped__(d, tile)
        noise = (rough.astype(float) - smooth) * tile.vertical_scale
        assert np.abs(noise).max() <= 0.05 + 1e-9  # bilinear: never beyond the sampled levels
        assert set(np.round(noise.flatten() / 0.005).astype(int)) <= set(range(-10, 11))
        assert 0.015 < noise.std() < 0.04 and abs(noise.mean()) < 0.005
        assert origin[2] == pytest.approx(rough[38:42, 38:42].max() * tile.vertical_scale, abs=0.11)


def test_obstacle_heights_per_row(grid):
    from ext_walk_minutes.terrains import column_types

    cfg, generator = grid
    types = column_types(cfg)
    for col in (types.index("obstacles"), len(types) - 1):
        for row in range(0, cfg.num_rows, 2 if col == len(types) - 1 else 1):
            z = _tile_vertices(cfg, generator, row, col)[:, 2]
            h = OBSTACLE_HEIGHT[row]
            assert np.abs(z).max() == pytest.approx(h, abs=1e-6)
            # heights come from {-h, -h/2, 0, h/2, h}, halves floored in whole 5 mm units (legged_gym alike)
            units = round(h / 0.005)
            allowed = np.array([-units, (-units) // 2, 0, units // 2, units]) * 0.005
            assert np.abs(z[:, None] - allowed[None]).min(axis=1).max() < 1e-6


def test_flat_option_is_flat():
    from isaaclab.utils import instantiate

    from ext_walk_minutes.terrains import FLAT_TERRAIN_CFG

    z = np.asarray(instantiate(FLAT_TERRAIN_CFG.replace(seed=0), device="cpu").terrain_mesh.vertices)[:, 2]
    surface = z[z > -0.5]  # the border box reaches 1 m down
    assert surface.max() <= 0.005 + 1e-6 and surface.min() >= -1e-6
