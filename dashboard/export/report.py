"""The report: a print-ready multi-page PDF of a selection, and its figures as separate files.

Plain functions, no Streamlit. The pages are laid out by reportlab's platypus (flowing tables that
repeat their header, clickable links, embedded DejaVu Sans from matplotlib's own fonts); the maps and
the timeline are drawn by matplotlib as PDF and merged onto the pages as vectors (pypdf), so their
lines stay sharp and their text searchable. Sections, in this order, each from a new page:
map (with the key figures), timeline, where, comparison (when two periods are given), events, method.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import io
import platform
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.bbox import BBox
from dashboard.config import ABOUT_PATH
from dashboard.describe import filter_lines, period_text
from dashboard.errors import ExportError
from dashboard.export.compare import compared_shapes, comparison_of
from dashboard.export.datafiles import table_csv_bytes
from dashboard.export.formats import PRINT_DPI
from dashboard.export.package import attribution_lines
from dashboard.export.registry import caption, representation_words
from dashboard.export.snapshot import (
    Snapshot,
    SnapshotSpec,
    events_in,
    render_change_map,
    render_snapshot,
    snapshot_bytes,
)
from dashboard.filters import EventFilter
from dashboard.geo.join import Boundaries
from dashboard.load.events import EventTable
from dashboard.pipeline import Selection
from dashboard.style import EVENT_TYPE_COLOURS
from dashboard.summary.charts import (
    counts_by_province_and_type,
    counts_by_region_and_type,
    counts_by_sector_and_type,
    key_figures,
    timeline_counts,
)
from dashboard.summary.claims import PARTIES_NOT_ADDED, claim_figures
from dashboard.summary.compare import BY_PROVINCE, DEFAULT_MIN_EVENTS, UNITS, Comparison, Period, comparison_display
from dashboard.text import NOT_REPORTED, actors_text, fatalities_line, location_precision_text, safe_url, source_label
from dashboard.vocab import DEFAULT_MEASURE, KEY_DATES, REPRESENTATIONS, UNIT_COLUMNS

MAP: Final = "map"
TIMELINE: Final = "timeline"
WHERE: Final = "where"
COMPARE: Final = "compare"
EVENTS: Final = "events"
METHOD: Final = "method"
# Section key -> its heading, in the order the report prints them.
SECTIONS: Final[dict[str, str]] = {
    MAP: "Map and key figures",
    TIMELINE: "Timeline",
    WHERE: "Where",
    COMPARE: "Comparison of two periods",
    EVENTS: "Events",
    METHOD: "Data and method",
}
# The comparison is printed when two periods are given, whatever the sections say.
DEFAULT_SECTIONS: Final = (MAP, TIMELINE, WHERE, EVENTS, METHOD)
PAPERS: Final[dict[str, tuple[float, float]]] = {"a4": A4, "letter": letter}
# Events table rows beyond this are left out with a sentence (the data package has them all): a
# report of a million events would be tens of thousands of pages.
MAX_TABLE_ROWS: Final = 5_000

MARGIN = 15 * mm
FOOTER_GAP = 8 * mm
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
LINK_COLOUR = "#1f4e9c"
RULE_COLOUR = colors.HexColor("#888888")
HEADER_FILL = colors.HexColor("#e8e8e8")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ReportSpec:
    """What a report shows: title, paper, sections, the map's area and look, an optional comparison of two
    periods (``compare``: A and B, per ``by`` unit) and the shareable link of the view (``link``)."""

    title: str
    paper: str = "a4"  # a key of PAPERS
    landscape: bool = False
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    bbox: BBox | None = None
    uncertainty: bool = True
    representation: str = "points"  # a choropleth (vocab.UNIT_COLUMNS) is drawn in the Where section
    measure: str = DEFAULT_MEASURE
    compare: tuple[Period, Period] | None = None
    by: str = BY_PROVINCE
    min_events: int = DEFAULT_MIN_EVENTS
    link: str | None = None


def parse_sections(text: str) -> tuple[str, ...]:
    """'map,timeline,events' -> the sections in print order; an unknown name is a sentence."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown or not names:
        raise ExportError(
            f"Unknown report section {', '.join(repr(u) for u in unknown) or '(none given)'}; "
            f"use some of {', '.join(SECTIONS)}, separated by commas."
        )
    return tuple(key for key in SECTIONS if key in names)


