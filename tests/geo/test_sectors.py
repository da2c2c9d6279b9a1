"""Border sectors: the pair of units facing each other across the nearest stretch of the border."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.filters import EventFilter, filter_mask, sector_options
from dashboard.geo.join import join_regions
from dashboard.vocab import BORDER_SECTOR_KM, SECTOR_SEPARATOR


def sector_at(boundaries, lat: float, lon: float) -> str:
    joined = join_regions(pd.DataFrame({"latitude": [lat], "longitude": [lon]}), boundaries, "nkao_1991")
    return str(joined["border_sector"].iloc[0])


@pytest.mark.parametrize(
    ("place", "lat", "lon", "sector"),
    [  # the events' own points, or GeoNames' where marked
        ("Sotk", 40.20306, 45.86472, "Gegharkunik – Kəlbəcər"),
        ("Kut", 40.18083, 45.90167, "Gegharkunik – Kəlbəcər"),
        ("Jermuk", 39.84167, 45.67222, "Vayots Dzor – Kəlbəcər"),
        ("Yeraskh", 39.73944, 44.82806, "Ararat – Nakhchivan (Sədərək)"),  # GeoNames' point
        ("Tegh", 39.55472, 46.47583, "Syunik – Laçın"),
    ],
)
def test_known_places_get_the_sector_the_border_there_separates(boundaries, place, lat, lon, sector):
    assert sector_at(boundaries, lat, lon) == sector, place


def test_places_farther_than_the_limit_have_no_sector(boundaries):
    assert sector_at(boundaries, 40.1777, 44.5126) == ""  # Yerevan, ~40 km from the border
    assert BORDER_SECTOR_KM == 25


def test_every_stretch_of_border_has_an_armenian_and_an_azerbaijani_unit(boundaries):
    armenian = set(boundaries.provinces.loc[boundaries.provinces["country"] == "Armenia", "province"])
    for sector in set(boundaries.segment_sectors):
        left, right = sector.split(SECTOR_SEPARATOR)
        assert left in armenian and right not in armenian, sector
    assert len(boundaries.segment_sectors) == len(boundaries.border_segments.geometries)


def test_the_sector_filter_keeps_the_events_of_the_chosen_sectors(bundled):
    events = bundled.events
    sectors = sector_options(events)
    assert sectors[0] == "Gegharkunik – Kəlbəcər"  # the busiest first
    kept = events[filter_mask(events, EventFilter(border_sectors=(sectors[0],)))]
    assert not kept.empty and set(kept["border_sector"]) == {sectors[0]}
    assert events[filter_mask(events, EventFilter(border_sectors=()))].empty
