"""The areas a choropleth is drawn on: provinces and border sectors, each with its name and area.

Both come from ``Boundaries`` (read once per boundary set): the provinces as the join uses them,
the border sectors as the areas ``join.sector_shapes`` cuts from the 25 km band along the border.
An event's unit is never recomputed from these shapes: it is the join's ``province_code`` or
``border_sector`` (vocab.UNIT_COLUMNS), so a choropleth counts exactly the events the filters do.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.geo.join import Boundaries
from dashboard.vocab import UNIT_COLUMNS


def unit_shapes(boundaries: Boundaries, kind: str) -> gpd.GeoDataFrame:
    """The units of ``kind`` (a key of vocab.UNIT_COLUMNS), indexed by unit id (the value the event
    column holds): ``name``, ``area_km2`` and the full geometry in WGS84.

    Raises ValueError for another kind.
    """
    if kind == "provinces":
        layer = boundaries.provinces
        names = layer["province"]
    elif kind == "sectors":
        layer = boundaries.sectors
        names = layer["border_sector"]
    else:
        raise ValueError(f"Unknown kind of unit '{kind}'; use one of {', '.join(UNIT_COLUMNS)}.")
    ids = layer[UNIT_COLUMNS[kind]].astype(str).to_numpy()
    return gpd.GeoDataFrame(
        {"name": names.astype(str).to_numpy(), "area_km2": layer["area_km2"].to_numpy()},
        geometry=layer.geometry.to_numpy(),
        index=pd.Index(ids, name="unit"),
        crs=layer.crs,
    )
