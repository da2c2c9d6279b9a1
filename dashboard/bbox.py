"""A geographic bounding box with named sides, and its conversions to the orders libraries use.

Bounding boxes appear in four orders across the stack: GeoPandas/shapely
(minx, miny, maxx, maxy), the CLI's ``minlon,minlat,maxlon,maxlat``, Leaflet's
``[[south, west], [north, east]]`` and streamlit-folium's ``_southWest``/``_northEast``.
Code passes a ``BBox`` and converts only at those edges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

TEXT_FORM = "minlon,minlat,maxlon,maxlat"


@dataclass(frozen=True)
class BBox:
    """West, south, east and north edges in degrees (EPSG:4326); a valid box by construction."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not (-180 <= self.west < self.east <= 180 and -90 <= self.south < self.north <= 90):
            raise ValueError(
                f"The area {self.west:g},{self.south:g},{self.east:g},{self.north:g} is not valid: it needs "
                "minlon < maxlon and minlat < maxlat, in degrees."
            )

    @classmethod
    def parse(cls, text: str) -> BBox:
        """'minlon,minlat,maxlon,maxlat' -> BBox; ValueError with a sentence for each way it can be wrong."""
        try:
            values = [float(v) for v in text.split(",")]
        except ValueError:
            raise ValueError(f"The area '{text}' must be four numbers: {TEXT_FORM}.") from None
        if len(values) != 4:
            raise ValueError(f"The area '{text}' must be four numbers: {TEXT_FORM}.")
        return cls(*values)

    @classmethod
    def from_leaflet(cls, bounds: Mapping[str, object] | None) -> BBox | None:
        """The box of a Leaflet LatLngBounds as streamlit-folium returns it; None if absent or invalid."""
        try:
            south_west, north_east = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
            edges = (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])  # type: ignore[index]
        except (KeyError, TypeError):
            return None
        if not all(isinstance(v, (int, float)) for v in edges):
            return None
        try:
            return cls(*(float(v) for v in edges))
        except ValueError:
            return None

    @classmethod
    def around(cls, lon: pd.Series, lat: pd.Series, pad_deg: float = 0.0) -> BBox:
        """The box of the points, widened by ``pad_deg`` on every side."""
        return cls(
            max(float(lon.min()) - pad_deg, -180.0),
            max(float(lat.min()) - pad_deg, -90.0),
            min(float(lon.max()) + pad_deg, 180.0),
            min(float(lat.max()) + pad_deg, 90.0),
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy), the order of shapely.box and GeoPandas' total_bounds."""
        return self.west, self.south, self.east, self.north

    def leaflet(self) -> list[list[float]]:
        """[[south, west], [north, east]], the order of Leaflet's fitBounds."""
        return [[self.south, self.west], [self.north, self.east]]

    def contains(self, lon: pd.Series, lat: pd.Series) -> np.ndarray:
        """Which points lie inside the box, edges included."""
        return (lon.between(self.west, self.east) & lat.between(self.south, self.north)).to_numpy()

    def describe(self) -> str:
        """'lon 45.000–46.500, lat 39.000–40.000', for captions."""
        return f"lon {self.west:.3f}–{self.east:.3f}, lat {self.south:.3f}–{self.north:.3f}"
