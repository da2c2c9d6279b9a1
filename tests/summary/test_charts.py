from __future__ import annotations

import datetime as dt

import pandas as pd
from conftest import event_frame

from dashboard.summary.charts import (
    TIMELINE_BRUSH,
    brushed_dates,
    counts_by_region_and_type,
    key_dates_caption,
    key_figures,
    timeline_chart,
    timeline_counts,
)
from dashboard.vocab import KEY_DATES

SHORT = event_frame(
    [
        {"event_date": pd.Timestamp("2022-09-13"), "event_type": "Battle", "location": "Jermuk", "fatalities": 2},
        {"event_date": pd.Timestamp("2022-09-13"), "event_type": "Shelling/artillery", "location": "Goris"},
        {
            "event_date": pd.Timestamp("2022-09-14"),
            "event_type": "Battle",
            "location": "Jermuk",
            "fatalities": 1,
            "region": "Nagorno-Karabakh",
        },
    ]
)


def test_short_spans_count_per_day_by_type():
    counts, unit = timeline_counts(SHORT)
    assert unit == "day"
    assert counts["events"].sum() == 3
    assert counts.set_index(["period", "event_type"]).loc[(pd.Timestamp("2022-09-13"), "Battle"), "events"] == 1


def test_spans_of_months_count_per_week_starting_monday(bundled):
    war_to_blockade = bundled.mapped[bundled.mapped["event_date"] < "2023-01-01"]
    counts, unit = timeline_counts(war_to_blockade)
    assert unit == "week"
    assert counts["events"].sum() == len(war_to_blockade)
    assert (counts["period"].dt.day_of_week == 0).all()


def test_spans_of_years_count_per_month(bundled):
    counts, unit = timeline_counts(bundled.mapped)
    assert unit == "month"
    assert counts["events"].sum() == 58
    assert (counts["period"].dt.day == 1).all()


def test_timeline_chart_uses_the_type_colours_and_key_dates():
    spec = timeline_chart(SHORT).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"][0] == "Battle" and colour["range"][0] == "#D55E00"
    assert len(spec["layer"]) == 2  # bars + the 13 Sep 2022 rule


def test_counts_by_region_and_type_has_totals_in_fixed_order():
    table = counts_by_region_and_type(SHORT)
    assert table.index.tolist() == ["Armenia", "Nagorno-Karabakh"]
    assert table.loc["Armenia", "Total"] == 2
    assert table["Total"].sum() == 3


def test_key_figures_count_events_places_and_days():
    figures = key_figures(SHORT)
    assert (figures.events, figures.localities, figures.days) == (3, 2, 2)


def test_empty_selection_has_empty_summaries():
    empty = SHORT.iloc[0:0]
    assert key_figures(empty).events == 0
    assert timeline_counts(empty)[0].empty


def test_the_key_dates_caption_names_every_line_the_timeline_draws():
    caption = key_dates_caption()
    assert caption.startswith("Dashed lines: War begins (27 Sep 2020); Trilateral ceasefire (10 Nov 2020);")
    assert caption.count("(") == len(KEY_DATES)


def test_a_timeline_brush_reads_as_the_days_it_spans():
    start, end = pd.Timestamp("2022-09-12 06:00"), pd.Timestamp("2022-09-14 18:00")
    as_ms = {"selection": {TIMELINE_BRUSH: {"period": [end.value // 10**6, start.value // 10**6]}}}
    assert brushed_dates(as_ms) == (dt.date(2022, 9, 12), dt.date(2022, 9, 14))  # either drag direction
    as_text = {"selection": {TIMELINE_BRUSH: {"period": ["2022-09-12T00:00:00", "2022-09-13T00:00:00"]}}}
    assert brushed_dates(as_text) == (dt.date(2022, 9, 12), dt.date(2022, 9, 13))
    for cleared in (
        None,
        {},
        {"selection": {}},
        {"selection": {TIMELINE_BRUSH: {}}},
        {"selection": {TIMELINE_BRUSH: {"period": ["x"]}}},
    ):
        assert brushed_dates(cleared) is None
    spec = timeline_chart(SHORT).to_dict()
    # Altair lifts a layer's parameter to the top of the spec, bound to the bars' view.
    assert any(p["name"] == TIMELINE_BRUSH and p["select"]["encodings"] == ["x"] for p in spec["params"])
