"""Hostile files made at test time, small on disk: decompression bombs and lying archives.

Each writes a file and returns its path; nothing large is kept in the repository.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MB = 1_000_000
HEADER = b"event_id,event_date,event_type,latitude,longitude\n"


def gzip_bomb(path: Path, expands_to: int) -> Path:
    """A .csv.gz whose members repeat one compressed block of blank lines: ~1,000:1."""
    block = HEADER + b"\n" * (10 * MB - len(HEADER))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    member = compressor.compress(block) + compressor.flush()
    path.write_bytes(member * max(1, expands_to // len(block)))
    return path


def outside_rows_bomb(path: Path, expands_to: int) -> Path:
    """A .csv.gz of one row outside the study area repeated: what the study-area pre-filter streams."""
    row = b"P1,2022-09-13,Battle,48.85,2.35\n"
    block = row * (10 * MB // len(row))
    member = zlib.compress(block, 9, wbits=31)
    path.write_bytes(zlib.compress(HEADER, 9, wbits=31) + member * max(1, expands_to // len(block)))
    return path


def lying_zip(path: Path, actual: int, declared: int = 1_000) -> Path:
    """A ZIP holding one CSV whose headers declare ``declared`` bytes while it inflates to ``actual``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as in ZIP
    chunk = b"\n" * MB
    body = compressor.compress(HEADER) + b"".join(compressor.compress(chunk) for _ in range(actual // MB))
    body += compressor.flush()
    # Written by hand (local header, data, central directory, end record) so that the sizes can lie.
    name = b"events.csv"
    crc = 0
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body), declared, len(name), 0) + name
    central = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(body), declared, len(name), 0, 0, 0, 0, 0, 0
        )
        + name
    )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(body), 0)
    path.write_bytes(local + body + central + end)
    return path
