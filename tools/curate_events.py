"""Build ``data/events.csv`` from the researched reference list.

The reference list (``data/reference/events_reference.csv``, see
``data/reference/NOTES.md``) is the research record: every claim in it was
read at the URL it cites. This script only re-shapes it into the project's
schema (``data/README.md``); the few judgements it makes are spelled out in the
tables below so that a reviewer can check each one against the reference row.

Run from the repository root:  python tools/curate_events.py
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference" / "events_reference.csv"
OUT = ROOT / "data" / "events.csv"

COLUMNS = [
    "event_id",
    "event_date",
    "date_note",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "location_alt_names",
    "admin_region_reported",
    "latitude",
    "longitude",
    "geo_precision",
    "location_note",
    "fatalities",
    "fatalities_reported",
    "fatalities_reported_by",
    "notes",
    "disputes",
    "source",
    "source_title",
    "source_url",
    "additional_sources",
    "campaign",
]

# ACLED sub_event_type for each project type; ACLED's event_type follows from it
# (see data/README.md). Rows whose nature differs from the default are listed in
# SUB_EVENT_OVERRIDES.
DEFAULT_SUB_EVENT = {
    "Battle": "Armed clash",
    "Shelling/artillery": "Shelling/artillery/missile attack",
    "Air/missile strike": "Air/drone strike",
    "Drone strike": "Air/drone strike",
    "Incursion": "Non-violent transfer of territory",
    "Blockade": "Other",
    "Ceasefire/agreement": "Agreement",
    "Civilian harm": "Other",
    "Protest/political": "Other",
}
SUB_EVENT_OVERRIDES = {
    # Ballistic/rocket attacks on cities: ACLED codes missiles with artillery.
    "AA-009": "Shelling/artillery/missile attack",
    "AA-015": "Shelling/artillery/missile attack",
    "AA-018": "Shelling/artillery/missile attack",
    "AA-019": "Shelling/artillery/missile attack",
    # Shoot-down of a helicopter by a shoulder-fired missile.
    "AA-028": "Armed clash",
    # Protesters broke into the government building.
    "AA-030": "Violent demonstration",
    "AA-064": "Peaceful protest",
    # Shooting and wounding reported during the advance on Parukh.
    "AA-040": "Armed clash",
}

# A single number is recorded only where the reference gives one sourced
# figure of people killed for this row (or one reporter's final figure).
# Everything else stays empty; the full text is in fatalities_reported.
# "no deaths reported", "no deaths" and "0 killed" are alike: 0 (the research's rule of 2026-12-01).
# AA-003 (5 civilians in Martuni Province to 5 Oct) is a campaign tally that includes AA-006's
# deaths: a number on it would count them twice, so it has none (corrections of 2026-12-01).
FATALITIES = {
    "AA-001": 2,  # NK authorities and NK ombudsman: 2 civilians
    "AA-005": 1,
    "AA-006": 4,
    "AA-007": 1,
    "AA-008": 0,  # "no deaths reported"
    "AA-009": 1,  # Az MFA and later summary agree on 1 killed
    "AA-012": 0,  # source states 0 killed
    "AA-016": 1,
    "AA-017": 3,
    "AA-022": 5,
    "AA-023": 0,  # source states 0 killed
    "AA-024": 21,  # Prosecutor General's updated figure, also HRW
    "AA-026": 3,  # preliminary figure, the only one given
    "AA-028": 2,
    "AA-030": 0,  # "no deaths reported"
    "AA-035": 1,
    "AA-036": 0,  # "no deaths"
    "AA-037": 3,  # Armenia's figure; Azerbaijan reported wounded only
    "AA-041": 2,
    "AA-066": 4,
    "AA-068": 1,
    "AA-071": 5,  # Prosecutor General of Azerbaijan; the 6th death is a separate incident
    "AA-074": 218,  # Armenian Investigative Committee, final
    "AA-077": 4,
}

OUTLETS = {
    "a1plus.am": "A1+",
    "armenian485.rssing.com": "Armenian Weekly (syndicated)",
    "armenianclub.com": "Armenian Club",
    "armenianweekly.com": "Armenian Weekly",
    "armenpress.am": "Armenpress",
    "artsakhombuds.am": "Artsakh Human Rights Ombudsman",
    "azertag.az": "AZERTAC",
    "babel.ua": "Babel",
    "caliber.az": "Caliber.az",
    "dogruhaber.com.tr": "Doğru Haber",
    "en.168.am": "168.am",
    "en.aravot.am": "Aravot",
    "en.armradio.am": "Public Radio of Armenia",
    "en.dailypakistan.com.pk": "Daily Pakistan",
    "en.news.ru": "News.ru",
    "en.trend.az": "Trend News Agency",
    "en.wikipedia.org": "Wikipedia",
    "eng.ctgnews.com": "CTG News",
    "english.alarabiya.net": "Al Arabiya",
    "hcav.am": "Helsinki Citizens' Assembly Vanadzor",
    "massispost.com": "Massis Post",
    "mediamax.am": "Mediamax",
    "mirrorspectator.com": "Armenian Mirror-Spectator",
    "news.am": "NEWS.am",
    "novayagazeta.eu": "Novaya Gazeta Europe",
    "oc-media.org": "OC Media",
    "ocmedianew.vecto.digital": "OC Media (copy)",
    "panarmenian.net": "PanARMENIAN.Net",
    "pledgetimes.com": "Pledge Times",
    "ra.am": "ra.am",
    "radar.am": "Radar Armenia",
    "rima.media": "RIMA",
    "soyarmenio.com": "Soy Armenio",
    "static.report.az": "Report.az",
    "tass.com": "TASS",
    "video.azertag.az": "AZERTAC",
    "warsawpoint.com": "Warsaw Point",
    "www.anews.com.tr": "A News",
    "www.azernews.az": "AzerNews",
    "www.bolnews.com": "BOL News",
    "www.civilnet.am": "CivilNet",
    "www.dailysabah.com": "Daily Sabah",
    "www.eng.kavkaz-uzel.eu": "Caucasian Knot",
    "www.hrw.org": "Human Rights Watch",
    "www.janes.com": "Janes",
    "www.jpost.com": "The Jerusalem Post",
    "www.meydan.tv": "Meydan TV",
    "www.news.az": "News.az",
    "www.panarmenian.net": "PanARMENIAN.Net",
    "www.primeminister.am": "Prime Minister of Armenia",
    "www.pubaffairsbruxelles.eu": "PubAffairs Bruxelles",
    "www.urdupoint.com": "UrduPoint",
    "zartonkmedia.com": "Zartonk Media",
}


def geo_precision(row: dict[str, str]) -> str:
    """ACLED-style precision: 1 the named place, 2 a nearby/representative place, 3 an area."""
    if not row["latitude"]:
        return ""
    note = row["coord_precision"]
    if note.startswith(("locality", "town coordinates (the cathedral", "town coordinates")) and "proxy" not in note:
        return "1"
    if note.startswith(("announcement venue", "seat of the announcing authority")):
        return "3"
    return "2"


def curate(row: dict[str, str]) -> dict[str, str]:
    eid = row["event_id"]
    fatalities = FATALITIES.get(eid)
    location_note = row["coord_precision"]
    if row["coord_source"]:
        location_note = f"{location_note}; {row['coord_source']}" if location_note else row["coord_source"]
    return {
        "event_id": eid,
        "event_date": row["event_date"],
        "date_note": row["date_note"],
        "event_type": row["event_type"],
        "sub_event_type": SUB_EVENT_OVERRIDES.get(eid, DEFAULT_SUB_EVENT[row["event_type"]]),
        "actor1": row["actor_1"],
        "actor2": row["actor_2"],
        "location": row["location_name"],
        "location_alt_names": row["location_alt_names"],
        "admin_region_reported": row["admin_region"],
        "latitude": row["latitude"].strip(),
        "longitude": row["longitude"].strip(),
        "geo_precision": geo_precision(row),
        "location_note": location_note,
        "fatalities": "" if fatalities is None else str(fatalities),
        "fatalities_reported": row["fatalities_reported"],
        "fatalities_reported_by": row["fatalities_reported_by"],
        "notes": row["description"],
        "disputes": row["disputes_notes"],
        "source": OUTLETS[urlparse(row["source_url"]).netloc],
        "source_title": row["source_title"],
        "source_url": row["source_url"],
        "additional_sources": row["additional_sources"],
        "campaign": row["campaign"],
    }


def main() -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        rows = [curate(r) for r in csv.DictReader(f)]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} events to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
