"""`{% fragment key, ... %}…{% endfragment %}`: a piece of template rendered once per build for
each key, then reused as it is.

For what thousands of pages show the same way: the links of a set of themes, the map script of
every record that has coordinates. The key must name everything the piece shows that is not the
same on every page of the build (the site's URLs, taxonomy and settings are). Each build (each
Jinja environment) starts with no fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser


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
