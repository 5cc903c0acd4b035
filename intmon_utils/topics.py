"""The topic areas of the monitoring: defined here, once.

Every indicator of the catalogue belongs to one of ``TOPICS``. Each of ``REPORT_TOPICS`` has
its own report notebook; the ``overview`` notebook shows the key figures of all of them
(``NOTEBOOK_TOPICS`` is what ``intmon run`` can execute). Names are texts
(``texts/topics.yml``).
"""

from __future__ import annotations

from .texts import text

TOPICS = ("demography", "education", "labor", "housing", "participation")
REPORT_TOPICS = TOPICS[1:]
OVERVIEW = "overview"
NOTEBOOK_TOPICS = (OVERVIEW, *REPORT_TOPICS)


def topic_label(topic: str, lang: str) -> str:
    """The name of a topic (or of the overview) in ``lang``."""
    return text(f"topic_{topic}", lang)


def topic_short_label(topic: str, lang: str) -> str:
    """A short name of a topic (a sheet name: at most 31 characters)."""
    return text(f"topic_short_{topic}", lang)


def report_title(name: str, year: int, topic: str, lang: str) -> str:
    """The title of a topic report: its heading and its page title."""
    return text("report_title", lang, name=name, year=year) + f": {topic_label(topic, lang)}"
