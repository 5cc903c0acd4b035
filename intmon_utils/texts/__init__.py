"""Every text a reader sees, in German and English: one place, as data.

The ``*.yml`` files of this folder map a key to ``{de: ..., en: ...}`` (``str.format``
placeholders allowed). Code never switches on the language itself: it asks
``text(key, lang, **values)``. Keys are unique across the files; every key has both
languages (checked when the texts are loaded and by the tests).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..errors import IntmonError

LANGUAGES = ("de", "en")


@lru_cache(maxsize=1)
def all_texts() -> dict[str, dict[str, str]]:
    """Key -> {de, en}, merged from every ``*.yml`` of this package folder."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if key in merged:
                raise IntmonError(f"texts/{entry.name}: key '{key}' is defined twice")
            if (
                not isinstance(value, dict)
                or set(value) != set(LANGUAGES)
                or not all(isinstance(v, str) for v in value.values())
            ):
                raise IntmonError(
                    f"texts/{entry.name}: key '{key}' needs exactly the texts {LANGUAGES}"
                )
            merged[key] = value
    return merged


def text(key: str, lang: str, **values) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    if lang not in LANGUAGES:
        raise IntmonError(f"language {lang!r} is not supported; use one of {LANGUAGES}")
    try:
        template = all_texts()[key][lang]
    except KeyError:
        raise IntmonError(f"no text '{key}' in intmon_utils/texts/*.yml") from None
    return template.format(**values) if values else template
