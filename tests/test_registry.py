"""`essaim import registry` and `essaim check registry`, against a local server (127.0.0.1)
that answers as the API Recherche d'entreprises documents it (annuaire-entreprises-data-gouv-fr/
search-api, app/doc/open-api.yml): filters in the query, 25 results a page, coordinates as
strings, `{"erreur": ...}` errors, 429 with Retry-After."""

from __future__ import annotations

import http.server
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from click.testing import CliRunner

from conftest import TERRITORY, actor_text, local_server, write
from essaim.cli import main
from essaim.sources.registry import Registry, RegistryError, display_name


def etablissement(siret, commune, postcode, city, street, state="A", lat="47.2181", lon="-1.5528", **more):
    return {
        "siret": siret,
        "adresse": f"{street} {postcode} {city}",
        "code_postal": postcode,
        "commune": commune,
        "libelle_commune": city,
        "latitude": lat,
        "longitude": lon,
        "etat_administratif": state,
        "date_fermeture": more.pop("date_fermeture", None),
        "est_siege": more.pop("est_siege", True),
        "activite_principale": "94.99Z",
        **more,
    }


def company(name, category, naf, establishments, **complements):
    return {
        "siren": establishments[0]["siret"][:9],
        "nom_complet": name,
        "nom_raison_sociale": name,
        "nature_juridique": category,
        "activite_principale": naf,
        "etat_administratif": "A",
        "siege": establishments[0],
        "matching_etablissements": establishments,
        "complements": {"est_ess": True, "est_siae": False, **complements},
    }


RUCHE = company(
    "LA RUCHE DES SAVOIRS (LRS)",
    "9220",
    "94.99Z",
    [etablissement("44306184100013", "44109", "44000", "NANTES", "12 RUE DE LA PAIX")],
)
SCOP = company(
    "CODE COMMUN",
    "5458",
    "62.01Z",
    [etablissement("51234567800019", "44162", "44800", "SAINT-HERBLAIN", "3 BD DU ZENITH")],
)
SPLIT = company(
    "LES JARDINS PARTAGES",
    "9220",
    "01.13Z",
    [
        etablissement("80295478500027", "44109", "44000", "NANTES", "1 RUE FERMEE", state="F"),
        etablissement("80295478500035", "49007", "49000", "ANGERS", "2 RUE D'ANJOU"),
    ],
)
KNOWN = company(
    "ECOSSOLIES", "9220", "94.99Z", [etablissement("73282932000074", "44109", "44000", "NANTES", "8 RUE")]
)
SECURITY = company(
    "GARDIENS SOLIDAIRES",
    "9220",
    "80.10Z",
    [etablissement("34298765400015", "44109", "44000", "NANTES", "5 QUAI")],
)
INSERTION = company(
    "ATELIER D'INSERTION",
    "9221",
    "38.32Z",
    [etablissement("41234567800012", "44143", "44400", "REZE", "7 RUE DU PORT", lat="NaN")],
    est_siae=True,
)
PAGES = [[RUCHE, SCOP, SPLIT], [KNOWN, SECURITY, INSERTION]]


class Registry_:
    """What the local server answers, and what it was asked."""

    def __init__(self):
        self.pages = PAGES
        self.queries: list[dict[str, list[str]]] = []
        self.refuse = 0  # the next N requests get 429
        self.retry_after: str | None = "1"
        self.body: bytes | None = None  # answered as it is, status 200
        self.error: tuple[int, dict] | None = None
        self.by_siret: dict[str, dict] = {}


@pytest.fixture
def registry_server():
    state = Registry_()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            state.queries.append(query)
            if state.refuse:
                state.refuse -= 1
                self.send_response(429)
                if state.retry_after:
                    self.send_header("Retry-After", state.retry_after)
                self.end_headers()
                self.wfile.write(b"Too Many Requests.")
                return
            if state.error:
                status, payload = state.error
                return self._json(payload, status)
            if state.body is not None:
                return self._raw(state.body)
            if parts.path != "/search":
                return self._json({"erreur": "inconnu"}, 404)
            if "q" in query:
                found = state.by_siret.get(query["q"][0])
                results = [found] if found else []
                return self._json(
                    {
                        "results": results,
                        "total_results": len(results),
                        "page": 1,
                        "per_page": 1,
                        "total_pages": 1 if results else 0,
                    }
                )
            page = int(query.get("page", ["1"])[0])
            results = state.pages[page - 1] if page <= len(state.pages) else []
            total = sum(map(len, state.pages))
            self._json(
                {
                    "results": results,
                    "total_results": total,
                    "page": page,
                    "per_page": 25,
                    "total_pages": len(state.pages),
                }
            )

        def _json(self, payload, status=200):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _raw(self, body):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with local_server(Handler) as url:  # the client hangs up on a reply too large: as it should
        state.url = url
        yield state


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], env={})


