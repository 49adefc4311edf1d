"""The package's optional extras resolve against uv.lock's versions, checked without installing them: every extra of
source/ext_walk_minutes/pyproject.toml is in the lock as written, and what Isaac Lab's extras we name pin (read from
the installed isaaclab's metadata) is locked at those versions."""

from __future__ import annotations

import importlib.metadata
import tomllib

from packaging.requirements import Requirement

from helpers import REPO

PACKAGE = "ext-walk-minutes"


def _lock() -> dict[str, list[dict]]:
    """uv.lock's packages by name (a name has several entries where the lock forks)."""
    packages: dict[str, list[dict]] = {}
    for package in tomllib.loads((REPO / "uv.lock").read_text())["package"]:
        packages.setdefault(package["name"], []).append(package)
    return packages


def _extras() -> dict[str, list[Requirement]]:
    pyproject = tomllib.loads((REPO / "source" / "ext_walk_minutes" / "pyproject.toml").read_text())
    return {
        name: [Requirement(r) for r in reqs] for name, reqs in pyproject["project"]["optional-dependencies"].items()
    }


def test_lock_holds_every_extra_as_written():
    """What ``uv lock --check`` compares for the extras: the lock was made from this pyproject's extras."""
    (ours,) = _lock()[PACKAGE]
    locked = ours["metadata"]
    extras = _extras()
    assert set(locked["provides-extras"]) == set(extras)
    for extra, requirements in extras.items():
        in_lock = {
            (r["name"], tuple(sorted(r.get("extras", ()))), r.get("specifier", ""))
            for r in locked["requires-dist"]
            if r.get("marker") == f"extra == '{extra}'"
        }
        written = {(r.name, tuple(sorted(r.extras)), str(r.specifier)) for r in requirements}
        written = {(n, e, ",".join(sorted(s.split(",")))) for n, e, s in written}
        in_lock = {(n, e, ",".join(sorted(s.split(",")))) for n, e, s in in_lock}
        assert written == in_lock, extra


def test_physx_extra_resolves_to_isaaclabs_ovphysx_pins():
    """``physx`` is Isaac Lab's ``ovphysx`` extra: the lock holds the isaaclab installed here and, for that extra,
    exactly the ovphysx and ovstage versions its metadata pins (and their own dependencies)."""
    lock = _lock()
    (physx,) = _extras()["physx"]
    assert physx.name == "isaaclab" and physx.extras == {"ovphysx"}
    (isaaclab,) = lock["isaaclab"]
    assert isaaclab["version"] == importlib.metadata.version("isaaclab")
    assert physx.specifier.contains(isaaclab["version"])
    pins = [
        Requirement(r)
        for r in importlib.metadata.requires("isaaclab")
        if Requirement(r).marker is not None
        and Requirement(r).marker.evaluate({"extra": "ovphysx"})
        and not Requirement(r).marker.evaluate({"extra": ""})
    ]
    assert {p.name for p in pins} == {"ovphysx", "ovstage"}, pins
    assert {d["name"] for d in isaaclab["optional-dependencies"]["ovphysx"]} == {p.name for p in pins}
    for pin in pins:
        (entry,) = lock[pin.name]
        assert pin.specifier.contains(entry["version"]), (pin, entry["version"])
        for dependency in entry.get("dependencies", []):
            assert dependency["name"] in lock, (pin.name, dependency)


def test_all_extra_leaves_physx_out():
    """``./run`` installs ``[all]``: not the 200 MB of kit-less PhysX wheels a CPU machine cannot run."""
    assert all(r.extras != {"ovphysx"} for extra in ("all",) for r in _extras()[extra])
    (all_extra,) = _extras()["all"]
    assert "physx" not in all_extra.extras
