"""Run a CPU-heavy, pure-Python parsing step in a child process, with a time limit.

openpyxl's reader is Python code that holds the interpreter lock for as long as it reads: run in the
server's process, a large workbook stalls every other analyst's session (8.5 s for one filter change
while a 100k-row sheet loaded, benchmarks/RESULTS.md). In a child process the server only waits,
other sessions keep answering, and a sheet that takes too long is stopped.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TypeVar

from dashboard.errors import EventFileError

T = TypeVar("T")


def in_child_process(step: Callable[..., T], *args: object, timeout_s: float, what: str) -> T:
    """``step(*args)`` in a fresh interpreter; its EventFileError is raised here as it was there.

    Raises EventFileError naming ``what`` when the step runs longer than ``timeout_s`` (the child is
    then terminated). ``step`` and its arguments and result must be picklable.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    with context.Pool(processes=1) as pool:
        pending = pool.apply_async(step, args)
        try:
            return pending.get(timeout_s)
        except multiprocessing.TimeoutError:
            pool.terminate()
            raise EventFileError(
                f"Reading {what} took longer than {timeout_s:g} s and was stopped; save it as CSV, "
                "which reads much faster, or split it."
            ) from None
