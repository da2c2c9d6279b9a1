"""Run a CPU-heavy step in a child process, with a time limit, so that other sessions keep answering.

openpyxl's reader and matplotlib's drawing are Python code that holds the interpreter lock for as
long as they run: in the server's process a large workbook stalled every other analyst's session
(8.5 s for one filter change while a 100k-row sheet loaded, benchmarks/RESULTS.md). In a child
process the server only waits, and a step that takes too long is stopped.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_child_process(
    step: Callable[..., T], *args: object, timeout_s: float, what: str, advice: str, error: type[Exception]
) -> T:
    """``step(*args)`` in a fresh interpreter; an exception it raises is raised here as it was there.

    Raises ``error`` with a sentence (``what`` took longer than ``timeout_s``, then ``advice``) when the
    step runs too long; the child is then terminated. ``step``, its arguments and result must pickle.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    with context.Pool(processes=1) as pool:
        pending = pool.apply_async(step, args)
        try:
            return pending.get(timeout_s)
        except multiprocessing.TimeoutError:
            pool.terminate()
            raise error(f"{what} took longer than {timeout_s:g} s and was stopped; {advice}") from None
