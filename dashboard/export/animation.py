"""The period played frame by frame as an animated GIF or an MP4 video, drawn server-side like the snapshots.

The frames are those of the map's playback (dashboard/timeframes.py). The snapshot of the whole
period is drawn once — basemap, boundaries, places, legend, title, caption, attribution, scale
bar — and copied as each frame's background; a frame then draws only its own events, the labels
that lie over them (towns, scale bar, north arrow) and its date stamp. A choropleth's frame
recolours the units instead, in one set of classes for the whole animation, and draws the
outlines and names over them. A heatmap is not animated (its scale would change per frame). The
GIF is written by Pillow, the MP4 by ffmpeg (the binary the imageio-ffmpeg package ships, or one
on the PATH).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection, PathCollection
from matplotlib.colors import to_rgb
from matplotlib.path import Path as MplPath
from PIL import Image
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from dashboard import style
from dashboard.errors import ExportError
from dashboard.export.formats import (
    ANIMATION_DPI,
    ANIMATION_FORMATS,
    MAX_ANIMATION_FRAMES,
    MAX_FRAME_MS,
    MIN_FRAME_MS,
)
from dashboard.export.snapshot import (
    FILL_ZORDER,
    MARKER_ALPHA,
    POINT_GIDS,
    SNAPSHOT_CRS,
    SnapshotSpec,
    choropleth_fills,
    draw_points,
    events_in,
    render_snapshot,
    snapshot_extent,
)
from dashboard.filters import EventFilter, filter_mask
from dashboard.geo.join import Boundaries
from dashboard.geo.units import unit_shapes
from dashboard.summary.units import INTEGER_MEASURES, Classes, choropleth, quantile_classes, unit_figures
from dashboard.timeframes import Frame, FramesError, day_label, frames, played_period
from dashboard.vocab import REPRESENTATIONS, UNIT_COLUMNS

# (frames drawn, frames in all): called after each frame, so that a caller can show how far it is.
Progress = Callable[[int, int], None]

POINTS = "points"
# Drawn over the events (zorder 5) on a snapshot: the "×N" counts, towns, scale bar, north arrow.
OVER_EVENTS_ZORDER = 5
CHOROPLETH_GIDS = ("choropleth",)  # a choropleth's fill (snapshot.draw_choropleth), replaced per frame
STAMP_X = 0.725  # the legend column's left edge (figure fraction)
GIF_COLOURS = 255  # one palette entry is left for Pillow's transparency of unchanged pixels
EXACT_COLOURS = 64  # the most frequent colours of a frame keep an entry of their own


@dataclass(frozen=True)
class DrawnFrame:
    """What one frame shows: its date stamp and the events it drew (ids in drawing order)."""

    label: str  # the frame's window (Frame.label)
    stamp: tuple[str, str]  # what the stamp said: the window, and the events shown
    event_ids: tuple[str, ...]
    marks: int  # the markers the frame's scatter holds: one per event drawn (0 on a choropleth)
    # A choropleth's frame: each unit's fill colour (None: no events in the window), in unit order.
    units: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Animation:
    """The encoded file, its frames as drawn and its size in pixels (width, height)."""

    data: bytes
    frames: tuple[DrawnFrame, ...]
    size: tuple[int, int]


def animation_period(events: pd.DataFrame, flt: EventFilter) -> tuple[dt.date, dt.date]:
    """The filter's start and end; where it leaves one open, the first or last date of ``events``
    (timeframes.played_period, as the map's playback)."""
    period = played_period(flt.start, flt.end, events["event_date"])
    if period is None:
        raise ExportError(
            "No event passes the filters and they set no period, so there is nothing to animate: "
            "widen the filters or set the period's start and end dates."
        )
    return period


def animation_frames(events: pd.DataFrame, flt: EventFilter, unit: str, mode: str) -> list[Frame]:
    """The frames of the filtered period (see ``animation_period``) by ``unit``, in ``mode``.

    Raises ExportError with a sentence for an unknown unit or mode, an inverted period, or more
    frames than an animation draws (MAX_ANIMATION_FRAMES).
    """
    start, end = animation_period(events, flt)
    try:
        windows = frames(start, end, unit, mode)
    except FramesError as exc:
        raise ExportError(str(exc)) from None
    if len(windows) > MAX_ANIMATION_FRAMES:
        raise ExportError(
            f"{day_label(start)} to {day_label(end)} by {unit} is {len(windows):,} frames; an animation draws at most "
            f"{MAX_ANIMATION_FRAMES:,}: pick a longer window (week or month) or a shorter period."
        )
    return windows


def check_frame_ms(frame_ms: int) -> None:
    """Refuse, with a sentence, a frame duration outside MIN_FRAME_MS..MAX_FRAME_MS."""
    if not MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS:
        raise ExportError(
            f"A frame shown for {frame_ms:,} ms is outside {MIN_FRAME_MS}–{MAX_FRAME_MS:,} ms "
            f"({1000 / MAX_FRAME_MS:g}–{1000 / MIN_FRAME_MS:g} frames a second)."
        )


def check_representation(representation: str) -> None:
    """Animations draw points or a choropleth: a heatmap is refused with a sentence."""
    if representation != POINTS and representation not in UNIT_COLUMNS:
        words = REPRESENTATIONS.get(representation, representation).lower()
        raise ExportError(
            f"Animations draw the events as points or as a choropleth, not as a {words}: show them as points "
            "(--as points) or by province or sector (--as provinces|sectors), or export the heatmap as a "
            "snapshot (PNG, SVG, PDF)."
        )


def animation_classes(
    events: pd.DataFrame, windows: list[Frame], shapes: gpd.GeoDataFrame, kind: str, measure: str
) -> Classes | None:
    """A choropleth's classes for a whole animation: quantiles of every frame's figures (the units with events
    in that frame), so that one colour means one range in every frame."""
    pooled = []
    for frame in windows:
        figures = unit_figures(_in_window(events, frame), shapes, kind)
        values = figures.values(measure)
        pooled.append(values[(figures.table["events"] > 0) & values.notna()])
    if not pooled:
        return None
    return quantile_classes(pd.concat(pooled), integer=measure in INTEGER_MEASURES)


def _in_window(events: pd.DataFrame, frame: Frame) -> pd.DataFrame:
    """The events a frame shows (dated shown_from..end), chosen by the filters' own date clause."""
    return events[filter_mask(events, EventFilter(start=frame.shown_from, end=frame.end))]


def stamp_text(frame: Frame, shown: int) -> tuple[str, str]:
    """The date stamp of a frame: its window, and how many events it shows (since when, if cumulative)."""
    noun = "event" if shown == 1 else "events"
    count = f"{shown:,} {noun}"
    if frame.shown_from != frame.start:
        count += f" since {day_label(frame.shown_from)}"
    return frame.label(), count


class FrameRenderer:
    """The snapshot of the whole period drawn once without its events, then each frame over it.

    Everything under the events is drawn once into a background image; a frame restores that
    image and draws its events, the artists that lie over events on a snapshot (the "×N" counts,
    towns, scale bar, north arrow) and its date stamp. On a choropleth the units' fill lies under
    the outlines and area names, so those are drawn per frame too. The extent, the towns named and
    the legend are those of the whole period, so they stay still while the events change.
    """

    def __init__(
        self,
        events: pd.DataFrame,
        boundaries: Boundaries,
        nk_boundary: str,
        spec: SnapshotSpec,
        windows: list[Frame] | None = None,
    ) -> None:
        """Draw ``spec``'s snapshot of ``events`` (the whole period's) as the frames' background. A choropleth
        (``spec.representation`` provinces or sectors) needs the ``windows`` to be drawn, for its classes."""
        self.kind = spec.representation if spec.representation in UNIT_COLUMNS else None
        self.spec = spec if self.kind else replace(spec, representation=POINTS)
        self.classes: Classes | None = None
        if self.kind:
            self.shapes = unit_shapes(boundaries, self.kind)
            inside = events[events["latitude"].notna()]
            inside = inside[events_in(inside, snapshot_extent(events, spec.bbox))]
            self.classes = animation_classes(inside, windows or [], self.shapes, self.kind, spec.measure)
            self.spec = replace(self.spec, classes=self.classes)  # the legend shows the animation's classes
        with rc_context({"text.parse_math": False}):
            snapshot = render_snapshot(events, boundaries, nk_boundary, self.spec)
            self.figure = snapshot.figure
            self.figure.set_dpi(ANIMATION_DPI)
            self.events = snapshot.events  # the located events inside the extent
            self.ax = self.figure.axes[0]
            for artist in self._points():
                artist.remove()
            if self.kind:
                self.fill = self._unit_fill()
            # Points lie over everything but the labels; a choropleth's fill under the outlines too.
            under = FILL_ZORDER if self.kind else OVER_EVENTS_ZORDER
            self.over: list[Artist] = [
                artist
                for artist in [*self.ax.texts, *self.ax.lines, *self.ax.patches, *self.ax.collections]
                if artist.get_zorder() > under
            ]
            for artist in self.over:
                artist.set_animated(True)  # left out of the background: drawn over each frame's events
            # The stamp heads the legend column, on the title's line: inside the map it would hide
            # events or the towns placed there.
            self.stamp = self.figure.text(
                STAMP_X, 0.958, "", fontsize=15, fontweight="bold", color=style.INK, va="center", animated=True
            )
            self.count = self.figure.text(STAMP_X, 0.922, "", fontsize=9, color=style.INK, va="center", animated=True)
            self._make_room_for_stamp(spec.title)
            self.canvas = FigureCanvasAgg(self.figure)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        width, height = self.canvas.get_width_height()
        self.size = (width - width % 2, height - height % 2)  # H.264 with yuv420p needs even sides

    def _make_room_for_stamp(self, title: str) -> None:
        """Wrap a title long enough to reach the stamp's column onto two lines (the snapshot draws it on one)."""
        renderer = FigureCanvasAgg(self.figure).get_renderer()
        room = (STAMP_X - 0.01) * self.figure.bbox.width
        for text in self.figure.texts:
            if text.get_text() != title or not title:
                continue
            width = text.get_window_extent(renderer).width
            if width > room:
                per_line = max(10, int(len(title) * room / width))
                text.set_text("\n".join(textwrap.wrap(title, per_line)))
                text.set_fontsize(13)

    def exact_colours(self) -> list[np.ndarray]:
        """The colours (RGB, 0–1) the frames fill with, over the land as drawn: the event types' (full, as in
        the legend, and as the markers blend) or a choropleth's classes (as the legend and the units show them)."""
        land = np.array(to_rgb(style.HOME_LAND.fill or "white"))
        if self.kind:
            classes = self.classes.colours if self.classes else ()
            fills = choropleth_fills([*classes, style.NO_FIGURE.fill, None])
            solid = [np.array(to_rgb(colour)) for colour in classes]
            return solid + [np.array(f[:3]) * f[3] + land * (1 - f[3]) for f in fills]
        out: list[np.ndarray] = []
        for colour in [*style.EVENT_TYPE_COLOURS.values(), style.UNKNOWN_TYPE_COLOUR]:
            rgb = np.array(to_rgb(colour))
            out += [rgb, rgb * MARKER_ALPHA + land * (1 - MARKER_ALPHA)]
        return out

    def _points(self) -> list[Artist]:
        replaced = CHOROPLETH_GIDS if self.kind else POINT_GIDS
        return [artist for artist in self.ax.get_children() if artist.get_gid() in replaced]

    def shown(self, frame: Frame) -> pd.DataFrame:
        """The events ``frame`` shows: the period's events inside the extent dated shown_from..end."""
        return _in_window(self.events, frame)

    def _unit_fill(self) -> PathCollection:
        """One path per unit, in the order of self.shapes, under the outlines: each frame only recolours it
        (a GeoPandas plot per frame would also redraw the whole figure)."""
        unit = style.CHOROPLETH_UNIT
        projected = self.shapes.geometry.to_crs(SNAPSHOT_CRS)
        fill = PathCollection(
            [_unit_path(geometry) for geometry in projected],
            facecolors=choropleth_fills([None] * len(projected)),
            edgecolors=unit.edge,
            linewidths=unit.width_pt,
            zorder=FILL_ZORDER,
            animated=True,
        )
        fill.set_gid("choropleth")
        self.ax.add_collection(fill, autolim=False)
        return fill

    def _draw_units(self, shown: pd.DataFrame) -> tuple[list[Artist], tuple[tuple[str, str | None], ...]]:
        """The frame's choropleth in the animation's classes; the fill and each unit's colour."""
        assert self.kind is not None
        drawn = choropleth(unit_figures(shown, self.shapes, self.kind), self.spec.measure, self.classes)
        colours = [drawn.colours[unit] for unit in self.shapes.index]
        self.fill.set_facecolor(choropleth_fills(colours))
        return [self.fill], tuple(zip(self.shapes.index.astype(str), colours, strict=True))

    def draw(self, frame: Frame) -> tuple[np.ndarray, DrawnFrame]:
        """The frame as RGB pixels (height × width × 3, even sides) and what it drew."""
        shown = self.shown(frame)
        with rc_context({"text.parse_math": False}):
            if not self.kind:
                for artist in self._points():
                    artist.remove()
            units: tuple[tuple[str, str | None], ...] = ()
            if self.kind:
                drawn, units = self._draw_units(shown)
            else:
                drawn = draw_points(self.ax, shown, self.spec.uncertainty)
            scatter = [a for a in drawn if isinstance(a, Collection) and a.get_gid() == "events"]
            marks = sum(int(np.asarray(a.get_offsets()).shape[0]) for a in scatter)
            date, count = stamp_text(frame, len(shown))
            self.stamp.set_text(date)
            self.count.set_text(count)
            self.canvas.restore_region(self.background)
            for artist in sorted([*drawn, *self.over], key=lambda a: a.get_zorder()):
                self.ax.draw_artist(artist)
            self.figure.draw_artist(self.stamp)
            self.figure.draw_artist(self.count)
        width, height = self.size
        pixels = np.asarray(self.canvas.buffer_rgba())[:height, :width, :3].copy()
        ordered = shown.sort_values("event_date", kind="stable")  # the order draw_points draws them in
        ids = tuple(ordered["event_id"].astype(str))
        stamp = (self.stamp.get_text(), self.count.get_text())
        return pixels, DrawnFrame(label=frame.label(), stamp=stamp, event_ids=ids, marks=marks, units=units)


def _unit_path(geometry: BaseGeometry) -> MplPath:
    """A unit's (multi)polygon as one matplotlib path, holes included (exteriors counter-clockwise, holes
    clockwise, as the non-zero fill rule needs)."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = orient(part, 1.0)
        for ring in [part.exterior, *part.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return MplPath(np.empty((0, 2)))
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


@functools.cache
def ffmpeg_exe() -> str | None:
    """An ffmpeg that encodes H.264 (imageio-ffmpeg's own binary, or one on the PATH), or None."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None
    try:
        encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if "libx264" in encoders.stdout else None


MP4_UNAVAILABLE = (
    "MP4 needs an ffmpeg with the H.264 encoder, and none was found (the imageio-ffmpeg package ships one): "
    "export a GIF instead, which needs none."
)


def _packed(rgb: np.ndarray) -> np.ndarray:
    """RGB pixels as one integer each (0xRRGGBB)."""
    wide = rgb.astype(np.uint32)
    return (wide[..., 0] << 16) | (wide[..., 1] << 8) | wide[..., 2]


def _gif_palette(source: np.ndarray, exact: list[np.ndarray]) -> np.ndarray:
    """One palette for every frame (entries × 3): an entry for each of the ``exact`` colours (RGB in 0–1: what
    the frames fill with, as they blend over the land) and for the picture's most frequent colours (page,
    land, water, ink), so that flat areas keep their colour and do not flicker; then a median cut of the
    other pixels (``source``: the background with every event drawn)."""
    wanted = _packed((np.array(exact).reshape(-1, 3) * 255).round().astype(np.uint8))
    pixels = _packed(source).ravel()
    values, counts = np.unique(pixels, return_counts=True)
    frequent = values[np.argsort(-counts, kind="stable")][:EXACT_COLOURS]
    fixed = list(dict.fromkeys([*wanted.tolist(), *frequent.tolist()]))[:GIF_COLOURS]
    entries = [((v >> 16) & 255, (v >> 8) & 255, v & 255) for v in fixed]
    others = source.reshape(-1, 3)[~np.isin(pixels, fixed)]
    if len(others) and len(entries) < GIF_COLOURS:
        cut = Image.fromarray(others.reshape(1, -1, 3)).quantize(GIF_COLOURS - len(entries), Image.Quantize.MEDIANCUT)
        flat = cut.getpalette() or []
        entries += [tuple(flat[3 * i : 3 * i + 3]) for i in np.unique(np.asarray(cut)).tolist()]  # type: ignore[misc]
    return np.array(entries, dtype=np.uint8)


class _PaletteIndex:
    """Each RGB pixel's entry in a palette: its own colour where the palette has it, else the nearest.

    Pillow's own mapping looks colours up at 6 bits a channel, which turns the page's white into the
    land's near-white; here a table over all 2^24 colours is filled as colours first appear, so a frame
    costs one table look-up per pixel.
    """

    UNSET = 255  # the palette has at most GIF_COLOURS (255) entries

    def __init__(self, entries: np.ndarray) -> None:
        self.entries = entries.astype(np.int32)
        self.table = np.full(1 << 24, self.UNSET, dtype=np.uint8)
        self.table[_packed(entries)[::-1]] = np.arange(len(entries), dtype=np.uint8)[::-1]

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """The palette indices of ``rgb`` (height × width × 3)."""
        packed = _packed(rgb)
        indices = self.table[packed]
        missing = indices == self.UNSET
        if missing.any():
            new = np.unique(packed[missing])
            for chunk in np.array_split(new, max(1, len(new) // 4096)):
                colours = np.stack([(chunk >> 16) & 255, (chunk >> 8) & 255, chunk & 255], axis=1).astype(np.int32)
                distance = ((colours[:, None, :] - self.entries[None, :, :]) ** 2).sum(axis=2)
                self.table[chunk] = distance.argmin(axis=1).astype(np.uint8)
            indices = self.table[packed]
        return indices


def _gif_bytes(images: Iterator[np.ndarray], palette_of: np.ndarray, exact: list[np.ndarray], frame_ms: int) -> bytes:
    """Every image mapped to one palette (see ``_gif_palette``; ``palette_of`` is the background with every
    event drawn), without dithering; loops for ever."""
    entries = _gif_palette(palette_of, exact)
    index = _PaletteIndex(entries)
    flat = entries.ravel().tolist()
    quantised = []
    for image in images:
        frame = Image.frombytes("P", (image.shape[1], image.shape[0]), index(image).tobytes())
        frame.putpalette(flat)
        quantised.append(frame)
    buffer = io.BytesIO()
    quantised[0].save(
        buffer, format="GIF", save_all=True, append_images=quantised[1:], duration=frame_ms, loop=0, optimize=False
    )
    return buffer.getvalue()


def _mp4_bytes(images: Iterator[np.ndarray], size: tuple[int, int], frame_ms: int) -> bytes:
    """H.264 in yuv420p (what every player opens) at one frame per ``frame_ms``; raw frames are piped to ffmpeg."""
    exe = ffmpeg_exe()
    if exe is None:
        raise ExportError(MP4_UNAVAILABLE)
    with tempfile.TemporaryDirectory(prefix="ccm-mp4-") as folder:
        out, log = Path(folder) / "animation.mp4", Path(folder) / "ffmpeg.log"
        command = [
            exe,
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-s",
            f"{size[0]}x{size[1]}",
            "-framerate",
            f"1000/{frame_ms}",
            "-i",
            "-",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-crf",
            "23",
            "-movflags",
            "+faststart",
            str(out),
        ]
        with log.open("wb") as errors:
            encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)
            assert encoder.stdin is not None
            try:
                for image in images:
                    encoder.stdin.write(image.tobytes())
                encoder.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped: its exit code and log say why
            finally:
                if not encoder.stdin.closed:
                    encoder.stdin.close()
                code = encoder.wait()
        if code != 0:
            said = log.read_text(errors="replace").strip().splitlines()
            raise ExportError(f"The MP4 encoder (ffmpeg) failed: {said[-1] if said else f'exit code {code}'}.")
        return out.read_bytes()


def render_animation(
    fmt: str,
    events: pd.DataFrame,
    windows: list[Frame],
    boundaries: Boundaries,
    nk_boundary: str,
    spec: SnapshotSpec,
    frame_ms: int,
    progress: Progress | None = None,
) -> Animation:
    """``events`` (the whole period's) played through ``windows`` as a GIF or MP4 (``fmt``), each frame shown
    ``frame_ms``; ``progress`` is told after each frame. An empty period still plays: its stamps say 0 events."""
    if fmt not in ANIMATION_FORMATS:
        raise ExportError(f"'{fmt}' is not an animation; use one of {', '.join(ANIMATION_FORMATS)}.")
    check_frame_ms(frame_ms)
    check_representation(spec.representation)
    if not windows:
        raise ExportError("An animation needs at least one frame.")
    if fmt == "mp4" and ffmpeg_exe() is None:
        raise ExportError(MP4_UNAVAILABLE)
    renderer = FrameRenderer(events, boundaries, nk_boundary, spec, windows)
    drawn: list[DrawnFrame] = []

    def images() -> Iterator[np.ndarray]:
        for number, frame in enumerate(windows, start=1):
            pixels, what = renderer.draw(frame)
            drawn.append(what)
            yield pixels
            if progress is not None:
                progress(number, len(windows))

    if fmt == "gif":
        # The palette's colours: every event of the period drawn, over the background.
        everything, _ = renderer.draw(Frame(windows[0].shown_from, windows[-1].end, windows[0].shown_from))
        data = _gif_bytes(images(), everything, renderer.exact_colours(), frame_ms)
    else:
        data = _mp4_bytes(images(), renderer.size, frame_ms)
    return Animation(data=data, frames=tuple(drawn), size=renderer.size)


def animation_file(
    fmt: str,
    events: pd.DataFrame,
    windows: list[Frame],
    boundaries: Boundaries,
    nk_boundary: str,
    spec: SnapshotSpec,
    frame_ms: int,
    progress: Progress | None = None,
) -> bytes:
    """The encoded file of ``render_animation`` (what a child process runs and sends back)."""
    return render_animation(fmt, events, windows, boundaries, nk_boundary, spec, frame_ms, progress).data
