"""Comparing two periods on a small hand-made table: counts, change, bands, what no unit holds."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.summary.compare import (
    BY_PROVINCE,
    BY_SECTOR,
    INCREASE,
    LARGE_DECREASE,
    LARGE_INCREASE,
    LIMITED_CHANGE,
    TOO_FEW,
    Period,
    band,
    compare_periods,
    comparison_display,
)

A = Period(dt.date(2022, 9, 12), dt.date(2022, 9, 14))
B = A.before()


def events(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    """(date, province, sector) per event."""
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime([r[0] for r in rows]),
            "province": [r[1] for r in rows],
            "border_sector": [r[2] for r in rows],
            "latitude": 40.0,
        }
    )


def test_the_default_reference_is_the_period_of_equal_length_before():
    assert (B.start, B.end) == (dt.date(2022, 9, 9), dt.date(2022, 9, 11))
    assert B.days == A.days == 3


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (13, 10, LARGE_INCREASE),  # +30 %
        (12, 10, INCREASE),  # +20 %
        (11, 10, INCREASE),  # +10 % is an increase
        (10, 10, LIMITED_CHANGE),
        (8, 10, LIMITED_CHANGE),  # -20 %
        (75, 100, LIMITED_CHANGE),  # -25 % is still limited
        (7, 10, LARGE_DECREASE),  # -30 %
        (6, 0, LARGE_INCREASE),  # from nothing
        (3, 1, TOO_FEW),  # +200 %, but too few in both periods
        (0, 5, LARGE_DECREASE),
    ],
)
def test_bands_follow_trendfinder(a, b, expected):
    assert band(a, b, min_events=5) == expected


def test_counts_change_and_bands_per_province_and_sector():
    rows = (
        [("2022-09-13", "Syunik", "Syunik – Qubadlı")] * 6
        + [("2022-09-10", "Syunik", "Syunik – Qubadlı")] * 2
        + [("2022-09-13", "Gegharkunik", "Gegharkunik – Kəlbəcər")] * 5
        + [("2022-09-09", "Gegharkunik", None)] * 5
        + [("2022-09-12", "Vayots Dzor", None)] * 2
        + [("2022-09-01", "Syunik", None)] * 9  # in neither period
        + [("2022-09-14", None, None)]  # in no province
    )
    by_province = compare_periods(events(rows), A, B, BY_PROVINCE, min_events=5).table.set_index("unit")
    assert by_province.loc["Syunik", ["events_a", "events_b", "change", "change_pct", "band"]].tolist() == [
        6, 2, 4, 200.0, LARGE_INCREASE,
    ]  # fmt: skip
    assert by_province.loc["Gegharkunik", ["events_a", "events_b", "band"]].tolist() == [5, 5, LIMITED_CHANGE]
    assert by_province.loc["Vayots Dzor", "band"] == TOO_FEW and pd.isna(by_province.loc["Vayots Dzor", "change_pct"])
    # Every event of either period is in a unit or counted as in none.
    comparison = compare_periods(events(rows), A, B, BY_SECTOR, min_events=5)
    table = comparison.table
    assert table["events_a"].sum() + comparison.outside_a == 6 + 5 + 2 + 1
    assert table["events_b"].sum() + comparison.outside_b == 2 + 5
    assert (comparison.outside_a, comparison.outside_b) == (3, 5)
    assert comparison.outside_text() == "In no border sector: 3 events of period A and 5 of period B."
    assert "A: 12–14 Sep 2022 vs B: 9–11 Sep 2022" in comparison.caption()


def test_the_table_lists_large_changes_first():
    rows = [("2022-09-13", "X", None)] * 10 + [("2022-09-10", "Y", None)] * 10 + [("2022-09-13", "Z", None)]
    units = compare_periods(events(rows), A, B, min_events=5).table["unit"].tolist()
    assert units == ["X", "Y", "Z"]


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends"):
        Period(dt.date(2022, 9, 14), dt.date(2022, 9, 12))


def test_the_display_signs_the_percentage_and_names_a_unit_new_in_a():
    rows = [("2022-09-13", "X", None)] * 6 + [("2022-09-10", "X", None)] * 5 + [("2022-09-13", "Y", None)] * 5
    shown = comparison_display(compare_periods(events(rows), A, B, min_events=5)).set_index("Province")
    assert shown.loc["X", "Change % of B"] == "+20.0 %"
    assert shown.loc["Y", "Change % of B"] == "new (none in B)"
    assert shown.loc["Y", "Change (A − B)"] == 5
