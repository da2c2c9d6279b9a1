"""Batch reports: one PDF per ``[[report]]`` table of a TOML spec file (examples/reports.toml).

Each entry names its title, filters (a preset period or start and end, types, regions, border
sectors, the Nagorno-Karabakh boundary), an area (``bbox``, or ``place`` with ``radius_km``), the
sections, the paper and a file name pattern. An entry that cannot be built is reported with its name
and the reason, and the others are still built.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from dashboard.bbox import BBox
from dashboard.errors import ExportError, PlaceError
from dashboard.export.report import DEFAULT_SECTIONS, PAPERS, ReportSpec, parse_sections, report_pdf
from dashboard.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM, EventFilter, Near, sector_options
from dashboard.geo.join import Boundaries
from dashboard.geo.places import Gazetteer
from dashboard.load.events import EventTable
from dashboard.pipeline import select_events
from dashboard.summary.compare import BY_PROVINCE, UNITS, Period
from dashboard.vocab import (
    CHOROPLETH_MEASURES,
    DATE_PRESETS,
    DEFAULT_NK_BOUNDARY,
    EVENT_TYPES,
    NK_BOUNDARIES,
    REGIONS,
    REPRESENTATIONS,
    SECTOR_SEPARATOR,
)

DEFAULT_PATTERN: Final = "{name}.pdf"
KEYS: Final = frozenset(
    {
        "name",
        "title",
        "preset",
        "start",
        "end",
        "types",
        "regions",
        "sectors",
        "nk_boundary",
        "bbox",
        "place",
        "radius_km",
        "sections",
        "paper",
        "landscape",
        "representation",
        "measure",
        "file",
        "compare",
        "by",
    }
)
FILE_FIELDS: Final = ("name", "index", "start", "end")


class SpecError(ExportError):
    """A spec file, or one entry of it, that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Outcome:
    """What became of one entry: the file written, or why none was."""

    name: str
    path: Path | None
    error: str | None
    seconds: float
    pages_bytes: int = 0


def read_spec(text: str, source: str = "the spec file") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``[defaults]`` table and the ``[[report]]`` entries of a spec (TOML); a file that is not TOML, or has
    no entry, is a sentence."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{source} is not valid TOML: {exc}.") from None
    entries = data.get("report")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise SpecError(f"{source} has no [[report]] table; each report to build is one [[report]] table.")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise SpecError(f"In {source}, [defaults] must be a table of settings shared by every report.")
    unknown = sorted(set(data) - {"report", "defaults"})
    if unknown:
        raise SpecError(f"{source} has unknown top-level keys ({', '.join(unknown)}); use [defaults] and [[report]].")
    return defaults, entries


