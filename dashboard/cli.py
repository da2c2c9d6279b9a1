"""Command line: the dashboard's steps without a browser.

    python -m dashboard export --out events.csv --start 2022-09-12 --end 2022-09-14 --region Armenia
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard.events import EventFileError
from dashboard.filters import EventFilter
from dashboard.geo import load_boundaries
from dashboard.pipeline import load_joined_events, select_events
from dashboard.settings import DEFAULT_NK_BOUNDARY, EVENT_TYPES, NK_BOUNDARIES, REGIONS, default_events_path
from dashboard.table import export_table


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Caucasus Conflict Map tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the filtered events with their joined regions")
    export.add_argument("--events", type=Path, default=default_events_path(),
                        help="events CSV in the project schema (default: $CCM_EVENTS_PATH or data/events.csv)")
    export.add_argument("--out", type=Path, required=True, help="output CSV file")
    export.add_argument("--start", type=_date, help="first day, YYYY-MM-DD")
    export.add_argument("--end", type=_date, help="last day, YYYY-MM-DD")
    export.add_argument("--type", dest="types", nargs="+", choices=EVENT_TYPES,
                        metavar="TYPE", help=f"event types ({', '.join(EVENT_TYPES)})")
    export.add_argument("--region", dest="regions", nargs="+", choices=REGIONS,
                        metavar="REGION", help=f"regions ({', '.join(REGIONS)})")
    export.add_argument("--nk-boundary", choices=list(NK_BOUNDARIES), default=DEFAULT_NK_BOUNDARY,
                        help="Nagorno-Karabakh boundary used for the region column")
    return parser


def run_export(args: argparse.Namespace) -> int:
    if args.start and args.end and args.start > args.end:
        print(f"error: --start {args.start} is after --end {args.end}.", file=sys.stderr)
        return 2
    try:
        table = load_joined_events(args.events, load_boundaries())
    except EventFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    flt = EventFilter(
        start=args.start, end=args.end,
        event_types=tuple(args.types) if args.types else None,
        regions=tuple(args.regions) if args.regions else None,
    )
    selection = select_events(table, args.nk_boundary, flt)
    try:
        export_table(selection.events).to_csv(args.out, index=False)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(selection.counts.line(), file=sys.stderr)
    for row in table.rejected.itertuples():
        print(f"rejected line {row.line}: {row.reason}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_export(args)
