"""Where the files are and the settings an operator can change with CCM_* environment variables.

Every CCM_* variable is read here and nowhere else:

* CCM_EVENTS_PATH: the events file the dashboard and the CLI open (default: the bundled one);
* CCM_MAX_UPLOAD_MB: the largest file the loader reads, in MB (default 200);
* CCM_MAX_ROWS: the most data rows it reads from one file (default 2,000,000);
* CCM_CHILD_MEMORY_MB: the address space a child process of ``isolation`` may map, in MB
  (default 8,192; at least 3,072, since the interpreter with its libraries maps about 1,800).
* CCM_STUDY_AREA_MARGIN_KM: how far beyond the study area's box a point may lie and still be read
  (default vocab.STUDY_AREA_MARGIN_KM, 50 km; 0 or more); rows farther out are counted, not loaded;
* CCM_CACHE_DIR: where joined tables are kept on disk between restarts and shared by processes
  (default: caucasus-conflict-map in $XDG_CACHE_HOME or ~/.cache);
* CCM_CACHE_MB: the most the disk cache holds, in MB (default 4,096; 0 turns it off), oldest out first.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Final

from dashboard.vocab import STUDY_AREA_MARGIN_KM

PACKAGE_DIR: Final = Path(__file__).resolve().parent
DATA_DIR: Final = PACKAGE_DIR.parent / "data"
BUNDLED_EVENTS_PATH: Final = DATA_DIR / "events.csv"
CLAIMS_FILE_NAME: Final = "claims.csv"  # beside an events file: its casualty claims (data/README.md)
GEO_DIR: Final = DATA_DIR / "geo"
ABOUT_PATH: Final = PACKAGE_DIR / "about.md"

DEFAULT_MAX_UPLOAD_MB: Final = 200.0
DEFAULT_MAX_ROWS: Final = 2_000_000
DEFAULT_CHILD_MEMORY_MB: Final = 8_192
MIN_CHILD_MEMORY_MB: Final = 3_072
DEFAULT_CACHE_MB: Final = 4_096.0
CACHE_DIR_NAME: Final = "caucasus-conflict-map"


def default_events_path() -> Path:
    """The file the dashboard and the CLI read: $CCM_EVENTS_PATH if set, else the bundled events."""
    return Path(os.environ.get("CCM_EVENTS_PATH") or BUNDLED_EVENTS_PATH)


def claims_path_beside(events_path: Path) -> Path | None:
    """The claims table of an events file read by path: ``claims.csv`` in the same folder, if there is one
    (data/claims.csv for the bundled events)."""
    path = Path(events_path).with_name(CLAIMS_FILE_NAME)
    return path if path.is_file() else None


def _number(name: str, default: float, zero_allowed: bool = False) -> float:
    """A CCM_* number: finite and above 0, or 0 or more with ``zero_allowed`` (a margin of none, a cache off)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number; unset it or give a number such as {default:g}.") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
        bound = "0 or more" if zero_allowed else "above 0"
        raise ValueError(f"{name}={text!r} must be a finite number {bound}.")
    return value


def max_upload_mb() -> float:
    """$CCM_MAX_UPLOAD_MB, or the default."""
    return _number("CCM_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)


def max_rows() -> int:
    """$CCM_MAX_ROWS (a whole number of at least 1), or the default."""
    value = float(_number("CCM_MAX_ROWS", DEFAULT_MAX_ROWS))
    if value < 1 or not value.is_integer():
        raise ValueError(f"CCM_MAX_ROWS={value:g} must be a whole number of rows, at least 1.")
    return int(value)


def child_memory_mb() -> int:
    """$CCM_CHILD_MEMORY_MB (a whole number of MB, at least MIN_CHILD_MEMORY_MB), or the default."""
    value = _number("CCM_CHILD_MEMORY_MB", DEFAULT_CHILD_MEMORY_MB)
    if value < MIN_CHILD_MEMORY_MB or not float(value).is_integer():
        raise ValueError(
            f"CCM_CHILD_MEMORY_MB={value:g} must be a whole number of MB, at least {MIN_CHILD_MEMORY_MB:,}: "
            "a worker process with its libraries loaded maps about 1,800 MB before it starts."
        )
    return int(value)


def study_area_margin_km() -> float:
    """$CCM_STUDY_AREA_MARGIN_KM, or vocab.STUDY_AREA_MARGIN_KM."""
    return _number("CCM_STUDY_AREA_MARGIN_KM", STUDY_AREA_MARGIN_KM, zero_allowed=True)


def cache_mb() -> float:
    """$CCM_CACHE_MB (0: no disk cache), or the default."""
    return _number("CCM_CACHE_MB", DEFAULT_CACHE_MB, zero_allowed=True)


def cache_dir() -> Path:
    """$CCM_CACHE_DIR, or caucasus-conflict-map in the user's cache directory ($XDG_CACHE_HOME or ~/.cache)."""
    chosen = os.environ.get("CCM_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / CACHE_DIR_NAME


def check_settings() -> None:
    """Read every CCM_* number once, so that a bad one is named at start; raises ValueError."""
    max_upload_mb()
    max_rows()
    child_memory_mb()
    study_area_margin_km()
    cache_mb()


def upload_limit_mismatch(streamlit_max_upload_mb: float) -> str | None:
    """A sentence when Streamlit refuses uploads the loader would accept, else None.

    Streamlit checks ``server.maxUploadSize`` before the file reaches the loader, so a higher
    CCM_MAX_UPLOAD_MB alone does not let bigger files in.
    """
    loader = max_upload_mb()
    if streamlit_max_upload_mb >= loader:
        return None
    return (
        f"Uploads are limited to {streamlit_max_upload_mb:g} MB by Streamlit's server.maxUploadSize, below "
        f"CCM_MAX_UPLOAD_MB ({loader:g} MB). Raise server.maxUploadSize in .streamlit/config.toml to "
        f"{loader:g} to accept the files the loader allows."
    )
