"""``play.py --viz viser`` serves the scene to a real browser: Chromium (Debian's, driven by Playwright) loads the
page and its canvas draws the walking robots; Ctrl-C ends the view with the figures of the steps run and the
recording saved."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
from PIL import Image

from helpers import FIXTURE_POLICY, SMALL_TERRAIN, free_port, interrupt, start_script, wait_for_line, walk_run

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-unsafe-swiftshader",
]  # WebGL on the CPU (SwiftShader)


def _scene(page_shot: np.ndarray) -> np.ndarray:
    """The part of an 800 x 600 page screenshot where only the 3D scene draws: below viser's notice and panel, right
    of its axes gizmo (an empty scene is white there). The followed robot is at the page's centre (400, 300)."""
    return page_shot[280:590, 70:790]


def _scene_shots(url: str, count: int, interval: float) -> list[np.ndarray]:
    """``count`` screenshots (H, W, 3) of the scene, ``interval`` [s] apart, once it draws (or after 3 min)."""
    import io

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 800, "height": 600})
        page.goto(url)
        shots, deadline = [], time.monotonic() + 180
        while len(shots) < count:
            shot = np.asarray(Image.open(io.BytesIO(page.screenshot(timeout=120_000))).convert("RGB"))
            if shots or _scene(shot).std() > 10 or time.monotonic() > deadline:  # the scene arrives after the page
                shots.append(shot)
            time.sleep(interval)
        browser.close()
    return shots


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt install chromium; .ci/run installs it)")
def test_viser_view_draws_the_walking_robots_in_a_browser(tmp_path):
    checkpoint = tmp_path / "model_192.pt"
    shutil.copy(FIXTURE_POLICY, checkpoint)
    port, recording = free_port(), tmp_path / "walk.viser"
    proc = start_script(
        "play.py",
        *("--checkpoint", str(checkpoint), "--device", "cpu", "--num_envs", "2"),
        *("--viz", "viser", "--viz-port", str(port), "--viz-record", str(recording), *SMALL_TERRAIN),
        cwd=tmp_path,
    )
    try:
        lines = wait_for_line(proc, "[play] live view: http://localhost", 400)
        first, second = _scene_shots(f"http://localhost:{port}", count=2, interval=3.0)
    finally:
        rest = interrupt(proc)
    out = "".join(lines) + rest
    Image.fromarray(first).save(tmp_path / "viser.png")  # to look at when the test fails
    assert _scene(first).std() > 10, "the scene is blank (viser.png)"
    changed = (np.abs(_scene(first).astype(int) - _scene(second).astype(int)).sum(axis=2) > 30).mean()
    assert changed > 0.001, f"nothing moved on the canvas in 3 s ({changed:.4%} of its pixels changed)"
    assert proc.returncode == 0, out[-3000:]
    assert "[play] stopped after" in out and "distance walked" in out, out[-3000:]
    assert recording.stat().st_size > 10_000, "the .viser recording is missing or empty"


def test_a_training_view_shows_a_few_robots_refreshed_every_n_steps():
    """``train.py --viz``'s view as :mod:`live_view` sets it up, on a real training env (4 robots, zero actions): 2
    of the robots shown, the first and the last, the view refreshed at every 3rd env step only, and the page served
    meanwhile."""
    import urllib.request

    from ext_walk_minutes.run import live_view
    from ext_walk_minutes.run.policy import running_stand_in

    spec, configs = walk_run("Walk-Flat-AnymalC", 4, SMALL_TERRAIN)
    port = free_port()
    request = live_view.ViewRequest("viser", port, every_steps=3, robots=live_view.shown_robots(4, 2))
    live_view.add_viewer(configs.env_cfg, request)
    with running_stand_in(spec, configs, "zero") as run:
        (viewer,) = run.env.unwrapped.sim.visualizers
        obs = run.env.reset()[0]["policy"]
        refreshes, refresh = [], viewer.step
        viewer.step = lambda dt: (refreshes.append(dt), refresh(dt))  # counts the real refreshes
        for _ in range(9):
            obs = run.env.step(run.act(obs))[0]["policy"]
        page = urllib.request.urlopen(f"http://localhost:{port}", timeout=60).read()
        shown = viewer._resolved_visible_env_ids  # the robots the visualizer draws (Isaac Lab keeps no public name)
    assert len(refreshes) == 3, f"9 env steps refreshed the view {len(refreshes)} times"
    assert shown == [0, 3], f"the view shows robots {shown}"  # spread over the robots
    assert b"<html" in page.lower(), page[:200]
