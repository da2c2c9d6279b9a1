from __future__ import annotations

import pandas as pd
import pytest

from dashboard.text import fatalities_text, format_date, location_precision_text, safe_url
from dashboard.webmap.popups import event_popup_html, event_tooltip

XSS = "<img src=x onerror=alert(1)><script>alert(1)</script>"


def row(**values: object) -> pd.Series:
    base = {
        "event_id": "AA-1",
        "event_date": pd.Timestamp("2022-09-13"),
        "event_type": "Shelling/artillery",
        "sub_event_type": "Shelling/artillery/missile attack",
        "location": "Jermuk",
        "location_alt_names": "Jermuk; Djermouk; Istisu",
        "region": "Armenia",
        "province": "Vayots Dzor",
        "actor1": "Azerbaijani Armed Forces",
        "actor2": "civilians",
        "fatalities": pd.NA,
        "fatalities_reported": "none stated",
        "fatalities_reported_by": "",
        "notes": "Spa damaged.",
        "disputes": "",
        "source": "Mirror-Spectator",
        "source_title": "Diplomats visit",
        "source_url": "https://mirrorspectator.com/x",
        "geo_precision": 1,
        "on_border": False,
        "snapped": False,
        "date_note": "",
    }
    return pd.Series({**base, **values})


def test_popup_shows_date_type_place_and_source_link():
    popup = event_popup_html(row())
    assert "13 Sep 2022" in popup
    assert "Shelling/artillery" in popup
    assert "Jermuk (Djermouk / Istisu)" in popup
    assert '<a href="https://mirrorspectator.com/x" target="_blank" rel="noopener noreferrer">' in popup
    assert "Fatalities:</span> none stated" in popup
    assert "Fatalities:</span> not reported" in event_popup_html(row(fatalities_reported="n/a"))


def test_data_text_is_escaped_everywhere():
    popup = event_popup_html(row(notes=XSS, location=XSS, actor1=XSS, source=XSS, disputes=XSS, source_title=XSS))
    assert "<script>" not in popup and "<img" not in popup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    assert "<script>" not in event_tooltip(row(location=XSS))


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "/relative", "", None]
)
def test_only_http_urls_become_links(url):
    popup = event_popup_html(row(source_url=url))
    assert "<a " not in popup
    assert safe_url(url) is None


def test_disputes_are_marked():
    assert "<b>Disputed:</b> Baku says otherwise" in event_popup_html(row(disputes="Baku says otherwise"))


def test_border_points_are_not_attributed():
    popup = event_popup_html(row(on_border=True, border_distance_km=0.238))
    assert "on the Armenia–Azerbaijan border (0.24 km from the line" in popup
    assert "too close to attribute to either side" in popup


def test_fatalities_text_prefers_the_reported_wording_and_never_invents_zero():
    assert fatalities_text(row(fatalities=4, fatalities_reported="4 soldiers killed")) == "4 soldiers killed"
    assert fatalities_text(row(fatalities=3, fatalities_reported="")) == "3"
    assert fatalities_text(row(fatalities=pd.NA, fatalities_reported="n/a")) == "not reported"


def test_dates_are_written_for_people():
    assert format_date(pd.Timestamp("2020-09-27")) == "27 Sep 2020"


@pytest.mark.parametrize(
    ("values", "wording"),
    [
        ({"geo_precision": 1}, "1 · the named place"),
        ({"geo_precision": 2, "location": "Sotk"}, "location approximate (precision 2: near Sotk)"),
        ({"geo_precision": 2, "location": "Near Yeraskh"}, "location approximate (precision 2: near Yeraskh)"),
        ({"geo_precision": 3}, "location approximate (precision 3: an area, point only indicative)"),
        ({"geo_precision": 3, "ucdp_where_prec": 4}, "approximate (UCDP where_prec 4: only the province is known)"),
        ({"geo_precision": 3, "ucdp_where_prec": 6}, "approximate (UCDP where_prec 6: only the country is known)"),
        ({"geo_precision": 2, "ucdp_where_prec": 2, "location": "Sotk village"}, "within about 25 km of Sotk village"),
        ({"geo_precision": 1, "ucdp_where_prec": 1}, "1 · the named place"),
        ({"geo_precision": pd.NA}, ""),
    ],
)
def test_location_precision_reads_in_words(values, wording):
    text = location_precision_text(row(**values))
    assert wording in text if wording else text == ""


def test_an_exact_event_says_nothing_new_and_an_approximate_one_says_so_escaped():
    exact = event_popup_html(row(geo_precision=1))
    assert "approximate" not in exact and "Location precision:</span> 1 · the named place" in exact
    popup = event_popup_html(row(geo_precision=2, location=XSS))
    assert "Location precision:</span> location approximate (precision 2: near &lt;img" in popup
    assert "<img" not in popup
