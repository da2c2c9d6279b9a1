"""Rows outside the study area, set aside while a file is read and before anything is validated.

Global exports (ACLED's whole world, UCDP GED's every country) hold millions of rows of which a
few percent are near Armenia and Azerbaijan. A row whose coordinates are plain numbers placing it
farther than the margin from the study area's box is counted ("outside the study area: N") and
never becomes a pandas row: no reason text, no validation. Rows without coordinates, with text
that is not a plain number, out of range, or whose swapped coordinates would fall inside (a
mistake validation names) are kept, to be unmapped or rejected with their reason as always.

``keep_inside`` does this for a CSV stream in chunks, in bounded memory: it needs every record to
be one line (no line break inside a quoted cell), which it checks from the quotes' parity and the
number of records pyarrow finds per chunk; a file that is not like that gets None, and the reader
then takes the whole file and applies the same test to its frame (``StudyArea.outside``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dashboard.bbox import BBox
from dashboard.vocab import KM_PER_DEGREE

# A decimal number as data files write them; anything else (1_000, 0x1F, nan, inf) is left to validation.
PLAIN_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
CHUNK_BYTES = 32 << 20  # what one step of keep_inside reads, and so (a few times) what it holds
NEWLINE, QUOTE, CR = 10, 34, 13


@dataclass(frozen=True)
class StudyArea:
    """The box and margin outside which rows are not loaded, and the columns holding their coordinates.

    The columns are named as the header names them (compared stripped and case-blind), or
    ``column_N`` in a file without a header.
    """

    bbox: BBox
    margin_km: float
    latitude: str = "latitude"
    longitude: str = "longitude"

    def columns_in(self, names: Sequence[str]) -> tuple[int, int] | None:
        """The positions of the latitude and longitude columns among ``names``, or None if one is missing."""
        normal = [str(name).strip().lstrip("\ufeff").lower() for name in names]
        wanted = self.latitude.strip().lower(), self.longitude.strip().lower()
        if wanted[0] not in normal or wanted[1] not in normal:
            return None
        return normal.index(wanted[0]), normal.index(wanted[1])

    def outside(
        self, latitude: pa.Array | pa.ChunkedArray, longitude: pa.Array | pa.ChunkedArray, swapped_kept: bool = True
    ) -> np.ndarray:
        """True for the rows (text cells) that lie outside the study area, as the module says.

        With ``swapped_kept``, a point that fits once latitude and longitude are swapped is not outside:
        validation rejects it with that hint (right for hand-made files; a global export's points in
        southern Russia fit when swapped, and are outside all the same).
        """
        lat, lon = numbers(latitude), numbers(longitude)
        with np.errstate(invalid="ignore"):
            in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)  # NaN compares False: not outside
            far = in_range & (distance_outside_km(lat, lon, self.bbox) > self.margin_km)
            if swapped_kept and far.any():
                rows = np.flatnonzero(far)
                far[rows] = distance_outside_km(lon[rows], lat[rows], self.bbox) > self.margin_km
        return np.asarray(far, dtype=bool)


def numbers(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The cells as numbers, read as validation reads them (pyarrow's cast of the trimmed text), NaN
    where a cell is empty; if some cell is no number, only plain decimal numbers are read, NaN elsewhere."""
    trimmed = pc.utf8_trim_whitespace(text)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    try:
        values = pc.cast(trimmed, pa.float64())
    except pa.ArrowInvalid:
        plain = pc.match_substring_regex(trimmed, PLAIN_NUMBER)
        values = pc.cast(pc.if_else(plain, trimmed, pa.scalar(None, pa.string())), pa.float64())
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=float)


def distance_outside_km(lat: np.ndarray, lon: np.ndarray, bbox: BBox) -> np.ndarray:
    """Approximate distance (km) from each point to ``bbox``; 0 inside, NaN without coordinates."""
    with np.errstate(over="ignore", invalid="ignore"):  # a cell such as 1e308 is out of range: inf will do
        return _distance_outside_km(lat, lon, bbox)


