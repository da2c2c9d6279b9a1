"""CSV and GeoJSON exports of the shown events, with what was asked and when.

Both carry every input column and the joined columns (see ``table.export_table``); every CSV
the project writes goes through ``table_csv_bytes``, which defuses spreadsheet formulas. The CSV starts with lines
beginning ``# `` that describe the filters; the GeoJSON puts the same in
foreign members of the FeatureCollection (RFC 7946 §6.1).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from dashboard.summary.table import export_table, neutralised
from dashboard.vocab import OSM_ATTRIBUTION

COMMENT = "# "
LINE_BREAK = re.compile(r"\r\n|\r|\n")
DATA_NOTE = "Events curated from public reporting; see source, source_title and source_url for each row."
BOUNDARY_NOTE = f"Regions joined to boundaries {OSM_ATTRIBUTION} (ODbL 1.0) and Natural Earth."


def generated_stamp(now: dt.datetime | None = None) -> str:
    """The generation time written into data exports: ISO 8601, seconds, UTC unless ``now`` says otherwise."""
    return (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()


def table_csv_bytes(table: pd.DataFrame, comments: list[str] | None = None) -> bytes:
    """The one CSV writer of the project: UTF-8, RFC 4180 (CRLF records, every field holding a line
    break quoted), formulas defused in cells, lines of cells and column names, optional ``# `` lines first.
    """
    head = "".join(COMMENT + " ".join(LINE_BREAK.split(line)) + "\r\n" for line in comments or [])
    return (head + neutralised(table).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def csv_bytes(events: pd.DataFrame, description: list[str], generated: str) -> bytes:
    """The events as CSV; read it back with ``pandas.read_csv(path, skiprows=<# lines>)``."""
    header = [f"Caucasus Conflict Map export, generated {generated}", *description, DATA_NOTE, BOUNDARY_NOTE]
    return table_csv_bytes(export_table(events), header)


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
    table = export_table(events[events["latitude"].notna()])
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
