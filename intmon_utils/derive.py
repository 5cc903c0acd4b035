"""Complements a table does not publish, derived from what it does: ``German = total −
foreign``, ``male = total − female``, ``without migration background = total − with``.

A derivation must follow an identity of ``vocabulary.yml`` (the whole and its parts, one
part left out; a residual such as ``nationality_unknown`` that the table does not publish is
counted into the derived part, which the note says). A derived count gets status
``derived``: it is exact where its inputs are, enters indicators like a published count, is
protected like one, and its source text says how it was made, so every report that shows
it names the derivation. Where an input is secret or missing, nothing is derived; where the
table publishes the part itself, its own value is kept.
"""

from __future__ import annotations

import pandas as pd

from .errors import DataError
from .statuses import EXACT_OBSERVATIONS
from .vocabulary import DIMENSIONS, load_vocabulary

DERIVED = "derived"


def check_derivation(dimension: str, part: str, whole: str, minus: tuple[str, ...]) -> list[str]:
    """The residual parts the derived value absorbs; ValueError unless ``part`` and ``minus``
    are one split of ``whole`` in the vocabulary (residuals may be left out)."""
    vocab = load_vocabulary()
    given = {part, *minus}
    for parent, children in vocab.partition_pairs(dimension):
        if parent != whole or not given <= set(children):
            continue
        left = [c for c in children if c not in given]
        if all(c in vocab.residuals for c in left):
            return left
    splits = [" + ".join(c) for p, c in vocab.partition_pairs(dimension) if p == whole]
    raise ValueError(
        f"{dimension} {part} = {whole} − {' − '.join(minus)} is not an identity of the "
        f"vocabulary -> {whole} splits into {'; '.join(splits) or 'nothing'} "
        f"(intmon_utils/vocabulary.yml)"
    )


def derive_complement(
    obs: pd.DataFrame,
    dimension: str,
    part: str,
    whole: str,
    minus: tuple[str, ...],
    origin: str,
) -> pd.DataFrame:
    """Rows ``part = whole − sum(minus)`` for every key where the table has the whole and all
    parts as exact counts and not the part itself; status ``derived``."""
    if dimension not in DIMENSIONS:
        raise DataError(f"cannot derive along {dimension!r}; use one of {DIMENSIONS}")
    absorbed = check_derivation(dimension, part, whole, minus)
    keys = ["area_id", "area_level", "year", "variable", *[d for d in DIMENSIONS if d != dimension]]
    exact = obs[obs["status"].isin(EXACT_OBSERVATIONS)]
    top = exact[exact[dimension] == whole].set_index(keys)["value"]
    parts = exact[exact[dimension].isin(minus)]
    sums = parts.groupby(keys)["value"].agg(["sum", "size"])
    sums = sums[sums["size"] == len(minus)]["sum"]
    joined = pd.concat({"whole": top, "parts": sums}, axis=1, join="inner")
    have = obs[obs[dimension] == part].set_index(keys).index
    joined = joined[~joined.index.isin(have)]
    value = joined["whole"] - joined["parts"]
    if (value < 0).any():
        k = value[value < 0].index[0]
        raise DataError(
            f"{origin}: {' + '.join(minus)} exceed {whole} for {dict(zip(keys, k, strict=True))} "
            f"({joined['parts'][k]:,.0f} > {joined['whole'][k]:,.0f}), so {part} cannot be "
            f"derived -> check the mapping of these columns"
        )
    vocab = load_vocabulary()

    def label(word: str) -> str:
        return vocab.label(dimension, word, "de")

    note = f"{label(part)} = {label(whole)} − " + " − ".join(map(label, minus))
    if absorbed:
        note += " (einschl. " + ", ".join(map(label, absorbed)) + ")"
    source = obs.set_index(keys)["source"]
    source = source[~source.index.duplicated()].reindex(value.index)
    out = value.rename("value").reset_index()
    out[dimension] = part
    out["status"] = DERIVED
    out["source"] = source.fillna("").to_numpy() + f"; abgeleitet: {note}"
    return out
