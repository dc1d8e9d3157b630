"""The "Proposer une fiche" form in Chromium: schema checks with essaim validate's messages, a
file that essaim validate accepts, the forge's new-file link, keyboard use, no JavaScript."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from click.testing import CliRunner

from conftest import TERRITORY, build, serve, write
from essaim.cli import main
from essaim.contribute.template import name_hash, slug_for

pytestmark = pytest.mark.browser
FORGE = "forge:\n  kind: github\n  repository: https://github.com/org/annuaire\n  branch: main\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("propose")
    write(root, "territory.yml", TERRITORY + "contact_email: equipe@testville.example.org\n" + FORGE)
    write(
        root,
        "actors/la-ruche.md",
        "---\nname: La Ruche\nlegal_form: association\nsummary: Test.\nthemes: [numerique]\n---\n",
    )
    output = build(root)
    server, url = serve(output)
    yield root, url
    server.shutdown()


def test_the_weekly_grid_writes_osm_hours_that_validate_reads_without_warning(page, site, tmp_path):
    root, url = site
    page.goto(f"{url}/proposer/acteur/")
    grid = page.locator("[data-hours-grid]")
    assert grid.is_visible()
    page.fill("#f-opening-hours", "Mo 10:00-12:00")  # typed by hand, then the empty grid touched
    grid.get_by_label("Fermé les jours fériés").uncheck()
    grid.get_by_label("Fermé les jours fériés").check()
    assert page.input_value("#f-opening-hours") == "Mo 10:00-12:00"
    for day in range(5):  # Monday to Friday, 9 h – 12 h and 14 h – 18 h
        times = grid.locator(f"tr[data-day='{day}'] input")
        for n, value in enumerate(("09:00", "12:00", "14:00", "18:00")):
            times.nth(n).fill(value)
    saturday = grid.locator("tr[data-day='5'] input")
    saturday.nth(0).fill("10:00")
    saturday.nth(1).fill("09:00")  # closes before it opens: told, the field left as it was
    error = grid.locator(".field-error")
    assert error.is_visible() and error.inner_text().startswith("Samedi : l'heure de fermeture")
    assert page.input_value("#f-opening-hours") == "Mo-Fr 09:00-12:00,14:00-18:00; PH off"
    saturday.nth(1).fill("12:00")
    assert error.is_hidden()
    hours = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off"
    assert page.input_value("#f-opening-hours") == hours
    page.fill("#f-name", "La Boutique")
    page.select_option("#f-legal-form", "association")
    page.fill("#f-summary", "Une boutique solidaire.")
    page.check("input[name=themes][value=numerique]")
    page.click("#propose-form button[type=submit]")
    text = page.input_value("#propose-file")
    assert f'opening_hours: "{hours}"' in text or f"opening_hours: {hours}" in text
    write(tmp_path, "territory.yml", (root / "territory.yml").read_text())
    (tmp_path / "actors").mkdir()
    (tmp_path / "actors/la-boutique.md").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"], env={})
    assert result.exit_code == 0 and "horaires" not in result.output, result.output
    assert page.console_errors == []


def test_errors_are_listed_with_the_messages_of_essaim_validate(page, site):
    _, url = site
    page.goto(f"{url}/proposer/acteur/")
    page.fill("#f-summary", "x" * 300)
    page.fill("#f-siret", "12345678901234")
    page.fill("#f-website", "www.exemple.org")
    page.fill("#f-address-postcode", "440")
    page.click("#propose-form button[type=submit]")
    summary = page.locator("#propose-errors")
    assert summary.is_visible() and page.evaluate("document.activeElement.id") == "propose-errors"
    messages = summary.locator("li").all_inner_texts()
    assert messages == [
        "champ obligatoire « Nom de la structure » manquant : remplissez-le",
        "champ obligatoire « Statut » manquant : remplissez-le",
        "« Résumé » est trop long : 300 caractères, 280 au plus",
        "champ obligatoire « Thèmes » manquant : remplissez-le",
        '« Code postal » doit être un code postal à 5 chiffres (par exemple "44000") (reçu : « 440 »)',
        "champ obligatoire « Commune » manquant : remplissez-le",  # an address needs its city
        "« Site web » doit être une adresse web complète commençant par https:// (ou http://) "
        "(reçu : « www.exemple.org »)",
        "le SIRET « 12345678901234 » n'est pas valide (clé de contrôle fausse) : recopiez-le depuis "
        "l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr",
    ]
    assert page.get_attribute("#f-summary", "aria-invalid") == "true"
    assert "280 au plus" in page.inner_text("#f-summary-error")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "f-name"
    assert page.locator("#propose-result").is_hidden()
    assert page.console_errors == []


def test_a_valid_form_gives_a_file_that_essaim_validate_accepts(page, site, tmp_path):
    root, url = site
    page.goto(f"{url}/proposer/acteur/")
    page.fill("#f-name", "Le Fournil « Solidaire » d'Œuvre")
    page.select_option("#f-legal-form", "scic")
    page.fill("#f-summary", 'Une boulangerie coopérative : pain "bio" et emplois.')
    page.check("input[name=themes][value=numerique]")
    page.fill("#f-address-city", "Testville")
    page.fill("#f-address-postcode", "44000")
    page.fill("#f-geo-lat", "47.2")
    page.fill("#f-geo-lon", "-1.55")
    page.fill("#f-founded", "2019")
    page.fill("#f-offers-needs-1-text", "Formation à la boulangerie")
    page.select_option("#f-offers-needs-1-kind", "offer")
    page.select_option("#f-offers-needs-1-category", "competences")
    page.fill("#f-siret", "12345678900007")
    page.select_option("#f-accessibility-wheelchair", "limited")
    page.fill("#f-body", "Nous faisons du **pain**.")
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden()
    assert page.evaluate("document.activeElement.id") == "propose-result-title"
    path = page.inner_text("#propose-path")
    assert path == "actors/le-fournil-solidaire-d-oeuvre.md"
    text = page.input_value("#propose-file")
    # The file joins a copy of the territory: `essaim validate` accepts it.
    write(tmp_path, "territory.yml", (root / "territory.yml").read_text())
    write(tmp_path, "actors/la-ruche.md", (root / "actors/la-ruche.md").read_text())
    (tmp_path / path).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"], env={})
    assert result.exit_code == 0, result.output + text
    link = urlparse(page.get_attribute("#propose-forge", "href"))
    assert link.netloc == "github.com" and link.path == "/org/annuaire/new/main"
    assert parse_qs(link.query) == {"filename": [path], "value": [text]}
    mail = page.get_attribute("#propose-mail", "href")
    assert mail.startswith("mailto:equipe@testville.example.org?subject=")
    with page.expect_download() as download:
        page.click("#propose-download")
    assert download.value.suggested_filename == "le-fournil-solidaire-d-oeuvre.md"
    assert page.console_errors == []


def test_the_form_can_be_filled_with_the_keyboard_alone(page, site):
    _, url = site
    page.goto(f"{url}/proposer/evenement/")
    page.focus("#f-title")
    page.keyboard.type("Atelier couture")
    page.keyboard.press("Tab")  # résumé
    page.keyboard.type("On répare ensemble.")
    page.keyboard.press("Tab")  # début
    page.keyboard.type("2026-12-05 14:00")
    page.keyboard.press("Tab")  # fin
    page.keyboard.press("Tab")  # type d'événement
    page.keyboard.press("Tab")  # first theme
    assert page.evaluate("document.activeElement.name") == "themes"
    page.keyboard.press("Space")
    page.focus("#f-body")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    assert page.locator("#propose-errors").is_hidden()
    assert 'start: "2026-12-05T14:00"' in page.input_value("#propose-file")
    assert page.console_errors == []


def test_without_javascript_the_form_says_how_to_reach_the_team(browser, site):
    _, url = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}/proposer/initiative/")
    assert "equipe@testville.example.org" in page.locator("noscript").inner_text()
    context.close()


def test_record_pages_link_to_edit_and_to_report_an_error(page, site):
    _, url = site
    page.goto(f"{url}/acteurs/la-ruche/")
    edit = page.get_by_role("link", name="Modifier cette fiche : La Ruche")
    assert edit.get_attribute("href") == "https://github.com/org/annuaire/edit/main/actors/la-ruche.md"
    report = urlparse(
        page.get_by_role("link", name="Signaler une erreur sur la fiche La Ruche").get_attribute("href")
    )
    assert report.path == "/org/annuaire/issues/new"
    query = parse_qs(report.query)
    assert query["title"] == ["Erreur sur la fiche « La Ruche »"]
    assert "actors/la-ruche.md" in query["body"][0]


def fill_actor(page, url, name="La Ruche des Possibles"):
    page.goto(f"{url}/proposer/acteur/")
    page.fill("#f-name", name)
    page.select_option("#f-legal-form", "association")
    page.fill("#f-summary", "Un tiers-lieu.")
    page.check("input[name=themes][value=numerique]")


def accepted_by_essaim_validate(root, tmp_path, path, text):
    """The file proposed by the form, in a copy of the territory: what `essaim validate` says."""
    write(tmp_path, "territory.yml", (root / "territory.yml").read_text())
    write(tmp_path, "actors/la-ruche.md", (root / "actors/la-ruche.md").read_text())
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--root", str(tmp_path), "validate"], env={})


@pytest.mark.parametrize(("count", "too_long"), [(280, False), (281, True)])
def test_lengths_are_counted_in_characters_as_essaim_validate_does(page, site, tmp_path, count, too_long):
    root, url = site
    fill_actor(page, url)
    page.fill("#f-summary", "🐝" * count)  # one character, two UTF-16 code units each
    page.click("#propose-form button[type=submit]")
    messages = page.locator("#propose-errors li").all_inner_texts()
    if too_long:
        assert messages == [f"« Résumé » est trop long : {count} caractères, 280 au plus"]
        return
    assert messages == [] and page.locator("#propose-result").is_visible()
    result = accepted_by_essaim_validate(
        root, tmp_path, page.inner_text("#propose-path"), page.input_value("#propose-file")
    )
    assert result.exit_code == 0, result.output
    assert page.console_errors == []


def test_pasted_control_characters_and_half_emoji_never_reach_the_file(page, site, tmp_path):
    root, url = site
    fill_actor(page, url)
    # Pasted from a text once read as Latin-1 (U+0092 is ’, U+0085 is …), with control
    # characters and lone surrogates: YAML refuses the first, encodeURIComponent throws on the last.
    page.evaluate(
        r"""() => {
        document.getElementById("f-name").value = "L\u0092Atelier\u0085 \uD83D";
        document.getElementById("f-summary").value = "Une\u0000 association\u007f \uDC1D\u009d de quartier.";
        document.getElementById("f-body").value = "Texte\u0007 \uD83D\uDC1D.\r\nFin.";
    }"""
    )
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden() and page.locator("#propose-result").is_visible()
    path, text = page.inner_text("#propose-path"), page.input_value("#propose-file")
    assert path == "actors/l-atelier.md"
    assert 'name: "L’Atelier…"\n' in text and 'summary: "Une association  de quartier."\n' in text
    assert text.endswith("---\nTexte 🐝.\nFin.\n")
    assert parse_qs(urlparse(page.get_attribute("#propose-forge", "href")).query)["value"] == [text]
    result = accepted_by_essaim_validate(root, tmp_path, path, text)
    assert result.exit_code == 0, result.output
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("form", "name", "path"),
    [
        ("acteur", "Page", "actors/page-fiche.md"),  # /acteurs/page/2/ is a list page
        ("evenement", "Passes", "events/passes-fiche.md"),  # /agenda/passes/ too
        ("evenement", "Page", "events/page-fiche.md"),
        ("acteur", "Общество взаимопомощи", f"actors/fiche-{name_hash('Общество взаимопомощи')}.md"),
        ("acteur", "جمعية الأحياء", f"actors/fiche-{name_hash('جمعية الأحياء')}.md"),
        ("acteur", "🐝🌻", f"actors/{slug_for('🐝🌻')}.md"),  # the same name as `essaim import` gives
    ],
)
def test_reserved_and_non_latin_names_get_file_names_that_validate(page, site, tmp_path, form, name, path):
    root, url = site
    page.goto(f"{url}/proposer/{form}/")
    if form == "acteur":
        fill_actor(page, url, name)
    else:
        page.fill("#f-title", name)
        page.fill("#f-start", "2026-12-05 14:00")
        page.check("input[name=themes][value=culture]")
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden(), page.inner_text("#propose-errors")
    assert page.inner_text("#propose-path") == path
    result = accepted_by_essaim_validate(root, tmp_path, path, page.input_value("#propose-file"))
    assert result.exit_code == 0, result.output
    assert page.console_errors == []


def test_an_unexpected_error_is_shown_to_the_person(page, site):
    _, url = site
    fill_actor(page, url)
    page.evaluate("() => { window.encodeURIComponent = () => { throw new URIError('URI malformed'); }; }")
    page.click("#propose-form button[type=submit]")
    summary = page.locator("#propose-errors")
    assert summary.is_visible() and page.evaluate("document.activeElement.id") == "propose-errors"
    assert summary.locator("h2").inner_text() == "La fiche n'a pas pu être préparée"
    assert "(URI malformed)" in summary.inner_text()
    assert "envoyez les informations de la fiche à equipe@testville.example.org" in summary.inner_text()
    assert page.locator("#propose-result").is_hidden()
    assert page.console_errors == []


def test_an_event_can_be_proposed_as_free_and_with_cancelled_dates(page, site, tmp_path):
    """The form has every field of the contract a contributor writes (tests/test_field_lists.py):
    `free` is a checkbox, `exdates` a list, and the file they give passes `essaim validate`."""
    root, url = site
    page.goto(f"{url}/proposer/evenement/")
    page.fill("#f-title", "Atelier du samedi")
    page.fill("#f-start", "2026-12-05 14:00")
    page.check("input[name=themes][value=culture]")
    page.check("#f-free")
    page.fill("#f-recurrence", "FREQ=WEEKLY;BYDAY=SA")
    page.fill("#f-exdates", "2026-12-26, 2027-01-02")
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden(), page.inner_text("#propose-errors")
    text = page.input_value("#propose-file")
    assert "free: true\n" in text and 'exdates: ["2026-12-26", "2027-01-02"]\n' in text
    result = accepted_by_essaim_validate(root, tmp_path, page.inner_text("#propose-path"), text)
    assert result.exit_code == 0, result.output
    assert page.console_errors == []


def test_offers_and_needs_are_rows_checked_as_essaim_validate_checks_them(page, site, tmp_path):
    """Rows with a text become `offers_needs:` (empty rows are left out); a text too long, or a
    date without a text, is named with its row, in essaim validate's words; the file validates
    and reads back."""
    root, url = site
    fill_actor(page, url)
    page.select_option("#f-offers-needs-1-kind", "need")
    page.select_option("#f-offers-needs-1-category", "locaux")
    page.fill("#f-offers-needs-1-text", "Un local « atelier » pour réparer: le samedi")
    page.fill("#f-offers-needs-1-until", "2099-01-31")
    page.select_option("#f-offers-needs-3-kind", "offer")
    page.select_option("#f-offers-needs-3-category", "materiel")
    page.fill("#f-offers-needs-3-text", "x" * 201)
    page.click("#propose-form button[type=submit]")
    page.fill("#f-offers-needs-2-until", "2099-02-01")  # a date, and no text to go with it
    page.click("#propose-form button[type=submit]")
    messages = page.locator("#propose-errors li").all_inner_texts()
    assert messages == [  # each named by its row in the form
        "champ obligatoire « Offres et besoins n° 2, texte » manquant : remplissez-le",
        "« Offres et besoins n° 3, texte » est trop long : 201 caractères, 200 au plus",
    ]
    assert page.get_attribute("#f-offers-needs", "aria-invalid") == "true"
    page.fill("#f-offers-needs-2-until", "")
    page.fill("#f-offers-needs-3-text", "Une remorque à prêter")
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden()
    text = page.input_value("#propose-file")
    result = accepted_by_essaim_validate(root, tmp_path, page.inner_text("#propose-path"), text)
    assert result.exit_code == 0, result.output + text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["offers_needs"] == [
        {
            "kind": "need",
            "category": "locaux",
            "text": "Un local « atelier » pour réparer: le samedi",
            "until": "2099-01-31",
        },
        {"kind": "offer", "category": "materiel", "text": "Une remorque à prêter"},
    ]
    assert page.console_errors == []
