"""What Essaim adds to Jinja for its templates: the `{% fragment %}` tag and a quicker `a.b`.

`{% fragment key, ... %}…{% endfragment %}`: a piece of template rendered once per build for
each key, then reused as it is.

For what thousands of pages show the same way (the mini map's script on every record page that
has coordinates). The key must name everything the piece shows that is not the same on every
page of the build (the site's URLs, taxonomy and settings are). Each build (each Jinja
environment) starts with no fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

_DICT_ATTRIBUTES = frozenset(dir(dict))
_MISSING = object()


def getattr_quick(environment: Environment, obj: Any, attribute: str) -> Any:
    """Jinja's `Environment.getattr` (`a.b` in templates): the same result, without exceptions
    on the two paths record pages take thousands of times.

    - A record's fields are a plain dict, read as `f.website`: Jinja first tries the attribute,
      which raises (and formats) an AttributeError, then the key. A plain dict's attributes are
      dict's own, so any other name is looked up as a key directly.
    - `record.origin is defined` on a local record: Jinja's attribute lookup raises, then so
      does `record["origin"]`. Here the attribute is looked up without raising, and the item
      only when the object's type can have items.
    """
    if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
        value = obj.get(attribute, _MISSING)
    else:
        value = getattr(obj, attribute, _MISSING)
        if value is _MISSING and _has_items(type(obj)):
            try:
                return obj[attribute]
            except (TypeError, LookupError, AttributeError):
                pass
    return environment.undefined(obj=obj, name=attribute) if value is _MISSING else value


@cache
def _has_items(kind: type) -> bool:
    return hasattr(kind, "__getitem__")


def _hashable(value: Any) -> Any:
    """A dictionary key for `value`: lists and dictionaries become tuples."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _hashable(item)) for key, item in value.items())
    return value


class FragmentExtension(Extension):
    """The `fragment` tag (see the module's docstring)."""

    tags = {"fragment"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.extend(essaim_fragments={})

    def parse(self, parser: Parser) -> nodes.Node:
        """`{% fragment a, b %}body{% endfragment %}` → call `_render((a, b), caller=body)`."""
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        call = self.call_method("_render", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, key: tuple, caller: Callable[[], str]) -> str:
        fragments = self.environment.essaim_fragments
        key = _hashable(key)
        html = fragments.get(key)
        if html is None:
            html = fragments[key] = caller()
        return html
