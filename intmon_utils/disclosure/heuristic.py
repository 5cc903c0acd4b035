"""The hierarchical suppression heuristic (primary and secondary suppression).

Specification: docs/methods/disclosure-control.md; place in the data flow: docs/architecture.md.

Rules (documented in the README and in every report's methods section):

1. **Primary suppression.** A count (persons, households, marriages) with
   ``0 < value < min_count`` is suppressed. True zeros stay visible as ``-``, as in official
   tables. Amounts and published rates (m², percentages) have no threshold.
2. **Secondary suppression.** Published cells are tied by additive identities: a total equals
   the sum of its parts over groups (German + foreign, with + without migration background),
   sexes, nested age bands (``vocabulary.yml`` partitions) and areas (a municipality equals
   the sum of its sub-districts in the area register). In every identity, a secret cell must
   never be the only unknown: where it is, the smallest other visible part is suppressed too,
   and this repeats until no identity has exactly one secret cell. Where a part is absent from
   the data altogether and is the only unknown, its value follows by subtraction; if that value
   is below the threshold another part is suppressed as well.
3. Suppressing a cell suppresses every indicator computed from it (the engine never turns a
   secret input into a number).

This is the classic hierarchical heuristic used by statistical offices; it does not solve the
full linear-programming audit for arbitrary overlapping tables (age bands are kept laminar so
that the identities above cover every difference a reader can form).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..statuses import SYMBOL_ONLY
from ..vocabulary import load_vocabulary
from .identities import CELL_KEYS, Identities

SECRET = "secret"
COUNT_UNITS = {"persons", "households", "marriages"}


def is_count(obs: pd.DataFrame) -> np.ndarray:
    """Counts of units (persons, households, marriages) are protected; amounts and published
    rates (m², percentages) are not counts and have no threshold."""
    counts = [v for v, spec in load_vocabulary().variables.items() if spec["unit"] in COUNT_UNITS]
    return obs["variable"].isin(counts).to_numpy()


def per_cell(min_count, n: int) -> np.ndarray:
    """The threshold of each of ``n`` cells from one threshold or one per cell."""
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer | np.ndarray):
        raise DataError(f"disclosure min_count must be a whole number >= 1, got {min_count!r}")
    out = np.broadcast_to(np.asarray(min_count, dtype="int64"), (n,))
    if n and out.min() < 1:
        raise DataError(f"disclosure min_count must be >= 1, got {int(out.min())}")
    return out


def cell_state(obs: pd.DataFrame):
    value = obs["value"].to_numpy(dtype="float64")
    known = ~obs["status"].isin(list(SYMBOL_ONLY)).to_numpy()
    secret = obs["status"].to_numpy() == SECRET
    return value, known, secret


def protect(
    observations: pd.DataFrame,
    areas: pd.DataFrame,
    min_count: int | np.ndarray = 3,
    max_rounds: int = 100,
    force: np.ndarray | None = None,
    ids: Identities | None = None,
) -> pd.DataFrame:
    """Return the observations with small and recoverable counts suppressed.

    Suppressed cells get ``status='secret'``, an empty value and ``disclosure`` set to
    ``'primary'`` or ``'secondary'`` (internal: never published); cells the source itself
    kept secret keep ``''``. ``min_count`` is one threshold or one per cell (see ``policy``);
    ``force`` marks further cells to suppress (found by the audit); ``ids`` are the
    identities of these observations when already built.
    """
    obs = observations.reset_index(drop=True).copy()
    min_count = per_cell(min_count, len(obs))
    value, known, source_secret = cell_state(obs)
    primary = known & (value > 0) & (value < min_count) & is_count(obs)
    secret = source_secret | primary
    unknown = ~known | primary
    disclosure = np.where(primary, "primary", "").astype(object)
    if force is not None:
        extra = force & ~secret
        secret |= extra
        unknown |= extra
        disclosure[extra] = "secondary"
    ids = ids or Identities(obs, areas)
    limit = ids.threshold(min_count)

    for _ in range(max_rounds):
        violated = ids.recoverable(unknown, secret, value, limit)
        # candidates: visible non-zero members of violated identities (a zero hides nothing,
        # and an attacker may assume that a suppressed cell is not zero, since zeros are
        # published as "-"); prefer parts over totals, then the smallest value
        cand = violated[ids.ident] & ~unknown[ids.cell] & (np.nan_to_num(value[ids.cell]) > 0)
        if not cand.any():
            break
        c = pd.DataFrame(
            {
                "identity": ids.ident[cand],
                "cell": ids.cell[cand],
                "parent": ~ids.is_child[cand],
                "value": value[ids.cell[cand]],
            }
        )
        chosen = (
            c.sort_values(["identity", "parent", "value", "cell"])
            .drop_duplicates("identity")["cell"]
            .to_numpy()
        )
        secret[chosen] = True
        unknown[chosen] = True
        disclosure[chosen] = np.where(disclosure[chosen] == "", "secondary", disclosure[chosen])
    else:
        raise DataError(
            f"disclosure control did not converge in {max_rounds} rounds; "
            f"report this with the data set"
        )

    newly = secret & ~source_secret
    obs.loc[newly, "status"] = SECRET
    obs.loc[newly, "value"] = np.nan
    obs["disclosure"] = disclosure.astype(str)
    return obs


def violations(
    observations: pd.DataFrame, areas: pd.DataFrame, min_count: int | np.ndarray
) -> pd.DataFrame:
    """Audit a protected table: visible small counts and identities with one lone secret.

    Returns one row per problem (empty when the table is safe). Used by tests and by
    ``intmon run`` as a last check before anything is published.
    """
    obs = observations.reset_index(drop=True)
    min_count = per_cell(min_count, len(obs))
    value, known, secret = cell_state(obs)
    small = known & (value > 0) & (value < min_count) & is_count(obs)
    ids = Identities(obs, areas)
    bad = ids.recoverable(~known, secret, value, ids.threshold(min_count))
    parents = ids.cell[~ids.is_child & bad[ids.ident]]
    return pd.concat(
        [
            obs.loc[small, CELL_KEYS].assign(problem="visible count below threshold"),
            obs.loc[parents, CELL_KEYS].assign(
                problem="identity with a single secret part (recoverable by subtraction)"
            ),
        ],
        ignore_index=True,
    )
