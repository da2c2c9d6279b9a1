"""Shareable links: the page address's parameters checked against what the dashboard offers.

A link is the page's query string, read as ``parse_qs`` reads it (a name -> its values). The
dashboard's widgets read most parameters themselves (Streamlit's ``bind="query-params"``), but they
drop a value they do not know without a word, and accept some the dashboard cannot use (an end date
before the start, a period whose name disagrees with its dates). So a link is checked here first,
against a list of :class:`Field` (one per parameter), and the widgets only ever see what passed:
:func:`check_link` gives the usable parameters, in the form the widgets read them, and the values
it left out, for one sentence (:meth:`LinkCheck.sentence`).

An area travels as coordinates (:func:`area_values`, :func:`area_rings`): one ``area`` value per polygon,
``lon,lat;lon,lat;…`` to 5 decimals, holes after ``|``.

Values that only an uploaded file can make valid (its actors, provinces, a date outside the bundled
data) are not dropped when the link says files were uploaded: they wait (``LinkCheck.waiting``) and
are checked again once files are loaded. Nothing here knows Streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dashboard.geo.areas import AREA_DECIMALS

Params = Mapping[str, Sequence[str]]
Kind = Literal["one", "many", "number", "text", "flag", "dates", "point", "area"]

QUOTED_MAX = 40  # characters of a rejected value quoted in the sentence
TEXT_MAX = 200  # the longest text a link may carry for a text box
# The most vertices a link carries of an area: about 18 characters each, so the address stays near 20 kB,
# which browsers and Streamlit's server take (a file's area with more is not carried, and the app says so).
AREA_MAX_VERTICES = 1_000


@dataclass(frozen=True)
class Field:
    """One parameter a link may carry: its name, the words for it, and what values it takes.

    ``options`` maps each value as the address spells it to the widget's value (for ``one`` and
    ``many``); ``aliases`` are other spellings taken in and written back as their option (a province's
    bare code for its label). ``low``/``high`` bound numbers, ``earliest``/``latest`` dates.
    ``known`` says whether a text is usable (a place the gazetteer finds, an area that encloses something). A
    field that is
    ``from_data`` may become valid once uploaded files are loaded.
    """

    name: str
    label: str
    kind: Kind
    options: Mapping[str, Any] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    integer: bool = False
    known: Callable[[str], bool] | None = None
    from_data: bool = False

    def clean(self, values: Sequence[str]) -> tuple[list[str], list[str]]:
        """The values kept (as the address spells them) and those rejected, as given."""
        if self.kind == "many":
            kept: list[str] = []
            rejected: list[str] = []
            for value in values:
                if value == "":
                    continue  # Streamlit's spelling of "none chosen"
                option = self._option(value)
                if option is None:
                    rejected.append(value)
                elif option not in kept:
                    kept.append(option)
            if values and all(v == "" for v in values):
                return [""], []
            return kept, rejected
        if self.kind == "dates":
            return self._clean_dates(values)
        if self.kind == "area":
            return self._clean_area(values)
        value = values[-1] if values else ""  # as Streamlit reads a single value: the last one
        cleaned = self._clean_one(value)
        return ([cleaned], []) if cleaned is not None else ([], [value])

    def value_of(self, values: Sequence[str]) -> Any:
        """The widget's value for values that passed :meth:`clean`."""
        if self.kind == "many":
            return [self.options[v] for v in values if v != ""]
        if self.kind == "one":
            return self.options[values[-1]]
        if self.kind == "dates":
            days = [dt.date.fromisoformat(v) for v in values]
            return (days[0], days[-1])
        if self.kind == "number":
            number = float(values[-1])
            return int(number) if self.integer else number
        if self.kind == "flag":
            return values[-1].lower() == "true"
        if self.kind == "point":
            lat, lon = values[-1].split(",")
            return (float(lat), float(lon))
        if self.kind == "area":
            return [area_rings(v) for v in values]
        return values[-1]

    def _option(self, value: str) -> str | None:
        if value in self.options:
            return value
        return self.aliases.get(value)

    def _clean_one(self, value: str) -> str | None:
        if self.kind == "one":
            return self._option(value)
        if self.kind == "text":
            if len(value) > TEXT_MAX or (self.known is not None and value and not self.known(value)):
                return None
            return value
        if self.kind == "flag":
            return value.lower() if value.lower() in ("true", "false") else None
        if self.kind == "number":
            number = _number(value)
            if number is None or not self._within(number) or (self.integer and number != int(number)):
                return None
            return _number_text(number)
        if self.kind == "point":
            parts = value.split(",")
            lat, lon = (_number(parts[0]), _number(parts[1])) if len(parts) == 2 else (None, None)
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return None
            return f"{_number_text(lat)},{_number_text(lon)}"
        raise ValueError(f"no single-value check for a {self.kind} field")

    def _clean_dates(self, values: Sequence[str]) -> tuple[list[str], list[str]]:
        days = [_date(v) for v in values]
        low, high = self.earliest, self.latest
        usable = (
            len(days) in (1, 2)
            and all(d is not None for d in days)
            and days[0] <= days[-1]  # type: ignore[operator]
            and all((low is None or d >= low) and (high is None or d <= high) for d in days)  # type: ignore[operator]
        )
        if not usable:
            return [], [" to ".join(values)]
        return [d.isoformat() for d in days if d is not None], []

    def _clean_area(self, values: Sequence[str]) -> tuple[list[str], list[str]]:
        """Each polygon that reads, spelled as :func:`area_values` writes it; beyond AREA_MAX_VERTICES, rejected."""
        kept: list[str] = []
        rejected: list[str] = []
        vertices = 0
        for value in values:
            rings = area_rings(value)
            count = sum(len(ring) for ring in rings) if rings else 0
            if (
                rings is None
                or vertices + count > AREA_MAX_VERTICES
                or (self.known is not None and not self.known(value))
            ):
                rejected.append(value)
                continue
            vertices += count
            spelled = area_values([rings])[0]
            if spelled not in kept:
                kept.append(spelled)
        return kept, rejected

    def _within(self, number: float) -> bool:
        return (self.low is None or number >= self.low) and (self.high is None or number <= self.high)


