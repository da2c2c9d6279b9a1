"""Choropleth figures from known counts, classes and breaks, and the border sectors as areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.geo.units import unit_shapes
from dashboard.summary.units import Classes, choropleth, class_labels, quantile_classes, unit_figures
from dashboard.vocab import BORDER_SECTOR_KM, METRIC_CRS

UNITS = pd.DataFrame(
    {"name": ["North", "South", "Empty"], "area_km2": [2000.0, 500.0, 100.0]},
    index=pd.Index(["N", "S", "E"], name="unit"),
)


def events(rows: list[tuple[str, float | None, float]]) -> pd.DataFrame:
    """Located events with a province code, a single fatality figure (or none) and a border distance."""
    return pd.DataFrame(
        {
            "latitude": 40.0,
            "longitude": 45.0,
            "province_code": pd.array([unit for unit, _, _ in rows], dtype="string"),
            "border_sector": pd.array([unit for unit, _, _ in rows], dtype="string"),
            "fatalities": pd.array([f for _, f, _ in rows], dtype="Int64"),
            "border_distance_km": [d for _, _, d in rows],
        }
    )


KNOWN = events(
    [("N", 3, 1.0), ("N", None, 1.0), ("N", 2, 1.0), ("S", None, 2.0), ("", 7, 40.0), ("", None, 30.0), ("", 1, 5.0)]
)


def test_unit_totals_and_the_events_in_no_unit_add_up_to_the_shown_events():
    figures = unit_figures(KNOWN, UNITS, "provinces")
    assert figures.table["events"].to_dict() == {"N": 3, "S": 1, "E": 0}
    assert figures.shown == len(KNOWN)
    assert figures.outside == {"outside Armenia and Azerbaijan": 3}
    assert figures.outside_note() == "3 shown events are in no province: 3 outside Armenia and Azerbaijan."


def test_events_in_no_sector_are_listed_by_reason():
    figures = unit_figures(KNOWN, UNITS, "sectors")
    assert figures.outside_note() == (
        f"3 shown events are in no border sector: 2 farther than {BORDER_SECTOR_KM:g} km from the border, 1 other."
    )


def test_unmapped_events_are_not_counted():
    unmapped = KNOWN.assign(latitude=np.nan, longitude=np.nan)
    figures = unit_figures(pd.concat([KNOWN, unmapped]), UNITS, "provinces")
    assert figures.shown == len(KNOWN)


def test_killed_is_the_sum_of_single_figures_and_unknown_where_no_event_has_one():
    table = unit_figures(KNOWN, UNITS, "provinces").table
    assert table.loc["N", "killed"] == 5 and table.loc["N", "without_figure"] == 1
    assert pd.isna(table.loc["S", "killed"])  # its one event has no single figure: not 0 killed
    assert table.loc["E", "killed"] == 0


def test_events_per_thousand_square_km_of_a_unit_of_known_area():
    table = unit_figures(KNOWN, UNITS, "provinces").table
    assert table.loc["N", "density"] == pytest.approx(3 / 2000 * 1000)
    assert table.loc["S", "density"] == pytest.approx(2.0)
    assert table.loc["E", "density"] == 0


def test_hover_says_each_figure_and_its_rule():
    figures = unit_figures(KNOWN, UNITS, "provinces")
    assert figures.hover_lines("N") == [
        "North",
        "3 events",
        "Reported killed: 5 (sum of the events' single figures; 1 event without one)",
        "1.50 events per 1,000 km² (2,000 km²)",
    ]
    assert figures.hover_lines("S")[2] == "Reported killed: no single figure for its event"
    assert figures.hover_lines("E") == ["Empty", "No shown events · 100 km²"]


def test_quantile_classes_round_their_breaks_and_merge_repeats():
    values = [1, 1, 1, 2, 3, 5, 8, 13, 40]
    classes = quantile_classes(values, integer=True)
    assert classes is not None
    assert classes.edges == (1, 3, 5, 11, 40)  # quintiles 1, 2.2, 4.2, 10.0 -> ceil; the repeated 1 merges
    assert classes.labels == ("1–2", "3–4", "5–10", "11–40")
    assert list(classes.index(values)) == [0, 0, 0, 0, 1, 2, 2, 3, 3]
    assert len(classes.colours) == 4
    assert quantile_classes([], integer=True) is None
    single = quantile_classes([3, 3], integer=True)
    assert single is not None and single.labels == ("3",) and list(single.index([3])) == [0]


def test_fractional_classes_keep_two_significant_figures():
    classes = quantile_classes([0.012, 0.2, 0.33, 1.5, 7.2, 9.9], integer=False)
    assert classes is not None and len(classes.colours) == 5
    assert classes.labels[0].startswith("0.012–")
    assert class_labels([0.0, 0.25, 1.0], integer=False) == ("0–0.25", "0.25–1")


def test_a_caller_may_give_its_own_classes_and_palette():
    diverging = Classes(edges=(-100, -25, 25, 100), colours=("#2166ac", "#f7f7f7", "#b2182b"), labels=("−", "~", "+"))
    assert list(diverging.index([-50, 0, 25, 100, 200, np.nan])) == [0, 1, 2, 2, -1, -1]
    with pytest.raises(ValueError, match="one colour and one label"):
        Classes(edges=(0, 1), colours=("#000000", "#ffffff"), labels=("a", "b"))


def test_a_choropleth_colours_units_with_events_by_class_and_leaves_the_rest_without():
    drawn = choropleth(unit_figures(KNOWN, UNITS, "provinces"), "killed")
    assert drawn.colours["E"] is None  # no events
    assert drawn.without_figure == 1 and drawn.colours["S"] not in (None, *drawn.classes.colours)  # type: ignore[union-attr]
    assert drawn.colours["N"] in drawn.classes.colours  # type: ignore[union-attr]
    assert drawn.title == "Reported killed per province"


def test_border_sectors_as_areas_do_not_overlap(boundaries):
    sectors = boundaries.sectors.to_crs(METRIC_CRS)
    total = sectors.area.sum()
    union = shapely.union_all(sectors.geometry.to_numpy()).area
    assert total - union < 1e-6 * total
    assert set(sectors["border_sector"]) == set(boundaries.segment_sectors)


def test_the_area_of_a_unit_is_measured_once_in_an_equal_area_projection(boundaries):
    provinces = unit_shapes(boundaries, "provinces")
    # Syunik is about 4,506 km² (Armenia's statistical committee): the generalised outline lands near it.
    assert provinces.loc["AM-SU", "area_km2"] == pytest.approx(4506, rel=0.05)
    sectors = unit_shapes(boundaries, "sectors")
    assert (sectors["area_km2"] > 0).all()


def test_almost_every_event_with_a_sector_lies_in_its_sectors_area(boundaries):
    """Points sampled in the 25 km band: the sector the join assigns is the area the point falls in, but
    for points snapped into a unit from just outside both countries (the band is clipped to them) and a
    few near the lines where two sectors meet (data/README.md, "Border sectors as areas")."""
    from dashboard.geo.join import join_locations

    rng = np.random.default_rng(7)
    lon = rng.uniform(44.0, 47.0, 20_000)
    lat = rng.uniform(38.8, 41.3, 20_000)
    joined = join_locations(lon, lat, boundaries)
    has_sector = (joined["border_sector"] != "") & (joined["country"] != "") & ~joined["snapped"]
    assert has_sector.sum() > 2_000
    shapes = unit_shapes(boundaries, "sectors")
    points = shapely.points(lon[has_sector], lat[has_sector])
    sector = joined.loc[has_sector, "border_sector"].to_numpy()
    inside = np.array(
        [shapes.geometry.loc[name].covers(point) for name, point in zip(sector, points, strict=True)], dtype=bool
    )
    assert inside.mean() > 0.995, f"{(~inside).sum()} of {len(inside)} points are outside their sector's area"


def test_bundled_events_lie_in_their_sectors_area(bundled, boundaries):
    events = bundled.events[(bundled.events["border_sector"].fillna("") != "") & bundled.events["latitude"].notna()]
    shapes = unit_shapes(boundaries, "sectors")
    inside = [
        shapes.geometry.loc[row.border_sector].covers(shapely.Point(row.longitude, row.latitude))
        for row in events.itertuples()
    ]
    assert len(inside) >= 20 and all(inside)
