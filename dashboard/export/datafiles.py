"""CSV and GeoJSON exports of the shown events, with what was asked and when.

Both carry every input column and the joined columns (see ``table.export_table``,
which also neutralises spreadsheet formulas). The CSV starts with lines
beginning ``# `` that describe the filters; the GeoJSON puts the same in
foreign members of the FeatureCollection (RFC 7946 §6.1).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from dashboard.summary.table import export_table
from dashboard.vocab import OSM_ATTRIBUTION

COMMENT = "# "
DATA_NOTE = "Events curated from public reporting; see source, source_title and source_url for each row."
BOUNDARY_NOTE = f"Regions joined to boundaries {OSM_ATTRIBUTION} (ODbL 1.0) and Natural Earth."


def generated_stamp(now: dt.datetime | None = None) -> str:
    """The generation time written into data exports: ISO 8601, seconds, UTC unless ``now`` says otherwise."""
    return (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()


def csv_bytes(events: pd.DataFrame, description: list[str], generated: str) -> bytes:
    """UTF-8 CSV; read it back with ``pandas.read_csv(path, comment=None, skiprows=<# lines>)``."""
    header = [f"Caucasus Conflict Map export, generated {generated}", *description, DATA_NOTE, BOUNDARY_NOTE]
    lines = "".join(COMMENT + line.replace("\n", " ") + "\n" for line in header)
    return (lines + export_table(events).to_csv(index=False, lineterminator="\n")).encode("utf-8")


def count_comment_lines(text: str) -> int:
    """How many leading lines of a CSV export are comments (to skip them when reading)."""
    count = 0
    for line in text.splitlines():
        if not line.startswith(COMMENT.strip()):
            break
        count += 1
    return count


def _json_default(value: object) -> object:
    """numpy and pandas scalars to plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def geojson_bytes(events: pd.DataFrame, description: list[str], generated: str) -> bytes:
    """A FeatureCollection of Points in lon/lat order (RFC 7946), one per shown event."""
    table = export_table(events[events["latitude"].notna()], neutralise=False)
    properties = table.astype(object).where(table.notna(), None).to_dict("records")
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
        for lon, lat, props in zip(
            table["longitude"].astype(float), table["latitude"].astype(float), properties, strict=True
        )
    ]
    collection = {
        "type": "FeatureCollection",
        "generated": generated,
        "filters": description,
        "attribution": [DATA_NOTE, BOUNDARY_NOTE],
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1, default=_json_default).encode("utf-8")
