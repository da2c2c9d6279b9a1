from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard.geo.join import JOINED_COLUMNS, assign_region, join_regions
from dashboard.vocab import METRIC_CRS

# name: (lat, lon, country, province_code, in_nkao_1991, in_nk_1994_2020)
TOWNS = {
    "Yerevan": (40.1833, 44.5167, "Armenia", "AM-ER", False, False),
    "Gyumri": (40.7894, 43.8475, "Armenia", "AM-SH", False, False),
    "Goris": (39.50778, 46.33861, "Armenia", "AM-SU", False, False),
    "Kapan": (39.20111, 46.415, "Armenia", "AM-SU", False, False),
    "Ganja": (40.68278, 46.36056, "Azerbaijan", "AZ-GA", False, False),
    "Baku": (40.3953, 49.8822, "Azerbaijan", "AZ-BA", False, False),
    "Stepanakert": (39.81528, 46.75194, "Azerbaijan", "AZ-XA", True, True),
    "Shusha": (39.7583, 46.7483, "Azerbaijan", "AZ.56", True, True),
    "Fuzuli": (39.60028, 47.14306, "Azerbaijan", "AZ-FUZ", False, True),
    "Nakhchivan": (39.2089, 45.4122, "Azerbaijan", "AZ-NV", False, False),
}
OFFSHORE = (40.0, 49.4877)  # in the Caspian, ~0.5 km east of the coast south of Baku


def frame(points: dict[str, tuple[float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": list(points),
            "latitude": [p[0] for p in points.values()],
            "longitude": [p[1] for p in points.values()],
        }
    ).astype({"latitude": float, "longitude": float})


@pytest.fixture(scope="module")
def towns(boundaries):
    return join_regions(frame({k: v[:2] for k, v in TOWNS.items()}), boundaries, "nkao_1991").set_index("event_id")


@pytest.mark.parametrize("town", TOWNS)
def test_well_known_towns_land_in_their_units(towns, town):
    _, _, country, province_code, in_nkao, in_nk94 = TOWNS[town]
    row = towns.loc[town]
    assert (row["country"], row["province_code"]) == (country, province_code)
    assert (bool(row["in_nkao_1991"]), bool(row["in_nk_1994_2020"])) == (in_nkao, in_nk94)
    assert not row["snapped"]
    expected_region = "Nagorno-Karabakh" if in_nkao else country
    assert row["region"] == expected_region


def test_points_in_neighbouring_countries_are_outside(boundaries):
    joined = join_regions(frame({"Tbilisi": (41.7151, 44.8271), "Tabriz": (38.0800, 46.2919)}), boundaries, "nkao_1991")
    assert joined["region"].tolist() == ["Outside", "Outside"]
    assert joined["country"].tolist() == ["", ""]
    assert joined["province"].tolist() == ["", ""]


def test_point_just_off_the_coast_snaps_to_the_nearest_unit(boundaries):
    aze = boundaries.countries.set_index("name").to_crs(METRIC_CRS).geometry["Azerbaijan"]
    point = gpd.GeoSeries([Point(OFFSHORE[1], OFFSHORE[0])], crs=4326).to_crs(METRIC_CRS).iloc[0]
    assert not aze.contains(point) and 300 < aze.distance(point) < 700  # the premise
    row = join_regions(frame({"sea": OFFSHORE}), boundaries, "nkao_1991").iloc[0]
    assert bool(row["snapped"])
    assert row["country"] == "Azerbaijan"
    assert row["region"] == "Azerbaijan"


def test_point_far_at_sea_is_not_snapped(boundaries):
    row = join_regions(frame({"sea": (40.0, 50.5)}), boundaries, "nkao_1991").iloc[0]
    assert not row["snapped"]
    assert row["region"] == "Outside"


def test_border_distance_and_on_border(boundaries):
    joined = join_regions(
        frame({"Yeraskh": (39.73083, 44.83556), "Sev Lich": (39.59806, 46.23167), "Yerevan": (40.1833, 44.5167)}),
        boundaries,
        "nkao_1991",
    ).set_index("event_id")
    assert joined.loc["Yeraskh", "border_distance_km"] < 0.5
    assert joined.loc["Sev Lich", "border_distance_km"] < 0.5
    assert joined.loc[["Yeraskh", "Sev Lich"], "on_border"].all()
    assert 50 < joined.loc["Yerevan", "border_distance_km"] < 65
    assert not joined.loc["Yerevan", "on_border"]


def test_unmapped_rows_get_empty_join_columns(boundaries):
    joined = join_regions(frame({"nowhere": (None, None), "Goris": (39.50778, 46.33861)}), boundaries, "nkao_1991")
    assert set(JOINED_COLUMNS) <= set(joined.columns)
    unmapped = joined.iloc[0]
    assert all(pd.isna(unmapped[c]) for c in JOINED_COLUMNS)
    assert joined.iloc[1]["region"] == "Armenia"


def test_boundary_choice_changes_region(bundled):
    events = bundled.events.set_index("event_id")
    by_1991 = assign_region(events, "nkao_1991")
    by_1994 = assign_region(events, "nk_1994_2020")
    for event in ("AA-020", "AA-011", "AA-021"):  # Fuzuli, Jabrayil, Zangilan
        assert by_1991[event] == "Azerbaijan"
        assert by_1994[event] == "Nagorno-Karabakh"
    assert by_1991["AA-001"] == by_1994["AA-001"] == "Nagorno-Karabakh"  # Stepanakert
    assert by_1991["AA-044"] == by_1994["AA-044"] == "Armenia"  # Goris


def test_unknown_boundary_is_a_clear_error(bundled):
    with pytest.raises(ValueError, match="Unknown Nagorno-Karabakh boundary 'nk_2023'"):
        assign_region(bundled.events, "nk_2023")


def test_border_line_is_the_shared_edge(boundaries):
    # ~1,000 km: the mainland border plus Nakhchivan's border with Armenia.
    assert 900 < boundaries.border_metric.length / 1000 < 1100


def test_events_at_the_same_place_share_their_join(boundaries):
    places = {"Goris": (39.50778, 46.33861), "Ganja": (40.68278, 46.36056), "sea": OFFSHORE}
    names = ["Goris", "Ganja", "sea", "Goris", None, "Ganja", "Goris"]
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(len(names))],
            "latitude": [places[n][0] if n else None for n in names],
            "longitude": [places[n][1] if n else None for n in names],
        }
    ).astype({"latitude": float, "longitude": float})
    joined = join_regions(events, boundaries, "nkao_1991")
    assert joined["province_code"].iloc[[0, 1, 3, 5, 6]].tolist() == ["AM-SU", "AZ-GA", "AM-SU", "AZ-GA", "AM-SU"]
    assert joined.loc[[0, 3, 6], "border_distance_km"].nunique() == 1
    assert bool(joined.loc[2, "snapped"]) and joined.loc[2, "country"] == "Azerbaijan"
    assert pd.isna(joined.loc[4, "region"]) and pd.isna(joined.loc[4, "border_distance_km"])
    assert joined["region"].tolist()[:4] == ["Armenia", "Azerbaijan", "Azerbaijan", "Armenia"]
