"""The frames a playback steps through: they tile the period exactly, in order, at the chosen window."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.timeframes import FRAME_UNITS, MAX_FRAMES, Frame, FramesError, epoch_day, frame_days, frames


def test_the_2020_war_by_day_is_45_frames() -> None:
    war = frames(dt.date(2020, 9, 27), dt.date(2020, 11, 10), "day")
    assert len(war) == 45
    assert war[0].label() == "27 Sep 2020"
    assert war[-1].label() == "10 Nov 2020"


def test_weeks_run_from_the_first_day_and_the_last_is_cut() -> None:
    weeks = frames(dt.date(2020, 9, 27), dt.date(2020, 11, 10), "week")
    assert [(f.start, f.end) for f in weeks[:2]] == [
        (dt.date(2020, 9, 27), dt.date(2020, 10, 3)),
        (dt.date(2020, 10, 4), dt.date(2020, 10, 10)),
    ]
    assert weeks[-1].end == dt.date(2020, 11, 10)
    assert weeks[0].label() == "27 Sep – 3 Oct 2020"
    assert weeks[1].label() == "4–10 Oct 2020"


def test_months_are_calendar_months_cut_at_the_period() -> None:
    months = frames(dt.date(2022, 12, 12), dt.date(2023, 2, 3), "month")
    assert [(f.start, f.end) for f in months] == [
        (dt.date(2022, 12, 12), dt.date(2022, 12, 31)),
        (dt.date(2023, 1, 1), dt.date(2023, 1, 31)),
        (dt.date(2023, 2, 1), dt.date(2023, 2, 3)),
    ]
    assert (
        Frame(dt.date(2022, 12, 30), dt.date(2023, 1, 2), dt.date(2022, 12, 30)).label() == "30 Dec 2022 – 2 Jan 2023"
    )


def test_cumulative_frames_show_from_the_first_day() -> None:
    war = frames(dt.date(2020, 9, 27), dt.date(2020, 11, 10), "week", "cumulative")
    assert {f.shown_from for f in war} == {dt.date(2020, 9, 27)}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((dt.date(2020, 1, 2), dt.date(2020, 1, 1), "day", "moving"), "ends"),
        ((dt.date(2020, 1, 1), dt.date(2020, 1, 2), "fortnight", "moving"), "frame window"),
        ((dt.date(2020, 1, 1), dt.date(2020, 1, 2), "day", "sliding"), "playback mode"),
        ((dt.date(1990, 1, 1), dt.date(2023, 1, 1), "day", "moving"), "longer window"),
    ],
)
def test_impossible_playbacks_are_refused_with_a_sentence(args: tuple, words: str) -> None:
    with pytest.raises(FramesError, match=words):
        frames(*args)


def test_frame_days_leave_out_a_unit_with_too_many_frames() -> None:
    start, end = dt.date(2000, 1, 1), dt.date(2023, 12, 31)
    days = frame_days(start, end)
    assert "day" not in days
    assert days["week"][0] == (epoch_day(start), epoch_day(start) + 6, "1–7 Jan 2000", "1–7 Jan 2000")
    assert days["week"][1][2:] == ("8–14 Jan 2000", "1–14 Jan 2000")
    assert days["month"][-1][1] == epoch_day(end)


@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    length=st.integers(min_value=0, max_value=MAX_FRAMES - 1),
    unit=st.sampled_from(list(FRAME_UNITS)),
)
def test_frames_tile_the_period_without_gap_or_overlap(start: dt.date, length: int, unit: str) -> None:
    end = start + dt.timedelta(days=length)
    out = frames(start, end, unit)
    assert out[0].start == start
    assert out[-1].end == end
    for before, after in itertools.pairwise(out):
        assert after.start == before.end + dt.timedelta(days=1)
    assert all(f.start <= f.end for f in out)
    longest = {"day": 1, "week": 7, "month": 31}[unit]
    assert all((f.end - f.start).days < longest for f in out)
