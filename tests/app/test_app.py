from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import keys
from dashboard.vocab import DATE_PRESETS
from dashboard.webmap.base_map import PLACE_ZOOM
from tests.helpers import FIXTURES, ROOT

APP = str(ROOT / "dashboard" / "app" / "main.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def unescaped(markdown: str) -> str:
    """Text from data is shown with Markdown's punctuation escaped; the words the analyst reads."""
    return re.sub(r"\\(.)", r"\1", markdown)


def counts_line(at: AppTest) -> str:
    return next(c.value for c in at.caption if "rows in file" in c.value)


def open_tab(at: AppTest, label: str) -> AppTest:
    """Select a tab as a click would (only the open tab's content runs)."""
    at.session_state[keys.KEY_TAB] = label
    at.run()
    assert not at.exception, at.exception
    return at


def events_table(at: AppTest):
    open_tab(at, keys.TAB_TABLE)
    return next(df.value for df in at.dataframe if "ID" in df.value.columns)


def test_app_runs_on_bundled_data(app):
    assert counts_line(app) == "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
    assert app.title[0].value == "Armenia–Azerbaijan conflict events"
    assert app.metric[0].value == "58"
    assert not app.error
    open_tab(app, keys.TAB_ABOUT)
    about = "\n".join(m.value for m in app.markdown)
    assert "curated, sourced sample" in about and "imply no judgement" in about


def test_date_range_changes_counts(app):
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2022, 9, 12), dt.date(2022, 9, 14))).run()
    assert counts_line(app) == "15 shown · 43 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
    assert events_table(app)["Date"].between(dt.date(2022, 9, 12), dt.date(2022, 9, 14)).all()


def test_preset_sets_the_date_range(app):
    preset = next(name for name in DATE_PRESETS if "Sep 2022" in name)
    app.selectbox(key=keys.KEY_PRESET).set_value(preset).run()
    assert app.date_input(key=keys.KEY_DATES).value == DATE_PRESETS[preset]
    assert counts_line(app).startswith("15 shown")


def test_the_period_box_names_the_dates_in_force(app):
    sept_2022 = next(name for name in DATE_PRESETS if "Sep 2022" in name)
    app.date_input(key=keys.KEY_DATES).set_value(DATE_PRESETS[sept_2022]).run()
    assert app.selectbox(key=keys.KEY_PRESET).value == sept_2022
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2022, 9, 1), dt.date(2022, 9, 30))).run()
    assert app.selectbox(key=keys.KEY_PRESET).value == keys.CUSTOM_DATES
    assert counts_line(app).startswith("15 shown")
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2020, 9, 27), dt.date(2024, 2, 13))).run()
    assert app.selectbox(key=keys.KEY_PRESET).value == keys.ALL_DATES


def test_type_filter_changes_counts(app):
    app.multiselect(key=keys.KEY_TYPES).set_value(["Battle"]).run()
    table = events_table(app)
    assert set(table["Type"]) == {"Battle"}
    assert counts_line(app).startswith(f"{len(table)} shown")


def test_region_filter_changes_counts(app):
    app.multiselect(key=keys.KEY_REGIONS).set_value(["Armenia"]).run()
    table = events_table(app)
    assert set(table["Region"]) == {"Armenia"}
    assert (
        counts_line(app)
        == f"{len(table)} shown · {58 - len(table)} filtered out · 19 unmapped · 0 rejected = 77 rows in file"
    )


def test_1994_2020_boundary_moves_fuzuli_jabrayil_zangilan_into_nagorno_karabakh(app):
    def regions() -> dict[str, str]:
        table = events_table(app)
        return dict(zip(table["ID"], table["Region"], strict=True))

    before = regions()
    assert {before[e] for e in ("AA-011", "AA-020", "AA-021")} == {"Azerbaijan"}
    app.radio(key=keys.KEY_NK).set_value("nk_1994_2020").run()
    after = regions()
    assert {after[e] for e in ("AA-011", "AA-020", "AA-021")} == {"Nagorno-Karabakh"}


def test_empty_result_says_which_filter_emptied_it(app):
    app.multiselect(key=keys.KEY_TYPES).set_value(["Drone strike"]).run()
    app.multiselect(key=keys.KEY_REGIONS).set_value(["Outside"]).run()
    assert counts_line(app).startswith("0 shown")
    assert "region filter leaves nothing" in app.info[0].value


