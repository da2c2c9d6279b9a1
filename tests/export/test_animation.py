"""The animation export (GIF, MP4): frames, stamps, the events each frame draws, encoders, refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from dashboard import style
from dashboard.bbox import BBox
from dashboard.describe import default_title
from dashboard.export import animation
from dashboard.export.animation import FrameRenderer, animation_frames, ffmpeg_exe, render_animation
from dashboard.export.formats import EXPORT_FORMATS, MAX_ANIMATION_FRAMES
from dashboard.export.registry import ExportError, ExportRequest, export_bytes
from dashboard.export.snapshot import SnapshotSpec
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.style import EVENT_TYPE_COLOURS
from dashboard.timeframes import frames

WAR = EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10))
NK = "nkao_1991"
SPEC = SnapshotSpec(title="The 2020 war", caption_lines=["Period: 27 Sep – 10 Nov 2020"])


@pytest.fixture(scope="module")
def war(bundled):
    return select_events(bundled, NK, WAR)


@pytest.fixture(scope="module")
def war_gif(war, boundaries):
    windows = animation_frames(war.events, WAR, "day", "moving")
    return windows, render_animation("gif", war.events, windows, boundaries, NK, SPEC, 400)


def server_side_ids(table, flt: EventFilter, frame) -> set[str]:
    """The events the app's filter keeps for the frame's window (the other filters as they are)."""
    window = dataclasses.replace(flt, start=frame.shown_from, end=frame.end)
    return set(select_events(table, NK, window).events["event_id"])


def gif_frames(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    out = []
    for number in range(image.n_frames):
        image.seek(number)
        out.append(np.asarray(image.convert("RGB")))
    return out


def test_the_2020_war_by_day_is_45_frames_of_the_page_at_100_dpi(war_gif):
    windows, drawn = war_gif
    image = Image.open(io.BytesIO(drawn.data))
    assert image.format == "GIF"
    assert image.n_frames == len(windows) == len(drawn.frames) == 45
    assert image.size == drawn.size == (1100, 850)
    assert image.info["loop"] == 0  # plays for ever
    durations = set()
    for number in range(image.n_frames):
        image.seek(number)
        durations.add(image.info["duration"])
    assert durations == {400}


def test_the_stamps_are_the_frames_dates_in_order(war_gif):
    windows, drawn = war_gif
    assert [f.stamp[0] for f in drawn.frames] == [w.label() for w in windows]
    assert drawn.frames[0].stamp[0] == "27 Sep 2020" and drawn.frames[-1].stamp[0] == "10 Nov 2020"
    assert [f.stamp[1] for f in drawn.frames[:1]] == [f"{len(drawn.frames[0].event_ids)} events"]


def test_the_stamp_is_drawn_and_changes_with_the_date(war, boundaries):
    renderer = FrameRenderer(war.events, boundaries, NK, SPEC)
    windows = frames(WAR.start, WAR.end, "day")
    first, _ = renderer.draw(windows[0])
    box = renderer.stamp.get_window_extent()
    height = first.shape[0]
    rows = slice(int(height - box.y1), int(height - box.y0))
    cols = slice(int(box.x0), int(box.x1))
    assert (first[rows, cols] < 100).all(axis=2).sum() > 200  # dark text where the stamp is
    second, _ = renderer.draw(windows[1])
    assert not np.array_equal(first[rows, cols], second[rows, cols])  # 27 Sep -> 28 Sep
    again, _ = renderer.draw(windows[0])
    assert np.array_equal(first, again)  # nothing of the earlier frames is left behind


def test_each_frame_draws_the_server_side_filter_of_its_window(war_gif, war, bundled):
    windows, drawn = war_gif
    for window, frame in zip(windows, drawn.frames, strict=True):
        expected = server_side_ids(bundled, WAR, window)
        assert set(frame.event_ids) == expected, window
        assert frame.marks == len(frame.event_ids) == len(expected)
    assert sum(len(f.event_ids) for f in drawn.frames) == len(war.events)  # a day each: every event once
    assert any(len(f.event_ids) > 1 for f in drawn.frames) and any(not f.event_ids for f in drawn.frames)


def test_cumulative_frames_never_lose_an_event_and_end_with_the_whole_period(war, bundled, boundaries):
    flt = dataclasses.replace(WAR, regions=("Nagorno-Karabakh", "Azerbaijan"))
    selection = select_events(bundled, NK, flt)
    windows = animation_frames(selection.events, flt, "week", "cumulative")
    drawn = render_animation("gif", selection.events, windows, boundaries, NK, SPEC, 500)
    assert [f.stamp[0] for f in drawn.frames] == ["27 Sep – 3 Oct 2020", *[w.label() for w in windows[1:]]]
    assert drawn.frames[-1].stamp[0] == "8–10 Nov 2020"
    counts = [len(f.event_ids) for f in drawn.frames]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    for earlier, later in zip(drawn.frames, drawn.frames[1:], strict=False):
        assert set(earlier.event_ids) <= set(later.event_ids)
    assert set(drawn.frames[-1].event_ids) == set(selection.events["event_id"])
    assert drawn.frames[-1].stamp[1] == f"{counts[-1]} events since 27 Sep 2020"
    for window, frame in zip(windows, drawn.frames, strict=True):
        assert set(frame.event_ids) == server_side_ids(bundled, flt, window)


def test_an_area_draws_only_the_events_inside_it(bundled, boundaries):
    karabakh = BBox(west=46.4, south=39.3, east=47.2, north=40.0)
    request = ExportRequest(fmt="gif", title="x", bbox=karabakh, frame_unit="week")
    selection = select_events(bundled, NK, WAR)
    inside = selection.events[karabakh.contains(selection.events["longitude"], selection.events["latitude"])]
    windows = animation_frames(selection.events, WAR, request.frame_unit, request.frame_mode)
    drawn = render_animation("gif", inside, windows, boundaries, NK, dataclasses.replace(SPEC, bbox=karabakh), 500)
    drawn_ids = {i for f in drawn.frames for i in f.event_ids}
    assert drawn_ids == set(inside["event_id"]) and 0 < len(inside) < len(selection.events)


def test_the_gif_keeps_the_type_colours_exact(war, war_gif, boundaries):
    _, drawn = war_gif
    gif = gif_frames(drawn.data)
    renderer = FrameRenderer(war.events, boundaries, NK, SPEC)
    windows = frames(WAR.start, WAR.end, "day")
    rendered, _ = renderer.draw(windows[0])
    colours = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in EVENT_TYPE_COLOURS.values()}
    in_render = {c for c in colours if (rendered == c).all(axis=2).any()}
    in_gif = {c for c in colours if (gif[0] == c).all(axis=2).any()}
    assert len(in_render) >= 3 and in_gif == in_render  # the legend's swatches and the markers
    assert np.abs(gif[0].astype(int) - rendered.astype(int)).mean() < 2  # one palette, close to the picture


@pytest.mark.skipif(ffmpeg_exe() is None, reason="no ffmpeg with H.264 (the imageio-ffmpeg package ships one)")
def test_the_mp4_decodes_to_one_picture_per_frame(war, boundaries, tmp_path):
    import imageio_ffmpeg

    windows = animation_frames(war.events, WAR, "week", "moving")
    drawn = render_animation("mp4", war.events, windows, boundaries, NK, SPEC, 1000)
    path = tmp_path / "war.mp4"
    path.write_bytes(drawn.data)
    decoded = imageio_ffmpeg.read_frames(str(path))
    meta = next(decoded)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["size"] == (1100, 850) and meta["fps"] == 1.0
    pictures = [np.frombuffer(picture, np.uint8).reshape(850, 1100, 3) for picture in decoded]
    assert len(pictures) == len(windows) == 7
    assert not np.array_equal(pictures[0], pictures[1])


def test_without_an_encoder_mp4_is_refused_and_gif_still_works(war, boundaries, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_exe", lambda: None)
    windows = animation_frames(war.events, WAR, "month", "moving")
    with pytest.raises(ExportError, match=r"MP4 needs an ffmpeg with the H\.264 encoder.*export a GIF instead"):
        render_animation("mp4", war.events, windows, boundaries, NK, SPEC, 500)
    assert render_animation("gif", war.events, windows, boundaries, NK, SPEC, 500).data.startswith(b"GIF89a")


def test_an_empty_period_still_plays_with_its_stamps(bundled, boundaries):
    quiet = EventFilter(start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 3))
    selection = select_events(bundled, NK, quiet)
    assert selection.events.empty
    windows = animation_frames(selection.events, quiet, "day", "moving")
    drawn = render_animation("gif", selection.events, windows, boundaries, NK, SPEC, 500)
    assert [f.stamp for f in drawn.frames] == [(f"{d} Mar 2021", "0 events") for d in (1, 2, 3)]
    assert Image.open(io.BytesIO(drawn.data)).n_frames == 3


def test_the_period_defaults_to_the_selection_first_and_last_day(bundled):
    types = EventFilter(event_types=("Air/missile strike",))
    selection = select_events(bundled, NK, types)
    windows = animation_frames(selection.events, types, "day", "moving")
    assert windows[0].start == selection.events["event_date"].min().date()
    assert windows[-1].end == selection.events["event_date"].max().date()


@pytest.mark.parametrize(
    ("flt", "unit", "message"),
    [
        (EventFilter(start=dt.date(1990, 1, 1), end=dt.date(2023, 9, 30)), "day", "more than 4,000: pick a longer"),
        (
            EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2023, 9, 30)),
            "day",
            f"an animation draws at most {MAX_ANIMATION_FRAMES:,}: pick a longer window",
        ),
        (EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 9, 20)), "day", r"ends \(2020-09-20\) before"),
        (EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10)), "year", "Unknown frame window 'year'"),
        (EventFilter(event_types=()), "day", "nothing to animate: widen the filters or set the period"),
    ],
)
def test_impossible_animations_are_refused_with_a_sentence(bundled, boundaries, flt, unit, message):
    selection = select_events(bundled, NK, flt)
    request = ExportRequest(fmt="gif", title=default_title(flt), frame_unit=unit)
    with pytest.raises(ExportError, match=message):
        export_bytes(request, selection, flt, NK, boundaries, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"representation": "heatmap"}, "Animations draw the events as points or as a choropleth, not as a heatmap"),
        ({"frame_ms": 10}, "A frame shown for 10 ms is outside 50–5,000 ms"),
        ({"frame_mode": "backwards"}, "Unknown playback mode 'backwards'"),
    ],
)
def test_animation_settings_it_cannot_draw_are_refused(war, boundaries, changes, message):
    request = dataclasses.replace(ExportRequest(fmt="gif", title="x"), **changes)
    with pytest.raises(ExportError, match=message):
        export_bytes(request, war, WAR, NK, boundaries, None)


def test_the_export_reports_each_frame_from_its_child_process(war, boundaries):
    assert EXPORT_FORMATS["gif"].in_child_above == 0  # always drawn out of the server's process
    reports: list[tuple[int, int]] = []
    request = ExportRequest(fmt="gif", title="The 2020 war", frame_unit="week", frame_mode="cumulative")
    data = export_bytes(request, war, WAR, NK, boundaries, None, progress=lambda *done: reports.append(done))
    assert reports == [(n, 7) for n in range(1, 8)]
    assert Image.open(io.BytesIO(data)).n_frames == 7


@pytest.mark.parametrize(("kind", "measure"), [("provinces", "events"), ("sectors", "killed")])
def test_a_choropleth_colours_each_frame_by_its_window_in_one_set_of_classes(bundled, boundaries, kind, measure):
    from dashboard.geo.units import unit_shapes
    from dashboard.summary.units import choropleth, unit_figures

    selection = select_events(bundled, NK, WAR)
    windows = animation_frames(selection.events, WAR, "week", "cumulative")
    spec = dataclasses.replace(SPEC, representation=kind, measure=measure)
    drawn = render_animation("gif", selection.events, windows, boundaries, NK, spec, 500)
    renderer = FrameRenderer(selection.events, boundaries, NK, spec, windows)
    assert renderer.classes is not None and renderer.classes.labels
    shapes = unit_shapes(boundaries, kind)
    for window, frame in zip(windows, drawn.frames, strict=True):
        events = selection.events[selection.events["event_id"].isin(server_side_ids(bundled, WAR, window))]
        expected = choropleth(unit_figures(events, shapes, kind), measure, renderer.classes).colours
        assert dict(frame.units) == {str(unit): colour for unit, colour in expected.items()}, window
        assert frame.marks == 0 and set(frame.event_ids) == set(events["event_id"])
    coloured = [sum(colour is not None for _, colour in frame.units) for frame in drawn.frames]
    assert coloured == sorted(coloured) and coloured[-1] > coloured[0]  # cumulative: units only gain events
    # One set of classes: a unit's class never falls as its cumulative count grows.
    ranks = {colour: rank for rank, colour in enumerate(renderer.classes.colours)}
    for earlier, later in zip(drawn.frames, drawn.frames[1:], strict=False):
        before, after = dict(earlier.units), dict(later.units)
        for unit, colour in before.items():
            if colour in ranks and after[unit] in ranks:
                assert ranks[after[unit]] >= ranks[colour], (unit, earlier.label, later.label)


def test_a_choropleth_frame_shows_its_fills_and_the_gif_keeps_the_class_colours(war, boundaries):
    spec = dataclasses.replace(SPEC, representation="provinces")
    windows = animation_frames(war.events, WAR, "week", "moving")
    renderer = FrameRenderer(war.events, boundaries, NK, spec, windows)
    pixels, frame = renderer.draw(windows[0])
    drawn = render_animation("gif", war.events, windows, boundaries, NK, spec, 500)
    gif = gif_frames(drawn.data)[0]
    assert np.abs(gif.astype(int) - pixels.astype(int)).mean() < 1
    used = {colour for _, colour in frame.units if colour}
    assert used
    for colour in used:  # each class's fill over the land, as drawn, is in the GIF
        rgba = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        alpha = style.CHOROPLETH_UNIT.fill_opacity
        over_land = np.array([int(style.HOME_LAND.fill[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        blended = tuple((rgba * alpha + over_land * (1 - alpha)) * 255)
        near = np.abs(gif.astype(float) - blended).max(axis=2) <= 1
        assert near.sum() > 100, colour
