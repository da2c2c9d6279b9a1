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
import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from dashboard.load.claims import CLAIM_FILE_COLUMNS, typed_claims
from dashboard.load.formats import PROJECT
from dashboard.summary.claims import single_figures

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference" / "events_reference.csv"
EVIDENCE = ROOT / "data" / "reference" / "evidence.md"
OUT = ROOT / "data" / "events.csv"
CLAIMS_OUT = ROOT / "data" / "claims.csv"
URL = re.compile(r"https?://[^\s|;)]+")

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


# ---------------------------------------------------------------------------------------------
# Casualty claims (data/claims.csv): one row per figure a reporter gave, with the exact words of
# the research record it comes from. tests/load/test_claims.py checks that every number of a
# claim appears in its quote and that every quote is part of its row's research text, so no
# figure can be added here that the research does not hold. Judgements, each visible below:
# - `about` names only what the words say: "civilians" only where the text says civilians,
#   otherwise "unspecified".
# - scope "total" for campaign, war and area-wide running tallies that include other rows'
#   casualties (AA-003, AA-004's campaign figure, AA-025, AA-029, AA-050's province tally):
#   they are shown beside event figures and never added to them.
# - A figure that two rows repeat is claimed once: Azerbaijan's September 2022 series is on
#   AA-058 (Azerbaijan's account), Armenia's on AA-063 (the ceasefire row); the civilian figures
#   of September 2022 on AA-060 (the civilian-impact row) only.
# - Not claims: AA-071's sixth death (a separate attack, not this event), counts of bodies examined
#   (AA-029's disputes), AA-060/AA-063's displacement and damage counts (not casualties).
# - source_url: the page the research log (data/reference/evidence.md) reads the figure from
#   when it says, else the row's primary source.
# ---------------------------------------------------------------------------------------------

CLAIM_COLUMNS = list(CLAIM_FILE_COLUMNS)  # the order of data/claims.csv, defined by its reader

NK_AUTH = "Nagorno-Karabakh authorities"
AM, AZ, RU = "Armenia", "Azerbaijan", "Russia"
INTL, CIVIL, MEDIA = "international organisation", "civil society", "media"
AM_F, AM_FC, NK_F, NK_FC, AZ_F = (
    "Armenian forces",
    "Armenian forces and civilians",
    "Nagorno-Karabakh forces",
    "Nagorno-Karabakh forces and civilians",
    "Azerbaijani forces",
)
CIV_AM, CIV_AZ, CIV_NK, UNSPEC = (
    "civilians in Armenia",
    "civilians in Azerbaijan",
    "civilians in Nagorno-Karabakh",
    "unspecified",
)


def claim(
    event_id: str,
    reported_by: str,
    reporter_side: str,
    about: str,
    quote: str,
    *,
    killed: int | None = None,
    wounded: int | None = None,
    missing: int | None = None,
    captured: int | None = None,
    kind: str = "killed",
    qualifier: str = "",
    scope: str = "event",
    as_of: str = "",
    status: str = "",
    url: str = "",
    note: str = "",
) -> dict[str, str]:
    """One claims.csv row; ``url`` is a fragment of one of the row's URLs (empty: its primary source)."""

    def number(value: int | None) -> str:
        return "" if value is None else str(value)

    return {
        "event_id": event_id,
        "reported_by": reported_by,
        "reporter_side": reporter_side,
        "about": about,
        "killed": number(killed),
        "wounded": number(wounded),
        "missing": number(missing),
        "captured": number(captured),
        "kind": kind,
        "qualifier": qualifier,
        "scope": scope,
        "as_of": as_of,
        "status": status,
        "source_url": url,
        "quote": quote,
        "note": note,
    }


NO_PAGE = "-"  # the research names no page for this figure: source_url stays empty

