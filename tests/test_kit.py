"""The Landkreis kit (intmon_utils/kit.py): parameter files for a Kreis and its Gemeinden from
the Land's data, and the list of what the Kreis would have to deliver."""

from __future__ import annotations

import shutil

import pytest
import yaml

from intmon_utils.cli import main
from intmon_utils.errors import DataError
from intmon_utils.kit import landkreis_kit
from intmon_utils.store import ObservationStore

from conftest import intmon

KREIS = "99201"  # Landkreis Hohe Wende in the demo Land, 7 Gemeinden


@pytest.fixture()
def workspace(tmp_path, demo_store):
    assert main(["init", str(tmp_path / "ws")]) == 0
    shutil.copytree(
        demo_store.root, tmp_path / "ws" / "data", ignore=shutil.ignore_patterns("derived")
    )
    return tmp_path / "ws"


def test_the_kit_writes_parameter_files_and_the_delivery_list(workspace):
    store = ObservationStore(workspace / "data")
    own = workspace / "parameters" / f"{KREIS}001.yml"
    own.write_text('area_id: "99201001"\nname: Meine Gemeinde\n', encoding="utf-8")
    kit = landkreis_kit(store, workspace / "parameters", KREIS, 2024)
    assert len(kit.gemeinden) == 7 and len(kit.written) == 7 and kit.kept == [own]
    assert own.read_text(encoding="utf-8").endswith("Meine Gemeinde\n")  # kept as it was
    written = yaml.safe_load((workspace / "parameters" / f"{KREIS}002.yml").read_text())
    assert written == {"area_id": f"{KREIS}002", "name": written["name"], "year": 2024}
    d = kit.delivery.set_index("indicator_id")
    # in the demo Land, employees at the place of work exist per Kreis only
    row = d.loc["labor.svb_foreign_share_workplace"]
    assert row["state"] == "kreis_only" and row["gemeinden_with_values"] == 0
    assert (
        "Sozialversicherungspflichtig Beschäftigte am Arbeitsort (Ausländerinnen" in row["missing"]
    )
    assert d.loc["demography.foreign_share", "state"] == "all"
    assert d.loc["labor.unemployment_rate", "state"] == "not_defined"  # labour force: Kreis up
    text = kit.list_path.read_text(encoding="utf-8")
    assert "## Nur für den Kreis vorhanden: was der Kreis je Gemeinde liefern müsste (1)" in text
    assert "`labor.svb_foreign_share_workplace`" in text


def test_the_kit_refuses_what_is_no_landkreis(workspace):
    store = ObservationStore(workspace / "data")
    with pytest.raises(DataError, match="has no Gemeinden in the area register"):
        landkreis_kit(store, workspace / "parameters", "99101000", 2024)  # a kreisfreie Stadt
    with pytest.raises(DataError, match="not in the area register"):
        landkreis_kit(store, workspace / "parameters", "98765", 2024)


@pytest.mark.slow
def test_a_landkreis_gets_reports_for_itself_and_its_gemeinden(workspace):
    proc = intmon("kit", KREIS, cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert "parameter files written: 8" in proc.stdout
    areas = [KREIS, f"{KREIS}001", f"{KREIS}004"]
    proc = intmon(
        "run", "--area", *areas, "--topic", "labor", "--jobs", "2", "--quiet", cwd=workspace
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for area in areas:
        report = workspace / "outputs" / "2024" / area / "labor.html"
        assert report.is_file(), area
        assert "Arbeitslosendichte" in report.read_text(encoding="utf-8")
