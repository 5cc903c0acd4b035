"""The ``intmon trace`` command: how one published number was made."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli_common import protection_options, resolve


def cmd_trace(args) -> int:
    from .published import INTERNAL
    from .store import ObservationStore
    from .trace import build_trace
    from .trace_render import render_json, render_text

    project = Path(args.project).resolve()
    store = ObservationStore(resolve(project, args.data))
    request = {
        "area": args.area,
        "indicator": args.indicator,
        "year": args.year,
        "group": args.group,
        "sex": args.sex,
        "lang": args.lang,
        "internal": args.internal,
    }
    trace = build_trace(
        store,
        resolve(project, args.parameters),
        resolve(project, args.outputs),
        project,
        request,
    )
    if args.internal:
        print(f"note: {INTERNAL} (no disclosure control applied)", file=sys.stderr)
    if trace["synthetic"]:
        print("note: synthetic demo data, not real values", file=sys.stderr)
    print(render_json(trace) if args.format == "json" else render_text(trace))
    return 0


def add_trace_parser(sub) -> None:
    tr = sub.add_parser(
        "trace",
        help="how one published number was made: the value as published, its definition, "
        "the observations and imports it comes from, the computation, disclosure control "
        "and the reports that show it",
    )
    tr.add_argument("--area", required=True, help="area id (AGS as text, e.g. 09761000)")
    tr.add_argument("--indicator", required=True, help="indicator id, e.g. labor.unemployment_rate")
    tr.add_argument("--year", type=int, required=True)
    tr.add_argument("--group", help="only this group (default: every group of the value)")
    tr.add_argument("--sex", help="only this sex: total, female or male (default: every one)")
    tr.add_argument("--lang", choices=["de", "en"], default="de")
    tr.add_argument("--format", choices=["text", "json"], default="text")
    tr.add_argument("--outputs", default="outputs", help="output folder of the reports")
    protection_options(tr)
    tr.set_defaults(func=cmd_trace)
