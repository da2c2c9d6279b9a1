"""Compare two periods: events per province or border sector in period A and period B, and the change.

The change of a unit is A − B, and its percentage is relative to B (period B is the reference, by
default the period of equal length just before A). Bands are those of ACLED's Trendfinder:
large increase above +25 %, increase from +10 to +25 %, limited change from −25 to +10 %, large
decrease below −25 %. A unit with fewer than ``min_events`` events in both periods is "too few to
compare": a change from 1 to 3 events is +200 % and says nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from dashboard.describe import period_text

BY_PROVINCE: Final = "province"
BY_SECTOR: Final = "sector"
UNITS: Final[dict[str, tuple[str, str]]] = {  # by -> (column naming the unit, word for it)
    BY_PROVINCE: ("province", "province"),
    BY_SECTOR: ("border_sector", "border sector"),
}
DEFAULT_MIN_EVENTS: Final = 5

LARGE_INCREASE: Final = "large increase"
INCREASE: Final = "increase"
LIMITED_CHANGE: Final = "limited change"
LARGE_DECREASE: Final = "large decrease"
TOO_FEW: Final = "too few to compare"
# Band edges in percent, as Trendfinder's: above +25 large increase, +10 to +25 increase, −25 up to
# (not including) +10 limited change, below −25 large decrease.
LARGE_INCREASE_ABOVE_PCT: Final = 25.0
INCREASE_FROM_PCT: Final = 10.0
LIMITED_FROM_PCT: Final = -25.0
BAND_ORDER: Final = (LARGE_INCREASE, INCREASE, LIMITED_CHANGE, LARGE_DECREASE, TOO_FEW)

COLUMNS: Final = ("unit", "events_a", "events_b", "change", "change_pct", "band")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def text(self) -> str:
        """'12–14 Sep 2022'."""
        return period_text(self.start, self.end)

    def contains(self, dates: pd.Series) -> pd.Series:
        """True for the dates inside the period (dates are days at midnight)."""
        return (dates >= pd.Timestamp(self.start)) & (dates <= pd.Timestamp(self.end))


@dataclass(frozen=True)
class Comparison:
    """Events per unit in two periods, with the change and its band, and what no unit holds."""

    by: str
    a: Period
    b: Period
    min_events: int
    table: pd.DataFrame  # COLUMNS, one row per unit with an event in either period; biggest change first
    outside_a: int  # events of period A in no unit (no province, or farther from the border than a sector)
    outside_b: int

    def caption(self) -> str:
        """'Events per province, A: 12–14 Sep 2022 vs B: 9–11 Sep 2022 (change = A − B; …)'."""
        word = UNITS[self.by][1]
        return (
            f"Events per {word}, A: {self.a.text()} vs B: {self.b.text()} (change = A − B, % of B; "
            f"bands as ACLED's Trendfinder; fewer than {self.min_events} events in both: too few to compare)"
        )

    def outside_text(self) -> str:
        """What the table leaves out, as a sentence ('' when every event is in a unit)."""
        if not (self.outside_a or self.outside_b):
            return ""
        word = UNITS[self.by][1]
        return f"In no {word}: {self.outside_a:,} events of period A and {self.outside_b:,} of period B."


def band(events_a: int, events_b: int, min_events: int) -> str:
    """The Trendfinder band of a change from ``events_b`` to ``events_a``."""
    if events_a < min_events and events_b < min_events:
        return TOO_FEW
    if events_b == 0:
        return LARGE_INCREASE  # from nothing to at least min_events
    pct = (events_a - events_b) / events_b * 100
    if pct > LARGE_INCREASE_ABOVE_PCT:
        return LARGE_INCREASE
    if pct >= INCREASE_FROM_PCT:
        return INCREASE
    if pct >= LIMITED_FROM_PCT:
        return LIMITED_CHANGE
    return LARGE_DECREASE


def compare_periods(
    events: pd.DataFrame, a: Period, b: Period, by: str = BY_PROVINCE, min_events: int = DEFAULT_MIN_EVENTS
) -> Comparison:
    """Count ``events`` (already filtered by everything but the dates) per unit in A and in B."""
    if by not in UNITS:
        raise ValueError(f"compare by one of {', '.join(UNITS)}, not {by!r}")
    if min_events < 1:
        raise ValueError("the minimum number of events to compare is at least 1")
    column = UNITS[by][0]
    located = events[events["latitude"].notna()]
    dates = located["event_date"].dt.normalize()
    in_a, in_b = a.contains(dates), b.contains(dates)
    units = located[column].astype(object).where(located[column].notna(), None)
    has_unit = units.notna() & (units.astype(str) != "")
    counts = pd.DataFrame(
        {
            "events_a": located[in_a & has_unit].groupby(units[in_a & has_unit]).size(),
            "events_b": located[in_b & has_unit].groupby(units[in_b & has_unit]).size(),
        }
    )
    counts = counts.fillna(0).astype(int).rename_axis("unit").reset_index()
    counts["change"] = counts["events_a"] - counts["events_b"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(counts["events_b"] > 0, counts["change"] / counts["events_b"] * 100, np.nan)
    counts["change_pct"] = np.round(pct, 1)
    counts["band"] = [band(x, y, min_events) for x, y in zip(counts["events_a"], counts["events_b"], strict=True)]
    order = counts["band"].map({name: i for i, name in enumerate(BAND_ORDER)})
    table = (
        counts.assign(_order=order, _size=-counts["change"].abs())
        .sort_values(["_order", "_size", "unit"], kind="stable")
        .drop(columns=["_order", "_size"])
        .reset_index(drop=True)
    )
    return Comparison(
        by=by,
        a=a,
        b=b,
        min_events=min_events,
        table=table[list(COLUMNS)],
        outside_a=int((in_a & ~has_unit).sum()),
        outside_b=int((in_b & ~has_unit).sum()),
    )


def comparison_display(comparison: Comparison) -> pd.DataFrame:
    """The table as the dashboard shows it: headings in words, the percentage signed ('+20.0 %'), and
    'new (none in B)' where B had no event (sort by the change column: it stays a number)."""
    word = UNITS[comparison.by][1].capitalize()
    pct = comparison.table["change_pct"]
    shown = comparison.table.assign(
        change_pct=[f"{p:+.1f} %" if not pd.isna(p) else "new (none in B)" for p in pct.tolist()]
    )
    return shown.rename(
        columns={
            "unit": word,
            "events_a": f"A: {comparison.a.text()}",
            "events_b": f"B: {comparison.b.text()}",
            "change": "Change (A − B)",
            "change_pct": "Change % of B",
            "band": "Band",
        }
    )
