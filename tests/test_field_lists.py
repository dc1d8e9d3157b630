"""One source for each field list: every field of the contract (the JSON Schemas) has its CSV
column and its place in the form and in `essaim new`, or is left out of the form by name, with
the reason. A field added to a schema without them fails here."""

from __future__ import annotations

import pytest

from essaim.contribute.fields import FIELDS, LEFT_OUT
from essaim.opendata.datapackage import table_schema
from essaim.opendata.exports import CSV_COLUMNS, NOT_EXPORTED
from essaim.records.schema import KINDS, bundled

EXPORT_ONLY = {"slug", "url", "description"}  # written by the site, never by a contributor


def leaves(node: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The paths of a schema's fields: a group with named fields is walked into."""
    properties = node.get("properties")
    if node.get("type") == "object" and properties:
        return [leaf for key, child in properties.items() for leaf in leaves(child, (*prefix, key))]
    return [prefix]


def contract_fields(kind: str) -> list[tuple[str, ...]]:
    return [path for path in leaves(bundled(f"{kind}.json")) if path[0] not in EXPORT_ONLY]


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_csv_column(kind):
    columns = [path for _, path in CSV_COLUMNS[kind]]
    missing = [".".join(p) for p in contract_fields(kind) if not any(p[: len(c)] == c for c in columns)]
    assert set(missing) <= set(NOT_EXPORTED)
    assert not set(NOT_EXPORTED) & {name for name, _ in CSV_COLUMNS[kind]}
    assert [f["name"] for f in table_schema(kind)["fields"]] == [name for name, _ in CSV_COLUMNS[kind]]


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_in_the_form_or_left_out_with_a_reason(kind):
    in_form = {field.key for field in FIELDS[kind]}
    fields = {".".join(path) for path in contract_fields(kind)}
    groups = {key for key in in_form if key not in fields}  # a group drawn whole (needs.funding...)
    assert {key.split(".")[0] for key in groups} <= {path.split(".")[0] for path in fields}
    missing = sorted(fields - in_form - set(LEFT_OUT) - {key.split(".")[0] for key in groups})
    assert missing == []
    assert not (in_form & set(LEFT_OUT))  # left out, yet drawn


def test_the_form_says_what_validate_says_from_one_copy_of_the_sentences():
    """The form's checks take their French sentences from the build (records/schema.MESSAGES),
    never a copy of their own: none of their fixed words is written in propose.js."""
    import re

    from conftest import REPO
    from essaim.records.schema import MESSAGES

    script = (REPO / "theme/static/js/propose.js").read_text(encoding="utf-8")
    for kind, text in MESSAGES.items():
        for words in re.split(r"\{\w+\}", text):
            words = words.strip(" «»():,")
            if len(words) > 12:
                assert words not in script, (kind, words)
