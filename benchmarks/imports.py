"""Benchmark of imports through the command line, as a user runs them: time and peak memory.

    python benchmarks/imports.py [--megabytes 100] [--persons 1500000]

1. A synthetic long-layout district table of about ``--megabytes`` MB (sub-districts × years ×
   label combinations, German numbers, consistent parts), imported with ``intmon import
   district … --mapping``: into an empty store, then again over itself (every value
   unchanged), then as ``--dry-run``.
2. A synthetic register extract of ``--persons`` persons (CSV), imported with ``intmon import
   register``, then a second year of it (a new year adds to the source).

Each command runs in its own process; its peak memory is that process's maximum resident set
size (``resource.getrusage(RUSAGE_CHILDREN)`` after it ends, measured in a fresh helper
process per command so earlier commands do not mask it). Figures are recorded in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

AGS = "09999000"
VARIABLES = {
    "Einwohner": "population",
    "Arbeitslose": "unemployed",
    "SvB": "employees_svb",
}
GROUPS = {"Deutsche": "german", "Ausländer": "foreign"}
SEXES = {"weiblich": "female", "männlich": "male"}

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": proc.returncode, "s": seconds, "mib": peak,
                  "out": proc.stdout[-400:], "err": proc.stderr[-400:]}))
"""


def run(label: str, *args: str) -> dict:
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "intmon_utils.cli", *args]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{label} failed:\n{result['err']}")
    result["label"] = label
    return result


def district_table(path: Path, megabytes: float, seed: int = 1) -> tuple[int, int]:
    """Write the long table; return (rows, bytes)."""
    rng = np.random.default_rng(seed)
    labels = [
        (v, g, s) for v in VARIABLES for g in [*GROUPS, "insgesamt"] for s in [*SEXES, "insgesamt"]
    ]
    years = list(range(2000, 2025))
    bytes_per_row = 38
    n_areas = max(2, int(megabytes * 1e6 / bytes_per_row / len(years) / len(labels)))
    rows = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("Nr;Jahr;Merkmal;Gruppe;Geschlecht;Wert\n")
        for area in range(1, n_areas + 1):
            for year in years:
                for variable in VARIABLES:
                    base = rng.integers(50, 5000, size=(len(GROUPS), len(SEXES)))
                    cells = {}
                    for i, g in enumerate(GROUPS):
                        for j, s in enumerate(SEXES):
                            cells[(g, s)] = int(base[i, j])
                        cells[(g, "insgesamt")] = int(base[i].sum())
                    for j, s in enumerate(SEXES):
                        cells[("insgesamt", s)] = int(base[:, j].sum())
                    cells[("insgesamt", "insgesamt")] = int(base.sum())
                    for (g, s), value in cells.items():
                        shown = f"{value:,}".replace(",", ".")
                        fh.write(f"{area};{year};{variable};{g};{s};{shown}\n")
                        rows += 1
    return rows, path.stat().st_size


def district_mapping(path: Path) -> None:
    labels = []
    for v, variable in VARIABLES.items():
        for g, group in [*GROUPS.items(), ("insgesamt", "total")]:
            for s, sex in [*SEXES.items(), ("insgesamt", "total")]:
                labels.append(
                    {"match": [v, g, s], "variable": variable, "group": group, "sex": sex}
                )
    mapping = {
        "table": "benchmark",
        "municipality": {"id": AGS, "name": "Benchmarkstadt"},
        "areas": {"code_column": "Nr", "code_width": 5},
        "year": {"column": "Jahr"},
        "layout": "long",
        "label_columns": ["Merkmal", "Gruppe", "Geschlecht"],
        "value_column": "Wert",
        "labels": labels,
    }
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--persons", type=int, default=1_500_000)
    args = parser.parse_args()
    from intmon_utils.synthetic.register import generate_register

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        table, mapping, data = tmp / "stadtteile.csv", tmp / "mapping.yml", tmp / "data"
        rows, size = district_table(table, args.megabytes)
        district_mapping(mapping)
        print(f"district table: {rows:,} rows, {size / 1e6:.1f} MB", file=sys.stderr)
        common = ["--mapping", str(mapping), "--data", str(data)]
        results.append(run("district table, empty store", "import", str(table), *common))
        results.append(run("district table, again (unchanged)", "import", str(table), *common))
        results.append(run("district table, --dry-run", "import", str(table), *common, "--dry-run"))

        extract = tmp / "register.csv"
        generate_register(args.persons, n_districts=100, seed=7).to_csv(
            extract, sep=";", index=False
        )
        size = extract.stat().st_size
        print(f"register: {args.persons:,} persons, {size / 1e6:.1f} MB", file=sys.stderr)
        reg = ["--area", AGS, "--data", str(tmp / "reg")]
        results.append(
            run("register, 2024", "import", "register", str(extract), *reg, "--year", "2024")
        )
        results.append(
            run(
                "register, 2025 (adds a year)",
                "import",
                "register",
                str(extract),
                *reg,
                "--year",
                "2025",
            )
        )

    print(f"{'import':<40} {'seconds':>8} {'peak MiB':>9}")
    for r in results:
        print(f"{r['label']:<40} {r['s']:>8.1f} {r['mib']:>9.0f}")


if __name__ == "__main__":
    main()
