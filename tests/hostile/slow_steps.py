"""Steps for the child-process tests (module level, so that a spawned interpreter can import them)."""

from __future__ import annotations

import time

from dashboard.errors import EventFileError


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def refuse(message: str) -> None:
    raise EventFileError(message)
