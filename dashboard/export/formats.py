"""The export formats: one registry read by the exporters, the Export panel and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SCREEN_DPI: Final = 150
PRINT_DPI: Final = 300


@dataclass(frozen=True)
class ExportFormat:
    """One export format as the exporters, the Export panel and the CLI know it."""

    key: str  # what --format takes
    label: str  # what the Export panel offers
    mime: str
    extensions: tuple[str, ...]  # the first is used for file names
    snapshot: bool  # drawn server-side as a map picture (PNG/SVG/PDF)
    # Above this many events the file is built in a child process (dashboard/isolation.py): the writer
    # holds the interpreter lock for about a second per this many events, stalling other sessions.
    # None: always fast enough to build in the session (the HTML export draws grid cells above 250k).
    in_child_above: int | None = None
    animation: bool = False  # the period frame by frame (dashboard/export/animation.py)


EXPORT_FORMATS: Final[dict[str, ExportFormat]] = {
    f.key: f
    for f in (
        ExportFormat("pdf", "PDF — vector, for print", "application/pdf", (".pdf",), True, 20_000),
        ExportFormat("png", "PNG", "image/png", (".png",), True, 20_000),
        ExportFormat("svg", "SVG — vector, editable", "image/svg+xml", (".svg",), True, 20_000),
        ExportFormat("html", "HTML — interactive map, opens offline", "text/html", (".html", ".htm"), False),
        ExportFormat("csv", "CSV — filtered events with joined regions", "text/csv", (".csv",), False, 50_000),
        ExportFormat(
            "zip",
            "ZIP — data package: events and claims CSV, datapackage.json, README",
            "application/zip",
            (".zip",),
            False,
            50_000,
        ),
        ExportFormat(
            "geojson",
            "GeoJSON — filtered events as points",
            "application/geo+json",
            (".geojson", ".json"),
            False,
            50_000,
        ),
        # Always in a child (above 0 events): tens of frames hold the interpreter lock for seconds.
        ExportFormat("gif", "GIF — animation, frame by frame", "image/gif", (".gif",), False, 0, animation=True),
        ExportFormat("mp4", "MP4 — video, frame by frame (H.264)", "video/mp4", (".mp4",), False, 0, animation=True),
    )
}
FORMATS: Final = tuple(EXPORT_FORMATS)
SNAPSHOT_FORMATS: Final = tuple(key for key, f in EXPORT_FORMATS.items() if f.snapshot)
FORMAT_BY_EXTENSION: Final[dict[str, str]] = {ext: f.key for f in EXPORT_FORMATS.values() for ext in f.extensions}
ANIMATION_FORMATS: Final = tuple(key for key, f in EXPORT_FORMATS.items() if f.animation)

# Animations: the snapshot's page at 100 dpi is 1100 × 850 pixels (even, as H.264 needs), legible
# on a screen and a few hundred KB per GIF frame at most.
ANIMATION_DPI: Final = 100
DEFAULT_FRAME_MS: Final = 500
# 20 frames a second at most (GIF viewers slow down shorter frames), 5 s a frame at least.
MIN_FRAME_MS: Final = 50
MAX_FRAME_MS: Final = 5000
# A frame takes about 0.1–0.3 s to draw and encode: a thousand fit in the export's time limit,
# and the GIF writer holds every frame (1 byte a pixel) until it writes the file.
MAX_ANIMATION_FRAMES: Final = 1000


def panel_choices() -> dict[str, tuple[str, int]]:
    """The Export panel's choices, label -> (format, PNG dpi); PNG is offered for screen and for print."""
    choices: dict[str, tuple[str, int]] = {}
    for f in EXPORT_FORMATS.values():
        if f.key == "png":
            choices[f"PNG — screen ({SCREEN_DPI} dpi)"] = ("png", SCREEN_DPI)
            choices[f"PNG — print ({PRINT_DPI} dpi)"] = ("png", PRINT_DPI)
        else:
            choices[f.label] = (f.key, SCREEN_DPI)
    return choices
