"""The ``intmon import`` command: files into the store, their kind given or recognised."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from .cli_common import resolve
from .errors import IntmonError


def _by_kind(paths: list[str], mapping: str | None) -> dict[str, list[str]]:
    """Files grouped by import kind: the kind named first, or each file's detected kind."""
    from .sources import IMPORTERS
    from .sources.detect import detect_kind

    first, *rest = paths
    if first in IMPORTERS:
        if not rest:
            raise IntmonError(f"intmon import {first}: give the files to import")
        missing = [f for f in rest if not Path(f).exists()]
        if missing:
            raise IntmonError(f"file not found: {', '.join(missing)}; nothing was imported")
        return {first: rest}
    if not Path(first).exists() and not Path(first).suffix:
        close = difflib.get_close_matches(first, list(IMPORTERS), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise IntmonError(
            f"unknown import kind {first!r} and no such file; nothing was imported -> {hint}"
            f"kinds: {', '.join(IMPORTERS)}"
        )
    groups: dict[str, list[str]] = {}
    for p in paths:
        groups.setdefault(detect_kind(p, mapping), []).append(p)
    return groups


def _options(groups: dict[str, list[str]], args) -> dict[str, dict]:
    """The options each kind takes; an option no kind of these files takes is an error (an
    option is never silently ignored)."""
    from .sources import IMPORTERS, options_of

    given = {
        k: v
        for k, v in (("mapping", args.mapping), ("area", args.area), ("year", args.year))
        if v is not None
    }
    accepted = {kind: options_of(IMPORTERS[kind]) for kind in groups}
    unused = [f"--{k}" for k in given if not any(k in a for a in accepted.values())]
    if unused:
        takes = "; ".join(
            f"{kind}: {', '.join(f'--{o}' for o in a) or 'no options'}"
            for kind, a in accepted.items()
        )
        raise IntmonError(
            f"intmon import {'/'.join(groups)} does not take {', '.join(unused)} "
            f"({takes}); nothing was imported -> leave the option out"
        )
    return {kind: {k: v for k, v in given.items() if k in a} for kind, a in accepted.items()}


def cmd_import(args) -> int:
    import codecs

    from .reading import chosen_encoding

    if args.encoding:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise IntmonError(
                f"--encoding {args.encoding!r} is no known encoding -> e.g. cp1252 or latin-1"
            ) from None
    token = chosen_encoding.set(args.encoding)
    try:
        return _import(args)
    finally:
        chosen_encoding.reset(token)


def _import(args) -> int:
    from .sources import IMPORTERS
    from .store import ObservationStore

    groups = _by_kind(args.paths, args.mapping)
    options = _options(groups, args)
    no_dry = [k for k in groups if k in ("geometry", "areas")]
    if args.dry_run and no_dry:
        raise IntmonError(f"intmon import {no_dry[0]} has no --dry-run; nothing was imported")
    store = ObservationStore(resolve(Path(args.project).resolve(), args.data))
    messages = []
    with store.transaction(dry_run=args.dry_run, replace=args.replace) as staged:
        for kind, files in groups.items():
            if args.paths[0] != kind:
                messages.append(f"recognised as {kind}: {', '.join(files)}")
            messages.append(IMPORTERS[kind](files, store, **options[kind]))
    _report("\n".join(messages), staged, store, args.dry_run)
    return 0


def _report(message: str, staged, store, dry_run: bool) -> None:
    """What an import did (or would do), each source's change, and new inconsistencies."""
    if dry_run:
        print("dry run: nothing was written; the import would change:")
    print(message)
    for change in staged.changes:
        print(change.summary())
    if staged.changes and not dry_run:
        _warn_inconsistent(store, set().union(*(c.areas for c in staged.changes)))
    if staged.warnings:
        print(f"warnings ({len(staged.warnings)}, also in the data log imports.csv):")
        for origin, text in staged.warnings:
            print(f"  warning: {origin}: {text}")


def _warn_inconsistent(store, areas: set[str]) -> None:
    """Totals that now differ from the sum of their parts across the store (warnings)."""
    from .consistency import check_store, describe, headline

    gaps = check_store(store.read_observations(), store.read_areas(), only=areas)
    if len(gaps):
        print(
            f"warning: after this import {headline(gaps)} across the store ('intmon data "
            f"check' lists them all):\n{describe(gaps, 5)}",
            file=sys.stderr,
        )


def cmd_fetch(args) -> int:
    from .sources.genesis import import_genesis
    from .sources.genesis_service import fetch_table
    from .store import ObservationStore

    store = ObservationStore(resolve(Path(args.project).resolve(), args.data))
    store.make_root()  # the downloads are kept inside, readable by the owner only
    paths = []
    for code in args.tables:
        path, fetched = fetch_table(
            code,
            store.root / "downloads" / "genesis",
            service=args.service,
            area=args.area,
            years=tuple(args.years) if args.years else None,
            url=args.url,
            refresh=args.refresh,
        )
        how = f"fetched from the {args.service} web service" if fetched else "from the cache"
        print(f"{code}: {how} -> {path}")
        paths.append(path)
    with store.transaction(dry_run=args.dry_run, replace=args.replace) as staged:
        message = import_genesis(paths, store, mapping=args.mapping)
    _report(message, staged, store, args.dry_run)
    return 0


def add_fetch_parser(sub) -> None:
    from .sources.genesis_service import SERVICES

    f = sub.add_parser(
        "fetch",
        help="fetch GENESIS / Regionaldatenbank tables through the web service and import them",
    )
    f.add_argument("tables", nargs="+", metavar="CODE", help="table codes, e.g. 12411-01-01-4")
    f.add_argument("--service", choices=list(SERVICES), default="regionalstatistik")
    f.add_argument("--area", help="regional key (AGS) to restrict the table to, e.g. 09162")
    f.add_argument(
        "--years", nargs=2, type=int, metavar=("FROM", "TO"), help="years, e.g. 2015 2023"
    )
    f.add_argument("--url", help="another address of the service (a mirror, a test server)")
    f.add_argument("--refresh", action="store_true", help="fetch again although cached")
    f.add_argument("--mapping", help="own table mapping (YAML) for a table intmon does not know")
    f.add_argument("--data", default="data")
    f.add_argument("--dry-run", action="store_true", help="fetch and check, write nothing")
    f.add_argument("--replace", action="store_true", help="as for intmon import")
    f.set_defaults(func=cmd_fetch, writes=True)


def add_import_parser(sub) -> None:
    from .sources import IMPORTERS

    i = sub.add_parser(
        "import",
        help="load files into the observation store (kind recognised from the content, or "
        "named first)",
    )
    i.add_argument(
        "paths",
        nargs="+",
        metavar="[KIND] FILE",
        help="the files, optionally after their kind: "
        + ", ".join(
            f"{k} ({v.__doc__.strip().splitlines()[0].rstrip('.')})" for k, v in IMPORTERS.items()
        )
        + ". Without a kind, intmon recognises GENESIS tables and flat files, BA exports, the "
        "Gemeindeverzeichnis, data packages and intmon tables; other files are district "
        "tables read with --mapping",
    )
    i.add_argument("--data", default="data")
    i.add_argument("--mapping", help="mapping file (YAML) for district tables")
    i.add_argument("--area", help="area id the files belong to (e.g. the AGS of a register)")
    i.add_argument("--year", type=int, help="reference year, where the files do not say it")
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="read and check the files, print what the import would add, replace and remove, "
        "write nothing",
    )
    i.add_argument(
        "--replace",
        action="store_true",
        help="make each source exactly its files: remove what they do not hold, other years "
        "too (without it an import replaces only the areas, years and variables its files "
        "cover, and stops if it would lose data there)",
    )
    i.add_argument(
        "--encoding",
        help="the text encoding of files that are not UTF-8, e.g. cp1252 (Windows, Excel "
        "'CSV') or latin-1 (without it, text files must be UTF-8 or UTF-16 with BOM; GENESIS "
        "tables are read as Windows-1252 when they are not UTF-8)",
    )
    i.set_defaults(func=cmd_import, writes=True)
