"""ext_walk_minutes: "Learning to Walk in Minutes" (Rudin et al., CoRL 2021) as a kit-less Isaac Lab 3 extension.

Layout (one place per concept):

* :mod:`.robots`    robot descriptions, authored by us and converted to USD offline
* :mod:`.terrains`  terrain generator configs (the paper's curriculum grid, a flat ground)
* :mod:`.mdp`       MDP terms (Isaac Lab's own velocity-task terms plus what differs)
* :mod:`.tasks`     task configs and their gym registration (``Walk-{Flat,Rough}-<Robot>``)
* :mod:`.agents`    PPO configs (rsl-rl is the source of truth, skrl is derived)
* :mod:`.train`     what ``scripts/train.py`` and ``scripts/play.py`` run
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
    start. The class it asks for is taken from its own module (the same class); any other name loads the full
    ``moviepy.editor`` and puts it in ``sys.modules``.
    """
    if "moviepy.editor" in sys.modules or importlib.util.find_spec("moviepy") is None:
        return
    editor = types.ModuleType(
        "moviepy.editor", "moviepy.editor, loaded on first use of a name other than ImageSequenceClip"
    )

    def attribute(name: str):
        if name == "ImageSequenceClip":
            from moviepy.video.io.ImageSequenceClip import ImageSequenceClip

            return ImageSequenceClip
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get("moviepy.editor") is editor:
            del sys.modules["moviepy.editor"]  # so that the import below loads the real module
        return getattr(importlib.import_module("moviepy.editor"), name)

    editor.__getattr__ = attribute
    sys.modules["moviepy.editor"] = editor
    # ``import moviepy.editor`` reads it as the package's attribute (the package itself is a version string)
    importlib.import_module("moviepy").editor = editor


_moviepy_editor_on_demand()
