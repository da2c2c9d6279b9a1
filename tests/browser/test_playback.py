"""The map's playback: the browser's window of days shows what the server-side filter keeps for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest

from benchmarks.generate_events import generate
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.geo.display import base_layers
from dashboard.pipeline import Selection, load_joined_events, select_events
from dashboard.timeframes import FRAME_MODES, FRAME_UNITS, frames
from dashboard.vocab import DATE_PRESETS
from tests.browser.conftest import open_offline
from tests.browser.test_dashboard import leaflet_frame, open_dashboard

pytestmark = pytest.mark.browser

PLAYBACK = "document.querySelector('.leaflet-container').ccmPlayback"
# What each layer draws for every frame of a unit and mode: the events the layer says it shows,
# and the events actually on the map (markers in the cluster group, the packed clusters' counts,
# the heat points' weights).
DRAWN_PER_FRAME = f"""([unit, mode]) => {{
    const playback = {PLAYBACK}, target = playback.target;
    playback.setUnit(unit);
    playback.setMode(mode);
    const drawn = () => {{
        if (target.drawnClusters) {{ return target.drawnClusters().reduce((n, c) => n + c.n, 0); }}
        if (target._heat) {{ return target._heat._latlngs.reduce((n, p) => n + p[2], 0); }}
        return Object.values(window).filter(v => v instanceof L.MarkerClusterGroup)
            .reduce((n, group) => n + group.getLayers().length, 0);
    }};
    const out = [];
    for (let i = 0; i < playback.frames().length; i++) {{
        playback.show(i);
        out.push([target.shownCount(), drawn(), playback.label.textContent]);
    }}
    return out;
}}"""
READY = (
    f"() => {{ const p = {PLAYBACK}; return Boolean(p && p.target.shownCount() > 0"
    " && (!p.target.isDrawn || p.target.isDrawn())); }"
)


def html_page(selection: Selection, boundaries, folder: Path, representation: str) -> Path:
    page_file = folder / f"playback_{representation}.html"
    request = ExportRequest(fmt="html", title="Playback", representation=representation)
    page_file.write_bytes(
        export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, base_layers(boundaries))
    )
    return page_file


def expected_counts(events: pd.DataFrame, unit: str, mode: str) -> list[int]:
    """Per frame, the located events the server-side date filter keeps for that frame's window."""
    located = events[events["latitude"].notna()]
    days = located["event_date"].dt.date
    return [int(((days >= f.shown_from) & (days <= f.end)).sum()) for f in frames(days.min(), days.max(), unit, mode)]


def assert_frames_match(page, events: pd.DataFrame) -> None:
    for unit in FRAME_UNITS:
        for mode in FRAME_MODES:
            if unit == "day" and len(expected_counts(events, "week", mode)) > 60:
                continue  # the synthetic years by day repeat what weeks and months check, 7 times slower
            got = page.evaluate(DRAWN_PER_FRAME, [unit, mode])
            expected = expected_counts(events, unit, mode)
            assert [shown for shown, _, _ in got] == expected, (unit, mode)
            assert [drawn for _, drawn, _ in got] == expected, (unit, mode)
            dates = events.loc[events["latitude"].notna(), "event_date"].dt.date
            windows = frames(dates.min(), dates.max(), unit, mode)
            labels = [f.shown_label() if mode == "cumulative" else f.label() for f in windows]
            assert [text.split(" · ")[0] for _, _, text in got] == labels


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, boundaries) -> Selection:
    """4,000 synthetic events over seven years: more than the map draws as markers (packed layer)."""
    path = tmp_path_factory.mktemp("playback") / "events.csv"
    generate(4_000, seed=5).to_csv(path, index=False)
    return select_events(load_joined_events(path, boundaries), "nkao_1991", EventFilter())


def test_every_frame_of_the_markers_shows_what_the_date_filter_keeps(session, bundled, boundaries, tmp_path):
    war = EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10))
    selection = select_events(bundled, "nkao_1991", war)
    blocked = open_offline(session.page, html_page(selection, boundaries, tmp_path, "points"))
    session.page.wait_for_function(READY, timeout=15_000)
    assert_frames_match(session.page, selection.events)
    assert blocked == []


@pytest.mark.parametrize("representation", ["points", "heatmap"])
def test_every_frame_of_the_packed_layers_shows_what_the_date_filter_keeps(
    session, synthetic, boundaries, tmp_path, representation
):
    open_offline(session.page, html_page(synthetic, boundaries, tmp_path, representation))
    session.page.wait_for_function(READY, timeout=30_000)
    assert session.page.evaluate(f"() => {PLAYBACK}.target.shownCount()") == synthetic.counts.shown
    assert_frames_match(session.page, synthetic.events)


def test_play_runs_frames_pause_keeps_the_frame_and_stop_shows_every_date(session, bundled, boundaries, tmp_path):
    selection = select_events(bundled, "nkao_1991", EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10)))
    page = session.page
    open_offline(page, html_page(selection, boundaries, tmp_path, "points"))
    page.wait_for_function(READY, timeout=15_000)
    control = page.locator(".ccm-playback")
    all_dates = f"All dates · {selection.counts.shown} events"
    assert control.locator(".ccm-play-label").inner_text() == all_dates
    control.locator("select[title=Speed]").select_option(label="8×")
    control.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => {PLAYBACK}.index >= 2", timeout=10_000)
    control.get_by_role("button", name="Pause").click()
    state = page.evaluate(f"() => {{ const p = {PLAYBACK}; return [p.playing, p.timer, p.index, p.slider.value]; }}")
    assert state[0] is False and state[1] is None  # nothing left scheduled: the frame stays
    assert state[3] == str(state[2])
    label = control.locator(".ccm-play-label").inner_text()
    frame = frames(dt.date(2020, 9, 27), dt.date(2020, 11, 10))[state[2]]
    assert label.startswith(frame.label() + " · ")
    control.get_by_role("button", name="Next frame").click()
    assert (
        control.locator(".ccm-play-label")
        .inner_text()
        .startswith(frames(dt.date(2020, 9, 27), dt.date(2020, 11, 10))[state[2] + 1].label())
    )
    control.get_by_role("button", name="Show every date again").click()
    assert control.locator(".ccm-play-label").inner_text() == all_dates


def test_the_dashboards_map_plays_the_sidebars_period(session, live_app):
    war = next(name for name in DATE_PRESETS if name.startswith("2020 war"))
    page, _ = open_dashboard(session, f"{live_app.url}?{urlencode({'date_preset': war})}")
    control = leaflet_frame(page).locator(".ccm-playback")
    control.wait_for(timeout=30_000)
    control.get_by_role("button", name="Next frame").click()
    assert control.locator(".ccm-play-label").inner_text().startswith("27 Sep 2020 · ")
    control.locator("select[title=Window]").select_option("week")
    assert control.locator(".ccm-play-label").inner_text().startswith("27 Sep – 3 Oct 2020 · ")
