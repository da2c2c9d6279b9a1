"""The data exports any tool opens: a plain CSV, and the ZIP package that describes it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard.describe import default_title
from dashboard.export.package import CLAIM_COLUMNS, EVENT_COLUMNS, PACKAGE_FILES, UNKNOWN_COLUMN
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.summary.claims import claims_of

SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
TABLE_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "date"}


@pytest.fixture(scope="module")
def sept(bundled):
    return select_events(bundled, "nkao_1991", SEPT_2022)


def export(fmt: str, selection, boundaries, flt: EventFilter = SEPT_2022) -> bytes:
    request = ExportRequest(fmt=fmt, title=default_title(flt))
    return export_bytes(request, selection, flt, "nkao_1991", boundaries, None, now=NOW)


@pytest.fixture(scope="module")
def package(sept, boundaries) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(export("zip", sept, boundaries)))


def test_pandas_reads_the_plain_csv_with_its_defaults(sept, boundaries, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(export("csv", sept, boundaries))
    table = pd.read_csv(path)
    assert table.columns[0] == "event_id"  # the byte order mark is not part of the name
    assert table["event_id"].tolist() == sept.events["event_id"].tolist()
    assert pd.api.types.is_float_dtype(table["latitude"])
    # What Python's csv module reads with the encoding the README names.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["event_id"] for row in rows] == table["event_id"].tolist()


def test_the_zip_has_the_listed_files_and_its_csv_is_the_bare_one(package, sept, boundaries):
    assert sorted(package.namelist()) == sorted(PACKAGE_FILES)
    assert package.read("events.csv") == export("csv", sept, boundaries)
    claims = pd.read_csv(io.BytesIO(package.read("claims.csv")), dtype=str, keep_default_na=False)
    # The claims of the events in events.csv (area-wide rows have no row there, so neither their claims).
    assert len(claims) == len(claims_of(sept.claims, sept.events))
    assert set(claims["event_id"]) <= set(sept.events["event_id"])
    assert "AA-045" in set(claims["event_id"])


def test_datapackage_lists_every_column_with_a_type_and_a_meaning(package):
    meta = json.loads(package.read("datapackage.json"))
    assert meta["profile"] == "tabular-data-package" and meta["created"] == "2026-12-01T12:00:00+00:00"
    assert {lic["name"] for lic in meta["licenses"]} >= {"ODbL-1.0", "GPL-3.0"}
    resources = {r["name"]: r for r in meta["resources"]}
    for name in ("events", "claims"):
        resource = resources[name]
        header = next(csv.reader(io.StringIO(package.read(resource["path"]).decode("utf-8-sig"))))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header
        assert {f["type"] for f in fields} <= TABLE_SCHEMA_TYPES
        assert all(f["description"] and f["description"] != UNKNOWN_COLUMN for f in fields), name
    types = {f["name"]: f["type"] for f in resources["events"]["schema"]["fields"]}
    assert (types["event_date"], types["latitude"], types["fatalities"], types["on_border"]) == (
        "date",
        "number",
        "integer",
        "boolean",
    )


def test_the_readme_says_filters_time_counts_and_credits(package, sept):
    readme = package.read("README.txt").decode("utf-8")
    assert "Generated 2026-12-01T12:00:00+00:00" in readme
    assert "Period: 12–14 Sep 2022" in readme
    assert sept.counts.line() in readme
    assert f"events.csv  {sept.counts.shown:,} events" in readme
    assert "© OpenStreetMap contributors" in readme and "Natural Earth" in readme
    assert "International Crisis Group" in readme and "imply no judgement" in readme
    assert "pandas.read_csv('events.csv')" in readme


def readme_columns(heading: str) -> set[str]:
    """The column names of the first table under ``heading`` in data/README.md."""
    text = (Path(__file__).parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    names: set[str] = set()
    for row in section.splitlines()[2:]:
        names |= set(re.findall(r"`([a-z_0-9]+)`", row.split("|")[1]))
    return names


def test_every_column_data_readme_describes_has_its_meaning_in_the_package():
    assert readme_columns("## Schema of `events.csv`") <= set(EVENT_COLUMNS)
    assert readme_columns("## Casualty claims (`claims.csv`)") <= set(CLAIM_COLUMNS)


def test_formulas_stay_defused_in_the_package(sept, boundaries):
    import dataclasses

    hostile = dataclasses.replace(sept, events=sept.events.assign(notes="=1+1", location="@SUM(A1)"))
    with zipfile.ZipFile(io.BytesIO(export("zip", hostile, boundaries))) as archive:
        table = pd.read_csv(io.BytesIO(archive.read("events.csv")), dtype=str)
    assert (table["notes"] == "'=1+1").all() and (table["location"] == "'@SUM(A1)").all()
