"""What Essaim adds to Jinja for its templates: the `{% fragment %}` tag, and quicker paths
through what every page does many times (`a.b`, `{{ value }}`, `{{ f(x) }}`), giving the same
output as Jinja's own (tests/test_templates.py compares them). `install` sets them up.

The quick paths that reach into Jinja's and MarkupSafe's internals (Context.call's hidden
arguments, the `escape` global of compiled templates, MarkupSafe's C `_escape_inner`) are used
only when the gate `internals.quick_paths()` is open; else Jinja's public API renders the same
site (tests compare both).

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
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape

from ..internals import quick_paths

try:  # MarkupSafe 3's C escape of a str, before it is wrapped in Markup (used behind the gate)
    from markupsafe._speedups import _escape_inner
except ImportError:  # another MarkupSafe (2.1 has no _escape_inner), or no C extension

    def _escape_inner(value: str, /) -> str:
        """`escape` through the public API: the same text, unwrapped."""
        return str(escape(value))


def render(template: Any, variables: dict[str, Any]) -> str:
    """`template.render(variables)` for `variables` that already hold the environment's globals
    (`pages.fragments.with_globals`), through Jinja's public `make_module(..., shared=True)`:
    the variables become the context as they are. `render` would copy them with the globals
    into a new dict first, and a page's variables hold all of Pelican's settings; a site renders
    this thousands of times. Errors are raised as `render` raises them (template lines in the
    traceback)."""
    try:
        return str(template.make_module(variables, shared=True))
    except Exception:
        return template.environment.handle_exception()


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


def install(environment: Environment) -> None:
    """Use the quick paths below in `environment` (one build's templates): `a.b` through
    `getattr_quick` (public surface: `Environment.getattr`, `undefined`), and, behind the gate,
    the context and template classes that take Jinja's internals."""
    environment.getattr = MethodType(getattr_quick, environment)  # type: ignore[method-assign]
    if quick_paths():
        environment.context_class = QuickContext
        environment.template_class = QuickTemplate


_new_str = str.__new__


def quick_escape(value: Any) -> Markup:
    """`markupsafe.escape`, what Jinja calls for every `{{ value }}`: the same result, with its two
    most frequent cases shorter. Text is escaped and wrapped without `Markup.__new__` (written in
    Python, it looks for `__html__` on a plain str); markup is already safe and returned as it
    is (escape would copy it). Anything else goes to `escape`."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    return escape(value)


class QuickTemplate(Template):
    """A template whose `{{ value }}` output goes through `quick_escape`."""

    @classmethod
    def from_code(cls, environment: Environment, code: Any, globals: Any, uptodate: Any = None) -> Template:
        """Jinja's `from_code`; then the compiled template's `escape` (imported from jinja2.runtime
        by its code, shared by its blocks and macros) is `quick_escape`."""
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = quick_escape
        return template


class QuickContext(Context):
    """Jinja's context, with a shorter `call` (`{{ f(x) }}`, `{{ macro(x) }}`) for macros, built-in
    methods, and functions or methods Jinja passes nothing to (no `pass_context` and such).

    Jinja's `call` looks for `jinja_pass_arg` on the callable, then on its `__call__`, with two
    `hasattr` at every call; here a macro or a built-in never has it, and a function has it in
    its own `__dict__` (where `pass_context` and such put it) or not at all."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        """Call `__obj(*args, **kwargs)` as Jinja does."""
        kind = type(__obj)
        if kind is Macro or kind is BuiltinFunctionType:
            plain = True
        elif kind is FunctionType:
            plain = "jinja_pass_arg" not in __obj.__dict__
        elif kind is MethodType and type(__obj.__func__) is FunctionType:
            plain = "jinja_pass_arg" not in __obj.__func__.__dict__
        else:
            plain = False
        if not plain:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


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
