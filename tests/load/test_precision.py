"""The circle of uncertainty's radius, computed once at load from each dataset's precision scale."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.load.events import load_events, merge_tables, precision_radius_km
from dashboard.vocab import PRECISION_LEVELS, UCDP_WHERE_PREC_LEVELS
from tests.helpers import FIXTURES


def radii(name: str) -> dict[str, float]:
    events = load_events(FIXTURES / name).events
    return dict(zip(events["event_id"], events["precision_km"], strict=True))


def same(got: dict[str, float], want: dict[str, float | None]) -> bool:
    return got.keys() == want.keys() and all(
        (math.isnan(got[k]) if want[k] is None else got[k] == want[k]) for k in want
    )


def test_project_precision_levels_get_their_documented_radius():
    assert same(radii("precision_project.csv"), {"PREC-1": None, "PREC-2": 5.0, "PREC-3": 25.0, "PREC-none": None})


def test_acled_geo_precision_uses_the_same_scale():
    assert same(radii("precision_acled.csv"), {"ARMP1": None, "ARMP2": 5.0, "ARMP3": 25.0})


def test_ucdp_keeps_its_finer_where_prec_for_the_radius_while_geo_precision_folds_it_for_the_filter():
    events = load_events(FIXTURES / "precision_ucdp.csv").events.set_index("event_id")
    assert events["ucdp_where_prec"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert events["geo_precision"].tolist() == [1, 2, 3, 3, 3, 3, 3]  # unchanged: the precision filter's scale
    assert same(
        radii("precision_ucdp.csv"),
        {
            "910001": None,  # exact
            "910002": 25.0,  # a limited area around a location
            "910003": 25.0,  # district
            "910004": 50.0,  # province
            "910005": 75.0,  # parts of a country
            "910006": None,  # only the country: no circle, the popup says so
            "910007": None,  # international waters or airspace
        },
    )


def test_the_radius_comes_from_the_documented_tables():
    for level, meaning in PRECISION_LEVELS.items():
        got = precision_radius_km(pd.Series([level], dtype="Int64"))[0]
        assert (math.isnan(got) and meaning.radius_km is None) or got == meaning.radius_km
    for level, meaning in UCDP_WHERE_PREC_LEVELS.items():
        got = precision_radius_km(pd.Series([3], dtype="Int64"), pd.Series([level], dtype="Int64"))[0]
        assert (math.isnan(got) and meaning.radius_km is None) or got == meaning.radius_km


def test_a_where_prec_outside_the_codebook_rejects_the_row(tmp_path):
    rows = pd.read_csv(FIXTURES / "precision_ucdp.csv", dtype=str, keep_default_na=False).head(1)
    rows["where_prec"] = "9"
    path = tmp_path / "ucdp.csv"
    rows.to_csv(path, index=False)
    table = load_events(path)
    assert table.events.empty
    assert table.rejected.loc[0, "column"] == "where_prec"
    assert "where_prec '9' is not 1–7" in table.rejected.loc[0, "reason"]


def test_merged_datasets_keep_each_rows_radius():
    merged = merge_tables([load_events(FIXTURES / n) for n in ("precision_project.csv", "precision_ucdp.csv")])
    by_id = dict(zip(merged.events["event_id"], merged.events["precision_km"], strict=True))
    assert by_id["PREC-2"] == 5.0 and by_id["910004"] == 50.0 and math.isnan(by_id["910006"])


@pytest.mark.parametrize("n", [1_000_000])
def test_a_million_rows_cost_a_table_lookup(n):
    levels = pd.Series(np.resize(np.array([1, 2, 3, pd.NA], dtype=object), n), dtype="Int64")
    ucdp = pd.Series(np.resize(np.array([pd.NA, 4, pd.NA, 6], dtype=object), n), dtype="Int64")
    radius = precision_radius_km(levels, ucdp)
    assert radius.shape == (n,)
    assert radius[1] == 50.0 and radius[2] == 25.0 and np.isnan(radius[0]) and np.isnan(radius[3])
