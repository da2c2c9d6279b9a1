from __future__ import annotations

import pandas as pd

from dashboard.geo.join import JOINED_COLUMNS
from dashboard.summary.table import display_table, export_table, neutralise_formula, neutralised


def test_export_keeps_input_columns_then_joined_columns(bundled):
    table = export_table(bundled.events)
    assert table.columns[0] == "event_id"
    assert list(table.columns[-len(JOINED_COLUMNS) :]) == list(JOINED_COLUMNS)
    assert "line" not in table.columns and "geometry" not in table.columns
    assert table["event_date"].iloc[0] == "2020-09-27"


def test_formula_cells_are_neutralised(bundled):
    events = bundled.events.head(2).assign(notes=['=HYPERLINK("http://x")', "plain"], actor1=["@SUM(A1)", "+1"])
    table = neutralised(export_table(events))
    assert table["notes"].tolist() == ['\'=HYPERLINK("http://x")', "plain"]
    assert table["actor1"].tolist() == ["'@SUM(A1)", "'+1"]
    assert neutralise_formula("-2") == "'-2" and neutralise_formula("\tx") == "'\tx"


def test_every_line_of_a_cell_and_every_column_name_is_neutralised():
    assert neutralise_formula("Shelling\r=cmd|' /C calc'!A0") == "Shelling\r'=cmd|' /C calc'!A0"
    assert neutralise_formula("a\n+1\r\n@x") == "a\n'+1\r\n'@x"
    table = neutralised(pd.DataFrame({"=hyperlink(1)": ["ok"]}))
    assert list(table.columns) == ["'=hyperlink(1)"]


def test_display_table_drops_non_web_links(bundled):
    events = bundled.events.head(2).assign(source_url=["javascript:alert(1)", "https://example.org/a"])
    table = display_table(events)
    assert table["Link"].isna().tolist() == [True, False]
    assert table["Link"].iloc[1] == "https://example.org/a"
    assert {"Date", "Type", "Place", "Region", "Source"} <= set(table.columns)
