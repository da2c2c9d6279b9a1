"""Heavy parsing runs in a child process: a step that takes too long is stopped with a sentence."""

from __future__ import annotations

import time

import pytest

from dashboard.errors import EventFileError
from dashboard.isolation import in_child_process
from tests.hostile.slow_steps import refuse, sleep


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


def test_a_large_selections_snapshot_is_drawn_in_a_child_process(monkeypatch, bundled, boundaries):
    from dashboard.export import registry
    from dashboard.export.registry import ExportError, ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    selection = select_events(bundled, "nkao_1991", EventFilter())
    monkeypatch.setattr(registry, "DRAW_IN_PROCESS_UP_TO", 0)  # as if the selection were large
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
