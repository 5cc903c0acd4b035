"""The ``intmon`` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from .cli_common import protection_options, published_tables, resolve
from .errors import IntmonError


def cmd_init(args) -> int:
    from .workspace import init_workspace

    written = init_workspace(args.folder, demo=args.demo, notebooks=args.notebooks)
    print(f"workspace laid out in {Path(args.folder).resolve()} ({len(written)} files)")
    print(
        "next: cd there, then 'intmon run'"
        + ("" if args.demo else " after importing data and writing parameters/<area_id>.yml")
    )
    return 0


def cmd_demo_data(args) -> int:
    from .synthetic import write_demo_data

    data = resolve(Path(args.project).resolve(), args.data)
    write_demo_data(data, seed=args.seed)
    print(f"synthetic demo data written to {data}")
    return 0


def cmd_run(args) -> int:
    from .locks import reading
    from .runner import failed_now, summary
    from .store import ObservationStore
    from .synthetic import write_demo_data
    from .workspace import require_workspace

    project = require_workspace(Path(args.project), args.parameters)
    data = resolve(project, args.data)
    if not ObservationStore(data).exists():
        if args.data != "data":
            raise IntmonError(f"no observation data in {data}; import data there first")
        print(f"no data in {data}: generating the synthetic demo Land first", file=sys.stderr)
        write_demo_data(data)
    with reading(data, "run 'intmon run'"):
        results, index = _run(args, project, data)
    print(summary(results))
    if index:
        print(f"index: {index}")
    return 1 if failed_now(results) else 0


def _run(args, project: Path, data: Path):
    """The run on one state of the data: an import is refused meanwhile (the data lock), two runs
    never write into one outputs folder (its lock), and data changed under the run by other
    means (files copied in) stop it with an error instead of a mix of two states."""
    from .locks import writing
    from .store import ObservationStore

    outputs = resolve(project, args.outputs)
    store = ObservationStore(data)
    before = store.fingerprint()
    with writing(outputs, "run 'intmon run' on these outputs"):
        results = _reports(args, project, data, outputs)
    if store.fingerprint() != before:
        raise IntmonError(
            f"the data in {data} changed while the run worked (files written there by other "
            f"means than intmon): the reports may mix two states of the data -> run "
            f"'intmon run' again; it redoes every report made from the older state"
        )
    return results


def _reports(args, project: Path, data: Path, outputs: Path):
    from .runner import run

    return run(
        project,
        data,
        resolve(project, args.parameters),
        outputs,
        areas=args.area,
        topics=args.topic,
        jobs=args.jobs,
        quiet=args.quiet,
        force=args.force,
        cell_timeout=args.cell_timeout or None,
        scheduler=args.scheduler,
        worker_project=args.worker_project,
    )


def cmd_values(args) -> int:
    from .area_ids import is_valid_area_id
    from .catalogue import load_catalogue
    from .cellsafety import neutralise_frame
    from .formatting import format_value
    from .store import ObservationStore
    from .texts import text

    project = Path(args.project).resolve()
    if not is_valid_area_id(args.area):
        raise IntmonError(f"--area {args.area!r} is not an area id (AGS as text, e.g. 09761000)")
    store = ObservationStore(resolve(project, args.data))
    table = published_tables(args, store)[1]
    t = table[(table["area_id"] == args.area) & (table["year"] == args.year)]
    if args.indicator:
        load_catalogue().get(args.indicator)  # clear error for an unknown id
        t = t[t["indicator_id"] == args.indicator]
    if t.empty:
        raise IntmonError(
            f"no indicator values for area {args.area} in {args.year}; check the "
            f"area id and the year"
        )
    t = t.assign(
        shown=[format_value(v, s, u) for v, s, u in zip(t["value"], t["status"], t["unit"])]
    )
    if store.is_synthetic():
        t = t.assign(data_origin=text("report_data_origin", "en"))
        print("note: synthetic demo data, not real values", file=sys.stderr)
    cols = [
        "indicator_id",
        "area_id",
        "year",
        "group",
        "sex",
        "value",
        "shown",
        "numerator",
        "denominator",
        "unit",
        "status",
        "reason",
    ] + [c for c in ("classification", "data_origin") if c in t]
    if args.format == "csv":
        neutralise_frame(t[cols]).to_csv(sys.stdout, index=False)  # users redirect to .csv
    else:
        print(t[cols].drop(columns=[c for c in ("data_origin",) if c in t]).to_string(index=False))
    return 0


def cmd_catalogue(args) -> int:
    from . import catalogue_doc
    from .config.parameters import discover, load_defaults, load_parameters
    from .disclosure.policy import workspace_policy
    from .published import build
    from .store import ObservationStore

    project = Path(args.project).resolve()
    available, synthetic = None, False
    store = ObservationStore(resolve(project, args.data))
    if store.exists():
        parameter_dir = resolve(project, args.parameters)
        defaults = load_defaults(parameter_dir)
        params = [load_parameters(p, defaults) for p in discover(parameter_dir)]
        table = build(store, workspace_policy(parameter_dir, store.read_areas()))[1]
        names = store.read_areas().set_index("area_id")["name"].to_dict()
        available = catalogue_doc.availability(table, names, [p.area_id for p in params], args.lang)
        synthetic = store.is_synthetic()
    target = resolve(project, args.output or f"outputs/indikatorenkatalog.{args.format}")
    catalogue_doc.render(args.format, target, args.lang, available, synthetic)
    print(f"written {target}")
    return 0


def cmd_kit(args) -> int:
    from .kit import landkreis_kit
    from .store import ObservationStore

    project = Path(args.project).resolve()
    store = ObservationStore(resolve(project, args.data))
    store.require()
    folder = resolve(project, args.parameters)
    if not (folder / "defaults.yml").is_file():
        raise IntmonError(
            f"no workspace in {project} (parameters/defaults.yml missing) -> run "
            f"'intmon init FOLDER' first and call intmon kit there"
        )
    kit = landkreis_kit(store, folder, args.kreis, args.year, args.lang)
    states = kit.delivery["state"].value_counts()
    print(
        f"{args.kreis}: {len(kit.gemeinden)} Gemeinden; parameter files written: "
        f"{len(kit.written)}, kept: {len(kit.kept)}\n"
        f"indicators for the Kreis and every Gemeinde: {states.get('all', 0)}; for the Kreis "
        f"only: {states.get('kreis_only', 0)}; nowhere: {states.get('nowhere', 0)}; defined "
        f"from Kreis level only: {states.get('not_defined', 0)}\n"
        f"what the Kreis would deliver: {kit.list_path}\nnext: intmon run"
    )
    return 0


def cmd_docs(args) -> int:
    from .config.parameter_docs import reference_table
    from .fileio import write_text

    target = resolve(Path(args.project).resolve(), "docs/parameters.md")
    write_text(target, reference_table())
    print(f"written {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .cli_data import add_data_parser, add_export_parser
    from .cli_import import add_fetch_parser, add_import_parser
    from .cli_lab import add_lab_parser
    from .cli_trace import add_trace_parser
    from .cli_workgroup import add_workgroup_parsers
    from .publication import PUBLICATION
    from .topics import NOTEBOOK_TOPICS

    p = argparse.ArgumentParser(prog="intmon", description="Kommunales Integrationsmonitoring")
    p.add_argument("--project", default=".", help="project folder (default: current folder)")
    sub = p.add_subparsers(dest="command", required=True)

    ini = sub.add_parser("init", help="lay out a workspace (parameters, commentary, .gitignore)")
    ini.add_argument("folder", help="the workspace folder (new or empty)")
    ini.add_argument(
        "--demo", action="store_true", help="with the parameter files of the synthetic demo Land"
    )
    ini.add_argument(
        "--notebooks",
        action="store_true",
        help="copy intmon's topic notebooks into notebooks/ to adapt them",
    )
    ini.set_defaults(func=cmd_init)

    d = sub.add_parser("demo-data", help="write the synthetic demo Land into the data folder")
    d.add_argument("--data", default="data")
    d.add_argument("--seed", type=int, default=2024)
    d.set_defaults(func=cmd_demo_data, writes=True)

    r = sub.add_parser("run", help="execute the report notebooks for every municipality and topic")
    r.add_argument("--area", nargs="+", help="only these area ids")
    r.add_argument(
        "--topic",
        nargs="+",
        choices=[*NOTEBOOK_TOPICS, PUBLICATION],
        help="only these (publication: integrated report, PDF and Tabellenband)",
    )
    r.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="parallel workers (default: number of cores, at most 4)",
    )
    r.add_argument("--data", default="data", help="data folder (default data/)")
    r.add_argument("--parameters", default="parameters", help="parameter folder")
    r.add_argument("--outputs", default="outputs", help="output folder")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--force", action="store_true", help="redo every report, even if unchanged")
    r.add_argument(
        "--cell-timeout",
        type=int,
        default=600,
        metavar="SECONDS",
        help="fail a notebook whose cell runs longer (default 600; 0: no limit)",
    )
    r.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the reports on this Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(see docs/distributed.md); --jobs is then ignored",
    )
    r.add_argument(
        "--worker-project",
        metavar="PATH",
        help="with --scheduler: the project folder as the workers see it "
        "(default: the same path as here)",
    )
    r.set_defaults(func=cmd_run, writes=True)  # locks the data itself, after demo data

    v = sub.add_parser(
        "values", help="print published indicator values (protected, as the reports show them)"
    )
    v.add_argument("--area", required=True)
    v.add_argument("--year", type=int, required=True)
    v.add_argument("--indicator")
    v.add_argument("--format", choices=["table", "csv"], default="table")
    protection_options(v)
    v.set_defaults(func=cmd_values)

    add_import_parser(sub)
    add_fetch_parser(sub)
    add_data_parser(sub)
    add_export_parser(sub)
    add_trace_parser(sub)
    add_lab_parser(sub)
    add_workgroup_parsers(sub)

    cat = sub.add_parser("catalogue", help="render the Indikatorenkatalog (md, html or xlsx)")
    cat.add_argument("--format", choices=["md", "html", "xlsx"], default="html")
    cat.add_argument("--lang", choices=["de", "en"], default="de")
    cat.add_argument("--output", help="file to write (default outputs/indikatorenkatalog.<format>)")
    cat.add_argument("--data", default="data", help="data folder for the availability column")
    cat.add_argument("--parameters", default="parameters")
    cat.set_defaults(func=cmd_catalogue)

    kit = sub.add_parser(
        "kit",
        help="Landkreis kit: parameter files for a Kreis and each of its Gemeinden, and the "
        "list of what the Kreis would have to deliver",
    )
    kit.add_argument("kreis", help="the Kreis's key (AGS, 5 digits), e.g. 09762")
    kit.add_argument("--year", type=int, default=2024, help="reporting year of the new files")
    kit.add_argument("--lang", choices=["de", "en"], default="de")
    kit.add_argument("--data", default="data")
    kit.add_argument("--parameters", default="parameters")
    kit.set_defaults(func=cmd_kit)

    doc = sub.add_parser("docs", help="regenerate docs/parameters.md from the parameter schema")
    doc.set_defaults(func=cmd_docs)
    return p


def _data_lock(args):
    """A command that reads the data folder shares its lock for its whole duration, so an
    import cannot change the data under it; commands that change the data (``writes``) take
    the lock themselves (:mod:`intmon_utils.locks`)."""
    from .locks import reading

    if getattr(args, "writes", False) or not hasattr(args, "data"):
        return contextlib.nullcontext()
    data = resolve(Path(args.project).resolve(), args.data)
    return reading(data, f"run 'intmon {args.command}'")


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.basicConfig(format="intmon: %(levelname)s: %(message)s", level=logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        with _data_lock(args):
            return args.func(args)
    except IntmonError as exc:
        print(f"intmon: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "intmon: stopped (Ctrl-C). Every file written so far is complete; nothing is "
            "half-written. 'intmon run' again makes the reports that are missing.",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # the reader closed our output early (intmon values | head): no traceback; point
        # stdout at nothing so that the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
