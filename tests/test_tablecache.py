"""The disk cache of joined tables: exact round trips, shared by processes, never trusting a bad entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.generate_events import generate
from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.load.reading import Limits
from dashboard.pipeline import load_joined_events
from dashboard.tablecache import TableCache, table_key
from tests.helpers import ROOT


@pytest.fixture
def cache(tmp_path: Path) -> TableCache:
    return TableCache(tmp_path / "cache", max_bytes=1 << 30)


def entry(cache: TableCache, key: str, boundaries) -> Path:
    """Where the pipeline keeps ``key``'s table, loaded under the limits of the environment."""
    return cache.path_for(key, boundaries.version, repr(Limits.from_env()))


def assert_same_table(a, b) -> None:
    for name in ("events", "rejected", "claims"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert (a.n_rows, a.n_duplicates, a.n_blank, a.n_outside) == (b.n_rows, b.n_duplicates, b.n_blank, b.n_outside)
    assert a.detections == b.detections
    assert a.key == b.key


@pytest.fixture(scope="module")
def synthetic() -> bytes:
    return generate(3_000).to_csv(index=False).encode()


def test_a_table_read_back_is_the_table_that_was_joined(boundaries, cache, synthetic):
    for source, name in ((BUNDLED_EVENTS_PATH, ""), (synthetic, "synthetic.csv")):
        fresh = load_joined_events(source, boundaries, name=name, cache=cache)
        assert cache.misses and not cache.hits
        again = load_joined_events(source, boundaries, name=name, cache=cache)
        assert cache.hits == 1
        assert_same_table(again, fresh)
        assert fresh.key == table_key(source, name)
        assert not fresh.rejected.empty or source == BUNDLED_EVENTS_PATH
        cache.hits = cache.misses = 0


def test_a_table_written_behind_is_read_back_once_written(boundaries, cache, synthetic):
    fresh = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache, write_behind=True)
    cache.wait()
    assert not cache.writing
    again = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert_same_table(again, fresh)


def test_what_the_table_depends_on_is_in_its_key(boundaries, cache, synthetic, monkeypatch):
    load_joined_events(synthetic, boundaries, name="a.csv", cache=cache)
    load_joined_events(synthetic, boundaries, name="b.csv", cache=cache)  # another name: another table
    load_joined_events(synthetic + b"\n", boundaries, name="a.csv", cache=cache)  # other bytes
    monkeypatch.setenv("CCM_MAX_ROWS", "100000")  # other limits
    load_joined_events(synthetic, boundaries, name="a.csv", cache=cache)
    monkeypatch.setenv("CCM_STUDY_AREA_MARGIN_KM", "20")
    load_joined_events(synthetic, boundaries, name="a.csv", cache=cache)
    assert (cache.hits, cache.misses) == (0, 5)
    key = table_key(synthetic, "a.csv")
    assert entry(cache, key, boundaries) != cache.path_for(key, "other boundaries", repr(Limits.from_env()))


def flipped(data: bytes) -> bytes:
    """The bytes with one byte in the middle (inside a stored member) inverted."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a zip at all"),
        lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),  # a truncated write
        lambda path: path.write_bytes(flipped(path.read_bytes())),
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(boundaries, cache, synthetic, damage):
    fresh = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache)
    path = entry(cache, fresh.key, boundaries)
    damage(path)
    again = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache)
    assert cache.hits == 0
    assert_same_table(again, fresh)
    assert zipfile.is_zipfile(path)  # written anew
    assert load_joined_events(synthetic, boundaries, name="s.csv", cache=cache) is not None and cache.hits == 1


def test_a_foreign_entry_under_the_name_is_not_trusted(boundaries, cache, synthetic, tmp_path):
    other = TableCache(tmp_path / "other", max_bytes=1 << 30)
    bundled = load_joined_events(BUNDLED_EVENTS_PATH, boundaries, cache=other)
    key = table_key(synthetic, "s.csv")
    cache.directory.mkdir(parents=True)
    # The bundled table's entry, copied under the synthetic file's name: its meta.json names another key.
    entry(other, bundled.key, boundaries).replace(entry(cache, key, boundaries))
    table = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache)
    assert cache.hits == 0 and len(table.events) > len(bundled.events)


def test_the_cache_keeps_to_its_size_oldest_out_first(boundaries, tmp_path, synthetic):
    cache = TableCache(tmp_path / "cache", max_bytes=1 << 30)
    keys = []
    for i in range(3):
        keys.append(load_joined_events(synthetic, boundaries, name=f"{i}.csv", cache=cache).key)
        os.utime(entry(cache, keys[-1], boundaries), (1_000_000 + i, 1_000_000 + i))
    sizes = [entry(cache, k, boundaries).stat().st_size for k in keys]
    cache.max_bytes = sizes[1] + sizes[2]
    cache.evict()
    assert [entry(cache, k, boundaries).exists() for k in keys] == [False, True, True]


def test_an_unwritable_cache_is_skipped(boundaries, tmp_path, synthetic):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the directory should be")
    cache = TableCache(blocked / "cache", max_bytes=1 << 30)
    table = load_joined_events(synthetic, boundaries, name="s.csv", cache=cache)
    assert len(table.events) and cache.misses == 1


LOAD = """
import json, sys
from dashboard.geo.join import load_boundaries
from dashboard.load.reading import Limits
from dashboard.pipeline import load_joined_events
from dashboard.tablecache import TableCache
cache = TableCache.from_env()
table = load_joined_events(sys.argv[1], load_boundaries(), cache=cache)
print(json.dumps({"hits": cache.hits, "events": len(table.events), "rejected": len(table.rejected)}))
"""


def run_loader(path: Path, cache_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CCM_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", LOAD, str(path)], env=env, stdout=subprocess.PIPE, text=True)


def report(process: subprocess.Popen[str]) -> dict[str, int]:
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0
    return json.loads(out.strip().splitlines()[-1])


def test_two_processes_share_one_cache_and_the_second_starts_warm(tmp_path, synthetic):
    path = tmp_path / "events.csv"
    path.write_bytes(synthetic)
    cache_dir = tmp_path / "shared"
    first = report(run_loader(path, cache_dir))
    second = report(run_loader(path, cache_dir))
    assert first["hits"] == 0 and second["hits"] == 1
    assert first["events"] == second["events"] and first["rejected"] == second["rejected"]


def test_processes_writing_the_same_entry_at_once_leave_a_whole_one(tmp_path, synthetic):
    path = tmp_path / "events.csv"
    path.write_bytes(synthetic)
    cache_dir = tmp_path / "shared"
    racing = [run_loader(path, cache_dir) for _ in range(2)]
    results = [report(p) for p in racing]
    assert results[0]["events"] == results[1]["events"]
    assert not list(cache_dir.glob(".writing-*"))  # no temporary file is left behind
    assert report(run_loader(path, cache_dir))["hits"] == 1
