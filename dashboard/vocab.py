"""Fixed vocabularies shared by the loader, the map, the charts, the exports and the tests.

One place for the schema's required columns, the event taxonomy, region names, Nagorno-Karabakh
boundaries, date presets, key dates and the distances the join uses, so that the tests read the
same values as the UI. Colours and sizes are in style.py; paths and CCM_* settings in config.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from dashboard.bbox import BBox

# Columns every project-schema file has (data/README.md); other formats are mapped onto them.
REQUIRED_COLUMNS: Final = ("event_id", "event_date", "event_type", "latitude", "longitude")

# The project's event taxonomy (data/README.md); colours in dashboard/style.py.
EVENT_TYPES: Final = (
    "Battle",
    "Shelling/artillery",
    "Air/missile strike",
    "Drone strike",
    "Incursion",
    "Blockade",
    "Ceasefire/agreement",
    "Civilian harm",
    "Protest/political",
)

GEO_PRECISION_LABELS: Final[dict[int, str]] = {
    1: "1 · the named place",
    2: "2 · a nearby or representative place",
    3: "3 · an area (point is only indicative)",
}


@dataclass(frozen=True)
class PrecisionLevel:
    """What one level of a location-precision scale means for the map and the popups."""

    radius_km: float | None  # the circle of uncertainty drawn around the point; None: none drawn
    known: str  # what is known of the place, for the popup; "{place}" stands for the event's place name


# Location precision -> the circle drawn around the point (data/README.md, "Location precision").
# The project's scale is ACLED's geo_precision: 2 is a place near the event (a village's
# neighbour, a town standing for its villages), 3 an area whose point is only indicative.
PRECISION_LEVELS: Final[dict[int, PrecisionLevel]] = {
    1: PrecisionLevel(None, "the named place"),
    2: PrecisionLevel(5.0, "near {place}"),
    3: PrecisionLevel(25.0, "an area, point only indicative"),
}
# UCDP GED's where_prec (as its codebook defines it). 2: "a limited area around a specified location"
# (ca. 25 km); 3 a second-order unit (district), 4 a first-order unit (province), 5 parts of a
# country or a larger area. 6 (country) and 7 (international waters or airspace) get no circle:
# one wide enough would cover the country, so the popup says it instead.
UCDP_WHERE_PREC_LEVELS: Final[dict[int, PrecisionLevel]] = {
    1: PrecisionLevel(None, "the exact location"),
    2: PrecisionLevel(25.0, "within about 25 km of {place}"),
    3: PrecisionLevel(25.0, "only the district is known"),
    4: PrecisionLevel(50.0, "only the province is known"),
    5: PrecisionLevel(75.0, "only a part of the country larger than a province is known"),
    6: PrecisionLevel(None, "only the country is known"),
    7: PrecisionLevel(None, "in international waters or airspace"),
}
# The legend's words for those circles, on the map and in snapshots.
UNCERTAINTY_LEGEND: Final = "Circle: location approximate, radius per precision level"

ARMENIA: Final = "Armenia"
AZERBAIJAN: Final = "Azerbaijan"
NAGORNO_KARABAKH: Final = "Nagorno-Karabakh"
OUTSIDE: Final = "Outside"
REGIONS: Final = (ARMENIA, AZERBAIJAN, NAGORNO_KARABAKH, OUTSIDE)

# Nagorno-Karabakh boundaries the user can choose: key -> (layer kind in
# data/geo/nagorno_karabakh.geojson, label shown in the UI).
NK_BOUNDARIES: Final[dict[str, tuple[str, str]]] = {
    "nkao_1991": ("nkao_1991", "Soviet-era autonomous oblast (NKAO, 1991)"),
    "nk_1994_2020": (
        "nkr_control_1994_2020_10m_derived",
        "Area held by Armenian forces 1994–2020",
    ),
    # From International Crisis Group's layer (data/geo/crisisgroup, GPL-3.0, credited when drawn).
    "peacekeeping_2020_2023": (
        "russian_peacekeeping_zone",
        "Russian peacekeeping zone, Nov 2020 – Sept 2023 (Crisis Group)",
    ),
}
NK_FROM_CRISIS_GROUP: Final = frozenset({"peacekeeping_2020_2023"})
CRISIS_GROUP_ATTRIBUTION: Final = "International Crisis Group, Europe and Central Asia Program (GPL-3.0)"
# Crisis Group's feature names (name_eng) for what the dashboard draws from its layer.
CRISIS_GROUP_FEATURES: Final[dict[str, str]] = {
    "russian_peacekeeping_zone": "Territory of Nagorno-Karabakh (former NKAO) patrolled by Russian peacekeepers",
    "lachin_corridor_2020_2022": "Lachin Corridor",
}
LACHIN_CORRIDOR_LABEL: Final = "Lachin corridor, Nov 2020 – Aug 2022 (Crisis Group)"
DEFAULT_NK_BOUNDARY: Final = "nkao_1991"

# Events dated before this, or after today, are rejected as mistyped (0001-01-01, 9999-12-31):
# the conflict's datasets start in 1988-1989, and a century's margin keeps historical records.
EARLIEST_EVENT_DATE: Final = dt.date(1900, 1, 1)

# Named periods of this conflict (inclusive).
DATE_PRESETS: Final[dict[str, tuple[dt.date, dt.date]]] = {
    "2020 war (27 Sep – 10 Nov 2020)": (dt.date(2020, 9, 27), dt.date(2020, 11, 10)),
    "Attack on Armenia (12–14 Sep 2022)": (dt.date(2022, 9, 12), dt.date(2022, 9, 14)),
    "Lachin corridor blockade (12 Dec 2022 – 19 Sep 2023)": (dt.date(2022, 12, 12), dt.date(2023, 9, 19)),
    "Offensive and exodus (19 Sep – 30 Sep 2023)": (dt.date(2023, 9, 19), dt.date(2023, 9, 30)),
}

# Dates drawn as thin lines on the timeline.
KEY_DATES: Final[dict[dt.date, str]] = {
    dt.date(2020, 9, 27): "War begins",
    dt.date(2020, 11, 10): "Trilateral ceasefire",
    dt.date(2022, 9, 13): "Attack on eastern Armenia",
    dt.date(2022, 12, 12): "Lachin corridor blocked",
    dt.date(2023, 9, 19): "Azerbaijani offensive",
}

# Bounding box of Armenia and Azerbaijan
# from data/geo/armenia_azerbaijan_admin0.geojson; rows farther than
# STUDY_AREA_MARGIN_KM outside it are rejected as misplaced.
STUDY_AREA_BBOX: Final = BBox(west=43.44714, south=38.39296, east=50.87006, north=41.91344)
STUDY_AREA_MARGIN_KM: Final = 50.0

# Length of a degree of latitude (and of longitude at the equator), for quick approximations.
KM_PER_DEGREE: Final = 111.32

# Metric CRS for distances (UTM zone 38N covers both countries).
METRIC_CRS: Final = "EPSG:32638"
# Points this close outside every outline are put in the nearest unit: the
# outlines are generalised by tens of metres and the Caspian coast by ~1 km.
SNAP_DISTANCE_M: Final = 1000.0
# Points this close to the international border are shown as "on the border":
# the outline is only accurate to a few tens of metres and place coordinates to
# a few hundred.
ON_BORDER_KM: Final = 0.5
# Events this close to the Armenia–Azerbaijan border get a border sector: the pair of first-level
# units facing each other across the nearest stretch of it (dashboard/geo/join.py).
BORDER_SECTOR_KM: Final = 25.0
SECTOR_SEPARATOR: Final = " – "

OSM_ATTRIBUTION: Final = "© OpenStreetMap contributors"
# Where the province lines come from and how far to trust them (data/geo/README.md, admin-1 v3).
PROVINCE_LINES: Final = (
    "Azerbaijan's rayons from OpenStreetMap via geoBoundaries 2.0.1, except the 13 Karabakh-area units, "
    "which keep Natural Earth lines (±1–3 km; e.g. Lachin town falls in Şuşa, Jabrayil town in Xocavənd); "
    "Armenia's provinces: Natural Earth lines (±1–3 km)"
)
PROVINCE_LINES_SHORT: Final = "OSM/geoBoundaries and Natural Earth"
GEONAMES_ATTRIBUTION: Final = "GeoNames (CC BY 4.0)"  # wherever place names from data/geo/places.csv show
GEONAMES_URL: Final = "https://www.geonames.org"
OSM_COPYRIGHT_URL: Final = "https://www.openstreetmap.org/copyright"
BOUNDARY_DISCLAIMER: Final = "Boundaries shown imply no judgement on the legal status of any territory."

# Casualty claims (data/claims.csv, data/README.md "Casualty claims"): one row per figure someone reported.
# Whose casualties a figure is about; "... and civilians" where the reporter gives one figure for both.
CLAIM_PARTIES: Final = (
    "Armenian forces",
    "Armenian forces and civilians",
    "Nagorno-Karabakh forces",
    "Nagorno-Karabakh forces and civilians",
    "Azerbaijani forces",
    "civilians in Armenia",
    "civilians in Azerbaijan",
    "civilians in Nagorno-Karabakh",
    "Russian peacekeepers",
    "Russian forces",
    "all parties",  # a dataset's event total (UCDP's best, low and high estimates)
    "unspecified",
)
ALL_PARTIES: Final = "all parties"
UNSPECIFIED_PARTY: Final = "unspecified"
# Parties whose figures include another party's: "... and civilians" includes its forces and its
# civilians; "all parties" and "unspecified" may include anyone. Figures of overlapping parties are
# never added up.
PARTY_INCLUDES: Final[dict[str, frozenset[str]]] = {
    "Armenian forces and civilians": frozenset({"Armenian forces", "civilians in Armenia"}),
    "Nagorno-Karabakh forces and civilians": frozenset({"Nagorno-Karabakh forces", "civilians in Nagorno-Karabakh"}),
}
# Who the reporter is: a side's institutions, an international body, an outlet, a domestic NGO, a dataset.
REPORTER_SIDES: Final = (
    "Armenia",
    "Azerbaijan",
    "Nagorno-Karabakh authorities",
    "Russia",
    "international organisation",
    "civil society",
    "media",
    "dataset",
)
# Which party each side speaks for: a side's figure about the other side's losses is marked as such.
REPORTER_SIDE_PARTIES: Final[dict[str, frozenset[str]]] = {
    "Armenia": frozenset({"Armenian forces", "Armenian forces and civilians", "civilians in Armenia"}),
    "Nagorno-Karabakh authorities": frozenset(
        {
            "Nagorno-Karabakh forces",
            "Nagorno-Karabakh forces and civilians",
            "civilians in Nagorno-Karabakh",
            "Armenian forces",
        }
    ),
    "Azerbaijan": frozenset({"Azerbaijani forces", "civilians in Azerbaijan"}),
    "Russia": frozenset({"Russian peacekeepers", "Russian forces"}),
}
ADVERSARIES: Final[dict[str, frozenset[str]]] = {
    "Armenia": frozenset({"Azerbaijan"}),
    "Nagorno-Karabakh authorities": frozenset({"Azerbaijan"}),
    "Azerbaijan": frozenset({"Armenia", "Nagorno-Karabakh authorities"}),
}
# What the number in `killed` counts.
CLAIM_KINDS: Final = ("killed", "dead or missing", "killed or wounded")
# How the reporter bounds it ("at least 200", "more than 210", "up to 70", "about 70").
CLAIM_QUALIFIERS: Final = ("", "at least", "more than", "up to", "about")
# Status as the source says it; a reporter's later figure replaces its earlier one.
CLAIM_STATUSES: Final = ("", "initial", "updated", "final")
# "event": this event's own casualties, added up across events; "total": a campaign, war or
# area-wide running total that includes other events' casualties, shown beside them, never added.
CLAIM_SCOPES: Final = ("event", "total")
CLAIM_COUNT_COLUMNS: Final = ("killed", "wounded", "missing", "captured")

# How the map shows the events ("Show events as"; the sidebar, the exports and the CLI's --as).
# "points" is the marker / packed / grid representation that suits the number of events.
REPRESENTATIONS: Final[dict[str, str]] = {
    "points": "Points",
    "heatmap": "Heatmap",
    "provinces": "Choropleth by province",
    "sectors": "Choropleth by border sector",
}
DEFAULT_REPRESENTATION: Final = "points"
# Choropleth units: representation key -> the event column (set by the spatial join) naming an event's unit.
UNIT_COLUMNS: Final[dict[str, str]] = {"provinces": "province_code", "sectors": "border_sector"}
# The unit in words, singular and plural, for legends, hovers and notes.
UNIT_WORDS: Final[dict[str, tuple[str, str]]] = {
    "provinces": ("province", "provinces"),
    "sectors": ("border sector", "border sectors"),
}
# What a choropleth colours its units by (data/README.md, "Choropleths").
CHOROPLETH_MEASURES: Final[dict[str, str]] = {
    "events": "Events",
    "killed": "Reported killed",
    "density": "Events per 1,000 km²",
}
DEFAULT_MEASURE: Final = "events"
CHOROPLETH_CLASSES: Final = 5  # at most; fewer where the units' figures repeat
# Areas of units are measured in this equal-area projection (WGS 84 / NSIDC EASE-Grid 2.0 Global).
EQUAL_AREA_CRS: Final = "EPSG:6933"
