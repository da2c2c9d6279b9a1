"""The Export tab's report: paper, orientation and sections chosen, the PDF and the figures ZIP prepared."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard.app import keys
from dashboard.export.report import SECTIONS
from dashboard.vocab import DATE_PRESETS
from tests.helpers import ROOT

APP = str(ROOT / "dashboard" / "app" / "main.py")


@pytest.fixture
def export_tab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    at.session_state[keys.KEY_TAB] = keys.TAB_EXPORT
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> None:
    at.button[[b.label for b in at.button].index(label)].click().run()
    assert not at.exception and not at.error, (at.exception, at.error)


def test_the_report_is_prepared_on_the_chosen_paper_with_the_chosen_sections(export_tab):
    at = export_tab
    at.radio(key=keys.KEY_REPORT_PAPER).set_value("letter").run()
    at.radio(key=keys.KEY_REPORT_ORIENTATION).set_value(keys.LANDSCAPE).run()
    at.multiselect(key=keys.KEY_REPORT_SECTIONS).set_value([SECTIONS["map"], SECTIONS["events"]]).run()
    click(at, "Prepare the report")
    _, name, data = at.session_state[keys.KEY_REPORT_FILE]
    assert name == "events_2022-09-12_2022-09-14_report.pdf"
    reader = PdfReader(io.BytesIO(data))
    assert [item.title for item in reader.outline] == [SECTIONS["map"], SECTIONS["events"]]
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 612)
    assert page.extract_text().startswith("Events 12–14 Sep 2022")  # the export's title
    assert any(b.label.startswith(f"Download {name}") for b in at.get("download_button"))
    # Another paper is another report: the prepared one is not offered for it.
    at.radio(key=keys.KEY_REPORT_PAPER).set_value("a4").run()
    assert not any(b.label.startswith(f"Download {name}") for b in at.get("download_button"))


def test_the_report_figures_are_prepared_as_a_zip(export_tab):
    click(export_tab, "Prepare the figures")
    _, name, data = export_tab.session_state[keys.KEY_FIGURES_FILE]
    assert name.endswith("_report-figures.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {"map.png", "map.svg", "timeline.png", "timeline.svg", "events.csv"} <= set(archive.namelist())


def test_the_compare_tab_prepares_a_report_of_period_a_with_its_comparison_page():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    at.session_state[keys.KEY_TAB] = keys.TAB_COMPARE
    at.run()
    click(at, "Prepare a report of period A with this comparison (PDF)")
    _, name, data = at.session_state[keys.KEY_COMPARE_REPORT_FILE]
    assert name == "report_compare_2022-09-12_2022-09-14_vs_2022-09-09_2022-09-11_province.pdf"
    reader = PdfReader(io.BytesIO(data))
    titles = [item.title for item in reader.outline]
    assert SECTIONS["compare"] in titles and titles[0] == SECTIONS["map"]
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "12–14 Sep 2022" in text and "9–11 Sep 2022" in text
    assert "15 shown" in text  # the report's events are period A's
