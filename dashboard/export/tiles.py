"""Fetch web-map tiles for a snapshot's background, when the network allows it.

Tiles are optional decoration: any failure (offline, timeout, bad image)
returns None and the snapshot is drawn without them.
"""

from __future__ import annotations

import io
import math
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image

from dashboard.basemaps import Basemap

WEB_MERCATOR_HALF = 20037508.342789244  # metres, EPSG:3857
TILE_PX = 256
USER_AGENT = "CaucasusConflictMap/0.1 (map snapshots for reports)"


@dataclass(frozen=True)
class TileImage:
    """Stitched tiles and where they lie, ready for matplotlib's imshow."""

    pixels: np.ndarray  # height × width × 3, uint8
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max in EPSG:3857 (imshow order)
    zoom: int


def choose_zoom(x_min: float, x_max: float, width_px: int) -> int:
    """The web-map zoom whose tiles match ``width_px`` pixels across x_min..x_max (EPSG:3857 metres)."""
    metres_per_px = (x_max - x_min) / max(width_px, 1)
    zoom = round(math.log2(2 * WEB_MERCATOR_HALF / TILE_PX / metres_per_px))
    return max(0, min(18, zoom))


def _tile_range(lo: float, hi: float, zoom: int, flip: bool) -> range:
    size = 2 * WEB_MERCATOR_HALF / 2**zoom
    if flip:
        first, last = (WEB_MERCATOR_HALF - hi) / size, (WEB_MERCATOR_HALF - lo) / size
    else:
        first, last = (lo + WEB_MERCATOR_HALF) / size, (hi + WEB_MERCATOR_HALF) / size
    return range(max(0, math.floor(first)), min(2**zoom - 1, math.floor(last)) + 1)


def fetch_tiles(
    basemap: Basemap,
    bounds: tuple[float, float, float, float],
    width_px: int,
    timeout: float = 4.0,
    max_tiles: int = 48,
) -> TileImage | None:
    """Tiles covering ``bounds`` (x_min, y_min, x_max, y_max in EPSG:3857), stitched; None if unavailable."""
    x_min, y_min, x_max, y_max = bounds
    zoom = min(choose_zoom(x_min, x_max, width_px), basemap.max_zoom)
    while True:
        xs, ys = _tile_range(x_min, x_max, zoom, flip=False), _tile_range(y_min, y_max, zoom, flip=True)
        if len(xs) * len(ys) <= max_tiles or zoom == 0:
            break
        zoom -= 1

    def get(xy: tuple[int, int]) -> np.ndarray:
        request = urllib.request.Request(basemap.tile_url(zoom, *xy), headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            image = Image.open(io.BytesIO(response.read())).convert("RGB")
        return np.asarray(image.resize((TILE_PX, TILE_PX)))

    cells = [(x, y) for y in ys for x in xs]
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            images = list(pool.map(get, cells))
    except (OSError, ValueError):  # URLError, timeouts and undecodable images are OSError/ValueError
        return None
    rows = [np.concatenate(images[i * len(xs) : (i + 1) * len(xs)], axis=1) for i in range(len(ys))]
    size = 2 * WEB_MERCATOR_HALF / 2**zoom
    extent = (
        xs.start * size - WEB_MERCATOR_HALF,
        (xs.stop) * size - WEB_MERCATOR_HALF,
        WEB_MERCATOR_HALF - ys.stop * size,
        WEB_MERCATOR_HALF - ys.start * size,
    )
    return TileImage(pixels=np.concatenate(rows, axis=0), extent=extent, zoom=zoom)
