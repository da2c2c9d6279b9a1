from __future__ import annotations

import subprocess
import sys
import zipfile

import pandas as pd

from dashboard.cli import main
from dashboard.geo.join import JOINED_COLUMNS


def read_export(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_export_filters_the_bundled_events(tmp_path, capsys):
    out = tmp_path / "sept2022.csv"
    code = main(
        [
            "export",
            "--out",
            str(out),
            "--start",
            "2022-09-12",
            "--end",
            "2022-09-14",
            "--region",
            "Armenia",
            "--type",
            "Shelling/artillery",
            "Battle",
        ]
    )
    assert code == 0
    table = read_export(out)
    assert len(table) == 11
    assert set(table["region"]) == {"Armenia"}
    assert set(table["event_type"]) == {"Shelling/artillery", "Battle"}
    assert set(JOINED_COLUMNS) <= set(table.columns)
    assert {"source", "source_url", "notes", "geo_precision"} <= set(table.columns)
    assert "AA-043" in set(table["event_id"])  # Jermuk
    err = capsys.readouterr().err
    assert "11 shown · 47 filtered out · 19 unmapped · 0 rejected = 77 rows in file" in err


def test_nk_boundary_option_changes_regions(tmp_path):
    out = tmp_path / "nk.csv"
    assert main(["export", "--out", str(out), "--region", "Nagorno-Karabakh", "--nk-boundary", "nk_1994_2020"]) == 0
    ids = set(read_export(out)["event_id"])
    assert {"AA-011", "AA-020", "AA-021"} <= ids  # Jabrayil, Fuzuli, Zangilan


def test_rejected_rows_are_reported(tmp_path, capsys, csv_file):
    events = csv_file(
        "event_id,event_date,event_type,latitude,longitude\nA,2022-09-13,Battle,40,45.5\nB,soon,Battle,40,45.5\n"
    )
    assert main(["export", "--events", str(events), "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "1 shown · 0 filtered out · 0 unmapped · 1 rejected = 2 rows in file" in err
    assert "rejected line 3: unreadable date 'soon'" in err


def test_rows_outside_the_study_area_are_counted_in_the_line(tmp_path, capsys, csv_file):
    events = csv_file(
        "event_id,event_date,event_type,latitude,longitude\n"
        "A,2022-09-13,Battle,40,45.5\nP,2022-09-13,Battle,48.85,2.35\nS,2022-09-13,Battle,-33.9,151.2\n"
    )
    assert main(["export", "--events", str(events), "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "1 shown · 0 filtered out · 0 unmapped · 0 rejected · 2 outside the study area = 3 rows in file" in err
    # The data package's README states the same accounting beside the plain CSV.
    assert main(["export", "--events", str(events), "--out", str(tmp_path / "o.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "o.zip") as package:
        readme = package.read("README.txt").decode("utf-8")
    assert "1 shown · 0 filtered out · 0 unmapped · 0 rejected · 2 outside the study area = 3 rows in file" in readme


def test_unreadable_file_exits_non_zero_with_a_sentence(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\xff\xfe garbage")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "export", "--events", str(bad), "--out", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: The file contains binary data (NUL bytes); it is not a text table.")
    assert "Traceback" not in result.stderr


def test_bad_dates_are_refused_by_the_parser(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["export", "--out", "x.csv", "--start", "13/09/2022"])
    assert exc.value.code == 2
    assert "'13/09/2022' is not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_export_near_a_place_takes_any_spelling_and_says_so_in_the_file(tmp_path, capsys):
    out = tmp_path / "near.csv"
    assert main(["export", "--out", str(out), "--near", "Cermuk", "--radius-km", "15"]) == 0
    table = read_export(out)
    assert not table.empty and "Jermuk" in set(table["location"])
    package = tmp_path / "near.zip"
    assert main(["export", "--out", str(package), "--near", "Cermuk", "--radius-km", "15"]) == 0
    with zipfile.ZipFile(package) as archive:
        readme = archive.read("README.txt").decode("utf-8")
    assert "  Place: within 15 km of Jermuk" in readme


def test_an_unknown_place_is_a_sentence_with_the_closest_names(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--near", "Stepanakrt"]) == 1
    err = capsys.readouterr().err
    assert "No place called 'Stepanakrt'" in err and "Closest names: Stepanakert" in err
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--radius-km", "5"]) == 2
    assert "--radius-km needs --near PLACE" in capsys.readouterr().err


def test_export_by_border_sector_takes_a_plain_hyphen_and_names_the_sectors_it_has(tmp_path, capsys):
    out = tmp_path / "sector.csv"
    assert main(["export", "--out", str(out), "--sector", "Gegharkunik - Kəlbəcər"]) == 0
    table = read_export(out)
    assert not table.empty and set(table["border_sector"]) == {"Gegharkunik – Kəlbəcər"}
    assert main(["export", "--out", str(out), "--sector", "Lori – Qazax"]) == 1
    err = capsys.readouterr().err
    assert "No event lies in the border sector 'Lori – Qazax'" in err and "Syunik – Laçın" in err


WAR_DATES = ["--start", "2020-09-27", "--end", "2020-11-10"]


def test_export_animates_the_period_frame_by_frame(tmp_path, capsys):
    from PIL import Image

    out = tmp_path / "war.gif"  # the extension chooses the format
    args = ["export", "--out", str(out), *WAR_DATES, "--frame", "week", "--mode", "cumulative", "--fps", "2"]
    assert main(args) == 0
    gif = Image.open(out)
    assert gif.format == "GIF" and gif.n_frames == 7 and gif.size == (1100, 850)
    assert gif.info["duration"] == 500 and gif.info["loop"] == 0
    err = capsys.readouterr().err
    assert "25 shown · 33 filtered out" in err and f"wrote GIF to {out}" in err
    assert main(["export", "--format", "gif", "--out", str(out), *WAR_DATES, "--frame-ms", "250"]) == 0
    gif = Image.open(out)
    assert gif.n_frames == 45 and gif.info["duration"] == 250
    assert main(["export", "--out", str(out), *WAR_DATES, "--frame", "month", "--as", "sectors"]) == 0
    assert Image.open(out).n_frames == 3  # Sep, Oct, Nov: a choropleth by border sector


def test_an_animation_it_cannot_draw_exits_non_zero_with_a_sentence(tmp_path, capsys):
    out = tmp_path / "long.gif"
    assert main(["export", "--out", str(out), "--start", "2020-09-27", "--end", "2023-09-30"]) == 1
    err = capsys.readouterr().err
    assert "is 1,099 frames; an animation draws at most 1,000: pick a longer window (week or month)" in err
    assert main(["export", "--out", str(out), *WAR_DATES, "--as", "heatmap"]) == 1
    assert "error: Animations draw the events as points or as a choropleth, not as a heatmap" in capsys.readouterr().err
    assert main(["export", "--out", str(out), *WAR_DATES, "--frame-ms", "20"]) == 1
    assert "A frame shown for 20 ms is outside 50–5,000 ms" in capsys.readouterr().err
    assert not out.exists()


def test_animation_speeds_are_checked_by_the_parser(capsys):
    import pytest

    for speed in (["--fps", "0"], ["--fps", "fast"], ["--fps", "2", "--frame-ms", "500"]):
        with pytest.raises(SystemExit) as exc:
            main(["export", "--out", "x.gif", *speed])
        assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "give a number above 0" in err and "'fast' is not a number of frames a second" in err
    assert "not allowed with argument" in err
