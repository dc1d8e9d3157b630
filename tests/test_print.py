"""The printed directory: booklets (whole, per theme, per commune) and posters as pages, their
PDFs by WeasyPrint read back by poppler (every actor's name, page numbers, the table of
contents' pages, tagged PDF/UA, A4 and A5) and their QR codes by zbar; incremental PDFs, the
size cap, `essaim print`, and a fetcher that reads nothing outside the site."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import actor_text, build, require, write
from essaim.cli import main

BASE = "https://testville.example.org"
TOOLS = {Path("/usr/bin/pdftotext"): "poppler-utils", Path("/usr/bin/zbarimg"): "zbar-tools"}


def tools() -> None:
    for path, package in TOOLS.items():
        require(path, package)


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdfinfo(pdf: Path, *flags: str) -> str:
    return subprocess.run(["pdfinfo", *flags, str(pdf)], capture_output=True, text=True, check=True).stdout


def qr_codes(pdf: Path, tmp_path: Path) -> list[str]:
    """Every QR code of every page, read by zbar from the pages rendered at 150 dpi."""
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    found = []
    for image in sorted(tmp_path.glob(f"{pdf.stem}*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        found += result.stdout.split()
    return found


def territory(root: Path, extra: str = "") -> Path:
    write(root, "territory.yml", f"name: Testville\npitch: L'ESS de Testville.\nbase_url: {BASE}\n{extra}")
    write(
        root,
        "actors/la-ruche.md",
        actor_text(opening_hours='"Mo-Fr 09:00-12:00; PH off"', phone='"02 40 00 00 01"'),
    )
    write(
        root,
        "actors/le-fournil.md",
        actor_text(
            "Le Fournil", themes="[agriculture-alimentation, numerique]", email="pain@fournil.example.org"
        ),
    )
    address = '\n  postcode: "44400"\n  city: Rezé'
    write(
        root, "actors/l-atelier.md", actor_text("L'Atelier <b>vélo</b>", themes="[mobilite]", address=address)
    )
    write(root, "actors/ancienne.md", actor_text("L'Ancienne", archived="true"))
    return root


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    tools()
    root = territory(tmp_path_factory.mktemp("print"), "print:\n  pdf: true\n")
    return root, build(root)


def test_the_print_page_lists_every_booklet_with_its_pdfs(printed):
    _, output = printed
    page = (output / "imprimer/index.html").read_text(encoding="utf-8")
    for path in ("annuaire", "themes/numerique", "themes/mobilite", "communes/testville", "communes/reze"):
        assert f'href="/imprimer/{path}/"' in page, path
        for size in ("a4", "a5"):
            assert (output / f"imprimer/{path}/livret-{size}.pdf").is_file()
            assert f'href="/imprimer/{path}/livret-{size}.pdf"' in page
    assert "ancienne" not in page and not (output / "imprimer/affiches/ancienne").exists()
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="/imprimer/"' in home  # the footer of every page
    actor = (output / "acteurs/la-ruche/index.html").read_text(encoding="utf-8")
    assert 'href="/imprimer/affiches/la-ruche/"' in actor


def test_the_whole_booklet_reads_back_with_names_pages_and_qr_codes(printed, tmp_path):
    _, output = printed
    pdf = output / "imprimer/annuaire/livret-a4.pdf"
    info = pdfinfo(pdf)
    assert re.search(r"^Tagged:\s+yes", info, re.M) and "(A4)" in info
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    text = pdftotext(pdf)
    for name in ("La Ruche", "Le Fournil", "L'Atelier <b>vélo</b>"):  # the markup is text, as written
        assert name in text, name
    assert "L'Ancienne" not in text  # archived: out of print as out of every list
    assert "Lundi" in text and "9 h – 12 h" in text and "Jours fériés" in text and "02 40 00 00 01" in text
    for number in range(2, pages + 1):  # every page but the cover is numbered
        assert re.search(rf"(?<!\d){number}\s*/\s*{pages}(?!\d)", text), number
    toc = re.findall(r"^\s*\d+\.\s+(.+?)\s*\.{3,}\s*(\d+)\s*$", text, re.M)
    assert [title for title, _ in toc] == [
        "Agriculture et alimentation",
        "Mobilité",
        "Numérique",
        "Index des structures",
    ]
    assert all(1 < int(page) <= pages for _, page in toc)
    structure = pdfinfo(pdf, "-struct")
    assert "H1" in structure and "Figure" in structure and "TH" in structure
    # Le Fournil is filed once, under its first theme; the QR codes lead to the pages
    assert sorted(qr_codes(pdf, tmp_path)) == sorted(
        [f"{BASE}/"] + [f"{BASE}/acteurs/{slug}/" for slug in ("la-ruche", "le-fournil", "l-atelier")]
    )
    a5 = output / "imprimer/annuaire/livret-a5.pdf"
    assert "419.528 x 595.276 pts" in pdfinfo(a5) and "La Ruche" in pdftotext(a5)  # 148 × 210 mm


def test_theme_and_commune_booklets_hold_their_actors_only(printed):
    _, output = printed
    reze = pdftotext(output / "imprimer/communes/reze/livret-a4.pdf")
    assert "L'Atelier" in reze and "La Ruche" not in reze and "Le Fournil" not in reze
    numerique = pdftotext(output / "imprimer/themes/numerique/livret-a4.pdf")
    assert "La Ruche" in numerique and "Le Fournil" in numerique and "L'Atelier" not in numerique


def test_pdfs_are_printed_again_only_when_their_booklet_changed(printed):
    root, output = printed
    reze, whole = output / "imprimer/communes/reze/livret-a4.pdf", output / "imprimer/annuaire/livret-a4.pdf"
    testville = output / "imprimer/communes/testville/livret-a4.pdf"
    before = {p: p.stat().st_mtime_ns for p in (reze, whole, testville)}
    build(root)
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert (output / "imprimer/qr/acteurs/la-ruche.svg").is_file()  # kept though no page was rendered
    write(
        root,
        "actors/l-atelier.md",
        actor_text("L'Atelier vélo", themes="[mobilite]", address='\n  postcode: "44400"\n  city: Rezé'),
    )
    build(root)
    assert reze.stat().st_mtime_ns != before[reze] and whole.stat().st_mtime_ns != before[whole]
    assert testville.stat().st_mtime_ns == before[testville]
    assert "L'Atelier vélo" in pdftotext(reze)


def test_a_booklet_above_the_cap_is_not_made_and_the_page_says_so(tmp_path):
    root = territory(tmp_path, "print:\n  max_entries: 2\n")
    output = build(root)
    assert not (output / "imprimer/annuaire/index.html").exists()
    assert (output / "imprimer/communes/reze/index.html").is_file()
    page = (output / "imprimer/index.html").read_text(encoding="utf-8")
    assert "trop de fiches pour un seul livret" in page


def test_essaim_print_writes_the_pdfs_and_the_posters_once(tmp_path):
    tools()
    root = territory(tmp_path)
    output = build(root)
    assert not list((output / "imprimer").rglob("*.pdf"))  # print.pdf is off: the build writes none
    result = CliRunner().invoke(main, ["--root", str(root), "print", "--posters"], env={})
    assert result.exit_code == 0, result.output
    poster = output / "imprimer/affiches/la-ruche/affiche.pdf"
    text = pdftotext(poster)
    assert "Retrouvez-nous dans l'annuaire" in text and "La Ruche" in text and "9 h – 12 h" in text
    assert qr_codes(poster, tmp_path) == [f"{BASE}/acteurs/la-ruche/"]
    again = CliRunner().invoke(main, ["--root", str(root), "print", "--posters"], env={})
    assert again.exit_code == 0 and again.output.startswith("0 PDF écrit(s)"), again.output
    missing = CliRunner().invoke(
        main, ["--root", str(root), "print", "--output", str(tmp_path / "nulle-part")], env={}
    )
    assert missing.exit_code == 1 and "construisez d'abord le site" in missing.output
    assert "Traceback" not in missing.output


def test_the_pdf_fetcher_reads_the_site_only(tmp_path):
    from essaim.printed.pdf import output_fetcher

    (tmp_path / "theme").mkdir()
    (tmp_path / "theme/a.css").write_text("p {}")
    (tmp_path.parent / "secret.txt").write_text("secret")
    fetch = output_fetcher(tmp_path, [BASE])
    assert fetch.fetch(f"{BASE}/theme/a.css").read() == b"p {}"
    assert fetch.fetch("file:///theme/a.css").read() == b"p {}"
    for url in (
        "http://127.0.0.1:9/x.css",  # refused before any connection: no traffic
        f"{BASE}/../secret.txt",
        "file:///../secret.txt",
        "file:///etc/passwd",
        "https://testville.example.org.evil.example/theme/a.css",
    ):
        with pytest.raises(ValueError):
            fetch.fetch(url)
    os.remove(tmp_path.parent / "secret.txt")


def test_without_pango_the_build_links_no_pdf_and_essaim_print_says_what_to_install(
    tmp_path, monkeypatch, caplog
):
    from essaim.printed import pdf

    def missing():
        raise pdf.PrintUnavailable("les PDF ont besoin de la bibliothèque Pango, absente de cette machine")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    root = territory(tmp_path, "print:\n  pdf: true\n")
    output = build(root)
    assert not list((output / "imprimer").rglob("*.pdf"))
    assert ".pdf" not in (output / "imprimer/index.html").read_text(encoding="utf-8")  # no dead link
    assert "les livrets sont publiés sans PDF" in caplog.text
    result = CliRunner().invoke(main, ["--root", str(root), "print"], env={})
    assert (
        result.exit_code == 1 and "bibliothèque Pango" in result.output and "Traceback" not in result.output
    )
    monkeypatch.undo()  # Pango installed since: the next build makes the PDFs and links them
    build(root)
    assert (output / "imprimer/annuaire/livret-a4.pdf").is_file()
    index = (output / "imprimer/index.html").read_text(encoding="utf-8")
    assert 'href="/imprimer/annuaire/livret-a4.pdf"' in index


def test_a_production_build_prints_its_pdfs_with_their_styles_and_qr_codes(tmp_path):
    tools()
    root = territory(tmp_path, "print:\n  pdf: true\n")
    output = build(root, SITEURL=BASE)  # absolute addresses, as `make publish` writes them
    pdf = output / "imprimer/annuaire/livret-a4.pdf"
    assert f"{BASE}/acteurs/la-ruche/" in qr_codes(pdf, tmp_path)
    assert re.search(r"Index des structures\s*\.{3,}\s*\d+", pdftotext(pdf))  # print.css was read


def test_a_theme_named_autres_keeps_its_own_group(tmp_path):
    root = territory(tmp_path, "themes:\n  autres:\n    label: Autres activités\n")
    write(root, "actors/divers.md", actor_text("Le Divers", themes="[autres]"))
    output = build(root)
    page = (output / "imprimer/annuaire/index.html").read_text(encoding="utf-8")
    assert 'id="theme-autres-titre">Autres activités</h2>' in page


def test_essaim_print_never_reads_or_writes_through_links_out_of_the_site(tmp_path):
    tools()
    root = territory(tmp_path / "site")
    output = build(root)
    elsewhere = tmp_path / "ailleurs"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "deep/index.html").write_text("<p>hors du site</p>", encoding="utf-8")
    (output / "imprimer/liens").symlink_to(elsewhere)
    (output / "imprimer/annuaire/livret-a5.pdf").symlink_to(elsewhere / "evil.pdf")
    result = CliRunner().invoke(main, ["--root", str(root), "print"], env={})
    assert result.exit_code == 1, result.output
    assert "ce chemin mène hors du site construit" in result.output and "est un lien" in result.output
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["deep", "index.html"]  # nothing written there
    assert (output / "imprimer/annuaire/livret-a4.pdf").is_file()  # the others are made
