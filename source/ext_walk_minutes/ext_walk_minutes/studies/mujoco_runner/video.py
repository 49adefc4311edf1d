"""Robot 0 of a MuJoCo rollout rendered to an MP4 (``--video``; needs ``MUJOCO_GL=egl`` or ``osmesa``)."""

from __future__ import annotations

from typing import Any

from ...common.errors import UsageError


def video_recorder(path: str, fps: float):
    """A frame hook writing robot 0 to ``path`` and a function that closes the file; UsageError if GL fails."""
    import mujoco

    try:
        import imageio.v2 as imageio
    except ImportError as exc:
        raise UsageError(f"--video needs imageio ({exc})") from None
    state: dict[str, Any] = {}

    def hook(model, data, step: int) -> None:
        if "renderer" not in state:
            try:
                state["renderer"] = mujoco.Renderer(model, 480, 640)
            except Exception as exc:  # no GL context: say so in one line (the message of some GL errors fails)
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                raise UsageError(
                    f"--video: MuJoCo cannot render here ({reason}); set MUJOCO_GL=egl or osmesa on a "
                    "machine with that GL library, or drop --video"
                ) from None
            state["camera"] = mujoco.MjvCamera()
            state["writer"] = imageio.get_writer(path, fps=fps)
        camera = state["camera"]
        camera.lookat[:] = data.qpos[0:3]
        camera.distance, camera.azimuth, camera.elevation = 2.5, 135.0, -20.0
        state["renderer"].update_scene(data, camera)
        state["writer"].append_data(state["renderer"].render())

    def close() -> None:
        if "writer" in state:
            state["writer"].close()

    return hook, close
