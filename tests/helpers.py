"""Small assertions shared by several test modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.errors import EventFileError
from dashboard.load.events import EventTable

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def load_outcome(load: Callable[[], EventTable]) -> tuple[EventTable | None, str | None]:
    """The table a load returns, or the sentence it refused the file with."""
    try:
        return load(), None
    except EventFileError as exc:
        return None, str(exc)


def is_sentence(message: str) -> bool:
    """A message a person can read: not empty, not a bare code, ends like a sentence."""
    text = message.strip()
    return len(text) > 10 and text.endswith((".", ")", "?"))
