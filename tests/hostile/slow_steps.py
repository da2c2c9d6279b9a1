"""Steps for the child-process tests (module level, so that a spawned interpreter can import them)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

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


class TwoPartError(Exception):
    """An exception that pickles but cannot be rebuilt from its message alone."""

    def __init__(self, part: str, other: str) -> None:
        super().__init__(f"{part} {other}")


def raise_two_part() -> None:
    raise TwoPartError("a", "b")


def unpicklable_result() -> object:
    return (n for n in range(3))  # a generator does not pickle


def fail_with_a_bug() -> None:
    raise KeyError("latitude")


def report_then(steps: int, then: str, progress: Callable[[int, int], None]) -> str:
    """Report ``steps`` steps of progress, then return "done", sleep for a minute or die."""
    for done in range(1, steps + 1):
        progress(done, steps)
    if then == "sleep":
        time.sleep(60)
    if then == "die":
        os._exit(3)
    return "done"
