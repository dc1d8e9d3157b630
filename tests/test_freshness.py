"""Data that stays true: stale records ask « Cette fiche est-elle à jour ? », `essaim stale` in
the formats of a workflow, `essaim confirm`, and `archived: true`."""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import cmarkgfm
import feedparser
import pytest
from click.testing import CliRunner
from cmarkgfm.cmark import Options
from lxml import html as lxml_html

from conftest import TERRITORY, actor_text, build, write
from essaim.cli import main

OLD = "2024-01-10"  # more than 18 months before DEMO_NOW (2026-11-22) and before today


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], env={})


@pytest.fixture
def stale_territory(territory):
    write(territory, "actors/ancienne.md", actor_text('"L\'Ancienne | @octocat #12"', updated=OLD))
    write(
        territory,
        "actors/recente.md",
        actor_text("La Récente", updated=date.today().isoformat(), website="https://r.example.org"),
    )
    write(
        territory,
        "events/vieil-atelier.md",
        "---\ntitle: Vieil atelier\nstart: 2023-03-05 18:00\nthemes: [numerique]\nupdated: 2023-01-01\n---\n",
    )
    return territory


def test_stale_lists_old_actors_in_every_format_and_leaves_events_out(stale_territory):
    text = run(stale_territory, "stale")
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[0] == f"{OLD}  actors/ancienne.md  L'Ancienne | @octocat #12"
    assert "recente" not in text.output and "vieil-atelier" not in text.output

    github = run(stale_territory, "stale", "--format", "github").output.splitlines()[0]
    assert github.startswith(
        "::warning file=actors/ancienne.md,line=1,col=1::fiche non mise à jour depuis le 10/01/2024"
    )
    assert "essaim confirm actors/ancienne.md" in github

    gitlab = json.loads(run(stale_territory, "stale", "--format", "gitlab").stdout)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in gitlab] == [
        ("actors/ancienne.md", 1, "minor")
    ]
    assert len(gitlab[0]["fingerprint"]) == 32 and gitlab[0]["check_name"] == "essaim"


def test_stale_markdown_is_a_table_whose_names_cannot_break_it_nor_mention_anyone(stale_territory):
    result = run(stale_territory, "stale", "--format", "markdown")
    page = lxml_html.fromstring(
        cmarkgfm.github_flavored_markdown_to_html(result.stdout, options=Options.CMARK_OPT_UNSAFE)
    )
    rows = [[cell.text_content() for cell in row.xpath("td")] for row in page.xpath("//tbody/tr")]
    assert rows == [["L'Ancienne | @\u2060octocat #\u206012", "actors/ancienne.md", "10/01/2024"]]
    (link,) = page.xpath("//tbody//a/@href")
    assert link == "https://testville.example.org/acteurs/ancienne/"
    assert "essaim confirm" in result.stdout


def test_stale_months_come_from_territory_yml(stale_territory):
    write(stale_territory, "territory.yml", TERRITORY + "freshness:\n  stale_months: 120\n")
    assert "ancienne" not in run(stale_territory, "stale").output
    write(stale_territory, "territory.yml", TERRITORY + "freshness:\n  stale_months: 0\n")
    result = run(stale_territory, "stale")
    assert result.exit_code == 2 and "territory.yml:6" in result.output


def test_confirm_sets_updated_to_today_and_keeps_every_other_byte(stale_territory):
    file = stale_territory / "actors/ancienne.md"
    before = file.read_text(encoding="utf-8").replace(
        "updated: 2024-01-10", "updated: 2024-01-10  # vu en mairie"
    )
    file.write_text(before.replace("\n", "\r\n"), encoding="utf-8", newline="")
    result = run(stale_territory, "confirm", str(file))
    assert result.exit_code == 0, result.output
    today = date.today().isoformat()
    assert file.read_bytes().decode() == before.replace("2024-01-10", today).replace("\n", "\r\n")
    assert "ancienne" not in run(stale_territory, "stale").output
    assert "warning" not in run(stale_territory, "validate").output


def test_confirm_adds_the_line_when_the_file_has_none_and_says_what_it_cannot_do(territory):
    write(territory, "actors/sans-date.md", actor_text("Sans date"))
    write(territory, "actors/plie.md", actor_text("Plié", updated=">-\n  2024-01-10"))
    folded = (territory / "actors/plie.md").read_bytes()
    result = run(territory, "confirm", str(territory / "actors"))
    assert result.exit_code == 1
    assert f"updated: {date.today().isoformat()}\n---" in (territory / "actors/sans-date.md").read_text()
    assert (territory / "actors/plie.md").read_bytes() == folded
    assert (
        "actors/plie.md : « updated » est écrit sur plusieurs lignes ; écrivez vous-même la ligne "
        f"« updated: {date.today().isoformat()} »"
    ) in result.output
    assert "Traceback" not in result.output


