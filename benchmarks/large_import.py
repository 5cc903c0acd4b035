"""Benchmark of a large GENESIS flat file (ffcsv) through the command line: time and peak memory.

    python benchmarks/large_import.py [--megabytes 200] [--years 6] [--limit-gib 14]
                                      [--register AuszugGV2QAktuell.xlsx] [--tmp /tmp]

A fresh workspace (``intmon init``) gets the real area register of the Gemeindeverzeichnis
(``intmon import gv``; INTMON_REALDATA or ../shared/realdata, never copied into the
repository). A synthetic flat file in the layout of the GENESIS web service (UTF-8 with BOM,
``;``, one header row, labels beside every code, rows not sorted) is written to ``--tmp``:
population of whole Kreise and all their Gemeinden (real 8-digit AGS and names from that
register) by sex × nationality × 6 age classes with their totals (63 cells per area and year),
``--years`` reference dates, zeros as ``-``; Kreise are added in AGS order until the file
reaches ``--megabytes``. A mapping file names the 63 cells. Then, each in its own process:

1. ``intmon import genesis FILE --mapping …`` into the store;
2. ``intmon data status`` (builds and caches the published tables), and again (cached);
3. ``intmon values`` of one Gemeinde, ``intmon data check``.

Peak memory is the command's maximum resident set size (``resource.getrusage(RUSAGE_CHILDREN)``
in a fresh helper process per command). The helper also samples the resident size every
0.2 s and stops a command above ``--limit-gib``, so a runaway command cannot take the
machine down (its row then says "stopped"). Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

PROJECT = Path(__file__).resolve().parents[1]
GV = "03_destatis_gemeindeverzeichnis/AuszugGV2QAktuell.xlsx"

STATISTIC = "12411;Fortschreibung des Bevölkerungsstandes"
SEXES = [("", "Insgesamt", "total"), ("GESM", "männlich", "male"), ("GESW", "weiblich", "female")]
NATIONALITIES = [
    ("", "Insgesamt", "total"),
    ("NATD", "Deutsche", "german"),
    ("NATA", "Ausländer(innen)", "foreign"),
]
AGES = [
    ("", "Insgesamt", "total"),
    ("ALT000B03", "unter 3 Jahre", "0-2"),
    ("ALT003B06", "3 bis unter 6 Jahre", "3-5"),
    ("ALT006B15", "6 bis unter 15 Jahre", "6-14"),
    ("ALT015B25", "15 bis unter 25 Jahre", "15-24"),
    ("ALT025B65", "25 bis unter 65 Jahre", "25-64"),
    ("ALT065UM", "65 Jahre und mehr", "65+"),
]
AGE_SHARES = np.array([0.03, 0.03, 0.08, 0.10, 0.53, 0.23])
HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;"
    + "".join(
        f"{k}_variable_code;{k}_variable_label;{k}_variable_attribute_code;"
        f"{k}_variable_attribute_label;"
        for k in range(1, 5)
    )
    + "value;value_unit;value_variable_code;value_variable_label\n"
)

MEASURE = """
import json, resource, subprocess, sys, tempfile, time
limit = float(sys.argv[1]) * 1024 * 1024  # KiB
start = time.perf_counter()
with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
    proc = subprocess.Popen(sys.argv[2:], stdout=out, stderr=err, text=True)
    stopped = False
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            rss = 0
        if rss > limit:
            proc.kill()
            stopped = True
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    out.seek(0)
    err.seek(0)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rc": proc.returncode, "s": seconds, "mib": peak, "stopped": stopped,
                      "out": out.read()[-600:], "err": err.read()[-600:]}))