def import_registry(root, server, *options):
    """`essaim import registry --departement 44` against the local server."""
    return run(
        root,
        "import",
        "registry",
        "--departement",
        "44",
        "--endpoint",
        server.url,
        "--allow-private",
        *options,
    )


@pytest.fixture
def nantes(territory):
    write(territory, "actors/maison.md", actor_text("Maison de l'ESS", siret='"73282932000074"'))
    return territory


def test_import_proposes_the_open_ess_establishments_of_the_area_and_writes_nothing(nantes, registry_server):
    result = import_registry(nantes, registry_server)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "SIRET 44306184100013 : à créer actors/la-ruche-des-savoirs-lrs.md" in lines
    assert "SIRET 51234567800019 : à créer actors/code-commun.md" in lines
    assert "SIRET 41234567800012 : à créer actors/atelier-d-insertion.md" in lines
    assert any(
        line.startswith("SIRET 73282932000074 : ignorée") and "doublon probable de actors/maison.md" in line
        for line in lines
    )
    assert any(
        line.startswith("SIRET 34298765400015 : rejetée")
        and "aucun thème pour le code NAF « 80.10Z »" in line
        for line in lines
    )
    assert "Laissés de côté : 1 établissement(s) fermé(s), 1 hors de la zone demandée." in result.stderr
    assert "Rien n'a été écrit" in result.stderr
    assert sorted(p.name for p in (nantes / "actors").iterdir()) == ["maison.md"]
    first = registry_server.queries[0]
    assert {k: v[0] for k, v in first.items()} == {
        "est_ess": "true",
        "departement": "44",
        "per_page": "25",
        "limite_matching_etablissements": "100",
        "page": "1",
    }
    assert [q["page"] for q in registry_server.queries] == [["1"], ["2"]]


def test_import_write_gives_valid_reviewable_records(nantes, registry_server):
    write(nantes, "territory.yml", TERRITORY + 'registry:\n  themes:\n    "80.10": [citoyennete]\n')
    result = import_registry(nantes, registry_server, "--write")
    assert result.exit_code == 0, result.output
    assert "4 fichier(s) écrit(s)" in result.stderr
    front = yaml.safe_load((nantes / "actors/la-ruche-des-savoirs-lrs.md").read_text().split("---")[1])
    assert front == {
        "name": "La Ruche des Savoirs (LRS)",
        "legal_form": "association",
        "summary": "Structure de l'économie sociale et solidaire à Nantes (répertoire Sirene, activité "
        "94.99Z) : présentation à écrire.",
        "themes": ["citoyennete"],
        "siret": "44306184100013",
        "address": {
            "street": "12 Rue de la Paix",
            "postcode": "44000",
            "city": "Nantes",
            "insee_code": "44109",
        },
        "geo": {"lat": 47.2181, "lon": -1.5528},
    }
    scop = yaml.safe_load((nantes / "actors/code-commun.md").read_text().split("---")[1])
    assert (scop["legal_form"], scop["themes"], scop["address"]["city"]) == (
        "scop",
        ["numerique"],
        "Saint-Herblain",
    )
    insertion = yaml.safe_load((nantes / "actors/atelier-d-insertion.md").read_text().split("---")[1])
    assert insertion["themes"] == ["economie-circulaire", "emploi-insertion"] and "geo" not in insertion
    assert (nantes / "actors/gardiens-solidaires.md").exists()  # its NAF code got a theme from territory.yml
    assert run(nantes, "validate").exit_code == 0
    again = import_registry(nantes, registry_server)
    assert "0 à créer" in again.stderr  # a second run proposes nothing twice


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "indiquez au moins --departement ou --commune"),
        (["--departement", "100"], "« 100 » n'est pas un numéro de département"),
        (["--commune", "4410"], "« 4410 » n'est pas un code INSEE de commune"),
        (["--departement", "44", "--naf", "9499Z"], "« 9499Z » n'est pas un code NAF"),
    ],
)
def test_import_options_are_checked_before_any_request(nantes, registry_server, options, message):
    result = run(nantes, "import", "registry", *options, "--endpoint", registry_server.url, "--allow-private")
    assert result.exit_code == 2 and message in result.output
    assert registry_server.queries == []


