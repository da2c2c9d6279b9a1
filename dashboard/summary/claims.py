"""Casualty claims read together: each reporter's current figure, per party ranges, the single figure.

The rules (data/README.md, "Casualty claims"), in one place for the key figures, the claims view,
the captions and the curation script that derives ``fatalities``:

1. A reporter's current figure for a party in an event is its latest: a final figure over an
   updated one over an initial one, then the later ``as_of``. Figures that tie (UCDP's low, best
   and high estimates) are all current.
2. Once any reporter gives a final figure for that party and event, other reporters' initial or
   updated figures are superseded (first reports of a toll stop counting once it is final).
3. A party's range in an event runs from the lowest to the highest current figure of the reporters
   that speak for that party or are neutral; a side's count of the other side's losses is listed as
   a claim about the other side, and makes the range only where no one else gives a figure.
4. Over several events the lows and the highs are added up per party. Figures of scope "total"
   (war, campaign and area-wide running tallies) include other events' casualties and are listed
   on their own, never added.
5. An event's single figure (the ``fatalities`` column) is the sum over its parties of their
   killed figure where, for every party, the current figures of the reporters that are not its
   adversaries are all "killed" and agree, and no two parties overlap ("unspecified", "all
   parties", "... and civilians" beside its parts); overlapping parties give a figure only when
   they all give the same one. Otherwise there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from dashboard.load.claims import EVENT_KEY, as_of_date
from dashboard.text import format_date
from dashboard.vocab import ALL_PARTIES, PARTY_INCLUDES, UNSPECIFIED_PARTY

STATUS_RANK = {"initial": 0, "": 1, "updated": 1, "final": 2}
SUPERSEDED_BY_FINAL = ("initial", "updated")
SHORT_REPORTERS = 3  # reporters a caption names per party; the claims table names them all
PARTIES_NOT_ADDED = (
    "Parties are not added to each other: a figure for “… forces and civilians” includes civilians listed on their "
    "own, and “unspecified” may include anyone."
)
PARTY_KEY = [*EVENT_KEY, "about"]


def current_claims(claims: pd.DataFrame, figure: str = "killed") -> pd.DataFrame:
    """The claims that state ``figure`` and are current by rules 1 and 2 (module docstring)."""
    given = EVENT_CODE in claims
    stated = with_event_codes(claims[claims[figure].notna()])
    party = [EVENT_CODE, "about"]
    if not stated.duplicated(party).any():  # one figure per event and party (a file's own column): all current
        return _as_text(stated if given else stated.drop(columns=EVENT_CODE))
    # An undated figure counts as older than any dated one of the same reporter.
    as_of = as_of_date(stated["as_of"].astype(str)).astype("datetime64[us]").fillna(pd.Timestamp("1000-01-01"))
    ranked = stated.assign(_rank=stated["status"].astype(str).map(STATUS_RANK).fillna(1), _as_of=as_of)
    # Grouped by the event's code and the categories' codes: hashing (dataset, event id) strings for
    # each of the three groupings cost seconds at half a million claims.
    reporter = [*party, "reported_by"]
    best_rank = ranked.groupby(reporter, observed=True)["_rank"].transform("max")
    ranked = ranked[ranked["_rank"] == best_rank]
    latest = ranked.groupby(reporter, observed=True)["_as_of"].transform("max")
    ranked = ranked[ranked["_as_of"] == latest]
    status = ranked["status"].astype(str)
    is_final = (status == "final").rename("_final")
    has_final = is_final.groupby([ranked[c] for c in party], observed=True).transform("max").astype(bool)
    superseded = has_final & status.isin(SUPERSEDED_BY_FINAL)
    current = ranked[~superseded].drop(columns=["_rank", "_as_of", *([] if given else [EVENT_CODE])])
    return _as_text(current)


def _as_text(claims: pd.DataFrame) -> pd.DataFrame:
    return claims.astype({"status": str, "about": str, "reported_by": str})


EVENT_CODE = "_event"  # with_event_codes: one integer per event (dataset, event id) among a set of claims


def with_event_codes(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with EVENT_CODE, equal for the claims of one event (kept if already there)."""
    if EVENT_CODE in claims:
        return claims
    dataset, event_id = (pd.factorize(claims[column].astype(str))[0] for column in EVENT_KEY)
    return claims.assign(**{EVENT_CODE: pd.factorize(dataset.astype(np.int64) * (len(claims) + 1) + event_id)[0]})


