"""CCM_* settings: read in one place, with sentences for bad values."""

from __future__ import annotations

import pytest

from dashboard.config import BUNDLED_EVENTS_PATH, default_events_path, max_rows, max_upload_mb, upload_limit_mismatch
from dashboard.errors import EventFileError
from dashboard.load.reading import Limits
from dashboard.vocab import ON_BORDER_KM


def test_defaults_without_variables(monkeypatch):
    for name in ("CCM_EVENTS_PATH", "CCM_MAX_UPLOAD_MB", "CCM_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    assert default_events_path() == BUNDLED_EVENTS_PATH
    assert (max_upload_mb(), max_rows()) == (200.0, 2_000_000)
    assert upload_limit_mismatch(200) is None


def test_a_bad_value_is_refused_with_a_sentence_naming_the_variable(monkeypatch):
    monkeypatch.setenv("CCM_MAX_ROWS", "many")
    with pytest.raises(EventFileError, match=r"CCM_MAX_ROWS='many' is not a number"):
        Limits.from_env()


def test_streamlit_limit_below_the_loader_limit_is_reported(monkeypatch):
    monkeypatch.setenv("CCM_MAX_UPLOAD_MB", "500")
    message = upload_limit_mismatch(200)
    assert message is not None and "server.maxUploadSize" in message and "500" in message
    assert upload_limit_mismatch(500) is None


def test_the_about_page_states_the_on_border_distance_the_join_uses():
    from dashboard.config import ABOUT_PATH

    assert f"within {ON_BORDER_KM:g} km of the international border" in ABOUT_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["1024", "4096.5", "lots"])
def test_a_child_memory_limit_too_small_or_not_whole_is_refused_with_a_sentence(monkeypatch, value):
    from dashboard.config import check_settings

    monkeypatch.setenv("CCM_CHILD_MEMORY_MB", value)
    with pytest.raises(ValueError, match=r"CCM_CHILD_MEMORY_MB="):
        check_settings()
