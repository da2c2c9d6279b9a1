"""Run a CPU-heavy step in a child process, with a time and a memory limit, so that other sessions keep answering.

openpyxl's reader, matplotlib's drawing and the data writers are Python code that holds the
interpreter lock for as long as they run: in the server's process a large workbook stalled every
other analyst's session (8.5 s for one filter change while a 100k-row sheet loaded, and a 1M-event
GeoJSON export stalled it for 7 s at once; benchmarks/RESULTS.md). In a child process the server
only waits. A step that takes too long is stopped; one that asks for more memory than
``CCM_CHILD_MEMORY_MB`` fails inside the child, not in the server; a child that dies (killed, or
aborted in native code) is said so at once rather than waited out.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from dashboard.config import child_memory_mb

T = TypeVar("T")


def _run_step(
    results: Connection, step: Callable[..., Any], args: tuple[object, ...], memory_bytes: int, reports: bool = False
) -> None:  # pragma: no cover - runs in the child interpreter
    # The limit is on address space: an interpreter with pandas, pyarrow and matplotlib loaded maps
    # about 1.8 GB before it does any work, which child_memory_mb's floor allows for.
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    def report(done: int, total: int) -> None:
        # The same pipe as the outcome, so that the parent reads the reports in order and then the result.
        results.send(("progress", (done, total)))

    try:
        outcome: tuple[str, object] = ("value", step(*args, progress=report) if reports else step(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:
        outcome = ("raised", exc)
    try:
        results.send(outcome)
    except MemoryError:  # pickling a large result copies it: still the step's memory
        results.send(("memory", None))
    except Exception as exc:  # a result or an exception that does not pickle
        results.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        results.close()


def in_child_process(
    step: Callable[..., T],
    *args: object,
    timeout_s: float,
    what: str,
    advice: str,
    error: type[Exception],
    progress: Callable[[int, int], None] | None = None,
) -> T:
    """``step(*args)`` in a fresh interpreter; an ``error`` it raises is raised here as it was there.

    Any other way the step cannot finish is ``error`` with a sentence (``what`` took longer than
    ``timeout_s``, needed more memory than allowed, stopped unexpectedly, or failed with another
    exception, then ``advice``); the child is then terminated. ``step`` and its arguments must pickle.
    With ``progress``, the step is called with a ``progress=`` keyword too: each ``(done, total)`` it
    reports there is passed to ``progress`` here, in this process, while the step runs.
    """
    memory_mb = child_memory_mb()
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_run_step, args=(sending, step, args, memory_mb << 20, progress is not None), daemon=True
    )
    child.start()
    sending.close()  # the child holds the only sending end: its death closes the pipe
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if not wait([receiving], max(0.0, deadline - time.monotonic())):
                raise error(f"{what} took longer than {timeout_s:g} s and was stopped; {advice}")
            try:
                kind, value = receiving.recv()
            except EOFError:
                child.join(5)
                raise error(
                    f"{what} stopped unexpectedly (the worker process ended with code {child.exitcode}); {advice}"
                ) from None
            except Exception as exc:  # an exception the child sent that cannot be rebuilt here
                raise error(f"{what} failed ({type(exc).__name__}: {exc}); {advice}") from None
            if kind != "progress":
                break
            if progress is not None:
                progress(*value)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiving.close()
    if kind == "memory":
        raise error(f"{what} needed more than {memory_mb:,} MB of memory and was stopped; {advice}")
    if kind == "failed":
        raise error(f"{what} failed ({value}); {advice}")
    if kind == "raised":
        assert isinstance(value, BaseException)
        raise value if isinstance(value, error) else error(f"{what} failed ({value}); {advice}")
    return value