def test_a_commune_and_naf_codes_narrow_the_query(nantes, registry_server):
    registry_server.pages = [[RUCHE]]
    result = run(
        nantes,
        "import",
        "registry",
        "--departement",
        "44",
        "--commune",
        "44109",
        "--naf",
        "94.99z",
        "--naf",
        "88.99B",
        "--endpoint",
        registry_server.url,
        "--allow-private",
    )
    assert result.exit_code == 0, result.output
    query = {k: v[0] for k, v in registry_server.queries[0].items()}
    assert query["code_commune"] == "44109" and "departement" not in query
    assert query["activite_principale"] == "94.99Z,88.99B"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"body": b"<!doctype html><title>Maintenance</title>"}, "la réponse n'est pas du JSON"),
        ({"body": b"[" * 100_000 + b"]" * 100_000}, "la réponse n'est pas du JSON"),
        ({"body": b'{"results": "none"}'}, "réponse inattendue (pas de liste « results »)"),
        (
            {"error": (400, {"erreur": "Veuillez indiquer un paramètre `per_page` entre `1` et `25`."})},
            "réponse HTTP 400 (« Veuillez indiquer un paramètre `per_page` entre `1` et `25`. ») : vérifiez",
        ),
        ({"body": b"x" * 5_000_001}, "au-delà de la limite de 5000000"),
    ],
)
def test_a_bad_reply_is_one_sentence_and_nothing_is_written(nantes, registry_server, answer, message):
    registry_server.body = answer.get("body")
    registry_server.error = answer.get("error")
    result = import_registry(nantes, registry_server, "--write")
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in (nantes / "actors").iterdir()) == ["maison.md"]


def test_untrusted_texts_and_numbers_are_cleaned(nantes, registry_server):
    odd = company(
        "BAD\x1b[31mNAME\u0085 " + "X" * 300,
        "9220",
        "94.99Z",
        [etablissement("44306184100013", "44109", "44000", "NANTES", "1 RUE", lat="1e400", lon="2")],
    )
    broken = {"siret": "1234", "commune": "44109"}
    registry_server.pages = [[odd, {**SCOP, "matching_etablissements": [broken]}, "not a company"]]
    result = import_registry(nantes, registry_server, "--write")
    assert result.exit_code == 0, result.output
    (written,) = [p for p in (nantes / "actors").iterdir() if p.name != "maison.md"]
    front = yaml.safe_load(written.read_text().split("---")[1])
    assert front["name"].startswith("BAD [31mNAME X") and len(front["name"]) <= 150
    assert "geo" not in front
    assert "2 illisible(s) (SIRET illisible ('1234'))" in result.stderr


def test_a_loopback_endpoint_is_refused_unless_allowed(nantes, registry_server):
    result = run(nantes, "import", "registry", "--departement", "44", "--endpoint", registry_server.url)
    assert result.exit_code == 1
    assert (
        "connexion refusée ; pour un serveur local ou un essai, relancez avec --allow-private"
        in result.stderr
    )
    assert registry_server.queries == []


def test_429_waits_what_retry_after_says_then_backs_off(registry_server):
    waits: list[float] = []
    clock = [0.0]

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    registry = Registry(registry_server.url, allow_private=True, sleep=sleep, clock=lambda: clock[0])
    registry_server.refuse, registry_server.retry_after = 1, "3"
    assert registry.get({"departement": "44"})["results"] == PAGES[0]
    assert waits and waits[-1] >= 3
    waits.clear()
    registry_server.refuse, registry_server.retry_after = 99, None
    with pytest.raises(RegistryError, match="le répertoire limite le nombre de demandes"):
        registry.get({"departement": "44"})
    assert [round(w) for w in waits if w >= 0.5] == [1, 2, 4, 8]
    registry_server.refuse, registry_server.retry_after = 0, None