CLAIMS = [
    # 2020 war
    claim(
        "AA-001",
        "Nagorno-Karabakh president's office",
        NK_AUTH,
        CIV_NK,
        "At least 2 civilians (a woman and a child) killed, 2 injured on the first morning",
        killed=2,
        wounded=2,
        qualifier="at least",
        as_of="2020-09-27",
    ),
    claim(
        "AA-001",
        "Artsakh ombudsman Artak Beglaryan",
        NK_AUTH,
        CIV_NK,
        "NK ombudsman Artak Beglaryan also reported 2 civilians killed",
        killed=2,
        url="artsakhombuds.am",
    ),
    claim(
        "AA-003",
        "Martuni regional administration (via Wikipedia)",
        NK_AUTH,
        CIV_NK,
        "5 civilians killed, 10 injured in Martuni Province as of 5 Oct 2020",
        killed=5,
        wounded=10,
        scope="total",
        as_of="2020-10-05",
        note="Martuni Province, 27 Sep – 5 Oct 2020 (includes AA-006)",
    ),
    claim(
        "AA-003",
        "Artsakh Human Rights Defender",
        NK_AUTH,
        UNSPEC,
        "the Artsakh human-rights defender gave 6 killed in Martuni for 27 Sep - 4 Oct",
        killed=6,
        scope="total",
        as_of="2020-10-04",
        note="Martuni, 27 Sep – 4 Oct 2020",
    ),
    claim(
        "AA-004",
        "AZERTAC",
        AZ,
        CIV_AZ,
        "28 Sep: 1 civilian (Mehman Aliyev) killed, 2 seriously injured",
        killed=1,
        wounded=2,
        as_of="2020-09-28",
        url="azertag.az",
    ),
    claim(
        "AA-004",
        "Wikipedia (from Azerbaijani figures)",
        MEDIA,
        UNSPEC,
        "Whole campaign 28 Sep-10 Nov: 17 killed, 63 injured",
        killed=17,
        wounded=63,
        scope="total",
        note="Tartar, 28 Sep – 10 Nov 2020",
    ),
    claim("AA-005", "Human Rights Defender of Armenia Arman Tatoyan", AM, CIV_AM, "1 civilian killed", killed=1),
    claim(
        "AA-006",
        "Artsakh Human Rights Ombudsman",
        NK_AUTH,
        CIV_NK,
        "4 civilians killed, 11 wounded (including two Le Monde reporters)",
        killed=4,
        wounded=11,
    ),
    claim(
        "AA-007", "CivilNet", MEDIA, CIV_AM, "1 civilian (Gevorg Vardanyan, 53) killed, 2 injured", killed=1, wounded=2
    ),
    claim(
        "AA-008",
        "Armenian Unified Infocenter / Armenian MoD",
        AM,
        CIV_NK,
        "10 civilians wounded (no deaths reported)",
        killed=0,
        wounded=10,
    ),
    claim(
        "AA-009",
        "Azerbaijani MFA",
        AZ,
        CIV_AZ,
        "1 civilian killed, 4 injured (Az MFA, 4 Oct)",
        killed=1,
        wounded=4,
        as_of="2020-10-04",
    ),
    claim(
        "AA-009",
        "Wikipedia-derived summary (no-genocide.com)",
        MEDIA,
        UNSPEC,
        "a later Wikipedia-derived summary says 1 killed, over 30 wounded",
        killed=1,
        wounded=30,
        url="no-genocide.com",
        note="wounded: over 30",
    ),
    claim(
        "AA-012",
        "Artsakh ombudsman Artak Beglaryan",
        NK_AUTH,
        UNSPEC,
        "0 killed; 3 injured in the second strike",
        killed=0,
        wounded=3,
    ),
    claim(
        "AA-012",
        "Armenian MFA (Anna Naghdalyan)",
        AM,
        UNSPEC,
        "0 killed; 3 injured in the second strike",
        killed=0,
        wounded=3,
    ),
    claim("AA-015", "AZERTAC", AZ, CIV_AZ, "7 civilians killed (3 women), 34 severely wounded", killed=7, wounded=34),
    claim(
        "AA-015",
        "Azerbaijani MFA (via a Wikipedia-derived summary)",
        AZ,
        UNSPEC,
        "Az MFA via Wikipedia-derived summary (>=7 dead/33 injured)",
        killed=7,
        wounded=33,
        qualifier="at least",
        url="no-genocide.com",
    ),
    claim(
        "AA-015",
        "Wikitia",
        MEDIA,
        UNSPEC,
        "other Azerbaijani-sourced counts: at least 9 dead/33 wounded",
        killed=9,
        wounded=33,
        qualifier="at least",
        url="wikitia.com",
    ),
    claim("AA-015", "AzerNews", MEDIA, UNSPEC, "or 10 dead/35 injured", killed=10, wounded=35, url="azernews.az"),
    claim(
        "AA-016",
        "Prosecutor General of Azerbaijan; presidential aide Hikmat Hajiyev",
        AZ,
        CIV_AZ,
        "1 civilian (Adavat Akhundov, Narli village) killed, 8 injured",
        killed=1,
        wounded=8,
    ),
    claim(
        "AA-017",
        "Hikmat Hajiyev, aide to the President of Azerbaijan",
        AZ,
        CIV_AZ,
        "3 civilians killed, 5 wounded",
        killed=3,
        wounded=5,
    ),
    claim(
        "AA-018",
        "Prosecutor General of Azerbaijan",
        AZ,
        UNSPEC,
        "Initial: 12 killed, >40 injured",
        killed=12,
        wounded=40,
        status="initial",
        note="wounded: more than 40",
    ),
    claim(
        "AA-018",
        "Emergency Situations Minister Kamaladdin Heydarov",
        AZ,
        UNSPEC,
        "then 13 killed, >53 injured",
        killed=13,
        wounded=53,
        status="updated",
        url="trend.az",
        note="wounded: more than 53",
    ),
    claim(
        "AA-018",
        "Amnesty International",
        INTL,
        CIV_AZ,
        "Amnesty International later: 21 civilians killed, >50 injured",
        killed=21,
        wounded=50,
        as_of="2021-01-13",
        url="azernews.az/karabakh/175014",
        note="report of 13 Jan 2021; wounded: more than 50",
    ),
    claim(
        "AA-022",
        "Amnesty International",
        INTL,
        UNSPEC,
        "5 killed, 14 injured (including 7-year-old Aysu Iskandarli)",
        killed=5,
        wounded=14,
        as_of="2021-01-13",
        note="report of 13 Jan 2021",
    ),
    claim(
        "AA-023", "Human Rights Defender of Artsakh", NK_AUTH, UNSPEC, "0 killed; 3 women injured", killed=0, wounded=3
    ),
    claim(
        "AA-024",
        "Prosecutor General of Azerbaijan",
        AZ,
        UNSPEC,
        "Initial 19 killed, >60 wounded",
        killed=19,
        wounded=60,
        status="initial",
        as_of="2020-10-28",
        url="sea-news.az",
        note="wounded: more than 60",
    ),
    claim(
        "AA-024",
        "Prosecutor General of Azerbaijan",
        AZ,
        UNSPEC,
        "updated the same day to 21 killed, about 70 injured",
        killed=21,
        wounded=70,
        status="updated",
        as_of="2020-10-28",
        url="urdupoint.com",
        note="wounded: about 70",
    ),
    claim(
        "AA-024",
        "Human Rights Watch",
        INTL,
        UNSPEC,
        "Human Rights Watch (at least 21 killed, at least 70 wounded)",
        killed=21,
        wounded=70,
        qualifier="at least",
        url="tolerance.ca",
    ),
    claim(
        "AA-025",
        "Nagorno-Karabakh MoD",
        NK_AUTH,
        NK_F,
        "NK Defence Army military death toll reached 1,025 that day",
        killed=1025,
        scope="total",
        as_of="2020-10-29",
        note="the war's running military toll",
    ),
    claim(
        "AA-026",
        "Artsakh ombudsman Artak Beglaryan",
        NK_AUTH,
        CIV_NK,
        "3 civilians killed (preliminary)",
        killed=3,
        status="initial",
    ),
    claim(
        "AA-028",
        "Russian Ministry of Defence",
        RU,
        "Russian forces",
        "2 Russian crew killed, 1 injured",
        killed=2,
        wounded=1,
        url="tass.com",
    ),
    claim(
        "AA-029",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "Azerbaijan MoD 2,783 soldiers killed (3 Dec 2020)",
        killed=2783,
        scope="total",
        as_of="2020-12-03",
        url="arkansasonline.com",
        note="2020 war",
    ),
    claim(
        "AA-029",
        "Azerbaijan",
        AZ,
        AZ_F,
        "2,823 buried by 28 Dec 2020",
        killed=2823,
        scope="total",
        as_of="2020-12-28",
        url=NO_PAGE,
        note="2020 war",
    ),
    claim(
        "AA-029",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "2,900 in Jun 2021",
        killed=2900,
        scope="total",
        as_of="2021-06",
        url="anews.com.tr/world/2021/06/02",
        note="2020 war",
    ),
    claim(
        "AA-029",
        "Azerbaijani military prosecutor",
        AZ,
        AZ_F,
        "later 2,908 identified (Az military prosecutor, 2022)",
        killed=2908,
        scope="total",
        as_of="2022",
        url="azerbaijan-identifies-2908",
        note="2020 war",
    ),
    claim(
        "AA-029",
        "Arabic-language report",
        MEDIA,
        AZ_F,
        "one Arabic-language report gave 2,723 on 8 Dec 2020",
        killed=2723,
        scope="total",
        as_of="2020-12-08",
        url=NO_PAGE,
        note="2020 war",
    ),
    claim(
        "AA-029",
        "Azerbaijani government",
        AZ,
        CIV_AZ,
        "Az govt 94 civilians killed, >400 wounded",
        killed=94,
        wounded=400,
        scope="total",
        url="arkansasonline.com",
        note="2020 war; wounded: more than 400",
    ),
    claim(
        "AA-029",
        "Prime Minister of Armenia Nikol Pashinyan",
        AM,
        AM_F,
        "Armenia: 3,773 servicemen killed, 243 missing (Pashinyan, Aug 2021)",
        killed=3773,
        missing=243,
        scope="total",
        as_of="2021-08",
        url="massispost.com",
        note="2020 war",
    ),
    claim("AA-030", "TASS; Interfax/RBC", MEDIA, UNSPEC, "no deaths reported", killed=0),
    claim("AA-031", "Nagorno-Karabakh Infocenter", NK_AUTH, AM_F, "6 Armenian soldiers injured", wounded=6),
    # 2021 – 2022
    claim(
        "AA-035",
        "Armenian side (via NEWS.am)",
        AM,
        AM_F,
        "1 Armenian soldier (Jr Sgt Gevorg Khurshudyan) killed",
        killed=1,
    ),
    claim("AA-036", "Armenian MoD", AM, AM_F, "6 Armenian servicemen captured; no deaths", killed=0, captured=6),
    claim("AA-036", "Azerbaijani MoD", AZ, AM_F, "6 Armenian servicemen captured; no deaths", killed=0, captured=6),
    claim(
        "AA-037",
        "Armenian MoD",
        AM,
        AM_F,
        "Armenia: 3 soldiers killed (Hayk Gevorgyan, Koryun Harutyunyan, Davit Kocharyan), 4 wounded",
        killed=3,
        wounded=4,
    ),
    claim("AA-037", "Azerbaijani MoD", AZ, AZ_F, "Azerbaijan: 2 soldiers wounded", wounded=2),
    claim(
        "AA-038",
        "Armenian MoD",
        AM,
        AM_F,
        "Armenia: 1 killed, 13 captured, 24 missing at first",
        killed=1,
        missing=24,
        captured=13,
        status="initial",
        url="sputniknews.com",
    ),
    claim(
        "AA-038",
        "Armenian MoD",
        AM,
        AM_F,
        "6 killed as of 19 Nov",
        killed=6,
        status="updated",
        as_of="2021-11-19",
        url="en.news.ru",
    ),
    claim(
        "AA-038",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "Azerbaijan: 7 killed, 10 wounded",
        killed=7,
        wounded=10,
        url="ctgnews.com",
    ),
    claim(
        "AA-038",
        "Armenia",
        AM,
        AZ_F,
        "Armenia claimed up to 70 Azerbaijani troops killed or wounded",
        killed=70,
        kind="killed or wounded",
        qualifier="up to",
        url="sputniknews.com",
    ),
    claim(
        "AA-040", "Artsakh Defence Ministry", NK_AUTH, AM_F, "1 Armenian soldier wounded", wounded=1, url="armradio.am"
    ),
    claim(
        "AA-040",
        "Artsakh Defence Ministry",
        NK_AUTH,
        AZ_F,
        "Artsakh MoD claimed at least 5 Azerbaijani soldiers killed",
        killed=5,
        qualifier="at least",
        url="armradio.am",
    ),
    claim(
        "AA-041",
        "Artsakh authorities (wounded: Artsakh ombudsman Gegham Stepanyan)",
        NK_AUTH,
        AM_F,
        "2 Armenian soldiers killed; at least 14 wounded",
        killed=2,
        wounded=14,
        note="wounded: at least 14",
    ),
    claim("AA-042", "Azerbaijani MoD", AZ, AZ_F, "Azerbaijan: 1 soldier (Anar Kazimov) killed", killed=1),
    claim(
        "AA-042",
        "Artsakh Defence Army",
        NK_AUTH,
        NK_F,
        "NK Defence Army: 2 soldiers killed, 14 injured",
        killed=2,
        wounded=14,
    ),
    # September 2022
    claim(
        "AA-045",
        "Armenian Mirror-Spectator",
        MEDIA,
        CIV_AM,
        "6 civilians wounded (Mirror-Spectator text)",
        wounded=6,
        note="the headline's '6 Civilians Dead' contradicts the text",
    ),
    claim(
        "AA-050",
        "Gegharkunik governor Karen Sargsyan",
        AM,
        AM_F,
        "Gegharkunik governor reported 43 wounded troops and 4 killed in the province by that afternoon",
        wounded=43,
        scope="total",
        as_of="2022-09-13",
        url="gagrule.net",
        note="Gegharkunik province, 13 Sep",
    ),
    claim(
        "AA-050",
        "Gegharkunik governor Karen Sargsyan",
        AM,
        UNSPEC,
        "Gegharkunik governor reported 43 wounded troops and 4 killed in the province by that afternoon",
        killed=4,
        scope="total",
        as_of="2022-09-13",
        url="gagrule.net",
        note="Gegharkunik province, 13 Sep",
    ),
    claim(
        "AA-058",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "Azerbaijan: 50 servicemen killed (42 army + 8 State Border Service) on 13 Sep",
        killed=50,
        status="initial",
        as_of="2022-09-13",
        url="azernews.az/nation/199390",
    ),
    claim(
        "AA-058",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "71 by 14 Sep",
        killed=71,
        status="updated",
        as_of="2022-09-14",
        url="oc-media.org/live-updates-shelling-along-armenian-border-continues-for-second-day",
    ),
    claim(
        "AA-058",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "79 by about 23 Sep",
        killed=79,
        status="updated",
        as_of="2022-09-23",
        url="today.az",
        note="about 23 Sep",
    ),
    claim(
        "AA-058",
        "Azerbaijani MoD",
        AZ,
        AZ_F,
        "80 killed and 281 wounded final",
        killed=80,
        wounded=281,
        status="final",
        url="2022_Armenian-Azerbaijani_clashes",
        note="per Wikipedia's infobox citing Azerbaijan",
    ),
    claim(
        "AA-058",
        "Armenia",
        AM,
        AZ_F,
        "Armenia claimed 431 Azerbaijani soldiers killed",
        killed=431,
        url="kiwix/content/wikipedia_en_all_maxi_2024-01/A/2022_Armenian-Azerbaijani_clashes",
    ),
    claim(
        "AA-060",
        "Ministry of Territorial Administration and Infrastructure",
        AM,
        CIV_AM,
        "4 civilians killed, 6 wounded, 1 missing (Ministry of Territorial Administration, 29 Sep)",
        killed=4,
        wounded=6,
        missing=1,
        as_of="2022-09-29",
        url="soyarmenio.com",
    ),
    claim(
        "AA-060",
        "Prime Minister of Armenia Nikol Pashinyan",
        AM,
        CIV_AM,
        "3 killed, 2 missing, 8 wounded (Pashinyan)",
        killed=3,
        wounded=8,
        missing=2,
        url="kvira.ge",
    ),
    claim(
        "AA-060",
        "Azerbaijan (via Wikipedia)",
        AZ,
        CIV_AZ,
        "Azerbaijan said 3 Azerbaijani civilians were injured",
        wounded=3,
        url="kiwix/content/wikipedia_en_all_maxi_2024-01/A/2022_Armenian-Azerbaijani_clashes",
    ),
    claim(
        "AA-063",
        "Armenian Security Council",
        AM,
        AM_FC,
        "207 dead or missing incl. 3 civilians killed and 2 missing",
        killed=207,
        kind="dead or missing",
        status="final",
        as_of="2022-09-19",
        url="bbabo.net",
        note="includes 3 civilians killed and 2 missing",
    ),
    claim(
        "AA-063",
        "Armenian Security Council",
        AM,
        AM_F,
        "293 servicemen and 3 civilians wounded, 20 captured (19 Sep)",
        wounded=293,
        captured=20,
        status="final",
        as_of="2022-09-19",
        url="bbabo.net",
    ),
    claim(
        "AA-063",
        "Prime Minister of Armenia Nikol Pashinyan",
        AM,
        AM_FC,
        "later >210 dead/missing",
        killed=210,
        kind="dead or missing",
        qualifier="more than",
        url="kvira.ge",
        note="at the CIS summit in Astana",
    ),
    claim(
        "AA-063",
        "Wikipedia (infobox)",
        MEDIA,
        AM_FC,
        "202 killed or missing (Wikipedia infobox)",
        killed=202,
        kind="dead or missing",
        url="2022_Armenian-Azerbaijani_clashes",
    ),
    claim(
        "AA-063",
        "Wikipedia (text)",
        MEDIA,
        AM_FC,
        "204 (Wikipedia text)",
        killed=204,
        kind="dead or missing",
        url="2022_Armenian-Azerbaijani_clashes",
    ),
    claim(
        "AA-063",
        "forrights.am (NGO)",
        CIVIL,
        AM_FC,
        "224 dead (NGO forrights.am, 2023)",
        killed=224,
        as_of="2023",
        url="forrights.am",
    ),
    claim(
        "AA-063",
        "Azerbaijan",
        AZ,
        AM_F,
        "Azerbaijan claimed 450 Armenian soldiers killed",
        killed=450,
        url="2022_Armenian-Azerbaijani_clashes",
    ),
    # 2023 – 2024
    claim("AA-066", "Armenian MoD", AM, AM_F, "4 Armenian soldiers killed, 6 wounded", killed=4, wounded=6),
    claim("AA-068", "Armenian MoD", AM, AM_F, "1 Armenian soldier (Artyom Poghosyan) killed", killed=1),
    claim(
        "AA-069",
        "Artsakh ombudsman Gegham Stepanyan",
        NK_AUTH,
        CIV_NK,
        "Day 1: at least 2 civilians killed (incl. a child), 11 then 23 injured",
        killed=2,
        wounded=23,
        qualifier="at least",
        status="initial",
        as_of="2023-09-19",
    ),
    claim(
        "AA-069",
        "Artsakh ombudsman Gegham Stepanyan",
        NK_AUTH,
        NK_FC,
        "By 21:30 on 20 Sep: at least 200 dead, >400 wounded, incl. 10 civilians (5 children)",
        killed=200,
        wounded=400,
        qualifier="at least",
        status="updated",
        as_of="2023-09-20",
        url="asbarez.com",
        note="wounded: more than 400",
    ),
    claim(
        "AA-069",
        "Artsakh ombudsman Gegham Stepanyan",
        NK_AUTH,
        CIV_NK,
        "By 21:30 on 20 Sep: at least 200 dead, >400 wounded, incl. 10 civilians (5 children)",
        killed=10,
        status="updated",
        as_of="2023-09-20",
        url="asbarez.com",
    ),
    claim(
        "AA-069",
        "Armenian Investigative Committee",
        AM,
        NK_FC,
        "Later Armenian figure: 223 killed (25 civilians), 244 injured, 20 missing",
        killed=223,
        wounded=244,
        missing=20,
        url="nashvernisazh.com",
    ),
    claim(
        "AA-069",
        "Armenian Investigative Committee",
        AM,
        CIV_NK,
        "Later Armenian figure: 223 killed (25 civilians), 244 injured, 20 missing",
        killed=25,
        url="nashvernisazh.com",
    ),
    claim(
        "AA-069",
        "Azerbaijani government",
        AZ,
        AZ_F,
        "Azerbaijan: 192 soldiers killed, 512 wounded",
        killed=192,
        wounded=512,
        as_of="2023-09-27",
        url="babel.ua/en/news/98981",
    ),
    claim(
        "AA-071",
        "Prosecutor General of Azerbaijan",
        AZ,
        "Russian peacekeepers",
        "5 Russian peacekeepers killed by Azerbaijani troops",
        killed=5,
    ),
    claim(
        "AA-071",
        "Russian military blogger",
        MEDIA,
        "Russian peacekeepers",
        "a Russian military blogger said 5 died",
        killed=5,
        url=NO_PAGE,
    ),
    claim(
        "AA-074",
        "Armenian Investigative Committee",
        AM,
        UNSPEC,
        "At least 218 killed, 120+ injured, 21 missing (final)",
        killed=218,
        wounded=120,
        missing=21,
        qualifier="at least",
        status="final",
        url="armenpress.am",
        note="wounded: more than 120",
    ),
    claim(
        "AA-074",
        "Nagorno-Karabakh health authorities",
        NK_AUTH,
        UNSPEC,
        "first reports: at least 20 dead and about 290 with burns",
        killed=20,
        wounded=290,
        qualifier="at least",
        status="initial",
        url="pledgetimes.com",
        note="wounded: about 290, with burns",
    ),
    claim(
        "AA-077",
        "Tatoyan Foundation (NGO); RFE/RL (residents, via OC Media)",
        CIVIL,
        AM_F,
        "4 Armenian servicemen killed, 1 wounded",
        killed=4,
        wounded=1,
    ),
]


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