def markup(value: object) -> str:
    """Any text as reportlab Paragraph markup that shows it literally: XML-escaped, control characters
    dropped, line breaks kept."""
    text = "" if _missing(value) else str(value)
    text = CONTROL_CHARACTERS.sub(" ", text).replace("\r\n", "\n").replace("\r", "\n")
    return escape(text).replace("\n", "<br/>")


def _missing(value: object) -> bool:
    """None, NaN, pd.NA or NaT: an empty cell."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def link_markup(url: object, label: object) -> str:
    """A link when ``url`` is http(s) (the annotation's URI is ``url`` exactly); else the label and the
    address as plain text, never an annotation."""
    safe = safe_url(url)
    if safe is None:
        address = "" if not isinstance(url, str) else url.strip()
        return markup(label) + (f" ({markup(address)})" if address else "")
    href = escape(safe, {'"': "&quot;"})
    return f'<a href="{href}" color="{LINK_COLOUR}">{markup(label)}</a>'


_fonts_ready = False


def _register_fonts() -> None:
    """DejaVu Sans (regular, bold, oblique) from matplotlib's fonts: always installed, covers Latin with
    ə ş ğ, Cyrillic and Armenian, and embeds in the PDF."""
    global _fonts_ready
    if _fonts_ready:
        return
    faces = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf"}
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=f"{FONT}-Oblique", boldItalic=BOLD)
    _fonts_ready = True


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, bulletFontName=FONT, fontSize=9, leading=12, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=21, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9, leading=12, textColor="#333333"),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=8),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.6, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=7, leading=8.6, spaceAfter=0),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=2),
    }


class _Heading(Flowable):
    """A section heading that notes its page, for the PDF's bookmarks (added once the pages are numbered)."""

    def __init__(self, text: str, style: ParagraphStyle, headings: list[tuple[str, int]]) -> None:
        super().__init__()
        self.paragraph = Paragraph(markup(text), style)
        self.text, self.headings = text, headings

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = self.paragraph.wrap(available_width, available_height)
        return width, height + self.paragraph.style.spaceAfter

    def draw(self) -> None:
        # Not the canvas's own bookmarks: the footer's canvas holds pages back, and they would all point at page 1.
        self.headings.append((self.text, self.canv.getPageNumber()))
        self.paragraph.drawOn(self.canv, 0, self.paragraph.style.spaceAfter)


@dataclass
class _Placed:
    """Where a vector figure went: page (1-based) and its box in points."""

    pdf: bytes
    page: int = 0
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


class _VectorFigure(Flowable):
    """Room for a matplotlib figure (its PDF bytes); the figure is merged there once the pages are built."""

    def __init__(self, pdf: bytes, width: float, aspect: float, placed: list[_Placed]) -> None:
        super().__init__()
        self.pdf, self.box_width, self.aspect, self.placed = pdf, width, aspect, placed

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width = min(self.box_width, available_width)
        height = width / self.aspect
        if height > available_height * 0.98:  # shrink to the page rather than overflow it
            height = available_height * 0.98
            width = height * self.aspect
        self.width, self.height = width, height
        return width, height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placed.append(_Placed(self.pdf, self.canv.getPageNumber(), x, y, self.width, self.height))


def _numbered_canvas(title: str, filter_line: str, page_size: tuple[float, float]) -> type[Canvas]:
    """A canvas that holds its pages until the end, then writes on each the footer with 'page N of M'."""
    width = page_size[0]

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Else every page names Helvetica, a font the PDF would not embed.
            super().__init__(*args, **{**kwargs, "initialFontName": FONT, "initialFontSize": 9})
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setStrokeColor(RULE_COLOUR)
            self.setLineWidth(0.4)
            self.line(MARGIN, FOOTER_GAP + 9, width - MARGIN, FOOTER_GAP + 9)
            self.setFont(FONT, 7)
            self.setFillColor(colors.HexColor("#444444"))
            page = f"page {self._pageNumber} of {total}"
            room = width - 2 * MARGIN - self.stringWidth(page, FONT, 7) - 12
            self.drawString(MARGIN, FOOTER_GAP, _fit(f"{title} · {filter_line}", room, 7))
            self.drawRightString(width - MARGIN, FOOTER_GAP, page)
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points at ``size``."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[: max(len(text) - 4, 0)]
    return text.rstrip() + "…"


def _table(
    frame: pd.DataFrame, styles: dict[str, ParagraphStyle], widths: list[float] | None = None, index: bool = True
) -> Table:
    """A DataFrame as a table of escaped cells whose header row repeats on every page it flows over."""
    shown = frame.reset_index() if index else frame
    rows = [[Paragraph(markup(c), styles["head"]) for c in shown.columns]]
    for values in shown.itertuples(index=False):
        rows.append([Paragraph(markup(_cell(v)), styles["cell"]) for v in values])
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_TABLE_STYLE)
    return table


