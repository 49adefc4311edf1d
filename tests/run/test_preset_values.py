"""A preset's flag value of the wrong type names the preset file (argparse blamed the flag, which was not given)."""

from __future__ import annotations

import pytest

from ext_walk_minutes.cli import train as train_cli
from helpers import usage_error


@pytest.mark.parametrize("value", ["two", "2.5", "true"])
def test_preset_flag_of_the_wrong_type_names_the_preset_file(capsys, tmp_path, value):
    preset = tmp_path / "mine.yaml"
    preset.write_text(f"num_envs: {value}\n")
    err = usage_error(capsys, train_cli.main, "--preset", str(preset), "--device", "cpu")
    assert f"preset file '{preset}': num_envs takes an integer" in err
