"""Murmurations profiles, read back with jsonschema against copies of the published schemas
(tests/fixtures/murmurations/, from MurmurationsNetwork/MurmurationsLibrary): each actor as
organizations_schema-v1.0.0, each open offer or need as offers_wants_schema-v0.1.0."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

from conftest import REPO, actor_text, build, write

SCHEMAS = REPO / "tests/fixtures/murmurations"
ORGANIZATIONS, OFFERS_WANTS = "organizations_schema-v1.0.0", "offers_wants_schema-v0.1.0"
BASE = "https://essaim-nantes.example.org"


def _retrieve(uri: str) -> Resource:
    """A schema's `$ref` (https://…/v2/fields/name.json) read from the local copies only."""
    *_, folder, name = urlsplit(uri).path.rstrip("/").split("/")
    if folder == "schemas" and not name.endswith(".json"):
        name += ".json"
    path = SCHEMAS / folder / name
    if folder not in ("fields", "schemas") or not path.is_file():
        raise NoSuchResource(ref=uri)
    # Draft 7: the field files name no $schema, and the schemas' https:// form is not recognised.
    return DRAFT7.create_resource(json.loads(path.read_text(encoding="utf-8")))


@cache
def validator(schema_name: str) -> Draft7Validator:
    schema = json.loads((SCHEMAS / "schemas" / f"{schema_name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=Registry(retrieve=_retrieve))


def errors(profile: dict, schema_name: str) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or 'racine'} : {e.message}"
        for e in validator(schema_name).iter_errors(profile)
    ]


def local_file(output: Path, url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    return output / url.removeprefix(BASE + "/")


def test_every_profile_the_index_lists_is_valid_against_its_murmurations_schema(demo_output):
    manifest = json.loads((demo_output / "federation.json").read_text(encoding="utf-8"))
    index_url = manifest["murmurations"]["profiles"]
    index = json.loads(local_file(demo_output, index_url).read_text(encoding="utf-8"))
    by_schema: dict[str, list[dict]] = {ORGANIZATIONS: [], OFFERS_WANTS: []}
    for entry in index["profiles"]:
        (schema_name,) = entry["linked_schemas"]
        profile = json.loads(local_file(demo_output, entry["profile_url"]).read_text(encoding="utf-8"))
        assert profile["linked_schemas"] == [schema_name]
        assert errors(profile, schema_name) == [], entry["profile_url"]
        by_schema[schema_name].append(profile)
    actors = json.loads((demo_output / "data/actors.json").read_text(encoding="utf-8"))["records"]
    assert sorted(p["name"] for p in by_schema[ORGANIZATIONS]) == sorted(a["name"] for a in actors)
    exchange = json.loads((demo_output / "data/offers-needs.json").read_text(encoding="utf-8"))["records"]
    assert sorted(p["title"] for p in by_schema[OFFERS_WANTS]) == sorted(i["text"] for i in exchange)
    # The validator is a real one: what the schemas forbid is refused.
    wrong = {**by_schema[OFFERS_WANTS][0], "exchange_type": "need", "geographic_scope": "quartier"}
    assert len(errors(wrong, OFFERS_WANTS)) == 2
    assert errors({**by_schema[ORGANIZATIONS][0], "primary_url": "javascript:alert(1)"}, ORGANIZATIONS)


def test_an_actor_and_its_need_say_what_a_murmurations_index_needs(territory):
    write(
        territory,
        "actors/cyclo.md",
        actor_text(
            "Cyclo <b>Testville</b>",
            website="https://cyclo.example.org",
            email="contact@cyclo.example.org",
            geo="{lat: 47.2, lon: -1.55}",
            address='\n  street: 3 rue des Vélos\n  postcode: "44000"\n  city: Testville',
            offers_needs="\n  - kind: need\n    category: locaux\n    text: Un local pour réparer"
            "\n    until: 2099-06-30",
        ),
    )
    write(territory, "actors/sans-site.md", actor_text("Sans site", skills_offered="[comptabilité]"))
    output = build(territory)
    base = "https://testville.example.org"
    cyclo = json.loads((output / "murmurations/organizations/cyclo.json").read_text(encoding="utf-8"))
    assert errors(cyclo, ORGANIZATIONS) == []
    assert cyclo["name"] == "Cyclo <b>Testville</b>"  # text, as written: JSON carries no markup
    assert cyclo["primary_url"] == "https://cyclo.example.org"
    assert {"name": "Fiche dans l'annuaire Annuaire de Testville", "url": f"{base}/acteurs/cyclo/"} in cyclo[
        "urls"
    ]
    assert cyclo["full_address"] == "3 rue des Vélos, 44000 Testville"
    assert cyclo["contact_details"] == {"email": "contact@cyclo.example.org"}
    assert cyclo["tags"] == ["Numérique", "Association"]
    need = json.loads((output / "murmurations/offers-wants/actor-cyclo-0.json").read_text(encoding="utf-8"))
    assert errors(need, OFFERS_WANTS) == []
    assert need["exchange_type"] == "want" and need["transaction_type"] == ["borrow-lend", "rent-lease"]
    assert (
        need["title"] == "Un local pour réparer"
        and need["details_url"] == f"{base}/acteurs/cyclo/#offres-besoins"
    )
    paris = ZoneInfo("Europe/Paris")
    assert datetime.fromtimestamp(need["expires_at"], paris) == datetime(
        2099, 6, 30, 23, 59, 59, tzinfo=paris
    )
    other = json.loads((output / "murmurations/organizations/sans-site.json").read_text(encoding="utf-8"))
    assert other["primary_url"] == f"{base}/acteurs/sans-site/"  # no website: its page here
    skill = json.loads(
        (output / "murmurations/offers-wants/actor-sans-site-0.json").read_text(encoding="utf-8")
    )
    assert skill["exchange_type"] == "offer" and skill["contact_details"] == {
        "contact_form": f"{base}/acteurs/sans-site/"
    }
    # A record that leaves takes its profiles with it, and the index follows.
    (territory / "actors/cyclo.md").unlink()
    output = build(territory)
    assert not (output / "murmurations/organizations/cyclo.json").exists()
    assert not (output / "murmurations/offers-wants/actor-cyclo-0.json").exists()
    index = json.loads((output / "murmurations/index.json").read_text(encoding="utf-8"))
    assert [p["profile_url"] for p in index["profiles"]] == [
        f"{base}/murmurations/organizations/sans-site.json",
        f"{base}/murmurations/offers-wants/actor-sans-site-0.json",
    ]
