"""A signal during a PPO update waits for the update's end; outside one it interrupts at once."""

from __future__ import annotations

import os
import signal

import pytest

from ext_walk_minutes.rl import interrupts


def test_a_signal_during_the_update_is_raised_after_it():
    done = []
    with interrupts.interrupts_handled():
        with pytest.raises(interrupts.Terminated):
            with interrupts.deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                done.append("update finished")  # still runs: the signal waits
        assert done == ["update finished"]
        with pytest.raises(KeyboardInterrupt) as caught:
            os.kill(os.getpid(), signal.SIGINT)
            done.append("not reached")
        assert not isinstance(caught.value, interrupts.Terminated) and done == ["update finished"]
    assert interrupts.exit_status(interrupts.Terminated()) == 143 and interrupts.exit_status(KeyboardInterrupt()) == 130


def test_an_error_of_the_update_is_not_replaced_by_the_signal():
    with interrupts.interrupts_handled():
        with pytest.raises(ValueError):
            with interrupts.deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                raise ValueError("the update's own error")


def _library_that_drops_interrupts(sig: int) -> str:
    """Stands for USD's C++ module loader, which turns a KeyboardInterrupt raised while it imports ``pxr`` into a
    warning and carries on (seen in a Ctrl-C during Isaac Lab's env build: the run went on training)."""
    try:
        os.kill(os.getpid(), sig)
        return "not interrupted"
    except KeyboardInterrupt:
        return "dropped"


def test_an_interrupt_dropped_by_other_code_is_raised_again():
    with interrupts.interrupts_handled():
        before = interrupts.raised_so_far()
        interrupts.raise_if_dropped(before)  # nothing raised yet: no effect
        assert _library_that_drops_interrupts(signal.SIGTERM) == "dropped"
        with pytest.raises(interrupts.Terminated):
            interrupts.raise_if_dropped(before)
        interrupts.raise_if_dropped(interrupts.raised_so_far())  # only interrupts since the mark count


def test_a_second_signal_does_not_break_the_save_of_the_first():
    """``uv run`` forwards the SIGTERM that Slurm or ``pkill -f`` also sends to its child: the second signal arrives
    while the first one's checkpoint is written and must not abort it."""
    saved = []
    with interrupts.interrupts_handled():
        with pytest.raises(interrupts.Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
        with interrupts.saving_after_signal():
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
            saved.append("checkpoint written")
        assert saved == ["checkpoint written"]
        with pytest.raises(KeyboardInterrupt):  # after the save, signals stop the process again
            os.kill(os.getpid(), signal.SIGINT)


class _DestructorThatSignals:
    """Stands for Warp's array ``__del__``, which runs inside every env step: a signal that lands in a destructor
    raises there, and Python prints it ("Exception ignored in") and carries on (seen as a live view Ctrl-C did not
    stop, in CI)."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop itself, printed
def test_an_interrupt_dropped_in_a_destructor_ends_the_next_update():
    went_on = []
    with interrupts.interrupts_handled():
        _DestructorThatSignals()  # dropped at once: the reference goes here
        went_on.append("still running")
        with pytest.raises(KeyboardInterrupt):
            with interrupts.deferred():  # a PPO update
                went_on.append("update finished")
    assert went_on == ["still running", "update finished"]
