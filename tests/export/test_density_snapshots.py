"""Points snapshots of more than style.SNAPSHOT_MAX_POINTS events draw their density as hexagons, and say so."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from dashboard import style
from dashboard.export.snapshot import SnapshotSpec, draw_points, render_snapshot, snapshot_bytes


def svg_texts(svg: str) -> str:
    """The SVG's text, one line per <text> (matplotlib's fonttype none), joined by spaces."""
    return " ".join(re.sub(r"<[^>]+>", "", match) for match in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


@pytest.fixture(scope="module")
def located(bundled) -> pd.DataFrame:
    events = bundled.events
    return events[events["latitude"].notna()].reset_index(drop=True)


def many(events: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` events: the bundled ones repeated."""
    return events.iloc[np.resize(np.arange(len(events)), n)].reset_index(drop=True)


def hexagon_counts(snapshot) -> np.ndarray:
    (bins,) = [c for ax in snapshot.figure.axes for c in ax.collections if c.get_gid() == "density"]
    return np.asarray(bins.get_array())


def test_above_the_threshold_a_points_snapshot_is_a_density_that_says_so(located, boundaries):
    events = many(located, style.SNAPSHOT_MAX_POINTS + 1)
    snapshot = render_snapshot(events, boundaries, "nkao_1991", SnapshotSpec(title="Many events"))
    svg = snapshot_bytes(snapshot, "svg").decode()
    texts = svg_texts(svg)
    n = len(snapshot.events)
    assert n == style.SNAPSHOT_MAX_POINTS + 1
    # Once in the legend (wrapped over lines) and once in the caption.
    assert f"Density of {n:,} events: more than {style.SNAPSHOT_MAX_POINTS:,} are drawn as hexagons" in texts
    assert "colour = events per hexagon" in texts and "Event density" in texts
    assert 'id="events"' not in svg and "Event type" not in texts
    assert "Many events" in texts and "OpenStreetMap" in texts and "km" in texts  # title, attribution, scale
    assert len(svg) < 3_000_000
    assert hexagon_counts(snapshot).sum() == n


def test_the_threshold_is_the_one_constant(located, boundaries, monkeypatch):
    monkeypatch.setattr(style, "SNAPSHOT_MAX_POINTS", len(located) - 1)
    snapshot = render_snapshot(located, boundaries, "nkao_1991", SnapshotSpec(title="t"))
    texts = svg_texts(snapshot_bytes(snapshot, "svg").decode())
    assert f"Density of {len(located):,} events: more than {len(located) - 1:,}" in texts
    assert hexagon_counts(snapshot).sum() == len(snapshot.events)


def test_at_the_threshold_events_are_points_as_before(located, boundaries, monkeypatch):
    monkeypatch.setattr(style, "SNAPSHOT_MAX_POINTS", len(located))
    snapshot = render_snapshot(located, boundaries, "nkao_1991", SnapshotSpec(title="t"))
    svg = snapshot_bytes(snapshot, "svg").decode()
    texts = svg_texts(svg)
    assert 'id="events"' in svg and 'id="density"' not in svg
    assert "Event type" in texts and "Density of" not in texts


def test_an_animation_frame_above_the_threshold_draws_hexagons(located, monkeypatch):
    monkeypatch.setattr(style, "SNAPSHOT_MAX_POINTS", 10)
    ax = Figure().add_subplot()
    ax.set_xlim(4.9e6, 5.3e6)
    ax.set_ylim(4.6e6, 5.1e6)
    (bins,) = draw_points(ax, located)
    assert bins.get_gid() == "density"
    assert np.asarray(bins.get_array()).sum() == len(located)


def test_an_animation_over_the_threshold_draws_its_big_frames_as_hexagons_and_still_plays(
    bundled, boundaries, monkeypatch
):
    import datetime as dt

    from dashboard.export.animation import animation_frames, render_animation
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    war = EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10))
    events = select_events(bundled, "nkao_1991", war).events
    windows = animation_frames(events, war, "week", "cumulative")
    monkeypatch.setattr(style, "SNAPSHOT_MAX_POINTS", 10)
    drawn = render_animation("gif", events, windows, boundaries, "nkao_1991", SnapshotSpec(title="War"), 400)
    assert len(drawn.frames) == len(windows)
    small = [f for f in drawn.frames if 0 < len(f.event_ids) <= 10]
    big = [f for f in drawn.frames if len(f.event_ids) > 10]
    assert big and all(f.marks == 0 for f in big)  # hexagons, not markers
    assert all(f.marks == len(f.event_ids) for f in small)
