"""The ``intmon data`` commands: what the store holds, its consistency, its sources."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli_common import protection_options, published_tables, resolve
from .errors import IntmonError


def _store(args):
    from .store import ObservationStore

    return ObservationStore(resolve(Path(args.project).resolve(), args.data))


def _status_tables(args, store):
    """(observations, indicators) for ``data status``: the published tables as their cached
    Parquet files (built first if needed, never loaded whole), or with ``--internal`` the
    unprotected tables in memory."""
    from .disclosure.policy import workspace_policy
    from .published import ensure

    if args.internal:
        return published_tables(args, store)
    store.require()
    parameter_dir = resolve(Path(args.project).resolve(), args.parameters)
    return ensure(store, workspace_policy(parameter_dir, store.read_areas()))


def cmd_data_status(args) -> int:
    from . import availability
    from .cellsafety import neutralise_frame
    from .published import INTERNAL
    from .store import ObservationStore

    store = ObservationStore(resolve(Path(args.project).resolve(), args.data))
    observations, table = _status_tables(args, store)
    areas = store.read_areas()
    if args.area:
        unknown = sorted(set(args.area) - set(areas["area_id"]))
        if unknown:
            raise IntmonError(f"unknown area ids {unknown}; they are not in the area register")
        keep = set(args.area)
    elif args.level:
        keep = set(areas.loc[areas["level"].isin(args.level), "area_id"])
    else:
        keep = availability.areas_of(observations)
    names = areas.set_index("area_id")["name"]
    if args.what == "variables":
        m = availability.variable_matrix(observations, keep)
    elif args.what == "indicators":
        m = availability.indicator_matrix(table, keep)
    else:
        m = availability.summary(table, args.year, areas=keep)
    if m.empty:
        raise IntmonError("no data for this selection")
    m.insert(0, "name", names.reindex(m.index).to_numpy())
    if args.internal:
        m["classification"] = INTERNAL
    if store.is_synthetic():
        print("note: synthetic demo data, not real values", file=sys.stderr)
    if args.format == "csv":
        neutralise_frame(m).to_csv(sys.stdout)
    else:
        print(m.to_string())
    return 0


def cmd_data_check(args) -> int:
    from .cellsafety import neutralise_frame
    from .consistency import check_store, describe, headline

    store = _store(args)
    store.require()
    gaps = check_store(
        store.read_observations(), store.read_areas(), set(args.area) if args.area else None
    )
    if args.format == "csv":
        neutralise_frame(gaps).to_csv(sys.stdout, index=False)
    elif gaps.empty:
        print("every total agrees with the sum of its parts (within rounding tolerance)")
    else:
        print(headline(gaps) + ":")
        print(describe(gaps))
    return 0


def cmd_data_rollup(args) -> int:
    from .consistency import ROLLUP_SOURCE, ROLLUP_TEXT, rollups

    store = _store(args)
    store.require()
    observations = store.read_observations()
    # computed afresh from the published values (earlier roll-ups are replaced)
    sums = rollups(observations[observations["source"] != ROLLUP_TEXT], store.read_areas())
    if sums.empty:
        print("nothing to roll up: every area with complete sub-areas has values of its own")
        return 0
    with store.transaction(dry_run=args.dry_run, replace=True) as staged:
        store.write_observations(sums, ROLLUP_SOURCE, origin="intmon data rollup")
    if args.dry_run:
        print("dry run: nothing was written")
    print(staged.changes[0].summary())
    return 0


def cmd_data_sources(args) -> int:
    store = _store(args)
    store.require()
    print(store.sources().to_string(index=False))
    return 0


def cmd_data_remove(args) -> int:
    rows = _store(args).remove_source(args.source)
    print(f"source {args.source}: {rows:,} observations removed (logged in imports.csv)")
    return 0


def cmd_export_package(args) -> int:
    from .changes import KEY_COLUMNS
    from .config.portal import LICENCES
    from .package import select, source_ids, write_package
    from .published import INTERNAL

    store = _store(args)
    observations, _ = published_tables(args, store)
    observations = observations.merge(source_ids(store), on=KEY_COLUMNS, how="left")
    obs, areas = select(observations, store.read_areas(), args.area, args.year, args.subareas)
    target = resolve(Path(args.project).resolve(), args.output)
    path = write_package(
        target,
        obs,
        areas,
        fmt=args.format,
        licence=(args.licence, *LICENCES.get(args.licence, (args.licence, None))),
        publisher=args.publisher,
        classification=INTERNAL if args.internal else "",
    )
    print(
        f"data package written: {path} ({len(obs):,} observations of "
        f"{obs['area_id'].nunique()} areas, {obs['year'].min()}–{obs['year'].max()}, "
        f"{obs['source_id'].nunique()} sources)"
    )
    if store.is_synthetic():
        print("note: synthetic demo data, not real values", file=sys.stderr)
    return 0


def add_export_parser(sub) -> None:
    from .config.portal import LICENCES

    ex = sub.add_parser("export", help="write data for others")
    ex_sub = ex.add_subparsers(dest="export_command", required=True)
    pk = ex_sub.add_parser(
        "package",
        help="observations of chosen areas and years as a Frictionless data package "
        "(Parquet or CSV + datapackage.json), e.g. for the Kommunen of a Land",
    )
    pk.add_argument("--output", required=True, help="the package folder to write")
    pk.add_argument("--area", nargs="+", help="only these areas (with their sub-areas)")
    pk.add_argument(
        "--no-subareas",
        dest="subareas",
        action="store_false",
        help="only the areas named, not their sub-areas",
    )
    pk.add_argument("--year", nargs="+", type=int, help="only these years")
    pk.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    pk.add_argument(
        "--licence",
        default="dl-de/by-2-0",
        help=f"licence of the data ({', '.join(LICENCES)} or another name)",
    )
    pk.add_argument("--publisher", default="", help="who sends the package")
    protection_options(pk)
    pk.set_defaults(func=cmd_export_package)


def add_data_parser(sub) -> None:
    data = sub.add_parser("data", help="what the data store holds")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    st = data_sub.add_parser(
        "status", help="which variables and indicators exist per area and year"
    )
    st.add_argument(
        "what",
        nargs="?",
        choices=["summary", "variables", "indicators"],
        default="summary",
        help="summary: indicators per topic in one year (default); "
        "variables / indicators: the years available per area",
    )
    st.add_argument("--area", nargs="+", help="only these area ids")
    st.add_argument(
        "--level",
        nargs="+",
        choices=["country", "state", "district", "municipality", "subdistrict"],
    )
    st.add_argument("--year", type=int, help="year of the summary (default: the latest)")
    st.add_argument("--format", choices=["table", "csv"], default="table")
    protection_options(st)
    st.set_defaults(func=cmd_data_status)

    ch = data_sub.add_parser(
        "check",
        help="totals against the sum of their parts across all sources (sub-areas, "
        "Stadtbezirke, city; total = German + foreign)",
    )
    ch.add_argument("--area", nargs="+", help="only totals of these areas")
    ch.add_argument("--format", choices=["table", "csv"], default="table")
    ch.add_argument("--data", default="data")
    ch.set_defaults(func=cmd_data_check)
    ru = data_sub.add_parser(
        "rollup",
        help="give areas without a value of their own the sum of their sub-areas where these "
        "cover them completely (source 'rollup', status derived)",
    )
    ru.add_argument("--dry-run", action="store_true", help="print what would change")
    ru.add_argument("--data", default="data")
    ru.set_defaults(func=cmd_data_rollup, writes=True)

    so = data_sub.add_parser("sources", help="the stored sources: size, years, last import")
    so.add_argument("--data", default="data")
    so.set_defaults(func=cmd_data_sources)
    rm = data_sub.add_parser("remove", help="delete one source's observations (logged)")
    rm.add_argument("source", help="the source id, as 'intmon data sources' lists it")
    rm.add_argument("--data", default="data")
    rm.set_defaults(func=cmd_data_remove, writes=True)
