"""The app's caches outside a script run: the packed layer's codes of a big table prepared behind its first map."""

from __future__ import annotations

import pytest

from dashboard.app import cache
from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.geo.join import load_boundaries
from dashboard.pipeline import load_joined_events
from dashboard.vocab import DEFAULT_NK_BOUNDARY


@pytest.fixture
def counted_encoding(monkeypatch):
    """Every table counts as big, and each encoding of a table is counted."""
    encoded = []
    real = cache.encode_events

    def counting(events):
        encoded.append(len(events))
        return real(events)

    monkeypatch.setattr(cache, "encode_events", counting)
    monkeypatch.setattr(cache, "MAX_PACKED", -1)
    monkeypatch.setattr(cache, "_ENCODING_BEHIND", set())
    cache.cached_event_codes.clear()
    yield encoded
    cache.cached_event_codes.clear()


def test_a_big_tables_codes_are_encoded_once_behind_its_first_map(counted_encoding):
    table = load_joined_events(BUNDLED_EVENTS_PATH, load_boundaries())
    thread = cache.encode_events_behind(table.key, DEFAULT_NK_BOUNDARY, table.events)
    assert thread is not None
    thread.join(timeout=120)
    assert counted_encoding == [len(table.events)]
    # The first selection drawn event by event finds them ready; a second first map starts nothing.
    codes = cache.cached_event_codes(table.key, DEFAULT_NK_BOUNDARY, table.events)
    assert codes is cache.cached_event_codes(table.key, DEFAULT_NK_BOUNDARY, table.events)
    assert counted_encoding == [len(table.events)]
    assert cache.encode_events_behind(table.key, DEFAULT_NK_BOUNDARY, table.events) is None


def test_a_table_drawn_event_by_event_from_the_start_encodes_with_its_first_map(counted_encoding, monkeypatch):
    monkeypatch.setattr(cache, "MAX_PACKED", 10**9)
    table = load_joined_events(BUNDLED_EVENTS_PATH, load_boundaries())
    assert cache.encode_events_behind(table.key, DEFAULT_NK_BOUNDARY, table.events) is None
    assert counted_encoding == []
