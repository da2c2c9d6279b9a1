from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.load.events import EventFileError, load_events
from dashboard.vocab import EVENT_TYPES
from tests.helpers import is_sentence, load_outcome

HEADER = "event_id,event_date,event_type,latitude,longitude,fatalities,geo_precision\n"


def reasons(table) -> dict[int, str]:
    return dict(zip(table.rejected["line"], table.rejected["reason"], strict=True))


def test_bundled_file_loads_every_row():
    table = load_events(BUNDLED_EVENTS_PATH)
    assert table.n_rows == 77
    assert table.rejected.empty
    assert len(table.mapped) == 58
    assert len(table.unmapped) == 19
    assert table.events["event_id"].is_unique
    assert table.events["source_url"].str.startswith("http").all()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (",2022-09-13,Battle,40,45.5,,", "event_id", "missing event id"),
        ("A2,,Battle,40,45.5,,", "event_date", "missing date"),
        ("A2,13/09/2022,Battle,40,45.5,,", "event_date", "unreadable date '13/09/2022'"),
        ("A2,2022-02-30,Battle,40,45.5,,", "event_date", "unreadable date '2022-02-30'"),
        ("A2,2022-09-13,,40,45.5,,", "event_type", "missing event type"),
        ("A2,2022-09-13,Riot,40,45.5,,", "event_type", "unknown event type 'Riot'"),
        ("A2,2022-09-13,Battle,40,,,", "latitude", "only one of latitude and longitude"),
        ("A2,2022-09-13,Battle,forty,45.5,,", "latitude", "latitude 'forty' is not a number"),
        ("A2,2022-09-13,Battle,40,45.5e,,", "longitude", "longitude '45.5e' is not a number"),
        ("A2,2022-09-13,Battle,91,45.5,,", "latitude", "outside -90..90"),
        ("A2,2022-09-13,Battle,40,181,,", "longitude", "outside -180..180"),
        ("A2,2022-09-13,Battle,45.5,40.0,,", "latitude", "km outside the study area"),  # swapped: see below
        ("A2,2022-09-13,Battle,40,45.5,-1,", "fatalities", "not a whole number"),
        ("A2,2022-09-13,Battle,40,45.5,2.5,", "fatalities", "not a whole number"),
        ("A2,2022-09-13,Battle,40,45.5,,4", "geo_precision", "is not 1, 2 or 3"),
    ],
)
def test_each_rejection_names_line_column_and_reason(row, column, reason):
    table = load_events(f"{HEADER}A1,2022-09-13,Battle,40,45.5,,\n{row}\n".encode())
    assert table.n_rows == 2
    assert len(table.events) == 1
    assert table.rejected["line"].tolist() == [3]
    assert table.rejected["column"].iloc[0] == column
    assert reason in table.rejected["reason"].iloc[0]


def test_duplicate_id_points_to_first_use():
    table = load_events(f"{HEADER}A1,2022-09-13,Battle,40,45.5,,\nA1,2022-09-14,Battle,40,45.5,,\n".encode())
    assert reasons(table) == {3: "duplicate event id (first used on line 2)"}
    assert table.events["event_date"].dt.day.tolist() == [13]


def test_swapped_coordinates_get_a_hint():
    table = load_events(f"{HEADER}A1,2022-09-13,Battle,45.5,40.0,,\n".encode())
    assert "swapped" in table.rejected["reason"].iloc[0]


def test_point_just_outside_the_study_area_is_kept():
    # Tbilisi is ~40 km north of the box: inside the 50 km margin.
    table = load_events(f"{HEADER}A1,2022-09-13,Battle,41.7151,44.8271,,\n".encode())
    assert table.rejected.empty


def test_row_without_coordinates_is_unmapped_not_rejected():
    table = load_events(f"{HEADER}A1,2022-09-13,Battle,,,3,\n".encode())
    assert table.rejected.empty
    assert len(table.unmapped) == 1
    assert table.unmapped["fatalities"].iloc[0] == 3