def test_requests_are_paced_under_the_api_limit(registry_server):
    clock = [0.0]
    sent: list[float] = []

    def sleep(seconds):
        clock[0] += seconds

    registry = Registry(registry_server.url, allow_private=True, sleep=sleep, clock=lambda: clock[0])
    original = registry.client.get

    def get(url, *args):
        sent.append(clock[0])
        return original(url, *args)

    registry.client.get = get
    for _ in range(8):
        registry.get({"departement": "44"})
    assert all(b - a >= 1 / 7 for a, b in zip(sent, sent[1:], strict=False))


def test_display_name_rewrites_capitals_only():
    assert display_name("L'ATELIER DU COIN (ADC)") == "L'Atelier du Coin (ADC)"
    assert (
        display_name("ASSOCIATION D'ENTRAIDE DE SAINT-HERBLAIN") == "Association d'Entraide de Saint-Herblain"
    )
    assert display_name("La Cocotte") == "La Cocotte"


@pytest.fixture
def checked(territory, registry_server):
    write(
        territory,
        "actors/ouverte.md",
        actor_text("Ouverte", siret='"44306184100013"', address="{postcode: '44000', city: Nantes}"),
    )
    write(
        territory,
        "actors/fermee.md",
        actor_text("Fermée", siret='"80295478500027"', website="https://f.example.org"),
    )
    write(
        territory,
        "actors/inconnue.md",
        actor_text("Inconnue", siret='"73282932000074"', website="https://i.example.org"),
    )
    write(
        territory,
        "actors/partie.md",
        actor_text("Partie", siret='"51234567800019"', website="https://p.example.org"),
    )
    write(territory, "actors/sans.md", actor_text("Sans SIRET", website="https://s.example.org"))
    closed = etablissement(
        "80295478500027", "44109", "44000", "NANTES", "1 RUE", state="F", date_fermeture="2025-03-31"
    )
    moved = etablissement("51234567800019", "44162", "44800", "SAINT-HERBLAIN", "3 BD DU ZENITH")
    registry_server.by_siret = {
        "44306184100013": RUCHE,
        "80295478500027": company("FERMEE", "9220", "94.99Z", [closed]),
        "51234567800019": company("PARTIE", "9220", "94.99Z", [moved]),
    }
    return territory


def test_check_registry_warns_at_the_siret_line_of_closed_unknown_and_moved_records(checked, registry_server):
    result = run(checked, "check", "registry", "--endpoint", registry_server.url, "--allow-private")
    assert result.exit_code == 0, result.output
    lines = sorted(result.stdout.splitlines())
    assert [line.split(": warning: ")[0] for line in lines] == [
        "actors/fermee.md:9:1",
        "actors/inconnue.md:9:1",
        "actors/partie.md:9:1",
    ]
    assert "établissement fermé depuis le 31/03/2025 selon le répertoire Sirene" in lines[0]
    assert "archived: true" in lines[0]
    assert "SIRET inconnu du répertoire Sirene" in lines[1]
    assert (
        "adresse différente de celle du répertoire Sirene (« 3 BD DU ZENITH 44800 SAINT-HERBLAIN »)"
        in lines[2]
    )
    assert "4 SIRET vérifié(s) : 3 avertissement(s)." in result.stderr
    assert len(registry_server.queries) == 4  # the record without SIRET is not asked for

    github = run(
        checked,
        "check",
        "registry",
        "--format",
        "github",
        "--endpoint",
        registry_server.url,
        "--allow-private",
    )
    assert "::warning file=actors/fermee.md,line=9,col=1::établissement fermé" in github.stdout
    markdown = run(
        checked,
        "check",
        "registry",
        "--format",
        "markdown",
        "--endpoint",
        registry_server.url,
        "--allow-private",
    )
    assert markdown.stdout.startswith("## Répertoire Sirene (3)")
    assert "- **Fermée** (`actors/fermee.md`, ligne 9) : établissement fermé" in markdown.stdout


def test_check_registry_goes_on_when_one_request_fails(checked, registry_server):
    registry_server.error = (503, {"erreur": "Une erreur inattendue s'est produite."})
    result = run(checked, "check", "registry", "--endpoint", registry_server.url, "--allow-private")
    assert result.exit_code == 1
    assert result.stderr.count("vérification impossible") == 4
    assert "4 vérification(s) impossible(s)" in result.stderr and "Traceback" not in result.output


# -- what a hostile-input review of this code found --------------------------------------------


