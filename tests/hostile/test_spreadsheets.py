"""Spreadsheets are sized before they are parsed and limited while they are read."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboard.errors import EventFileError
from dashboard.load.events import load_events
from dashboard.load.reading import Limits
from tests.helpers import FIXTURES


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["event_id", "event_date", "event_type", "latitude", "longitude"]


def test_a_sheet_far_too_wide_is_refused_with_a_sentence():
    data = workbook([[f"c{i}" for i in range(3_000)], list(range(3_000))])
    with pytest.raises(EventFileError, match=r"3,000 columns, over the limit of 2,000; is it an events table\?"):
        load_events(data, name="wide.xlsx")


def test_rows_over_the_limit_are_refused_while_reading():
    data = workbook([HEADER, *([f"A{i}", "2022-09-13", "Battle", 39.5, 46.3] for i in range(50))])
    with pytest.raises(EventFileError, match="The workbook has more than 10 rows, over the limit; split it"):
        load_events(data, name="long.xlsx", limits=Limits(max_rows=10))


def test_a_workbook_that_expands_past_the_size_limit_is_refused_before_parsing():
    data = (FIXTURES / "project.xlsx").read_bytes()
    with pytest.raises(EventFileError, match=r"The workbook expands to .* when opened, over the limit"):
        load_events(data, name="project.xlsx", limits=Limits(max_bytes=len(data)))


def test_cells_read_as_a_csv_of_the_sheet_would_hold_them():
    import datetime as dt

    data = workbook([[*HEADER, "fatalities"], ["A1", dt.datetime(2022, 9, 13), "Battle", 39.5, 46.3, 12.0]])
    table = load_events(data, name="cells.xlsx")
    row = table.events.iloc[0]
    assert str(row["event_date"].date()) == "2022-09-13" and row["fatalities"] == 12


def test_a_sheet_naming_a_column_twice_is_refused():
    data = workbook([[*HEADER, "latitude"], ["A1", "2022-09-13", "Battle", 39.5, 46.3, 1.0]])
    with pytest.raises(EventFileError, match=r"names a column more than once \(latitude\)"):
        load_events(data, name="twice.xlsx")


def test_a_line_break_inside_a_cell_does_not_shift_the_sheet_rows():
    rows = [["A1", "2022-09-13", "Battle", 39.5, 46.3, "two\nlines"], ["A2", "not a date", "Battle", 39.5, 46.3, ""]]
    data = workbook([[*HEADER, "notes"], *rows])
    table = load_events(data, name="cells.xlsx")
    assert table.rejected["line"].tolist() == [3]  # the sheet's row 3, not 4