def test_only_the_open_tab_is_built(app):
    assert not any("ID" in df.value.columns for df in app.dataframe)  # the timeline is open, not the table
    assert len(events_table(app)) == 58
    open_tab(app, keys.TAB_TIMELINE)
    assert not any("ID" in df.value.columns for df in app.dataframe)


def test_unmapped_rows_are_listed_with_their_lines(app):
    open_tab(app, keys.TAB_QUALITY)
    unmapped = next(df.value for df in app.dataframe if "Why unmapped" in df.value.columns)
    assert len(unmapped) == 19
    row = unmapped.set_index("ID").loc["AA-007"]
    assert row["Line"] == 8 and "NOT VERIFIED" in row["Why unmapped"]


def test_rejected_rows_are_counted_shown_and_downloadable(tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,event_date,event_type,latitude,longitude\n"
        "A,2022-09-13,Battle,39.5,46.3\n"
        "B,2022-09-13,Battle,,\n"
        "C,13 Sept,Battle,39.5,46.3\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CCM_EVENTS_PATH", str(events))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert counts_line(at) == "1 shown · 0 filtered out · 1 unmapped · 1 rejected = 3 rows in file"
    open_tab(at, keys.TAB_QUALITY)
    rejected = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert rejected[["line", "event_id"]].values.tolist() == [[4, "C"]]
    assert "unreadable date '13 Sept'" in rejected["reason"].iloc[0]
    assert any(b.label == "Download rejected rows (CSV)" for b in at.get("download_button"))


def test_unreadable_file_is_a_sentence_not_a_traceback(tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    events.write_text("id;when\n1;2\n", encoding="utf-8")
    monkeypatch.setenv("CCM_EVENTS_PATH", str(events))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "The columns do not match the project schema, an ACLED export or a UCDP GED file" in at.error[0].value


SIGNATURES = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG",
    "svg": b"<?xml",
    "html": b"<!DOCTYPE html>",
    "csv": "\ufeffevent_id,".encode(),
    "zip": b"PK\x03\x04",
    "geojson": b"{",
    "gif": b"GIF89a",
    "mp4": b"\x00\x00\x00 ftypisom",  # the file type box of an MP4
}


@pytest.mark.parametrize("choice", list(keys.EXPORT_CHOICES))
def test_export_panel_prepares_each_format_for_the_current_filters(app, choice):
    app.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    open_tab(app, keys.TAB_EXPORT)
    app.selectbox(key=keys.KEY_EXPORT_FORMAT).set_value(choice).run()
    app.button[[b.label for b in app.button].index("Prepare the file")].click().run()
    assert not app.exception and not app.error
    _, name, data = app.session_state[keys.KEY_EXPORT_FILE]
    fmt = keys.EXPORT_CHOICES[choice][0]
    assert data.startswith(SIGNATURES[fmt])
    assert name.startswith("events_2022-09-12_2022-09-14") and name.endswith("." + fmt)
    assert any(b.label.startswith(f"Download {name}") for b in app.get("download_button"))


def test_export_panel_animates_the_period_with_a_progress_bar(app):
    from PIL import Image

    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2020, 9, 27), dt.date(2020, 11, 10))).run()
    open_tab(app, keys.TAB_EXPORT)
    app.selectbox(key=keys.KEY_EXPORT_FORMAT).set_value(next(c for c in keys.EXPORT_CHOICES if c.startswith("GIF")))
    app.run()
    app.selectbox(key=keys.KEY_EXPORT_FRAME_UNIT).set_value("week")
    app.radio(key=keys.KEY_EXPORT_FRAME_MODE).set_value("cumulative")
    app.number_input(key=keys.KEY_EXPORT_FRAME_SECONDS).set_value(0.8).run()
    assert any(c.value.startswith("7 frames, 27 Sep – 3 Oct 2020 to 8–10 Nov 2020, 5.6 s to play") for c in app.caption)
    app.button[[b.label for b in app.button].index("Prepare the file")].click().run()
    assert not app.exception and not app.error
    _, name, data = app.session_state[keys.KEY_EXPORT_FILE]
    assert name.startswith("events_2020-09-27_2020-11-10_by-week-cumulative") and name.endswith(".gif")
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 7 and gif.info["duration"] == 800
    bar = app.get("progress")[0]
    assert bar.proto.value == 100 and bar.proto.text == "7 frames drawn"
    # The sidebar's choropleth is animated as one; a heatmap as points, and the tab says so.
    app.selectbox(key=keys.KEY_REPRESENTATION).set_value("provinces").run()
    assert any("a choropleth keeps one set of classes for every frame" in c.value for c in app.caption)
    app.button[[b.label for b in app.button].index("Prepare the file")].click().run()
    assert not app.exception and not app.error
    assert Image.open(io.BytesIO(app.session_state[keys.KEY_EXPORT_FILE][2])).n_frames == 7
    app.selectbox(key=keys.KEY_REPRESENTATION).set_value("heatmap").run()
    assert any("A heatmap is animated as points." in c.value for c in app.caption)
    # A window too short for the period is refused with the sentence, and nothing is prepared.
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2020, 9, 27), dt.date(2023, 9, 30)))
    app.selectbox(key=keys.KEY_EXPORT_FRAME_UNIT).set_value("day").run()
    assert "an animation draws at most 1,000: pick a longer window" in unescaped(app.error[0].value)
    assert not [b for b in app.button if b.label == "Prepare the file"]


