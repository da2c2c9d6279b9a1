"""Text from titles and data reaches every output as text: never mathtext, markup or a formula."""

from __future__ import annotations

import io
import re

import pytest

from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.pipeline import load_joined_events, select_events

MATHTEXT = r"Losses $\frac$ and $x^2$"


@pytest.fixture(scope="module")
def mathtext_selection(boundaries, tmp_path_factory):
    path = tmp_path_factory.mktemp("mathtext") / "events.csv"
    path.write_text(
        "event_id,event_date,event_type,latitude,longitude,location,actor1\n"
        f'M1,2022-09-13,Battle,39.5,46.3,"{MATHTEXT}","$\\alpha$ forces"\n',
        encoding="utf-8",
    )
    return select_events(load_joined_events(path, boundaries), "nkao_1991", EventFilter())


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_snapshot_titles_and_names_with_dollars_are_drawn_literally(mathtext_selection, boundaries, fmt):
    request = ExportRequest(fmt=fmt, title=MATHTEXT)
    data = export_bytes(request, mathtext_selection, EventFilter(), "nkao_1991", boundaries, None)
    assert data
    if fmt == "svg":
        assert MATHTEXT in data.decode()  # the title as typed, not mathtext


def test_the_html_exports_page_title_is_escaped(mathtext_selection, boundaries, layers):
    title = "</title><script>alert(1)</script>"
    page = export_bytes(
        ExportRequest(fmt="html", title=title), mathtext_selection, EventFilter(), "nkao_1991", boundaries, layers
    ).decode()
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "<script>alert(1)</script>" not in page


def test_a_carriage_return_cannot_start_a_record_in_a_csv_export(boundaries, tmp_path):
    path = tmp_path / "cr.csv"
    path.write_bytes(
        b"event_id,event_date,event_type,latitude,longitude,notes,actor1\n"
        b'C1,2022-09-13,Battle,39.5,46.3,"Shelling\r=cmd|\' /C calc\'!A0","Army\r=2+2"\n'
    )
    selection = select_events(load_joined_events(path, boundaries), "nkao_1991", EventFilter())
    data = export_bytes(ExportRequest(fmt="csv", title="CR"), selection, EventFilter(), "nkao_1991", boundaries, None)
    text = data.decode("utf-8")
    # Split as a careless reader would, on any line break: no line starts a formula.
    assert not [line for line in re.split(r"\r\n|\r|\n", text) if line.startswith(("=", "+", "@"))]
    # Read as a CSV, the record is whole: one row, the cell intact but defused.
    import pandas as pd

    rows = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert len(rows) == 1 and rows.loc[0, "notes"] == "Shelling\r'=cmd|' /C calc'!A0"


def test_the_rejected_rows_download_is_neutralised():
    import pandas as pd

    from dashboard.export.datafiles import table_csv_bytes

    rejected = pd.DataFrame({"line": [3], "event_id": ['=HYPERLINK("http://x")'], "reason": ["=2+2"]})
    text = table_csv_bytes(rejected).decode()
    assert "'=HYPERLINK" in text and "'=2+2" in text
