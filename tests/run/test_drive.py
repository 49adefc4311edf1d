"""``play.py --viz viser`` (its Drive panel): a real browser (Chromium driven by Playwright, as in test_live_view.py)
drives the shipped policy's robot with the page's panel and keys: a key moves a slider, full forward speed makes it
walk, stop makes it stand, push changes its velocity."""

from __future__ import annotations

import re
import time

import pytest

from helpers import SMALL_TERRAIN, free_port, interrupt, start_script, wait_for_line, walk_run
from test_live_view import CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.slow

MEASURED = re.compile(r"measured: v_x (-?[0-9.]+) m/s")
PUSHED = re.compile(r"pushed: v_xy \((-?[0-9.]+), (-?[0-9.]+)\) -> \((-?[0-9.]+), (-?[0-9.]+)\) m/s")


def _text_once_shown(page, pattern: str) -> str:
    """The first page text matching ``pattern``, read in the same poll that finds it: the readout is redrawn every
    0.1 s and a note shows for a few seconds, so a wait for the text and a later read of it can miss it (CI did)."""
    found = page.wait_for_function(
        "pattern => (document.body.innerText.match(new RegExp(pattern)) || [null])[0]",
        arg=pattern,
        polling=100,
        timeout=30_000,
    )
    return found.json_value()


def _measured_speeds(page, seconds: float) -> list[float]:
    """The panel's measured forward speed [m/s], read every 0.2 s for ``seconds``."""
    speeds, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        found = MEASURED.search(page.get_by_text("measured: v_x").first.inner_text())
        if found:
            speeds.append(float(found.group(1)))
        time.sleep(0.2)
    return speeds


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt install chromium; .ci/run installs it)")
def test_the_panel_and_keys_drive_the_robot_stop_and_push_it(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = ["--checkpoint", "pretrained", "--device", "cpu", "--num_envs", "2", "--viz", "viser"]
    proc = start_script("play.py", *command, "--viz-port", str(port), *SMALL_TERRAIN, cwd=tmp_path)  # panel: default
    try:
        wait_for_line(proc, "[play] drive:", 400)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(f"http://localhost:{port}")
            page.get_by_text("measured: v_x").first.wait_for(timeout=180_000)
            forward = page.get_by_role("slider").first  # the panel's first slider: forward speed
            top = float(forward.get_attribute("aria-valuemax"))
            page.wait_for_function("window.driveKeys === true")  # the panel's key listener is in
            page.keyboard.press("KeyW")  # one of 8 steps over the range
            page.get_by_text(f"command: v_x {top / 4:.2f}").first.wait_for(timeout=30_000)
            key_moved = float(forward.get_attribute("aria-valuenow"))
            page.keyboard.press("Space")
            page.get_by_text("command: v_x 0.00").first.wait_for(timeout=30_000)
            key_stopped = float(forward.get_attribute("aria-valuenow"))
            forward.focus()
            forward.press("End")
            page.get_by_text(f"command: v_x {top:.2f}").first.wait_for(timeout=30_000)
            time.sleep(1.0)  # accelerate
            walking = _measured_speeds(page, 3.0)
            page.screenshot(path=tmp_path / "drive.png")  # to look at when the test fails
            page.get_by_role("button", name="stop").click()
            page.get_by_text("command: v_x 0.00").first.wait_for(timeout=30_000)
            time.sleep(2.0)  # slow down
            standing = _measured_speeds(page, 1.0)
            page.get_by_role("button", name="push").click()
            pushed = PUSHED.search(_text_once_shown(page, PUSHED.pattern))
            browser.close()
    finally:
        rest = interrupt(proc)
    print(f"driven at {top} m/s: measured {walking}; stopped: {standing}; {pushed and pushed.group(0)}")
    assert (key_moved, key_stopped) == (pytest.approx(top / 4), 0.0), "W moves the forward slider, space stops"
    assert walking and sum(walking) / len(walking) > top / 2, f"driven at {top} m/s it walked {walking}"
    assert standing, rest[-3000:]
    assert max(abs(v) for v in standing) < 0.2, f"stopped, it still moved at {standing}"
    assert pushed, "the readout shows no push"
    before, after = [float(v) for v in pushed.groups()[:2]], [float(v) for v in pushed.groups()[2:]]
    assert max(abs(a - b) for a, b in zip(after, before)) > 0.01, f"the push left the velocity as it was: {pushed}"
    assert proc.returncode == 0, rest[-3000:]


def test_panel_requests_apply_between_steps():
    """The panel's requests, as its callbacks record them, applied by the simulation thread to a real env (2 robots,
    zero actions, a viser server of its own): the driven robot's command holds through the step's command update; a
    push replaces its base v_xy and only its; a reset ends its episode at the next step (a time-out), and so does
    reaching the ground's edge; picking another robot hands the first back to the task's commands."""
    import torch
    import viser

    from ext_walk_minutes.run.drive import Drive
    from ext_walk_minutes.run.policy import running_stand_in

    spec, configs = walk_run("Walk-Flat-AnymalC", 2, play_mode=True)
    server = viser.ViserServer(host="127.0.0.1", port=free_port(), verbose=False)
    try:
        with running_stand_in(spec, configs, "zero") as run:
            env, robot = run.env.unwrapped, run.env.unwrapped.scene["robot"]
            obs = run.env.reset()[0]["policy"]
            drive = Drive(run.env, server, 0)
            act = drive.wrap(run.act)
            drive._set(0, 0.7)
            drive._set(2, -0.5)
            for _ in range(5):
                obs = run.env.step(act(obs))[0]["policy"]
            command = env.command_manager.get_command("base_velocity")
            assert command[0].tolist() == pytest.approx([0.7, 0.0, -0.5])
            assert "command: v_x 0.70" in drive._readout.content

            torch.manual_seed(0)
            before = robot.data.root_com_vel_w.torch[:, :2].clone()
            drive._flag("_push")
            drive.before_step()
            after = robot.data.root_com_vel_w.torch[:, :2]
            assert (after[0] - before[0]).abs().max() > 0.05 and torch.equal(after[1], before[1])

            drive._flag("_reset")
            _, _, terminated, truncated, _ = run.env.step(act(obs))
            assert truncated[0] and not terminated[0] and not truncated[1]
            assert env.episode_length_buf[0] < env.episode_length_buf[1]
            assert command[0].tolist() == pytest.approx([0.7, 0.0, -0.5])  # held through the reset's resampling

            edge = drive._extent[1] - 0.1  # the ground's edge is 0.1 m beyond the base: it would step off
            pose = torch.cat([robot.data.root_pos_w.torch[:1], robot.data.root_quat_w.torch[:1]], dim=1)
            pose[0, 1] = edge
            robot.write_root_pose_to_sim_index(root_pose=pose, env_ids=torch.tensor([0]))
            _, _, terminated, truncated, _ = run.env.step(act(obs))
            assert (
                truncated[0] and not terminated[0] and "reached the ground's edge" in drive._note
            )  # shown at the next readout
            assert abs(robot.data.root_pos_w.torch[0, 1].item()) < edge - 1.0  # back on its tile

            drive._pick(1)
            run.env.step(act(obs))
            term = env.command_manager.get_term("base_velocity")
            assert command[1].tolist() == pytest.approx([0.7, 0.0, -0.5])
            assert 0 < term.time_left[0] < float("inf") and term.time_left[1] == float("inf")
    finally:
        server.stop()
