"""The Landkreis kit: reports for a Kreis and each of its Gemeinden from the data the Land
publishes, and a plain list of what the Kreis would have to deliver for the rest.

A Landkreis rarely has a statistics office of its own. From the Land's tables alone
(Gemeindeverzeichnis, Regionaldatenbank tables per Kreis and Gemeinde, BA exports) intmon
writes a parameter file for the Kreis and for every Gemeinde (existing files are kept), so
that ``intmon run`` makes all their reports, each with the indicators that exist at its
level. The delivery list (``lieferliste_<AGS>.md``) sorts every indicator of the catalogue:

- available for the Kreis and all its Gemeinden;
- available for the Kreis only: which counts (variable and group) are missing per Gemeinde,
  and from which source the catalogue takes them — what the Kreis would need to deliver;
- defined only above the Gemeinden (e.g. the unemployment rate needs the labour force,
  which exists from the Kreis upwards): nothing to deliver;
- available nowhere: what is missing for the Kreis as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .catalogue import load_catalogue
from .errors import DataError
from .fileio import write_text
from .indicators import compute_indicators
from .statuses import VALUED_INDICATORS, VALUED_OBSERVATIONS
from .store import ObservationStore
from .texts import text
from .vocabulary import load_vocabulary

MUNICIPALITY = "municipality"


@dataclass
class Kit:
    kreis: str
    gemeinden: list[str]
    written: list[Path]
    kept: list[Path]
    delivery: pd.DataFrame  # one row per indicator: id, topic, state, missing, source
    list_path: Path


def _members(areas: pd.DataFrame, kreis: str) -> tuple[str, list[str]]:
    row = areas[areas["area_id"] == kreis]
    if row.empty:
        raise DataError(
            f"{kreis} is not in the area register -> import the Gemeindeverzeichnis first "
            f"(intmon import AuszugGV…xlsx) and give the Kreis's 5-digit key"
        )
    gemeinden = areas.loc[
        (areas["parent_id"] == kreis) & (areas["level"] == MUNICIPALITY), "area_id"
    ].tolist()
    if not gemeinden:
        raise DataError(
            f"{kreis} ({row['name'].iloc[0]}) has no Gemeinden in the area register -> import "
            f"the Gemeindeverzeichnis (intmon import AuszugGV…xlsx), or give a Landkreis"
        )
    return str(row["name"].iloc[0]), sorted(gemeinden)


def _parameter_files(folder: Path, areas: pd.DataFrame, ids: list[str], year: int):
    names = areas.set_index("area_id")["name"]
    written, kept = [], []
    for area in ids:
        path = folder / f"{area}.yml"
        if path.exists():
            kept.append(path)
            continue
        body = {"area_id": area, "name": str(names[area]), "year": year}
        write_text(path, yaml.safe_dump(body, allow_unicode=True, sort_keys=False))
        written.append(path)
    return written, kept


def delivery_table(
    observations: pd.DataFrame, kreis: str, gemeinden: list[str], lang: str = "de"
) -> pd.DataFrame:
    """Per indicator of the catalogue (not survey-based): where it is available and what is
    missing for the Gemeinden."""
    table = compute_indicators(observations)
    ok = table[table["status"].isin(VALUED_INDICATORS) & (table["sex"] == "total")]
    have = ok.groupby("indicator_id")["area_id"].agg(set)
    valued = observations[observations["status"].isin(VALUED_OBSERVATIONS)]
    counts = valued.groupby(["variable", "group"])["area_id"].agg(set)
    vocab = load_vocabulary()
    rows = []
    for ind in load_catalogue():
        if ind.survey is not None or ind.spatial is not None:
            continue
        areas = have.get(ind.id, set())
        n = len(set(gemeinden) & areas)
        missing = sorted(
            {
                f"{vocab.label('variable', s.variable, lang)} "
                f"({vocab.label('group', s.group or g, lang)})"
                for s in (*ind.numerator, *ind.denominator)
                for g in ind.groups
                if not set(gemeinden) <= counts.get((s.variable, s.group or g), set())
            }
        )
        if n == len(gemeinden):
            state = "all"
        elif MUNICIPALITY not in ind.levels:
            state = "not_defined"
        elif kreis in areas:
            state = "kreis_only"
        else:
            state = "nowhere"
        rows.append(
            {
                "indicator_id": ind.id,
                "name": ind.text("name", lang),
                "topic": ind.topic,
                "state": state,
                "gemeinden_with_values": n,
                "missing": "; ".join(missing) if state in ("kreis_only", "nowhere") else "",
                "source": ind.text("source", lang),
            }
        )
    return pd.DataFrame(rows)


def _markdown(kit_name: str, kreis: str, n_gem: int, d: pd.DataFrame, lang: str) -> str:
    def t(key, **kw):
        return text(f"kit_{key}", lang, **kw)

    out = [f"# {t('title', name=kit_name, ags=kreis)}", "", t("intro", n=n_gem), ""]
    for state in ("kreis_only", "nowhere", "all", "not_defined"):
        part = d[d["state"] == state]
        out += [f"## {t(state)} ({len(part)})", ""]
        if part.empty:
            out += [t("none"), ""]
            continue
        if state in ("kreis_only", "nowhere"):
            out += [f"| {t('indicator')} | {t('missing')} | {t('source')} |", "|---|---|---|"]
            out += [
                f"| {r.name} (`{r.indicator_id}`) | {r.missing} | {r.source} |"
                for r in part.itertuples()
            ]
        else:
            out += [f"- {r.name} (`{r.indicator_id}`)" for r in part.itertuples()]
        out.append("")
    return "\n".join(out)


def landkreis_kit(
    store: ObservationStore, parameter_dir: Path, kreis: str, year: int, lang: str = "de"
) -> Kit:
    """Parameter files for the Kreis and its Gemeinden, and the delivery list."""
    areas = store.read_areas()
    name, gemeinden = _members(areas, kreis)
    written, kept = _parameter_files(parameter_dir, areas, [kreis, *gemeinden], year)
    d = delivery_table(store.read_observations(), kreis, gemeinden, lang)
    path = write_text(
        parameter_dir / f"lieferliste_{kreis}.md", _markdown(name, kreis, len(gemeinden), d, lang)
    )
    return Kit(kreis, gemeinden, written, kept, d, path)