def test_confirm_never_writes_through_a_link_out_of_the_repository(territory, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "victim.md"
    outside.write_text(actor_text("Victime", updated=OLD), encoding="utf-8")
    (territory / "actors").mkdir()
    (territory / "actors/lien.md").symlink_to(outside)
    result = run(territory, "confirm", str(territory / "actors"))
    assert result.exit_code == 1 and "hors du dépôt" in result.output
    assert OLD in outside.read_text(encoding="utf-8")


def _notice(page: str) -> lxml_html.HtmlElement | None:
    found = lxml_html.fromstring(page).xpath('//aside[@aria-labelledby="a-jour"]')
    return found[0] if found else None


def test_a_stale_page_asks_whether_it_is_still_true_with_a_prefilled_message(stale_territory):
    write(stale_territory, "territory.yml", TERRITORY + "contact_email: equipe@testville.example.org\n")
    output = build(stale_territory)
    notice = _notice((output / "acteurs/ancienne/index.html").read_text(encoding="utf-8"))
    assert notice is not None
    assert "Cette fiche est-elle à jour ?" in notice.text_content()
    assert "10 janvier 2024" in notice.text_content()
    confirm, correct = notice.xpath(".//a/@href")
    parts = urlsplit(confirm)
    assert parts.scheme == "mailto" and unquote(parts.path) == "equipe@testville.example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Fiche à jour : « L'Ancienne | @octocat #12 »"]
    assert "essaim confirm actors/ancienne.md" in query["body"][0]
    assert correct.startswith("mailto:equipe@testville.example.org?subject=Erreur")
    assert _notice((output / "acteurs/recente/index.html").read_text(encoding="utf-8")) is None
    assert _notice((output / "agenda/vieil-atelier/index.html").read_text(encoding="utf-8")) is None


def test_with_a_forge_the_answers_are_a_prefilled_issue_and_the_edit_page(stale_territory):
    forge = "forge:\n  kind: github\n  repository: https://github.com/testville/annuaire\n"
    write(stale_territory, "territory.yml", TERRITORY + forge)
    output = build(stale_territory)
    notice = _notice((output / "acteurs/ancienne/index.html").read_text(encoding="utf-8"))
    confirm, correct = notice.xpath(".//a/@href")
    assert confirm.startswith("https://github.com/testville/annuaire/issues/new?title=Fiche%20%C3%A0%20jour")
    assert correct == "https://github.com/testville/annuaire/edit/main/actors/ancienne.md"


def test_an_archived_record_keeps_its_page_and_leaves_every_list(territory):
    write(territory, "actors/la-ruche.md", actor_text("La Ruche", geo="{lat: 47.2, lon: -1.55}"))
    write(
        territory,
        "actors/fermee.md",
        actor_text(
            "La Fermée", archived="true", website="https://f.example.org", geo="{lat: 47.21, lon: -1.56}"
        ),
    )
    write(
        territory,
        "initiatives/projet.md",
        "---\nname: Projet commun\nsummary: Un projet.\nthemes: [numerique]\n"
        "actors: [la-ruche, fermee]\n---\n",
    )
    output = build(territory)
    page = (output / "acteurs/fermee/index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    assert "Fiche archivée." in tree.xpath('string(//p[@id="archivee"])')
    assert tree.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    initiative = (output / "initiatives/projet/index.html").read_text(encoding="utf-8")
    assert 'href="/acteurs/fermee/"' in initiative  # links to it keep working

    def everywhere() -> str:
        texts = [(output / "acteurs/index.html").read_text(encoding="utf-8")]
        texts += [p.read_text(encoding="utf-8") for p in (output / "search").rglob("*.json")]
        texts += [(output / "carte/lieux.geojson").read_text(encoding="utf-8")]
        texts += [(output / "data/actors.json").read_text(encoding="utf-8")]
        texts += [(output / "data/actors.csv").read_text(encoding="utf-8")]
        texts += [(output / "sitemap.xml").read_text(encoding="utf-8")]
        return "\n".join(texts)

    assert "La Ruche" in everywhere() or "la-ruche" in everywhere()
    assert "fermee" not in everywhere() and "Fermée" not in everywhere()
    feed = feedparser.parse((output / "feeds/acteurs.atom.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["La Ruche"]
    home = (output / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<strong>1</strong> acteur\b", home)


def test_markdown_keeps_entities_and_gitlab_references_as_text(territory):
    write(territory, "actors/a.md", actor_text('"&commat;carol %jalon $1 &num;12"', updated=OLD))
    result = run(territory, "stale", "--format", "markdown")
    page = lxml_html.fromstring(cmarkgfm.github_flavored_markdown_to_html(result.stdout))
    (cell,) = page.xpath("//tbody/tr/td[1]")
    assert cell.text_content() == "&commat;carol %\u2060jalon $\u20601 &num;12"


def test_the_monthly_list_is_cut_short_to_fit_an_issue(territory):
    for number in range(130):
        write(
            territory,
            f"actors/a{number}.md",
            actor_text(f"Structure {number}", updated=OLD, website=f"https://{number}.example.org"),
        )
    result = run(territory, "stale", "--format", "markdown")
    assert result.stdout.count("\n| [") == 120
    assert "Et 10 autre(s), plus récentes : « essaim stale » les liste toutes." in result.stdout


def test_confirm_refuses_a_front_matter_with_an_odd_line_break(territory):
    write(territory, "actors/a.md", actor_text("A", updated=OLD, purpose='"Un\u2028but"'))
    file = territory / "actors/a.md"
    before = file.read_bytes()
    result = run(territory, "confirm", str(file))
    assert result.exit_code == 1 and "saut de ligne inhabituel" in result.output
    assert file.read_bytes() == before
