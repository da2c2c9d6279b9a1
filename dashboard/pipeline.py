"""The steps chained: load & validate -> spatial join -> choose NK boundary -> filter.

The app and the command line both go through these functions, so that what
the dashboard shows and what the CLI writes are the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.filters import Counts, EventFilter, count_rows, filter_mask
from dashboard.geo.join import Boundaries, assign_region, join_regions
from dashboard.load.events import EventTable, load_events
from dashboard.load.formats import ColumnMapping
from dashboard.load.reading import Limits
from dashboard.summary.claims import claims_of, with_claims_text
from dashboard.tablecache import TableCache, table_key
from dashboard.vocab import DEFAULT_NK_BOUNDARY


@dataclass(frozen=True)
class Selection:
    """Filtered events and the accounting of every row of the file."""

    events: pd.DataFrame  # the shown (mapped, passing) events, with `region` for the chosen boundary
    all_events: pd.DataFrame  # every accepted row, with `region` for the chosen boundary
    counts: Counts
    # The passing events with or without a point: what casualty figures count (area-wide rows too).
    reported: pd.DataFrame
    claims: pd.DataFrame  # the casualty claims of `reported`


def load_joined_events(
    source: str | Path | bytes,
    boundaries: Boundaries,
    name: str = "",
    headerless_ucdp: bool = False,
    mapping: ColumnMapping | None = None,
    limits: Limits | None = None,
    claims: str | Path | bytes | None = None,
    cache: TableCache | None = None,
    key: str = "",
    write_behind: bool = False,
) -> EventTable:
    """Load, validate and join once; ``region`` uses the default Nagorno-Karabakh boundary.

    The file arguments (and ``claims``, the file's claims table) are those of ``load_events``. Raises
    ``EventFileError`` for a file that cannot be read as events at all (rows that fail validation are
    rejected, not raised). With ``cache``, the joined table is read from disk when this content was
    joined before (by this process or another), and stored there otherwise; the table's ``key`` is then
    ``key`` (``tablecache.table_key`` of the arguments, computed when not given). ``write_behind``: the
    table is returned while it is stored (TableCache.put_behind), as the dashboard wants for its first map.
    """
    # A table loaded under other limits (CCM_MAX_ROWS …) is another entry: it might not load under these.
    variant = repr(limits or Limits.from_env())
    if cache is not None:
        key = key or table_key(source, name, headerless_ucdp, mapping, claims)
        stored = cache.get(key, boundaries.version, variant)
        if stored is not None:
            return stored
    table = load_events(
        source, name=name, headerless_ucdp=headerless_ucdp, mapping=mapping, limits=limits, claims=claims
    )
    joined = replace(join_table(table, boundaries), key=key or table.key)
    if cache is not None:
        (cache.put_behind if write_behind else cache.put)(key, boundaries.version, joined, variant)
    return joined


def join_table(table: EventTable, boundaries: Boundaries) -> EventTable:
    """Add the joined columns (country, province, NK flags, border distance, region) to a loaded table,
    and ``claims_text``: each event's casualty claims in words, which popups and exports show."""
    joined = join_regions(table.events, boundaries, DEFAULT_NK_BOUNDARY)
    return table.with_columns(with_claims_text(joined, table.claims, table.claim_rows))


def select_events(table: EventTable, nk_boundary: str, flt: EventFilter) -> Selection:
    """The events that pass ``flt``, with ``region`` for the chosen Nagorno-Karabakh boundary, and the accounting.

    ``nk_boundary`` is a key of vocab.NK_BOUNDARIES. Nothing is dropped silently: every row of the
    file is shown, filtered out, unmapped, rejected, outside the study area or merged as a duplicate
    (``Selection.counts``).
    """
    events = table.events.assign(region=assign_region(table.events, nk_boundary))
    mask = filter_mask(events, flt)
    unmapped = events["latitude"].isna()
    in_report = (mask | (unmapped & filter_mask(events, flt, include_unmapped=True))) if unmapped.any() else mask
    reported = _rows(events, in_report)
    rows = table.claim_rows
    return Selection(
        events=_rows(events, mask),
        all_events=events,
        counts=count_rows(events, mask, len(table.rejected), table.n_duplicates, table.n_blank, table.n_outside),
        reported=reported,
        claims=claims_of(table.claims, reported) if rows is None else _claims_at(table.claims, rows, in_report),
    )


def _rows(events: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """``events[keep]``, without copying a million rows when the filter keeps them all (the first page)."""
    return events if keep.all() else events[keep]


def _claims_at(claims: pd.DataFrame, rows: np.ndarray, in_report: pd.Series) -> pd.DataFrame:
    """The claims whose event (at ``rows``, EventTable.claim_rows) ``in_report`` keeps: what
    summary.claims.claims_of finds by key, without matching a million keys again on every filter change."""
    kept = np.asarray(in_report, dtype=bool)
    return claims[(rows >= 0) & kept[np.maximum(rows, 0)]]
