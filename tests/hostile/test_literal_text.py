"""Text from titles and data reaches every output as text: never mathtext, markup or a formula."""

from __future__ import annotations

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
