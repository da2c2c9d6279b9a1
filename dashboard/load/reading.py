"""Turn an uploaded or local file into a table of text cells, whatever its packaging.

Accepts CSV (``,`` ``;`` or tab, sniffed), gzip-compressed CSV, a ZIP holding
one CSV (as UCDP ships), and Excel ``.xlsx``; text in UTF-8 (with or without
BOM), UTF-16 (BOM) or Windows-1251/1252. Nothing is executed or unpickled:
bytes are only decompressed and parsed as text or as an xlsx workbook. Every
way it can fail raises ``EventFileError`` with a sentence.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.config import DEFAULT_MAX_ROWS, DEFAULT_MAX_UPLOAD_MB, max_rows, max_upload_mb
from dashboard.errors import EventFileError
from dashboard.isolation import in_child_process
from dashboard.load.studyarea import StudyArea, TooManyRows, keep_inside

MAX_BYTES = int(DEFAULT_MAX_UPLOAD_MB * 1024 * 1024)
MAX_ROWS = DEFAULT_MAX_ROWS
MAX_COLUMNS = 2_000  # UCDP GED has 49, ACLED 31: a sheet far wider is not an events table
DELIMITERS = ",;\t"
XLSX_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
CODEPAGE_NAMES = {"cp1251": "Windows-1251", "cp1252": "Windows-1252"}
# A workbook is parsed in a child process (openpyxl holds the interpreter lock) and stopped after this.
WORKBOOK_TIMEOUT_S = 120.0
INFLATE_CHUNK = 1 << 20  # decompressed bytes produced per read
IRREGULAR_STEP = 100_000  # rows the record-by-record reader collects before it sets aside those outside the area
# What a damaged or hostile ZIP raises while it is opened or a member is inflated.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error)


@dataclass(frozen=True)
class Limits:
    """The largest file and the most rows the loader reads; bigger inputs are refused with a sentence."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS

    @classmethod
    def from_env(cls) -> Limits:
        """Limits raised or lowered with CCM_MAX_UPLOAD_MB and CCM_MAX_ROWS (dashboard/config.py)."""
        try:
            return cls(max_bytes=int(max_upload_mb() * 1024 * 1024), max_rows=max_rows())
        except ValueError as exc:
            raise EventFileError(str(exc)) from None


