"""Offers and needs across directories, over real HTTP on 127.0.0.1: a neighbour publishes its
offers and needs (/data/offers-needs.json, announced under `optional_datasets` in protocol 1.1),
`essaim federation pull` checks and keeps them, and the build matches them with ours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import REPO, actor_text, build, section, serve, territory_yml, text_of, write
from essaim.cli import main
from essaim.federation.pull import pull_peer
from essaim.federation.records import max_offers_needs_per_record, peer_folder, peer_name
from essaim.net.http import Client
from essaim.records.territory import read_territory

PULL = ["federation", "pull", "--allow-private"]  # the neighbour is served on 127.0.0.1
NEAR = "{lat: 47.19, lon: -1.55}"  # Rezé, a few km from Nantes


def offers(*items: tuple[str, str, str]) -> str:
    """An `offers_needs:` block of (kind, category, text)."""
    return "".join(f"\n  - kind: {k}\n    category: {c}\n    text: {json.dumps(t)}" for k, c, t in items)


@pytest.fixture(scope="module")
def reze(tmp_path_factory):
    """The neighbour: a bike workshop that offers repairs, a kitchen that looks for volunteers."""
    root = tmp_path_factory.mktemp("reze")
    output = root / "output"
    output.mkdir()
    server, url = serve(output)
    write(root, "territory.yml", territory_yml("Annuaire de Rezé", url))
    write(
        root,
        "actors/cyclo-reze.md",
        actor_text(
            "Cyclo Rezé",
            geo=NEAR,
            offers_needs=offers(("offer", "competences", "Réparation de vélos cargos")),
        ),
    )
    write(
        root,
        "actors/cuisine-reze.md",
        actor_text(
            "Cuisine de Rezé",
            geo=NEAR,
            offers_needs=offers(("need", "benevolat", "Des bénévoles pour la cuisine du samedi")),
        ),
    )
    build(root, output)
    yield root, url
    server.shutdown()


def local_site(root: Path, reze_url: str) -> None:
    write(root, "territory.yml", territory_yml("Essaim Nantes", "https://nantes.example.org", [reze_url]))
    write(
        root,
        "actors/coursiers.md",
        actor_text(
            "Coursiers nantais",
            geo="{lat: 47.22, lon: -1.55}",
            offers_needs=offers(("need", "competences", "Réparer nos vélos cargos")),
        ),
    )
    write(
        root,
        "actors/lycee.md",
        actor_text(
            "Lycée solidaire",
            geo="{lat: 47.21, lon: -1.56}",
            offers_needs=offers(("offer", "benevolat", "Bénévoles en cuisine, le samedi")),
        ),
    )


def test_a_neighbour_s_offer_answers_a_local_need_and_ours_answers_its_need(reze, tmp_path):
    reze_root, reze_url = reze
    manifest = json.loads((reze_root / "output/federation.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "1.1"
    assert manifest["optional_datasets"]["offers_needs"] == f"{reze_url}/data/offers-needs.json"
    local_site(tmp_path, reze_url)
    result = CliRunner().invoke(main, ["--root", str(tmp_path), *PULL], env={})
    assert result.exit_code == 0, result.output
    assert (
        f"{reze_url} : 2 ajoutée(s), 0 modifiée(s), 0 retirée(s), 0 rejetée(s) ; 2 offre(s) ou besoin(s)"
        in (result.output)
    )
    snapshot = json.loads(
        (tmp_path / "federation" / peer_folder(reze_url) / "offers_needs.json").read_text(encoding="utf-8")
    )
    assert sorted(item["text"] for item in snapshot) == [
        "Des bénévoles pour la cuisine du samedi",
        "Réparation de vélos cargos",
    ]
    output = build(tmp_path)
    need_page = (output / "acteurs/coursiers/index.html").read_text(encoding="utf-8")
    found = section(need_page, 'id="correspondances"')
    assert (
        f'<a href="{reze_url}/acteurs/cyclo-reze/"><bdi>Cyclo Rezé</bdi></a>' in found
    )  # its page, on its site
    assert (
        "Cyclo Rezé annuaire Annuaire de Rezé propose « Réparation de vélos cargos » "
        "(mots en commun : « Réparer » / « Réparation », « vélos », « cargos » ; à 3,3 km)"
    ) in text_of(found)
    offer_page = (output / "acteurs/lycee/index.html").read_text(encoding="utf-8")
    found = section(offer_page, 'id="correspondances"')
    assert f'<a href="{reze_url}/acteurs/cuisine-reze/"><bdi>Cuisine de Rezé</bdi></a>' in found
    assert "cherche « Des bénévoles pour la cuisine du samedi »" in text_of(found)
    # The neighbour's offers and needs are on its own board and in its own open data, not ours.
    board = (output / "coups-de-main/competences/index.html").read_text(encoding="utf-8")
    assert "Cyclo Rezé" not in board and "Réparer nos vélos cargos" in board
    exported = json.loads((output / "data/offers-needs.json").read_text(encoding="utf-8"))
    assert {item["record"]["name"] for item in exported["records"]} == {
        "Coursiers nantais",
        "Lycée solidaire",
    }


def test_a_1_1_manifest_is_valid_for_a_1_0_reader_and_a_1_0_neighbour_is_still_pulled(reze, tmp_path):
    reze_root, reze_url = reze
    ours = json.loads((reze_root / "output/federation.json").read_text(encoding="utf-8"))
    reader_1_0 = json.loads((REPO / "tests/fixtures/federation-1.0.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(reader_1_0).validate(ours)  # 1.0 readers ignore `optional_datasets`
    # A neighbour still on 1.0: no `optional_datasets`, so no offers and needs, and no error.
    site = tmp_path / "old"
    (site / "data").mkdir(parents=True)
    old = {k: v for k, v in ours.items() if k != "optional_datasets"} | {"version": "1.0"}
    server, base = serve(site)
    try:
        old["datasets"] = {"actors": f"{base}/data/actors.json"}
        (site / "federation.json").write_text(json.dumps(old), encoding="utf-8")
        actors = (reze_root / "output/data/actors.json").read_text(encoding="utf-8").replace(reze_url, base)
        (site / "data/actors.json").write_text(actors, encoding="utf-8")
        peer = {"url": base, "include": ["actors", "offers_needs"], "themes": [], "transitive": False}
        report = pull_peer(tmp_path, peer, Client(retries=0, allow_private=True))
    finally:
        server.shutdown()
    assert not report.error and report.added == 2 and report.offers_needs == 0
    assert not (tmp_path / "federation" / peer_folder(base) / "offers_needs.json").exists()


def test_each_offer_or_need_of_a_neighbour_is_checked_and_the_build_checks_the_snapshot_again(
    reze, tmp_path, caplog
):
    reze_root, reze_url = reze
    site = tmp_path / "hostile"
    (site / "data").mkdir(parents=True)
    server, base = serve(site)
    good = json.loads(
        (reze_root / "output/data/offers-needs.json").read_text(encoding="utf-8").replace(reze_url, base)
    )
    offer = next(item for item in good["records"] if item["kind"] == "offer")

    def item(**changes):
        return {**offer, **changes}

    good["records"] = [
        item(nouveau_champ="1.6"),  # a newer minor version's field: set aside, the item kept
        item(id="actor:cyclo-reze:1", record={**offer["record"], "url": "https://ailleurs.example.org/a/"}),
        item(id="actor:cyclo-reze:2", text="x" * 201),
        item(id="actor:cyclo-reze:3", record={**offer["record"], "url": "javascript:alert(1)"}),
        item(id="actor:cyclo-reze:4", text="Réparation\u0007"),
        item(id="actor:cyclo-reze:5", kind="don"),
        item(),  # the same id twice
        item(id="actor:cyclo-reze:7", text="<script>alert(1)</script> vélos cargos"),  # text, kept as text
        "pas un objet",
        item(id="actor:autre:0"),  # an id that names another record
        # our own page, written with the default port and a final dot (a transitive peer)
        item(
            id="actor:cyclo-reze:11", record={**offer["record"], "url": "https://nantes.example.org.:443/a/"}
        ),
        item(id="actor:cyclo-reze:12\n"),  # a final line feed, which a pattern's `$` lets through
        item(id="actor:cyclo-reze:13", record={**offer["record"], "name": "   "}),
        *(item(id=f"actor:cyclo-reze:{n}", text="Atelier de couture") for n in range(20, 120)),  # too many
    ]
    write(tmp_path, "territory.yml", territory_yml("Essaim Nantes", "https://nantes.example.org", [base]))
    nantes, _ = read_territory(tmp_path)
    manifest = json.loads((reze_root / "output/federation.json").read_text(encoding="utf-8"))
    try:
        manifest["datasets"] = {}
        manifest["optional_datasets"] = {"offers_needs": f"{base}/data/offers-needs.json"}
        (site / "federation.json").write_text(json.dumps(manifest), encoding="utf-8")
        (site / "data/offers-needs.json").write_text(json.dumps(good), encoding="utf-8")
        peer = {"url": base, "include": ["offers_needs"], "themes": [], "transitive": False}
        report = pull_peer(tmp_path, peer, Client(retries=0, allow_private=True), territory=nantes)
    finally:
        server.shutdown()
    most = max_offers_needs_per_record()  # 70: what one local actor can give
    assert not report.error and report.offers_needs == most
    reasons = dict(report.rejected)
    assert "autre annuaire" in reasons["offre ou besoin « actor:cyclo-reze:1 »"]
    assert "cet annuaire-ci" in reasons["offre ou besoin « actor:cyclo-reze:11 »"]
    assert reasons["offre ou besoin n° 3"] == "« text » est trop long : 201 caractères, 200 au plus"
    assert "« record.url » doit être une adresse web complète" in reasons["offre ou besoin n° 4"]
    assert reasons["offre ou besoin n° 5"] == "caractère de contrôle dans un texte"
    assert (
        reasons["offre ou besoin n° 6"]
        == "valeur « don » inconnue pour « kind » : choisissez parmi offer, need"
    )
    assert "même identifiant" in reasons[f"offre ou besoin « {offer['id']} »"]
    assert reasons["offre ou besoin n° 9"] == "n'est pas un objet JSON"
    assert "ne nomme pas sa fiche (actor:cyclo-reze)" in reasons["offre ou besoin n° 10"]
    assert reasons["offre ou besoin n° 12"] == "saut de ligne dans un identifiant ou une adresse"
    assert reasons["offre ou besoin n° 13"] == "« record.name » est vide"
    assert (
        reasons["offre ou besoin « actor:cyclo-reze:119 »"]
        == f"plus de {most} offres et besoins pour une même fiche"
    )
    folder = tmp_path / "federation" / peer_folder(base)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["datasets"]["offers_needs"]["ignored_fields"] == {"nouveau_champ": 1}
    # A snapshot edited by hand is checked again: the bad item is left out with a warning.
    snapshot = json.loads((folder / "offers_needs.json").read_text(encoding="utf-8"))
    snapshot.append(
        {**offer, "id": "actor:cyclo-reze:9", "record": {**offer["record"], "url": "javascript:alert(1)"}}
    )
    (folder / "offers_needs.json").write_text(json.dumps(snapshot), encoding="utf-8")
    write(
        tmp_path,
        "actors/coursiers.md",
        actor_text(
            "Coursiers",
            geo="{lat: 47.22, lon: -1.55}",
            offers_needs=offers(("need", "competences", "Vélos cargos")),
        ),
    )
    output = build(tmp_path)
    assert "une offre ou un besoin est laissé de côté" in caplog.text
    found = section(
        (output / "acteurs/coursiers/index.html").read_text(encoding="utf-8"), 'id="correspondances"'
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; vélos cargos" in found and "<script>" not in found
    assert "javascript:" not in found


def test_a_neighbour_never_takes_the_name_another_one_is_shown_under():
    """Ours is « Y »; a first neighbour declares « Y (b.example) », the name a second one at
    b.example would get: the second is still shown under a name of its own."""
    taken = {"y"}
    first = peer_name("Y (b.example)", "https://a.example", taken)
    taken.add("y-b-example")
    second = peer_name("Y", "https://b.example", taken)
    assert first == "Y (b.example)" and second not in (first, "Y")
