"""The fast CSV path reads exactly what pandas' reader reads, or steps aside."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.load.reading import _read_clean_csv, read_source


def pandas_read(text: str, delimiter: str = ",", header: bool = True) -> pd.DataFrame:
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        header=0 if header else None,
    )
    if not header:
        frame.columns = [f"f{i}" for i in range(frame.shape[1])]
    return frame


def test_clean_file_is_read_like_pandas_reads_it():
    text = 'id;note;lat\n1;"two\nlines";40.10\n2;"a ""quoted"" word";007\n\n3;;\n'
    fast = _read_clean_csv(text.encode(), ";", header=True)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, pandas_read(text, ";"))
    assert fast.loc[1, "lat"] == "007"  # cells stay text: no number parsing
    assert (fast.loc[2] == "").all()  # a blank line is a blank record, dropped after line numbering


@pytest.mark.parametrize(
    "text",
    [
        "id,date\n1,2022-09-13\n2\n",  # a short row is padded, then rejected by validation
        "id,date,x\n1,2,3,4\n",  # a long row is an error worded by pandas
        "id,id\n1,2\n",  # duplicate names are renamed by pandas
    ],
)
def test_irregular_files_are_left_to_pandas(text):
    assert _read_clean_csv(text.encode(), ",", header=True) is None


def test_line_numbers_survive_both_paths():
    clean = read_source(b'a,b\n1,"x\ny"\n2,z\n', "t.csv").frame
    assert clean["line"].tolist() == [2, 4]
    blank = read_source(b"a,b\n1,x\n\n2,z\n", "t.csv").frame
    assert blank["line"].tolist() == [2, 4]


cells = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t1é')), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8), st.sampled_from(",;\t"), st.booleans()
)
def test_whenever_the_fast_path_reads_a_file_it_agrees_with_pandas(rows, delimiter, header):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(["x", "y", "z"])
    writer.writerows(rows)
    text = buffer.getvalue()
    fast = _read_clean_csv(text.encode(), delimiter, header)
    if fast is None:
        return
    try:
        slow = pandas_read(text, delimiter, header)
    except pd.errors.ParserError:
        pytest.fail("the fast path read a file pandas rejects")
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
