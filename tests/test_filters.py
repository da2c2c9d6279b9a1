from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import event_frame

from dashboard.filters import (
    Counts,
    EventFilter,
    actor_names,
    count_rows,
    emptying_filters,
    filter_choices,
    filter_mask,
)
from dashboard.pipeline import select_events

EVENTS = event_frame(
    [
        {
            "event_id": "a",
            "event_date": pd.Timestamp("2020-10-04"),
            "event_type": "Air/missile strike",
            "region": "Azerbaijan",
            "province_code": "AZ-GA",
            "actor1": "Armenian Armed Forces",
            "actor2": "civilians",
            "location": "Ganja",
            "fatalities": 1,
            "border_distance_km": 56.0,
        },
        {
            "event_id": "b",
            "event_date": pd.Timestamp("2022-09-13"),
            "event_type": "Shelling/artillery",
            "region": "Armenia",
            "province_code": "AM-VD",
            "actor1": "Azerbaijani Armed Forces",
            "location": "Jermuk",
            "notes": "damage to the spa resort",
            "geo_precision": 2,
            "border_distance_km": 11.9,
        },
        {
            "event_id": "c",
            "event_date": pd.Timestamp("2022-09-14"),
            "event_type": "Battle",
            "region": "Armenia",
            "province_code": "AM-GR",
            "actor1": "Azerbaijani Armed Forces; Border Service",
            "actor2": "Armed Forces of Armenia",
            "location": "Verin Shorzha",
            "fatalities": 0,
            "border_distance_km": 6.2,
        },
        {
            "event_id": "d",
            "event_date": pd.Timestamp("2023-09-19"),
            "event_type": "Shelling/artillery",
            "region": "Nagorno-Karabakh",
            "province_code": "AZ-XA",
            "location": "Stepanakert",
            "source": "Artsakh Ombudsman",
            "fatalities": 200,
            "geo_precision": 3,
            "border_distance_km": 31.0,
        },
        {
            "event_id": "u",
            "event_date": pd.Timestamp("2022-09-13"),
            "latitude": None,
            "longitude": None,
            "region": None,
            "province_code": None,
            "border_distance_km": None,
            "location": "Artanish",
        },
    ]
)


def shown(flt: EventFilter) -> list[str]:
    return EVENTS.loc[filter_mask(EVENTS, flt), "event_id"].tolist()


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (EventFilter(), ["a", "b", "c", "d"]),
        (EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14)), ["b", "c"]),
        (EventFilter(start=dt.date(2022, 9, 14)), ["c", "d"]),
        (EventFilter(end=dt.date(2022, 9, 13)), ["a", "b"]),
        (EventFilter(event_types=("Shelling/artillery",)), ["b", "d"]),
        (EventFilter(event_types=()), []),
        (EventFilter(regions=("Armenia",)), ["b", "c"]),
        (EventFilter(regions=("Nagorno-Karabakh", "Azerbaijan")), ["a", "d"]),
        (EventFilter(province_codes=("AM-GR", "AZ-XA")), ["c", "d"]),
        (EventFilter(actors=("Border Service",)), ["c"]),
        (EventFilter(actors=("Armenian Armed Forces", "Armed Forces of Armenia")), ["a", "c"]),
        (EventFilter(text="SPA"), ["b"]),
        (EventFilter(text="ombudsman"), ["d"]),
        (EventFilter(text="   "), ["a", "b", "c", "d"]),
        (EventFilter(min_fatalities=1), ["a", "d"]),
        (EventFilter(min_fatalities=0), ["a", "b", "c", "d"]),
        (EventFilter(geo_precisions=(2, 3)), ["b", "d"]),
        (EventFilter(max_border_km=12), ["b", "c"]),
    ],
)
def test_each_filter_alone(flt, expected):
    assert shown(flt) == expected


def test_filters_combine_with_and():
    flt = EventFilter(start=dt.date(2022, 1, 1), event_types=("Shelling/artillery",), regions=("Armenia",))
    assert shown(flt) == ["b"]
    assert shown(EventFilter(regions=("Armenia",), min_fatalities=1)) == []


def test_unmapped_rows_are_never_shown_but_counted():
    mask = filter_mask(EVENTS, EventFilter(text="artanish"))
    counts = count_rows(EVENTS, mask, n_rejected=2)
    assert counts == Counts(shown=0, filtered_out=4, unmapped=1, rejected=2)
    assert counts.total == 7
    assert counts.line() == "0 shown · 4 filtered out · 1 unmapped · 2 rejected = 7 rows in file"


def test_emptying_filters_names_the_culprit():
    flt = EventFilter(regions=("Armenia",), min_fatalities=500, text="jermuk")
    assert emptying_filters(EVENTS, flt) == ["minimum fatalities"]
    assert emptying_filters(EVENTS, EventFilter(regions=("Armenia",), min_fatalities=1)) == []


def test_actor_names_are_split_and_sorted():
    assert actor_names(EVENTS) == [
        "Armed Forces of Armenia",
        "Armenian Armed Forces",
        "Azerbaijani Armed Forces",
        "Border Service",
        "civilians",
    ]


def test_selection_on_bundled_data_accounts_for_every_row(bundled):
    selection = select_events(
        bundled, "nkao_1991", EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14), regions=("Armenia",))
    )
    counts = selection.counts
    assert counts.total == bundled.n_rows == 77
    assert counts.unmapped == 19
    assert counts.shown == len(selection.events) == 15
    assert set(selection.events["region"]) == {"Armenia"}
    assert selection.events["event_date"].between("2022-09-12", "2022-09-14").all()


def test_filter_choices_offer_what_the_table_holds(bundled):
    choices = filter_choices(bundled.events)
    assert choices.first == bundled.events["event_date"].min().date() <= dt.date(2020, 9, 27) <= choices.last
    assert choices.provinces["AM-SU"] == "Armenia · Syunik (AM-SU)"
    assert next(iter(choices.provinces)).startswith("AM-")  # grouped by country: Armenia first
    assert "Azerbaijani Armed Forces" in choices.actors
    assert choices.border_km_max >= bundled.events["border_distance_km"].max()
