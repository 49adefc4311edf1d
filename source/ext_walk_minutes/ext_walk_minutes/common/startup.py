"""Start-up: no full collections while a run sets up; a dependency's module imported on its first use.

Starting a run creates a few million objects that live as long as the process: the modules of torch, Isaac Lab,
Newton and MuJoCo Warp, and the Python syntax trees Warp keeps of every kernel. Python runs a full collection each
time the objects it tracks have grown by a quarter, so it walks all of them about ten times before the first
iteration (about 3 of the 9 CPU s of a 4-robot CPU start) and finds almost nothing: they are alive, and the rest is
freed by reference counting or by the young collections. :func:`pause_collector` leaves only the young collections
(the set-up's cyclic garbage is still freed: peak memory as before); :func:`setup_done` moves what exists then out of
the collector's sight (``gc.freeze``) and restores full collections, so training pays only for what it allocates.
:func:`collector_paused` wraps a main: it also restores the collector and gives the frozen objects back to it
(``gc.unfreeze``) when the main returns, so that a process that calls several mains (the tests) frees each run.

A script's process ends with :func:`exit_uncollected`: Python's shutdown would otherwise walk all those objects
again in its last collections (4-5 CPU s after a short run) to free memory the operating system takes back anyway.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from typing import NoReturn

_NEVER = 1 << 30
"""A full-collection threshold never reached (it counts the young-generation collections since the last full one)."""

_state: dict = {"thresholds": None, "frozen": False}


def pause_collector() -> None:
    """No full collections until :func:`setup_done` (a no-op when paused already)."""
    if _state["thresholds"] is None:
        _state["thresholds"] = gc.get_threshold()
        young, middle = _state["thresholds"][:2]
        gc.set_threshold(young, middle, _NEVER)


def _restore_thresholds() -> None:
    if _state["thresholds"] is not None:
        gc.set_threshold(*_state["thresholds"])
        _state["thresholds"] = None


def setup_done() -> None:
    """The set-up is over: what exists now is left out of later collections and full collections resume (a no-op
    unless :func:`pause_collector` paused them)."""
    if _state["thresholds"] is not None:
        gc.freeze()
        _state["frozen"] = True
        _restore_thresholds()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Full collections paused until :func:`setup_done` or the end of the block, whichever comes first; the
    objects frozen by :func:`setup_done` are collectable again after the block."""
    pause_collector()
    try:
        yield
    finally:
        _restore_thresholds()
        if _state["frozen"]:
            _state["frozen"] = False
            gc.unfreeze()


def exit_uncollected(status: int | None) -> NoReturn:
    """End the process with exit status ``status`` (``sys.exit``: ``atexit`` functions run, files are flushed and
    closed) without the collections of Python's shutdown, which only free memory that goes back with the process."""
    gc.freeze()
    sys.exit(status)


@contextlib.contextmanager
def imported_on_first_use(name: str) -> Iterator[None]:
    """Imports of module ``name`` inside the block get a stand-in that imports the module on the first use of one of
    its names (and hands that name on); after the block ``import name`` is the real import again.

    For a library that a dependency imports at its own import and uses only on request: rsl-rl's runner imports
    ``wandb`` for its W&B writer whether a run logs to W&B or not (about 0.25 CPU s, 0.6 s wall of every start).
    A no-op where the module is imported already or not installed. Inside the block the stand-in is no package:
    importing a submodule of ``name`` there fails.
    """
    if name in sys.modules or importlib.util.find_spec(name) is None:
        yield
        return
    stand_in = types.ModuleType(name, f"{name}, imported on the first use of one of its names")

    def attribute(attr: str):
        if attr.startswith("__"):  # asked of every module in sys.modules (inspect.getmodule): not a use
            raise AttributeError(attr)
        if sys.modules.get(name) is stand_in:  # used inside the block: the real import replaces the stand-in
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)

    stand_in.__getattr__ = attribute
    sys.modules[name] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