def test_a_retry_after_that_is_not_an_ascii_number_is_backed_off_not_a_crash(registry_server):
    waits: list[float] = []
    registry = Registry(registry_server.url, allow_private=True, sleep=waits.append, clock=lambda: 0.0)
    registry_server.refuse, registry_server.retry_after = 1, "\u00b2"  # « ² »: str.isdigit() says yes
    assert registry.get({"departement": "44"})["results"] == PAGES[0]
    assert 1 in [round(w) for w in waits]  # the first back-off step, not the header's value


def test_a_retry_after_beyond_a_minute_is_not_waited_for_and_check_registry_stops_asking(
    checked, registry_server
):
    registry_server.refuse, registry_server.retry_after = 99, "3600"
    result = run(checked, "check", "registry", "--endpoint", registry_server.url, "--allow-private")
    assert result.exit_code == 1
    assert len(registry_server.queries) == 1  # one refusal: the four others are not even asked
    assert result.stderr.count("vérification reportée") == 3
    markdown = run(
        checked,
        "check",
        "registry",
        "--format",
        "markdown",
        "--endpoint",
        registry_server.url,
        "--allow-private",
    )
    assert "**Le répertoire Sirene n'a pas répondu pour ces fiches**" in markdown.stdout
    assert "- `actors/fermee.md` : " in markdown.stdout
    registry_server.refuse = 0


def test_a_page_larger_than_the_api_gives_is_refused(nantes, registry_server):
    registry_server.pages = [[RUCHE] * 26]
    result = import_registry(nantes, registry_server)
    assert result.exit_code == 1 and "26 résultats pour une page de 25" in result.stderr


def test_companies_of_one_name_in_several_towns_each_get_their_record(nantes, registry_server):
    amicales = [
        company("AMICALE LAIQUE", "9220", "94.99Z", [etablissement(siret, code, postcode, town, "1 RUE")])
        for siret, code, postcode, town in (
            ("44306184100021", "44109", "44000", "NANTES"),
            ("44306184100039", "44143", "44400", "REZE"),
            ("44306184100047", "44162", "44800", "SAINT-HERBLAIN"),
        )
    ]
    registry_server.pages = [amicales]
    result = import_registry(nantes, registry_server, "--write")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (nantes / "actors").iterdir())
    assert names == [
        "amicale-laique-nantes.md",
        "amicale-laique-reze.md",
        "amicale-laique-saint-herblain.md",
        "maison.md",
    ]
    assert run(nantes, "validate").exit_code == 0


def test_update_never_replaces_the_record_of_another_structure(nantes, registry_server):
    write(
        nantes,
        "actors/code-commun.md",
        actor_text("Code commun", siret='"73282932000074"', website="https://code.example.org"),
    )
    before = (nantes / "actors/code-commun.md").read_bytes()
    registry_server.pages = [[SCOP]]
    result = import_registry(nantes, registry_server, "--update", "--write")
    assert "une autre structure (SIRET 73282932000074) a ce nom de fichier" in result.stdout
    assert (nantes / "actors/code-commun.md").read_bytes() == before


def test_two_names_sorted_alike_are_never_both_written(nantes, registry_server):
    registry_server.pages = [
        [
            company(
                "ŒUVRE SOLIDAIRE",
                "9220",
                "94.99Z",
                [etablissement("44306184100021", "44109", "44000", "NANTES", "1")],
            ),
            company(
                "UVRE SOLIDAIRE",
                "9220",
                "94.99Z",
                [etablissement("44306184100039", "44109", "44000", "NANTES", "2")],
            ),
        ]
    ]
    result = import_registry(nantes, registry_server, "--write")
    assert result.exit_code == 0, result.output
    assert run(nantes, "validate").exit_code == 0


def test_import_never_writes_through_a_link(nantes, registry_server, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "precious.txt").write_text("précieux", encoding="utf-8")
    (nantes / "actors/code-commun.md").symlink_to(outside / "precious.txt")
    (nantes / "actors/la-ruche-des-savoirs-lrs.md").symlink_to(outside / "created.md")  # leads nowhere
    registry_server.pages = [[SCOP, RUCHE]]
    result = import_registry(nantes, registry_server, "--update", "--write")
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "précieux"
    assert not (outside / "created.md").exists()
    assert result.stdout.count("lien (hors du dépôt ?)") == 2


def test_display_name_keeps_quotes_and_dotted_acronyms():
    assert display_name("« LA RUCHE »") == "« La Ruche »"
    assert display_name("A.D.M.R. DE NANTES") == "A.D.M.R. de Nantes"
