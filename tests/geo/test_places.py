"""The gazetteer: any form of a name finds its place; an unknown one gets the closest names."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.errors import PlaceError
from dashboard.filters import EventFilter, Near, filter_mask
from dashboard.geo.places import EVENT_DATA, GEONAMES, Gazetteer, distance_km, fold, name_key, split_alt_names


@pytest.fixture(scope="module")
def gazetteer(bundled):
    return Gazetteer.for_events(bundled.events)


@pytest.mark.parametrize(
    "names",
    [
        ("Stepanakert", "Khankendi", "Xankəndi", "Ստեփանակերտ", "Степанакерт", "STEPANAKERT", "xankendi"),
        ("Shusha", "Shushi", "Şuşa", "Шуша", "shusha"),
        ("Lachin", "Berdzor", "Laçın", "Lacin", "Բերձոր"),
        ("Jermuk", "Cermuk", "Ջերմուկ", "Джермук"),
    ],
    ids=lambda names: names[0],
)
def test_every_form_of_a_name_finds_the_same_place(gazetteer, names):
    places = {gazetteer.resolve(name) for name in names}
    assert len(places) == 1, [p.name for p in places]


def test_a_data_place_that_is_a_geonames_town_is_one_place_with_both_names(gazetteer):
    stepanakert = gazetteer.resolve("Xankəndi")
    assert stepanakert.name == "Stepanakert"  # the data's spelling leads
    assert stepanakert.source == f"{GEONAMES} and {EVENT_DATA}"
    assert "Khankendi" in stepanakert.other_names and "Ստեփանակերտ" in stepanakert.other_names
    assert stepanakert.population > 0


def test_the_datas_own_alias_keeps_what_the_data_says_of_it(gazetteer):
    jermuk = next(m.place for m in gazetteer.search("Istisu") if m.place.name == "Jermuk")
    assert "Istisu" in jermuk.other_names
    assert "inferred" in jermuk.note  # the data calls the equivalence an inference, and so do we


def test_places_under_500_people_come_from_the_data(gazetteer):
    assert gazetteer.resolve("Martakert").source == EVENT_DATA
    assert gazetteer.resolve("Hadrut").source == EVENT_DATA


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kəlbəcər", "Kelbecer"),
        ("Ağdam", "Aghdam"),
        ("Şuşa", "Shusha"),
        ("Laçın", "Lachin"),
        ("Xocalı", "Khojali"),
        ("Qubadlı", "Gubadli"),
        ("Qazax", "Kazakh"),
        ("Füzuli", "Fuzuli"),
    ],
)
def test_common_romanisations_share_a_key(one, other):
    assert name_key(one) == name_key(other)


def test_case_and_accents_are_ignored_but_different_names_stay_apart():
    assert fold("ŞUŞA") == fold("şuşa") == "susa"
    assert name_key("Goris") != name_key("Kapan")


def test_suggestions_as_typed_start_with_the_best_match(gazetteer):
    found = gazetteer.search("jerm")
    assert found[0].place.name == "Jermuk"
    assert all(m.rank >= 4 for m in found)  # prefixes, not exact names


def test_an_unknown_place_gets_a_sentence_with_the_closest_names(gazetteer):
    with pytest.raises(PlaceError, match=r"No place called 'Stepanakrt'.*Closest names: Stepanakert"):
        gazetteer.resolve("Stepanakrt")
    with pytest.raises(PlaceError, match=r"No place called '\?\?\?'"):
        gazetteer.resolve("???")


def test_the_search_box_returns_a_label_or_typed_text_and_both_find_the_place(gazetteer):
    stepanakert = gazetteer.resolve("Stepanakert")
    label = next(label for label, place in gazetteer.labels.items() if place == stepanakert)
    assert gazetteer.choose(label) == stepanakert
    assert gazetteer.choose("xankəndi") == stepanakert
    with pytest.raises(PlaceError, match="Closest names"):
        gazetteer.choose("Stepanakrt")


def test_labels_are_unique_and_show_the_main_forms(gazetteer):
    assert len(gazetteer.labels) == len(gazetteer.places)
    label = next(label for label, place in gazetteer.labels.items() if place.name == "Stepanakert")
    assert label.startswith("Stepanakert — Azerbaijan (") and "Xankəndi" in label and "Ստեփանակերտ" in label


def test_alt_name_cells_split_into_names_and_notes():
    assert split_alt_names("Jermuk; Istisu (name used by Azerbaijani MoD)") == [
        ("Jermuk", ""),
        ("Istisu", "name used by Azerbaijani MoD"),
    ]
    assert split_alt_names("") == []


def test_distance_is_great_circle_kilometres():
    assert distance_km(1.0, 0.0, 0.0, 0.0)[0] == pytest.approx(111.195, abs=0.01)
    assert distance_km(44.5126, 40.17765, 44.5126, 40.17765)[0] == 0


def test_events_near_a_place_are_those_within_the_radius(bundled, gazetteer):
    jermuk = gazetteer.resolve("Jermuk")
    near = Near(place=jermuk.name, longitude=jermuk.longitude, latitude=jermuk.latitude, radius_km=10)
    events = bundled.events
    kept = events[filter_mask(events, EventFilter(near=near))]
    assert not kept.empty and "Jermuk" in set(kept["location"])
    assert (distance_km(kept["longitude"], kept["latitude"], jermuk.longitude, jermuk.latitude) <= 10).all()
    outside = events[events["latitude"].notna() & ~events.index.isin(kept.index)]
    assert (distance_km(outside["longitude"], outside["latitude"], jermuk.longitude, jermuk.latitude) > 10).all()


@given(st.text(max_size=30))
def test_any_text_is_searched_without_error(gazetteer_for_hypothesis, text):
    matches = gazetteer_for_hypothesis.search(text)
    assert all(m.rank <= 5 for m in matches)
    if not any(m.rank <= 3 for m in matches):  # nothing named so: a sentence, never another error
        with pytest.raises(PlaceError, match=r"^No place called"):
            gazetteer_for_hypothesis.resolve(text)


@pytest.fixture(scope="module")
def gazetteer_for_hypothesis():
    return Gazetteer.for_events(None)


def test_two_data_spellings_of_one_town_keep_both_names_and_every_note():
    events = pd.DataFrame(
        {
            "location": ["Jermuk", "Djermuk"],
            "location_alt_names": ["", "Istisu (equivalence inferred)"],
            "latitude": [39.8417, 39.8417],
            "longitude": [45.6722, 45.6722],
            "country": ["Armenia", "Armenia"],
        }
    )
    jermuk = next(p for p in Gazetteer.for_events(events).places if "Djermuk" in (p.name, *p.other_names))
    assert {"Jermuk", "Djermuk"} <= {jermuk.name, *jermuk.other_names}
    assert "inferred" in jermuk.note
