"""Survey microdata (Bürgerumfrage): CSV, Parquet or SPSS ``.sav``.

SPSS files are read with pyreadstat as numeric codes (value labels are not applied), so the
answer codes named in the catalogue (``survey.positive``) match. The column contract is in
:mod:`intmon_utils.survey`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..store import ObservationStore
from .canonical import read_table


def read_survey(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if path.suffix.lower() == ".sav":
        import pyreadstat

        try:
            df, _ = pyreadstat.read_sav(str(path), apply_value_formats=False)
        except Exception as exc:  # pyreadstat raises its own error types for broken files
            raise DataError(f"{path}: cannot read as SPSS .sav ({exc})") from None
        # ids written as numbers in SPSS lose leading zeros: restore them only if unambiguous
        if pd.api.types.is_numeric_dtype(df.get("area_id")):
            raise DataError(
                f"{path}: column 'area_id' is numeric in the SPSS file; store it as a "
                f"string variable (A8) so AGS keep their leading zeros"
            )
        return df
    return read_table(path)


def import_survey(paths, store: ObservationStore) -> str:
    """Survey microdata (CSV, Parquet or SPSS .sav) with weights, groups and item codes."""
    messages = []
    frames = [(Path(p), read_survey(p)) for p in paths]
    for path, df in frames:
        if df.empty:
            raise DataError(f"{path}: no respondents (only a header) -> nothing was imported")
        target = store.write_survey(df, f"survey_{path.stem}", origin=str(path))
        messages.append(f"{path}: {len(df)} respondents written to {target}")
    return "\n".join(messages)
