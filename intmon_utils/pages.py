"""HTML pages outside the notebooks, rendered from the Jinja2 templates in ``templates/``.

Every page extends ``templates/base.html`` (language, charset, viewport, inline CSS; no
external requests). Autoescaping is on and an undefined name is an error, so a template can
neither inject markup from data nor silently print nothing. Texts come from
``intmon_utils/texts/*.yml`` through the template function ``t(key, **values)``, which is
bound to the page's language.
"""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path

import jinja2

from .errors import IntmonError
from .texts import LANGUAGES, text

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _cell_text(value) -> str:
    """A cell value as text: ``None`` and NaN become an empty string."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared template environment (created once)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell_text
    return env


def render(template: str, lang: str = "de", **context) -> str:
    """The page ``template`` (a file name in ``templates/``) rendered in ``lang``."""
    if lang not in LANGUAGES:
        raise IntmonError(f"language {lang!r} is not supported; use one of {LANGUAGES}")
    return (
        environment()
        .get_template(template)
        .render(lang=lang, t=partial(text, lang=lang), **context)
    )
