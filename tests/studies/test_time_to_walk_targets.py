"""time_to_walk.py refuses a criterion or a cap no run can meet (it trained until its cap, then reported it)."""

from __future__ import annotations

import pytest

from ext_walk_minutes.studies import time_to_walk
from helpers import usage_error


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--track-fraction", "1.5", "at most 1"),
        ("--track-fraction", "nan", "at most 1"),
        ("--max-base-contact", "-1", "above 0"),
        ("--max-seconds", "nan", "positive number of seconds"),
        ("--max-seconds", "inf", "positive number of seconds"),
    ],
    ids=["track_above_1", "track_nan", "contact_negative", "seconds_nan", "seconds_inf"],
)
def test_time_to_walk_target_that_cannot_be_met(capsys, tmp_path, monkeypatch, flag, value, says):
    monkeypatch.chdir(tmp_path)
    err = usage_error(capsys, time_to_walk.main, "--device", "cpu", flag, value)
    assert flag in err and says in err
    assert not (tmp_path / "logs").exists()
