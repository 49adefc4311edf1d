"""What a user reads while a run starts and learns: the progress line's learning signals (``-`` where nothing was
measured, never ``nan``), the CPU run's first line, the libraries' set-up output kept out of the terminal, and no
SyntaxWarning from moviepy (Isaac Lab imports it with every env)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ext_walk_minutes.rl.progress import IterationStats, cpu_outlook, progress_text
from ext_walk_minutes.common.setup_output import SetupOutput


def test_an_iteration_without_ended_episodes_shows_dashes():
    stats = IterationStats(episodes=0, fell=None, mean_return=None, mean_length=None, tracking=(0.274, 0.391))
    text = progress_text(stats, None)
    assert text == "tracking xy 27% yaw 39% | ended 0, fell - | ep len - | reward - | terrain level -"


def test_an_iteration_with_ended_episodes():
    stats = IterationStats(episodes=8, fell=0.25, mean_return=1.234, mean_length=312.4, tracking=(0.5, None))
    text = progress_text(stats, 2.414)
    assert text == "tracking xy 50% yaw - | ended 8, fell 25% | ep len 312 | reward 1.23 | terrain level 2.41"


def test_cpu_outlook_says_what_a_cpu_run_shows_and_how_long_an_iteration_takes():
    line = cpu_outlook(24, 64, 1500, rough=True)
    assert "pipeline" in line and "early learning" in line and "needs a GPU" in line
    # measured on a loaded 2-core VM: rough 5.0 s per iteration at 64 robots, flat 1.7 s
    assert "about 5 s per iteration (24 steps x 64 robots" in line and "2:03:" in line
    assert "about 2 s per iteration" in cpu_outlook(24, 64, 300, rough=False)
    assert "s per iteration" not in cpu_outlook(None, 64, 300, rough=False)  # a backend without a rollout length


def test_setup_output_goes_to_the_log_and_our_lines_to_the_terminal(tmp_path, capsys):
    setup = SetupOutput()
    setup.start()
    print("[INFO]: Parsing configuration from: x")  # before the run folder exists
    setup.to_file(tmp_path / "setup.log")
    print("| Active Reward Terms |")
    with setup.shown():
        print("[train] logs: here")
    print("Actor Model: MLP")
    setup.stop()
    setup.stop()  # a second stop (the first progress line, then the end of the run) changes nothing
    print("] it 1/1 |")
    assert capsys.readouterr().out == "[train] logs: here\n] it 1/1 |\n"
    assert (tmp_path / "setup.log").read_text() == (
        "[INFO]: Parsing configuration from: x\n| Active Reward Terms |\nActor Model: MLP\n"
    )


@pytest.mark.parametrize("ours_first", [True, False])
def test_no_moviepy_syntax_warnings(tmp_path, ours_first):
    # an empty bytecode cache: moviepy's sources are compiled, as on every run with PYTHONDONTWRITEBYTECODE
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp_path), PYTHONDONTWRITEBYTECODE="1")
    # a name other than ImageSequenceClip loads the full moviepy.editor (our package defers it until then)
    imports = (
        "import ext_walk_minutes, moviepy.editor; moviepy.editor.VideoFileClip"
        if ours_first
        else "import moviepy.editor"
    )
    err = subprocess.run([sys.executable, "-c", imports], env=env, capture_output=True, text=True, check=True).stderr
    # without our package first (the control), Python 3.12 warns about moviepy's regex strings
    assert ("SyntaxWarning" in err) != ours_first, err


def test_an_env_import_leaves_matplotlib_and_moviepy_effects_unloaded():
    # Isaac Lab's video recorder takes ImageSequenceClip from moviepy.editor with every env; the full module costs
    # about 0.5 s of CPU at every start (matplotlib, moviepy's effects), moviepy's config 0.3-0.5 s wall (imageio,
    # running ImageMagick's convert)
    code = (
        "import sys, numpy, ext_walk_minutes, isaaclab.envs.utils.video_recorder as vr\n"
        "print(sorted(m for m in ('matplotlib', 'moviepy.video.fx.all', 'moviepy.config') if m in sys.modules))\n"
        "from moviepy.video.io.ImageSequenceClip import ImageSequenceClip\n"
        "clip = vr.ImageSequenceClip([numpy.zeros((4, 4, 3), numpy.uint8)] * 2, fps=2)\n"
        "print(type(clip) is ImageSequenceClip, clip.duration)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-2:] == ["[]", "True 1.0"], out
