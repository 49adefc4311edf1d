"""Python's cycle collector paused while a run sets up.

Starting a run creates a few million objects that live as long as the process: the modules of torch, Isaac Lab,
Newton and MuJoCo Warp, and the Python syntax trees Warp keeps of every kernel. Python runs a full collection each
time the objects it tracks have grown by a quarter, so it walks all of them about ten times before the first
iteration (about 3 of the 9 CPU s of a 4-robot CPU start) and finds almost nothing: they are alive, and the rest is
freed by reference counting. :func:`pause_collector` stops collecting; :func:`setup_done` moves what exists then out
of the collector's sight (``gc.freeze``) and collects again from there, so training pays only for what it allocates.
:func:`collector_paused` wraps a main: it also resumes collection and gives the frozen objects back to it
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

_state = {"paused": False, "frozen": False}


def pause_collector() -> None:
    """Stop cyclic garbage collection until :func:`setup_done` (a no-op when it is off already)."""
    if gc.isenabled():
        gc.disable()
        _state["paused"] = True


def setup_done() -> None:
    """The set-up is over: what exists now is left out of later collections and collection resumes (a no-op
    unless :func:`pause_collector` stopped it)."""
    if _state["paused"]:
        gc.freeze()
        _state["paused"], _state["frozen"] = False, True
        gc.enable()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Collection paused until :func:`setup_done` or the end of the block, whichever comes first; the objects
    frozen by :func:`setup_done` are collectable again after the block."""
    pause_collector()
    try:
        yield
    finally:
        if _state["paused"]:
            _state["paused"] = False
            gc.enable()
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
