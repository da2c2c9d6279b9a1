"""CSV and GeoJSON exports of the shown events, with what was asked and when.

Both carry every input column and the joined columns (see ``table.export_table``); every CSV
the project writes goes through ``table_csv_bytes``, which defuses spreadsheet formulas. The events CSV is
plain (a header row, then the rows: what pandas, R and Excel read with their defaults); its description
travels beside it in the data package (``export/package.py``). The GeoJSON puts the description in
foreign members of the FeatureCollection (RFC 7946 §6.1).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd

from dashboard.load.claims import CATEGORY_COLUMNS
from dashboard.summary.table import export_table, neutralised
from dashboard.vocab import CRISIS_GROUP_ATTRIBUTION, NK_FROM_CRISIS_GROUP, OSM_ATTRIBUTION

COMMENT = "# "
# Excel reads a CSV without it in the system's code page (mojibake for ə, Ա …); pandas and R in a UTF-8
# locale drop it.
UTF8_BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\r|\n")
DATA_NOTE = "Events curated from public reporting; see source, source_title and source_url for each row."
BOUNDARY_NOTE = (
    f"Regions joined to boundaries {OSM_ATTRIBUTION} (ODbL 1.0; Azerbaijan's rayons via geoBoundaries) "
    "and Natural Earth; "
    + ", ".join(f"in_{key}" for key in sorted(NK_FROM_CRISIS_GROUP))
    + f" from {CRISIS_GROUP_ATTRIBUTION}."
)


def generated_stamp(now: dt.datetime | None = None) -> str:
    """The generation time written into data exports: ISO 8601, seconds, UTC unless ``now`` says otherwise."""
    return (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()


def table_csv_bytes(table: pd.DataFrame, comments: list[str] | None = None, bom: bool = False) -> bytes:
    """The one CSV writer of the project: UTF-8 (with a byte order mark if ``bom``), RFC 4180 (CRLF
    records, every field holding a line break quoted), formulas defused in cells, lines of cells and
    column names, optional ``# `` lines first.
    """
    head = "".join(COMMENT + " ".join(LINE_BREAK.split(line)) + "\r\n" for line in comments or [])
    text = head + neutralised(table).to_csv(index=False, lineterminator="\r\n")
    return ((UTF8_BOM if bom else "") + text).encode("utf-8")


def csv_bytes(events: pd.DataFrame) -> bytes:
    """The events as a plain CSV (UTF-8 with BOM, header row, no comment lines): ``pandas.read_csv(path)``,
    R's ``read.csv(path)`` and Excel open it as it is. Its description is in the data package."""
    return table_csv_bytes(export_table(events), bom=True)


def count_comment_lines(text: str) -> int:
    """How many leading lines of a CSV export are comments (to skip them when reading)."""
    count = 0
    for line in text.splitlines():
        if not line.startswith(COMMENT.strip()):
            break
        count += 1
    return count


GEOJSON_CHUNK = 20_000  # rows written at a time: memory stays near the size of the output


def geojson_bytes(
    events: pd.DataFrame, description: list[str], generated: str, claims: pd.DataFrame | None = None
) -> bytes:
    """A FeatureCollection of Points in lon/lat order (RFC 7946), one per shown event and one per line;
    each feature's ``claims`` property is the array of its casualty claims (data/README.md).

    The properties are written by pandas' C JSON writer (a million events in seconds, where building
    dicts for ``json.dumps`` took a minute), a chunk of rows at a time; it writes numbers to 15
    significant digits (coordinates are written exactly, with ``repr``). It escapes every ``/`` as
    ``\\/``, which is undone here so that URLs stay readable. That is safe: every ``/`` in its output
    is escaped, so each ``\\/`` is that escape and never the end of an escaped backslash.
    """
    located = events[events["latitude"].notna()]
    table = export_table(located)
    claim_arrays = _claim_arrays(located, claims)
    members = {
        "type": "FeatureCollection",
        "generated": generated,
        "filters": description,
        "attribution": [DATA_NOTE, BOUNDARY_NOTE],
    }
    out = io.BytesIO()
    out.write((json.dumps(members, ensure_ascii=False)[:-1] + ', "features": [').encode("utf-8"))
    for start in range(0, len(table), GEOJSON_CHUNK):
        chunk = table.iloc[start : start + GEOJSON_CHUNK]
        properties = chunk.to_json(orient="records", lines=True, force_ascii=False, double_precision=15)
        # Split on "\n" alone: the writer escapes it inside strings, but not U+2028 and the like.
        records = properties.replace("\\/", "/").rstrip("\n").split("\n")
        features = (
            '{"type":"Feature","geometry":{"type":"Point","coordinates":['
            f'{lon!r},{lat!r}]}},"properties":{props[:-1]},"claims":[{arrays}]}}}}'
            for lon, lat, props, arrays in zip(
                chunk["longitude"].astype(float).tolist(),
                chunk["latitude"].astype(float).tolist(),
                records,
                claim_arrays[start : start + GEOJSON_CHUNK],
                strict=True,
            )
        )
        out.write(((",\n" if start else "\n") + ",\n".join(features)).encode("utf-8"))
    out.write(b"\n]}\n")
    return out.getvalue()


def _claim_arrays(events: pd.DataFrame, claims: pd.DataFrame | None) -> list[str]:
    """Per event (in order), its claims as the inside of a JSON array: objects written by pandas' C writer."""
    if claims is None or claims.empty or events.empty:
        return [""] * len(events)
    keys = [events["dataset"].astype(str).to_numpy(), events["event_id"].astype(str).to_numpy()]
    wanted = pd.MultiIndex.from_arrays(keys)
    mine = claims[pd.MultiIndex.from_frame(claims[["dataset", "event_id"]].astype(str)).isin(wanted)]
    if mine.empty:
        return [""] * len(events)
    fields = mine.drop(columns=["dataset", "event_id"])
    fields = fields.astype({c: object for c in CATEGORY_COLUMNS if c in fields.columns})
    text = fields.to_json(orient="records", lines=True, force_ascii=False).replace("\\/", "/").rstrip("\n")
    objects = pd.Series(text.split("\n"), index=pd.MultiIndex.from_frame(mine[["dataset", "event_id"]].astype(str)))
    joined = objects.groupby(level=[0, 1], sort=False).agg(",".join)
    return joined.reindex(wanted).fillna("").tolist()