def as_read(markdown: str) -> str:
    """What a reader sees of Markdown whose punctuation is escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


def upload(at: AppTest, *names: str) -> AppTest:
    files = [(name, (FIXTURES / name).read_bytes(), "text/csv") for name in names]
    at.file_uploader(key=keys.KEY_UPLOAD).set_value(files).run()
    assert not at.exception, at.exception
    return at


def test_uploaded_acled_file_alone_shows_its_detection_and_report(app):
    upload(app, "acled_2023_text_inter.csv")
    assert counts_line(app) == "3 shown · 0 filtered out · 0 unmapped · 1 rejected = 4 rows in file"
    open_tab(app, keys.TAB_QUALITY)
    captions = " ".join(as_read(c.value) for c in app.caption)
    assert "Detected: ACLED 2023+ export; 31 columns; used: event_id_cnty" in captions
    assert any("acled_2023_text_inter.csv" in as_read(m.value) and "1 rejected" in m.value for m in app.markdown)
    assert set(events_table(app)["ID"]) == {"ARM1001", "ARM1002", "AZE2001"}


def test_a_global_upload_counts_its_rows_outside_the_study_area(app):
    rows = "".join(f"P{i},2022-09-13,Battle,48.85,2.35\n" for i in range(40))
    data = ("event_id,event_date,event_type,latitude,longitude\nA1,2022-09-13,Battle,40,45.5\n" + rows).encode()
    app.file_uploader(key=keys.KEY_UPLOAD).set_value([("world.csv", data, "text/csv")]).run()
    assert not app.exception
    line = "1 shown · 0 filtered out · 0 unmapped · 0 rejected · 40 outside the study area = 41 rows in file"
    assert counts_line(app) == line
    open_tab(app, keys.TAB_QUALITY)
    assert any("40 outside the study area" in as_read(m.value) for m in app.markdown)


def test_uploads_merge_with_the_bundled_events(app):
    upload(app, "acled_2023_text_inter.csv", "ucdp_ged_241.zip")
    assert app.radio(key=keys.KEY_DATA_MODE).value == keys.UPLOADS_ALONE
    app.radio(key=keys.KEY_DATA_MODE).set_value(keys.UPLOADS_MERGED).run()
    assert counts_line(app) == "63 shown · 0 filtered out · 20 unmapped · 1 rejected = 84 rows in file"


def test_unknown_table_is_loaded_through_the_column_mapping(app):
    upload(app, "other_columns.csv")
    assert "Choose which columns hold the date" in app.error[0].value
    app.checkbox(key=f"{keys.KEY_MAPPING}:other_columns.csv:go").check().run()
    assert not app.exception
    assert counts_line(app) == "1 shown · 0 filtered out · 0 unmapped · 1 rejected = 2 rows in file"


def test_new_data_resets_the_date_range_to_its_own_period(app):
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2023, 9, 19), dt.date(2023, 9, 30))).run()
    upload(app, "acled_2023_text_inter.csv")
    assert app.date_input(key=keys.KEY_DATES).value == (dt.date(2020, 10, 4), dt.date(2022, 9, 13))
    assert counts_line(app).startswith("3 shown")


def test_large_selections_are_packed_with_a_note_saying_so(tmp_path, monkeypatch):
    from benchmarks.generate_events import generate

    events = tmp_path / "large.csv"
    generate(4000, seed=3).to_csv(events, index=False)
    monkeypatch.setenv("CCM_EVENTS_PATH", str(events))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    note = next(i.value for i in at.info if "compact encoding" in i.value)
    shown = int(counts_line(at).split(" shown")[0].replace(",", ""))
    assert note.startswith(f"{shown:,} events match, more than the 3,000")

    sept_2022 = next(name for name in DATE_PRESETS if "Sep 2022" in name)
    at.selectbox(key=keys.KEY_PRESET).set_value(sept_2022).run()  # few enough for single markers again
    assert not at.exception
    assert not any("compact encoding" in i.value for i in at.info)


BEACON = "![x](http://127.0.0.1:9/beacon)"


def test_file_and_column_names_are_shown_as_text_never_as_markdown(app):
    data = (f"event_id,event_date,event_type,latitude,longitude,{BEACON}\nB1,2022-09-13,Battle,39.5,46.3,x\n").encode()
    app.file_uploader(key=keys.KEY_UPLOAD).set_value([(f"{BEACON}.csv", data, "text/csv")]).run()
    assert not app.exception
    open_tab(app, keys.TAB_QUALITY)
    shown = [m.value for m in app.markdown] + [c.value for c in app.caption] + [e.value for e in app.error]
    assert any(r"\!\[x\]\(http\://127\.0\.0\.1\:9/beacon\)" in text for text in shown)
    assert not any(BEACON in text for text in shown), "a name from the file would render as an image"


def test_an_unreadable_upload_names_itself_as_text(app):
    app.file_uploader(key=keys.KEY_UPLOAD).set_value([(f"{BEACON}.csv", b"\x00\x01binary", "text/csv")]).run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert errors and not any(BEACON in text for text in errors)


def test_a_refused_file_is_read_once_not_on_every_rerun(app, monkeypatch):
    from dashboard.app import cache

    calls = []
    real = cache.load_joined_events

    def counting(*args, **kwargs):
        calls.append(kwargs.get("name"))
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "load_joined_events", counting)
    app.file_uploader(key=keys.KEY_UPLOAD).set_value([("refused.csv", b"\x00\x01 not a table", "text/csv")]).run()
    assert any("binary data" in e.value for e in app.error)
    app.run()
    app.run()
    assert calls.count("refused.csv") == 1


def test_uploads_lost_by_a_server_restart_are_announced_not_silently_replaced(app):
    upload(app, "acled_2023_text_inter.csv")
    assert app.query_params[keys.PARAM_UPLOADS] == "1"
    # A fresh session (the server restarted) on the same address, with no file any more.
    restarted = AppTest.from_file(APP, default_timeout=60)
    restarted.query_params[keys.PARAM_UPLOADS] = "1"
    restarted.run()
    assert any("no longer on the server" in w.value for w in restarted.warning)
    assert counts_line(restarted).endswith("= 77 rows in file")  # the bundled events, said so above


def test_removing_uploads_in_the_session_raises_no_alarm(app):
    upload(app, "acled_2023_text_inter.csv")
    app.file_uploader(key=keys.KEY_UPLOAD).set_value([]).run()
    assert not any("no longer on the server" in w.value for w in app.warning)
    assert keys.PARAM_UPLOADS not in app.query_params


def test_a_place_found_by_another_spelling_centres_the_map_and_filters_by_radius(app):
    label = next(option for option in app.selectbox(key=keys.KEY_PLACE).options if option.startswith("Jermuk — "))
    app.selectbox(key=keys.KEY_PLACE).set_value(label).run()
    assert not app.exception, app.exception
    fit = app.session_state[keys.KEY_FIT]
    assert fit.zoom == PLACE_ZOOM and fit.center == pytest.approx((39.84, 45.67), abs=0.01)
    assert any("Also: " in unescaped(c.value) and "Cermuk" in c.value for c in app.sidebar.caption)
    assert counts_line(app).startswith("58 shown")  # choosing a place alone filters nothing
    app.checkbox(key=keys.KEY_NEAR_ON).check().run()
    near = counts_line(app)
    assert not near.startswith("58 shown") and near.endswith("= 77 rows in file")
    assert "within 10 km of Jermuk" in unescaped(app.markdown[0].value)


def test_the_border_sector_filter_and_the_counts_by_sector(app):
    options = app.multiselect(key=keys.KEY_SECTORS).options
    assert options[0] == "Gegharkunik – Kəlbəcər"
    app.multiselect(key=keys.KEY_SECTORS).set_value(["Gegharkunik – Kəlbəcər"]).run()
    assert counts_line(app).startswith("12 shown")
    open_tab(app, keys.TAB_COUNTS)
    by_sector = next(df.value for df in app.dataframe if df.value.index.name == "Border sector")
    assert list(by_sector.index) == ["Gegharkunik – Kəlbəcər"] and by_sector["Total"].iloc[0] == 12


def casualty_lines(at: AppTest) -> str:
    bulleted = next(m.value for m in at.markdown if m.value.startswith("- "))
    return unescaped(bulleted.replace("**", ""))  # party names are set in bold


def test_the_sept_2022_attack_names_each_sides_figure_and_reporter(app):
    app.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    lines = casualty_lines(app)
    assert "Armenian forces and civilians: 202–224" in lines
    assert "Armenian Security Council: 207 dead or missing (19 Sep 2022, final)" in lines
    assert "Azerbaijani forces: 80 killed (Azerbaijani MoD, final)" in lines
    assert "the other side claims: Armenia: 431 killed" in lines
    # The figures come from area-wide rows, which have no point: the key figures say so.
    assert any("come from events not on the map" in c.value for c in app.caption)


def test_the_claims_tab_lists_each_figure_with_its_source(app):
    app.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    open_tab(app, keys.TAB_CLAIMS)
    table = next(df.value for df in app.dataframe if "Reporter" in df.value.columns)
    council = table[table["Reporter"] == "Armenian Security Council"]
    assert "207 dead or missing" in council["Killed"].tolist()
    assert council["Source"].str.startswith("https://").all()
    assert len(app.get("vega_lite_chart")) == 1


def test_uploaded_ucdp_and_acled_claims_sit_beside_the_bundled_ones(app):
    upload(app, "acled_2023_text_inter.csv", "ucdp_ged_241.zip")
    app.radio(key=keys.KEY_DATA_MODE).set_value(keys.UPLOADS_MERGED).run()
    open_tab(app, keys.TAB_CLAIMS)
    table = next(df.value for df in app.dataframe if "Reporter" in df.value.columns)
    assert {"UCDP", "ACLED", "Armenian Security Council"} <= set(table["Reporter"])


def map_layer_script(at: AppTest) -> str:
    """The event layer's script as the map component receives it."""
    return json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]


