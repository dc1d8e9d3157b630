"""The Pelican generator of /imprimer/: the print index, one print-ready page per booklet
(booklets.py) and one A4 poster per actor, each record with a QR code to its page on the
territory's public address. With `print.pdf: true` it also writes each booklet's PDFs (A4 and
A5, pdf.py), as `essaim print` does after a build.

A booklet's page depends on its actors only (its date is that of its latest record, not the
build's): an unchanged booklet is neither rendered nor printed again.

The QR codes and posters, one of each per actor, are shared with forked workers (forked.py)
when there are many: they make them while this process writes the booklets and Pelican runs
the other parts, and the PDFs, which show the codes, are made once they are all written."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import forked
from ..chrome import Chrome
from ..codekey import CODE_KEY
from ..i18n import _
from ..output import make_key, record_keys
from ..part import Part
from ..records.model import Actor
from .booklets import Booklet, booklets
from .pdf import PAGE_SIZES
from .qr import qr_svg

logger = logging.getLogger(__name__)
PART = "print"
PDF_SIZES = tuple(PAGE_SIZES)  # a4, a5: the sizes pdf.py knows


def short_url(url: str) -> str:
    """An address as a person types it: no scheme, no trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")


class PrintGenerator(Part):
    """Writes /imprimer/ (switch: `features.print` in territory.yml)."""

    PART = PART

    def write(self) -> list[str]:
        site, urls, files = self.site, self.site.urls, self.files
        # one header and one footer for the thousands of posters and booklets
        self.env.globals["chrome"] = Chrome(
            self.get_template("_header"), self.get_template("_footer"), self.context
        )
        self.qr_home = self._qr_file("site")
        self.entries: dict[str, Markup] = {}  # an actor's entry, made once for every booklet
        self.entry_macro = self.get_template("_macros").module.print_entry
        self.jobs = self._qr_jobs() + [partial(self._poster, actor) for actor in site.directory.actors]
        self.get_template("poster")  # compiled once, before the workers are forked
        self.background: forked.Workers | None = forked.start(
            self.jobs, files, site.jobs, "print", self._finish
        )
        found = booklets(site.directory, site.territory.printed["max_entries"])
        self.pdf = site.territory.printed["pdf"] and self._can_print()
        pages = [urls.path("print")]
        self.written: list[tuple[Booklet, str, str]] = []  # (booklet, page, its key): for the PDFs
        for booklet in found:
            if not booklet.made:
                continue
            path = f"{urls.path('print')}{booklet.path}/"
            save_as = urls.save_as(path)
            key = make_key(self.build_key(), record_keys(booklet.actors), [a.slug for a in booklet.actors])
            pages.append(path)
            self.written.append((booklet, save_as, key))
            if files.is_fresh(save_as, key):
                continue
            files.write(save_as, self._render("booklet", save_as, path, booklet=booklet), key)
        index = urls.save_as(urls.path("print"))
        # the index links the PDFs only when this build could make them (WeasyPrint and Pango here)
        editions = [(b.path, b.made, len(b.actors), b.edition) for b in found]
        key = make_key(self.build_key(), self.pdf, editions)
        if not files.is_fresh(index, key):
            sections = [
                (_("L'annuaire entier"), found[:1]),
                (_("Par thème"), [b for b in found if b.path.startswith("themes/")]),
                (_("Par commune"), [b for b in found if b.path.startswith("communes/")]),
            ]
            files.write(
                index,
                self._render("print_index", index, urls.path("print"), sections=sections, pdf=self.pdf),
                key,
            )
        return pages

    def finish(self) -> None:
        """Finish now, unless workers are making the codes and posters: then when Pelican has run
        every other part (`forked.finish_pending`)."""
        if self.background is None:
            self._finish()

    def _finish(self) -> None:
        """The QR codes and posters (alone, or with the workers), then the PDFs, which show the
        codes; save the manifest."""
        if self.background is None:
            for job in self.jobs:
                job()
        else:
            self.background.join()
            self.background = None
        if self.pdf:
            self._pdfs(self.written)
        self.files.finish()

    def _poster(self, actor: Actor) -> None:
        """An actor's A4 poster, unless it is there from the same record and code."""
        path = f"{self.site.urls.path('print')}affiches/{actor.slug}/"
        save_as = self.site.urls.save_as(path)
        key = make_key(self.build_key(), record_keys([actor]))
        if not self.files.is_fresh(save_as, key):
            self.files.write(save_as, self._render("poster", save_as, path, record=actor), key)

    def _render(self, template: str, save_as: str, path: str, **variables: Any) -> str:
        return self.get_template(template).render(
            {
                **self.context,
                **variables,
                "output_file": save_as,
                "canonical_url": f"{self.site.territory.base_url}/{path}",
                "entry": self.entry,
                "printed_entry": self.printed_entry,
                "pdf_sizes": PDF_SIZES,
                "qr_home": self.qr_home,
            }
        )

    def entry(self, actor: Actor) -> dict[str, str]:
        """What paper shows of an actor's address: its page on the public site, as a QR code
        (a file of its own, made once whatever shows it) and as text."""
        url = self.site.canonical.record(actor)
        return {"url": url, "short_url": short_url(url), "qr": self._qr_file(f"acteurs/{actor.slug}")}

    def printed_entry(self, actor: Actor) -> Markup:
        """An actor's entry in a booklet (`print_entry` in _macros.html): the same in the whole
        directory's, its theme's and its commune's, so made once."""
        html = self.entries.get(actor.slug)
        if html is None:
            theme_url = f"{self.settings.get('SITEURL', '')}/{self.settings['THEME_STATIC_DIR']}"
            html = self.entries[actor.slug] = self.entry_macro(actor, self.site, self.entry, theme_url)
        return html

    def _qr_jobs(self) -> list[Callable[[], None]]:
        """Every QR code the pages show (the site's, each actor's), to be written unless it is
        there, whether or not a page that shows it is rendered in this build."""
        site = self.site
        wanted = [("site", f"{site.territory.base_url}/")]
        wanted += [(f"acteurs/{a.slug}", site.canonical.record(a)) for a in site.directory.actors]
        return [partial(self._qr, name, text) for name, text in wanted]

    def _qr(self, name: str, text: str) -> None:
        save_as, key = self._qr_path(name), make_key(CODE_KEY, text)  # the encoder is in the code's key
        if not self.files.is_fresh(save_as, key):
            self.files.write(save_as, qr_svg(text), key)

    def _qr_path(self, name: str) -> str:
        return f"{self.site.urls.path('print')}qr/{name}.svg"

    def _qr_file(self, name: str) -> str:
        """The URL of /imprimer/qr/<name>.svg (written by `_qr`)."""
        return self.site.urls.static(self._qr_path(name))

    def _can_print(self) -> bool:
        """Whether WeasyPrint runs here; if not, one warning, and the pages link no PDF."""
        from .pdf import PrintUnavailable, output_fetcher

        try:
            output_fetcher(self.output_path, [])
        except PrintUnavailable as error:
            logger.warning("essaim: les livrets sont publiés sans PDF : %s", error)
            return False
        return True

    def _pdfs(self, written: list[tuple[Booklet, str, str]]) -> None:
        """Each booklet's PDFs beside its page, made again only when the page changed."""
        from .pdf import booklet_pdf, output_fetcher

        static = Path(self.settings["THEME"], "static")
        siteurls = [self.settings.get("SITEURL", ""), self.site.territory.base_url]
        fetch = output_fetcher(self.output_path, siteurls, static)
        import weasyprint

        # what a PDF is made of besides its page: the print style sheet and WeasyPrint itself
        made_with = make_key((static / "css/print.css").read_bytes(), weasyprint.__version__)
        for booklet, save_as, page_key in written:
            folder = save_as.removesuffix("index.html")
            key = make_key(page_key, made_with)
            for size in PDF_SIZES:
                pdf_path = f"{folder}livret-{size}.pdf"
                if self.files.is_fresh(pdf_path, key):
                    continue
                html = (Path(self.output_path) / save_as).read_text(encoding="utf-8")
                try:
                    data = booklet_pdf(html, size, fetch, booklet.title)
                except Exception as error:  # noqa: BLE001 - one booklet's PDF never stops the build
                    logger.warning(
                        "essaim: le PDF %s n'a pas pu être fait (%s : %s)",
                        pdf_path,
                        type(error).__name__,
                        error,
                    )
                    continue
                self.files.write(pdf_path, data, key)
