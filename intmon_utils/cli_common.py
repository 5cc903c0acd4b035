"""What the command modules share: paths relative to the project, the published (or
internal) tables, and the options that choose between them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def resolve(project: Path, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else project / p


def published_tables(args, store):
    """(observations, indicators) as published under the workspace's thresholds, or with
    ``--internal`` unprotected, announced on stderr."""
    from .disclosure.policy import workspace_policy
    from .published import INTERNAL, build, internal_tables

    store.require()
    if args.internal:
        print(f"note: {INTERNAL} (no disclosure control applied)", file=sys.stderr)
        return internal_tables(store)
    parameter_dir = resolve(Path(args.project).resolve(), args.parameters)
    return build(store, workspace_policy(parameter_dir, store.read_areas()))


def protection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data")
    p.add_argument(
        "--parameters",
        default="parameters",
        help="parameter folder: its thresholds protect the values (default parameters/)",
    )
    p.add_argument(
        "--internal",
        action="store_true",
        help="values WITHOUT disclosure control, for the statistics office only: every line "
        "is marked 'intern – nicht zur Veröffentlichung' and nothing is cached",
    )
