"""benchmarks/RESULTS.md: one section per benchmark script, each rewritten by its own script."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Scale benchmark results"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"
    )


def write_section(heading: str, command: str, body: str) -> None:
    """Replace (or add) the section '## heading' of RESULTS.md, keeping the other scripts' sections."""
    sections: dict[str, str] = {}
    if RESULTS.exists():
        for part in re.split(r"^## ", RESULTS.read_text(encoding="utf-8"), flags=re.M)[1:]:
            title, _, text = part.partition("\n")
            sections[title.strip()] = text.strip()
    sections[heading] = f"`{command}` on {dt.date.today():%d %b %Y}; machine: {machine()}.\n\n" + body.strip()
    text = "\n\n".join(f"## {title}\n\n{content}" for title, content in sections.items())
    RESULTS.write_text(f"{TITLE}\n\n{text}\n", encoding="utf-8")