@dataclass(frozen=True)
class Period:
    """The Period box and the date range it names: the dates decide, the box names them."""

    preset: str  # the Period box's parameter
    dates: str  # the date range's parameter
    presets: Mapping[str, tuple[dt.date, dt.date]]
    whole: str  # the name for the data's whole period (the box's default)
    custom: str
    span: tuple[dt.date, dt.date]  # the data's first and last day

    def name(self, dates: tuple[dt.date, dt.date]) -> str:
        """What the Period box says for ``dates``: the whole period, a preset, or a custom range."""
        if dates == self.span:
            return self.whole
        return next((name for name, span in self.presets.items() if span == dates), self.custom)


@dataclass(frozen=True)
class LinkCheck:
    """What a link's parameters came to: those the dashboard can use, and what it could not."""

    params: dict[str, list[str]]  # usable, spelled as the widgets read them
    ignored: tuple[str, ...] = ()  # in words: 'event type “Riot”'
    waiting: dict[str, list[str]] = field(default_factory=dict)  # for uploaded files, as given
    waiting_words: tuple[str, ...] = ()

    def sentence(self) -> str | None:
        """One sentence saying what the link asked for that is not shown, or None if nothing."""
        parts = []
        if self.ignored:
            parts.append(
                f"this link's {_listed(self.ignored)} {'is' if len(self.ignored) == 1 else 'are'} not "
                "known here and replaced by the default"
            )
        if self.waiting_words:
            parts.append(f"its {_listed(self.waiting_words)} will apply once the same files are uploaded again")
        if not parts:
            return None
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


def check_link(
    params: Params,
    fields: Sequence[Field],
    period: Period | None = None,
    passthrough: frozenset[str] = frozenset(),
    expects_uploads: bool = False,
) -> LinkCheck:
    """Check a link's parameters against ``fields``; never raises, whatever the address holds.

    Parameters no field knows are left out and named, except those in ``passthrough`` (kept as
    they are: other parts of the page read them). With ``expects_uploads`` (the link was made with
    uploaded files) a rejected value of a ``from_data`` field waits instead of being dropped.
    """
    by_name = {f.name: f for f in fields}
    kept: dict[str, list[str]] = {}
    ignored: list[str] = []
    waiting: dict[str, list[str]] = {}
    waiting_words: list[str] = []
    for name, values in params.items():
        values = list(values)
        if name in passthrough:
            kept[name] = values
            continue
        spec = by_name.get(name)
        if spec is None:
            ignored.append(f"setting {_quoted(name)}")
            continue
        good, bad = spec.clean(values)
        if good:
            kept[name] = good
        if bad and spec.from_data and expects_uploads:
            waiting[name] = values
            waiting_words.extend(f"{spec.label} {_quoted(v)}" for v in bad)
        else:
            ignored.extend(f"{spec.label} {_quoted(v)}" for v in bad)
    if period is not None:
        ignored.extend(_settle_period(kept, period, by_name))
    return LinkCheck(kept, tuple(ignored), waiting, tuple(waiting_words))


