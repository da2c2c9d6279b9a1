"""The server's warm-up: the first visitor after a start finds the libraries imported and the bundled data loaded."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

from dashboard.app import warmup
from tests.helpers import ROOT

AFTER_WARM_UP = textwrap.dedent(
    """
    import sys
    from dashboard.app.warmup import warm_up
    warm_up()
    # streamlit-folium registers its map component only when imported inside a script run:
    # imported here, every map of the page would stay blank.
    assert "streamlit_folium" not in sys.modules, "the warm-up imported streamlit_folium"
    assert {"geopandas", "folium", "altair", "reportlab"} <= set(sys.modules)
    import dashboard.app.cache as cache
    def refuse(*args, **kwargs):
        raise AssertionError("the bundled events were loaded again")
    cache.load_joined_events = refuse
    from dashboard.app.data_panel import bundled_report
    assert bundled_report().table is not None and len(bundled_report().table.events) > 0
    print("warm")
    """
)


def test_the_warm_up_fills_the_shared_caches_and_leaves_the_map_component_to_the_page():
    done = subprocess.run(
        [sys.executable, "-c", AFTER_WARM_UP], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("warm")


def test_a_failing_warm_up_is_logged_and_never_raised(monkeypatch, caplog):
    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr("dashboard.app.data_panel.bundled_report", broken)
    with caplog.at_level(logging.ERROR, logger=warmup.__name__):
        assert warmup.warm_up() >= 0
    assert "Warming up the dashboard failed" in caplog.text and "disk gone" in caplog.text
