"""Safe re-imports (intmon_utils/changes.py, ObservationStore.transaction): a source is the
table, not the file name; an import replaces exactly the areas, years and variables it covers;
a file cut short is refused or cannot wipe data; every change is in the data log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from intmon_utils.cli import main
from intmon_utils.errors import DataError
from intmon_utils.sources.district import import_district_table, read_district_report
from intmon_utils.store import ObservationStore

AREAS = {"N": "Nordstadt", "S": "Südstadt", "W": "Weststadt", "O": "Oststadt"}
GROUPS = {"insgesamt": 1000, "Ausländer": 200, "Migrationshintergrund": 300}
MAPPING = {
    "table": "einwohner",
    "municipality": {"id": "99102000", "name": "Langstadt"},
    "areas": {"name_column": "Gebiet", "code_by_name": {v: k for k, v in AREAS.items()}},
    "year": {"column": "Jahr"},
    "layout": "long",
    "label_columns": ["Gruppe"],
    "value_column": "Wert",
    "labels": [
        {"match": "insgesamt", "variable": "population"},
        {"match": "Ausländer", "variable": "population", "group": "foreign"},
        {
            "match": "Migrationshintergrund",
            "variable": "population",
            "group": "with_migration_background",
        },
    ],
}


def long_rows(years, by_group_first: bool = False, bump: int = 0) -> list[str]:
    """Rows of a long district table: per year, area and group one value (values differ)."""
    keys = [(y, a, g) for y in years for a in AREAS for g in GROUPS]
    if by_group_first:  # sorted by group: the migration rows come last
        keys.sort(key=lambda k: list(GROUPS).index(k[2]))
    rows = []
    for y, a, g in keys:
        value = GROUPS[g] + 10 * list(AREAS).index(a) + (y - 2020) + bump
        rows.append(f"{y};{AREAS[a]};{g};{value}\n")
    return rows


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("Jahr;Gebiet;Gruppe;Wert\n" + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture()
def mapping(tmp_path) -> Path:
    path = tmp_path / "mapping.yml"
    path.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def store(tmp_path, mapping) -> ObservationStore:
    """A store holding the complete table for 2021 and 2022 (24 observations)."""
    store = ObservationStore(tmp_path / "data")
    import_district_table(
        [write(tmp_path, "einwohner.csv", long_rows([2021, 2022]))], store, mapping
    )
    assert len(store.read_observations()) == 24
    return store


# -- files cut short -------------------------------------------------------------------------


def test_a_file_cut_inside_a_number_is_refused(tmp_path, mapping):
    text = "Jahr;Gebiet;Gruppe;Wert\n" + "".join(long_rows([2022]))
    path = tmp_path / "cut.csv"
    path.write_text(text[:-2], encoding="utf-8")  # "…;Migrationshintergrund;33" of 331
    with pytest.raises(DataError, match=r"ends without a line break inside the value '33'"):
        read_district_report(path, mapping)


def test_a_file_cut_inside_a_row_is_refused(tmp_path, mapping):
    text = "Jahr;Gebiet;Gruppe;Wert\n" + "".join(long_rows([2022]))
    path = tmp_path / "cut.csv"
    path.write_text(text[: text.rindex(";")], encoding="utf-8")  # the value is missing
    with pytest.raises(DataError, match=r"rows that end before the columns .*row 13"):
        read_district_report(path, mapping)


def test_a_complete_file_without_final_line_break_is_read(tmp_path, mapping):
    """The last line may lack a line break when the file does not end in a value cell
    (Berlin's Planungsraum file ends with its key column)."""
    path = tmp_path / "ok.csv"
    rows = [f"{v};{g};{y};{a}" for y, a, g, v in (r.strip().split(";") for r in long_rows([2022]))]
    path.write_text("Wert;Gruppe;Jahr;Gebiet\n" + "\n".join(rows), encoding="utf-8")
    assert len(read_district_report(path, mapping).observations) == 12


def test_a_file_cut_at_a_line_cannot_wipe_the_store(tmp_path, mapping, store):
    """The case that lost data before: a file sorted by group and cut before its migration
    rows. The mapping's migration label matches no row: the import stops, the store is
    unchanged."""
    before = store.fingerprint()
    cut = long_rows([2021, 2022], by_group_first=True)[:16]
    path = write(tmp_path, "einwohner.csv", cut)
    with pytest.raises(DataError, match=r"labels\[2\] .*'migrationshintergrund'.* matches no"):
        import_district_table([path], store, mapping)
    assert store.fingerprint() == before


def test_a_file_cut_inside_a_group_cannot_wipe_the_store(tmp_path, mapping, store):
    """Cut after half of the migration rows: it would remove 4 stored values and add none,
    so it stops and names the loss; --replace makes the loss happen, with its counts."""
    before = store.fingerprint()
    path = write(tmp_path, "einwohner.csv", long_rows([2021, 2022], by_group_first=True)[:20])
    with pytest.raises(DataError, match=r"removes 4 observations and adds only 0.*--replace"):
        import_district_table([path], store, mapping)
    assert store.fingerprint() == before
    with store.transaction(replace=True) as staged:
        import_district_table([path], store, mapping)
    (change,) = staged.changes
    assert (change.added, change.unchanged, change.removed) == (0, 20, 4)
    assert len(store.read_observations()) == 20


def test_a_mistyped_label_is_an_error_with_did_you_mean(tmp_path, mapping):
    typo = {**MAPPING, "labels": [*MAPPING["labels"][:2], {**MAPPING["labels"][2]}]}
    typo["labels"][2]["match"] = "Migrationshintergrnd"
    path = tmp_path / "typo.yml"
    path.write_text(yaml.safe_dump(typo, allow_unicode=True), encoding="utf-8")
    data = write(tmp_path, "einwohner.csv", long_rows([2022]))
    with pytest.raises(DataError, match=r"did you mean 'migrationshintergrund'\?"):
        read_district_report(data, path)
    typo["labels"][2]["match"] = "Zugewanderte"  # nothing like it: maybe another file's label
    path.write_text(yaml.safe_dump(typo, allow_unicode=True), encoding="utf-8")
    assert len(read_district_report(data, path).observations) == 8
    with pytest.raises(DataError, match=r"'zugewanderte'\) matches no row of .*einwohner.csv"):
        import_district_table([data], ObservationStore(tmp_path / "data"), path)


# -- the yearly cycle ------------------------------------------------------------------------


def test_a_new_years_file_adds_a_year_whatever_its_name(tmp_path, mapping, store):
    path = write(tmp_path, "einwohner.csv", long_rows([2023]))  # same name as last year's
    import_district_table([path], store, mapping)
    back = store.read_observations()
    assert sorted(back["year"].unique()) == [2021, 2022, 2023] and len(back) == 36
    log = pd.read_csv(store.root / "imports.csv")
    assert log[["added", "replaced", "removed"]].iloc[-1].tolist() == [12, 0, 0]
    assert log["source"].iloc[-1] == "district_99102000_einwohner"


def test_a_revision_replaces_exactly_what_it_covers(tmp_path, mapping, store):
    rows = long_rows([2022])
    rows[0] = rows[0].replace(";1002\n", ";1003\n")  # one revised value (Nordstadt, total)
    with store.transaction() as staged:
        import_district_table([write(tmp_path, "revision.csv", rows)], store, mapping)
    (change,) = staged.changes
    assert (change.added, change.replaced, change.unchanged, change.removed) == (0, 1, 11, 0)
    back = store.read_observations().set_index(["area_id", "year", "group"])["value"]
    assert back[("99102000-N", 2022, "total")] == 1003
    assert back[("99102000-N", 2021, "total")] == 1001  # the other year untouched


def test_a_reimport_that_would_drop_a_year(tmp_path, mapping, store, capsys):
    """Without --replace the year stays; --replace --dry-run says it would go and writes
    nothing; --replace drops it."""
    path = write(tmp_path, "nur2022.csv", long_rows([2022]))
    data = str(store.root)
    before = store.fingerprint()
    args = ["import", "district", str(path), "--mapping", str(mapping), "--data", data]
    assert main([*args, "--replace", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was written" in out
    assert "source district_99102000_einwohner (replace): 0 added" in out
    assert "12 removed; years removed 2021" in out
    assert store.fingerprint() == before
    assert main(args) == 0
    assert "0 added, 0 replaced, 12 unchanged, 0 removed" in capsys.readouterr().out
    assert sorted(store.read_observations()["year"].unique()) == [2021, 2022]
    assert main([*args, "--replace"]) == 0
    assert sorted(store.read_observations()["year"].unique()) == [2022]


def test_two_files_of_one_import_for_the_same_year_are_refused(tmp_path, mapping):
    store = ObservationStore(tmp_path / "data")
    a = write(tmp_path, "a.csv", long_rows([2022]))
    b = write(tmp_path, "b.csv", long_rows([2022], bump=1))
    with pytest.raises(DataError, match=r"b.csv and .*a.csv both hold source"):
        import_district_table([a, b], store, mapping)
    assert not store.root.exists() or not any(store.root.rglob("*.parquet"))


def test_an_import_of_several_files_writes_all_or_nothing(tmp_path, mapping):
    store = ObservationStore(tmp_path / "data")
    good = write(tmp_path, "2021.csv", long_rows([2021]))
    bad = write(tmp_path, "2022.csv", [*long_rows([2022])[:-1], "2022;Nordstadt;insgesamt;-5\n"])
    with pytest.raises(DataError, match="negative count"):
        import_district_table([good, bad], store, mapping)
    assert not store.root.exists() or not any(store.root.rglob("*.parquet"))


def test_data_sources_and_remove(tmp_path, mapping, store, capsys):
    assert main(["data", "sources", "--data", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "district_99102000_einwohner" in out and "2021–2022" in out
    assert main(["data", "remove", "district_99102000_einwohner", "--data", str(store.root)]) == 0
    assert "24 observations removed" in capsys.readouterr().out
    log = pd.read_csv(store.root / "imports.csv")
    assert log[["source", "removed"]].iloc[-1].tolist() == ["district_99102000_einwohner", 24]
    assert main(["data", "remove", "nosuch", "--data", str(store.root)]) == 2
    assert "no source 'nosuch'" in capsys.readouterr().err
