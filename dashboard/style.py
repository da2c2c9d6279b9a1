"""How an event is drawn, shared by the interactive map, the packed layer and the snapshots."""

from __future__ import annotations

import math

import pandas as pd

SMALLEST_RADIUS_PX = 4.0
LARGEST_RADIUS_PX = 18.0


def marker_radius(fatalities: float | None) -> float:
    """Circle radius in pixels: area grows with reported fatalities; unknown figures get the smallest."""
    if fatalities is None or pd.isna(fatalities) or int(fatalities) <= 0:
        return SMALLEST_RADIUS_PX
    return round(min(SMALLEST_RADIUS_PX + 1.2 * math.sqrt(int(fatalities)), LARGEST_RADIUS_PX), 1)
