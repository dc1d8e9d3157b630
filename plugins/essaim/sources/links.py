"""`essaim check links`: whether the web addresses of the records still answer — never during a
build. Each address is asked once (however many records give it), through the one HTTP client
(a deadline per address, no loopback or private address unless allowed, at most five
redirects), a few at a time, its page left unread.

What is reported, as warnings at the field's line: an address that answers 404 or 410 (gone),
another HTTP error, or no answer at all (unknown name, refused, time out). A 401, 403 or 429
(a site that turns robots away) is not reported: the page may well be there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..net.http import Client, FetchError
from ..records.load import LinePath
from ..records.model import Record
from ..records.schema import bundled

CONCURRENCY = 4  # addresses asked at once
NOT_DEAD = {401, 403, 429}  # robots turned away: the page may be there
EXPORT_ONLY = {"url"}  # the record's own page, written by the site


def url_fields(node: dict[str, Any], path: LinePath = ()) -> Iterator[LinePath]:
    """The paths of a schema's web addresses (`format: uri`), `*` for any key of a group whose
    values are addresses (social: {mastodon: …})."""
    if node.get("format") == "uri":
        yield path
    for key, child in (node.get("properties") or {}).items():
        if not path and key in EXPORT_ONLY:
            continue
        yield from url_fields(child, (*path, key))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        yield from url_fields(extra, (*path, "*"))


def record_links(record: Record) -> Iterator[tuple[LinePath, str]]:
    """Each web address a record gives, with the path of its field."""
    for pattern in url_fields(bundled(f"{record.KIND}.json")):
        yield from _values(record.fields, pattern, ())


def _values(node: Any, pattern: LinePath, path: LinePath) -> Iterator[tuple[LinePath, str]]:
    if not pattern:
        if isinstance(node, str):
            yield path, node
        return
    if not isinstance(node, dict):
        return
    step, rest = pattern[0], pattern[1:]
    keys = list(node) if step == "*" else [step] if step in node else []
    for key in keys:
        yield from _values(node[key], rest, (*path, key))


@dataclass
class Verdict:
    """What one address answered: None when alive, else why it is not."""

    url: str
    problem: str | None


def check_url(client: Client, url: str) -> Verdict:
    """Ask one address (http or https only), its body left unread."""
    if urlsplit(url).scheme not in ("http", "https"):
        return Verdict(url, "adresse qui n'est pas en http(s)")
    try:
        client.get(url, read_body=False)
    except FetchError as error:
        if error.status in NOT_DEAD:
            return Verdict(url, None)
        if error.status in (404, 410):
            return Verdict(url, f"page introuvable (HTTP {error.status})")
        if error.status is not None:
            return Verdict(url, f"le site répond par une erreur (HTTP {error.status})")
        return Verdict(url, str(error).removeprefix(f"{url} : "))
    return Verdict(url, None)


def check_links(
    urls: Iterable[str], timeout: float = 10.0, allow_private: bool = False, concurrency: int = CONCURRENCY
) -> dict[str, Verdict]:
    """Each address once, `concurrency` at a time: one client per thread (a client makes one
    request at a time; its connections are kept for the thread's next address), a deadline of
    three times `timeout` per address."""
    unique = list(dict.fromkeys(urls))
    clients = threading.local()

    def one(url: str) -> Verdict:
        client = getattr(clients, "client", None)
        if client is None:
            client = clients.client = Client(
                max_bytes=1,
                timeout=timeout,
                retries=1,
                deadline=3 * timeout,
                allow_private=allow_private,
                private_hint="pour vérifier un site local, relancez avec --allow-private",
            )
        try:
            return check_url(client, url)
        except Exception as error:  # noqa: BLE001 - a hostile server never stops the other checks
            return Verdict(url, f"vérification impossible ({type(error).__name__})")

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return {verdict.url: verdict for verdict in pool.map(one, unique)}