def _distance_outside_km(lat: np.ndarray, lon: np.ndarray, bbox: BBox) -> np.ndarray:
    dlat = np.maximum(bbox.south - lat, 0) + np.maximum(lat - bbox.north, 0)
    dlon = np.maximum(bbox.west - lon, 0) + np.maximum(lon - bbox.east, 0)
    nearest_lat = np.clip(lat, bbox.south, bbox.north)
    km_lon = dlon * KM_PER_DEGREE * np.cos(np.radians(nearest_lat))
    return np.asarray(np.hypot(dlat * KM_PER_DEGREE, km_lon))


@dataclass(frozen=True)
class Kept:
    """What ``keep_inside`` kept: the header and the kept records as CSV bytes, and their accounting."""

    data: bytes
    lines: np.ndarray  # line of each kept record in the file (the header is line 1)
    n_outside: int
    n_blank: int  # empty lines, skipped as the readers skip them


class NotOneLinePerRecord(Exception):
    """The stream is not a CSV whose every record is one line; the whole-file reader must take it."""


def keep_inside(source: object, delimiter: str, header: bool, area: StudyArea, max_rows: int) -> Kept | None:
    """Read a UTF-8 CSV (bytes, or a stream whose ``read(n)`` gives bytes) in chunks and keep the records
    inside the study area.

    None when the file cannot be split into one record per line (see the module), when a chunk
    holds a NUL byte, or when the coordinate columns are not in the header: the caller then reads
    the whole file. Raises ``TooManyRows`` when more than ``max_rows`` records are kept.
    """
    try:
        return _keep_inside(source, delimiter, header, area, max_rows)
    except NotOneLinePerRecord:
        return None


class TooManyRows(Exception):
    """More records are kept than the row limit allows."""


def _chunks(source: object) -> Iterator[memoryview]:
    """``source`` (bytes in memory, or a stream with ``read(n)``) in pieces that each end at a line end.

    Bytes in memory are cut without copying; a stream's partial last line is carried to the next piece.
    A UTF-8 byte-order mark at the start is dropped; a last line without its line end gets one.
    """
    if isinstance(source, (bytes, bytearray)):
        at = 3 if source.startswith(b"\xef\xbb\xbf") else 0
        view = memoryview(source)
        while at < len(source):
            cut = source.rfind(b"\n", at, at + CHUNK_BYTES) + 1
            if cut <= at:
                cut = source.find(b"\n", at) + 1  # a line longer than a chunk
                if cut == 0:
                    yield memoryview(bytes(view[at:]) + b"\n")
                    return
                if cut - at > 4 * CHUNK_BYTES:
                    raise NotOneLinePerRecord  # no line ends (old Mac files end lines with CR alone)
            yield view[at:cut]
            at = cut
        return
    read = source.read  # type: ignore[attr-defined]
    pending = b""
    first = True
    while True:
        chunk = bytes(read(CHUNK_BYTES))
        if first and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        first = False
        if not chunk:
            if pending:
                yield memoryview(pending if pending.endswith(b"\n") else pending + b"\n")
            return
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) > 4 * CHUNK_BYTES:
                raise NotOneLinePerRecord
            pending = data
            continue
        pending = data[cut:]
        yield memoryview(data)[:cut]


