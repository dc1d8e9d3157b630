"""`essaim check links`: every web address of the records asked once, against a local server
(127.0.0.1) answering 200, 404, 410, 500, 403, a redirect and a reply that never comes."""

from __future__ import annotations

import http.server
import time

import pytest
from click.testing import CliRunner

from conftest import actor_text, local_server, write
from essaim.cli import main
from essaim.sources.links import check_links


@pytest.fixture
def site():
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            asked.append(self.path)
            if self.path == "/lent":
                time.sleep(3)
            status = {"/gone": 404, "/parti": 410, "/panne": 500, "/robots": 403, "/vers-ok": 302}.get(
                self.path, 200
            )
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/ok")
            body = b"x" * 100_000  # never read: a link check reads no page
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with local_server(Handler) as url:  # the checker hangs up without reading the page
        yield url, asked


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], env={})


def test_dead_links_are_warned_at_their_line_and_each_address_is_asked_once(territory, site):
    url, asked = site
    write(territory, "actors/vivant.md", actor_text("Vivant", website=f"{url}/ok"))
    write(territory, "actors/double.md", actor_text("Double", website=f"{url}/ok", siret='"44306184100013"'))
    write(territory, "actors/mort.md", actor_text("Mort", website=f"{url}/gone"))
    write(
        territory,
        "actors/social.md",
        actor_text(
            "Social", website=f"{url}/vers-ok", social=f"\n  mastodon: {url}/parti\n  peertube: {url}/robots"
        ),
    )
    write(
        territory,
        "initiatives/projet.md",
        f"---\nname: Projet\nsummary: Un projet.\nthemes: [numerique]\nactors: [vivant]\n"
        f"crowdfunding_url: {url}/panne\n---\n",
    )
    result = run(territory, "check", "links", "--allow-private", "--timeout", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"actors/mort.md:9:1: warning: {url}/gone : page introuvable (HTTP 404)",
        f"actors/social.md:11:3: warning: {url}/parti : page introuvable (HTTP 410)",
        f"initiatives/projet.md:6:1: warning: {url}/panne : le site répond par une erreur (HTTP 500)",
    ]
    assert "6 adresse(s) vérifiée(s) : 3 lien(s) à corriger." in result.stderr
    assert asked.count("/ok") == 2  # once for two records, once after the redirect
    markdown = run(territory, "check", "links", "--allow-private", "--format", "markdown")
    assert markdown.stdout.startswith("## Liens à corriger (3)")


def test_a_silent_server_is_cut_at_its_deadline_and_others_are_still_checked(site):
    url, _ = site
    started = time.monotonic()
    verdicts = check_links([f"{url}/lent", f"{url}/ok", f"{url}/gone"], timeout=0.5, allow_private=True)
    assert time.monotonic() - started < 2.9  # the slow reply takes 3 s: it was not waited for
    assert "délai dépassé" in verdicts[f"{url}/lent"].problem
    assert verdicts[f"{url}/ok"].problem is None and "404" in verdicts[f"{url}/gone"].problem


def test_local_addresses_are_refused_unless_allowed(territory, site):
    url, asked = site
    write(territory, "actors/local.md", actor_text("Local", website=f"{url}/ok"))
    result = run(territory, "check", "links")
    assert result.exit_code == 0
    assert "connexion refusée ; pour vérifier un site local, relancez avec --allow-private" in result.stdout
    assert asked == []


def test_addresses_validate_accepts_never_crash_the_check(site):
    long_label = "http://" + "a" * 64 + ".example.org/"
    verdicts = check_links([long_label], timeout=0.5, allow_private=True)
    assert verdicts[long_label].problem  # named, not a traceback


def test_an_address_with_an_empty_label_is_refused_by_validate(territory):
    write(territory, "actors/a.md", actor_text("A", website="http://a..b/"))
    write(territory, "actors/b.md", actor_text("B", website='"http://[oops/"'))
    result = run(territory, "validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("doit être une adresse web complète") == 2
