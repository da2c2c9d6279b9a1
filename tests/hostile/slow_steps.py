"""Steps for the child-process tests (module level, so that a spawned interpreter can import them)."""

from __future__ import annotations

import os
import time

from dashboard.errors import EventFileError


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def refuse(message: str) -> None:
    raise EventFileError(message)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def die(code: int) -> None:
    os._exit(code)  # as a native abort or the kernel's OOM killer would end it: no exception, no reply
