"""Joined tables on disk: a restarted dashboard, or another replica, reads a file's table instead of
loading, validating and joining it again.

One entry per table: an uncompressed ZIP holding ``meta.json`` and the events, rejected rows and
claims as Parquet (pyarrow; nothing is pickled), named by a digest of everything the table depends
on: the file's content (and its name, format options and claims table: ``table_key``), the boundary
layers (``Boundaries.version``), the code (``code_version``: every module of the package and the
libraries' versions), the study-area margin and the loader's limits (the pipeline's ``variant``).
An entry is written to a temporary file in the cache directory and renamed into place, so that a
reader (another process too) sees a whole entry or none. An entry is used only if its ZIP
checksums hold and its ``meta.json`` names the same key and versions; anything else (a damaged,
truncated or foreign file) is ignored and replaced by the next write. The directory holds at most
CCM_CACHE_MB; the entries used longest ago go first. It must be writable by the dashboard's user
only: whoever writes there decides what every session is shown.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import io
import json
import os
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.config import PACKAGE_DIR, cache_dir, cache_mb, claims_path_beside, study_area_margin_km
from dashboard.load.events import EventTable
from dashboard.load.formats import ColumnMapping, Detection

FORMAT = 1  # the layout of an entry; a change makes every older entry foreign
SUFFIX = ".ccmtable"
TABLES = ("events", "rejected", "claims")
COUNTS = ("n_rows", "n_duplicates", "n_blank", "n_outside")
STALE_TEMPORARY_S = 3600  # a temporary file this old was left by a writer that died
LIBRARIES = ("pandas", "pyarrow", "numpy", "geopandas", "shapely", "pyproj")


@functools.cache
def code_version() -> str:
    """A digest of every module of the package and of the libraries that shape a joined table."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    for library in LIBRARIES:
        # The modules' own versions: importlib.metadata would scan site-packages on every start.
        digest.update(f"{library} {getattr(importlib.import_module(library), '__version__', '')}".encode())
    return digest.hexdigest()


def table_key(
    source: str | Path | bytes,
    name: str = "",
    headerless_ucdp: bool = False,
    mapping: ColumnMapping | None = None,
    claims: str | Path | bytes | None = None,
) -> str:
    """What names a loaded table: a digest of the file's bytes, its name and format options, and its claims
    table (for a file read by path, the claims.csv beside it, as load_events reads it)."""
    if claims is None and isinstance(source, (str, Path)):
        claims = claims_path_beside(Path(source))
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    digest = _content_digest(source)
    digest.update(repr((name, headerless_ucdp, mapping)).encode())
    if claims is not None:
        digest.update(_content_digest(claims).digest())
    return digest.hexdigest()


def _content_digest(source: str | Path | bytes) -> hashlib._Hash:
    if isinstance(source, bytes):
        return hashlib.sha256(source)
    digest = hashlib.sha256()
    with open(source, "rb") as stream:  # in steps: a large file is never held whole for its digest
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest


