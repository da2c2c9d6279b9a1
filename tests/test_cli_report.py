"""`python -m dashboard report`: one PDF, or a batch from a TOML spec in which one bad entry stops nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.export.batch import plan_entry, read_spec
from dashboard.export.report import SECTIONS
from dashboard.geo.places import Gazetteer
from dashboard.vocab import DATE_PRESETS

EXAMPLE = Path(__file__).parents[1] / "examples" / "reports.toml"


def sections_of(path: Path) -> list[str]:
    return [item.title for item in PdfReader(path).outline]


def test_report_writes_the_chosen_sections_on_the_chosen_paper(tmp_path, capsys):
    out = tmp_path / "sept.pdf"
    argv = [
        "report",
        "--out",
        str(out),
        "--start",
        "2022-09-12",
        "--end",
        "2022-09-14",
        "--region",
        "Armenia",
        "--sections",
        "events,map",
        "--paper",
        "letter",
        "--landscape",
        "--title",
        "Sept 2022, Armenia",
    ]
    assert main(argv) == 0
    reader = PdfReader(out)
    assert sections_of(out) == [SECTIONS["map"], SECTIONS["events"]]
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (792, 612)
    assert reader.pages[0].extract_text().startswith("Sept 2022, Armenia")
    err = capsys.readouterr().err
    assert "15 shown · 43 filtered out · 19 unmapped · 0 rejected = 77 rows in file" in err
    assert f"wrote the report to {out}" in err


def test_report_adds_the_comparison_page_with_two_periods(tmp_path):
    out = tmp_path / "compare.pdf"
    argv = ["report", "--out", str(out), "--start", "2022-09-12", "--end", "2022-09-14",
            "--compare", "2020-09-27:2020-11-10", "--sections", "map"]  # fmt: skip
    assert main(argv) == 0
    assert sections_of(out) == [SECTIONS["map"], SECTIONS["compare"]]


def test_a_batch_builds_every_good_entry_and_names_the_bad_ones(tmp_path, capsys):
    spec = tmp_path / "reports.toml"
    spec.write_text(
        """
[defaults]
sections = ["events"]
file = "{index}_{name}.pdf"

[[report]]
name = "Sept 2022"
start = 2022-09-12
end = 2022-09-14

[[report]]
name = "misspelt"
preset = "Attack on Armenia (12–14 Sep 2022)"
types = ["Battel"]

[[report]]
name = "Jermuk"
place = "Cermuk"
radius_km = 15
title = "Around Jermuk"

[[report]]
name = "nowhere"
place = "Stepanakrt"

[[report]]
name = "compared"
preset = "Attack on Armenia (12–14 Sep 2022)"
compare = [2022-09-09, 2022-09-11]
sections = ["map"]

[[report]]
name = "Syunik"
bbox = [45.9, 39.0, 46.7, 39.7]
preset = "Attack on Armenia (12–14 Sep 2022)"
""",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    assert main(["report", "--spec", str(spec), "--out-dir", str(out_dir)]) == 1
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "01_sept-2022.pdf",
        "03_jermuk.pdf",
        "05_compared.pdf",
        "06_syunik.pdf",
    ]
    err = capsys.readouterr().err
    assert "failed 'misspelt': unknown types 'Battel'; known: Battle" in err
    assert "failed 'nowhere': No place called 'Stepanakrt'" in err
    assert "4 of 6 reports built" in err
    assert sections_of(out_dir / "05_compared.pdf") == [SECTIONS["map"], SECTIONS["compare"]]
    assert PdfReader(out_dir / "03_jermuk.pdf").pages[0].extract_text().startswith("Around Jermuk")


@pytest.mark.parametrize("pattern", ["../escape.pdf", "sub/dir.pdf", ".hidden.pdf", "{name}.txt", "{who}.pdf"])
def test_a_file_pattern_cannot_leave_the_folder_or_name_another_kind_of_file(tmp_path, capsys, pattern):
    spec = tmp_path / "spec.toml"
    spec.write_text(f'[[report]]\nname = "x"\nfile = "{pattern}"\nsections = ["method"]\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    assert main(["report", "--spec", str(spec), "--out-dir", str(out_dir)]) == 1
    assert "failed 'x': file = " in capsys.readouterr().err
    assert list(out_dir.iterdir()) == [] and not (tmp_path / "escape.pdf").exists()


def test_a_batch_of_good_entries_exits_zero(tmp_path):
    spec = tmp_path / "one.toml"
    spec.write_text('[[report]]\nname = "all"\nsections = ["method"]\n', encoding="utf-8")
    assert main(["report", "--spec", str(spec), "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "all.pdf").stat().st_size > 0


def test_the_example_spec_builds_the_four_preset_periods(bundled):
    defaults, entries = read_spec(EXAMPLE.read_text(encoding="utf-8"))
    plans = [plan_entry(e, defaults, i, bundled, lambda: Gazetteer.for_events(bundled.events))
             for i, e in enumerate(entries, start=1)]  # fmt: skip
    assert sorted((flt.start, flt.end) for flt, *_ in plans) == sorted(DATE_PRESETS.values())
    assert len({file for *_, file in plans}) == len(plans)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report"], "give either --out FILE.pdf, or --spec REPORTS.toml with --out-dir DIR"),
        (["report", "--spec", "x.toml", "--out-dir", "d", "--start", "2022-01-01"], "each [[report]] of the file"),
        (["report", "--out", "x.pdf", "--compare", "2022-01-01:2022-01-02"], "--compare needs --start and --end"),
    ],
)
def test_contradictory_arguments_are_sentences(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_unknown_sections_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--out", "x.pdf", "--sections", "map,chart"])
    assert exc.value.code == 2
    assert "Unknown report section 'chart'" in capsys.readouterr().err


def test_an_unreadable_spec_is_a_sentence(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text("[[report]\nname = 1", encoding="utf-8")
    assert main(["report", "--spec", str(spec), "--out-dir", str(tmp_path)]) == 1
    assert "is not valid TOML" in capsys.readouterr().err