_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cells are paragraphs; this keeps Helvetica out of the PDF
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE_COLOUR),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


def _figure_pdf(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    with rc_context({"pdf.fonttype": 42}):
        figure.savefig(buffer, format="pdf", facecolor="white")
    return buffer.getvalue()


def timeline_figure(
    events: pd.DataFrame,
    period: tuple[dt.date | None, dt.date | None] = (None, None),
    width_in: float = 10.0,
    height_in: float = 3.6,
) -> Figure:
    """Events per day, week or month (as the dashboard's timeline) stacked by type in the type colours,
    over ``period`` where its ends are given (else the events' span), with the conflict's key dates inside
    it as dashed lines named at the top."""
    counts, unit = timeline_counts(events)
    with rc_context({"text.parse_math": False, "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(width_in, height_in))
        ax = fig.add_axes((0.07, 0.27, 0.90, 0.63))
        if counts.empty:
            ax.text(0.5, 0.5, "No event in the selection", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            return fig
        table = counts.pivot_table(index="period", columns="event_type", values="events", aggfunc="sum", fill_value=0)
        table = table[[t for t in EVENT_TYPE_COLOURS if t in table.columns]]
        width_days = {"day": 0.8, "week": 5.6, "month": 25.0}[unit]
        days = mdates.date2num(pd.DatetimeIndex(table.index).to_pydatetime())  # matplotlib's date axis counts in days
        bottom = pd.Series(0, index=table.index)
        for event_type in table.columns:
            ax.bar(
                days,
                table[event_type],
                width=width_days,
                bottom=bottom,
                color=EVENT_TYPE_COLOURS[event_type],
                edgecolor="white",
                linewidth=0.3,
                label=event_type,
                align="edge" if unit != "day" else "center",
            )
            bottom = bottom + table[event_type]
        lo, hi = float(days.min()) - width_days, float(days.max()) + width_days * 2
        if period[0] is not None:
            lo = min(lo, float(mdates.date2num(period[0])) - width_days)
        if period[1] is not None:
            hi = max(hi, float(mdates.date2num(period[1])) + width_days)
        ax.set_xlim(lo, hi)
        top = float(bottom.max()) * 1.25 + 0.5
        ax.set_ylim(0, top)
        marked = [(float(mdates.date2num(day)), label) for day, label in KEY_DATES.items()]
        for step, (when, label) in enumerate(m for m in marked if lo <= m[0] <= hi):
            ax.axvline(when, color="#555555", linestyle=(0, (3, 3)), linewidth=0.8)
            # Staggered, so that the names of dates close together do not overwrite each other.
            y = top * (1 - 0.07 * (step % 3))
            right = when > lo + (hi - lo) * 0.8  # named to the left of its line, inside the axes
            ax.text(when, y, f" {label} " if right else f" {label}", fontsize=7, va="top",
                    ha="right" if right else "left", color="#333333")  # fmt: skip
        ax.set_ylabel(f"Events per {unit}", fontsize=8)
        # Whole days on a short period: the automatic locator would tick hours between them.
        short = unit == "day" and hi - lo <= 14
        ax.xaxis.set_major_locator(mdates.DayLocator() if short else mdates.AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.legend(loc="lower center", bbox_to_anchor=(0.52, 0.0), ncol=5, frameon=False, fontsize=7)
        return fig


@dataclass(frozen=True)
class _Context:
    """What every section reads, computed once."""

    selection: Selection
    flt: EventFilter
    nk_boundary: str
    boundaries: Boundaries
    spec: ReportSpec
    now: dt.datetime
    events: pd.DataFrame  # the shown events inside the report's area
    lines: list[str]  # the filters in words, the area and the accounting
    table: EventTable | None


def _map_snapshot(ctx: _Context, representation: str = "points") -> Snapshot:
    spec = SnapshotSpec(
        title=ctx.spec.title,
        caption_lines=ctx.lines,
        bbox=ctx.spec.bbox,
        generated=ctx.now.date(),
        uncertainty=ctx.spec.uncertainty,
        representation=representation,
        measure=ctx.spec.measure,
    )
    return render_snapshot(ctx.events, ctx.boundaries, ctx.nk_boundary, spec)


def _key_figures(ctx: _Context, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = key_figures(ctx.events)
    counts = ctx.selection.counts
    facts = pd.DataFrame(
        {
            "Events": [figures.events],
            "Places": [figures.localities],
            "Days with events": [figures.days],
            "Not on the map (unmapped)": [counts.unmapped],
        }
    )
    out: list[Flowable] = [Paragraph("Key figures", styles["h2"]), _table(facts, styles, index=False)]
    claims = claim_figures(ctx.selection.claims, ctx.selection.reported, matched=True)
    out.append(
        Paragraph("Reported killed, by party — each reporter's latest figure; a range where they differ", styles["h2"])
    )
    if not claims.parties:
        out.append(Paragraph("No casualty figure is reported for these events.", styles["body"]))
    for party in claims.parties:
        name, _, rest = party.line().partition(": ")
        out.append(Paragraph(f"<b>{markup(name)}</b>: {markup(rest)}", styles["bullet"], bulletText="•"))
    notes = PARTIES_NOT_ADDED + f" From {claims.events_with_claims:,} events."
    if claims.claims_from_unmapped:
        notes += f" {claims.claims_from_unmapped:,} of these figures come from events not on the map."
    out.append(Paragraph(markup(notes), styles["small"]))
    if claims.totals:
        out.append(Paragraph("War, campaign and area totals (not added to the figures above)", styles["h2"]))
        out += [Paragraph(markup(line), styles["bullet"], bulletText="•") for line in claims.totals]
    return out


def _section_map(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    representation = "heatmap" if ctx.spec.representation == "heatmap" else "points"
    figure = _map_snapshot(ctx, representation).figure
    aspect = figure.get_figwidth() / figure.get_figheight()
    return [_VectorFigure(_figure_pdf(figure), width, aspect, placed), *_key_figures(ctx, styles)]


def _section_timeline(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    figure = timeline_figure(ctx.events, (ctx.flt.start, ctx.flt.end))
    out: list[Flowable] = [
        _VectorFigure(_figure_pdf(figure), width, figure.get_figwidth() / figure.get_figheight(), placed)
    ]
    _, unit = timeline_counts(ctx.events)
    out.append(
        Paragraph(
            markup(f"Events per {unit}, stacked by type; dashed lines: the conflict's key dates."), styles["small"]
        )
    )
    counted = ctx.events["event_type"].value_counts()
    by_type = counted[counted > 0].rename_axis("Event type").rename("Events").to_frame()
    out += [Paragraph("Events by type", styles["h2"]), _table(by_type, styles, [width * 0.4, width * 0.15])]
    dates = pd.DataFrame({"Date": [f"{d.day} {d:%b %Y}" for d in KEY_DATES], "Key date": list(KEY_DATES.values())})
    out += [
        Paragraph("Key dates of the conflict", styles["h2"]),
        _table(dates, styles, [width * 0.2, width * 0.5], index=False),
    ]
    return out


def _count_widths(frame: pd.DataFrame, width: float) -> list[float]:
    first = width * 0.26
    rest = (width - first) / max(len(frame.columns), 1)
    return [first] + [rest] * len(frame.columns)


def _section_where(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    out: list[Flowable] = []
    for heading, frame in (
        ("By region", counts_by_region_and_type(ctx.events)),
        ("By province", counts_by_province_and_type(ctx.events)),
        ("By border sector (events within 25 km of the international border)", counts_by_sector_and_type(ctx.events)),
    ):
        out.append(Paragraph(markup(heading), styles["h2"]))
        if frame.empty:
            out.append(Paragraph("No event.", styles["body"]))
        else:
            out.append(_table(frame, styles, _count_widths(frame, width)))
    if ctx.spec.representation in UNIT_COLUMNS:
        figure = _map_snapshot(ctx, ctx.spec.representation).figure
        words = representation_words(ctx.spec.representation, ctx.spec.measure)
        out += [
            PageBreak(),
            Paragraph(markup(words[0].upper() + words[1:]), styles["h2"]),
            _VectorFigure(_figure_pdf(figure), width, figure.get_figwidth() / figure.get_figheight(), placed),
        ]
    return out


def _comparison(ctx: _Context) -> Comparison | None:
    if ctx.spec.compare is None:
        return None
    if ctx.table is None:
        raise ExportError("A report with a comparison of two periods needs the loaded events table.")
    a, b = ctx.spec.compare
    comparison, _ = comparison_of(ctx.table, ctx.flt, ctx.nk_boundary, a, b, ctx.spec.by, ctx.spec.min_events)
    return comparison


def _section_compare(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    comparison = _comparison(ctx)
    assert comparison is not None  # only called with two periods
    out: list[Flowable] = [
        Paragraph(markup(comparison.caption() + " The other filters apply to both periods."), styles["body"])
    ]
    if comparison.outside_text():
        out.append(Paragraph(markup(comparison.outside_text()), styles["small"]))
    if comparison.table.empty:
        out.append(Paragraph(markup(f"No event in a {UNITS[comparison.by][1]} in either period."), styles["body"]))
        return out
    spec = SnapshotSpec(
        title=f"{comparison.a.text()} (A) against {comparison.b.text()} (B)",
        caption_lines=[comparison.caption()],
        generated=ctx.now.date(),
    )
    change = render_change_map(
        comparison.table,
        compared_shapes(comparison.by, ctx.boundaries),
        ctx.boundaries,
        ctx.nk_boundary,
        spec,
        f"Change per {UNITS[comparison.by][1]}, A − B",
    )
    figure = change.figure
    out.append(_VectorFigure(_figure_pdf(figure), width, figure.get_figwidth() / figure.get_figheight(), placed))
    display = comparison_display(comparison)
    out.append(
        _table(
            display,
            styles,
            [width * 0.3] + [width * 0.7 / (len(display.columns) - 1)] * (len(display.columns) - 1),
            index=False,
        )
    )
    return out


EVENT_COLUMNS: Final = (
    "Date",
    "Place",
    "Type",
    "Actors",
    "Reported figures (who reported them)",
    "Precision",
    "Source",
)
EVENT_WIDTHS: Final = (0.095, 0.13, 0.12, 0.145, 0.25, 0.105, 0.155)


def _figures_text(row: dict[str, Any]) -> str:
    claims = row.get("claims_text")
    if isinstance(claims, str) and claims.strip():
        return claims
    return fatalities_line(row)


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events table in words, one row per event: date, place, type, actors, reported figures with who
    reported them, precision, source (outlet and headline) and its address (as in the data)."""
    records: list[dict[str, Any]] = events.to_dict("records")  # type: ignore[assignment]
    rows = [
        (
            row["event_date"].strftime("%Y-%m-%d"),
            "" if _missing(row.get("location")) else str(row.get("location")),
            str(row.get("event_type") or ""),
            actors_text(row),
            _figures_text(row) or NOT_REPORTED,
            location_precision_text(row),
            source_label(row),
            "" if _missing(row.get("source_url")) else str(row.get("source_url")),
        )
        for row in records
    ]
    return pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "Source address"])


def events_rows(events: pd.DataFrame) -> list[list[str]]:
    """The events table's cells as Paragraph markup, one list per event; the source a link when it is http(s)."""
    return [
        [*(markup(cell) for cell in row[:-2]), link_markup(row[-1], row[-2])]
        for row in events_table(events).itertuples(index=False)
    ]


def _section_events(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    events = ctx.events.sort_values(["event_date", "event_id"], kind="stable")
    out: list[Flowable] = []
    if len(events) > MAX_TABLE_ROWS:
        out.append(
            Paragraph(
                markup(
                    f"The first {MAX_TABLE_ROWS:,} of {len(events):,} events by date; all of them are in the data "
                    "exports (CSV, the ZIP data package)."
                ),
                styles["body"],
            )
        )
        events = events.head(MAX_TABLE_ROWS)
    if events.empty:
        return [*out, Paragraph("No event is shown.", styles["body"])]
    out.append(
        Paragraph(
            markup(
                f"{len(events):,} events, by date. Reported figures are claims: who reported what, about whom "
                "(data/README.md, Casualty claims). Source: the outlet and headline, linked where the address is "
                "http(s)."
            ),
            styles["small"],
        )
    )
    cells = [[Paragraph(markup(c), styles["head"]) for c in EVENT_COLUMNS]]
    cells += [[Paragraph(c, styles["cell"]) for c in row] for row in events_rows(events)]
    table = Table(cells, colWidths=[width * f for f in EVENT_WIDTHS], repeatRows=1, hAlign="LEFT")
    table.setStyle(_TABLE_STYLE)
    out.append(table)
    return out


def _versions() -> str:
    names = ("caucasus-conflict-map", "pandas", "geopandas", "shapely", "matplotlib", "reportlab", "pypdf")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return f"Python {platform.python_version()}; " + ", ".join(found)


def about_flowables(text: str, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """The About text (Markdown: ### headings, paragraphs, - lists, | tables |, **bold**, *italic*, `code`)
    as flowables, every text escaped first."""
    out: list[Flowable] = []
    table_rows: list[list[str]] = []

    def inline(raw: str) -> str:
        html = markup(raw)
        html = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html)
        html = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", html)
        return re.sub(r"`(.+?)`", rf'<font name="{FONT}" color="#333333">\1</font>', html)

    def flush_table() -> None:
        if not table_rows:
            return
        header, *body = [r for r in table_rows if not all(set(c) <= set("-: ") for c in r)]
        cells = [[Paragraph(inline(c), styles["head"]) for c in header]]
        cells += [[Paragraph(inline(c), styles["cell"]) for c in row] for row in body]
        table = Table(cells, colWidths=[width / len(header)] * len(header), repeatRows=1, hAlign="LEFT")
        table.setStyle(_TABLE_STYLE)
        out.append(table)
        table_rows.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            table_rows.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        flush_table()
        if not stripped:
            continue
        if stripped.startswith("#"):
            out.append(Paragraph(inline(stripped.lstrip("#").strip()), styles["h2"]))
        elif stripped.startswith("- "):
            out.append(Paragraph(inline(stripped[2:]), styles["bullet"], bulletText="•"))
        else:
            out.append(Paragraph(inline(stripped), styles["body"]))
    flush_table()
    return out


def _section_method(
    ctx: _Context, styles: dict[str, ParagraphStyle], width: float, placed: list[_Placed]
) -> list[Flowable]:
    out = about_flowables(ABOUT_PATH.read_text(encoding="utf-8"), styles, width)
    out.append(Paragraph("Credits and licences", styles["h2"]))
    out += [
        Paragraph(markup(line), styles["bullet"], bulletText="•")
        for line in attribution_lines(ctx.nk_boundary, places_named=True)
    ]
    out.append(Paragraph("This report", styles["h2"]))
    out.append(
        Paragraph(
            markup(
                f"Generated {ctx.now:%d %B %Y, %H:%M} ({ctx.now.isoformat(timespec='seconds')}) "
                "by Caucasus Conflict Map."
            ),
            styles["body"],
        )
    )
    out.append(Paragraph(markup("Versions: " + _versions() + "."), styles["body"]))
    out.append(Paragraph("Filters, exactly as applied:", styles["body"]))
    out += [Paragraph(markup(line), styles["bullet"], bulletText="•") for line in ctx.lines]
    if ctx.spec.representation != "points":
        out.append(
            Paragraph(
                markup("Maps show the events as: " + representation_words(ctx.spec.representation, ctx.spec.measure)),
                styles["body"],
            )
        )
    if ctx.spec.link:
        out.append(Paragraph("The view in the dashboard: " + link_markup(ctx.spec.link, ctx.spec.link), styles["body"]))
    return out


_BUILDERS: Final[dict[str, Callable[..., list[Flowable]]]] = {
    MAP: _section_map,
    TIMELINE: _section_timeline,
    WHERE: _section_where,
    COMPARE: _section_compare,
    EVENTS: _section_events,
    METHOD: _section_method,
}


def subtitle(selection: Selection, flt: EventFilter, nk_boundary: str) -> str:
    """The report's subtitle: period, regions and the other filters in words, and the count shown."""
    lines = filter_lines(flt, nk_boundary)[1:]
    regions = "all regions" if flt.regions is None else ", ".join(flt.regions) or "no region"
    head = f"{period_text(flt.start, flt.end)} · {regions} · {selection.counts.shown:,} events shown"
    return " · ".join([head, *(line for line in lines if not line.startswith("Regions"))])


def report_sections(spec: ReportSpec) -> tuple[str, ...]:
    """The sections a report prints, in order: those asked for, and the comparison when two periods are given."""
    chosen = set(spec.sections) | ({COMPARE} if spec.compare is not None else set())
    return tuple(key for key in SECTIONS if key in chosen and (key != COMPARE or spec.compare is not None))


def _context(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    spec: ReportSpec,
    now: dt.datetime | None,
    table: EventTable | None,
) -> _Context:
    """The spec checked, and what every section reads."""
    if spec.paper not in PAPERS:
        raise ExportError(f"Unknown paper '{spec.paper}'; use one of {', '.join(PAPERS)}.")
    if spec.representation not in REPRESENTATIONS:
        raise ExportError(f"Unknown representation '{spec.representation}'; use one of {', '.join(REPRESENTATIONS)}.")
    unknown = [s for s in spec.sections if s not in SECTIONS]
    if unknown:
        raise ExportError(f"Unknown report section {', '.join(unknown)}; use some of {', '.join(SECTIONS)}.")
    events = selection.events
    if spec.bbox is not None:
        events = events[events_in(events, spec.bbox)]
    lines = caption(selection, flt, nk_boundary, spec.bbox, len(events))
    return _Context(selection, flt, nk_boundary, boundaries, spec, now or dt.datetime.now(dt.UTC), events, lines, table)


def report_pdf(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    spec: ReportSpec,
    now: dt.datetime | None = None,
    table: EventTable | None = None,
) -> bytes:
    """The report of the shown events (inside ``spec.bbox`` when given) as one PDF.

    ``table`` (the loaded events) is needed only for a comparison of two periods. Raises ExportError with
    a sentence for an unknown paper, section or representation.
    """
    ctx = _context(selection, flt, nk_boundary, boundaries, spec, now, table)
    _register_fonts()
    page_size = landscape(PAPERS[spec.paper]) if spec.landscape else PAPERS[spec.paper]
    styles = _styles()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=spec.title,
        author="Caucasus Conflict Map",
        subject="; ".join(ctx.lines),
        creator="Caucasus Conflict Map",
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    placed: list[_Placed] = []
    headings: list[tuple[str, int]] = []
    story: list[Flowable] = [
        Paragraph(markup(spec.title), styles["title"]),
        Paragraph(markup(subtitle(selection, flt, nk_boundary)), styles["subtitle"]),
        Spacer(1, 4),
    ]
    for number, key in enumerate(report_sections(spec)):
        if number:
            story.append(PageBreak())
        story.append(_Heading(SECTIONS[key], styles["h1"], headings))
        story += _BUILDERS[key](ctx, styles, doc.width, placed)
    filter_line = " · ".join(filter_lines(flt, nk_boundary))
    doc.build(story, canvasmaker=_numbered_canvas(spec.title, filter_line, page_size))
    return _finish(out.getvalue(), placed, headings)


def _finish(report: bytes, placed: list[_Placed], headings: list[tuple[str, int]]) -> bytes:
    """Each vector figure merged onto its page at its place, scaled to its box; a bookmark per section."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report)))
    for text, page_number in headings:
        writer.add_outline_item(title=text, page_number=page_number - 1)
    writer.page_mode = "/UseOutlines"
    for figure in placed:
        page = PdfReader(io.BytesIO(figure.pdf)).pages[0]
        scale = min(figure.width / float(page.mediabox.width), figure.height / float(page.mediabox.height))
        where = Transformation().scale(scale, scale).translate(figure.x, figure.y)
        writer.pages[figure.page - 1].merge_transformed_page(page, where)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


FIGURES_README: Final = "README.txt"


def _figure_bytes(figure: Figure, fmt: str, dpi: int) -> bytes:
    """PNG at ``dpi``; SVG with its text as text (editable, searchable)."""
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format=fmt, dpi=dpi if fmt == "png" else 72, facecolor="white")
    return buffer.getvalue()


def figure_files(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    spec: ReportSpec,
    now: dt.datetime | None = None,
    table: EventTable | None = None,
) -> dict[str, bytes]:
    """The report's figures as separate files, name -> bytes: the map and the timeline as PNG (print
    resolution) and SVG, the choropleth and the change map when the report has them, and its tables as
    CSV (UTF-8 with BOM, formulas defused), with a README of what is where, the filters and the credits."""
    ctx = _context(selection, flt, nk_boundary, boundaries, spec, now, table)
    files: dict[str, bytes] = {}
    representation = "heatmap" if spec.representation == "heatmap" else "points"
    maps = [("map", _map_snapshot(ctx, representation))]
    if spec.representation in UNIT_COLUMNS:
        maps.append((f"map_{spec.representation}", _map_snapshot(ctx, spec.representation)))
    for name, snapshot in maps:
        files[f"{name}.png"] = snapshot_bytes(snapshot, "png", PRINT_DPI)
        files[f"{name}.svg"] = snapshot_bytes(snapshot, "svg", title=spec.title)
    timeline = timeline_figure(ctx.events, (flt.start, flt.end))
    files["timeline.png"] = _figure_bytes(timeline, "png", PRINT_DPI)
    files["timeline.svg"] = _figure_bytes(timeline, "svg", PRINT_DPI)
    claims = claim_figures(selection.claims, selection.reported, matched=True)
    tables = {
        "counts_by_region.csv": counts_by_region_and_type(ctx.events).reset_index(),
        "counts_by_province.csv": counts_by_province_and_type(ctx.events).reset_index(),
        "counts_by_border_sector.csv": counts_by_sector_and_type(ctx.events).reset_index(),
        "reported_killed_by_party.csv": pd.DataFrame(
            [(p.party, p.low, p.high, " / ".join(p.kinds), p.line()) for p in claims.parties],
            columns=["party", "low", "high", "counts", "in words"],
        ),
        "events.csv": events_table(ctx.events.sort_values(["event_date", "event_id"], kind="stable")),
    }
    comparison = _comparison(ctx)
    if comparison is not None:
        tables["comparison.csv"] = comparison.table
        change = render_change_map(
            comparison.table, compared_shapes(comparison.by, boundaries), boundaries, nk_boundary,
            SnapshotSpec(title=spec.title, caption_lines=[comparison.caption()], generated=ctx.now.date()),
            f"Change per {UNITS[comparison.by][1]}, A − B",
        )  # fmt: skip
        files["map_change.png"] = snapshot_bytes(change, "png", PRINT_DPI)
        files["map_change.svg"] = snapshot_bytes(change, "svg", title=spec.title)
    for name, frame in tables.items():
        files[name] = table_csv_bytes(frame, bom=True)
    readme = [
        spec.title,
        "",
        f"Figures of the report, generated {ctx.now.isoformat(timespec='seconds')} by Caucasus Conflict Map.",
        "",
        "Filters:",
        *(f"  {line}" for line in ctx.lines),
        "",
        "Files:",
        *(f"  {name}" for name in files),
        "",
        "PNG at 300 dpi; SVG with its text as text. CSV: UTF-8 with a byte order mark, one header row.",
        "",
        "Credits:",
        *(f"  {line}" for line in attribution_lines(nk_boundary, places_named=True)),
        "",
    ]
    files[FIGURES_README] = "\r\n".join(readme).encode("utf-8")
    return files


def figures_zip(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    spec: ReportSpec,
    now: dt.datetime | None = None,
    table: EventTable | None = None,
) -> bytes:
    """``figure_files`` as one ZIP, for analysts who lay out their own document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in figure_files(selection, flt, nk_boundary, boundaries, spec, now, table).items():
            archive.writestr(name, data)
    return out.getvalue()
