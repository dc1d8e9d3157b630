"""The scripts speak the page's language: on the English and Spanish sites, the map, the agenda,
the opening hours and the proposal form say in that language what they add to the page (their
messages come from the catalogues, embedded by the build), in real Chromium."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from conftest import in_language
from essaim.cli import main

PARIS = ZoneInfo("Europe/Paris")

SAID = {  # what each language's scripts say, as its catalogue translates it
    "en": {
        "offer": "Show the interactive map",
        "in view": r"^\(\d+ in view\)$",
        "show": "Show on the map",
        "kinds": ("Organisation", "Initiative", "Event"),
        "exchange": "Helping hands: 2 needs",
        "ended": "1 event that ended since the site was updated is no longer shown.",
        "now": r"^(Open now|Closed now)( · (closes|opens) .+)?$",
        "errors": r"^The record has \d+ errors to correct$",
        "postcode": 'must be a 5-digit postcode (for example "44000") (received: “440”)',
        "too long": "is too long: 300 characters, 280 at most",
        "grid": ": the closing time must come after the opening time.",
    },
    "es": {
        "offer": "Mostrar el mapa interactivo",
        "in view": r"^\(\d+ a la vista\)$",
        "show": "Ver en el mapa",
        "kinds": ("Organización", "Iniciativa", "Evento"),
        "exchange": "Echar una mano: 2 necesidades",
        "ended": "1 evento terminado desde la actualización del sitio ya no se muestra.",
        "now": r"^(Abierto ahora|Cerrado ahora)( · (cierra|abre) .+)?$",
        "errors": r"^La ficha tiene \d+ errores que corregir$",
        "postcode": 'debe ser un código postal de 5 cifras (por ejemplo "44000") (recibido: «440»)',
        "too long": "es demasiado largo: 300 caracteres, 280 como máximo",
        "grid": ": la hora de cierre debe ser posterior a la de apertura.",
    },
}
FRENCH = re.compile(
    r"\b(Afficher|Voir sur la carte|dans la vue|Coups de main|Ouvert|Fermé|erreurs? à corriger|doit être"
    r"|champ obligatoire)\b"
)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_map_speaks_the_page_s_language(page, languages_url, languages_output, language):
    said = SAID[language]
    page.goto(languages_url + in_language(languages_output, "/carte/", language))
    button = page.locator(".map-offer button")
    assert button.inner_text() == said["offer"]
    button.click()
    page.wait_for_selector("#carte[data-ready=true]")
    assert re.match(said["in view"], page.inner_text("#lieux-statut"))
    show = page.locator("#lieux-visibles li", has_text="Place au vélo").locator("button")
    assert (
        show.inner_text() == said["show"]
        and show.get_attribute("aria-label") == f"{said['show']}: Place au vélo"
    )
    show.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".popup-kind").inner_text().split(" · ")[0] == said["kinds"][0]
    assert said["exchange"] in popup.inner_text()
    popup.locator(".hours-now").wait_for()  # the worker answers in the page's language
    assert re.match(said["now"], popup.locator(".hours-now").inner_text())
    assert not FRENCH.search(page.inner_text("main")) and page.console_errors == []


@pytest.mark.browser
def test_a_popup_shows_the_record_in_the_page_s_language_or_marks_its_own(
    page, languages_url, languages_output
):
    """PiNG's summary is translated into English (not Spanish), its name is not: the English
    popup shows the English summary, the name marked `lang="fr"`; the Spanish popup marks both."""
    summary = "A popular education association in Nantes that runs shared makerspace and repair workshops."
    for language, summary_lang in (("en", None), ("es", "fr")):
        page.goto(languages_url + in_language(languages_output, "/carte/", language))
        page.locator(".map-offer button").click()
        page.wait_for_selector("#carte[data-ready=true]")
        listed = page.locator("#lieux-visibles li", has_text="PiNG")
        assert listed.locator("a").get_attribute("lang") == "fr", language
        listed.locator("button").click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        name = popup.locator("strong a")
        assert name.inner_text() == "PiNG" and name.get_attribute("lang") == "fr", language
        shown = popup.locator("p:not(.popup-kind)").first
        assert (shown.inner_text() == summary) == (language == "en"), language
        assert shown.get_attribute("lang") == summary_lang, language
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_agenda_and_the_opening_hours_speak_the_page_s_language(
    page, languages_url, languages_output, language
):
    said = SAID[language]
    # The demo is built on 22 November 2026; « Rencontre : échange de compétences » ends on the
    # 26th at 21:00: at 21:30 the agenda says, in the page's language, that it has left the list.
    page.clock.set_fixed_time(datetime(2026, 11, 26, 21, 30, tzinfo=PARIS))
    page.goto(languages_url + in_language(languages_output, "/agenda/", language))
    assert page.inner_text("#agenda-statut") == said["ended"]
    page.goto(languages_url + in_language(languages_output, "/acteurs/la-tricyclerie/", language))
    line = page.locator("[data-opening-hours]")
    line.wait_for()
    assert re.match(said["now"], line.inner_text().replace("\u202f", " "))
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_proposal_form_s_checks_speak_the_page_s_language(
    page, languages_url, languages_output, language
):
    said = SAID[language]
    page.goto(languages_url + in_language(languages_output, "/proposer/acteur/", language))
    page.fill("#f-summary", "x" * 300)
    page.fill("#f-address-postcode", "440")
    page.click("#propose-form button[type=submit]")
    summary = page.locator("#propose-errors")
    assert re.match(said["errors"], summary.locator("h2").inner_text())
    messages = summary.locator("li").all_inner_texts()
    assert any(message.endswith(said["postcode"]) for message in messages), messages
    assert any(said["too long"] in message for message in messages), messages
    assert not FRENCH.search(" ".join(messages)), messages
    row = page.locator("[data-hours-grid] [data-day='0']")
    row.locator("input[type=time]").nth(0).fill("18:00")
    row.locator("input[type=time]").nth(1).fill("09:00")
    error = page.locator("[data-hours-grid] .field-error")
    error.wait_for()
    assert error.inner_text() == row.locator("th").inner_text() + said["grid"]
    assert page.console_errors == []


@pytest.mark.browser
def test_an_english_search_result_marks_what_is_not_translated(page, languages_url, languages_output):
    """On /en/, PiNG's result shows its English summary (no `lang`) under its name as written,
    marked `lang="fr"`, so that a screen reader reads each in its own voice."""
    page.goto(languages_url + in_language(languages_output, "/recherche/?q=ping", "en"))
    page.wait_for_selector("html[data-search-shown]")
    result = page.locator(".search-result", has=page.locator("a[href$='/organisations/ping/']")).first
    assert result.locator("h2 a").get_attribute("lang") == "fr"
    summary = result.locator("p").nth(1)
    assert summary.inner_text().startswith("A popular education") and summary.get_attribute("lang") is None
    assert page.console_errors == []


@pytest.mark.browser
def test_the_proposal_form_asks_for_the_record_in_the_other_languages(
    page, languages_url, languages_output, tmp_path
):
    """The French form of a three-language territory has a section per other language; what is
    written there becomes `translations.<lang>` in the file, which essaim validate accepts."""
    page.goto(languages_url + "/proposer/acteur/")
    assert page.locator("legend", has_text="La fiche en anglais (facultatif)").count() == 1
    assert page.locator("legend", has_text="La fiche en espagnol (facultatif)").count() == 1
    page.fill("#f-name", "La Forge")
    page.select_option("#f-legal-form", "association")
    page.fill("#f-summary", "Un atelier partagé de métallerie.")
    page.check("input[name=themes][value=numerique]")
    page.fill("#f-address-city", "Nantes")
    page.fill("#f-translations-en-summary", "A shared metalwork workshop.")
    page.fill("#f-translations-es-name", "La Fragua")
    page.click("#propose-form button[type=submit]")
    assert page.locator("#propose-errors").is_hidden()
    text = page.input_value("#propose-file")
    fields = yaml.safe_load(text.split("---")[1])
    assert fields["translations"] == {
        "en": {"summary": "A shared metalwork workshop."},
        "es": {"name": "La Fragua"},
    }
    root = languages_output.parent
    for name in ("territory.yml", "content", "actors", "initiatives", "events"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        elif source.is_file():
            shutil.copy(source, tmp_path / name)
    (tmp_path / page.inner_text("#propose-path")).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"], env={})
    assert result.exit_code == 0, result.output + text
    assert page.console_errors == []
