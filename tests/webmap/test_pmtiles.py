"""The place basemap: what its tiles hold, and the reader that inlines them into the HTML export."""

from __future__ import annotations

import math

import pytest

from dashboard.webmap.assets import PLACES_BASEMAP, STATIC_DIR, inlined_tiles
from dashboard.webmap.pmtiles import COMPRESSION_GZIP, PMTilesError, read_tiles, tile_zxy

ARCHIVE = STATIC_DIR / PLACES_BASEMAP


def tile_of(lon: float, lat: float, z: int) -> str:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"{z}/{x}/{y}"


@pytest.mark.parametrize(
    ("tile_id", "zxy"),
    [(0, (0, 0, 0)), (1, (1, 0, 0)), (2, (1, 0, 1)), (3, (1, 1, 1)), (4, (1, 1, 0)), (5, (2, 0, 0)), (20, (2, 3, 0))],
)
def test_tile_ids_follow_the_hilbert_curve_of_the_pmtiles_spec(tile_id, zxy):
    assert tile_zxy(tile_id) == zxy


def test_the_bundled_archive_covers_the_region_at_every_zoom_it_holds():
    tiles, compression = read_tiles(ARCHIVE)
    assert compression == COMPRESSION_GZIP
    assert {int(key.split("/")[0]) for key in tiles} == set(range(4, 13))
    for lon, lat in ((44.5126, 40.1777), (45.8647, 40.2031), (46.7528, 39.8177)):  # Yerevan, Sotk, Stepanakert
        for z in (4, 8, 12):
            assert tile_of(lon, lat, z) in tiles, (lon, lat, z)
    assert all(body[:2] == b"\x1f\x8b" for body in tiles.values())  # each tile gzip-compressed, as stored
    assert ARCHIVE.stat().st_size <= 10 * 2**20


def test_the_export_inlines_every_tile_as_text():
    inlined = inlined_tiles(ARCHIVE)
    assert inlined["gzip"] is True
    assert len(inlined["tiles"]) == len(read_tiles(ARCHIVE)[0])
    assert all(isinstance(text, str) for text in inlined["tiles"].values())


def test_a_file_that_is_not_pmtiles_is_refused_with_a_sentence(tmp_path):
    bogus = tmp_path / "x.pmtiles"
    bogus.write_bytes(b"<html>not tiles</html>" * 10)
    with pytest.raises(PMTilesError, match="is not a PMTiles version 3 archive"):
        read_tiles(bogus)


def test_the_tiles_hold_every_geonames_town_and_province_read_back_by_gdal():
    import pyogrio

    from dashboard.geo.places import geonames_places

    features = pyogrio.read_dataframe(ARCHIVE, layer="places")  # GDAL reads the deepest zoom
    towns = features[features["kind"] == "town"]
    assert set(towns["name"]) == {place.name for place in geonames_places()}
    assert (features["kind"] == "province").sum() == 89
    jermuk = towns[towns["name"] == "Jermuk"].iloc[0]
    assert jermuk["population"] == 4095 and "Cermuk" in jermuk["other_names"]
