"""International Crisis Group's layer: a separate GPL-3.0 file, the 2020–2023 peacekeeping zone, the corridor."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from dashboard.config import GEO_DIR
from dashboard.geo.join import join_regions
from dashboard.vocab import CRISIS_GROUP_ATTRIBUTION, NAGORNO_KARABAKH, NK_BOUNDARIES

ZONE = "peacekeeping_2020_2023"
FOLDER = GEO_DIR / "crisisgroup"


def test_the_layer_is_kept_unchanged_beside_its_licence_and_the_credit_it_asks_for():
    digest = hashlib.sha256((FOLDER / "nagorno-karabakh-borders.geojson").read_bytes()).hexdigest()
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert digest in readme
    assert "GNU GENERAL PUBLIC LICENSE" in (FOLDER / "LICENSE-GPL-3.0.txt").read_text(encoding="utf-8")
    assert "International Crisis Group, Europe and Central Asia Program" in readme
    assert CRISIS_GROUP_ATTRIBUTION.startswith("International Crisis Group, Europe and Central Asia Program")


@pytest.mark.parametrize(
    ("town", "lat", "lon", "inside"),
    [
        ("Stepanakert", 39.8177, 46.7528, True),
        ("Martuni", 39.79528, 47.11306, True),
        ("Martakert", 40.21528, 46.81278, True),
        ("Shusha", 39.7601, 46.7499, False),
        ("Hadrut", 39.51667, 47.03, False),
    ],
)
def test_the_peacekeeping_zone_holds_the_towns_it_held(boundaries, town, lat, lon, inside):
    events = pd.DataFrame({"latitude": [lat], "longitude": [lon]})
    joined = join_regions(events, boundaries, ZONE)
    assert bool(joined[f"in_{ZONE}"].iloc[0]) is inside, town
    assert (joined["region"].iloc[0] == NAGORNO_KARABAKH) is inside


def test_the_zone_is_offered_with_its_dates_and_the_corridor_is_a_layer_of_its_own(boundaries, layers):
    assert "Nov 2020 – Sept 2023" in NK_BOUNDARIES[ZONE][1]
    assert boundaries.lachin_corridor.is_valid and not boundaries.lachin_corridor.is_empty
    assert layers.lachin_corridor["features"][0]["properties"]["name"].startswith(
        "Lachin corridor, Nov 2020 – Aug 2022"
    )
