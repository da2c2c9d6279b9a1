"""The interactive map as one self-contained HTML file (all JavaScript and CSS inlined)."""

from __future__ import annotations

import html
from typing import cast

import pandas as pd
from branca.element import Figure
from folium.map import FitBounds

from dashboard.bbox import BBox
from dashboard.geo.display import BaseLayers
from dashboard.vocab import DEFAULT_MEASURE, DEFAULT_REPRESENTATION
from dashboard.webmap.assets import inline_local_assets, require_offline
from dashboard.webmap.base_map import LEGEND_WIDTH_PX, HtmlControl, build_event_map
from dashboard.webmap.event_layers import STANDALONE_HINTS, DateSpan


def info_html(title: str, lines: list[str]) -> str:
    """The box naming what the file shows: title, filters, counts and how the events are drawn."""
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    return f'<div class="ccm-panel"><div class="ccm-info-title">{html.escape(title)}</div>{body}</div>'


def standalone_html(
    events: pd.DataFrame,
    layers: BaseLayers,
    nk_boundary: str,
    title: str,
    lines: list[str],
    bbox: BBox | None = None,
    uncertainty: bool = True,
    representation: str = DEFAULT_REPRESENTATION,
    measure: str = DEFAULT_MEASURE,
    period: DateSpan | None = None,
) -> str:
    """The page opens on ``bbox`` if given, else fitted to the events, in whatever window it is opened;
    ``uncertainty`` draws circles of uncertainty around approximate locations, as the dashboard does;
    ``representation`` and ``measure`` choose how the events are shown (vocab.REPRESENTATIONS); the
    playback steps through ``period`` (by default the events' own dates)."""
    fmap, note = build_event_map(
        events,
        layers,
        nk_boundary,
        hints=STANDALONE_HINTS,
        uncertainty=uncertainty,
        representation=representation,
        measure=measure,
        period=period,
    )
    located = events[events["latitude"].notna()]
    opening: FitBounds | None = None
    if bbox is not None:
        opening = FitBounds(bbox.leaflet())
    elif not located.empty:
        opening = FitBounds(
            [
                [located["latitude"].min(), located["longitude"].min()],
                [located["latitude"].max(), located["longitude"].max()],
            ],
            padding_top_left=(40, 40),
            padding_bottom_right=(LEGEND_WIDTH_PX, 40),
            max_zoom=11,
        )
    if opening is not None:
        # The page opens on its view; an animated zoom would swallow the reader's first clicks.
        opening.options["animate"] = False
        opening.add_to(fmap)
    # branca writes the page title into <title> unescaped.
    cast(Figure, fmap.get_root()).title = html.escape(title)
    HtmlControl(info_html(title, [*lines, *([note] if note else [])]), "topleft", "ccm-info").add_to(fmap)
    inline_local_assets(fmap)
    return require_offline(fmap.get_root().render(), "The HTML export")
