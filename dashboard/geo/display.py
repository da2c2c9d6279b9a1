"""Boundary layers prepared once for drawing: simplified, rounded GeoJSON.

Joins always use the full geometry in ``Boundaries``; these copies only make
the map lighter. Building them takes a noticeable fraction of a second, so the
app caches the result instead of redoing it on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.geo.join import Boundaries
from dashboard.geo.units import unit_shapes
from dashboard.vocab import LACHIN_CORRIDOR_LABEL, UNIT_COLUMNS

GeoJSON = dict[str, Any]

# Simplification tolerance in degrees (~0.1 km per 0.001°). Country outlines
# move by at most ~10 m: events within a few hundred metres of the border matter.
OUTLINE_TOLERANCE = 0.0001
CONTEXT_TOLERANCE = 0.004
PROVINCE_TOLERANCE = 0.002
GRID = 1e-5  # ~1 m: coordinates written with 5 decimals


@dataclass(frozen=True)
class BaseLayers:
    """The boundary layers as GeoJSON, simplified for drawing, plus the place labels; built once per boundary set."""

    countries: GeoJSON  # outlines, within ~10 m of the joined geometry
    land: GeoJSON  # Armenia and Azerbaijan, simplified, for the offline basemap fill
    neighbours: GeoJSON
    water: GeoJSON
    provinces: GeoJSON  # properties: province, province_code (shown as plain text); a choropleth's units
    sectors: GeoJSON  # border sectors as areas (join.sector_shapes), property border_sector; a choropleth's units
    nagorno_karabakh: dict[str, GeoJSON]  # by NK_BOUNDARIES key
    lachin_corridor: GeoJSON  # Crisis Group's, Nov 2020 – Aug 2022 (a toggle layer)
    labels: list[Label]  # place names for the offline basemap
    # Per choropleth kind (vocab.UNIT_COLUMNS): name and area_km2 by unit id, the figures' denominators.
    units: dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Label:
    """A name drawn on the offline basemap (a country or a water body) at a representative point."""

    text: str
    lat: float
    lon: float
    kind: str  # "country", "water" or "province"


def _geojson(gdf: gpd.GeoDataFrame, columns: list[str], tolerance: float = 0.0) -> GeoJSON:
    geometry = gdf.geometry
    if tolerance:
        geometry = geometry.simplify(tolerance, preserve_topology=True)
    geometry = shapely.set_precision(geometry.values, GRID, mode="pointwise")
    frame = gpd.GeoDataFrame(gdf[columns].copy(), geometry=geometry, crs=gdf.crs)
    for column in columns:
        frame[column] = frame[column].astype(str)
    return frame.__geo_interface__


def _labels(gdf: gpd.GeoDataFrame, kind: str) -> list[Label]:
    """One label per feature, at the centre of the largest circle inside its largest part."""
    labels = []
    for name, geometry in zip(gdf["name"], gdf.geometry, strict=True):
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
        x, y = shapely.maximum_inscribed_circle(largest, 0.01).coords[0]
        labels.append(Label(text=str(name), lat=round(y, 4), lon=round(x, 4), kind=kind))
    return labels


def place_labels(boundaries: Boundaries) -> list[Label]:
    """Names of the countries, neighbours, sea and lakes, for the offline basemap and snapshots."""
    return (
        _labels(boundaries.countries, "country")
        + _labels(boundaries.neighbours, "country")
        + _labels(boundaries.water, "water")
    )


PROVINCE_LABELS_BELOW_DEG = 3.0  # an area narrower than this (about 250 km) names its provinces
SHARE_TO_NAME = 0.06  # a country or province covering this share of the area is named in it


def area_labels(boundaries: Boundaries, west: float, south: float, east: float, north: float) -> list[Label]:
    """Names for a map of one area: each country and water body where it is, or, when its usual
    label point falls outside, inside the part the area shows; provinces too when the area is
    small enough for their names to be read (kind "province")."""
    frame = shapely.box(west, south, east, north)
    labels = []
    for gdf, kind in (
        (boundaries.countries, "country"),
        (boundaries.neighbours, "country"),
        (boundaries.water, "water"),
    ):
        for label, geometry in zip(_labels(gdf, kind), gdf.geometry, strict=True):
            if frame.contains(shapely.Point(label.lon, label.lat)):
                labels.append(label)
                continue
            shown = geometry.intersection(frame)
            if shown.area >= SHARE_TO_NAME * frame.area:
                labels.append(_label_inside(label.text, shown, kind))
    if east - west < PROVINCE_LABELS_BELOW_DEG:
        for name, geometry in zip(boundaries.provinces["province"], boundaries.provinces.geometry, strict=True):
            shown = geometry.intersection(frame)
            if shown.area >= SHARE_TO_NAME / 2 * frame.area:
                labels.append(_label_inside(str(name), shown, "province"))
    return labels


def _label_inside(text: str, geometry: shapely.Geometry, kind: str) -> Label:
    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
    x, y = shapely.maximum_inscribed_circle(largest, 0.005).coords[0]
    return Label(text=text, lat=round(y, 4), lon=round(x, 4), kind=kind)


def base_layers(boundaries: Boundaries) -> BaseLayers:
    """Simplify and label the boundaries once for the map and the HTML export (each at its own tolerance)."""
    nk = boundaries.nagorno_karabakh
    return BaseLayers(
        countries=_geojson(boundaries.countries, ["name"], OUTLINE_TOLERANCE),
        land=_geojson(boundaries.countries, ["name"], CONTEXT_TOLERANCE),
        neighbours=_geojson(boundaries.neighbours, ["name"], CONTEXT_TOLERANCE),
        water=_geojson(boundaries.water, ["name"], CONTEXT_TOLERANCE),
        provinces=_geojson(boundaries.provinces, ["province", "province_code"], PROVINCE_TOLERANCE),
        sectors=_geojson(boundaries.sectors, ["border_sector"], PROVINCE_TOLERANCE),
        nagorno_karabakh={key: _geojson(nk.loc[[key]], ["name"]) for key in nk.index},
        lachin_corridor=_geojson(
            gpd.GeoDataFrame({"name": [LACHIN_CORRIDOR_LABEL]}, geometry=[boundaries.lachin_corridor], crs=nk.crs),
            ["name"],
        ),
        labels=place_labels(boundaries),
        units={kind: pd.DataFrame(unit_shapes(boundaries, kind).drop(columns="geometry")) for kind in UNIT_COLUMNS},
    )
