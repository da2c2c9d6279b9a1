"""Reading claims together: current figures, per-party ranges, the single figure, the claims view."""

from __future__ import annotations

import pandas as pd

from dashboard.load.claims import typed_claims
from dashboard.summary.claims import (
    EVENT_CODE,
    claim_figures,
    claims_chart,
    claims_display,
    claims_of,
    current_claims,
    single_figures,
    with_event_codes,
)


def claims(*rows: dict[str, object]) -> pd.DataFrame:
    base = {
        "dataset": "project",
        "event_id": "E1",
        "reported_by": "Reporter",
        "reporter_side": "media",
        "about": "Armenian forces",
        "killed": "",
        "wounded": "",
        "missing": "",
        "captured": "",
        "kind": "killed",
        "qualifier": "",
        "scope": "event",
        "as_of": "",
        "status": "",
        "source_url": "",
        "quote": "",
        "note": "",
    }
    return typed_claims(pd.DataFrame([{**base, **{k: str(v) for k, v in r.items()}} for r in rows]))


def events(*ids: str, unmapped: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": "project",
            "event_id": list(ids),
            "event_date": pd.Timestamp("2022-09-13"),
            "location": [f"Place {i}" for i in ids],
            "latitude": [float("nan") if i in unmapped else 40.0 for i in ids],
        }
    )


def test_one_reporter_gives_one_figure_with_its_name():
    final = {"killed": 80, "reported_by": "Azerbaijani MoD", "status": "final", "about": "Azerbaijani forces"}
    figures = claim_figures(claims({**final, "reporter_side": "Azerbaijan"}), events("E1"))
    (party,) = figures.parties
    assert (party.low, party.high) == (80, 80)
    assert party.line() == "Azerbaijani forces: 80 killed (Azerbaijani MoD, final)"


def test_two_reporters_give_a_range_naming_both():
    figures = claim_figures(
        claims(
            {
                "killed": 207,
                "kind": "dead or missing",
                "reported_by": "Armenian Security Council",
                "as_of": "2022-09-19",
            },
            {"killed": 224, "reported_by": "forrights.am"},
        ),
        events("E1"),
    )
    (party,) = figures.parties
    assert (party.low, party.high) == (207, 224)
    line = party.line()
    assert line.startswith("Armenian forces: 207–224 dead or missing / killed")
    assert "Armenian Security Council: 207 dead or missing (19 Sep 2022)" in line and "forrights.am: 224 killed" in line


def test_a_reporters_update_replaces_its_initial_figure():
    rows = claims(
        {"killed": 50, "status": "initial", "as_of": "2022-09-13"},
        {"killed": 71, "status": "updated", "as_of": "2022-09-14"},
        {"killed": 79, "status": "updated", "as_of": "2022-09-23"},
    )
    assert current_claims(rows)["killed"].tolist() == [79]
    (party,) = claim_figures(rows, events("E1")).parties
    assert (party.low, party.high) == (79, 79)


def test_a_final_figure_supersedes_other_reporters_first_reports_but_not_an_undated_one():
    rows = claims(
        {"killed": 218, "status": "final", "reported_by": "Investigative Committee"},
        {"killed": 20, "status": "initial", "reported_by": "Health authorities"},
        {"killed": 230, "reported_by": "An outlet"},
    )
    assert sorted(current_claims(rows)["killed"]) == [218, 230]


def test_a_claim_about_the_other_side_is_listed_apart_from_the_range():
    rows = claims(
        {"killed": 80, "status": "final", "about": "Azerbaijani forces", "reporter_side": "Azerbaijan",
         "reported_by": "Azerbaijani MoD"},
        {"killed": 431, "about": "Azerbaijani forces", "reporter_side": "Armenia", "reported_by": "Armenia"},
    )  # fmt: skip
    (party,) = claim_figures(rows, events("E1")).parties
    assert (party.low, party.high) == (80, 80)
    assert party.line().endswith("· the other side claims: Armenia: 431 killed")


