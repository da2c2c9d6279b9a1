"""Compressed files are inflated in bounded chunks: a bomb is refused without filling the memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dashboard.errors import EventFileError
from dashboard.load.events import load_events
from dashboard.load.reading import Limits
from tests.helpers import ROOT, is_sentence
from tests.hostile.bombs import HEADER, gzip_bomb, lying_zip, outside_rows_bomb

LIMIT_MB = 20
# Loads one file in a fresh interpreter and reports the outcome and how much its peak memory grew.
PROBE = """
import json, resource, sys
from dashboard.errors import EventFileError
from dashboard.load.events import load_events
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_events(sys.argv[1]); outcome = "loaded"
except EventFileError as exc:
    outcome = str(exc)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "grown_mb": grown / 1024}))
"""


def probe(path) -> dict:
    env = {**os.environ, "CCM_MAX_UPLOAD_MB": str(LIMIT_MB)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path):
    bomb = gzip_bomb(tmp_path / "bomb.csv.gz", expands_to=5_000_000_000)  # ~5 MB on disk
    assert bomb.stat().st_size < 6_000_000
    result = probe(bomb)
    assert result["outcome"].startswith(f"The file expands to more than {LIMIT_MB} MB when decompressed")
    assert result["grown_mb"] < 3 * LIMIT_MB + 40  # the limit's worth of data, not gigabytes


def test_a_bomb_of_rows_outside_the_study_area_is_refused_at_the_limit_while_streamed(tmp_path):
    bomb = outside_rows_bomb(tmp_path / "world.csv.gz", expands_to=2_000_000_000)
    assert bomb.stat().st_size < 10_000_000
    result = probe(bomb)
    assert result["outcome"].startswith(f"The file expands to more than {LIMIT_MB} MB when decompressed")
    assert result["grown_mb"] < 3 * LIMIT_MB + 40


def test_a_zip_member_that_lies_about_its_size_is_refused_in_bounded_memory(tmp_path):
    archive = lying_zip(tmp_path / "lie.zip", actual=300_000_000, declared=1_000)
    result = probe(archive)
    assert "cannot be opened" in result["outcome"] and is_sentence(result["outcome"])
    assert result["grown_mb"] < 3 * LIMIT_MB + 40


def test_a_zip_member_declared_over_the_limit_is_refused_before_reading(tmp_path):
    archive = lying_zip(tmp_path / "big.zip", actual=1_000_000, declared=50 * 2**20)
    with pytest.raises(EventFileError, match=r"The file is 50 MB, over the limit of 20 MB"):
        load_events(archive, limits=Limits(max_bytes=LIMIT_MB * 2**20))


def test_a_compressed_file_within_the_limit_still_loads(tmp_path):
    import gzip

    rows = HEADER + b"A1,2022-09-13,Battle,39.5,46.3\n"
    path = tmp_path / "ok.csv.gz"
    path.write_bytes(gzip.compress(rows))
    table = load_events(path, limits=Limits(max_bytes=1_000))
    assert len(table.events) == 1
