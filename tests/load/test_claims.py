"""Casualty claims: the bundled table holds only figures the research holds; imports give their own."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.config import BUNDLED_EVENTS_PATH, DATA_DIR
from dashboard.errors import EventFileError
from dashboard.load.claims import CLAIM_FILE_COLUMNS, read_claims
from dashboard.load.events import load_events, merge_tables
from dashboard.summary.claims import single_figures
from dashboard.vocab import CLAIM_COUNT_COLUMNS, CLAIM_PARTIES, REPORTER_SIDES

FIXTURES = Path(__file__).parents[1] / "fixtures"
REFERENCE = DATA_DIR / "reference" / "events_reference.csv"
EVIDENCE = DATA_DIR / "reference" / "evidence.md"
RESEARCH_TEXT = ("fatalities_reported", "fatalities_reported_by", "description", "disputes_notes")
CLAIMS = pd.read_csv(DATA_DIR / "claims.csv", dtype=str, keep_default_na=False)
NO_DEATHS = ("0 killed", "no deaths")


def research() -> dict[str, dict[str, str]]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {r["event_id"]: r for r in csv.DictReader(f)}


def numbers_in(text: str) -> set[int]:
    return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text)}


@pytest.mark.parametrize("row", CLAIMS.to_dict("records"), ids=lambda r: f"{r['event_id']}:{r['reported_by'][:20]}")
def test_every_figure_is_in_its_quote_and_every_quote_in_the_research(row: dict[str, str]):
    reference = research()[row["event_id"]]
    assert any(row["quote"] in reference[field] for field in RESEARCH_TEXT), "quote not verbatim in the research row"
    for column in CLAIM_COUNT_COLUMNS:
        if not row[column]:
            continue
        figure = int(row[column])
        if figure == 0:
            assert any(p in row["quote"].lower() for p in NO_DEATHS), f"{column} 0 without 'no deaths' / '0 killed'"
        else:
            assert figure in numbers_in(row["quote"]), f"{column} {figure} is not in the quote"


def test_every_claim_links_a_page_the_research_read():
    references = research()
    logged = EVIDENCE.read_text(encoding="utf-8")
    for row in CLAIMS.to_dict("records"):
        reference = references[row["event_id"]]
        if not row["source_url"]:
            continue  # the research names no page for this figure (see tools/curate_events.py)
        assert row["source_url"] in reference["source_url"] + reference["additional_sources"] or (
            row["source_url"] in logged
        ), row


def test_the_tables_vocabularies_and_the_no_claim_rule():
    assert set(CLAIMS["about"]) <= set(CLAIM_PARTIES)
    assert set(CLAIMS["reporter_side"]) <= set(REPORTER_SIDES)
    # Where the research gives no casualty figure there is no claim.
    for event_id in ("AA-010", "AA-011", "AA-013", "AA-019", "AA-044", "AA-065"):
        assert event_id not in set(CLAIMS["event_id"])
    # AA-003 is a campaign tally that overlaps AA-006: only a total, never an event figure.
    assert set(CLAIMS.loc[CLAIMS["event_id"] == "AA-003", "scope"]) == {"total"}


def test_the_bundled_events_load_with_their_claims():
    table = load_events(BUNDLED_EVENTS_PATH)
    assert len(table.claims) == len(CLAIMS)
    sept = table.claims[table.claims["event_id"] == "AA-063"]
    council = sept[sept["reported_by"] == "Armenian Security Council"]
    assert 207 in council["killed"].tolist()
    assert (council["kind"] == "dead or missing").any()
    # Armenia's count of Azerbaijani dead is marked as a claim about the other side.
    armenia = table.claims[(table.claims["event_id"] == "AA-058") & (table.claims["reported_by"] == "Armenia")]
    assert armenia["about_adversary"].all() and armenia["killed"].tolist() == [431]


def test_ucdp_deaths_and_estimates_become_claims_by_ucdp():
    table = load_events(FIXTURES / "ucdp_ged_241.csv")
    claims = table.claims[table.claims["event_id"] == "900001"]
    assert set(claims["reported_by"]) == {"UCDP"}
    estimates = claims[claims["about"] == "all parties"].set_index("note")["killed"]
    assert estimates.to_dict() == {"best estimate": 12, "low estimate": 10, "high estimate": 15}
    assert claims.loc[claims["about"] == "civilians in Azerbaijan", "killed"].tolist() == [12]
    assert not any(c.startswith("ucdp_claim_") for c in table.events.columns)  # passing columns stay out


def test_ucdp_sides_name_the_parties(csv_file):
    header = (FIXTURES / "ucdp_ged_241.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    values = dict.fromkeys(header, "")
    values.update(
        id="77",
        type_of_violence="1",
        side_a="Government of Azerbaijan",
        side_b="Government of Armenia",
        latitude="40.2",
        longitude="45.8",
        date_start="2022-09-13",
        date_end="2022-09-13",
        deaths_a="3",
        deaths_b="4",
        deaths_civilians="0",
        deaths_unknown="1",
        best="8",
        low="8",
        high="9",
        country="Armenia",
        where_prec="1",
    )
    path = csv_file(",".join(header) + "\n" + ",".join(values[c] for c in header) + "\n", "ged.csv")
    claims = load_events(path).claims.set_index("about")["killed"]
    sides = claims.drop("all parties")
    assert sides.to_dict() == {"Azerbaijani forces": 3, "Armenian forces": 4, "unspecified": 1}


def test_acled_fatalities_become_a_claim_by_acled():
    table = load_events(FIXTURES / "acled_2023_population.csv")
    with_figure = table.events[table.events["fatalities"].notna()]
    assert len(table.claims) == len(with_figure)
    assert set(table.claims["reported_by"]) == {"ACLED"} and set(table.claims["about"]) == {"unspecified"}
    merged = dict(zip(table.claims["event_id"], table.claims["killed"], strict=True))
    assert merged == dict(zip(with_figure["event_id"], with_figure["fatalities"], strict=True))


def test_merged_files_keep_every_datasets_claims():
    merged = merge_tables(
        [
            load_events(BUNDLED_EVENTS_PATH),
            load_events(FIXTURES / "ucdp_ged_241.csv"),
            load_events(FIXTURES / "acled_2023_population.csv"),
        ]
    )
    assert {"UCDP", "ACLED", "Armenian Security Council"} <= set(merged.claims["reported_by"])
    assert set(merged.claims["dataset"]) == {"project", "UCDP GED", "ACLED"}
    # The same file twice: its claims are kept once, like its events.
    twice = merge_tables([load_events(BUNDLED_EVENTS_PATH), load_events(BUNDLED_EVENTS_PATH)])
    assert len(twice.claims) == len(CLAIMS)


def test_a_project_file_without_a_claims_table_claims_its_fatalities(csv_file):
    path = csv_file("event_id,event_date,event_type,latitude,longitude,fatalities\nA1,2022-09-13,Battle,40.2,45.8,5\n")
    claims = load_events(path).claims
    assert claims["killed"].tolist() == [5]
    assert claims["reported_by"].tolist() == ["fatalities column of the file"]


def _claims_text(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(CLAIM_FILE_COLUMNS)]
    for row in rows:
        cells = dict.fromkeys(CLAIM_FILE_COLUMNS, "") | {"kind": "killed", "scope": "event"} | row
        lines.append(",".join(cells[c] for c in CLAIM_FILE_COLUMNS))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"event_id": "ZZ", "reported_by": "x", "reporter_side": "media", "about": "unspecified", "killed": "1"},
         "event 'ZZ' is not in the events file"),
        ({"event_id": "A1", "reported_by": "x", "reporter_side": "media", "about": "aliens", "killed": "1"},
         "about 'aliens' is not one of"),
        ({"event_id": "A1", "reported_by": "x", "reporter_side": "media", "about": "unspecified", "killed": "-3"},
         "killed '-3' is not a whole number"),
        ({"event_id": "A1", "reported_by": "x", "reporter_side": "media", "about": "unspecified"},
         "no figure"),
        ({"event_id": "A1", "reported_by": "x", "reporter_side": "media", "about": "unspecified", "killed": "1",
          "as_of": "yesterday"}, "as_of 'yesterday'"),
    ],
)  # fmt: skip
def test_a_broken_claims_row_is_named_by_line(row: dict[str, str], message: str):
    with pytest.raises(EventFileError, match=r"line 2: .*" + re.escape(message)):
        read_claims(_claims_text([row]), "project", pd.Series(["A1"]))


def test_ucdp_figures_that_are_not_plain_numbers_give_no_claim(csv_file):
    header = (FIXTURES / "ucdp_ged_241.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    values = dict.fromkeys(header, "")
    where = {"latitude": "40.2", "longitude": "45.8", "date_start": "2022-09-13", "date_end": "2022-09-13"}
    values.update(where, id="78", type_of_violence="1", where_prec="1")
    values.update(best="", low="00", high="3", deaths_a="٣", deaths_b="²")  # digits that are not 0-9 are no figure
    path = csv_file(",".join(header) + "\n" + ",".join(values[c] for c in header) + "\n", "ged.csv")
    claims = load_events(path).claims
    assert claims.set_index("note")["killed"].to_dict() == {"low estimate": 0, "high estimate": 3}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.dictionaries(
        st.sampled_from(CLAIM_FILE_COLUMNS),
        # Any character a UTF-8 file can hold (lone surrogates cannot be written to one).
        st.text(alphabet=st.characters(blacklist_characters=',\n\r"', blacklist_categories=("Cs",)), max_size=12),
    )
)
def test_any_claims_cells_give_a_table_or_a_sentence(cells: dict[str, str]):
    outcome: pd.DataFrame | EventFileError
    try:
        outcome = read_claims(_claims_text([cells]), "project", pd.Series(["A1"]))
    except EventFileError as exc:
        outcome = exc
    if isinstance(outcome, EventFileError):
        assert str(outcome).endswith(".")
    else:
        assert len(outcome) == 1 and outcome["killed"].dtype == "Int64"


def test_the_bundled_tables_are_what_the_curation_script_writes():
    from tools.curate_events import curated_claims

    written = curated_claims(research())
    assert written.equals(CLAIMS[written.columns.tolist()])


def test_the_single_figure_of_every_event_follows_from_its_claims():
    table = load_events(BUNDLED_EVENTS_PATH)
    derived = single_figures(table.claims).droplevel(0)
    stated = table.events.set_index("event_id")["fatalities"].dropna().astype(int)
    assert stated.to_dict() == derived.astype(int).to_dict()
    # The seed article's event: contested Armenian figures give no single number; Azerbaijan's final 80 does.
    assert "AA-063" not in stated and stated["AA-058"] == 80
