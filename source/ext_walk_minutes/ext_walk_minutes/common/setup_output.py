"""What the libraries print while a training run is set up goes to ``setup.log`` in the run folder.

Isaac Lab prints its configs' sources, build timings and one table per manager, rsl-rl its networks: about 170
lines before the first iteration of a small run. They are kept (the log file), not shown; ``train.py --verbose``
shows them. Only Python-level output is redirected (``print`` and ``sys.stdout`` writes); warnings and errors are left
on stderr, and our own lines are printed with :meth:`SetupOutput.shown`.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

SETUP_LOG = "setup.log"


class SetupOutput:
    """Redirects ``sys.stdout`` between :meth:`start` and :meth:`stop`: into a temporary file until the run folder
    exists (:meth:`to_file`), then into ``setup.log`` there."""

    def __init__(self) -> None:
        self._terminal = None
        self._sink = None
        self.path: Path | None = None
        """The log file once :meth:`to_file` named one."""

    @property
    def active(self) -> bool:
        return self._terminal is not None

    def start(self) -> None:
        if self.active:
            return
        self._sink = tempfile.TemporaryFile("w+", encoding="utf-8")  # a real file: some writers ask for fileno()
        self._terminal, sys.stdout = sys.stdout, self._sink

    def to_file(self, path: Path | None) -> None:
        """Go on writing into ``path`` (with what was captured so far); None: keep it in the temporary file (a
        distributed run's other ranks, whose rank 0 writes the log)."""
        if not self.active or path is None:
            return
        sink = open(path, "w", encoding="utf-8")
        self._sink.seek(0)
        shutil.copyfileobj(self._sink, sink)
        self._sink.close()
        self._sink, sys.stdout, self.path = sink, sink, path

    def stop(self) -> None:
        """Print to the terminal again (a no-op when not capturing)."""
        if not self.active:
            return
        sys.stdout, self._terminal = self._terminal, None
        self._sink.close()
        self._sink = None

    @contextlib.contextmanager
    def shown(self) -> Iterator[None]:
        """Our own lines, printed to the terminal while the libraries' output is captured."""
        if not self.active:
            yield
            return
        sys.stdout.flush()
        sys.stdout = self._terminal
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stdout = self._sink


SETUP = SetupOutput()
"""The process's one capture: started by ``train.py``, stopped by the first progress line (or on exit)."""
