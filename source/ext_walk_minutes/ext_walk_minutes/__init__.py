"""ext_walk_minutes: "Learning to Walk in Minutes" (Rudin et al., CoRL 2021) as a kit-less Isaac Lab 3 extension.

Layout (one place per concept; imports run down this list, never up):

* :mod:`.studies`   the paper's studies and the GPU check (``scripts/<study>.py``)
* :mod:`.cli`       the mains of ``scripts/train.py``, ``play.py`` and ``warmup.py``, and their shared flags
* :mod:`.run`       a run built from what was asked: spec and configs, folders, presets, the config a checkpoint was
  trained with, the policies play runs, export, video, the live view and the drive panel
* :mod:`.rl`        the PPO runtime: one backend per library (rsl-rl, skrl), the job a backend trains, time-out
  bootstrap, checkpoint files, progress, divergence checks, signals, ``--distributed``
* :mod:`.tasks`     task configs and their gym registration (``Walk-{Flat,Rough}-<Robot>``)
* :mod:`.agents`    PPO configs (rsl-rl is the source of truth, skrl is derived)
* :mod:`.envs`      the env class (Isaac Lab's manager-based env with legged_gym's reward clip), the solver's room
* :mod:`.mdp`       MDP terms (Isaac Lab's own velocity-task terms plus what differs)
* :mod:`.warp`      the same env and terms on Isaac Lab's experimental Warp managers (``--frontend warp``)
* :mod:`.terrains`  terrain generator configs (the paper's curriculum grid, a flat ground)
* :mod:`.robots`    robot descriptions, authored by us and converted to USD offline; MJCF for sim-to-sim
* :mod:`.common`    the bottom: usage errors, command-line helpers, figures, locomotion metrics, set-up output,
  start-up (no full collections until the first iteration)
* :mod:`.device`    the one place a run's device and robot count are decided
* ``pretrained/``   the policies shipped with the package (``play.py --checkpoint pretrained``)
"""

import importlib
import importlib.util
import sys
import types
import warnings

__version__ = "0.1.0"

# moviepy 1.0.3 (Isaac Lab's video recorder imports it with every env) has regex strings that Python 3.12 flags each
# time it compiles them: every run where its bytecode is not cached (PYTHONDONTWRITEBYTECODE, a read-only install)
warnings.filterwarnings("ignore", category=SyntaxWarning, module=r".*[/\\]moviepy[/\\]")
# Isaac Lab 3.0's Newton cloner announces a workaround of its own at every scene build; nothing of ours to change
warnings.filterwarnings("ignore", message="Newton shape color replacement is enabled", category=FutureWarning)


def _moviepy_editor_on_demand() -> None:
    """Let ``moviepy.editor`` load only when a name other than ``ImageSequenceClip`` is asked of it.

    Isaac Lab's video recorder imports ``ImageSequenceClip`` from ``moviepy.editor`` with every env, whether it
    films or not; that module also loads matplotlib.pyplot and all of moviepy's effects: about 0.5 s of CPU at every
    start. The recorder gets a function that makes the clip with moviepy's class (the only use it has for the name),
    imported from its own module at the first clip: that module's import reads moviepy's config, which imports
    imageio and runs ImageMagick's ``convert`` to find it (0.3-0.5 s wall). Any other name loads the full
    ``moviepy.editor`` and puts it in ``sys.modules``.
    """
    if "moviepy.editor" in sys.modules or importlib.util.find_spec("moviepy") is None:
        return
    editor = types.ModuleType(
        "moviepy.editor", "moviepy.editor, loaded on first use of a name other than ImageSequenceClip"
    )

    def attribute(name: str):
        if name == "ImageSequenceClip":
            return _image_sequence_clip
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get("moviepy.editor") is editor:
            del sys.modules["moviepy.editor"]  # so that the import below loads the real module
        return getattr(importlib.import_module("moviepy.editor"), name)

    editor.__getattr__ = attribute
    sys.modules["moviepy.editor"] = editor
    # ``import moviepy.editor`` reads it as the package's attribute (the package itself is a version string)
    importlib.import_module("moviepy").editor = editor


def _image_sequence_clip(*args, **kwargs):
    """``moviepy.editor.ImageSequenceClip(*args, **kwargs)``, its module imported on the first call."""
    from moviepy.video.io.ImageSequenceClip import ImageSequenceClip

    return ImageSequenceClip(*args, **kwargs)


_moviepy_editor_on_demand()
