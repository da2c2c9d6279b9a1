"""Widget keys and labels, shared by the app and its tests (AppTest and browser)."""

from __future__ import annotations

from typing import Final

from dashboard.export.formats import panel_choices
from dashboard.summary.compare import UNITS
from dashboard.vocab import DATE_PRESETS

ALL_DATES: Final = "All dates"
CUSTOM_DATES: Final = "Custom range"

KEY_PRESET: Final = "date_preset"
KEY_DATES: Final = "date_range"
KEY_DATE_SPAN: Final = "date_span"  # the loaded data's first and last day
KEY_TYPES: Final = "event_types"
KEY_NK: Final = "nk_boundary"
KEY_REGIONS: Final = "regions"
KEY_PROVINCES: Final = "provinces"
KEY_SECTORS: Final = "border_sectors"
KEY_ACTORS: Final = "actors"
KEY_TEXT: Final = "text"
KEY_MIN_FATALITIES: Final = "min_fatalities"
KEY_PRECISION: Final = "geo_precision"
KEY_BORDER_KM: Final = "max_border_km"
KEY_UNCERTAINTY: Final = "show_uncertainty"  # circles of uncertainty on the map and in map exports
KEY_REPRESENTATION: Final = "representation"  # "Show events as" (vocab.REPRESENTATIONS), map and map exports
KEY_MEASURE: Final = "choropleth_measure"  # what a choropleth colours by (vocab.CHOROPLETH_MEASURES)
KEY_PLACE: Final = "place"
KEY_NEAR_ON: Final = "near_on"
KEY_RADIUS_KM: Final = "radius_km"
KEY_FIT: Final = "fit_view"
KEY_MAP: Final = "event_map"
KEY_VIEW: Final = "map_view"
KEY_EXPORT_FORMAT: Final = "export_format"
KEY_EXPORT_AREA: Final = "export_area"
KEY_EXPORT_BASEMAP: Final = "export_basemap"
NO_TILES: Final = "Offline basemap (bundled outlines)"
KEY_EXPORT_FILE: Final = "export_file"
KEY_REPORT_PAPER: Final = "report_paper"  # the Export tab's "Report — PDF"
KEY_REPORT_ORIENTATION: Final = "report_orientation"
KEY_REPORT_SECTIONS: Final = "report_sections"
KEY_REPORT_FILE: Final = "report_file"
KEY_FIGURES_FILE: Final = "report_figures_file"
KEY_COMPARE_REPORT_FILE: Final = "compare_report_file"  # the Compare tab's report with its comparison
PORTRAIT: Final = "Portrait"
LANDSCAPE: Final = "Landscape"
# Animations (GIF, MP4): each frame's window, moving or cumulative, seconds per frame.
KEY_EXPORT_FRAME_UNIT: Final = "export_frame_unit"
KEY_EXPORT_FRAME_MODE: Final = "export_frame_mode"
KEY_EXPORT_FRAME_SECONDS: Final = "export_frame_seconds"

AREA_VIEW: Final = "The current map view"
AREA_ALL: Final = "All filtered events"
# label -> (format, PNG dpi)
EXPORT_CHOICES: Final = panel_choices()

KEY_AREA: Final = "area_file"  # the GeoJSON area uploader (More filters); emptied, it becomes area_file_1, _2 …
# Draw to filter (app/area_panel.py): one area at a time, drawn on the map, uploaded or opened from a link.
PARAM_AREA: Final = "area"  # in the page address: the area's polygons, lon,lat;… (links.area_values)
KEY_AREA_IN_FORCE: Final = "area_in_force"  # the geo.areas.Area the filter uses, or None
KEY_AREA_DRAWINGS_SEEN: Final = "area_drawings_seen"  # the map's last report of its drawn shapes that was acted on
KEY_AREA_FILE_SEEN: Final = "area_file_seen"  # the digest of the uploaded area file last acted on
KEY_AREA_ROUND: Final = "area_uploader_round"  # counts the times the area uploader was emptied
KEY_AREA_NOTE: Final = "area_note"  # a sentence about the latest drawing or file (refused, replaced)
KEY_AREA_CLEAR: Final = "area_clear"  # the sidebar's Clear area button
KEY_AREA_REVISION: Final = "area_revision"  # counts the changes of the area filter, sent with the map's area
KEY_TAB: Final = "tab"
KEY_TIMELINE: Final = "timeline"  # the timeline chart and its brush
KEY_BEFORE_BRUSH: Final = "dates_before_brush"  # the date range a double click on the timeline brings back
TAB_TIMELINE: Final = "Timeline"
TAB_COUNTS: Final = "By region and sector"
TAB_TABLE: Final = "Events table"
TAB_CLAIMS: Final = "Casualty claims"
TAB_COMPARE: Final = "Compare periods"
TAB_EXPORT: Final = "Export"
TAB_QUALITY: Final = "Data quality"
TAB_ABOUT: Final = "About the data"
TABS: Final = (TAB_TIMELINE, TAB_COUNTS, TAB_TABLE, TAB_CLAIMS, TAB_COMPARE, TAB_EXPORT, TAB_QUALITY, TAB_ABOUT)

KEY_COMPARE_A: Final = "compare_a"  # which period A is: the sidebar's, a preset, or custom
KEY_COMPARE_A_DATES: Final = "compare_a_dates"
KEY_COMPARE_B: Final = "compare_b"
KEY_COMPARE_B_DATES: Final = "compare_b_dates"
KEY_COMPARE_BY: Final = "compare_by"
KEY_COMPARE_MIN: Final = "compare_min_events"
KEY_COMPARE_MAP: Final = "compare_map"
KEY_COMPARE_CHANGE_MAP: Final = "compare_change_map"
COMPARE_SIDEBAR: Final = "The period chosen in the sidebar"
COMPARE_BEFORE: Final = "The period of equal length before A"
COMPARE_CUSTOM: Final = "Custom dates"
COMPARE_A_CHOICES: Final = (COMPARE_SIDEBAR, *DATE_PRESETS, COMPARE_CUSTOM)
COMPARE_B_CHOICES: Final = (COMPARE_BEFORE, *DATE_PRESETS, COMPARE_CUSTOM)
# The radio's words are its values (they go into a link as they read): "provinces" -> province.
COMPARE_BY: Final = {UNITS[by][1] + "s": by for by in UNITS}

# Shareable links: widgets bound to the page address take bind=LINKED; app/link_panel.py checks a link
# (LINK_FIELDS there lists what each parameter may hold) before the widgets read it.
LINKED: Final = "query-params"
PARAM_CENTER: Final = "center"  # in the page address: the map's centre, "lat,lon"
PARAM_ZOOM: Final = "zoom"
KEY_LINK: Final = "link_opened"  # the page address this session was opened with, as it came
KEY_LINK_NOTE: Final = "link_note"  # the sentence saying what of that link is not shown
KEY_LINK_WAITING: Final = "link_waiting"  # the link's values that wait for uploaded files
KEY_LINK_DATES_USED: Final = "link_dates_used"  # the session's first data has taken the link's dates

KEY_UPLOAD: Final = "uploads"
KEY_HAD_UPLOADS: Final = "had_uploads"  # this session has shown uploaded files
PARAM_UPLOADS: Final = "uploads"  # in the page address: how many files are uploaded
KEY_DATA_MODE: Final = "data_mode"
KEY_HEADERLESS: Final = "headerless_ucdp"
KEY_MAPPING: Final = "column_mapping"
UPLOADS_ALONE: Final = "Uploaded files only"
UPLOADS_MERGED: Final = "Uploaded files and the bundled events"