def _settle_period(kept: dict[str, list[str]], period: Period, by_name: Mapping[str, Field]) -> list[str]:
    """Make the Period box name the dates in force; a preset without dates brings its dates."""
    preset = kept[period.preset][-1] if period.preset in kept else None
    ignored: list[str] = []
    if period.dates in kept:
        named = period.name(by_name[period.dates].value_of(kept[period.dates]))
        if preset is not None and preset not in (named, period.custom):
            ignored.append(f"period {_quoted(preset)}")  # a preset whose dates are not the link's
    elif preset is not None and preset in period.presets:
        named = preset
        kept[period.dates] = [d.isoformat() for d in period.presets[preset]]
    else:
        named = period.whole  # no dates, or a custom range without its dates: the whole period
    if named == period.whole:
        kept.pop(period.preset, None)  # the box's default, which the address leaves out
    else:
        kept[period.preset] = [named]
    return ignored


def view_params(center: tuple[float, float], zoom: int, center_name: str, zoom_name: str) -> dict[str, str]:
    """A map view as the address spells it: the centre to 4 decimals (about 10 m) and the zoom."""
    return {
        center_name: f"{_number_text(round(center[0], 4))},{_number_text(round(center[1], 4))}",
        zoom_name: str(zoom),
    }


def area_values(polygons: Sequence[Sequence[Sequence[Sequence[float]]]]) -> list[str]:
    """An area as the address spells it: one value per polygon, its rings as ``lon,lat;lon,lat;…`` to 5 decimals
    (about 1 m) and written open (a closing point equal to the first is left out), holes after ``|``."""
    values = []
    for rings in polygons:
        spelled = []
        for ring in rings:
            points = [(_coordinate_text(p[0]), _coordinate_text(p[1])) for p in ring]
            while len(points) > 1 and points[0] == points[-1]:  # a ring closed twice is still closed once
                points.pop()
            spelled.append(";".join(f"{lon},{lat}" for lon, lat in points))
        values.append("|".join(spelled))
    return values


def area_rings(value: str) -> list[list[tuple[float, float]]] | None:
    """The rings (lon, lat) of one polygon as :func:`area_values` spells it; None when it is not one: not pairs of
    numbers, outside longitude −180..180 / latitude −90..90, a ring of fewer than three corners, too many."""
    if not value or len(value) > AREA_MAX_VERTICES * 30:
        return None
    rings: list[list[tuple[float, float]]] = []
    for ring_text in value.split("|"):
        ring: list[tuple[float, float]] = []
        for point_text in ring_text.split(";"):
            parts = point_text.split(",")
            lon, lat = (_number(parts[0]), _number(parts[1])) if len(parts) == 2 else (None, None)
            if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
                return None
            ring.append((lon, lat))
        while len(ring) > 1 and ring[0] == ring[-1]:
            ring.pop()
        if len(set(ring)) < 3:
            return None
        rings.append(ring)
    return rings if sum(len(r) for r in rings) <= AREA_MAX_VERTICES else None


def _coordinate_text(number: float) -> str:
    text = f"{float(number):.{AREA_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number_text(number: float) -> str:
    """As Streamlit writes a number into the address: 5.0 as 5, 5.5 as 5.5."""
    return str(int(number)) if number == int(number) else repr(number)


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):  # the two spellings Streamlit's date box reads
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _quoted(value: str) -> str:
    shown = " ".join(value.split())  # no line break may split the sentence
    if len(shown) > QUOTED_MAX:
        shown = shown[: QUOTED_MAX - 1] + "…"
    return f"“{shown}”"


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
