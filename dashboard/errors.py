"""Domain errors, turned into a sentence by the app (st.error) and the CLI (stderr, exit 1)."""


class EventFileError(Exception):
    """A file cannot be read as an events table at all (not a row-level problem)."""


class UnknownFormatError(EventFileError):
    """A readable table whose header matches no known format; a column mapping can still load it."""