def test_the_location_uncertainty_toggle_hides_the_circles_and_their_legend_entry(app):
    toggle = app.checkbox(key=keys.KEY_UNCERTAINTY)
    assert toggle.label == "Show location uncertainty" and toggle.value is True
    script = map_layer_script(app)
    assert re.search(r"L\.ccm\.uncertaintyLegend\(\w+, true\)", script)
    assert '"uncertainty": {' in script and '"u": 5000' in script  # AA-005 and the others at precision 2
    toggle.uncheck().run()
    assert not app.exception
    script = map_layer_script(app)
    assert re.search(r"L\.ccm\.uncertaintyLegend\(\w+, false\)", script)
    assert '"uncertainty": null' in script
    # The map exports follow the toggle.
    open_tab(app, keys.TAB_EXPORT)
    app.button[[b.label for b in app.button].index("Prepare the file")].click().run()
    (request, _flt, _nk), _name, _data = app.session_state[keys.KEY_EXPORT_FILE]
    assert request.uncertainty is False


def compare_table(at: AppTest):
    return next(df.value for df in at.dataframe if "Band" in df.value.columns)


def test_compare_periods_defaults_to_the_chosen_period_and_the_one_before(app):
    app.selectbox(key=keys.KEY_PRESET).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n)).run()
    open_tab(app, keys.TAB_COMPARE)
    captions = " ".join(c.value for c in app.caption)
    assert "A: 12–14 Sep 2022 vs B: 9–11 Sep 2022" in unescaped(captions)
    table = compare_table(app).set_index("Province")
    assert table.loc["Gegharkunik", "A: 12–14 Sep 2022"] == 6 and table.loc["Gegharkunik", "B: 9–11 Sep 2022"] == 0
    assert set(table["Band"]) <= {"large increase", "too few to compare"}


