"""User-facing errors: one line naming the problem and the fix, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps


class UsageError(Exception):
    """Bad input from the user; the message says what is wrong and how to fix it."""


def exit_on_usage_error(main: Callable[..., int | None]) -> Callable[..., int]:
    """Run ``main`` and turn a :class:`UsageError` into ``error: <message>`` on stderr and exit status 2."""

    @wraps(main)
    def wrapper(*args, **kwargs) -> int:
        try:
            return main(*args, **kwargs) or 0
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2

    return wrapper


def require_extra(module: str, extra: str, flag: str) -> None:
    """A :class:`UsageError` when ``flag`` needs ``module``, which the package's optional ``extra`` installs."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise UsageError(
            f"{flag} needs the '{module}' package; install it: pip install 'ext-walk-minutes[{extra}]' "
            f"(in this repository ./run installs every extra)"
        )