def _date(value: object, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise SpecError(f"{key} = {value!r} is not a date (write it as 2022-09-12).")


def _names(value: object, key: str, allowed: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise SpecError(f"{key} must be a list of names, e.g. {key} = [{allowed[0]!r}].")
    wrong = [v for v in items if v not in allowed]
    if wrong:
        raise SpecError(f"unknown {key} {', '.join(repr(w) for w in wrong)}; known: {', '.join(allowed)}.")
    return tuple(items)


def _bbox(value: object) -> BBox | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return BBox.parse(value)
        if isinstance(value, list) and len(value) == 4 and all(isinstance(v, int | float) for v in value):
            return BBox(*(float(v) for v in value))
    except ValueError as exc:
        raise SpecError(str(exc).rstrip(".") + ".") from None
    raise SpecError(f"bbox = {value!r} must be four numbers [min lon, min lat, max lon, max lat].")


def _compare(value: object, start: dt.date | None, end: dt.date | None) -> tuple[Period, Period] | None:
    """``compare = [2022-09-09, 2022-09-11]``: the entry's period (A) against this one (B)."""
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        raise SpecError("compare must be two dates, the reference period B: compare = [2022-09-09, 2022-09-11].")
    if start is None or end is None:
        raise SpecError("compare needs the entry's own period A: a preset, or start and end.")
    b_start, b_end = _date(value[0], "compare"), _date(value[1], "compare")
    assert b_start is not None and b_end is not None  # a list item is never None in TOML
    try:
        return Period(start, end), Period(b_start, b_end)
    except ValueError as exc:
        raise SpecError(f"compare: {exc}") from None


def entry_name(entry: dict[str, Any], index: int) -> str:
    """The entry's name (its ``name``, else its title, else its number), for messages and file names."""
    return str(entry.get("name") or entry.get("title") or f"report {index}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "report"


def plan_entry(
    entry: dict[str, Any], defaults: dict[str, Any], index: int, table: EventTable, gazetteer: Callable[[], Gazetteer]
) -> tuple[EventFilter, str, ReportSpec, str]:
    """An entry as the filter, the Nagorno-Karabakh boundary, the report spec and the file name it asks for;
    anything it gets wrong is a SpecError naming the key."""
    settings = {**defaults, **entry}
    unknown = sorted(set(settings) - KEYS)
    if unknown:
        raise SpecError(f"unknown keys {', '.join(unknown)}; an entry takes {', '.join(sorted(KEYS))}.")
    start, end = _date(settings.get("start"), "start"), _date(settings.get("end"), "end")
    preset = settings.get("preset")
    if preset is not None:
        if preset not in DATE_PRESETS:
            raise SpecError(f"unknown preset {preset!r}; the presets: {'; '.join(DATE_PRESETS)}.")
        start, end = start or DATE_PRESETS[preset][0], end or DATE_PRESETS[preset][1]
    if start and end and start > end:
        raise SpecError(f"start {start} is after end {end}.")
    sectors = settings.get("sectors")
    if isinstance(sectors, list):
        sectors = [s.replace(" - ", SECTOR_SEPARATOR) if isinstance(s, str) else s for s in sectors]
    near = None
    if settings.get("place") is not None:
        radius = settings.get("radius_km", DEFAULT_RADIUS_KM)
        if not isinstance(radius, int | float) or not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
            raise SpecError(f"radius_km = {radius!r} is outside {MIN_RADIUS_KM:g}–{MAX_RADIUS_KM:g} km.")
        try:
            place = gazetteer().resolve(str(settings["place"]))
        except PlaceError as exc:
            raise SpecError(str(exc)) from None
        near = Near(place=place.name, longitude=place.longitude, latitude=place.latitude, radius_km=float(radius))
    elif "radius_km" in settings:
        raise SpecError("radius_km needs place (the place the radius is around).")
    nk_boundary = str(settings.get("nk_boundary", DEFAULT_NK_BOUNDARY))
    if nk_boundary not in NK_BOUNDARIES:
        raise SpecError(f"unknown nk_boundary {nk_boundary!r}; use one of {', '.join(NK_BOUNDARIES)}.")
    flt = EventFilter(
        start=start,
        end=end,
        event_types=_names(settings.get("types"), "types", EVENT_TYPES),
        regions=_names(settings.get("regions"), "regions", REGIONS),
        border_sectors=_names(sectors, "sectors", sector_options(table.events) or ["(none)"]),
        near=near,
    )
    sections = settings.get("sections", list(DEFAULT_SECTIONS))
    if isinstance(sections, list) and all(isinstance(s, str) for s in sections):
        sections = ",".join(sections)
    if not isinstance(sections, str):
        raise SpecError('sections must be a list such as ["map", "events"].')
    paper = str(settings.get("paper", "a4")).lower()
    if paper not in PAPERS:
        raise SpecError(f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}.")
    representation = str(settings.get("representation", "points"))
    if representation not in REPRESENTATIONS:
        raise SpecError(f"unknown representation {representation!r}; use one of {', '.join(REPRESENTATIONS)}.")
    measure = str(settings.get("measure", "events"))
    if measure not in CHOROPLETH_MEASURES:
        raise SpecError(f"unknown measure {measure!r}; use one of {', '.join(CHOROPLETH_MEASURES)}.")
    name = entry_name(entry, index)
    compare = _compare(settings.get("compare"), start, end)
    by = str(settings.get("by", BY_PROVINCE))
    if by not in UNITS:
        raise SpecError(f"unknown by {by!r}; use one of {', '.join(UNITS)}.")
    spec = ReportSpec(
        title=str(settings.get("title") or name),
        paper=paper,
        landscape=bool(settings.get("landscape", False)),
        sections=parse_sections(sections),
        bbox=_bbox(settings.get("bbox")),
        representation=representation,
        measure=measure,
        compare=compare,
        by=by,
    )
    return flt, nk_boundary, spec, file_name(str(settings.get("file", DEFAULT_PATTERN)), name, index, flt)


def file_name(pattern: str, name: str, index: int, flt: EventFilter) -> str:
    """The pattern with {name} (slugged), {index}, {start} and {end} filled in; it must name a PDF inside the
    output folder."""
    values = {
        "name": _slug(name),
        "index": f"{index:02d}",
        "start": flt.start.isoformat() if flt.start else "start",
        "end": flt.end.isoformat() if flt.end else "end",
    }
    try:
        result = pattern.format(**values)
    except (KeyError, IndexError, ValueError):
        raise SpecError(
            f"file = {pattern!r} uses an unknown field; it may use {', '.join('{' + f + '}' for f in FILE_FIELDS)}."
        ) from None
    if "/" in result or "\\" in result or result.startswith(".") or not result.lower().endswith(".pdf"):
        raise SpecError(f"file = {pattern!r} gives {result!r}: a file name ending .pdf, with no folder in it.")
    return result


def build_batch(
    text: str,
    out_dir: Path,
    table: EventTable,
    boundaries: Boundaries,
    source: str = "the spec file",
    now: dt.datetime | None = None,
    report: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every entry of the spec built into ``out_dir``, in order; a failing entry becomes an Outcome with its
    reason and the next is built. ``report`` hears of each outcome as it happens. Raises SpecError only for a
    spec that cannot be read at all."""
    defaults, entries = read_spec(text, source)
    out_dir.mkdir(parents=True, exist_ok=True)
    gazetteers: list[Gazetteer] = []

    def gazetteer() -> Gazetteer:
        if not gazetteers:
            gazetteers.append(Gazetteer.for_events(table.events))
        return gazetteers[0]

    outcomes: list[Outcome] = []
    used: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        name = entry_name(entry, index)
        began = time.perf_counter()
        try:
            flt, nk_boundary, spec, file = plan_entry(entry, defaults, index, table, gazetteer)
            if file in used:
                raise SpecError(f"file {file!r} is already written by an earlier entry; give this one another name.")
            selection = select_events(table, nk_boundary, flt)
            data = report_pdf(selection, flt, nk_boundary, boundaries, spec, now=now, table=table)
            path = out_dir / file
            path.write_bytes(data)
            used.add(file)
            outcome = Outcome(name, path, None, time.perf_counter() - began, len(data))
        except (ExportError, ValueError) as exc:
            outcome = Outcome(name, None, str(exc), time.perf_counter() - began)
        except OSError as exc:
            outcome = Outcome(name, None, f"cannot write {out_dir}: {exc.strerror}.", time.perf_counter() - began)
        outcomes.append(outcome)
        if report is not None:
            report(outcome)
    return outcomes
