"""Large delimited files read in bounded memory: only the columns used, each as categories.

Official flat files repeat the same codes and labels on every row (a 200 MB GENESIS flat file
has some 700,000 rows but only thousands of distinct texts per column). pyarrow streams such a
file in blocks of 1 MiB and keeps each column as a dictionary, so memory grows with the
distinct values and four bytes a row, not with the file; what a reader does to a text (strip,
reformat, join) is then done once per distinct value (:func:`recoded`, :func:`joined`), and a
column becomes text (:func:`as_text`) only where a reader needs it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError


def header(path: Path, encoding: str, sep: str) -> list[str]:
    """The column names of the file's first line."""
    with open(path, encoding=encoding, newline="") as fh:
        return next(csv.reader([fh.readline()], delimiter=sep), [])


def read_columns(path: Path, encoding: str, sep: str, columns: list[str]) -> dict[str, pd.Series]:
    """These columns of every row, as categoricals of text (empty cells stay ``""``).

    A row with fewer or more fields than the header is an error naming the first such row
    (counted like the lines of the file, blank lines left out) and how many there are."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    wrong: dict[str, list[int]] = {"fewer": [], "more": []}

    def invalid(row) -> str:
        wrong["fewer" if row.actual_columns < row.expected_columns else "more"].append(row.number)
        return "skip"

    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            # pyarrow skips a UTF-8 BOM itself; other encodings are decoded block by block
            encoding="utf8" if encoding.startswith("utf-8") else encoding,
            use_threads=False,  # in order, so that a bad row's number is known
        ),
        parse_options=pacsv.ParseOptions(delimiter=sep, invalid_row_handler=invalid),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns,
            column_types=dict.fromkeys(columns, pa.dictionary(pa.int32(), pa.string())),
        ),
    )
    for kind, rows in wrong.items():
        if rows:
            raise DataError(
                f"{path}: row {rows[0]} has {kind} fields than the header ({len(rows)} rows): "
                f"the file is {'cut short or ' if kind == 'fewer' else ''}damaged -> download "
                f"it again; nothing was imported"
            )
    return {c: table.column(c).to_pandas() for c in columns}


def recoded(column: pd.Series, edit: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """A categorical column with ``edit`` applied to each distinct value (values that become
    equal become one category)."""
    codes, values = pd.factorize(edit(pd.Series(column.cat.categories, dtype="str")))
    return pd.Series(pd.Categorical.from_codes(codes[column.cat.codes.to_numpy()], values))


def joined(columns: list[pd.Series], join: Callable[[tuple[str, ...]], str]) -> pd.Series:
    """A categorical column made of several (``join`` of their values), each distinct
    combination joined once."""
    combos, which = np.unique(
        np.column_stack([c.cat.codes.to_numpy() for c in columns]), axis=0, return_inverse=True
    )
    names = [c.cat.categories for c in columns]
    texts = [join(tuple(names[i][code] for i, code in enumerate(combo))) for combo in combos]
    return pd.Series(pd.Categorical.from_codes(which.ravel(), pd.Index(texts, dtype="str")))


def as_text(column: pd.Series) -> pd.Series:
    """A categorical column as text (``str``)."""
    values = pd.Series(column.cat.categories, dtype="str")
    return values.take(column.cat.codes.to_numpy()).set_axis(column.index)
