"""Heavy parsing runs in a child process: a step that takes too long is stopped with a sentence."""

from __future__ import annotations

import time

import pytest

from dashboard.errors import EventFileError
from dashboard.isolation import in_child_process
from tests.hostile.slow_steps import (
    allocate,
    die,
    fail_with_a_bug,
    raise_two_part,
    refuse,
    report_then,
    sleep,
    unpicklable_result,
)


def test_a_step_over_its_time_limit_is_stopped_with_a_sentence():
    started = time.perf_counter()
    with pytest.raises(EventFileError, match=r"Reading the workbook took longer than 1 s and was stopped"):
        in_child_process(
            sleep, 60, timeout_s=1, what="Reading the workbook", advice="save it as CSV.", error=EventFileError
        )
    assert time.perf_counter() - started < 30  # stopped, not waited out


def test_the_childs_result_and_refusals_come_back_as_they_were():
    assert in_child_process(sleep, 0, timeout_s=60, what="x", advice="y", error=EventFileError) == "done"
    with pytest.raises(EventFileError, match=r"^The sheet is odd\.$"):
        in_child_process(refuse, "The sheet is odd.", timeout_s=60, what="x", advice="y", error=EventFileError)


def test_a_step_that_asks_for_too_much_memory_fails_in_the_child_with_a_sentence(monkeypatch):
    monkeypatch.setenv("CCM_CHILD_MEMORY_MB", "3072")
    with pytest.raises(EventFileError, match=r"^Reading the workbook needed more than 3,072 MB of memory and was"):
        in_child_process(
            allocate, 4096, timeout_s=60, what="Reading the workbook", advice="split it.", error=EventFileError
        )
    assert in_child_process(allocate, 64, timeout_s=60, what="x", advice="y", error=EventFileError) == 64 << 20


def test_a_child_that_dies_is_said_at_once_not_waited_out():
    started = time.perf_counter()
    with pytest.raises(
        EventFileError, match=r"Drawing stopped unexpectedly \(the worker process ended with code 134\)"
    ):
        in_child_process(die, 134, timeout_s=120, what="Drawing", advice="try again.", error=EventFileError)
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize(
    ("step", "said"),
    [
        (raise_two_part, r"Reading failed \(TypeError"),  # cannot be rebuilt in the parent
        (unpicklable_result, r"Reading failed \(TypeError: cannot pickle 'generator' object\)"),
        (fail_with_a_bug, r"Reading failed \('latitude'\)"),
    ],
)
def test_any_other_failure_of_the_child_is_a_sentence_of_the_callers_kind(step, said):
    with pytest.raises(EventFileError, match=said):
        in_child_process(step, timeout_s=60, what="Reading", advice="try again.", error=EventFileError)


def in_child_for_every_size(monkeypatch, fmt: str) -> list[str]:
    """Lower the format's threshold to 0 events; the list returned fills with each child's ``what``."""
    from dataclasses import replace

    from dashboard.export import registry
    from dashboard.export.formats import EXPORT_FORMATS

    monkeypatch.setitem(EXPORT_FORMATS, fmt, replace(EXPORT_FORMATS[fmt], in_child_above=0))
    children: list[str] = []

    def recorded(*args, **kwargs):
        children.append(kwargs["what"])
        return in_child_process(*args, **kwargs)

    monkeypatch.setattr(registry, "in_child_process", recorded)
    return children


def test_a_large_selections_csv_is_built_in_a_child_process_and_is_the_same_file(monkeypatch, bundled, boundaries):
    import datetime as dt

    from dashboard.export.registry import ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    selection = select_events(bundled, "nkao_1991", EventFilter())
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    request = ExportRequest(fmt="csv", title="Child")
    in_session = export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, None, now=now)
    children = in_child_for_every_size(monkeypatch, "csv")
    assert export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, None, now=now) == in_session
    assert children == ["Building the CSV file"]


def test_a_large_selections_snapshot_is_drawn_in_a_child_process(monkeypatch, bundled, boundaries):
    from dashboard.export.registry import ExportError, ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    selection = select_events(bundled, "nkao_1991", EventFilter())
    children = in_child_for_every_size(monkeypatch, "png")  # as if the selection were large
    png = export_bytes(ExportRequest(fmt="png", title="Child"), selection, EventFilter(), "nkao_1991", boundaries, None)
    assert png.startswith(b"\x89PNG")
    with pytest.raises(ExportError, match="Unknown basemap 'Nowhere'"):  # the child's refusal, as a sentence
        export_bytes(
            ExportRequest(fmt="png", title="x", basemap="Nowhere"),
            selection,
            EventFilter(),
            "nkao_1991",
            boundaries,
            None,
        )
    assert children == ["Building the PNG file", "Building the PNG file"]


def test_a_steps_progress_reaches_the_parent_in_order_and_a_dying_worker_still_ends_with_its_sentence():
    seen: list[tuple[int, int]] = []
    kept = {"what": "Drawing", "advice": "try again.", "error": EventFileError}
    done = in_child_process(report_then, 3, "return", timeout_s=120, progress=lambda *d: seen.append(d), **kept)
    assert done == "done" and seen == [(1, 3), (2, 3), (3, 3)]
    seen.clear()
    with pytest.raises(EventFileError, match=r"Drawing stopped unexpectedly \(the worker process ended with code 3\)"):
        in_child_process(report_then, 2, "die", timeout_s=120, progress=lambda *d: seen.append(d), **kept)
    assert seen == [(1, 2), (2, 2)]  # sent before it died: read before the end of the pipe


def test_the_time_limit_holds_for_a_step_that_reports_progress():
    # Whether the reports come before the limit depends on how fast the child starts: not asserted.
    kept = {"what": "Drawing", "advice": "try again.", "error": EventFileError}
    started = time.perf_counter()
    with pytest.raises(EventFileError, match=r"^Drawing took longer than 3 s and was stopped"):
        in_child_process(report_then, 2, "sleep", timeout_s=3, progress=lambda *d: None, **kept)
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("representation", ["points", "heatmap", "provinces", "sectors"])
def test_a_snapshot_drawn_in_a_child_from_its_drawn_columns_is_the_sessions_file(
    monkeypatch, bundled, boundaries, representation
):
    import datetime as dt

    from dashboard.export.registry import ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    selection = select_events(bundled, "nkao_1991", EventFilter())
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    request = ExportRequest(fmt="png", title="Child", representation=representation)
    in_session = export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, None, now=now)
    in_child_for_every_size(monkeypatch, "png")  # the child gets snapshot.DRAWN_COLUMNS only
    assert export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, None, now=now) == in_session
