"""The catalogue: complete in both languages, consistent with the vocabulary, computable."""

import pytest

from intmon_utils.catalogue import TEXT_FIELDS, load_catalogue, parse_catalogue
from intmon_utils.errors import CatalogueError
from intmon_utils.statuses import VALUED_INDICATORS
from intmon_utils.texts import LANGUAGES
from intmon_utils.topics import TOPICS
from intmon_utils.vocabulary import load_vocabulary


def test_size_per_topic():
    cat = load_catalogue()
    for topic in TOPICS[1:]:
        assert len(cat.by_topic(topic)) >= 6, topic
    ids = {i.id for i in cat.by_topic("demography")}
    assert {
        "demography.foreign_share",
        "demography.migration_background_share",
        "demography.naturalisations_per_1000_foreigners",
    } <= ids


def test_every_text_in_both_languages_and_distinct():
    for ind in load_catalogue():
        for field in TEXT_FIELDS:
            de, en = (ind.text(field, lang) for lang in LANGUAGES)
            assert len(de) > 3 and len(en) > 3, (ind.id, field)
        assert ind.text("name", "de") != ind.text("name", "en"), ind.id  # English is not a copy
        for ref in ind.references:
            assert ref.ref and ref.note.de and ref.note.en


def test_every_variable_in_vocabulary():
    vocab = load_vocabulary()
    for ind in load_catalogue():
        assert ind.variables <= set(vocab.variables)


def test_every_indicator_computes_on_demo_data(demo_published):
    _, table = demo_published
    ok = table[table["status"].isin(VALUED_INDICATORS)]
    for ind in load_catalogue():
        got = ok[ok["indicator_id"] == ind.id]
        assert len(got), f"{ind.id} has no value anywhere in the demo data"
        assert set(ind.groups) <= set(got["group"]), ind.id


def test_invalid_entry_is_rejected():
    raw = load_catalogue()
    entry = {
        "id": "labor.x",
        "topic": "labor",
        "unit": "percent",
        "direction": "neutral",
        "numerator": {"variable": "unemployd"},
        "denominator": {"variable": "population"},
        "levels": ["district"],
        "references": [{"ref": "r", "note": {"de": "a", "en": "b"}}],
        **{f: {"de": "a", "en": "b"} for f in TEXT_FIELDS},
    }
    with pytest.raises(CatalogueError, match="unemployd"):
        parse_catalogue({"indicators": [entry]})
    entry["numerator"] = {"variable": "unemployed"}
    entry["caveats"] = {"de": "a"}
    with pytest.raises(CatalogueError, match="caveats.*en"):
        parse_catalogue({"indicators": [entry]})
    assert len(raw) >= 30


def _entry(**changes):
    return {
        "id": "housing.x",
        "topic": "housing",
        "unit": "ratio",
        "direction": "neutral",
        "levels": ["municipality"],
        "references": [{"ref": "r", "note": {"de": "a", "en": "b"}}],
        **{f: {"de": "a", "en": "b"} for f in TEXT_FIELDS},
        **changes,
    }


@pytest.mark.parametrize(
    "changes, key, message",
    [
        (
            {"spatial": {"measure": "dissimilarity", "variable": "population", "group": "foreign"}},
            "indicators[0].spatial",
            "give 'other'",
        ),
        ({"numerator": {"variable": "unemployed"}}, "indicators[0]", "numerator and denominator"),
        (
            {
                "spatial": {"measure": "isolation", "variable": "population", "group": "foreign"},
                "numerator": {"variable": "unemployed"},
            },
            "indicators[0]",
            "no numerator",
        ),
        ({"cavaets": {"de": "a", "en": "b"}}, "indicators[0].cavaets", "did you mean 'caveats'"),
        ({"id": "labor.x"}, "indicators[0]", "must start with its topic"),
    ],
)
def test_catalogue_errors_name_the_key(changes, key, message):
    with pytest.raises(CatalogueError, match=message) as err:
        parse_catalogue({"indicators": [_entry(**changes)]})
    assert err.value.key == key


def test_duplicate_ids_are_rejected():
    spatial = {"spatial": {"measure": "isolation", "variable": "population", "group": "foreign"}}
    with pytest.raises(CatalogueError, match="occurs twice"):
        parse_catalogue({"indicators": [_entry(**spatial), _entry(**spatial)]})


def test_vocabulary_file_is_validated():
    from intmon_utils.errors import VocabularyFileError
    from intmon_utils.vocabulary import VocabularyFile

    label = {"de": "a", "en": "b"}
    raw = {
        "variables": {},
        "groups": {"total": label},
        "sexes": {"total": label},
        "ages": {"total": label},
        "area_levels": {},
        "partitions": {"group": {"total": [["german", "foreign"]]}},
    }
    from intmon_utils.config import parse

    with pytest.raises(VocabularyFileError, match="unknown values") as err:
        parse(VocabularyFile, raw, "vocabulary.yml", VocabularyFileError)
    assert err.value.key == "partitions.group.total"
    # an unquoted label with a comma becomes an extra key
    raw["groups"]["total"] = {"de": "a", "en": "b", "c": None}
    with pytest.raises(VocabularyFileError, match="unknown key"):
        parse(VocabularyFile, raw, "vocabulary.yml", VocabularyFileError)