"""


def snapshot(folder: Path, ref: str | None) -> Path:
    """A copy of the package to run (from the working tree, or as committed at ``ref``), so
    that edits made meanwhile neither mix code states nor invalidate the cached tables."""
    folder.mkdir()
    if ref:
        archive = subprocess.run(
            ["git", "archive", ref, "intmon_utils"], cwd=PROJECT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    else:
        shutil.copytree(
            PROJECT / "intmon_utils",
            folder / "intmon_utils",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return folder


def run(label: str, code: Path, workspace: Path, limit_gib: float, *args: str) -> dict:
    """One ``intmon`` command of the package in ``code``, in its own process, measured by a
    fresh helper process."""
    intmon = [sys.executable, "-m", "intmon_utils.cli", "--project", str(workspace), *args]
    cmd = [sys.executable, "-c", MEASURE, str(limit_gib), *intmon]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True, cwd=code).stdout)
    if result["rc"] != 0 and not result["stopped"]:
        raise SystemExit(f"{label} failed:\n{result['err']}")
    result["label"] = label
    print(f"{label}: {result['s']:.1f} s, {result['mib']:,.0f} MiB", file=sys.stderr)
    return result


def choose_kreise(areas: pd.DataFrame, rows_wanted: int, years: int) -> pd.DataFrame:
    """Whole Kreise (the Kreis and all its Gemeinden) in AGS order until the rows suffice."""
    gemeinden = areas[areas["level"] == "municipality"]
    per_kreis = gemeinden.groupby("parent_id").size().sort_index()
    rows = (per_kreis + 1) * years * len(SEXES) * len(NATIONALITIES) * len(AGES)
    kreise = per_kreis.index[: int(np.searchsorted(rows.cumsum().to_numpy(), rows_wanted)) + 1]
    chosen = gemeinden[gemeinden["parent_id"].isin(kreise)]
    kreis_rows = areas[areas["area_id"].isin(kreise)].assign(parent_id=lambda d: d["area_id"])
    return pd.concat([kreis_rows, chosen]).sort_values(["parent_id", "area_id"])


def counts(chosen: pd.DataFrame, years: int, rng) -> np.ndarray:
    """Consistent counts: area × year × sex × nationality × age, totals included (index 0).
    A Kreis is the sum of its Gemeinden."""
    gem = chosen["level"].to_numpy() == "municipality"
    n = int(gem.sum())
    size = rng.lognormal(7.5, 1.3, n)[:, None] * np.linspace(1.0, 1.04, years)[None, :]
    foreign = rng.beta(2, 14, n)[:, None, None]
    base = size[:, :, None] * AGE_SHARES / 2  # area × year × age, per sex
    nationality = np.stack([base * (1 - foreign), base * foreign], axis=2)
    leaf = np.broadcast_to(nationality[:, :, None], (n, years, 2, 2, len(AGE_SHARES)))
    leaf = rng.poisson(leaf)
    full = np.zeros((n, years, 3, 3, 7), dtype=np.int64)
    full[:, :, 1:, 1:, 1:] = leaf
    full[:, :, 1:, 1:, 0] = leaf.sum(axis=-1)
    full[:, :, 0] = full[:, :, 1:].sum(axis=2)
    full[:, :, :, 0] = full[:, :, :, 1:].sum(axis=3)
    out = np.zeros((len(chosen), years, 3, 3, 7), dtype=np.int64)
    out[gem] = full
    kreis_of = chosen["parent_id"].to_numpy()
    kreise = np.flatnonzero(~gem)
    for k in kreise:
        out[k] = full[kreis_of[gem] == kreis_of[k]].sum(axis=0)
    return out


def flat_file(path: Path, areas: pd.DataFrame, megabytes: float, years: int, seed: int = 3):
    """Write the flat file; return its rows and the areas it covers."""
    rng = np.random.default_rng(seed)
    dates = [f"{y}-12-31" for y in range(2025 - years, 2025)]
    cells = [(s, n, a) for s in SEXES for n in NATIONALITIES for a in AGES]
    suffixes = [
        f"GES;Geschlecht;{s[0]};{s[1]};NAT;Nationalität;{n[0]};{n[1]};ALTX06;"
        f"Altersgruppen (unter 3 bis 65 u. m.);{a[0]};{a[1]};"
        for s, n, a in cells
    ]
    names = areas.loc[areas["level"] == "municipality", "name"].str.encode("utf-8").str.len()
    row = f"{STATISTIC};STAG;Stichtag;2024-12-31;GEMEIN;Gemeinden;09162000;;123;Anzahl;BEVSTD;"
    row_bytes = (
        len(f"{row}Bevölkerungsstand\n".encode())
        + names.mean()
        + np.mean([len(x.encode()) for x in suffixes])
    )
    chosen = choose_kreise(areas, int(megabytes * 1e6 / row_bytes), years)
    values = counts(chosen, years, rng)
    prefixes = [
        f"{STATISTIC};STAG;Stichtag;{d};GEMEIN;Gemeinden;{a};{name};"
        for d in dates
        for a, name in zip(chosen["area_id"], chosen["name"])
    ]
    # area-year index and cell index of every row, in a random order (GENESIS does not sort)
    flat = values.transpose(1, 0, 2, 3, 4).reshape(len(prefixes), len(cells))
    order = rng.permutation(flat.size)
    with open(path, "w", encoding="utf-8-sig", newline="\n") as fh:
        fh.write(HEADER)
        for block in np.array_split(order, max(1, flat.size // 200_000)):
            unit, cell = np.divmod(block, len(cells))
            fh.writelines(
                f"{prefixes[u]}{suffixes[c]}{v if v else '-'};Anzahl;BEVSTD;Bevölkerungsstand\n"
                for u, c, v in zip(unit.tolist(), cell.tolist(), flat[unit, cell].tolist())
            )
    return flat.size, chosen


def mapping_file(path: Path) -> None:
    """The mapping of the 63 cells (sex × nationality × age, totals included)."""
    rules = [
        {
            "row": "BEVSTD",
            "column": f"GES={s[0]} \\| NAT={n[0]} \\| ALTX06={a[0]}",
            "variable": "population",
            **{k: v for k, v in (("sex", s[2]), ("group", n[2]), ("age", a[2])) if v != "total"},
        }
        for s in SEXES
        for n in NATIONALITIES
        for a in AGES
    ]
    mapping = {"12411:ffcsv": {"source": "Synthetic flat file (benchmark)", "cells": rules}}
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, width=200), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=200)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--limit-gib", type=float, default=14, help="stop a command above this")
    parser.add_argument("--register", help="the Gemeindeverzeichnis xlsx (default: realdata)")
    parser.add_argument("--tmp", default=tempfile.gettempdir(), help="where the big file goes")
    parser.add_argument("--keep", action="store_true", help="keep the workspace and the file")
    parser.add_argument("--ref", help="measure the package as committed at this git ref")
    args = parser.parse_args()
    realdata = Path(os.environ.get("INTMON_REALDATA", PROJECT.parent / "shared" / "realdata"))
    register = Path(args.register) if args.register else realdata / GV
    if not register.is_file():
        raise SystemExit(f"{register}: no Gemeindeverzeichnis; set INTMON_REALDATA or --register")

    tmp = Path(tempfile.mkdtemp(prefix="intmon-large-", dir=args.tmp))
    code, workspace, data = snapshot(tmp / "code", args.ref), tmp / "ws", tmp / "ws" / "data"
    subprocess.run(
        [sys.executable, "-m", "intmon_utils.cli", "init", str(workspace)],
        check=True,
        capture_output=True,
        cwd=code,
    )
    sys.path.insert(0, str(PROJECT))
    from intmon_utils.sources.gv import read_gemeindeverzeichnis

    table, mapping = tmp / "12411-01-01-5_bench_de_flat.csv", tmp / "mapping.yml"
    rows, chosen = flat_file(table, read_gemeindeverzeichnis(register), args.megabytes, args.years)
    mapping_file(mapping)
    size = table.stat().st_size
    mb = size / 1e6
    gemeinden = chosen.loc[chosen["level"] == "municipality", "area_id"]
    print(
        f"flat file: {rows:,} rows, {mb:.1f} MB ({size / rows:.0f} bytes a row), "
        f"{len(gemeinden):,} Gemeinden in {len(chosen) - len(gemeinden)} Kreise, "
        f"{args.years} years -> {table}",
        file=sys.stderr,
    )
    limit, store = args.limit_gib, ["--data", str(data)]
    genesis = ["import", "genesis", str(table), "--mapping", str(mapping), *store]
    steps = [
        ("import gv (area register)", ["import", "gv", str(register), *store]),
        ("import genesis (flat file)", genesis),
        ("data status (builds published tables)", ["data", "status", *store]),
        ("data status (cached)", ["data", "status", *store]),
        ("data status variables (cached)", ["data", "status", "variables", *store]),
        (
            "values of one Gemeinde (cached)",
            ["values", "--area", gemeinden.iloc[0], "--year", "2024", *store],
        ),
        ("data check", ["data", "check", *store]),
    ]
    results = []
    for label, cmd in steps:
        results.append(run(label, code, workspace, limit, *cmd))
        if results[-1]["stopped"]:
            break

    print(f"\n| step | seconds | peak MiB | peak ÷ file ({mb:.0f} MB) |")
    print("|---|---:|---:|---:|")
    for r in results:
        peak = f"> {limit * 1024:,.0f} (stopped)" if r["stopped"] else f"{r['mib']:,.0f}"
        ratio = r["mib"] * 2**20 / size
        print(f"| {r['label']} | {r['s']:.1f} | {peak} | {ratio:.1f} |")
    if args.keep:
        print(f"kept: {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
