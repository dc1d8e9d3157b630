"""Booklets and posters as PDF, by WeasyPrint: tagged PDF/UA-1 (headings, lists, tables and the
QR codes' alt text reach a screen reader; the language is set), A4 or A5, page numbers and a
table of contents with the page of each group (CSS `target-counter`, print.css).

WeasyPrint reads only the output folder and the theme's static files (`OutputFetcher`): the
pages are ours, but a record's text is a contributor's, and a PDF is never a way to make this
machine fetch an address. `data:` URLs (the QR codes) are read in place. A missing system
library (Pango) is said in one French sentence with the package to install."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from pathlib import Path

PAGE_SIZES = {
    "a4": "@page { size: A4; margin: 16mm 15mm 18mm; }",
    "a5": "@page { size: A5; margin: 11mm 10mm 14mm; } html { font-size: 10pt; } "
    ".entry-qr img { width: 22mm; height: 22mm; }",
}


class PrintUnavailable(Exception):
    """WeasyPrint cannot run here (a system library is missing)."""


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # Pango missing: WeasyPrint raises OSError at import
        raise PrintUnavailable(
            "les PDF ont besoin de la bibliothèque Pango, absente de cette machine : installez-la "
            "(« sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 » sous Debian ou Ubuntu) puis "
            f"relancez ({error})"
        ) from None
    return weasyprint


def output_fetcher(output: str | os.PathLike[str], siteurls: list[str], theme_static: Path | None = None):
    """A WeasyPrint fetcher that serves the site's own files: `<site>/theme/…` from the theme's
    static folder (during a build, before Pelican copies it), any other `<site>/…` from the
    output folder, where `<site>` is one of `siteurls` (SITEURL, the public address) or the
    root; `data:` in place; anything else is refused."""
    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = {"": Path(output).resolve()}
    if theme_static is not None:
        roots = {"theme/": Path(theme_static).resolve(), **roots}
    prefixes = sorted({u.rstrip("/") + "/" for u in siteurls if u}, key=len, reverse=True)

    class OutputFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            site = next((p for p in prefixes if url.startswith(p)), None)
            if site is None and not url.startswith("file:///"):
                raise ValueError(f"adresse hors du site refusée : {url}")
            path = url[len(site) :] if site else url.removeprefix("file://")
            path = path.split("#", 1)[0].split("?", 1)[0].lstrip("/")
            for start, root in roots.items():
                if not path.startswith(start):
                    continue
                file = (root / path[len(start) :]).resolve()
                if file.is_relative_to(root) and file.is_file():
                    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})
            raise ValueError(f"adresse hors du site refusée : {url}")

    return OutputFetcher(allowed_protocols=("data", "http", "https", "file"))


def booklet_pdf(html: str, size: str, fetcher, title: str) -> bytes:
    """One booklet (or poster) page as a tagged PDF of the given size (a4, a5)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(string=PAGE_SIZES[size])],
        pdf_variant="pdf/ua-1",
        pdf_identifier=title.encode()[:32] or b"essaim",
        uncompressed_pdf=False,
    )


def write_pdfs(output: Path, folder: str, siteurls: list[str], posters: bool) -> tuple[int, list[str]]:
    """`essaim print`: the PDFs of the booklets built under `output/<folder>` (A4 and A5, beside
    each page), and with `posters` the posters' (A4). A PDF newer than its page is kept. Returns
    how many were written, and one French sentence per page that could not be made."""
    fetcher = output_fetcher(output, siteurls)
    base = output / folder
    pages = [p for p in sorted(base.glob("*/**/index.html")) if p.relative_to(base).parts[0] != "affiches"]
    jobs = [(page, size, page.with_name(f"livret-{size}.pdf")) for page in pages for size in PAGE_SIZES]
    if posters:
        jobs += [
            (page, "a4", page.with_name("affiche.pdf")) for page in sorted(base.glob("affiches/*/index.html"))
        ]
    written, failures = 0, []
    inside = output.resolve()
    for page, size, target in jobs:
        if not (page.resolve().is_relative_to(inside) and target.parent.resolve().is_relative_to(inside)):
            failures.append(
                f"{page.relative_to(output)} : ce chemin mène hors du site construit, il est laissé de côté"
            )
            continue
        if target.is_symlink():
            failures.append(
                f"{target.relative_to(output)} est un lien : retirez-le, aucun PDF n'est écrit à travers"
            )
            continue
        if target.is_file() and target.stat().st_mtime_ns >= page.stat().st_mtime_ns:
            continue
        try:
            data = booklet_pdf(page.read_text(encoding="utf-8"), size, fetcher, page.parent.name)
        except PrintUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - one page's failure never stops the others
            failures.append(
                f"{page.relative_to(output)} : le PDF n'a pas pu être fait ({type(error).__name__} : {error})"
            )
            continue
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".pdf-")  # a new file, never a link
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
        written += 1
    return written, failures
