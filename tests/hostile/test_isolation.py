"""Heavy parsing runs in a child process: a step that takes too long is stopped with a sentence."""

from __future__ import annotations

import time

import pytest

from dashboard.errors import EventFileError
from dashboard.load.isolation import in_child_process
from tests.hostile.slow_steps import refuse, sleep


def test_a_step_over_its_time_limit_is_stopped_with_a_sentence():
    started = time.perf_counter()
    with pytest.raises(EventFileError, match=r"Reading the workbook took longer than 1 s and was stopped"):
        in_child_process(sleep, 60, timeout_s=1, what="the workbook")
    assert time.perf_counter() - started < 30  # stopped, not waited out


def test_the_childs_result_and_refusals_come_back_as_they_were():
    assert in_child_process(sleep, 0, timeout_s=60, what="x") == "done"
    with pytest.raises(EventFileError, match=r"^The sheet is odd\.$"):
        in_child_process(refuse, "The sheet is odd.", timeout_s=60, what="x")