def test_parties_add_up_over_events_and_totals_stay_apart():
    rows = claims(
        {"event_id": "E1", "killed": 3, "reported_by": "A"},
        {"event_id": "E2", "killed": 4, "reported_by": "A"},
        {"event_id": "E2", "killed": 6, "reported_by": "B"},
        {"event_id": "E3", "killed": 3773, "reported_by": "PM", "scope": "total", "note": "2020 war"},
    )
    figures = claim_figures(rows, events("E1", "E2", "E3", unmapped=("E2",)))
    (party,) = figures.parties
    assert (party.low, party.high) == (7, 9) and party.events == 2
    assert figures.totals == ("2020 war — Armenian forces: 3,773 (PM 3,773 killed)",)
    assert figures.claims_from_unmapped == 2  # E2's two current figures have no point on the map
    # Only the chosen events' claims count.
    assert claim_figures(rows, events("E1")).parties[0].high == 3


def test_the_single_figure_needs_agreement_and_no_overlapping_parties():
    rows = claims(
        # E1: both sides' own losses, uncontested: added up.
        {"event_id": "E1", "killed": 6, "about": "Armenian forces", "reporter_side": "Armenia"},
        {"event_id": "E1", "killed": 7, "about": "Azerbaijani forces", "reporter_side": "Azerbaijan"},
        {"event_id": "E1", "killed": 70, "about": "Azerbaijani forces", "reporter_side": "Armenia",
         "kind": "killed or wounded"},
        # E2: reporters disagree.
        {"event_id": "E2", "killed": 7, "reported_by": "A"},
        {"event_id": "E2", "killed": 10, "reported_by": "B"},
        # E3: the same death said of overlapping parties: counted once.
        {"event_id": "E3", "killed": 1, "about": "civilians in Azerbaijan", "reported_by": "A"},
        {"event_id": "E3", "killed": 1, "about": "unspecified", "reported_by": "B"},
        # E4: dead or missing is not a killed figure.
        {"event_id": "E4", "killed": 207, "kind": "dead or missing"},
        # E5: "no deaths" is a figure.
        {"event_id": "E5", "killed": 0},
    )  # fmt: skip
    figures = single_figures(rows).droplevel(0).to_dict()
    assert figures == {"E1": 13, "E3": 1, "E5": 0}


def test_the_claims_view_lists_each_claim_and_charts_each_killed_figure():
    rows = claims(
        {"killed": 207, "kind": "dead or missing", "reported_by": "Council", "as_of": "2022-09-19"},
        {"wounded": 293, "reported_by": "Council"},
        {"killed": 450, "about": "Armenian forces", "reporter_side": "Azerbaijan", "reported_by": "Azerbaijan"},
    )
    table = claims_display(rows, events("E1"))
    assert len(table) == 3
    assert "207 dead or missing" in table["Killed"].tolist()
    assert "Armenian forces (claim by the other side)" in table["Party"].tolist()
    chart = claims_chart(rows, events("E1")).to_dict()
    values = chart["datasets"][next(iter(chart["datasets"]))]
    assert sorted(v["killed"] for v in values) == [207, 450]
    assert {v["reporter"] for v in values} == {"Council", "Azerbaijan"}


def test_one_figure_per_event_and_party_is_current_whatever_its_status():
    rows = claims(
        {"event_id": "E1", "killed": 3, "status": "initial"},
        {"event_id": "E2", "killed": 4, "status": "updated", "as_of": "2022-09-14"},
        {"event_id": "E2", "killed": 5, "about": "Azerbaijani forces", "status": "final"},
    )
    current = current_claims(rows)
    assert current["killed"].tolist() == [3, 4, 5]
    assert list(current.columns) == list(rows.columns)  # nothing of the working columns left
    assert (current["status"].tolist(), current["about"].dtype) == (["initial", "updated", "final"], "str")


def test_claims_of_two_datasets_are_told_apart_by_dataset():
    """The same event id in ACLED and in UCDP names two events: neither figure replaces the other."""
    rows = claims(
        {"dataset": "ACLED", "event_id": "7", "killed": 2, "status": "initial"},
        {"dataset": "UCDP GED", "event_id": "7", "killed": 9, "status": "final"},
    )
    codes = with_event_codes(rows)[EVENT_CODE]
    assert codes.nunique() == 2
    assert sorted(current_claims(rows)["killed"]) == [2, 9]
    ucdp = events("7").assign(dataset="UCDP GED")
    assert claims_of(rows, ucdp)["killed"].tolist() == [9]
    assert claim_figures(rows, ucdp).events_with_claims == 1
