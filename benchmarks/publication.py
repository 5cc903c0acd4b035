"""What the publications add to a run of the demo Land: integrated report (HTML), PDF and
Tabellenband per municipality.

    python benchmarks/publication.py [--workers 2] [--repeat 2]

In a copy of the demo project (the demo data generated once into ``benchmarks/.cache/``) it
runs ``intmon run --force`` with the five topic reports only, then with the publications too,
``--repeat`` times each, and prints the wall times (min / median / max) and, from the
manifest, the seconds per municipality and step of the publication job. Record the figures
in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache" / "demo-data"
BIN = Path(sys.executable).parent
TOPICS = ["overview", "education", "labor", "housing", "participation"]


def run(project: Path, workers: int, topics: list[str]) -> tuple[float, list[dict]]:
    cmd = [str(BIN / "intmon"), "--project", str(project), "run", "--force", "--quiet"]
    cmd += ["--jobs", str(workers), "--data", str(CACHE), "--topic", *topics]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"intmon run failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    manifest = json.loads((project / "outputs/2024/manifest.json").read_text())["jobs"]
    return wall, manifest


def spread(values: list[float], digits: int = 1) -> str:
    return " / ".join(
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not (CACHE / "areas.parquet").exists():
        subprocess.run([str(BIN / "intmon"), "demo-data", "--data", str(CACHE)], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="intmon-publication-"))
    try:
        project = tmp / "project"
        shutil.copytree(PROJECT / "parameters", project / "parameters")
        topics_only, with_publications, steps = [], [], []
        for _ in range(args.repeat):
            topics_only.append(run(project, args.workers, TOPICS)[0])
            wall, manifest = run(project, args.workers, [*TOPICS, "publication"])
            with_publications.append(wall)
            steps += [e["timings"] for e in manifest if e["topic"] == "publication"]
        areas = len(list((project / "parameters").glob("*.yml"))) - 1  # without defaults.yml
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\ndemo Land: {areas} municipalities, {args.workers} workers, {args.repeat} runs each")
    print("\n| run | wall s (min / median / max) |")
    print("|---|---:|")
    print(f"| {areas} × 5 topic reports | {spread(topics_only)} |")
    print(f"| … and the {areas} publications | {spread(with_publications)} |")
    extra = statistics.median(with_publications) - statistics.median(topics_only)
    print(f"\nextra wall time per municipality: {extra / areas:.2f} s ({args.workers} workers)")
    print("\n| step of a publication (one worker) | s per municipality (min / median / max) |")
    print("|---|---:|")
    for step in steps[0]:
        print(f"| {step} | {spread([s[step] for s in steps if step in s], 2)} |")


if __name__ == "__main__":
    main()