@dataclass(frozen=True)
class RawTable:
    """Cells as text, a ``line`` column (first line of each record; 2 = first row under a header)."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    container: str  # "csv", "gzip", "zip", "xlsx"
    # Records the reader could not take as a row (line, first field, reason): more fields than the header.
    malformed: tuple[tuple[int, str, str], ...] = ()
    blank_lines: int = 0  # empty (or delimiter-only) lines, skipped and counted
    outside: int = 0  # rows outside the study area, counted and not read into the frame (load/studyarea.py)

    def description(self) -> str:
        """How the file was read, e.g. 'gzip-compressed CSV, utf-8, semicolon-separated'."""
        if self.container == "xlsx":
            return "an Excel workbook (first sheet)"
        packaging = {"csv": "CSV", "gzip": "gzip-compressed CSV", "zip": "CSV inside a ZIP archive"}[self.container]
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}.get(self.delimiter, repr(self.delimiter))
        return f"{packaging}, {self.encoding}, {delimiter}-separated"


def read_source(
    source: str | Path | bytes,
    name: str = "",
    header: bool = True,
    limits: Limits | None = None,
    area: StudyArea | None = None,
) -> RawTable:
    """Read a path or bytes (``name`` tells the file type of bytes).

    With ``area``, rows outside the study area are counted in ``RawTable.outside`` instead of being
    read, and the row limit applies to the rows kept.
    """
    limits = limits or Limits.from_env()
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            check_file(path, limits)
            kept = _prefiltered_file(path, name.lower(), header, limits, area) if area is not None else None
            if kept is not None:
                return kept
            data = path.read_bytes()
        except FileNotFoundError:
            raise EventFileError(f"The events file {path} does not exist.") from None
        except OSError as exc:
            raise EventFileError(f"The events file {path} cannot be read: {exc.strerror}.") from None
    else:
        data = source
    if len(data) > limits.max_bytes:
        raise EventFileError(_too_big(len(data), limits))
    return _unpack(data, name.lower(), header, limits, area)


def check_file(path: Path, limits: Limits) -> None:
    """EventFileError unless ``path`` is a regular file within the size limit (checked before reading:
    a device such as /dev/zero or a pipe would never end, a huge file would be read whole)."""
    if path.exists() and not path.is_file():
        raise EventFileError(f"{path} is not a regular file (a device, folder or pipe); give an events file.")
    if path.stat().st_size > limits.max_bytes:
        raise EventFileError(_too_big(path.stat().st_size, limits))


def _megabytes(size: int) -> str:
    # MB as Streamlit's server.maxUploadSize and CCM_MAX_UPLOAD_MB count them: 2**20 bytes.
    return f"{size / 2**20:,.0f} MB"


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"The file is {_megabytes(size)}, over the limit of {_megabytes(limits.max_bytes)}. "
        "Split it, or raise the limit with the CCM_MAX_UPLOAD_MB environment variable."
    )


class Readable(Protocol):
    """A binary stream: a gzip file, a ZIP member."""

    def read(self, size: int = -1, /) -> bytes:
        """At most ``size`` bytes; b"" at the end."""
        ...


def inflate_bounded(stream: Readable, limit: int) -> bytes:
    """Everything a decompressing stream yields, read in chunks; EventFileError once it passes ``limit``.

    Sizes that a compressed file declares are never trusted: a few megabytes can expand to
    gigabytes, so the output is counted as it is produced and reading stops at ``limit + 1``.
    """
    inflated = bytearray()
    while True:
        chunk = stream.read(min(INFLATE_CHUNK, limit + 1 - len(inflated)))
        if not chunk:
            return bytes(inflated)
        inflated += chunk
        if len(inflated) > limit:
            raise EventFileError(
                f"The file expands to more than {_megabytes(limit)} when decompressed, over the limit. "
                "Split it, or raise the limit with the CCM_MAX_UPLOAD_MB environment variable."
            )


def _unpack(data: bytes, name: str, header: bool, limits: Limits, area: StudyArea | None = None) -> RawTable:
    if data.startswith(GZIP_MAGIC) or name.endswith(".gz"):
        try:
            if area is not None:
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                    kept = _prefiltered(stream, header, limits, area, "gzip")
                if kept is not None:
                    return kept
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                inner = inflate_bounded(stream, limits.max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            raise EventFileError(f"The file looks gzip-compressed but cannot be decompressed ({exc}).") from None
        return _with_container(_parse_text(inner, header, limits, area), "gzip")
    if data.startswith(XLSX_MAGIC):
        try:
            return _unzip(data, header, limits, area)
        except ZIP_ERRORS as exc:
            raise EventFileError(f"The file looks like a ZIP archive but cannot be opened ({exc}).") from None
    if area is not None:
        kept = _prefiltered(data, header, limits, area, "csv")
        if kept is not None:
            return kept
    return _parse_text(data, header, limits, area)


class _Bounded:
    """A decompressing stream read through ``read(n)``, refused once it yields more than ``limit`` bytes."""

    def __init__(self, stream: Readable, limit: int) -> None:
        self.stream, self.limit, self.produced = stream, limit, 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = self.stream.read(min(size, self.limit + 1 - self.produced) if size >= 0 else self.limit + 1)
        self.produced += len(chunk)
        if self.produced > self.limit:
            raise EventFileError(
                f"The file expands to more than {_megabytes(self.limit)} when decompressed, over the limit. "
                "Split it, or raise the limit with the CCM_MAX_UPLOAD_MB environment variable."
            )
        return chunk


class _Replayed:
    """A stream whose first bytes were already read (to look at them): they come again first."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1, /) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(size)


HEAD_BYTES = 256 << 10  # what is decoded to check a file's encoding and guess its delimiter


