"""The Pelican generator of the "Proposer une fiche" pages: /proposer/ and one form per kind."""

from __future__ import annotations

import json
import logging
from typing import Any

from babel import Locale

from ..i18n import N_, _, active_language
from ..output import make_key
from ..part import Part
from ..records.schema import MESSAGES, TYPE_NAMES, bundled, pattern_messages
from ..records.taxonomy import vocabulary
from ..wording import label, legal_form_label
from .fields import (
    FIELDS,
    FOLDERS,
    KIND_LABELS,
    OFFER_NEED_LABELS,
    OFFER_NEED_ROWS,
    TITLE_KEY,
    constraint,
    required,
    translation_fields,
)
from .template import reserved_slugs

logger = logging.getLogger(__name__)
PART = "contribute"
KIND_SLUGS = {"actor": "acteur", "initiative": "initiative", "event": "evenement"}
VOCABULARY_OF = {
    "legal_form": "legal_forms",
    "stage": "stages",
    "kind": "event_kinds",
    "accessibility.wheelchair": "wheelchair",
}


def _options(key: str, schema: dict[str, Any]) -> list[tuple[str, str]]:
    words = vocabulary().get(VOCABULARY_OF.get(key, ""), {})
    options = []
    for value in schema.get("enum", []):
        if key == "legal_form":
            options.append((value, legal_form_label(value)))
        else:
            options.append((value, label(value, VOCABULARY_OF[key]) if value in words else value))
    return options


def form_fields(kind: str, other_languages: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """What the template needs to draw each field, constraints taken from the JSON Schema; then,
    optional, the record's texts in each of the territory's `other_languages`."""
    drawn = []
    for field in [*FIELDS[kind], *translation_fields(kind, other_languages)]:
        schema = constraint(kind, field.key)
        drawn.append(
            {
                "key": field.key,
                "id": "f-" + field.key.replace(".", "-").replace("_", "-"),
                "label": _(field.label),
                "help": _(field.help) if field.help else "",
                "widget": field.widget,
                "required": required(kind, field.key),
                "maxlength": schema.get("maxLength"),
                "options": _options(field.key, schema),
                "group": ".".join(field.key.split(".")[:-1]),  # "address", "translations.en"
            }
        )
    return drawn


GROUP_LABELS = {
    "address": N_("Adresse"),
    "geo": N_("Coordonnées géographiques"),
    "location": N_("Lieu"),
    "accessibility": N_("Accessibilité"),
    "needs": N_("Besoins de l'initiative"),
}


def sections(fields: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The fields in order, consecutive fields of one group (address...) in one section."""
    found: list[tuple[str, list[dict[str, Any]]]] = []
    interface = Locale.parse(active_language())
    for field in fields:
        group = field["group"]
        label = _(GROUP_LABELS[group]) if group in GROUP_LABELS else ""
        if group.startswith("translations."):
            code = group.split(".")[1]
            language = interface.languages.get(code, code)
            label = _("La fiche en %(language)s (facultatif)") % {"language": language}
        if found and found[-1][0] == label and label:
            found[-1][1].append(field)
        else:
            found.append((label, [field]))
    return found


class ContributeGenerator(Part):
    """Writes /proposer/ and its three forms (switch: `features.contribute`)."""

    PART = PART

    def write(self) -> list[str]:
        """Write the forms; they change only with territory.yml, the themes, the actors' list."""
        site, files, urls = self.site, self.files, self.site.urls
        directory, territory = site.directory, site.territory
        actors = [(a.slug, a.name) for a in sorted(directory.actors, key=lambda a: a.sort_name)]
        themes = [(slug, theme.label) for slug, theme in directory.themes.items()]
        key = make_key(self.build_key(), actors, themes, site.categories)
        forge = territory.forge or {}
        # the sentences of `essaim validate`, with their blanks, in the page's language
        checks = {
            "messages": pattern_messages(_, in_form=True),
            "texts": {name: _(text) for name, text in MESSAGES.items()},
            "type_names": {name: _(text) for name, text in TYPE_NAMES.items()},
            "offer_need_labels": {name: _(text) for name, text in OFFER_NEED_LABELS.items()},
        }
        common = {
            **self.context,
            "kind_slugs": KIND_SLUGS,
            "kind_labels": {kind: _(text) for kind, text in KIND_LABELS.items()},
            "forge": forge,
        }
        pages = [(urls.path("propose"), "propose_index", {"canonical_url": site.canonical.url("propose")})]
        for kind, slug in KIND_SLUGS.items():
            home = site.home or territory
            fields = form_fields(kind, tuple(lang for lang in home.languages if lang != home.language))
            settings = {
                "kind": kind,
                "folder": FOLDERS[kind],
                "title_key": TITLE_KEY[kind],
                "reserved_slugs": sorted(reserved_slugs(kind)),
                "schema": bundled(f"{kind}.json"),
                **checks,
                "forge": forge,
                "contact_email": territory.contact_email or "",
                "fields": [{k: f[k] for k in ("key", "id", "label", "widget", "required")} for f in fields],
            }
            pages.append(
                (
                    urls.path("propose", slug),
                    "propose",
                    {
                        "kind": kind,
                        "sections": sections(fields),
                        "themes": themes,
                        "actors": actors,
                        "categories": list(site.categories.items()),
                        "offer_need_rows": range(1, OFFER_NEED_ROWS + 1),
                        "form_settings": json.dumps(settings, ensure_ascii=False, sort_keys=True),
                        "canonical_url": site.canonical.url("propose", slug),
                    },
                )
            )
        for path, template, variables in pages:
            save_as = urls.save_as(path)
            if files.is_fresh(save_as, key):
                continue
            html = self.get_template(template).render({**common, **variables, "output_file": save_as})
            files.write(save_as, html, key)
        return [path for path, _, _ in pages]