def test_compare_periods_by_sector_against_a_preset(app):
    open_tab(app, keys.TAB_COMPARE)
    app.selectbox(key=keys.KEY_COMPARE_A).set_value(next(n for n in DATE_PRESETS if "Sep 2022" in n))
    app.selectbox(key=keys.KEY_COMPARE_B).set_value(next(n for n in DATE_PRESETS if "2020 war" in n))
    app.radio(key=keys.KEY_COMPARE_BY).set_value("border sectors")
    app.number_input(key=keys.KEY_COMPARE_MIN).set_value(2).run()
    assert not app.exception
    table = compare_table(app).set_index("Border sector")
    assert table.loc["Gegharkunik – Kəlbəcər", "Band"] == "large increase"
    assert any("In no border sector" in c.value for c in app.caption)


def fresh(link: dict) -> AppTest:
    """A new session opened on a link (a fresh browser pasting the address)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in link.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_link_restores_the_filters_counts_tab_and_view(app):
    province = next(o for o in app.multiselect(key=keys.KEY_PROVINCES).options if "(AM-SU)" in o)
    boundary = app.radio(key=keys.KEY_NK).options[1]
    app.date_input(key=keys.KEY_DATES).set_value((dt.date(2022, 9, 12), dt.date(2022, 9, 14))).run()
    app.multiselect(key=keys.KEY_TYPES).set_value(["Shelling/artillery", "Drone strike"]).run()
    app.multiselect(key=keys.KEY_PROVINCES).set_value([province]).run()
    app.radio(key=keys.KEY_NK).set_value(app.radio(key=keys.KEY_NK).options[1]).run()
    open_tab(app, keys.TAB_TABLE)
    expected = counts_line(app)
    assert not expected.startswith(("0 shown", "58 shown"))
    # The address as the page writes it for these widgets (Streamlit's page, not the script, writes a
    # bound widget's change; the browser test checks that it writes exactly this).
    link = {
        keys.KEY_DATES: ["2022-09-12", "2022-09-14"],
        keys.KEY_TYPES: ["Shelling/artillery", "Drone strike"],
        keys.KEY_PROVINCES: province,
        keys.KEY_NK: boundary,
        keys.KEY_TAB: keys.TAB_TABLE,
        keys.PARAM_CENTER: "39.5,46.2",
        keys.PARAM_ZOOM: "9",
    }
    opened = fresh(link)
    assert counts_line(opened) == expected
    assert opened.session_state[keys.KEY_TAB] == keys.TAB_TABLE
    assert opened.date_input(key=keys.KEY_DATES).value == (dt.date(2022, 9, 12), dt.date(2022, 9, 14))  # not reset
    assert opened.session_state[keys.KEY_VIEW].center == (39.5, 46.2) and opened.session_state[keys.KEY_VIEW].zoom == 9
    assert not opened.info or not any("not known here" in i.value for i in opened.info)
    # What the opened page's address now holds opens the same again.
    assert {k: opened.query_params[k] for k in link} == link
    again = fresh(dict(opened.query_params))
    assert counts_line(again) == expected and again.session_state[keys.KEY_TAB] == keys.TAB_TABLE
    assert again.selectbox(key=keys.KEY_PRESET).value == next(n for n in DATE_PRESETS if "Sep 2022" in n)


def test_a_province_code_in_a_link_is_taken(app):
    opened = fresh({keys.KEY_PROVINCES: "AM-SU"})
    assert opened.multiselect(key=keys.KEY_PROVINCES).value == ["AM-SU"]
    assert "(AM-SU)" in opened.query_params[keys.KEY_PROVINCES]


def test_a_malformed_link_opens_with_defaults_and_one_sentence():
    opened = fresh(
        {
            keys.KEY_TYPES: "Riot",
            keys.KEY_DATES: "2022-13-45",
            keys.PARAM_ZOOM: "abc",
            keys.KEY_PROVINCES: "XX-YY",
            keys.KEY_TAB: "Nowhere",
            keys.KEY_PLACE: "Jermuk",
            keys.KEY_RADIUS_KM: "9999",
        }
    )
    assert counts_line(opened) == "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
    notes = [i.value for i in opened.info if "not known here" in i.value]
    assert len(notes) == 1
    for words in ("event type “Riot”", "date range “2022-13-45”", "zoom “abc”", "province “XX-YY”", "tab “Nowhere”"):
        assert words in unescaped(notes[0])
    assert "radius “9999”" in unescaped(notes[0])
    assert opened.session_state[keys.KEY_TAB] == keys.TAB_TIMELINE
    assert opened.number_input(key=keys.KEY_RADIUS_KM).value == 10.0
    assert set(opened.query_params) == {keys.KEY_PLACE}  # the address keeps only what was used


def test_a_link_made_with_uploads_applies_their_values_once_the_file_is_uploaded_again():
    actor = "Military Forces of Azerbaijan (2003-)"
    opened = fresh({keys.PARAM_UPLOADS: "1", keys.KEY_ACTORS: actor, keys.KEY_DATES: ["2022-09-13", "2022-09-13"]})
    assert any("no longer on the server" in w.value for w in opened.warning)
    assert any("will apply once the same files are uploaded again" in unescaped(i.value) for i in opened.info)
    upload(opened, "acled_2023_text_inter.csv")
    assert opened.multiselect(key=keys.KEY_ACTORS).value == [actor]
    assert opened.date_input(key=keys.KEY_DATES).value == (dt.date(2022, 9, 13), dt.date(2022, 9, 13))
    assert counts_line(opened).startswith("2 shown")


def test_a_link_opens_the_comparison_it_names():
    sept = next(n for n in DATE_PRESETS if "Sep 2022" in n)
    war = next(n for n in DATE_PRESETS if "2020 war" in n)
    opened = fresh(
        {
            keys.KEY_TAB: keys.TAB_COMPARE,
            keys.KEY_COMPARE_A: sept,
            keys.KEY_COMPARE_B: war,
            keys.KEY_COMPARE_BY: "border sectors",
            keys.KEY_COMPARE_MIN: "2",
        }
    )
    table = compare_table(opened).set_index("Border sector")
    assert table.loc["Gegharkunik – Kəlbəcər", "Band"] == "large increase"
    assert opened.number_input(key=keys.KEY_COMPARE_MIN).value == 2
    # An unknown comparison unit is named and replaced by the default.
    odd = fresh({keys.KEY_TAB: keys.TAB_COMPARE, keys.KEY_COMPARE_BY: "galaxies"})
    assert any("galaxies" in i.value for i in odd.info)
    assert "Province" in compare_table(odd).columns


def test_a_link_opens_the_map_representation_it_names():
    from dashboard.vocab import REPRESENTATIONS

    as_written = fresh({keys.KEY_REPRESENTATION: REPRESENTATIONS["provinces"]})
    assert as_written.selectbox(key=keys.KEY_REPRESENTATION).value == "provinces"
    by_key = fresh({keys.KEY_REPRESENTATION: "heatmap"})
    assert by_key.selectbox(key=keys.KEY_REPRESENTATION).value == "heatmap"
    unknown = fresh({keys.KEY_REPRESENTATION: "hexagons"})
    assert unknown.selectbox(key=keys.KEY_REPRESENTATION).value == "points"
    assert any("hexagons" in i.value for i in unknown.info)


def test_an_uploaded_area_keeps_the_events_inside_it_and_a_bad_one_says_why(app):
    ring = [[45.80, 40.05], [45.95, 40.05], [45.95, 40.25], [45.80, 40.25], [45.80, 40.05]]
    area = json.dumps({"type": "Polygon", "coordinates": [ring]}).encode()
    app.file_uploader(key=keys.KEY_AREA).set_value(("sotk.geojson", area, "application/geo+json")).run()
    assert not app.exception
    shown = int(counts_line(app).split(" shown")[0])
    assert 0 < shown < 58
    assert set(events_table(app)["ID"]) >= {"AA-045", "AA-050", "AA-051"}
    point = b'{"type": "Point", "coordinates": [45, 40]}'
    app.file_uploader(key=keys.KEY_AREA).set_value(("point.geojson", point, "application/geo+json")).run()
    assert any("holds no polygon" in e.value for e in app.error)
    assert counts_line(app).startswith("58 shown")  # a file that is no area filters nothing


# Around Sotk, Kut, Norabak and Verin Shorzha: AA-035, AA-036, AA-037, AA-045, AA-050, AA-051, AA-052, AA-062
# and AA-068 of the bundled events lie inside (tests/geo/test_areas.py), Vardenis town west of it.
SOTK_LINK = "45.8,40.05;45.95,40.05;45.95,40.25;45.8,40.25"
SOTK_DRAWING = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[45.8, 40.05], [45.8, 40.25], [45.95, 40.25], [45.95, 40.05], [45.8, 40.05]]],
    },
}
TRIANGLE_DRAWING = {  # the lower-left half of the box: AA-035, AA-037, AA-050, AA-052, AA-062
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[45.8, 40.05], [45.95, 40.05], [45.8, 40.25], [45.8, 40.05]]]},
}


def sidebar_area(at: AppTest) -> str:
    return next((unescaped(m.value) for m in at.sidebar.markdown if m.value.startswith("**Area:**")), "")


def report_drawings(at: AppTest, drawings: list) -> AppTest:
    """What streamlit-folium's report after a draw, edit or delete does: the map's state holds the shapes."""
    at.session_state[keys.KEY_MAP] = {"all_drawings": drawings}
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_area_in_the_link_filters_and_clear_area_brings_everything_back():
    opened = fresh({keys.PARAM_AREA: SOTK_LINK})
    assert counts_line(opened).startswith("9 shown · 49 filtered out")
    assert set(events_table(opened)["ID"]) == {
        "AA-035", "AA-036", "AA-037", "AA-045", "AA-050", "AA-051", "AA-052", "AA-062", "AA-068"
    }  # fmt: skip
    assert sidebar_area(opened).startswith(
        "**Area:** inside the area given in the link (rectangle, 284 km², 4 vertices"
    )
    assert opened.query_params[keys.PARAM_AREA] == SOTK_LINK
    opened.button(key=keys.KEY_AREA_CLEAR).click().run()
    assert counts_line(opened).startswith("58 shown · 0 filtered out")
    assert sidebar_area(opened) == "" and keys.PARAM_AREA not in opened.query_params
    # A malformed polygon is named like any other value, and the good one is kept.
    odd = fresh({keys.PARAM_AREA: ["45.8,40.05;45.95", SOTK_LINK]})
    assert any("area “45.8,40.05;45.95” is not known here" in unescaped(i.value) for i in odd.info)
    assert counts_line(odd).startswith("9 shown")


def test_a_drawing_filters_once_and_the_latest_of_drawing_and_file_is_in_force(app):
    report_drawings(app, [SOTK_DRAWING])
    assert counts_line(app).startswith("9 shown")
    assert sidebar_area(app).startswith("**Area:** inside the area drawn on the map (rectangle, 284 km²")
    assert app.query_params[keys.PARAM_AREA] == "45.8,40.05;45.8,40.25;45.95,40.25;45.95,40.05"
    app.button(key=keys.KEY_AREA_CLEAR).click().run()
    assert counts_line(app).startswith("58 shown")
    app.run()  # the map goes on reporting the same (now cleared) shapes until the next draw: they stay cleared
    assert counts_line(app).startswith("58 shown")
    report_drawings(app, [TRIANGLE_DRAWING])
    assert counts_line(app).startswith("5 shown")
    # An uploaded file replaces the drawing, and says so; a new drawing then replaces the file and empties the uploader.
    ring = SOTK_DRAWING["geometry"]["coordinates"]  # type: ignore[index]
    area = json.dumps({"type": "Polygon", "coordinates": ring}).encode()
    app.file_uploader(key=keys.KEY_AREA).set_value(("sotk.geojson", area, "application/geo+json")).run()
    assert counts_line(app).startswith("9 shown")
    assert any("replaces the area drawn on the map" in unescaped(i.value) for i in app.sidebar.info)
    assert sidebar_area(app).startswith("**Area:** inside the area of sotk.geojson (rectangle")
    report_drawings(app, [])  # the drawn triangle is gone from the map (the file's area is no drawn shape)
    assert counts_line(app).startswith("9 shown")
    report_drawings(app, [TRIANGLE_DRAWING])
    assert counts_line(app).startswith("5 shown")
    assert any("replaces the area of sotk.geojson" in unescaped(i.value) for i in app.sidebar.info)
    assert app.file_uploader(key=f"{keys.KEY_AREA}_1").value is None  # an empty uploader in the old one's place
    report_drawings(app, [])  # deleted on the map
    assert counts_line(app).startswith("58 shown") and sidebar_area(app) == ""


def test_an_area_with_more_vertices_than_a_link_carries_filters_and_says_the_link_leaves_it_out(app):
    import shapely
    import shapely.geometry

    from dashboard.links import AREA_MAX_VERTICES

    detailed = shapely.Point(45.875, 40.15).buffer(0.12, quad_segs=AREA_MAX_VERTICES)  # 4,000 vertices
    data = json.dumps(shapely.geometry.mapping(detailed)).encode()
    app.file_uploader(key=keys.KEY_AREA).set_value(("detailed.geojson", data, "application/geo+json")).run()
    assert not app.exception and not counts_line(app).startswith("58 shown")
    assert any(f"a link at most {AREA_MAX_VERTICES:,}" in c.value for c in app.sidebar.caption)
    assert keys.PARAM_AREA not in app.query_params
