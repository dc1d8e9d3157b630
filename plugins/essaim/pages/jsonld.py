"""schema.org structured data (JSON-LD) for record pages and the home page.

A record's name and summary are those its page shows (`shown`: translated into the page's
language, or as written); one left in another language than the page's is a language-tagged
string (`{"@value": …, "@language": "fr"}`, JSON-LD 1.1, 4.2.4), so that a reader of the data
knows it, as a screen reader knows it from the page's `lang`."""

from __future__ import annotations

from typing import Any

from ..records.hours import week_days
from ..records.model import Actor, Event, Initiative, Record
from ..wording import Shown, own_text

NGO_FORMS = {"association", "fondation"}


def _tagged(text: str, language: str | None) -> str | dict[str, str]:
    """`text`, language-tagged when it is written in another language than the page's."""
    return {"@value": text, "@language": language} if text and language else text


def _text(shown: Shown, record: Any, field: str) -> str | dict[str, str]:
    """A record's text as the page shows it, language-tagged when not in the page's language."""
    return _tagged(*shown(record, field))


def _member(shown: Shown, url_of, actor: Actor) -> dict[str, Any]:
    return {"@type": "Organization", "@id": url_of(actor), "name": _text(shown, actor, "name")}


def _address(address: dict[str, Any]) -> dict[str, Any] | None:
    if not address.get("city"):
        return None
    postal = {"@type": "PostalAddress", "addressLocality": address["city"], "addressCountry": "FR"}
    if address.get("street"):
        postal["streetAddress"] = address["street"]
    if address.get("postcode"):
        postal["postalCode"] = address["postcode"]
    return postal


def _geo(geo: dict[str, float] | None) -> dict[str, Any] | None:
    return {"@type": "GeoCoordinates", "latitude": geo["lat"], "longitude": geo["lon"]} if geo else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, [], "")}


SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def opening_specification(value: Any) -> list[dict[str, Any]] | None:
    """OSM opening hours as schema.org `openingHoursSpecification`: one item per opening, with
    the days it applies to. None when the hours are free text or change with the season (a
    week that holds part of the year would be wrong the rest of it)."""
    week = week_days(value) if isinstance(value, str) else None
    if week is None or week[2]:  # not OSM, or seasonal
        return None
    by_span: dict[tuple[str, str], list[str]] = {}
    for day, spans in zip(SCHEMA_DAYS, week[0], strict=True):
        for span in spans:
            by_span.setdefault((span.start, span.end), []).append(f"https://schema.org/{day}")
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days,
            "opens": opens,
            "closes": "23:59" if closes == "24:00" else closes,
        }
        for (opens, closes), days in sorted(by_span.items())
    ]


def organization(actor: Actor, url: str, shown: Shown = own_text) -> dict[str, Any]:
    """An actor as schema.org NGO (associations, foundations) or Organization."""
    fields = actor.fields
    same_as = sorted(set((fields.get("social") or {}).values()))
    return _clean(
        {
            "@type": "NGO" if actor.legal_form in NGO_FORMS else "Organization",
            "@id": url,
            "name": _text(shown, actor, "name"),
            "url": fields.get("website") or url,
            "mainEntityOfPage": url,
            "description": _text(shown, actor, "summary"),
            "address": _address(actor.address),
            "geo": _geo(actor.geo),
            "email": fields.get("email"),
            "telephone": fields.get("phone"),
            "foundingDate": str(fields["founded"]) if fields.get("founded") else None,
            "taxID": fields.get("siret"),
            "sameAs": same_as,
            "knowsAbout": fields.get("skills_offered"),
            "openingHoursSpecification": opening_specification(fields.get("opening_hours")),
        }
    )


def structured_data(
    record: Record, url: str, url_of, actors: list[Actor], shown: Shown = own_text
) -> dict[str, Any]:
    """The JSON-LD of a record page; `actors` are the organizers or carriers, `url_of` their URL,
    `shown` the page's texts of a record."""
    data: dict[str, Any]
    if isinstance(record, Actor):
        data = organization(record, url, shown)
    elif isinstance(record, Event):
        data = _event(record, url, url_of, actors, shown)
    elif isinstance(record, Initiative):
        data = _clean(
            {
                "@type": "Project",
                "@id": url,
                "name": _text(shown, record, "name"),
                "url": record.fields.get("website") or url,
                "description": _text(shown, record, "summary"),
                "address": _address(record.address),
                "geo": _geo(record.geo),
                "member": [_member(shown, url_of, a) for a in actors],
            }
        )
    else:  # pragma: no cover - every record kind is handled above
        raise TypeError(type(record))
    return {"@context": "https://schema.org", **data}


def _event(event: Event, url: str, url_of, organizers: list[Actor], shown: Shown) -> dict[str, Any]:
    fields = event.fields
    location = fields.get("location") or {}
    places = []
    if location:
        places.append(
            _clean(
                {
                    "@type": "Place",
                    "name": location.get("name") or location.get("city"),
                    "address": _address(location),
                    "geo": _geo(location.get("geo")),
                }
            )
        )
    if fields.get("online_url"):
        places.append({"@type": "VirtualLocation", "url": fields["online_url"]})
    if location and fields.get("online_url"):
        mode = "https://schema.org/MixedEventAttendanceMode"
    elif fields.get("online_url"):
        mode = "https://schema.org/OnlineEventAttendanceMode"
    else:
        mode = "https://schema.org/OfflineEventAttendanceMode"
    offers = None
    if fields.get("free"):
        offers = {"@type": "Offer", "price": 0, "priceCurrency": "EUR", "url": url}
    elif fields.get("price"):
        offers = {"@type": "Offer", "description": fields["price"], "url": url}
    if offers and fields.get("registration_url"):
        offers["url"] = fields["registration_url"]
    return _clean(
        {
            "@type": "Event",
            "@id": url,
            "name": _text(shown, event, "name"),
            "url": url,
            "description": _text(shown, event, "summary"),
            "startDate": event.start.date().isoformat() if event.all_day else event.start.isoformat(),
            "endDate": (event.end.date().isoformat() if event.all_day else event.end.isoformat())
            if event.end
            else None,
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": mode,
            "location": places[0] if len(places) == 1 else places,
            "organizer": [_member(shown, url_of, a) for a in organizers],
            "offers": offers,
        }
    )


def website(name: str, url: str, description: tuple[str, str | None], language: str) -> dict[str, Any]:
    """The home page's WebSite, in the language of the site being built; its description (the
    territory's pitch) language-tagged when territory.yml gives no translation of it."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": name,
        "url": url + "/",
        "description": _tagged(*description),
        "inLanguage": language,
    }
