"""select_events: the claims of the events a filter keeps, found by position once the keys are matched."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.summary.claims import claim_figures, claims_of
from dashboard.vocab import EVENT_TYPES, NK_BOUNDARIES, REGIONS

FIRST, LAST = dt.date(2020, 9, 1), dt.date(2024, 3, 1)


def _period(start: dt.date | None, days: int) -> tuple[dt.date | None, dt.date | None]:
    return (start, start + dt.timedelta(days=days)) if start else (None, None)


# None is "no filter": unmapped events are reported only where no filter of theirs rules them out.
filters = st.builds(
    lambda period, types, regions: EventFilter(start=period[0], end=period[1], event_types=types, regions=regions),
    st.builds(_period, st.none() | st.dates(FIRST, LAST), st.integers(0, 900)),
    st.none() | st.lists(st.sampled_from(EVENT_TYPES), min_size=1, unique=True).map(tuple),
    st.none() | st.lists(st.sampled_from(REGIONS), min_size=1, unique=True).map(tuple),
)


@given(flt=filters, nk_boundary=st.sampled_from(list(NK_BOUNDARIES)))
def test_the_claims_of_a_selection_are_those_of_its_reported_events(bundled, flt, nk_boundary):
    selection = select_events(bundled, nk_boundary, flt)
    assert selection.claims.equals(claims_of(bundled.claims, selection.reported))


def test_each_claim_knows_its_events_row_once_per_table(bundled):
    rows = bundled.claim_rows
    assert rows is not None and len(rows) == len(bundled.claims)
    matched = bundled.events.iloc[rows[rows >= 0]]
    about = bundled.claims[rows >= 0]
    assert (matched["event_id"].astype(str).to_numpy() == about["event_id"].astype(str).to_numpy()).all()
    assert bundled.claim_rows is rows  # computed once, kept with the table


def key_matched_rows(table) -> np.ndarray:
    keys = pd.MultiIndex.from_frame(table.events[["dataset", "event_id"]].astype(str))
    return keys.get_indexer(pd.MultiIndex.from_frame(table.claims[["dataset", "event_id"]].astype(str)))


def test_claim_rows_are_the_key_matches_with_one_dataset_or_two(bundled):
    claims = bundled.claims
    strays = claims.head(2).assign(event_id=["no-such-event", claims["event_id"].iloc[0]], dataset=["project", "other"])
    one = replace(bundled, claims=pd.concat([claims, strays], ignore_index=True))
    rows = one.claim_rows
    assert (rows[-2:] == -1).all() and (rows[:-2] >= 0).all()  # an unknown id, another dataset's id
    np.testing.assert_array_equal(rows, key_matched_rows(one))
    events = bundled.events.copy()
    events.loc[events.index[::2], "dataset"] = "other"
    two = replace(one, events=events)
    np.testing.assert_array_equal(two.claim_rows, key_matched_rows(two))
    assert (two.claim_rows >= 0).sum() < (rows >= 0).sum()


def test_joined_columns_keep_what_is_known_per_row(bundled):
    rows = bundled.claim_rows
    assert bundled.with_columns(bundled.events.assign(extra=1)).claim_rows is rows


def test_events_sharing_a_key_are_matched_by_key_as_before(bundled):
    claimed = bundled.events[bundled.events["event_id"].isin(bundled.claims["event_id"])].head(1)
    twice = replace(bundled, events=pd.concat([bundled.events, claimed], ignore_index=True))
    assert twice.claim_rows is None
    selection = select_events(twice, "nkao_1991", EventFilter())
    assert selection.claims.equals(claims_of(twice.claims, selection.reported))
    assert len(selection.claims) == len(select_events(bundled, "nkao_1991", EventFilter()).claims)


@given(flt=filters)
def test_a_selections_claim_figures_need_no_second_match(bundled, flt):
    selection = select_events(bundled, "nkao_1991", flt)
    assert claim_figures(selection.claims, selection.reported, matched=True) == claim_figures(
        bundled.claims, selection.reported
    )
