"""Data packages into the store (``intmon import package`` or recognised by its descriptor):
areas merged into the register, observations written source by source, every check of an
import applied."""

from __future__ import annotations

from pathlib import Path

from ..package import read_package
from ..store import ObservationStore


def import_package(paths, store: ObservationStore) -> str:
    """intmon data package (folder with datapackage.json), e.g. sent by the Land's statistics
    office."""
    packages = [(Path(p), *read_package(p)) for p in paths]
    messages = []
    with store.transaction():
        for path, obs, areas, descriptor in packages:
            store.merge_areas(areas, origin=str(path))
            for source_id, part in obs.groupby("source_id", sort=True):
                store.write_observations(
                    part.drop(columns="source_id"), str(source_id), origin=str(path)
                )
            cls = descriptor.get("intmon", {}).get("classification", "")
            messages.append(
                f"{path}: {len(obs):,} observations of {obs['area_id'].nunique()} areas from "
                f"{obs['source_id'].nunique()} sources ({cls})"
            )
    return "\n".join(messages)
