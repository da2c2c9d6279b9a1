"""Frames of a playback: the period cut into days, weeks or months, shown one after another.

The map's playback (webmap/static/js/playback.js) and the animation export draw the same
frames, so both take them from here: the browser receives each frame as a pair of day numbers
and never works a calendar out itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

# How long one frame's window is; a frame steps on by its own length.
FRAME_UNITS: Final[dict[str, str]] = {"day": "Day", "week": "Week (7 days)", "month": "Calendar month"}
DEFAULT_FRAME_UNIT: Final = "day"
# "moving": a frame shows its own window's events; "cumulative": every event from the period's start.
FRAME_MODES: Final[dict[str, str]] = {"moving": "Window only", "cumulative": "Cumulative"}
DEFAULT_FRAME_MODE: Final = "moving"
# The map's playback speeds: label and milliseconds per frame.
PLAYBACK_SPEEDS: Final = (("½×", 1600), ("1×", 800), ("2×", 400), ("4×", 200), ("8×", 100))
DEFAULT_PLAYBACK_SPEED: Final = 1  # index into PLAYBACK_SPEEDS
# A period of 30 years by day is 11,000 frames: still a small list of integers, but no analyst
# plays it; the control and the export refuse more than this and say to pick a longer window.
MAX_FRAMES: Final = 4000


@dataclass(frozen=True)
class Frame:
    """One step of a playback: the events dated ``start`` to ``end`` (both included) are shown;
    in a cumulative playback ``shown_from`` is the period's first day, otherwise ``start``."""

    start: dt.date
    end: dt.date
    shown_from: dt.date

    def label(self) -> str:
        """'14 Sep 2022' for a day, '12–18 Sep 2022' or '28 Sep – 4 Oct 2020' for longer windows."""
        return span_label(self.start, self.end)

    def shown_label(self) -> str:
        """The days whose events the frame shows: its window, or from the period's start when cumulative."""
        return span_label(self.shown_from, self.end)


def span_label(start: dt.date, end: dt.date) -> str:
    """Days ``start`` to ``end`` in words, each part said once: '12–18 Sep 2022', '30 Dec 2022 – 2 Jan 2023'."""
    if start == end:
        return day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day_label(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {day_label(end)}"
    return f"{day_label(start)} – {day_label(end)}"


def day_label(day: dt.date) -> str:
    """'14 Sep 2022': how frames, stamps and the playback control write a day."""
    return f"{day.day} {day:%b %Y}"


def played_period(start: dt.date | None, end: dt.date | None, dates: pd.Series) -> tuple[dt.date, dt.date] | None:
    """The period a playback or an animation steps through: the filter's ``start`` and ``end``; where it
    leaves one open, the first or last of the events' ``dates`` (datetimes); None when one is needed and
    there are no dates."""
    if start is not None and end is not None:
        return start, end
    dates = dates.dropna()
    if dates.empty:
        return None
    return start or dates.min().date(), end or dates.max().date()


class FramesError(ValueError):
    """The period cannot be played as asked (an unknown unit or mode, or too many frames)."""


def _next_start(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    # The first of the next calendar month: a month frame that starts mid-month is cut at its end.
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def frames(start: dt.date, end: dt.date, unit: str = DEFAULT_FRAME_UNIT, mode: str = DEFAULT_FRAME_MODE) -> list[Frame]:
    """The frames that cover ``start`` to ``end`` (both included): a day each, seven days each from
    ``start`` (the last one cut at ``end``), or calendar months (the first and last cut at the period).

    Raises FramesError for an unknown ``unit`` or ``mode``, an empty period or more than MAX_FRAMES frames.
    """
    if unit not in FRAME_UNITS:
        raise FramesError(f"Unknown frame window {unit!r}: use one of {', '.join(FRAME_UNITS)}.")
    if mode not in FRAME_MODES:
        raise FramesError(f"Unknown playback mode {mode!r}: use one of {', '.join(FRAME_MODES)}.")
    if end < start:
        raise FramesError(f"The period ends ({end}) before it starts ({start}).")
    days = (end - start).days + 1
    estimate = days if unit == "day" else days // 7 + 1 if unit == "week" else days // 28 + 2
    if estimate > MAX_FRAMES:
        raise FramesError(
            f"{start} to {end} by {unit} is about {estimate:,} frames, more than {MAX_FRAMES:,}: "
            "pick a longer window or a shorter period."
        )
    out: list[Frame] = []
    first = start
    while first <= end:
        following = _next_start(first, unit)
        last = min(following - dt.timedelta(days=1), end)
        out.append(Frame(start=first, end=last, shown_from=start if mode == "cumulative" else first))
        first = following
    return out


EPOCH: Final = dt.date(1970, 1, 1)


def epoch_day(day: dt.date) -> int:
    """Days since 1970-01-01: how the browser's playback and the packed events count days."""
    return (day - EPOCH).days


def frame_days(start: dt.date, end: dt.date) -> dict[str, list[tuple[int, int, str, str]]]:
    """Every unit's frames of ``start``..``end`` as (first day, last day, label, cumulative label),
    days counted by epoch_day: what the map's playback control steps through. A unit with more
    than MAX_FRAMES frames is left out. The mode is the browser's choice: a cumulative frame shows
    from the first frame's first day, and says so with its cumulative label."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    for unit in FRAME_UNITS:
        try:
            windows = frames(start, end, unit, "cumulative")
        except FramesError:
            continue
        out[unit] = [(epoch_day(f.start), epoch_day(f.end), f.label(), f.shown_label()) for f in windows]
    return out
