"""Frames of a playback: the period cut into days, weeks or months, shown one after another.

The map's playback (webmap/static/js/playback.js) and the animation export draw the same
frames, so both take them from here: the browser receives each frame as a pair of day numbers
and never works a calendar out itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

# How long one frame's window is; a frame steps on by its own length.
FRAME_UNITS: Final[dict[str, str]] = {"day": "Day", "week": "Week (7 days)", "month": "Calendar month"}
DEFAULT_FRAME_UNIT: Final = "day"
# "moving": a frame shows its own window's events; "cumulative": every event from the period's start.
FRAME_MODES: Final[dict[str, str]] = {"moving": "This window only", "cumulative": "Everything so far"}
DEFAULT_FRAME_MODE: Final = "moving"
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
        if self.start == self.end:
            return _day(self.start)
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.day}–{_day(self.end)}"
        if self.start.year == self.end.year:
            return f"{self.start.day} {self.start:%b} – {_day(self.end)}"
        return f"{_day(self.start)} – {_day(self.end)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


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


def frame_days(start: dt.date, end: dt.date, day0: dt.date) -> dict[str, list[list[int]]]:
    """Every unit's frames of ``start``..``end`` as [first, last] day numbers counted from ``day0``
    (the packed payload's day 0): what the map's playback control steps through. The mode is the
    browser's choice: a cumulative frame shows from the first frame's first day."""
    out: dict[str, list[list[int]]] = {}
    for unit in FRAME_UNITS:
        try:
            windows = frames(start, end, unit)
        except FramesError:
            continue  # too many frames at this unit: the control does not offer it
        out[unit] = [[(f.start - day0).days, (f.end - day0).days] for f in windows]
    return out