def test_several_problems_are_all_reported():
    table = load_events(f"{HEADER}A1,someday,Riot,,,x,\n".encode())
    reason = table.rejected["reason"].iloc[0]
    assert "unreadable date" in reason and "unknown event type" in reason and "fatalities" in reason
    assert table.rejected["column"].iloc[0] == "event_date, event_type, fatalities"


def test_line_numbers_count_multiline_cells_and_blank_lines():
    text = (
        "event_id,event_date,event_type,latitude,longitude,notes\n"
        'A1,2022-09-13,Battle,40,45.5,"two\nlines"\n'
        "\n"
        "A2,bad,Battle,40,45.5,\n"
    )
    table = load_events(text.encode())
    assert table.n_rows == 2
    assert reasons(table).keys() == {5}


def test_rejected_rows_keep_their_original_cells():
    table = load_events(f"{HEADER}A1,bad,Battle,40,45.5,7,1\n".encode())
    row = table.rejected.iloc[0]
    assert (row["event_date"], row["fatalities"], row["geo_precision"]) == ("bad", "7", "1")


def test_utf8_bom_and_crlf_are_read():
    table = load_events(("\ufeff" + HEADER + "A1,2022-09-13,Battle,40,45.5,,\r\n").encode())
    assert table.events["event_id"].tolist() == ["A1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe\x00a\x00b", "do not match"),
        (b"id,date\n1,2\n", "The columns do not match the project schema"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "web page or JSON document"),
        (b"\x00\x01\x02binary", "binary data"),
    ],
)
def test_unreadable_files_raise_a_sentence(content, message):
    with pytest.raises(EventFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_events(content)


def test_missing_file_raises_a_sentence(tmp_path):
    with pytest.raises(EventFileError, match="does not exist"):
        load_events(tmp_path / "nope.csv")


# --- property-based: any input either loads with a full accounting or raises one clear error

cell = st.one_of(
    st.text(alphabet=string.printable + "éü—«»\u00a0", max_size=12),
    st.sampled_from(["", "2022-09-13", "40.1", "45.5", "nan", "inf", "-0", "1e3", "Battle", "A1"]),
    st.sampled_from(EVENT_TYPES),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(cell, min_size=5, max_size=5), max_size=25))
def test_any_rows_are_accounted_for(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["event_id", "event_date", "event_type", "latitude", "longitude"])
    writer.writerows(rows)
    table = load_events(buffer.getvalue().encode())
    # A record of empty or whitespace-only cells is a blank line: skipped and counted as such.
    non_blank = sum(1 for r in rows if any(c.strip() != "" for c in r))
    assert table.n_rows == non_blank
    assert table.n_blank == len(rows) - non_blank
    assert len(table.events) + len(table.rejected) + table.n_outside == table.n_rows
    assert table.events["event_id"].is_unique
    assert table.events["event_type"].isin(EVENT_TYPES).all()
    mapped = table.events["latitude"].notna()
    assert (mapped == table.events["longitude"].notna()).all()
    assert table.events.loc[mapped, "latitude"].between(-90, 90).all()
    assert (table.rejected["reason"].str.len() > 0).all()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    table, refusal = load_outcome(lambda: load_events(data))
    if table is None:
        assert refusal is not None and is_sentence(refusal), refusal
    else:
        assert len(table.events) + len(table.rejected) + table.n_outside == table.n_rows


def test_a_semicolon_inside_a_later_row_does_not_change_the_headers_delimiter():
    # Found by test_any_rows_are_accounted_for: the sniffer took ";" from ";'" in the data row and read
    # the comma-separated header as one column, refusing the file.
    table = load_events(b"event_id,event_date,event_type,latitude,longitude\r\n,,,;','\r\n")
    assert table.n_rows == 1 and len(table.rejected) == 1 and table.events.empty
