"""The working group's commands: ``intmon check``, ``intmon new-commentary``, ``intmon
release``."""

from __future__ import annotations

import json
from pathlib import Path

from .cli_common import resolve
from .errors import IntmonError


def _folders(args) -> tuple[Path, Path, Path]:
    project = Path(args.project).resolve()
    return project, resolve(project, args.parameters), resolve(project, args.data)


def _area_parameters(args, parameter_dir: Path, *, other_year: bool):
    """The parameters of ``--area``, with the reporting year ``--year`` where ``other_year``
    allows one that differs from the file's (else that is an error)."""
    from .config.parameters import load_parameters

    path = parameter_dir / f"{args.area}.yml"
    if not path.is_file():
        raise IntmonError(
            f"no parameter file {path} -> write parameters/{args.area}.yml for the "
            f"municipality first (intmon kit makes them for a Landkreis)"
        )
    params = load_parameters(path)
    if args.year != params.year and not other_year:
        raise IntmonError(
            f"{path} reports on {params.year}, not {args.year} -> set year: {args.year} there "
            f"(and run the reports) first"
        )
    return params.model_copy(update={"year": args.year})


def cmd_check(args) -> int:
    from .workgroup.check import ERROR, WARNING, as_json, check_workspace, render_text

    project, parameter_dir, data_dir = _folders(args)
    findings = check_workspace(project, parameter_dir, data_dir, args.area)
    if args.format == "json":
        print(json.dumps(as_json(findings), ensure_ascii=False, indent=2))
    else:
        print(render_text(findings))
    failing = {ERROR, WARNING} if args.strict else {ERROR}
    return 1 if any(f.severity in failing for f in findings) else 0


def cmd_new_commentary(args) -> int:
    from .store import ObservationStore
    from .topics import REPORT_TOPICS
    from .workgroup.templates import write_templates

    project, parameter_dir, data_dir = _folders(args)
    ObservationStore(data_dir).require()
    params = _area_parameters(args, parameter_dir, other_year=True)
    topics = args.topic or [t for t in REPORT_TOPICS if t in params.topics]
    for w in write_templates(params, topics, data_dir, project):
        what = "written" if w.created else "exists, left as it is"
        print(f"{w.path}: {what}")
    return 0


def cmd_release(args) -> int:
    from . import release
    from .store import ObservationStore
    from .workgroup.check import ERROR, check_workspace

    project, parameter_dir, data_dir = _folders(args)
    store = ObservationStore(data_dir)
    store.require()
    params = _area_parameters(args, parameter_dir, other_year=False)
    errors = [
        f
        for f in check_workspace(project, parameter_dir, data_dir, [args.area])
        if f.severity == ERROR
    ]
    if errors:
        first = errors[0]
        raise IntmonError(
            f"{args.area}: {len(errors)} errors, first: {first.file}: {first.problem} -> "
            f"correct them (intmon check --area {args.area}), then release"
        )
    path = release.release(params, store, release.releaser(project, args.by))
    print(f"{args.area} {args.year}: released ({path}); run 'intmon run' to print it as such")
    return 0


def add_workgroup_parsers(sub) -> None:
    from .topics import REPORT_TOPICS

    def folders(p) -> None:
        p.add_argument("--parameters", default="parameters", help="parameter folder")
        p.add_argument("--data", default="data", help="data folder (default data/)")

    ch = sub.add_parser(
        "check",
        help="check the workspace: parameters, commentary, goals, data, releases "
        "(exit 1 on errors; for CI and pre-commit)",
    )
    ch.add_argument("--area", nargs="+", help="only these municipalities")
    ch.add_argument("--format", choices=["text", "json"], default="text")
    ch.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    folders(ch)
    ch.set_defaults(func=cmd_check)

    nc = sub.add_parser(
        "new-commentary",
        help="write commentary templates with the key figures and guiding questions "
        "(never overwrites a file)",
    )
    nc.add_argument("--area", required=True, help="the municipality's area id")
    nc.add_argument("--year", type=int, required=True, help="the reporting year")
    nc.add_argument("--topic", nargs="+", choices=REPORT_TOPICS, help="only these topics")
    folders(nc)
    nc.set_defaults(func=cmd_new_commentary)

    rl = sub.add_parser(
        "release",
        help="release a municipality's report of a year (records who, when and its inputs)",
    )
    rl.add_argument("--area", required=True, help="the municipality's area id")
    rl.add_argument("--year", type=int, required=True, help="the reporting year")
    rl.add_argument("--by", help="who releases (default: git config user.name and user.email)")
    folders(rl)
    rl.set_defaults(func=cmd_release)