def parties_overlap(a: str, b: str) -> bool:
    """Whether a figure about ``a`` may count some of the same people as one about ``b``."""
    anyone = {ALL_PARTIES, UNSPECIFIED_PARTY}
    return a == b or a in anyone or b in anyone or b in PARTY_INCLUDES.get(a, ()) or a in PARTY_INCLUDES.get(b, ())


def single_figures(claims: pd.DataFrame) -> pd.Series:
    """Each event's single killed figure by rule 5 (module docstring), indexed by (dataset, event_id)."""
    current = current_claims(claims[claims["scope"].astype(str) == "event"])
    current = current[~current["about_adversary"]]
    figures: dict[tuple[str, str], int] = {}
    for key, rows in current.groupby(EVENT_KEY, observed=True):
        if (rows["kind"].astype(str) != "killed").any():
            continue  # "dead or missing" beside "killed": not one figure
        values = rows.groupby("about", observed=True)["killed"].agg(["min", "max"])
        if (values["min"] != values["max"]).any():
            continue  # reporters disagree about a party
        parties = list(values.index)
        overlapping = any(parties_overlap(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :])
        if overlapping:
            if values["min"].nunique() == 1:  # the same figure, said of overlapping parties
                figures[(str(key[0]), str(key[1]))] = int(values["min"].iloc[0])
            continue
        figures[(str(key[0]), str(key[1]))] = int(values["min"].sum())
    index = pd.MultiIndex.from_tuples(list(figures), names=EVENT_KEY) if figures else None
    return pd.Series(list(figures.values()), index=index, dtype="Int64")


@dataclass(frozen=True)
class ReporterFigure:
    """One reporter's current figure for a party (in one event, or added up over several)."""

    reported_by: str
    figure: str  # "207 dead or missing"; over several events "33 over 2 events"
    when: str  # "19 Sep 2022, final"; empty when the figure is undated and has no status
    about_adversary: bool

    def text(self) -> str:
        """'Armenian Security Council: 207 dead or missing (19 Sep 2022, final)'."""
        return f"{self.reported_by}: {self.figure}" + (f" ({self.when})" if self.when else "")


@dataclass(frozen=True)
class PartyFigure:
    """The killed figures reported for one party over the chosen events."""

    party: str
    low: int
    high: int
    kinds: tuple[str, ...]  # what the numbers count: killed, dead or missing…
    reporters: tuple[ReporterFigure, ...]  # neutral and own-side reporters first
    events: int
    from_other_side_only: bool  # only the adversary gives a figure for this party

    def range_text(self) -> str:
        """'80 killed', '202–224 dead or missing / killed'."""
        span = f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"
        return f"{span} {' / '.join(self.kinds)}"

    def short(self) -> str:
        """One clause for a caption: 'Azerbaijani forces: 80 killed (Azerbaijani MoD; the other side: Armenia 431)'."""
        own = [r for r in self.reporters if not r.about_adversary]
        other = [r for r in self.reporters if r.about_adversary]
        named = other if self.from_other_side_only else own
        who = ", ".join(r.reported_by for r in named[:SHORT_REPORTERS])
        if len(named) > SHORT_REPORTERS:
            who += f" and {len(named) - SHORT_REPORTERS} more"
        text = f"{self.party}: {self.range_text()} ({who}"
        if self.from_other_side_only:
            return text + ", the other side's claim)"
        if other:
            text += "; the other side claims " + ", ".join(f"{r.figure} ({r.reported_by})" for r in other)
        return text + ")"

    def markdown_parts(self) -> tuple[str, str]:
        """The party and the rest of its line, for a list that sets the party in bold: every reporter's
        figure for one event (``line()``), the reporters' names over several (``short()``)."""
        party, _, rest = (self.line() if self.events == 1 else self.short()).partition(": ")
        return party, rest

    def line(self) -> str:
        """The party, its range and who reported it, e.g. for a key figure or a caption:
        'Azerbaijani forces: 80 killed (Azerbaijani MoD, final) · the other side claims: Armenia: 431 killed'."""
        own = [r for r in self.reporters if not r.about_adversary]
        other = [r for r in self.reporters if r.about_adversary]
        named = other if self.from_other_side_only else own
        if len(named) == 1:
            who = named[0]
            text = f"{self.party}: {who.figure} ({', '.join(p for p in (who.reported_by, who.when) if p)})"
        else:
            text = f"{self.party}: {self.range_text()} ({'; '.join(r.text() for r in named)})"
        if self.from_other_side_only:
            return text + " — only the other side's claim"
        if other:
            text += " · the other side claims: " + "; ".join(r.text() for r in other)
        return text