def _keep_inside(source: object, delimiter: str, header: bool, area: StudyArea, max_rows: int) -> Kept:
    head_line = b""
    columns: tuple[int, int] | None = None
    n_fields = 0
    kept_parts: list[bytes] = []
    kept_lines: list[np.ndarray] = []
    n_kept = n_outside = n_blank = 0
    first_line = 1  # the line number of the first line of the next piece
    for body in _chunks(source):
        raw = np.frombuffer(body, dtype=np.uint8)
        if not raw.all():
            raise NotOneLinePerRecord  # a NUL byte: the whole-file reader sets such rows aside with their line
        # Line ends and quotes in one pass; a line end after an odd number of quotes is inside a quoted cell.
        marks = np.flatnonzero((raw == NEWLINE) | (raw == QUOTE))
        is_end = raw[marks] == NEWLINE
        ends = marks[is_end]
        if (np.cumsum(~is_end)[is_end] % 2).any():
            raise NotOneLinePerRecord  # a quoted cell spans a line break
        starts = np.concatenate([[0], ends[:-1] + 1])
        length = ends - starts
        empty = (length == 0) | ((length == 1) & (raw[np.maximum(ends - 1, 0)] == CR))
        line_numbers = first_line + np.arange(len(ends))
        first_line += len(ends)
        if columns is None:
            if header:
                head_line = bytes(body[: ends[0] + 1])
                names = _fields(head_line, delimiter)
                columns, n_fields = area.columns_in(names), len(names)
                starts, ends, empty, line_numbers = starts[1:], ends[1:], empty[1:], line_numbers[1:]
            else:
                if empty.all():
                    n_blank += int(empty.sum())
                    continue
                first = int(np.argmax(~empty))
                n_fields = len(_fields(bytes(body[starts[first] : ends[first] + 1]), delimiter))
                columns = area.columns_in([f"column_{i + 1}" for i in range(n_fields)])
            if columns is None:
                raise NotOneLinePerRecord  # not a table the pre-filter can read: the whole-file reader says why
        n_blank += int(empty.sum())
        records = ~empty
        if not records.any():
            continue
        outside = _outside_records(body, starts, records, delimiter, n_fields, columns, area)
        keep = records.copy()
        keep[records] = ~outside
        n_outside += int(outside.sum())
        n_kept += int(keep.sum())
        if n_kept > max_rows:
            raise TooManyRows
        kept_parts.extend(_runs_of(body, starts, ends, keep))
        kept_lines.append(line_numbers[keep])
    lines = np.concatenate(kept_lines) if kept_lines else np.zeros(0, dtype=np.int64)
    return Kept(head_line + b"".join(kept_parts), lines.astype(np.int64), n_outside, n_blank)


def _runs_of(body: memoryview, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray) -> list[bytes]:
    """The kept lines of ``body`` as few slices as possible: one per run of consecutive kept lines."""
    if not keep.any():
        return []
    edges = np.diff(np.concatenate([[False], keep, [False]]).astype(np.int8))
    first, last = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [bytes(body[a : b + 1]) for a, b in zip(starts[first].tolist(), ends[last].tolist(), strict=True)]


def _fields(line: bytes, delimiter: str) -> list[str]:
    """The cells of one CSV line as pyarrow's reader takes a header: the names exactly as written."""
    try:
        stream = pacsv.open_csv(pa.py_buffer(line), parse_options=pacsv.ParseOptions(delimiter=delimiter))
        try:
            return list(stream.schema.names)
        finally:
            stream.close()
    except (pa.ArrowException, ValueError):
        raise NotOneLinePerRecord from None


def _outside_records(
    body: memoryview,
    starts: np.ndarray,
    records: np.ndarray,
    delimiter: str,
    n_fields: int,
    columns: tuple[int, int],
    area: StudyArea,
) -> np.ndarray:
    """For the non-empty lines of ``body`` (``records``), whether each lies outside the study area."""
    start = int(starts[records][0])
    names = [f"c{i}" for i in range(n_fields)]
    invalid: list[object] = []

    def note_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(body[start:]),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True, invalid_row_handler=note_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[names[columns[0]], names[columns[1]]],
                column_types={names[columns[0]]: pa.string(), names[columns[1]]: pa.string()},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        raise NotOneLinePerRecord from None
    if invalid or table.num_rows != int(records.sum()):
        raise NotOneLinePerRecord  # a record of another width, or lines that are not one record each
    return area.outside(table.column(0), table.column(1))
