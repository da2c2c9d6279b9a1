"""Command line: the dashboard's steps and exports without a browser.

python -m dashboard export --out sept2022.pdf --start 2022-09-12 --end 2022-09-14 --region Armenia
python -m dashboard report --out sept2022_report.pdf --start 2022-09-12 --end 2022-09-14
python -m dashboard report --spec examples/reports.toml --out-dir reports/
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.config import check_settings, default_events_path
from dashboard.describe import default_title
from dashboard.errors import AreaError, PlaceError
from dashboard.export.batch import Outcome, build_batch
from dashboard.export.compare import CHANGE, COMPARE_FORMATS, COMPARE_MAPS, comparison_file
from dashboard.export.formats import (
    ANIMATION_FORMATS,
    DEFAULT_FRAME_MS,
    FORMATS,
    MAX_FRAME_MS,
    MIN_FRAME_MS,
    PRINT_DPI,
    SCREEN_DPI,
)
from dashboard.export.registry import ExportError, ExportRequest, export_bytes, format_for
from dashboard.export.report import COMPARE, DEFAULT_SECTIONS, PAPERS, SECTIONS, ReportSpec, parse_sections, report_pdf
from dashboard.export.snapshot import SnapshotError, parse_bbox
from dashboard.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM, EventFilter, Near, sector_options
from dashboard.geo.areas import read_area
from dashboard.geo.display import base_layers
from dashboard.geo.join import Boundaries, load_boundaries
from dashboard.geo.places import Gazetteer
from dashboard.load.events import EventFileError, EventTable
from dashboard.pipeline import load_joined_events, select_events
from dashboard.summary.compare import BY_PROVINCE, DEFAULT_MIN_EVENTS, UNITS, Period
from dashboard.timeframes import DEFAULT_FRAME_MODE, DEFAULT_FRAME_UNIT, FRAME_MODES, FRAME_UNITS
from dashboard.vocab import (
    CHOROPLETH_MEASURES,
    DEFAULT_MEASURE,
    DEFAULT_NK_BOUNDARY,
    DEFAULT_REPRESENTATION,
    EVENT_TYPES,
    NK_BOUNDARIES,
    REGIONS,
    REPRESENTATIONS,
    SECTOR_SEPARATOR,
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _bbox(text: str) -> BBox:
    try:
        return parse_bbox(text)
    except SnapshotError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _radius(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of kilometres") from None
    if not MIN_RADIUS_KM <= value <= MAX_RADIUS_KM:
        raise argparse.ArgumentTypeError(f"{text} km is outside {MIN_RADIUS_KM:g}–{MAX_RADIUS_KM:g} km")
    return value


def _period(text: str) -> Period:
    start, sep, end = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"'{text}' is not a period START:END (YYYY-MM-DD:YYYY-MM-DD)")
    try:
        return Period(_date(start.strip()), _date(end.strip()))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}': {exc}") from None


def _add_selection_arguments(parser: argparse.ArgumentParser, dates: bool = True) -> None:
    """The events file and the filters, the same for every command."""
    parser.add_argument(
        "--events",
        type=Path,
        default=default_events_path(),
        help="events file: project CSV, ACLED or UCDP GED export (.csv, .csv.gz, .zip, .xlsx); "
        "default: $CCM_EVENTS_PATH or data/events.csv",
    )
    parser.add_argument(
        "--ucdp-candidate-without-header",
        action="store_true",
        help="the events file is a UCDP GED Candidate file published without a header row",
    )
    if dates:
        parser.add_argument("--start", type=_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", type=_date, help="last day, YYYY-MM-DD")
    parser.add_argument(
        "--type",
        dest="types",
        nargs="+",
        choices=EVENT_TYPES,
        metavar="TYPE",
        help=f"event types ({', '.join(EVENT_TYPES)})",
    )
    parser.add_argument(
        "--region", dest="regions", nargs="+", choices=REGIONS, metavar="REGION", help=f"regions ({', '.join(REGIONS)})"
    )
    parser.add_argument(
        "--sector",
        dest="sectors",
        nargs="+",
        metavar="SECTOR",
        help="border sectors, as the border_sector column names them, e.g. 'Gegharkunik – Kəlbəcər'",
    )
    parser.add_argument(
        "--area",
        type=Path,
        metavar="FILE.geojson",
        help="only events inside this area: a GeoJSON Polygon or MultiPolygon (lon/lat, WGS84), e.g. exported "
        "from QGIS or geojson.io; several polygons are one area; a self-crossing outline is repaired and said so",
    )
    parser.add_argument(
        "--near",
        metavar="PLACE",
        help="only events near this place: any spelling GeoNames or the data knows (Stepanakert, Xankəndi, …)",
    )
    parser.add_argument(
        "--radius-km",
        type=_radius,
        default=None,
        metavar="KM",
        help=f"with --near: how far from the place (default {DEFAULT_RADIUS_KM:g} km)",
    )
    parser.add_argument(
        "--nk-boundary",
        choices=list(NK_BOUNDARIES),
        default=DEFAULT_NK_BOUNDARY,
        help="Nagorno-Karabakh boundary used for the region column",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Caucasus Conflict Map tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the filtered events with their joined regions")
    _add_selection_arguments(export)
    export.add_argument(
        "--out", type=Path, required=True, help="output file; its extension chooses the format unless --format is given"
    )
    export.add_argument(
        "--format",
        choices=FORMATS,
        help="png, svg, pdf (map snapshots), html (interactive map, self-contained), csv (plain), "
        "zip (data package: events.csv, claims.csv, datapackage.json, README.txt), geojson (data), "
        "gif, mp4 (the period animated frame by frame: see --frame)",
    )
    export.add_argument("--title", help="title of the snapshot or map (default: describes the selection)")
    export.add_argument(
        "--dpi",
        type=int,
        default=SCREEN_DPI,
        help=f"PNG resolution: {SCREEN_DPI} for screens (default), {PRINT_DPI} for print",
    )
    export.add_argument(
        "--basemap",
        choices=list(BASEMAPS),
        metavar="NAME",
        help="web tiles under a PNG/SVG/PDF snapshot if they can be fetched "
        f"({', '.join(BASEMAPS)}); without network the snapshot is drawn without them",
    )
    export.add_argument(
        "--bbox",
        type=_bbox,
        metavar="MINLON,MINLAT,MAXLON,MAXLAT",
        help="export only this area (the map view): events outside it are left out",
    )
    export.add_argument(
        "--no-uncertainty",
        dest="uncertainty",
        action="store_false",
        help="PNG/SVG/PDF/HTML maps: leave out the circles around approximately located events "
        "(drawn by default, radius per precision level; see data/README.md)",
    )
    export.add_argument(
        "--as",
        dest="representation",
        choices=list(REPRESENTATIONS),
        default=DEFAULT_REPRESENTATION,
        help="PNG/SVG/PDF/HTML maps: show the events as "
        + "; ".join(f"{key}: {label.lower()}" for key, label in REPRESENTATIONS.items())
        + f" (default {DEFAULT_REPRESENTATION})",
    )
    export.add_argument(
        "--measure",
        choices=list(CHOROPLETH_MEASURES),
        default=DEFAULT_MEASURE,
        help="what a choropleth (--as provinces|sectors) colours its units by: "
        + "; ".join(f"{key}: {label}" for key, label in CHOROPLETH_MEASURES.items())
        + f" (default {DEFAULT_MEASURE})",
    )
    _add_animation_arguments(export)
    compare = commands.add_parser(
        "compare", help="events per province or border sector in two periods, the change and its band"
    )
    _add_selection_arguments(compare, dates=False)
    compare.add_argument(
        "--a", type=_period, required=True, metavar="START:END", help="period A, e.g. 2022-09-12:2022-09-14"
    )
    compare.add_argument(
        "--b",
        type=_period,
        metavar="START:END",
        help="period B, the reference (default: the period of equal length just before A)",
    )
    compare.add_argument("--by", choices=list(UNITS), default=BY_PROVINCE, help="compare provinces or border sectors")
    compare.add_argument(
        "--min-events",
        type=int,
        default=DEFAULT_MIN_EVENTS,
        metavar="N",
        help=f"units with fewer than N events in both periods are 'too few to compare' (default {DEFAULT_MIN_EVENTS})",
    )
    compare.add_argument(
        "--out", type=Path, required=True, help="output file: .csv (the table), or .png / .svg / .pdf (the maps)"
    )
    compare.add_argument("--title", help="title of the maps (default: names both periods)")
    compare.add_argument(
        "--map",
        choices=COMPARE_MAPS,
        default=CHANGE,
        help="PNG/SVG/PDF: the change map (units filled by their band; default) or the two periods' maps side by side",
    )
    _add_report_parser(commands)
    return parser


def _add_report_parser(commands: argparse._SubParsersAction) -> None:
    """``report``: one PDF of the filtered events, or (--spec, --out-dir) one per entry of a TOML spec."""
    report = commands.add_parser(
        "report", help="a print-ready multi-page PDF of the filtered events, or a batch of them from a spec file"
    )
    _add_selection_arguments(report)
    report.add_argument("--out", type=Path, metavar="FILE.pdf", help="the report to write")
    report.add_argument("--title", help="the report's title (default: describes the selection)")
    report.add_argument("--paper", choices=list(PAPERS), default="a4", help="paper size (default a4)")
    report.add_argument("--landscape", action="store_true", help="landscape pages (default portrait)")
    report.add_argument(
        "--sections",
        type=_sections,
        default=DEFAULT_SECTIONS,
        metavar="LIST",
        help=f"comma-separated, printed in this order: {','.join(k for k in SECTIONS if k != COMPARE)} "
        f"(default {','.join(DEFAULT_SECTIONS)}); the comparison page comes with --compare",
    )
    report.add_argument("--bbox", type=_bbox, metavar="MINLON,MINLAT,MAXLON,MAXLAT", help="only this area")
    report.add_argument(
        "--as", dest="representation", choices=list(REPRESENTATIONS), default=DEFAULT_REPRESENTATION,
        help="points or heatmap on the map page; a choropleth (provinces, sectors) is added to the Where section",
    )  # fmt: skip
    report.add_argument("--measure", choices=list(CHOROPLETH_MEASURES), default=DEFAULT_MEASURE)
    report.add_argument(
        "--compare", type=_period, metavar="START:END",
        help="add a comparison page: the --start/--end period (A) against this one (B)",
    )  # fmt: skip
    report.add_argument("--by", choices=list(UNITS), default=BY_PROVINCE, help="the comparison's units")
    report.add_argument("--link", help="the shareable link of the view, printed with the filters")
    report.add_argument("--spec", type=Path, metavar="REPORTS.toml", help="build one report per [[report]] table")
    report.add_argument("--out-dir", type=Path, metavar="DIR", help="with --spec: where the reports go")


def _sections(text: str) -> tuple[str, ...]:
    try:
        return parse_sections(text)
    except ExportError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _loaded(args: argparse.Namespace) -> tuple[Boundaries, EventTable]:
    """The boundaries and the joined events of ``--events`` (the bundled file by default): what every
    subcommand starts from."""
    boundaries = load_boundaries()
    return boundaries, load_joined_events(args.events, boundaries, headerless_ucdp=args.ucdp_candidate_without_header)


def run_report(args: argparse.Namespace) -> int:
    """One report (--out) or a batch (--spec, --out-dir); exit 1 when anything could not be built."""
    if (args.spec is None) == (args.out is None) or (args.spec is not None) != (args.out_dir is not None):
        print("error: give either --out FILE.pdf, or --spec REPORTS.toml with --out-dir DIR.", file=sys.stderr)
        return 2
    filters = ("start", "end", "types", "regions", "sectors", "area", "near", "bbox", "compare")
    if args.spec is not None and any(getattr(args, name) for name in filters):
        print("error: with --spec, each [[report]] of the file gives its own filters.", file=sys.stderr)
        return 2
    if args.compare is not None and not (args.start and args.end):
        print("error: --compare needs --start and --end (period A).", file=sys.stderr)
        return 2
    try:
        check_settings()
        boundaries, table = _loaded(args)
        if args.spec is not None:
            return _run_batch(args, table, boundaries)
        flt = _selection_filter(args, table)
        selection = select_events(table, args.nk_boundary, flt)
        spec = ReportSpec(
            title=args.title or default_title(flt),
            paper=args.paper,
            landscape=args.landscape,
            sections=args.sections,
            bbox=args.bbox,
            representation=args.representation,
            measure=args.measure,
            compare=(Period(args.start, args.end), args.compare) if args.compare else None,
            by=args.by,
            link=args.link,
        )
        data = report_pdf(selection, flt, args.nk_boundary, boundaries, spec, table=table)
        args.out.write_bytes(data)
    except (EventFileError, ExportError, PlaceError, AreaError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(selection.counts.line(), file=sys.stderr)
    print(f"wrote the report to {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def _run_batch(args: argparse.Namespace, table: EventTable, boundaries: Boundaries) -> int:
    try:
        text = args.spec.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.spec}: {getattr(exc, 'strerror', None) or exc}.", file=sys.stderr)
        return 1

    def say(outcome: Outcome) -> None:
        if outcome.error is None:
            print(f"built '{outcome.name}': {outcome.path} ({outcome.seconds:.1f} s)", file=sys.stderr)
        else:
            print(f"failed '{outcome.name}': {outcome.error}", file=sys.stderr)

    outcomes = build_batch(text, args.out_dir, table, boundaries, source=str(args.spec), report=say)
    failed = [o for o in outcomes if o.error is not None]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} reports built in {args.out_dir}", file=sys.stderr)
    return 1 if failed else 0


def _frame_ms(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of milliseconds") from None


def _fps(text: str) -> int:
    """Frames a second, as the milliseconds each frame is shown."""
    try:
        fps = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of frames a second") from None
    if fps <= 0:
        raise argparse.ArgumentTypeError(f"{text} frames a second: give a number above 0")
    return round(1000 / fps)


def _add_animation_arguments(export: argparse.ArgumentParser) -> None:
    """--frame, --mode and the speed (--fps or --frame-ms) of a GIF or MP4 animation."""
    animation = export.add_argument_group("animations (--format gif|mp4)")
    animation.add_argument(
        "--frame",
        dest="frame_unit",
        choices=list(FRAME_UNITS),
        default=DEFAULT_FRAME_UNIT,
        help=f"each frame's window: a day, 7 days or a calendar month (default {DEFAULT_FRAME_UNIT})",
    )
    animation.add_argument(
        "--mode",
        dest="frame_mode",
        choices=list(FRAME_MODES),
        default=DEFAULT_FRAME_MODE,
        help="moving: a frame shows its own window's events; cumulative: every event since the period's start "
        f"(default {DEFAULT_FRAME_MODE})",
    )
    speed = animation.add_mutually_exclusive_group()
    speed.add_argument(
        "--frame-ms",
        type=_frame_ms,
        default=DEFAULT_FRAME_MS,
        metavar="MS",
        help=f"how long each frame is shown, {MIN_FRAME_MS}–{MAX_FRAME_MS} ms (default {DEFAULT_FRAME_MS})",
    )
    speed.add_argument("--fps", type=_fps, dest="frame_ms", metavar="N", help="frames a second instead of --frame-ms")


def _animation_progress(fmt: str) -> Callable[[int, int], None] | None:
    """On a terminal, 'drawing frame 12 of 45' rewritten in place while an animation renders."""
    if fmt not in ANIMATION_FORMATS or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\rdrawing frame {done} of {total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    return show


def _selection_filter(args: argparse.Namespace, table: EventTable) -> EventFilter:
    """The filter the arguments ask for (dates only where the command has them)."""
    near = None
    if args.near:
        place = Gazetteer.for_events(table.events).resolve(args.near)
        radius = args.radius_km or DEFAULT_RADIUS_KM
        near = Near(place=place.name, longitude=place.longitude, latitude=place.latitude, radius_km=radius)
    if args.sectors:
        # A plain hyphen between the two units is taken for the en dash the names use.
        args.sectors = [sector.replace(" - ", SECTOR_SEPARATOR) for sector in args.sectors]
        known = set(sector_options(table.events))
        unknown = [sector for sector in args.sectors if sector not in known]
        if unknown:
            raise ExportError(
                f"No event lies in the border sector {', '.join(repr(u) for u in unknown)}; the data's sectors: "
                + "; ".join(sorted(known))
                + "."
            )
    area = None
    if args.area is not None:
        try:
            data = args.area.read_bytes()
        except OSError as exc:
            raise AreaError(f"The area file {args.area} cannot be read: {exc.strerror}.") from None
        area = read_area(data, args.area.name)
        if area.repaired:
            print(
                f"note: the outline of {args.area.name} crossed itself; it was repaired (make_valid).", file=sys.stderr
            )
    return EventFilter(
        start=getattr(args, "start", None),
        end=getattr(args, "end", None),
        event_types=tuple(args.types) if args.types else None,
        regions=tuple(args.regions) if args.regions else None,
        near=near,
        border_sectors=tuple(args.sectors) if args.sectors else None,
        area=area,
    )


def run_export(args: argparse.Namespace) -> int:
    try:
        check_settings()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.radius_km is not None and not args.near:
        print("error: --radius-km needs --near PLACE.", file=sys.stderr)
        return 2
    if args.start and args.end and args.start > args.end:
        print(f"error: --start {args.start} is after --end {args.end}.", file=sys.stderr)
        return 2
    try:
        fmt = format_for(args.out, args.format)
        boundaries, table = _loaded(args)
        flt = _selection_filter(args, table)
        selection = select_events(table, args.nk_boundary, flt)
        request = ExportRequest(
            fmt=fmt,
            title=args.title or default_title(flt),
            dpi=args.dpi,
            bbox=args.bbox,
            basemap=args.basemap,
            uncertainty=args.uncertainty,
            representation=args.representation,
            measure=args.measure,
            frame_unit=args.frame_unit,
            frame_mode=args.frame_mode,
            frame_ms=args.frame_ms,
        )
        layers = base_layers(boundaries) if fmt == "html" else None
        progress = _animation_progress(fmt)
        data = export_bytes(request, selection, flt, args.nk_boundary, boundaries, layers, progress=progress)
        args.out.write_bytes(data)
    except (EventFileError, ExportError, PlaceError, AreaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(selection.counts.line(), file=sys.stderr)
    for row in table.rejected.itertuples():
        print(f"rejected line {row.line}: {row.reason}", file=sys.stderr)
    print(f"wrote {fmt.upper()} to {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def run_compare(args: argparse.Namespace) -> int:
    b = args.b or args.a.before()
    if args.min_events < 1:
        print("error: --min-events must be at least 1.", file=sys.stderr)
        return 2
    try:
        check_settings()
        fmt = format_for(args.out, None)
        if fmt not in COMPARE_FORMATS:
            raise ExportError(f"A comparison is written as {', '.join(COMPARE_FORMATS)}, not {fmt}.")
        boundaries, table = _loaded(args)
        flt = _selection_filter(args, table)
        data, comparison = comparison_file(
            fmt,
            table,
            flt,
            args.nk_boundary,
            args.a,
            b,
            args.by,
            args.min_events,
            boundaries,
            args.title,
            drawn=args.map,
        )
        args.out.write_bytes(data)
    except (EventFileError, ExportError, PlaceError, AreaError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(comparison.caption(), file=sys.stderr)
    if comparison.outside_text():
        print(comparison.outside_text(), file=sys.stderr)
    print(f"wrote {fmt.upper()} to {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "report":
        return run_report(args)
    return run_compare(args) if args.command == "compare" else run_export(args)
