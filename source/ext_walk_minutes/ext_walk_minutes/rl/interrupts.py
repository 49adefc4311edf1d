"""Stopping a run from outside: Ctrl-C (SIGINT) and SIGTERM both end it with a checkpoint.

SIGTERM is what ``docker stop``, Kubernetes, Slurm preemption and ``timeout`` send. Within
:func:`interrupts_handled` it raises :class:`Terminated`, a :class:`KeyboardInterrupt`, so the backends' Ctrl-C
path (save the last finished iteration, then return the signal with the checkpoint) serves both. A signal that
arrives during a PPO update (:func:`deferred`) waits until the update ends: a checkpoint never holds half-updated
weights. Code we do not own
may catch and drop the interrupt (USD's C++ module loader does, while Isaac Lab builds the env), and Python drops
one raised inside a destructor (Warp's array ``__del__``, any step): :func:`raise_if_dropped` raises it again once
that code has returned, and the end of every PPO update and every play step checks.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM."""


class _State:
    deferring = False
    saving = False
    pending: KeyboardInterrupt | None = None
    raised: list[KeyboardInterrupt] = []
    """Every interrupt the handler raised, in order (see :func:`raise_if_dropped`)."""


def _handle(signum, frame) -> None:
    if _State.saving:
        return
    interrupt = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    if _State.deferring:
        _State.pending = _State.pending or interrupt
        return
    _State.raised.append(interrupt)
    raise interrupt


def raised_so_far() -> int:
    """How many interrupts the handler has raised: pass it to :func:`raise_if_dropped` after a call that might
    drop one."""
    return len(_State.raised)


def raise_if_dropped(raised_before: int = 0) -> None:
    """Raise the first interrupt raised since ``raised_before`` (:func:`raised_so_far`; 0: since the handler was
    installed) again.

    Call it after code that may catch and drop a :class:`KeyboardInterrupt`: if that code had let it through,
    this line would not run. USD's C++ module loader turns one raised while it imports ``pxr`` into a warning
    ("Error occurred postprocessing module"), and the run then went on training. Python prints one raised inside a
    ``__del__`` ("Exception ignored in") and goes on: a Ctrl-C that landed in Warp's array destructor left a live
    view running.
    """
    dropped = _State.raised[raised_before:]
    if dropped:
        raise dropped[0]


@contextlib.contextmanager
def interrupts_handled() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise (deferred inside :func:`deferred`); the old handlers after.

    SIGINT gets a handler of its own too: a process started in the background by a shell ignores SIGINT.
    """
    previous = {sig: signal.signal(sig, _handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _State.deferring, _State.saving, _State.pending, _State.raised = False, False, None, []


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A signal arriving within the block is raised when the block ends (the block's own work is done), and so is
    one that arrived before it and was dropped (:func:`raise_if_dropped`)."""
    _State.deferring = True
    try:
        yield
    finally:  # an error of the block itself propagates from here; the code below then does not run
        _State.deferring = False
    pending, _State.pending = _State.pending, None
    if pending is not None:
        raise pending
    raise_if_dropped()


@contextlib.contextmanager
def saving_after_signal() -> Iterator[None]:
    """Within the block further signals are dropped: the checkpoint of a run a signal stopped is being written.

    One stop often comes as two signals: ``uv run`` forwards the SIGTERM that Slurm or ``pkill -f`` also sends to
    its child, and a second one raised inside the save would abort it (the atomic write leaves no file).
    """
    _State.saving = True
    try:
        yield
    finally:
        _State.saving = False


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The shell's exit status for a process ended by this signal: 143 for SIGTERM, 130 for SIGINT."""
    return EXIT_SIGTERM if isinstance(interrupt, Terminated) else EXIT_SIGINT