@dataclass(frozen=True)
class ClaimFigures:
    """What the key figures say about casualties for a set of events."""

    parties: tuple[PartyFigure, ...]  # event figures, rule 4
    totals: tuple[str, ...]  # war, campaign and area-wide totals, one line each, never added
    events_with_claims: int
    claims_from_unmapped: int  # current figures that come from events without a point on the map


def claim_figures(claims: pd.DataFrame, events: pd.DataFrame, matched: bool = False) -> ClaimFigures:
    """Per-party killed figures (rules 1–4) for the claims of ``events`` (any mapped or unmapped rows);
    ``matched``: ``claims`` are already those of ``events`` (a Selection's), so they are not matched again."""
    chosen = with_event_codes(claims if matched else claims_of(claims, events))
    scope = chosen["scope"].astype(str)
    current = current_claims(chosen[scope == "event"])
    parties = tuple(
        _party_figure(str(party), rows) for party, rows in current.groupby("about", sort=False, observed=True)
    )
    parties = tuple(sorted(parties, key=lambda p: (p.from_other_side_only, -p.high, p.party)))
    from_unmapped = int(_about(current, events[events["latitude"].isna()]).sum())
    totals = current_claims(chosen[scope == "total"]).drop(columns=EVENT_CODE)
    return ClaimFigures(
        parties=parties,
        totals=_total_lines(totals, events),
        events_with_claims=int(current[EVENT_CODE].nunique()),
        claims_from_unmapped=from_unmapped,
    )


