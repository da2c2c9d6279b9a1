"""Files analysts bring: ACLED, UCDP GED, other encodings, delimiters and packagings."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.load.events import EventFileError, load_events, merge_tables
from dashboard.load.formats import ColumnMapping, guess_mapping
from dashboard.load.reading import Limits
from tests.helpers import FIXTURES, is_sentence, load_outcome


def load(name: str, **options):
    return load_events(FIXTURES / name, **options)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("acled_2023_text_inter.csv", "ACLED 2023+ export"),
        ("acled_pre2023_numeric_inter.csv", "ACLED pre-2023 export"),
        ("acled_2023_population.csv", "ACLED 2023+ export with population columns"),
        ("acled_2023.csv.gz", "ACLED 2023+ export"),
    ],
)
def test_acled_exports_load_with_mapped_values(name, label):
    table = load(name)
    detection = table.detections[0]
    assert detection.label == label and detection.dataset == "ACLED"
    assert "event_id_cnty" in detection.used
    assert (table.n_rows, len(table.events), len(table.rejected)) == (4, 3, 1)
    assert table.rejected["line"].tolist() == [5]
    assert "unreadable date 'not a date'" in table.rejected["reason"].iloc[0]
    events = table.events.set_index("event_id")
    assert events.loc["ARM1001", "event_type"] == "Shelling/artillery"
    assert events.loc["ARM1002", "event_type"] == "Battle"
    assert events.loc["AZE2001", "event_type"] == "Air/missile strike"
    assert events.loc["ARM1001", "event_date"] == pd.Timestamp("2022-09-13")
    assert events.loc["ARM1002", "fatalities"] == 3
    assert events.loc["ARM1002", "geo_precision"] == 2
    assert "State forces" in events.loc["ARM1001", "actor1"]
    assert events.loc["AZE2001", "sub_event_type"] == "Explosions/Remote violence: Air/drone strike"
    assert set(events["dataset"]) == {"ACLED"}


def test_acled_detection_sentence_lists_used_and_ignored_columns():
    sentence = load("acled_2023_population.csv").detections[0].sentence()
    assert sentence.startswith("Detected: ACLED 2023+ export with population columns; 35 columns; used: event_id_cnty")
    assert "ignored: year" in sentence and "population_best" in sentence
    assert sentence.endswith("Read as CSV, utf-8, comma-separated.")
    assert load("project_semicolon.csv").detections[0].read_as == "CSV, utf-8, semicolon-separated"
    assert load("project_cp1251.csv").detections[0].read_as == "CSV, cp1251, comma-separated"
    assert load("ucdp_ged_241.zip").detections[0].read_as.startswith("CSV inside a ZIP archive")


@pytest.mark.parametrize("name", ["ucdp_ged_241.csv", "ucdp_ged_241.zip"])
def test_ucdp_ged_loads_with_best_low_high(name):
    table = load(name)
    assert table.detections[0].dataset == "UCDP GED"
    assert (table.n_rows, len(table.events), len(table.rejected)) == (3, 3, 0)
    assert len(table.unmapped) == 1
    events = table.events.set_index("event_id")
    assert events.loc["900002", "event_type"] == "Civilian harm"
    assert events.loc["900001", "event_type"] == "Battle"
    assert events.loc["900001", "fatalities"] == 12
    assert "best 12 (low 10, high 15)" in events.loc["900001", "fatalities_reported"]
    assert events.loc["900001", "date_note"].startswith("until 2020-09-28")
    assert events.loc["900001", "actor1"] == "Government of Azerbaijan"
    assert events.loc["900001", "source_title"] == "Synthetic headline"


def test_headerless_ucdp_candidate_needs_to_be_named():
    with pytest.raises(EventFileError):
        load("ucdp_candidate_noheader.csv")
    table = load("ucdp_candidate_noheader.csv", headerless_ucdp=True)
    assert table.detections[0].label == "UCDP GED Candidate CSV"
    assert len(table.events) == 3
    assert table.events["line"].tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "location"),
    [
        ("project_schema.csv", "Vardenis"),
        ("project_utf8_bom.csv", "Vardenis"),
        ("project_utf16.csv", "Vardenis"),
        ("project_cp1251.csv", "Варденис"),
        ("project_cp1252.csv", "Vardenis – Lac Sévan"),
        ("project_semicolon.csv", "Vardenis, town"),
        ("project.xlsx", "Vardenis"),
    ],
)
def test_project_schema_in_any_encoding_delimiter_or_workbook(name, location):
    table = load(name)
    assert (table.n_rows, len(table.events), len(table.unmapped), len(table.rejected)) == (3, 2, 1, 1)
    assert table.events["location"].iloc[0] == location
    assert table.rejected["line"].tolist() == [4]
    assert "unknown event type 'Riot'" in table.rejected["reason"].iloc[0]


def test_other_tables_load_through_a_column_mapping():
    columns = pd.read_csv(FIXTURES / "other_columns.csv").columns.tolist()
    guess = guess_mapping(columns)
    assert (guess["event_date"], guess["latitude"], guess["longitude"]) == ("Date", "Lat", "Lon")
    mapping = ColumnMapping(
        event_date="Date", latitude="Lat", longitude="Lon", event_type_column="What", location="Place", notes="Comment"
    )
    table = load("other_columns.csv", mapping=mapping)
    assert table.detections[0].sentence().startswith("Detected: table mapped by hand; 6 columns; used: date, lat")
    assert len(table.events) == 1 and table.events["location"].iloc[0] == "Goris"
    assert "unreadable date '13/09/2022'" in table.rejected["reason"].iloc[0]
    fixed_type = load(
        "other_columns.csv",
        mapping=ColumnMapping(event_date="Date", latitude="Lat", longitude="Lon", event_type_value="Battle"),
    )
    assert set(fixed_type.events["event_type"]) == {"Battle"}


def test_mapping_to_a_missing_column_is_a_sentence():
    with pytest.raises(EventFileError, match="The chosen column"):
        load("other_columns.csv", mapping=ColumnMapping(event_date="When", latitude="Lat", longitude="Lon"))


def test_limits_are_sentences_that_say_how_to_raise_them():
    with pytest.raises(EventFileError, match=r"over the limit of 0 MB.*CCM_MAX_UPLOAD_MB"):
        load("project_schema.csv", limits=Limits(max_bytes=100))
    with pytest.raises(EventFileError, match=r"more than 2 rows.*CCM_MAX_ROWS"):
        load("project_schema.csv", limits=Limits(max_rows=2))


def test_zip_with_several_tables_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x")
        archive.writestr("b.csv", "y")
    with pytest.raises(EventFileError, match="holds 2 CSV files"):
        load_events(path)


def test_merging_deduplicates_by_dataset_and_id_and_flags_conflicts(tmp_path):
    first = load("acled_2023_text_inter.csv")
    same = load("acled_2023.csv.gz")
    changed_file = tmp_path / "changed.csv"
    changed_file.write_text((FIXTURES / "acled_2023_text_inter.csv").read_text().replace(",3,", ",5,"))
    changed = load_events(changed_file)
    merged = merge_tables([first, same, changed])
    assert merged.n_rows == 12 and merged.n_duplicates == 3 + 2
    assert len(merged.events) + len(merged.rejected) + merged.n_outside + merged.n_duplicates == merged.n_rows
    conflicts = merged.events[merged.events["conflict"]]
    assert sorted(conflicts["event_id"]) == ["ARM1002", "ARM1002"]
    assert set(conflicts["fatalities"]) == {3, 5}


@pytest.mark.parametrize(
    "name", ["acled_2023_text_inter.csv", "ucdp_ged_241.zip", "project.xlsx", "project_cp1251.csv", "acled_2023.csv.gz"]
)
def test_cli_accepts_every_format(tmp_path, capsys, name):
    out = tmp_path / "out.csv"
    assert main(["export", "--events", str(FIXTURES / name), "--out", str(out)]) == 0
    assert "rows in file" in capsys.readouterr().err
    assert out.stat().st_size > 0


def test_cli_reads_a_headerless_ucdp_candidate_file(tmp_path, capsys):
    out = tmp_path / "out.csv"
    args = ["export", "--events", str(FIXTURES / "ucdp_candidate_noheader.csv"), "--out", str(out)]
    assert main(args) == 1
    assert main([*args, "--ucdp-candidate-without-header"]) == 0
    assert "2 shown · 0 filtered out · 1 unmapped · 0 rejected = 3 rows in file" in capsys.readouterr().err


# --- property-based: garbage under real headers is accounted for, never a crash

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dashboard.load.formats import ACLED_2023_COLUMNS, UCDP_COLUMNS  # noqa: E402

garbage = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["", "1", "3", "40.1", "45.5", "2022-09-13", "13 September 2022", "Battles", "Armed clash", "x"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from([ACLED_2023_COLUMNS, UCDP_COLUMNS]), data=st.data())
def test_garbage_rows_in_real_formats_are_accounted_for(header, data):
    import csv
    import io

    rows = data.draw(st.lists(st.lists(garbage, min_size=len(header), max_size=len(header)), max_size=12))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    table, refusal = load_outcome(lambda: load_events(buffer.getvalue().encode("utf-8"), name="garbage.csv"))
    if table is None:
        assert refusal is not None and is_sentence(refusal), refusal
        return
    assert len(table.events) + len(table.rejected) + table.n_outside == table.n_rows
    assert table.detections[0].dataset in ("ACLED", "UCDP GED")


@settings(max_examples=80, deadline=None)
@given(
    prefix=st.sampled_from(
        [
            b"",
            b"PK\x03\x04",
            b"\x1f\x8b",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"event_id_cnty,event_date,latitude,longitude,sub_event_type\n",
        ]
    ),
    body=st.binary(max_size=200),
    name=st.sampled_from(["a.csv", "a.csv.gz", "a.zip", "a.xlsx"]),
)
def test_arbitrary_bytes_in_any_packaging_never_crash(prefix, body, name):
    table, refusal = load_outcome(lambda: load_events(prefix + body, name=name))
    if table is None:
        assert refusal is not None and is_sentence(refusal), refusal
    else:
        assert len(table.events) + len(table.rejected) + table.n_outside == table.n_rows
