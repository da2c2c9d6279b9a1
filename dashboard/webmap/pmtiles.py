"""Read the tiles of a PMTiles (v3) archive, to inline the place basemap into the HTML export.

The live map reads the archive over HTTP Range requests (protomaps-leaflet's own reader); a page
opened from ``file://`` cannot, so the export carries each tile, keyed "z/x/y", as it is stored
(gzip-compressed vector tiles, which the page inflates). The format is the one published at
https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md: a 127-byte header, then
directories of varint-encoded entries addressed by Hilbert-curve tile ids.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

HEADER_BYTES = 127
COMPRESSION_NONE, COMPRESSION_GZIP = 1, 2


class PMTilesError(ValueError):
    """The file is not a PMTiles v3 archive this reader understands."""


def _varints(data: bytes) -> list[int]:
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            values.append(value)
            value, shift = 0, 0
    return values


def _directory(data: bytes) -> list[tuple[int, int, int, int]]:
    """(tile_id, offset, length, run_length) per entry; run_length 0 points to a leaf directory."""
    values = _varints(data)
    count = values[0]
    ids, runs, lengths, offsets = (values[1 + k * count : 1 + (k + 1) * count] for k in range(4))
    entries: list[tuple[int, int, int, int]] = []
    tile_id = 0
    for i in range(count):
        tile_id += ids[i]
        offset = offsets[i] - 1 if offsets[i] else entries[-1][1] + entries[-1][2]
        entries.append((tile_id, offset, lengths[i], runs[i]))
    return entries


def tile_zxy(tile_id: int) -> tuple[int, int, int]:
    """The z/x/y of a PMTiles tile id (tiles are numbered zoom by zoom along a Hilbert curve)."""
    z, first = 0, 0
    while first + (1 << (2 * z)) <= tile_id:
        first += 1 << (2 * z)
        z += 1
    position = tile_id - first
    x = y = 0
    side = 1
    while side < (1 << z):
        rx = 1 & (position // 2)
        ry = 1 & (position ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = side - 1 - x, side - 1 - y
            x, y = y, x
        x += side * rx
        y += side * ry
        position //= 4
        side *= 2
    return z, x, y


def read_tiles(path: Path) -> tuple[dict[str, bytes], int]:
    """Every tile as stored, keyed "z/x/y", and the archive's tile compression (1 none, 2 gzip)."""
    data = path.read_bytes()
    if len(data) < HEADER_BYTES or data[:7] != b"PMTiles" or data[7] != 3:
        raise PMTilesError(f"{path.name} is not a PMTiles version 3 archive.")
    root_offset, root_length, _, _, leaf_offset, _, tile_offset, _ = struct.unpack_from("<8Q", data, 8)
    internal, tile_compression = data[97], data[98]

    def inflate(raw: bytes) -> bytes:
        if internal == COMPRESSION_GZIP:
            return gzip.decompress(raw)
        if internal == COMPRESSION_NONE:
            return raw
        raise PMTilesError(f"{path.name}: directory compression {internal} is not supported.")

    tiles: dict[str, bytes] = {}
    pending = [_directory(inflate(data[root_offset : root_offset + root_length]))]
    while pending:
        for tile_id, offset, length, run in pending.pop():
            if run == 0:
                start = leaf_offset + offset
                pending.append(_directory(inflate(data[start : start + length])))
                continue
            body = data[tile_offset + offset : tile_offset + offset + length]
            for step in range(run):  # a run repeats one tile over consecutive ids
                z, x, y = tile_zxy(tile_id + step)
                tiles[f"{z}/{x}/{y}"] = body
    return tiles, tile_compression