def claims_of(claims: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The claims about ``events`` (matched on dataset and event id)."""
    if claims.empty or events.empty:
        return claims.iloc[0:0]
    return claims[_about(claims, events)]


def _about(claims: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Per claim, whether its event (dataset, event id) is one of ``events``."""
    if claims.empty or events.empty:
        return np.zeros(len(claims), dtype=bool)
    dataset, event_id = EVENT_KEY
    datasets = {str(name) for frame in (claims, events) for name in frame[dataset].unique()}
    if len(datasets) == 1:  # one dataset: the id alone is the key, and strings hash far faster than tuples
        return claims[event_id].astype(str).isin(events[event_id].astype(str)).to_numpy(dtype=bool)
    return pd.MultiIndex.from_frame(claims[EVENT_KEY].astype(str)).isin(_keys(events))


def _keys(events: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(events[EVENT_KEY].astype(str))


def figure_text(row: pd.Series | dict[str, object], figure: str = "killed") -> str:
    """'at least 200 killed', '207 dead or missing', '13 captured'."""
    value = int(str(row[figure]))
    qualifier = str(row.get("qualifier", "") or "") if figure == "killed" else ""
    what = str(row.get("kind", "") or "killed") if figure == "killed" else figure
    return " ".join(p for p in (qualifier, f"{value:,}", what) if p)


def _when(row: pd.Series) -> str:
    parts = []
    date = as_of_date(pd.Series([str(row["as_of"])])).iloc[0]
    if pd.notna(date):
        text = str(row["as_of"])
        parts.append(format_date(date) if len(text) == 10 else (f"{date:%b %Y}" if len(text) == 7 else text))
    if str(row["status"]):
        parts.append(str(row["status"]))
    return ", ".join(parts)


def _party_figure(party: str, rows: pd.DataFrame) -> PartyFigure:
    own = rows[~rows["about_adversary"]]
    basis = own if len(own) else rows
    per_event = basis.groupby(EVENT_CODE)["killed"].agg(["min", "max"])
    single_event = rows[EVENT_CODE].nunique() == 1
    reporters = []
    ordered = pd.concat([own, rows[rows["about_adversary"]]])
    for reported_by, group in ordered.groupby("reported_by", sort=False, observed=True):
        if single_event:
            figure = " / ".join(figure_text(r) for _, r in group.iterrows())
            when = " / ".join(dict.fromkeys(w for w in (_when(r) for _, r in group.iterrows()) if w))
        else:
            n_events = group[EVENT_CODE].nunique()
            figure = f"{int(group['killed'].sum()):,} in {n_events:,} event{'s' if n_events != 1 else ''}"
            when = ""
        reporters.append(ReporterFigure(str(reported_by), figure, when, bool(group["about_adversary"].iloc[0])))
    return PartyFigure(
        party=str(party),
        low=int(per_event["min"].sum()),
        high=int(per_event["max"].sum()),
        kinds=tuple(str(kind) for kind in pd.unique(basis["kind"].astype(str))),  # in order of appearance
        reporters=tuple(reporters),
        events=len(per_event),
        from_other_side_only=own.empty,
    )


def _total_lines(totals: pd.DataFrame, events: pd.DataFrame) -> tuple[str, ...]:
    if totals.empty:
        return ()
    names = events.set_index(EVENT_KEY)["location"]
    lines = []
    for (dataset, event_id, party), rows in totals.groupby(PARTY_KEY, sort=False, observed=True):
        low, high = int(rows["killed"].min()), int(rows["killed"].max())
        span = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        scope = str(rows["note"].iloc[0]) or str(names.get((dataset, event_id), event_id))
        who = "; ".join(f"{r['reported_by']} {figure_text(r)}" for _, r in rows.iterrows())
        lines.append(f"{scope} — {party}: {span} ({who})")
    return tuple(lines)


def claims_display(claims: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The claims of ``events`` as the claims view lists them: one row per claim, newest event first."""
    chosen = claims_of(claims, events)
    columns = [
        "Date",
        "Event",
        "Party",
        "Reporter",
        "Killed",
        "Wounded",
        "Missing",
        "Captured",
        "As of",
        "Status",
        "Scope",
        "Side",
        "Place",
        "Source",
        "Quote",
        "Note",
    ]
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    places = events.drop_duplicates(EVENT_KEY).set_index(EVENT_KEY)[["event_date", "location"]]
    joined = chosen.join(places, on=EVENT_KEY)
    killed = [figure_text(r) if pd.notna(r["killed"]) else "" for _, r in joined.iterrows()]
    table = pd.DataFrame(
        {
            "Date": joined["event_date"].dt.date,
            "Event": joined["event_id"].astype(str),
            "Place": joined["location"].astype(str),
            "Party": joined["about"].astype(str)
            + joined["about_adversary"].map({True: " (claim by the other side)", False: ""}),
            "Reporter": joined["reported_by"].astype(str),
            "Side": joined["reporter_side"].astype(str),
            "Killed": killed,
            "Wounded": joined["wounded"],
            "Missing": joined["missing"],
            "Captured": joined["captured"],
            "As of": joined["as_of"].astype(str),
            "Status": joined["status"].astype(str),
            "Scope": joined["scope"].astype(str),
            "Source": joined["source_url"].astype(str),
            "Quote": joined["quote"].astype(str),
            "Note": joined["note"].astype(str),
        }
    )
    table = table[columns]
    return table.sort_values(["Date", "Event"], ascending=[False, True], kind="stable").reset_index(drop=True)


def claims_chart(claims: pd.DataFrame, events: pd.DataFrame) -> alt.Chart:
    """Killed by party over time: one mark per claim at its ``as_of`` date (else the event's), the
    reporter on hover; a claim by the other side is drawn hollow, so disagreement shows at a glance."""
    chosen = claims_of(claims, events)
    chosen = chosen[chosen["killed"].notna()]
    places = events.drop_duplicates(EVENT_KEY).set_index(EVENT_KEY)[["event_date", "location"]]
    joined = chosen.join(places, on=EVENT_KEY)
    as_of = as_of_date(joined["as_of"].astype(str))
    data = pd.DataFrame(
        {
            "date": as_of.fillna(joined["event_date"]),
            "dated_by": as_of.notna().map({True: "as of the figure", False: "event date (figure undated)"}),
            "killed": joined["killed"].astype(float),
            "figure": [figure_text(r) for _, r in joined.iterrows()],
            "party": joined["about"].astype(str),
            "reporter": joined["reported_by"].astype(str),
            "by": joined["about_adversary"].map({True: "the other side", False: "own side or neutral"}),
            "event": joined["event_id"].astype(str) + " · " + joined["location"].astype(str),
            "scope": joined["scope"].astype(str),
        }
    )
    return (
        alt.Chart(data)
        .mark_point(size=70, strokeWidth=2)
        .encode(
            x=alt.X("date:T", title="Date of the figure"),
            # symlog: tens and thousands on one axis, and a claim of 0 killed still has a place.
            y=alt.Y(
                "killed:Q",
                title="Reported killed",
                scale=alt.Scale(type="symlog"),
                axis=alt.Axis(values=[0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]),
            ),
            color=alt.Color("party:N", title="About"),
            shape=alt.Shape("scope:N", title="Scope"),
            fill=alt.condition(alt.datum.by == "the other side", alt.value("transparent"), alt.Color("party:N")),
            tooltip=[
                alt.Tooltip("party:N", title="About"),
                alt.Tooltip("figure:N", title="Figure"),
                alt.Tooltip("reporter:N", title="Reported by"),
                alt.Tooltip("by:N", title="Reporter is"),
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("dated_by:N", title="Dated by"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("scope:N", title="Scope"),
            ],
        )
        .properties(height=320)
    )


CLAIMS_TEXT = "claims_text"  # the events' column with their claims in words, one line per claim
CLAIM_LINE_SEPARATOR = "\n"


LINE_COLUMNS = (
    "reported_by",
    "killed",
    "wounded",
    "missing",
    "captured",
    "kind",
    "qualifier",
    "about",
    "about_adversary",
    "as_of",
    "status",
    "scope",
    "note",
)


def claim_line_texts(claims: pd.DataFrame) -> pd.Series:
    """Each claim in words: 'Azerbaijani MoD: 80 killed, 281 wounded — Azerbaijani forces (final)'.

    Written once per distinct claim: a million ACLED claims hold a few hundred distinct lines.
    """
    groups = claims.groupby(list(LINE_COLUMNS), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    _, first = np.unique(groups, return_index=True)
    distinct = claims.iloc[first].reset_index(drop=True)
    texts = _line_texts(distinct).to_numpy()
    order = np.argsort(groups[first])  # ngroup numbers groups in order of first appearance
    return pd.Series(texts[order][groups], index=claims.index)


def _line_texts(claims: pd.DataFrame) -> pd.Series:
    figures = []
    for column in ("killed", "wounded", "missing", "captured"):
        values = claims[column]
        text = _thousands(values)
        if column == "killed":
            qualifier = claims["qualifier"].astype(str)
            text = (qualifier + " ").where(qualifier != "", "") + text + " " + claims["kind"].astype(str)
        else:
            text = text + " " + column
        figures.append(text.where(values.notna(), ""))
    joined = figures[0]
    for part in figures[1:]:
        joined = joined.str.cat(part, sep=", ").str.strip(", ").str.replace(", , ", ", ", regex=False)
    about = claims["about"].astype(str) + claims["about_adversary"].map(
        {True: ", by the other side", False: ""}
    ).astype(str)
    dated = claims["as_of"].astype(str)
    status = claims["status"].astype(str)
    when = (dated + (", " + status).where(status != "", "")).where(dated != "", status)
    scope = pd.Series("", index=claims.index).where(claims["scope"].astype(str) != "total", "total, ")
    note = claims["note"].astype(str)
    detail = (scope + when + (", " + note).where(note != "", "")).str.strip(", ")
    return (
        claims["reported_by"].astype(str)
        + ": "
        + joined
        + " — "
        + about
        + (" (" + detail + ")").where(detail != "", "")
    )


def _thousands(values: pd.Series) -> pd.Series:
    """Whole numbers as text with thousands separators ('3,773'); empty where missing."""
    stated = values.notna().to_numpy()
    text = pd.Series("", index=values.index, dtype=object)
    numbers = values[stated].astype("int64")
    plain = numbers.astype(str)
    large = numbers >= 1000
    plain[large] = numbers[large].map("{:,}".format)
    text[stated] = plain.to_numpy()
    return text


def with_claims_text(events: pd.DataFrame, claims: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The events with ``claims_text``: their claims in words, one line each (empty where none).

    ``rows``: each claim's event position (EventTable.claim_rows), when known; the claims are then
    placed by position rather than matched by key.
    """
    if claims.empty:
        return events.assign(**{CLAIMS_TEXT: ""})
    lines = claim_line_texts(claims).to_numpy()
    if rows is not None:
        text = np.full(len(events), "", dtype=object)
        about, said = rows[rows >= 0], lines[rows >= 0]
        alone = np.bincount(about, minlength=len(events))[about] == 1
        text[about[alone]] = said[alone]
        if not alone.all():  # an event with several claims: its lines in the claims' order
            several = pd.Series(said[~alone]).groupby(about[~alone], sort=False).agg(CLAIM_LINE_SEPARATOR.join)
            text[several.index.to_numpy()] = several.to_numpy()
        return events.assign(**{CLAIMS_TEXT: text})
    datasets = claims["dataset"].astype(str).unique()
    if len(datasets) == 1 and (events["dataset"] == datasets[0]).all():
        keys: pd.Index = pd.Index(claims["event_id"])  # one dataset: the id alone is the key
        wanted: pd.Index = pd.Index(events["event_id"])
    else:
        keys, wanted = pd.MultiIndex.from_frame(claims[EVENT_KEY].astype(str)), _keys(events)
    per_event = pd.Series(lines, index=keys)
    if not keys.is_unique:
        per_event = per_event.groupby(level=list(range(keys.nlevels)), sort=False).agg(CLAIM_LINE_SEPARATOR.join)
    return events.assign(**{CLAIMS_TEXT: per_event.reindex(wanted).fillna("").array})
