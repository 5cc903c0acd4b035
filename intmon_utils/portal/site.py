"""What every portal page shares: the site's facts, its navigation and the page writer.

Pages are Jinja2 templates in ``templates/portal/`` extending ``layout.html`` (skip link,
header with navigation, main, footer with publisher, licence and data status). They link one
stylesheet and one script in ``assets/`` (written once per site) by a path relative to the
page (``root``), so the site works from the file system and from any web server.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import pages
from ..config.portal import Portal
from ..fileio import write_text
from ..texts import text

ASSETS = ("portal.css", "portal.js")
# page id -> (file below the year folder, text key of its name, template in
# templates/portal/); the navigation's order
NAVIGATION = {
    "start": ("index.html", "portal_nav_start", "start.html"),
    "reports": ("reports.html", "portal_nav_reports", "reports.html"),
    "catalogue": ("catalogue.html", "portal_nav_catalogue", "catalogue.html"),
    "methods": ("methods.html", "portal_nav_methods", "methods.html"),
    "downloads": ("downloads.html", "portal_nav_downloads", "downloads.html"),
    "easy": ("leichte-sprache.html", "portal_nav_easy", "easy.html"),
    "accessibility": ("barrierefreiheit.html", "portal_nav_accessibility", "accessibility.html"),
}


@dataclass(frozen=True)
class Site:
    """The facts every page prints."""

    year: int
    lang: str
    settings: Portal
    synthetic: bool
    data_as_of: str | None  # the date of the last import (None without a data log)

    @property
    def title(self) -> str:
        return self.settings.title or text("portal_title", self.lang, year=self.year)

    @property
    def licence(self) -> tuple[str, str | None]:
        return self.settings.licence_title()

    def t(self, key: str, **values) -> str:
        return text(key, self.lang, **values)

    def figure_note(self, source: str) -> str:
        """The line above a figure: the portal, the source and, for demo data, the mark."""
        parts = [self.title, f"{self.t('report_sources')}: {source}"]
        if self.synthetic:
            parts.append(self.t("report_figure_synthetic"))
        return " · ".join(parts)

    def navigation(self, root: str, current: str) -> list[dict]:
        return [
            {"href": root + path, "label": self.t(key), "current": page == current}
            for page, (path, key, _) in NAVIGATION.items()
        ]

    def write(self, template: str, target: Path, root: str, current: str, **context) -> Path:
        """Render ``templates/portal/<template>`` to ``target`` (``root``: the way from the
        page's folder to the year folder, ``""`` or ``"../"``)."""
        page = pages.render(
            f"portal/{template}",
            lang=self.lang,
            site=self,
            root=root,
            nav=self.navigation(root, current),
            **context,
        )
        return write_text(target, page)

    def write_page(self, page: str, year_dir: Path, **context) -> Path:
        """One of the pages of the navigation (``NAVIGATION``), in the year folder."""
        path, _, template = NAVIGATION[page]
        return self.write(template, year_dir / path, root="", current=page, **context)


def write_assets(year_dir: Path) -> list[Path]:
    """The site's stylesheet and script, once per site (rewritten only when changed)."""
    written = []
    folder = resources.files("intmon_utils").joinpath("templates", "portal", "assets")
    for name in ASSETS:
        content = folder.joinpath(name).read_text(encoding="utf-8")
        target = year_dir / "assets" / name
        if not target.is_file() or target.read_text(encoding="utf-8") != content:
            write_text(target, content)
        written.append(target)
    return written