def curate(row: dict[str, str], fatalities: int | None) -> dict[str, str]:
    eid = row["event_id"]
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
        "fatalities": "" if fatalities is None or pd.isna(fatalities) else str(int(fatalities)),
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


def row_urls(row: dict[str, str]) -> list[str]:
    """The URLs a reference row cites: its primary source, then its additional sources."""
    return [row["source_url"], *URL.findall(row["additional_sources"])]


def resolve_url(fragment: str, row: dict[str, str], logged: list[str]) -> str:
    """The one URL of the row's sources (else of the research log) that contains ``fragment``."""
    if fragment == NO_PAGE:
        return ""
    if not fragment:
        return row["source_url"]
    for candidates in (row_urls(row), logged):
        found = sorted({u for u in candidates if fragment in u})
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise SystemExit(f"{row['event_id']}: {fragment!r} matches several URLs: {found}")
    raise SystemExit(f"{row['event_id']}: no URL of the row or of the research log contains {fragment!r}")


def curated_claims(references: dict[str, dict[str, str]]) -> pd.DataFrame:
    logged = URL.findall(EVIDENCE.read_text(encoding="utf-8"))
    rows = [{**c, "source_url": resolve_url(c["source_url"], references[c["event_id"]], logged)} for c in CLAIMS]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS, dtype=str)


def main() -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        references = {r["event_id"]: r for r in csv.DictReader(f)}
    claims = curated_claims(references)
    claims.to_csv(CLAIMS_OUT, index=False, lineterminator="\n")
    # The single figure follows from the claims by the rule in dashboard/summary/claims.py.
    typed = typed_claims(claims.assign(dataset=PROJECT))
    figures = single_figures(typed).droplevel(0)
    rows = [curate(r, figures.get(r["event_id"])) for r in references.values()]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"wrote {len(rows)} events to {OUT.relative_to(ROOT)}, {len(claims)} claims to {CLAIMS_OUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