@dataclass
class TableCache:
    """The cache directory and its size bound; ``hits`` and ``misses`` count this object's look-ups."""

    directory: Path
    max_bytes: int
    hits: int = 0
    misses: int = 0
    writing: list[threading.Thread] = field(default_factory=list, repr=False)  # put_behind's, not yet waited for

    @classmethod
    def from_env(cls) -> TableCache | None:
        """The cache CCM_CACHE_DIR and CCM_CACHE_MB describe, or None when CCM_CACHE_MB is 0."""
        megabytes = cache_mb()
        return cls(cache_dir(), int(megabytes * 2**20)) if megabytes > 0 else None

    def path_for(self, key: str, boundary_version: str, variant: str = "") -> Path:
        """Where the entry of ``key`` for these boundaries, this code and this margin lives; ``variant``
        names anything else the table depends on (the pipeline gives the loader's limits)."""
        return self.directory / (_entry_name(key, boundary_version, variant) + SUFFIX)

    def get(self, key: str, boundary_version: str, variant: str = "") -> EventTable | None:
        """The table stored under ``key``, or None (never stored, evicted, damaged or foreign)."""
        path = self.path_for(key, boundary_version, variant)
        try:
            table = _read_entry(path, _meta_expected(key, boundary_version, variant))
        except FileNotFoundError:
            table = None
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, pa.ArrowException):
            table = None
            with contextlib.suppress(OSError):
                path.unlink()  # damaged or foreign: the next write replaces it
        if table is None:
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be evicted
        return replace(table, key=key)

    def put(self, key: str, boundary_version: str, table: EventTable, variant: str = "") -> None:
        """Store ``table`` under ``key``; a cache that cannot be written is skipped, never an error."""
        with contextlib.suppress(OSError, ValueError, pa.ArrowException):
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".writing-", suffix=SUFFIX, dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as stream:
                    _write_entry(stream, _meta_expected(key, boundary_version, variant), table)
                    stream.flush()
                    os.fsync(stream.fileno())
                # Atomic: a reader sees the whole entry or none.
                os.replace(temporary, self.path_for(key, boundary_version, variant))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self.evict()

    def put_behind(self, key: str, boundary_version: str, table: EventTable, variant: str = "") -> None:
        """``put`` in a thread of its own, so that the caller goes on while the entry is written (~1 s at 1M
        events). Not a daemon thread: a process that ends waits for it. ``wait`` waits for this object's."""
        thread = threading.Thread(
            target=self.put, args=(key, boundary_version, table, variant), name="table-cache-write"
        )
        thread.start()
        self.writing.append(thread)

    def wait(self) -> None:
        """Until the entries ``put_behind`` started are written (or skipped)."""
        while self.writing:
            self.writing.pop().join()

    def evict(self) -> None:
        """Remove entries, least recently used first, until the directory holds at most ``max_bytes``."""
        entries = []
        now = time.time()
        for path in self.directory.glob("*" + SUFFIX):
            with contextlib.suppress(OSError):
                stat = path.stat()
                if path.name.startswith(".writing-"):
                    if now - stat.st_mtime > STALE_TEMPORARY_S:
                        path.unlink()
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size


def _entry_name(key: str, boundary_version: str, variant: str) -> str:
    parts = (key, boundary_version, variant, code_version(), repr(study_area_margin_km()))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _meta_expected(key: str, boundary_version: str, variant: str) -> dict[str, object]:
    return {
        "format": FORMAT,
        "key": key,
        "boundaries": boundary_version,
        "variant": variant,
        "code": code_version(),
        "margin_km": study_area_margin_km(),
    }


def _write_entry(stream: io.BufferedIOBase, identity: dict[str, object], table: EventTable) -> None:
    meta = {
        **identity,
        **{name: int(getattr(table, name)) for name in COUNTS},
        "detections": [asdict(d) for d in table.detections],
    }
    # Stored, not deflated: Parquet compresses its columns, and reading needs no inflating.
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("meta.json", json.dumps(meta))
        for name in TABLES:
            buffer = io.BytesIO()
            frame: pd.DataFrame = getattr(table, name)
            # zstd: a third of snappy's size for these tables and as fast to read back.
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=True), buffer, compression="zstd")
            archive.writestr(f"{name}.parquet", buffer.getvalue())


def _read_parquet(data: bytes) -> pd.DataFrame:
    # ParquetFile, not pq.read_table: read_table's dataset scanner leaves futures that hold the Python
    # buffer to Arrow's worker threads, and one released there during the interpreter's exit could not
    # take the GIL and aborted the process ("terminate called without an active exception": a CLI run or
    # a test's subprocess that had done its work, now and then, on a busy machine). The file here is
    # read and released in the calling thread.
    with pq.ParquetFile(pa.BufferReader(data)) as parquet:
        return parquet.read().to_pandas()


def _read_entry(path: Path, identity: dict[str, object]) -> EventTable | None:
    with zipfile.ZipFile(path) as archive:
        if sorted(archive.namelist()) != sorted(["meta.json", *(f"{name}.parquet" for name in TABLES)]):
            raise ValueError("not a table entry")
        meta = json.loads(archive.read("meta.json"))  # read() checks each member's CRC
        if not isinstance(meta, dict) or any(meta.get(k) != v for k, v in identity.items()):
            raise ValueError("an entry for another key or version")
        frames = {name: _read_parquet(archive.read(f"{name}.parquet")) for name in TABLES}
    detections = tuple(
        Detection(**{**d, "used": tuple(d["used"]), "ignored": tuple(d["ignored"])}) for d in meta["detections"]
    )
    return EventTable(
        events=frames["events"],
        rejected=frames["rejected"],
        claims=frames["claims"],
        detections=detections,
        n_rows=int(meta["n_rows"]),
        n_duplicates=int(meta["n_duplicates"]),
        n_blank=int(meta["n_blank"]),
        n_outside=int(meta["n_outside"]),
    )
