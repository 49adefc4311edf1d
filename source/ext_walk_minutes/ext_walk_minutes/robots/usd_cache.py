"""The USD file cache: one file per robot description, written on first use (a spawn), never on import.

A file's name carries a key over what decides its content: the description data, the USD writer's source and
:data:`FORMAT_VERSION`. Editing the writer or the data writes a new file; editing anything else (the mirroring
helpers, a robot module's comments) reuses the cached one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from . import usd_writer
from .description import RobotDescription

FORMAT_VERSION = 1
"""Bump when the written USD changes through code the key does not hash: the description methods the writer
calls (:meth:`~.description.RobotDescription.body_positions`, :meth:`~.description.Inertial.tensor`) or ``pxr``."""


def cache_dir() -> Path:
    """``$EXT_WALK_MINUTES_CACHE``, else ``$XDG_CACHE_HOME/ext_walk_minutes``, else ``~/.cache/ext_walk_minutes``."""
    if env := os.environ.get("EXT_WALK_MINUTES_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ext_walk_minutes"


@functools.cache
def writer_source() -> bytes:
    """The USD writer module's source, read once per process (it does not change under a running process)."""
    return Path(usd_writer.__file__).read_bytes()


def cache_key(desc: RobotDescription) -> str:
    """Key of ``desc``'s USD: a hash of :data:`FORMAT_VERSION`, the description data and :func:`writer_source`.

    The data is the description's ``repr``: the frozen dataclasses print every field, with each shape's type and
    floats written exactly, so two descriptions share a key only when they are equal.
    """
    h = hashlib.sha256(f"{FORMAT_VERSION}\n{desc!r}\n".encode())
    # the writer's own source: editing the writer rebuilds every cached USD, no manual bump needed
    h.update(writer_source())
    return h.hexdigest()[:16]


def usd_path(desc: RobotDescription) -> str:
    """Path of the USD for ``desc``, written on first use; a cache hit costs one hash and one stat.

    The file is written to a temporary name and moved in with ``os.replace``, so concurrent
    processes never see a partial file (the last writer wins with identical content).
    """
    directory = cache_dir() / "robots"
    path = directory / f"{desc.name}-{cache_key(desc)}.usda"
    if not path.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".usda", dir=directory)
        os.close(fd)
        try:
            usd_writer.write_usd(desc, tmp)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return os.fspath(path)
