"""Casualty claims: who reported what figure about whose casualties, for which event.

A claim is one reported figure (data/README.md, "Casualty claims"). The bundled events come with
a curated claims table (data/claims.csv); ACLED and UCDP files carry their own figures, which
become claims by "ACLED" and "UCDP"; another file in the project schema has its ``fatalities``
column as the file's claim. Claims are keyed like events, by ``dataset`` and ``event_id``.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.errors import EventFileError
from dashboard.load.formats import ACLED, UCDP, UCDP_CLAIM_PREFIX
from dashboard.vocab import (
    ADVERSARIES,
    ALL_PARTIES,
    CLAIM_COUNT_COLUMNS,
    CLAIM_KINDS,
    CLAIM_PARTIES,
    CLAIM_QUALIFIERS,
    CLAIM_SCOPES,
    CLAIM_STATUSES,
    REPORTER_SIDE_PARTIES,
    REPORTER_SIDES,
)

# The columns of data/claims.csv, in order.
CLAIM_FILE_COLUMNS = (
    "event_id",
    "reported_by",
    "reporter_side",
    "about",
    *CLAIM_COUNT_COLUMNS,
    "kind",
    "qualifier",
    "scope",
    "as_of",
    "status",
    "source_url",
    "quote",
    "note",
)
# A loaded claims table: the file's columns, the event's dataset, and whether the reporter speaks
# of the other side's losses (derived, so that no table can state it wrongly).
CLAIM_COLUMNS = ("dataset", *CLAIM_FILE_COLUMNS, "about_adversary")
# Repeated texts are stored once per value: a million ACLED claims share a handful of them.
CATEGORY_COLUMNS = ("dataset", "reported_by", "reporter_side", "about", "kind", "qualifier", "scope", "status")

ACLED_REPORTER = "ACLED"
UCDP_REPORTER = "UCDP"
FILE_REPORTER = "fatalities column of the file"
# UCDP GED's death columns and whose deaths each counts; the side names come from side_a / side_b.
UCDP_SIDE_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
UCDP_ESTIMATES = (("best", "best estimate"), ("low", "low estimate"), ("high", "high estimate"))
# UCDP and ACLED name the states' forces by their governments; the other names stay as the dataset gives them.
DATASET_PARTY_NAMES = (
    ("armenia", "Armenian forces"),
    ("azerbaijan", "Azerbaijani forces"),
    ("artsakh", "Nagorno-Karabakh forces"),
    ("nagorno-karabakh", "Nagorno-Karabakh forces"),
)

# What a claim and its event share: the key events are matched on (their dataset and event id).
EVENT_KEY = ["dataset", "event_id"]


def empty_claims() -> pd.DataFrame:
    """A claims table without rows, with every column and its type."""
    return typed_claims(pd.DataFrame({c: pd.Series(dtype=str) for c in CLAIM_COLUMNS if c != "about_adversary"}))


def read_claims(source: str | Path | bytes, dataset: str, event_ids: pd.Series) -> pd.DataFrame:
    """The claims of a claims table (data/claims.csv's format), for events of ``dataset``.

    Raises ``EventFileError`` naming the line and the problem for a claim that breaks the schema
    (an unknown party, reporter side, kind or status, a figure that is not a whole number ≥ 0, or an
    event id that is not in ``event_ids``): the table is curated, and a broken row means a broken table.
    """
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise EventFileError(f"The claims table cannot be read as UTF-8 CSV: {exc}") from exc
    missing = [c for c in CLAIM_FILE_COLUMNS if c not in frame.columns]
    if missing:
        raise EventFileError(f"The claims table lacks the column(s) {', '.join(missing)}.")
    frame = frame[list(CLAIM_FILE_COLUMNS)].apply(lambda column: column.str.strip())
    problems = _claim_problems(frame, set(event_ids))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise EventFileError(f"The claims table has {len(problems)} broken row(s): {shown}.")
    return typed_claims(frame.assign(dataset=dataset))


def _claim_problems(frame: pd.DataFrame, known_events: set[str]) -> list[str]:
    """One sentence per broken cell, in line order; checked column by column, so a large table stays quick."""
    vocabularies = {
        "about": CLAIM_PARTIES,
        "reporter_side": REPORTER_SIDES,
        "kind": CLAIM_KINDS,
        "qualifier": CLAIM_QUALIFIERS,
        "scope": CLAIM_SCOPES,
        "status": CLAIM_STATUSES,
    }
    lines = pd.Series(np.arange(2, len(frame) + 2), index=frame.index)  # the header is line 1
    found: list[tuple[int, int, str]] = []  # (line, order of the check, sentence)

    def check(failed: pd.Series, order: int, sentence: pd.Series | str) -> None:
        texts = pd.Series(sentence, index=frame.index) if isinstance(sentence, str) else sentence
        found.extend(zip(lines[failed].tolist(), [order] * int(failed.sum()), texts[failed].tolist(), strict=True))

    events = frame["event_id"]
    check(~events.isin(known_events), 0, "event '" + events.str.slice(0, 40) + "' is not in the events file")
    check(frame["reported_by"] == "", 1, "reported_by is empty")
    for order, (column, allowed) in enumerate(vocabularies.items(), start=2):
        cells = frame[column]
        check(
            ~cells.isin(allowed),
            order,
            f"{column} '" + cells.str.slice(0, 40) + f"' is not one of {', '.join(allowed)}",
        )
    figures = frame[list(CLAIM_COUNT_COLUMNS)]
    check((figures == "").all(axis=1), 10, "no figure (killed, wounded, missing or captured)")
    for order, column in enumerate(CLAIM_COUNT_COLUMNS, start=11):
        cells = frame[column]
        not_number = ~cells.str.fullmatch(r"[0-9]*")
        check(not_number, order, f"{column} '" + cells.str.slice(0, 20) + "' is not a whole number ≥ 0")
    as_of = frame["as_of"]
    check(
        (as_of != "") & as_of_date(as_of).isna(),
        20,
        "as_of '" + as_of.str.slice(0, 20) + "' is not YYYY, YYYY-MM or YYYY-MM-DD",
    )
    return [f"line {line}: {sentence}" for line, _, sentence in sorted(found)]


def typed_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures as nullable whole numbers, repeated texts as categories, ``about_adversary`` derived."""
    out = frame.copy()
    for column in CLAIM_COUNT_COLUMNS:
        out[column] = pd.to_numeric(out[column].replace("", None), errors="coerce").astype("Int64")
    out["about_adversary"] = about_adversary(out["reporter_side"], out["about"])
    for column in CATEGORY_COLUMNS:
        out[column] = out[column].astype("category")
    return out[list(CLAIM_COLUMNS)].reset_index(drop=True)


def about_adversary(reporter_side: pd.Series, about: pd.Series) -> pd.Series:
    """True where a side reports the losses of the side it fights (Armenia's count of Azerbaijani dead…)."""
    flags = np.zeros(len(about), dtype=bool)
    sides = reporter_side.astype(str).to_numpy()
    parties = about.astype(str).to_numpy()
    for side, enemies in ADVERSARIES.items():
        enemy_parties = set().union(*(REPORTER_SIDE_PARTIES[e] for e in enemies))
        flags |= (sides == side) & np.isin(parties, list(enemy_parties))
    return pd.Series(flags, index=about.index)


def as_of_date(text: pd.Series) -> pd.Series:
    """'2022-09-19', '2021-08' or '2022' as the first day they name (NaT where empty or unreadable)."""
    text = text.astype(str)
    full = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    month = pd.to_datetime(text.where(text.str.len() == 7), format="%Y-%m", errors="coerce")
    year = pd.to_datetime(text.where(text.str.len() == 4), format="%Y", errors="coerce")
    return full.astype("datetime64[us]").fillna(month).fillna(year)


def claims_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """The claims an imported file states itself: ACLED's ``fatalities``, UCDP's deaths and estimates,
    a project-schema file's ``fatalities`` (when it comes without a claims table).

    Built column by column, so that a million events cost a few vectorised steps, not a loop.
    """
    parts = [_acled_or_file_claims(events), _ucdp_claims(events)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_claims()
    return typed_claims(pd.concat(parts, ignore_index=True))


def _claim_frame(events: pd.DataFrame, **columns: object) -> pd.DataFrame:
    base: dict[str, object] = {c: "" for c in CLAIM_COLUMNS if c != "about_adversary"}
    base.update(dataset=events["dataset"].astype(str).to_numpy(), event_id=events["event_id"].astype(str).to_numpy())
    base.update(scope="event", reporter_side="dataset", kind="killed")
    base.update(columns)
    return pd.DataFrame(base, index=range(len(events)))


def _acled_or_file_claims(events: pd.DataFrame) -> pd.DataFrame:
    # Only the columns a claim needs: copying the rows of every column cost more than the claims.
    rows = events.loc[(events["dataset"] != UCDP) & events["fatalities"].notna(), [*EVENT_KEY, "fatalities"]]
    if rows.empty:
        return pd.DataFrame()
    is_acled = (rows["dataset"] == ACLED).to_numpy()
    figure = rows["fatalities"].astype("int64").astype(str).to_numpy()
    return _claim_frame(
        rows,
        reported_by=np.where(is_acled, ACLED_REPORTER, FILE_REPORTER),
        about="unspecified",
        killed=figure,
        quote=np.where(is_acled, "ACLED fatalities = ", "fatalities = ") + figure,
        note=np.where(is_acled, "ACLED's figure for the event", "as given in the file"),
    )


def _ucdp_claims(events: pd.DataFrame) -> pd.DataFrame:
    rows = events[events["dataset"] == UCDP]
    if rows.empty or f"{UCDP_CLAIM_PREFIX}best" not in rows:
        return pd.DataFrame()
    parts = []
    for column, label in UCDP_ESTIMATES:
        figures = rows[f"{UCDP_CLAIM_PREFIX}{column}"].astype(str).str.strip()
        keep = figures.str.fullmatch("[0-9]+").to_numpy(dtype=bool)
        chosen = rows[keep]
        parts.append(
            _claim_frame(
                chosen,
                reported_by=UCDP_REPORTER,
                about=ALL_PARTIES,
                killed=figures[keep].to_numpy(),
                quote=f"UCDP {column} = " + figures[keep].to_numpy(),
                note=label,
            )
        )
    side_names = {
        "deaths_a": dataset_party(rows["actor1"]),
        "deaths_b": dataset_party(rows["actor2"]),
        "deaths_civilians": _civilians(rows[f"{UCDP_CLAIM_PREFIX}country"]),
        "deaths_unknown": pd.Series("unspecified", index=rows.index),
    }
    for column in UCDP_SIDE_COLUMNS:
        figures = rows[f"{UCDP_CLAIM_PREFIX}{column}"].astype(str).str.strip()
        # A side with no deaths says nothing the estimates do not: only non-zero figures become claims.
        keep = (figures.str.fullmatch("[0-9]+") & (figures.str.strip("0") != "")).to_numpy(dtype=bool)
        chosen = rows[keep]
        parts.append(
            _claim_frame(
                chosen,
                reported_by=UCDP_REPORTER,
                about=side_names[column][keep].to_numpy(),
                killed=figures[keep].to_numpy(),
                quote=f"UCDP {column} = " + figures[keep].to_numpy(),
            )
        )
    return pd.concat(parts, ignore_index=True)


def dataset_party(side: pd.Series) -> pd.Series:
    """'Government of Armenia' -> 'Armenian forces'; a name the vocabulary lacks stays as the dataset gives it."""
    names = side.astype(str).str.strip()
    lowered = names.str.lower()
    party = names.copy()
    for fragment, name in reversed(DATASET_PARTY_NAMES):
        party = party.mask(lowered.str.contains(fragment, regex=False), name)
    return party.mask(names == "", "unspecified")


def _civilians(country: pd.Series) -> pd.Series:
    names = country.astype(str).str.strip()
    return ("civilians in " + names).where(names != "", "civilians")