def _prefiltered(
    source: bytes | Readable, header: bool, limits: Limits, area: StudyArea, container: str
) -> RawTable | None:
    """The file's rows inside the study area, read in chunks (a stream is never held whole), or None when
    the file is not a UTF-8 CSV of one record per line (then the whole-file readers take it)."""
    if isinstance(source, bytes):
        head = source[:HEAD_BYTES]
        rest: bytes | Readable = source
    else:
        bounded = _Bounded(source, limits.max_bytes)
        head = bounded.read(HEAD_BYTES)
        rest = _Replayed(head, bounded)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        return None
    bom = head.startswith(b"\xef\xbb\xbf")
    complete = head if len(head) < HEAD_BYTES else head[: head.rfind(b"\n") + 1]
    try:
        text = complete[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip() or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html", "<?xml", "{", "[")):
        return None
    delimiter = _sniff_delimiter(text)
    try:
        kept = keep_inside(rest, delimiter, header, area, limits.max_rows)
    except TooManyRows:
        raise EventFileError(_too_many_rows(limits)) from None
    if kept is None:
        return None
    frame = _read_clean_csv(kept.data, delimiter, header)
    if frame is None or len(frame) != len(kept.lines):
        return None
    if not header:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    numbered, blank = _number_lines(frame, first_line=1, lines=kept.lines)
    encoding = "utf-8-sig" if bom else "utf-8"
    return RawTable(numbered, encoding, delimiter, container, blank_lines=blank + kept.n_blank, outside=kept.n_outside)


def _prefiltered_file(path: Path, name: str, header: bool, limits: Limits, area: StudyArea) -> RawTable | None:
    """``_prefiltered`` on a plain or gzip-compressed CSV file read from disk in steps, so that a global
    export is never held whole; None for other files, or when the pre-filter steps aside."""
    with path.open("rb") as stream:
        magic = stream.read(len(GZIP_MAGIC))
    if magic.startswith(XLSX_MAGIC[:2]):
        return None
    if magic == GZIP_MAGIC or name.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as inflating:
                return _prefiltered(inflating, header, limits, area, "gzip")
        except (OSError, EOFError, zlib.error):
            return None  # the whole-file reader words what is wrong with it
    with path.open("rb") as stream:
        return _prefiltered(stream, header, limits, area, "csv")


def _drop_outside(frame: pd.DataFrame, area: StudyArea | None) -> tuple[pd.DataFrame, int]:
    """A read frame (with ``line``) without its rows outside the study area, and how many they were."""
    cells = [c for c in frame.columns if c != "line"]
    columns = area.columns_in(cells) if area is not None else None
    if area is None or columns is None or frame.empty:
        return frame, 0
    lat, lon = (pa.array(frame[cells[i]].astype(object).to_numpy(), type=pa.string()) for i in columns)
    outside = area.outside(lat, lon)
    if not outside.any():
        return frame, 0
    return frame[~outside].reset_index(drop=True), int(outside.sum())


def _unzip(data: bytes, header: bool, limits: Limits, area: StudyArea | None = None) -> RawTable:
    """A ZIP is either an xlsx workbook or an archive holding one CSV (UCDP ships these)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            return in_child_process(
                _parse_xlsx,
                data,
                header,
                limits,
                area,
                timeout_s=WORKBOOK_TIMEOUT_S,
                what="Reading the workbook",
                advice="save the sheet as CSV, which reads much faster, or split it.",
                error=EventFileError,
            )
        tables = [n for n in names if n.lower().endswith((".csv", ".tsv", ".txt")) and not n.startswith("__MACOSX")]
        if len(tables) != 1:
            raise EventFileError(
                f"The ZIP archive holds {len(tables)} CSV files ({', '.join(tables[:5]) or 'none'}); "
                "it must hold exactly one."
            )
        info = archive.getinfo(tables[0])
        if info.file_size > limits.max_bytes:
            raise EventFileError(_too_big(info.file_size, limits))
        # The declared size may lie: the member is inflated in bounded chunks all the same.
        if area is not None:
            with archive.open(info) as stream:
                kept = _prefiltered(stream, header, limits, area, "zip")
            if kept is not None:
                return kept
        with archive.open(info) as stream:
            inner = inflate_bounded(stream, limits.max_bytes)
        return _with_container(_parse_text(inner, header, limits, area), "zip")


def _with_container(table: RawTable, container: str) -> RawTable:
    return replace(table, container=container)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then UTF-8, then Windows-1251 or -1252 by content."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            mixed = _decode_mixed(data[3:])
            if mixed is not None:
                return mixed
            raise EventFileError("The file starts like UTF-8 text (a byte-order mark) but is not UTF-8.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        raise EventFileError("The file contains binary data (NUL bytes); it is not a text table.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    encoding = _legacy_encoding(data)
    return data.decode(encoding, errors="replace"), encoding


def _legacy_encoding(data: bytes) -> str:
    # Cyrillic words in Windows-1251 are runs of bytes 0xC0–0xFF; accented letters of
    # Western text (Windows-1252) stand alone between ASCII letters.
    sample = np.frombuffer(data[:200_000], dtype=np.uint8)
    letters = sample >= 0xC0
    in_runs = letters[1:] & letters[:-1]
    return "cp1251" if letters.any() and in_runs.sum() > 0.5 * letters.sum() else "cp1252"


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """A UTF-8 file with some lines in a legacy encoding (pasted from another file): each line decoded
    in its own encoding, and the encoding named with those lines, or None if the file is not UTF-8 at all.

    Decoding the whole file as Windows-125x because of one line would garble every other line silently.
    """
    lines = data.split(b"\n")
    utf8_lines, legacy = 0, []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            legacy.append(number)
    if not utf8_lines:
        return None
    encoding = _legacy_encoding(b"\n".join(lines[n - 1] for n in legacy))
    legacy_set = set(legacy)
    text = "\n".join(
        line.decode(encoding, errors="replace") if n in legacy_set else line.decode("utf-8")
        for n, line in enumerate(lines, start=1)
    )
    shown = ", ".join(str(n) for n in legacy[:10]) + (", …" if len(legacy) > 10 else "")
    label = "line" if len(legacy) == 1 else "lines"
    return text, f"utf-8, with {len(legacy)} {label} in {CODEPAGE_NAMES[encoding]} ({label} {shown})"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:65_536].splitlines()[:50])
    first = next((line for line in sample.splitlines() if line.strip()), "")
    in_first = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return in_first
    # The first record sets the columns: a delimiter it never uses (the sniffer can take a ';' inside a
    # quoted cell of a later row for one) would read the whole header as one column.
    return sniffed if sniffed in first or in_first not in first else in_first


def _parse_text(data: bytes, header: bool, limits: Limits, area: StudyArea | None = None) -> RawTable:
    text, encoding = decode(data)
    if not text.strip():
        raise EventFileError("The events file is empty.")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "{", "[")):
        raise EventFileError("The file is a web page or JSON document, not a CSV table; export the data as CSV.")
    delimiter = _sniff_delimiter(text)
    utf8 = data if encoding == "utf-8" else text.encode("utf-8")
    frame = _read_clean_csv(utf8, delimiter, header)
    if frame is None:
        return _without_nul_rows(_read_irregular_csv(text, delimiter, header, limits, encoding, area), text)
    if not header:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    numbered, blank = _number_lines(frame, first_line=2 if header else 1)
    numbered, outside = _drop_outside(numbered, area)
    if len(numbered) + blank > limits.max_rows:
        raise EventFileError(_too_many_rows(limits))
    table = RawTable(numbered, encoding, delimiter, "csv", blank_lines=blank, outside=outside)
    return _without_nul_rows(table, text)


def _without_nul_rows(table: RawTable, text: str) -> RawTable:
    """Rows holding a NUL byte (binary data past the first check) set aside as malformed, with their line."""
    if "\x00" not in text:
        return table
    frame = table.frame
    cells = [c for c in frame.columns if c != "line"]
    bad = np.zeros(len(frame), dtype=bool)
    for column in cells:
        bad |= frame[column].astype(str).str.contains("\x00", regex=False).to_numpy()
    first = frame[cells[0]].astype(str).str.replace("\x00", "", regex=False).str.strip().str.slice(0, 60)
    found = tuple(
        (int(line), name, "contains a NUL byte (binary data)")
        for line, name in zip(frame["line"][bad], first[bad], strict=True)
    )
    return replace(table, frame=frame[~bad].reset_index(drop=True), malformed=table.malformed + found)


def _check_unique(names: list[str]) -> None:
    """A column named twice (two "latitude" columns) would be used silently one way or the other."""
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise EventFileError(f"The header names a column more than once ({', '.join(repeated)}); rename or drop it.")


def _too_many_rows(limits: Limits, what: str = "file") -> str:
    return (
        f"The {what} has more than {limits.max_rows:,} rows, over the limit; split it, or raise the limit "
        "with the CCM_MAX_ROWS environment variable."
    )


def _read_irregular_csv(
    text: str, delimiter: str, header: bool, limits: Limits, encoding: str, area: StudyArea | None = None
) -> RawTable:
    """A CSV that is not clean, record by record: each row keeps its first line; a record with more
    fields than the header is set aside with its line and reason (the rest loads); blank lines are counted.

    Rows with fewer fields are padded, so validation names what they miss.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    malformed: list[tuple[int, str, str]] = []
    blank = 0
    end = 0
    outside = 0
    checked = 0  # rows[:checked] have been tested against the study area

    def drop_outside() -> None:
        # In steps, so that the row limit counts kept rows and a global file is never held whole.
        nonlocal outside, checked
        columns = area.columns_in(names) if area is not None and names is not None else None
        if area is not None and columns is not None and len(rows) > checked:
            lat, lon = (pa.array([row[i] for row in rows[checked:]], type=pa.string()) for i in columns)
            far = area.outside(lat, lon)
            if far.any():
                near = np.flatnonzero(~far) + checked
                rows[checked:] = [rows[i] for i in near]
                lines[checked:] = [lines[i] for i in near]
                outside += int(far.sum())
        checked = len(rows)

    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                blank += 1
                continue
            if names is None:
                if header:
                    # An unnamed column is named as pandas names it, so that mappings can refer to it.
                    stripped = [cell.strip().lstrip("\ufeff") for cell in record]
                    names = [name or f"Unnamed: {i}" for i, name in enumerate(stripped)]
                    continue
                names = [f"column_{i + 1}" for i in range(len(record))]
            if len(record) > len(names):
                reason = f"{len(record)} fields where the header has {len(names)}"
                malformed.append((start, record[0].strip()[:60], reason))
            else:
                rows.append(record + [""] * (len(names) - len(record)))
                lines.append(start)
                if len(rows) - checked >= IRREGULAR_STEP:
                    drop_outside()
            if checked + len(malformed) > limits.max_rows:
                raise EventFileError(_too_many_rows(limits))
    except csv.Error as exc:
        raise EventFileError(f"The file is not a readable CSV table: line {reader.line_num}: {exc}.") from None
    if names is None:
        raise EventFileError("The events file has no header row.")
    _check_unique(names)
    drop_outside()
    if len(rows) + len(malformed) > limits.max_rows:
        raise EventFileError(_too_many_rows(limits))
    frame = pd.DataFrame(rows, columns=names, dtype=str) if rows else pd.DataFrame(columns=names, dtype=str)
    frame.insert(0, "line", pd.Series(lines, dtype="int64"))
    return RawTable(frame, encoding, delimiter, "csv", tuple(malformed), blank, outside)


def _read_clean_csv(utf8: bytes, delimiter: str, header: bool) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader, several times faster than pandas' on large files, or None.

    It is used only when the file is clean: unique column names, every record
    with as many fields as the header, no blank line. Anything else goes to
    pandas' reader, which pads short rows for validation to reject, keeps
    blank lines for the line count and words its errors for people.
    """
    irregular: list[object] = []

    def note_irregular(row: object) -> str:
        irregular.append(row)
        return "skip"

    read = pacsv.ReadOptions(autogenerate_column_names=not header)
    parse = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=note_irregular
    )
    try:
        # Closed at once: a streaming reader left open keeps pyarrow threads that may call back
        # into Python (the row handler) while the interpreter exits, which aborts the process.
        stream = pacsv.open_csv(io.BytesIO(utf8), read_options=read, parse_options=parse)
        try:
            names = stream.schema.names
        finally:
            stream.close()
        stripped = [name.strip().lstrip("\ufeff") for name in names]
        if irregular or len(set(stripped)) != len(stripped) or "" in stripped:
            return None
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=read,
            parse_options=parse,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if irregular:
        return None
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)


def _parse_xlsx(data: bytes, header: bool, limits: Limits, area: StudyArea | None = None) -> RawTable:
    """The first sheet, read row by row with its size checked first and the limits applied while reading.

    A workbook is a ZIP of XML: its members' declared sizes bound what zipfile will inflate, so their
    sum is checked against the size limit before anything is parsed, and the sheet's declared
    dimensions against the row and column limits; the limits hold again while rows are read, for
    sheets whose dimensions are missing or wrong.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > limits.max_bytes:
        raise EventFileError(
            f"The workbook expands to {_megabytes(expanded)} when opened, over the limit of "
            f"{_megabytes(limits.max_bytes)}. Save the sheet as CSV, or raise CCM_MAX_UPLOAD_MB."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise EventFileError(f"The Excel workbook cannot be read: {exc}.") from None
    try:
        sheet = workbook.worksheets[0]
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_columns > limits.max_columns:
            raise EventFileError(_too_many_columns(declared_columns, limits))
        if declared_rows > limits.max_rows + (1 if header else 0):
            raise EventFileError(_too_many_rows(limits, "workbook"))
        records: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            if len(values) > limits.max_columns:
                raise EventFileError(_too_many_columns(len(values), limits))
            records.append([_cell_text(v) for v in values])
            if len(records) > limits.max_rows + (1 if header else 0):
                raise EventFileError(_too_many_rows(limits, "workbook"))
    except EventFileError:
        raise
    except Exception as exc:
        raise EventFileError(f"The Excel workbook cannot be read: {exc}.") from None
    finally:
        workbook.close()
    width = max((len(r) for r in records), default=0)
    records = [r + [""] * (width - len(r)) for r in records]
    if header and records:
        names = [name.strip() or f"Unnamed: {i}" for i, name in enumerate(records[0])]
        _check_unique(names)
        records = records[1:]
    else:
        names = [f"column_{i + 1}" for i in range(width)]
    frame = pd.DataFrame(records, columns=names, dtype=str) if records else pd.DataFrame(columns=names, dtype=str)
    # Excel exports often carry trailing empty columns.
    frame = frame.loc[:, [not (str(c).startswith("Unnamed:") and (frame[c] == "").all()) for c in frame.columns]]
    # One sheet row per record: a line break inside a cell (Alt+Enter) is not a new row.
    numbered, blank = _number_lines(frame, first_line=2 if header else 1, multiline_cells=False)
    numbered, outside = _drop_outside(numbered, area)
    return RawTable(numbered, "xlsx", "", "xlsx", blank_lines=blank, outside=outside)


def _too_many_columns(columns: int, limits: Limits) -> str:
    return f"The sheet has {columns:,} columns, over the limit of {limits.max_columns:,}; is it an events table?"


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export of the sheet would hold: dates as YYYY-MM-DD, whole numbers bare."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_lines(
    frame: pd.DataFrame, first_line: int, multiline_cells: bool = True, lines: np.ndarray | None = None
) -> tuple[pd.DataFrame, int]:
    """Add the line of each record (in a CSV, quoted cells may span lines) unless ``lines`` gives them;
    drop blank records (empty, or only spaces between the delimiters) and count them."""
    frame = frame.astype(str)
    if frame.empty:
        return frame.assign(line=pd.Series(dtype="int64"))[["line", *frame.columns]], 0
    cells = frame.columns[
        [
            lines is None and multiline_cells and bool(frame[c].str.contains("\n", regex=False).any())
            for c in frame.columns
        ]
    ]
    if lines is not None:
        lines = np.asarray(lines, dtype=np.int64)
    elif len(cells):
        newlines = frame[cells].apply(lambda col: col.str.count("\n")).sum(axis=1).to_numpy()
        lines = first_line + np.concatenate([[0], np.cumsum(1 + newlines[:-1])])
    else:  # no quoted multi-line cell: one record per line
        lines = first_line + np.arange(len(frame))
    blank = frame.apply(lambda column: column.str.strip() == "").all(axis=1).to_numpy()
    frame.insert(0, "line", lines)
    return (frame[~blank].reset_index(drop=True), int(blank.sum())) if blank.any() else (frame, 0)
