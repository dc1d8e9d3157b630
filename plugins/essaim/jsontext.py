"""JSON text for the exports, the map's data and the pages' structured data, written by orjson.

The same data as the standard `json` module with sorted keys, without the spaces after `,` and
`:`, about five times faster: at 10,000 records the open-data files are tens of megabytes.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def compact(data: Any) -> str:
    """`data` as compact JSON text, keys sorted, non-ASCII characters written as they are."""
    try:
        return orjson.dumps(data, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: the json module can write it
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def jinja_dumps(data: Any, **_: Any) -> str:
    """Jinja's `json.dumps_function` policy (the `tojson` filter): the same text as `compact`."""
    return compact(data)


def to_json(data: Any, items: str | None = None) -> str:
    """Deterministic JSON (UTF-8 text, sorted keys).

    With `items`, the list under that key (or `data` itself when it is a list) is written one
    element per line, after the other keys: a diff of two exports shows the records that changed.
    """
    if isinstance(data, list):
        return "[\n" + ",\n".join(compact(item) for item in data) + "\n]\n"
    if items is None:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    rest = {key: value for key, value in data.items() if key != items}
    return with_items(rest, items, [compact(item) for item in data[items]])


def with_items(data: dict[str, Any], items: str, texts: list[str]) -> str:
    """What `to_json` writes of `data` with the list `items` added, its elements already
    written (`compact`): a file made of texts kept from an earlier build."""
    head = compact(data)[:-1]
    body = ",\n".join(texts)
    separator = ", " if len(head) > 1 else ""
    return f'{head}{separator}"{items}": [\n{body}\n]}}\n'
