"""The report PDF: sections in order, text a reader can search, links that go to the sources, tables that
flow over pages with their header, the footer on every page, and the figures as separate files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.errors import ExportError
from dashboard.export.report import (
    EVENT_COLUMNS,
    SECTIONS,
    ReportSpec,
    figure_files,
    figures_zip,
    link_markup,
    markup,
    parse_sections,
    report_pdf,
)
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.summary.claims import claim_figures
from dashboard.summary.compare import Period
from dashboard.text import safe_url

SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
TITLE = "Sept 2022 attack on Armenia"
HEADER = "Reported figures (who reported them)"


def build(selection, boundaries, flt=SEPT_2022, nk_boundary="nkao_1991", table=None, **spec) -> PdfReader:
    pdf = report_pdf(selection, flt, nk_boundary, boundaries, ReportSpec(title=TITLE, **spec), now=NOW, table=table)
    return PdfReader(io.BytesIO(pdf))


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    """The bookmarks: (section heading, 1-based page)."""
    return [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]


def link_uris(reader: PdfReader, pages: range | None = None) -> list[str]:
    uris = []
    for number, page in enumerate(reader.pages):
        if pages is not None and number not in pages:
            continue
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
    return uris


@pytest.fixture(scope="module")
def sept(bundled):
    return select_events(bundled, "nkao_1991", SEPT_2022)


@pytest.fixture(scope="module")
def sept_report(sept, boundaries) -> PdfReader:
    return build(sept, boundaries, link="https://dashboard.example/?start=2022-09-12&end=2022-09-14")


def test_sections_come_in_order_one_from_each_new_page(sept_report):
    sections = outline(sept_report)
    assert [title for title, _ in sections] == [
        SECTIONS[key] for key in ("map", "timeline", "where", "events", "method")
    ]
    pages = [page for _, page in sections]
    assert pages[0] == 1 and pages == sorted(set(pages))
    # A known selection gives a known length: map, timeline, where, events over two pages, method over two.
    assert len(sept_report.pages) == 7
    assert sept_report.metadata.title == TITLE


def test_the_text_is_searchable_with_title_headings_party_figures_and_credits(sept_report, sept):
    texts = page_texts(sept_report)
    whole = " ".join(texts)
    assert texts[0].startswith(TITLE)
    for heading in ("Map and key figures", "Timeline", "Where", "Events", "Data and method"):
        assert heading in whole
    for party in claim_figures(sept.claims, sept.reported).parties:
        assert " ".join(party.line().split()) in whole, party.party
    assert "Azerbaijani forces: 80 killed (Azerbaijani MoD, final)" in texts[0]
    for credit in (
        "© OpenStreetMap contributors",
        "Natural Earth (public domain)",
        "GeoNames (CC BY 4.0)",
        "Boundaries shown imply no judgement on the legal status of any territory.",
    ):
        assert credit in texts[-1] or credit in texts[-2], credit
    assert "International Crisis Group" not in " ".join(texts[-2:]).split("Credits and licences")[1]
    assert "Period: 12–14 Sep 2022" in whole and "https://dashboard.example/?start=2022-09-12&end=2022-09-14" in whole


def test_the_map_is_vector_with_searchable_place_names(sept_report):
    first = sept_report.pages[0]
    assert not first.images  # no picture of a map: its lines and labels are PDF drawing and text
    text = first.extract_text()
    assert "Sotk" in text and "Jermuk" in text and "Event type" in text


def fonts(resources, seen: set[int] | None = None) -> list:
    """Every font a page's resources use, its Form XObjects' (the merged maps) included."""
    seen = set() if seen is None else seen
    found = []
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            found += fonts(xobject.get("/Resources"), seen)
    return found


def test_every_font_is_embedded(sept_report):
    used = [font for page in sept_report.pages for font in fonts(page.get("/Resources"))]
    assert used
    for font in used:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor")
        assert descriptor is not None, font.get("/BaseFont")
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font.get("/BaseFont")


def test_every_page_has_the_footer_with_page_n_of_m(sept_report):
    texts = page_texts(sept_report)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in text
        assert f"{TITLE} · Period: 12–14 Sep 2022" in text


def test_every_event_links_its_http_source_and_only_http_sources_become_links(sept, boundaries):
    odd = sept.events.copy()
    odd.iloc[0, odd.columns.get_loc("source_url")] = "javascript:alert(1)"
    odd.iloc[1, odd.columns.get_loc("source_url")] = 'https://example.org/a?x=1&y="2"#frag'
    reader = build(dataclasses.replace(sept, events=odd), boundaries, sections=("events",))
    uris = link_uris(reader)
    expected = [safe_url(url) for url in odd["source_url"]]
    assert set(uris) == {url for url in expected if url}
    assert all(url in uris for url in expected if url)
    assert 'https://example.org/a?x=1&y="2"#frag' in uris
    assert not [u for u in uris if not u.startswith(("http://", "https://"))]
    assert "javascript:alert(1)" in " ".join(page_texts(reader))  # printed, not linked


def test_a_long_table_breaks_across_pages_and_repeats_its_header(bundled, boundaries):
    everything = select_events(bundled, "nkao_1991", EventFilter())
    reader = build(everything, boundaries, flt=EventFilter(), sections=("events",))
    texts = page_texts(reader)
    assert len(texts) >= 3
    for text in texts:
        assert all(column in text for column in EVENT_COLUMNS), "each page starts with the header row"
    assert len(set(link_uris(reader))) == everything.events["source_url"].map(safe_url).dropna().nunique()


def test_text_from_the_data_is_escaped_into_the_markup(sept, boundaries):
    hostile = sept.events.assign(location='<font size="40">big</font> & <b>bold', actor1="a\x00b <br/> c")
    reader = build(dataclasses.replace(sept, events=hostile), boundaries, sections=("events",))
    # Shown as typed, never read as markup (compared without spaces: the narrow columns wrap the text).
    whole = "".join("".join(page_texts(reader)).split())
    assert '<fontsize="40">big</font>&<b>bold' in whole and "ab<br/>c" in whole


def test_paper_orientation_and_the_comparison_page(bundled, boundaries, sept):
    periods = (Period(dt.date(2022, 9, 12), dt.date(2022, 9, 14)), Period(dt.date(2022, 9, 9), dt.date(2022, 9, 11)))
    reader = build(sept, boundaries, table=bundled, paper="letter", landscape=True, compare=periods,
                   sections=("map", "events"))  # fmt: skip
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (792, 612)
    assert [title for title, _ in outline(reader)] == [SECTIONS["map"], SECTIONS["compare"], SECTIONS["events"]]
    assert "12–14 Sep 2022" in page_texts(reader)[1] and "A − B" in " ".join(page_texts(reader))


def test_the_crisis_group_credit_appears_where_its_layer_is_used(bundled, boundaries):
    selection = select_events(bundled, "peacekeeping_2020_2023", SEPT_2022)
    reader = build(selection, boundaries, nk_boundary="peacekeeping_2020_2023", sections=("method",))
    assert "International Crisis Group, Europe and Central Asia Program (GPL-3.0)" in " ".join(page_texts(reader))


def test_unknown_sections_and_papers_are_sentences(sept, boundaries):
    assert parse_sections("events, map") == ("map", "events")
    with pytest.raises(ExportError, match=r"Unknown report section 'maps'; use some of map, timeline"):
        parse_sections("maps,events")
    with pytest.raises(ExportError, match="Unknown paper 'a3'"):
        report_pdf(sept, SEPT_2022, "nkao_1991", boundaries, ReportSpec(title="x", paper="a3"))


def test_markup_shows_text_literally_and_links_only_http():
    assert markup("a < b & c\nd") == "a &lt; b &amp; c<br/>d"
    assert link_markup("ftp://host/x", "Outlet") == "Outlet (ftp://host/x)"
    assert re.fullmatch(r'<a href="https://h/\?a=1&amp;b=&quot;2&quot;" color="[^"]+">Outlet</a>',
                        link_markup('https://h/?a=1&b="2"', "Outlet"))  # fmt: skip


FIGURE_FILES = {
    "map.png",
    "map.svg",
    "timeline.png",
    "timeline.svg",
    "counts_by_region.csv",
    "counts_by_province.csv",
    "counts_by_border_sector.csv",
    "reported_killed_by_party.csv",
    "events.csv",
    "README.txt",
}


def test_the_figures_zip_has_the_maps_the_timeline_and_the_tables(sept, boundaries):
    data = figures_zip(sept, SEPT_2022, "nkao_1991", boundaries, ReportSpec(title=TITLE), now=NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == FIGURE_FILES
        assert archive.read("map.png").startswith(b"\x89PNG") and archive.read("timeline.png").startswith(b"\x89PNG")
        svg = archive.read("map.svg").decode("utf-8")
        assert ">Sotk<" in svg or "Sotk</text>" in svg  # place names stay text
        events = pd.read_csv(io.BytesIO(archive.read("events.csv")))
        assert len(events) == sept.counts.shown and list(events.columns) == [*EVENT_COLUMNS, "Source address"]
        parties = pd.read_csv(io.BytesIO(archive.read("reported_killed_by_party.csv")))
        assert "Azerbaijani forces" in set(parties["party"])
        regions = pd.read_csv(io.BytesIO(archive.read("counts_by_region.csv")))
        assert regions.loc[regions["Region"] == "Armenia", "Total"].item() == sept.counts.shown
        assert "Period: 12–14 Sep 2022" in archive.read("README.txt").decode("utf-8")


def test_the_figures_zip_adds_the_choropleth_and_the_comparison_when_the_report_has_them(bundled, boundaries, sept):
    periods = (Period(dt.date(2022, 9, 12), dt.date(2022, 9, 14)), Period(dt.date(2022, 9, 9), dt.date(2022, 9, 11)))
    spec = ReportSpec(title=TITLE, representation="provinces", compare=periods)
    files = figure_files(sept, SEPT_2022, "nkao_1991", boundaries, spec, now=NOW, table=bundled)
    assert {"map_provinces.png", "map_provinces.svg", "map_change.png", "map_change.svg", "comparison.csv"} <= set(
        files
    )
    comparison = pd.read_csv(io.BytesIO(files["comparison.csv"]))
    assert {"unit", "events_a", "events_b", "band"} <= set(comparison.columns)
