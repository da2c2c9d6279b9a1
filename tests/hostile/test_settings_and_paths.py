"""Settings and paths an operator can get wrong: a sentence each, never a traceback or an endless read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "export", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CCM_MAX_ROWS": "abc"}, "CCM_MAX_ROWS='abc' is not a number"),
        ({"CCM_MAX_UPLOAD_MB": "-1"}, "CCM_MAX_UPLOAD_MB='-1' must be a finite number above 0"),
        ({"CCM_MAX_UPLOAD_MB": "inf"}, "CCM_MAX_UPLOAD_MB='inf' must be a finite number above 0"),
        ({"CCM_MAX_UPLOAD_MB": "nan"}, "CCM_MAX_UPLOAD_MB='nan' must be a finite number above 0"),
        ({"CCM_MAX_ROWS": "0.5"}, "CCM_MAX_ROWS=0.5 must be a whole number of rows, at least 1"),
    ],
)
def test_bad_settings_are_refused_with_a_sentence(tmp_path, env, message):
    done = run_cli("--out", str(tmp_path / "x.csv"), **env)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_device_is_not_read_as_an_events_file(tmp_path):
    done = run_cli("--events", "/dev/zero", "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 1
    assert "/dev/zero is not a regular file" in done.stderr and "Traceback" not in done.stderr
