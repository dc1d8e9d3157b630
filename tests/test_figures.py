"""/chiffres/: the territory in figures. Each number is counted again from the lists a visitor
opens (their cards, over every page), each table read back from its CSV, each chart parsed as
SVG; the growth comes from the dates git first saw the record files."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from conftest import DEMO_NOW, TERRITORY, actor_text, build, write

SVG = "{http://www.w3.org/2000/svg}"


def page(output, path):
    return lxml_html.fromstring((output / path.strip("/") / "index.html").read_text(encoding="utf-8"))


def tables(output) -> dict[str, list[list[str]]]:
    """Each table of /chiffres/ by its section id: header cells then rows' cells."""
    found = {}
    for section in page(output, "/chiffres/").xpath("//section[@class='figure-section']"):
        rows = section.xpath(".//table//tr")
        found[section.get("aria-labelledby")] = [
            [cell.text_content().strip() for cell in row.xpath("th|td")] for row in rows
        ]
    return found


def links(output) -> dict[str, dict[str, str]]:
    """Each table's row label → the list it links to (a path)."""
    found = {}
    for section in page(output, "/chiffres/").xpath("//section[@class='figure-section']"):
        found[section.get("aria-labelledby")] = {
            a.text_content(): urlsplit(a.get("href")).path for a in section.xpath(".//tbody//th/a")
        }
    return found


def cards(output, path: str, kind: str, every_page: bool = True) -> int:
    """How many cards of `kind` a list shows, over all its pages."""
    count, url = 0, path
    while url:
        tree = page(output, url)
        count += len(tree.xpath(f"//main//article[contains(@class, 'card-{kind}')]"))
        following = tree.xpath("//a[@rel='next']/@href")
        url = urlsplit(following[0]).path if following and every_page else None
    return count


def list_total(output, path: str) -> int:
    text = page(output, path).xpath("string(//p[@class='list-count'])")
    return int(re.match(r"\s*(\d+)", text).group(1))


def test_every_number_is_the_count_of_the_list_it_opens(demo_output):
    found, targets = tables(demo_output), links(demo_output)
    header, *themes = found["themes"]
    assert header == ["Thème", "Acteurs", "Initiatives", "Dates à venir"]
    assert sum(int(r[1]) for r in themes) > 20
    for label, actors, initiatives, upcoming in themes:
        path = targets["themes"][label]
        assert int(actors) == cards(demo_output, path, "actor"), label
        assert int(initiatives) == cards(demo_output, path, "initiative", every_page=False), label
        assert int(upcoming) == cards(demo_output, path, "event", every_page=False), label
    for name in ("statuts", "communes"):
        _, *rows = found[name]
        assert rows, name
        for label, actors in rows:
            assert int(actors) == cards(demo_output, targets[name][label], "actor"), (name, label)
    _, *events = found["evenements"]
    assert sum(int(r[1]) for r in events) == list_total(demo_output, "/agenda/")
    assert sum(int(r[2]) for r in events) == list_total(demo_output, "/agenda/passes/")
    _, *exchange = found["coups-de-main"]
    for label, needs, offers in exchange:
        assert int(needs) + int(offers) == list_total(demo_output, targets["coups-de-main"][label]), label
    totals = page(demo_output, "/chiffres/").xpath("string(//ul[@class='figures-totals'])")
    assert f"{list_total(demo_output, '/acteurs/')} acteurs" in " ".join(totals.split())


def test_each_table_is_its_csv_and_each_chart_an_svg_named_by_its_caption(demo_output):
    tree = page(demo_output, "/chiffres/")
    for name, rows in tables(demo_output).items():
        text = (demo_output / f"chiffres/{name}.csv").read_text(encoding="utf-8")
        assert list(csv.reader(io.StringIO(text))) == rows, name
        (svg,) = tree.xpath(f"//section[@aria-labelledby='{name}']//*[local-name()='svg']")
        parsed = etree.fromstring(etree.tostring(svg))  # well-formed XML, as a file would be
        assert parsed.get("role") == "img"
        title = parsed.find(f"{SVG}title")
        assert parsed.get("aria-labelledby") == title.get("id")
        caption = svg.getparent().xpath("string(figcaption)")
        assert caption.startswith(title.text), name
        bars = parsed.findall(f".//{SVG}rect")
        assert len(bars) == min(len(rows) - 1, 15 if name == "communes" else 99), name
        assert parsed.find(f"{SVG}g").get("aria-hidden") == "true"  # the table is what is read


def test_the_growth_month_by_month_comes_from_git(territory):
    def commit(day: str, *files: str) -> None:
        env = {
            "GIT_AUTHOR_DATE": day,
            "GIT_COMMITTER_DATE": day,
            "HOME": str(territory),
            "PATH": "/usr/bin:/bin",
        }
        subprocess.run(["git", "add", *files], cwd=territory, check=True, env=env)
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
            cwd=territory,
            check=True,
            env=env,
        )

    subprocess.run(["git", "init", "-q"], cwd=territory, check=True)
    write(territory, "actors/a.md", actor_text("Alpha"))
    write(territory, "actors/b.md", actor_text("Bêta", website="https://b.example.org"))
    commit("2026-09-03T10:00:00", "territory.yml", "actors")
    write(territory, "actors/a.md", actor_text("Alpha", summary="Modifiée."))
    write(territory, "actors/c.md", actor_text("Gamma", website="https://c.example.org"))
    commit("2026-11-02T10:00:00", "actors")
    write(territory, "actors/d.md", actor_text("Delta", website="https://d.example.org"))  # not committed
    output = build(territory)
    assert DEMO_NOW.startswith("2026-11")
    header, *rows = tables(output)["croissance"]
    assert header == ["Mois", "Fiches ajoutées", "Fiches à la fin du mois"]
    assert rows == [["septembre 2026", "2", "2"], ["octobre 2026", "0", "2"], ["novembre 2026", "2", "4"]]


def test_labels_are_escaped_in_charts_and_csv_cells_never_run(territory):
    write(territory, "territory.yml", TERRITORY + 'themes:\n  numerique:\n    label: "<b>Num</b> & co"\n')
    write(territory, "actors/a.md", actor_text("Alpha", address="{city: '=HYPERLINK(\"x\")'}"))
    output = build(territory)
    html = (output / "chiffres/index.html").read_text(encoding="utf-8")
    assert "<b>Num</b>" not in html and "&lt;b&gt;Num&lt;/b&gt; &amp; co" in html
    rows = list(csv.reader(io.StringIO((output / "chiffres/communes.csv").read_text(encoding="utf-8"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "1"]


def test_a_territory_can_switch_the_figures_off(territory):
    write(territory, "actors/a.md", actor_text("Alpha"))
    write(territory, "territory.yml", TERRITORY + "features:\n  figures: false\n")
    output = build(territory)
    assert not (output / "chiffres").exists()
    assert "/chiffres/" not in (output / "index.html").read_text(encoding="utf-8")
