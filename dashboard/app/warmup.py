"""The work the first page after a server start would otherwise do while its visitor waits.

On a 2-core machine the first visit after a start cost ~3 s more than later ones: importing the
pipeline's libraries (geopandas, folium, altair, reportlab: ~1.3 s) and filling the caches every
session shares (boundaries, the bundled events loaded and joined, the place index, the map's layers:
~1.5 s). The server starts ``warm_up`` in a thread as it begins to listen (app/server.py); a visitor
who arrives sooner waits for the same cache entries instead of computing them a second time.
"""

from __future__ import annotations

import importlib
import logging
import time

log = logging.getLogger(__name__)

# The pipeline's modules the page uses, hence every library behind them. Not the page's own modules:
# streamlit-folium registers its component only when first imported inside a script run, so importing
# it here would leave every map blank (dashboard/app/main.py and panels.py import it).
PAGE_LIBRARIES = (
    "dashboard.pipeline",
    "dashboard.webmap.live",
    "dashboard.webmap.pair",
    "dashboard.summary.charts",
    "dashboard.summary.compare",
    "dashboard.summary.table",
    "dashboard.export.animation",
    "dashboard.export.compare",
    "dashboard.export.datafiles",
    "dashboard.export.registry",
    "dashboard.export.report",
)


def warm_up() -> float:
    """Import what the page imports and fill the shared caches for the bundled data; the seconds it took.

    Nothing here is needed for correctness: a failure is logged, and the page reports the problem itself
    (e.g. a missing events file) when a visitor opens it.
    """
    started = time.perf_counter()
    try:  # imported here, in the warm-up's thread, so that the server starts listening at once
        for module in PAGE_LIBRARIES:
            importlib.import_module(module)
        from dashboard.app.cache import cached_base_layers, cached_filter_choices, cached_gazetteer
        from dashboard.app.data_panel import bundled_report
        from dashboard.webmap.base_map import layer_data_url

        layer_data_url(cached_base_layers())  # the script of boundary layers every map page loads
        table = bundled_report().table
        if table is not None:
            cached_filter_choices(table.key, table.events)
            cached_gazetteer(table.key, table.events)
    except Exception:  # a warm-up must never take the server down
        log.exception("Warming up the dashboard failed; the first visitor's page will do the work instead.")
    return time.perf_counter() - started
