"""Domain errors, each turned into a sentence by the app (st.error) and the CLI (stderr, exit 1).

Their messages are written for the analyst: what is wrong, and what to do about it.
"""


class EventFileError(Exception):
    """A file cannot be read as an events table at all (not a row-level problem)."""


class UnknownFormatError(EventFileError):
    """A readable table whose header matches no known format; a column mapping can still load it."""


class ExportError(Exception):
    """An export cannot be made as asked; the message says why and what to do."""


class SnapshotError(ExportError):
    """A map snapshot cannot be drawn as asked (bad area, unknown basemap or format)."""


class UnvendoredAssetError(RuntimeError):
    """A page would load code, styles or fonts from another host: it would not work offline."""


class PlaceError(ValueError):
    """A place name the gazetteer does not know; the message lists the closest names it has."""


class AreaError(ValueError):
    """An area (GeoJSON polygon) that cannot be used as a filter; the message says why."""
