from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.geo.display import BaseLayers, base_layers
from dashboard.geo.join import Boundaries, load_boundaries
from dashboard.load.events import EventTable
from dashboard.pipeline import load_joined_events
from dashboard.webmap import assets

# Speed is measured by benchmarks, not by tests: hypothesis's per-example deadline (200 ms) made
# property tests fail on a loaded machine (seen: the place search at 286 ms), so it is off everywhere.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

HEADER = "event_id,event_date,event_type,latitude,longitude"

# The suite's joined tables go to a disk cache of its own (dashboard/tablecache.py), never the user's;
# set before any fixture starts a dashboard process, so that those inherit it too.
if not os.environ.get("CCM_CACHE_DIR"):
    os.environ["CCM_CACHE_DIR"] = tempfile.mkdtemp(prefix="ccm-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CCM_CACHE_DIR"], True)


@pytest.fixture(scope="session")
def boundaries() -> Boundaries:
    return load_boundaries()


@pytest.fixture(scope="session")
def layers(boundaries: Boundaries) -> BaseLayers:
    return base_layers(boundaries)


@pytest.fixture(scope="session")
def bundled(boundaries: Boundaries) -> EventTable:
    return load_joined_events(BUNDLED_EVENTS_PATH, boundaries)


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write CSV text (UTF-8) to a temporary file and return its path."""

    def write(text: str, name: str = "events.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def event_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A joined-like frame for filter tests, with the columns the filters read."""
    defaults = {
        "event_id": "X",
        "event_date": pd.Timestamp("2022-09-13"),
        "event_type": "Battle",
        "latitude": 40.0,
        "longitude": 45.5,
        "region": "Armenia",
        "province_code": "AM-GR",
        "actor1": "",
        "actor2": "",
        "location": "",
        "location_alt_names": "",
        "notes": "",
        "disputes": "",
        "source": "",
        "source_title": "",
        "fatalities_reported_by": "",
        "fatalities": pd.NA,
        "geo_precision": 1,
        "border_distance_km": 5.0,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    return frame


@pytest.fixture(autouse=True, scope="module")
def bundle_route():
    """Maps are built as under the dashboard's server, which sends the bundle (app/server.py), whichever
    test module imported the server first; a test of the plain ``main.py`` start patches it off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assets, "_bundle_route", True)
        yield
