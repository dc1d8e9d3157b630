"""The template machinery the pages rely on: the quick paths (`a.b`, `{{ value }}`, `{{ f(x) }}`)
and `{% fragment %}`."""

from __future__ import annotations

from types import MethodType

import jinja2
import pytest
from jinja2 import Environment, Template
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pelican.writers import Writer

from essaim import internals, pelican_plugin
from essaim.pages import jinja_ext
from essaim.pages.jinja_ext import FragmentExtension, getattr_quick, quick_escape

TEMPLATE = (
    "{{ f.website }}|{{ f.missing is defined }}|{{ f.missing }}|"
    "{% for k, v in f.items() %}{{ k }}={{ v }};{% endfor %}|{{ f.get('x', 'y') }}|"
    "{{ f.items is defined }}|{{ f.geo.lat }}|{{ f.geo.lon is defined }}|{{ n.real }}|{{ s.upper() }}|"
    "{{ r.name }}|{{ r.origin is defined }}|{{ r.broken is defined }}|"
    "{{ box.key }}|{{ box.nothing is defined }}"
)


class Record:
    name = "Fiche"

    @property
    def broken(self):
        raise AttributeError("a property that fails reads as undefined, as in Jinja")


class Box:
    def __getitem__(self, key):
        if key == "key":
            return "from items"
        raise KeyError(key)


def render(source: str, quick: bool, **variables) -> str:
    env = jinja2.Environment(autoescape=True, extensions=[FragmentExtension])
    if quick:
        env.getattr = MethodType(getattr_quick, env)
    return env.from_string(source).render(**variables)


def test_quick_attribute_lookup_gives_what_jinja_gives():
    variables = {
        "f": {"website": "https://a.example.org/<x>", "items": "a field named items", "geo": {"lat": 47.2}},
        "n": 3,
        "s": "texte",
        "r": Record(),
        "box": Box(),
    }
    expected = render(TEMPLATE, quick=False, **variables)
    assert render(TEMPLATE, quick=True, **variables) == expected
    # A key named like a dict method does not hide the method, as in Jinja.
    assert "website=https://a.example.org/&lt;x&gt;;items=a field named items;" in expected
    assert "|False||" in expected and "|True|47.2|False|3|TEXTE|" in expected
    assert expected.endswith("|Fiche|False|False|from items|False")


def test_a_fragment_is_rendered_once_per_key_and_build():
    calls = []
    source = (
        "{% for r in records %}{% fragment 'tags', r.themes %}{{ count(r.themes) }}{% endfragment %}"
        "{% endfor %}"
    )

    def count(themes):
        calls.append(list(themes))
        return ",".join(themes) + ";"

    records = [{"themes": ["a", "b"]}, {"themes": ["c"]}, {"themes": ["a", "b"]}]
    env = jinja2.Environment(autoescape=True, extensions=[FragmentExtension])
    template = env.from_string(source)
    assert template.render(records=records, count=count) == "a,b;c;a,b;"
    assert calls == [["a", "b"], ["c"]]  # the third record reused the first one's fragment
    assert template.render(records=records, count=count) == "a,b;c;a,b;"
    assert len(calls) == 2  # the same build (environment) keeps its fragments
    fresh = jinja2.Environment(autoescape=True, extensions=[FragmentExtension])
    fresh.from_string(source).render(records=records, count=count)
    assert len(calls) == 4  # a new build starts with none


def test_a_card_is_rendered_once_for_every_heading_level():
    from essaim.pages.fragments import Cards

    calls = []
    env = jinja2.Environment(autoescape=True)
    env.globals["seen"] = lambda record: calls.append(record.slug) or ""
    card = env.from_string(
        '{{ seen(record) }}<article><{{ heading }} class="t">{{ record.name }}</{{ heading }}></article>'
    )

    class Actor:
        KIND, slug, name = "actor", "a", "Les <Ateliers>"

    cards = Cards(card, urls=None, themes={}, shown=None)
    h2, h3 = cards.card(Actor(), "h2"), cards.card(Actor(), "h3")
    assert h2 == '<article><h2 class="t">Les &lt;Ateliers&gt;</h2></article>'
    assert h3 == '<article><h3 class="t">Les &lt;Ateliers&gt;</h3></article>'
    assert calls == ["a"]


class Html:
    def __html__(self):
        return "<b>déjà sûr</b>"


class Shout(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        "",
        "texte <script>alert('x')</script> & \"guillemets\"",
        Markup("<em>sûr</em>"),
        Shout("<i>"),
        3,
        2.5,
        None,
        True,
        Html(),
        ["<a>"],
        jinja2.Undefined(name="absent"),
    ],
)
def test_quick_escape_gives_what_markupsafe_gives(value):
    quick, reference = quick_escape(value), escape(value)
    assert quick == reference
    assert type(quick) is Markup


@jinja2.pass_context
def from_context(context, name):
    return f"{name}={context.get(name)}"


@jinja2.pass_environment
def from_environment(environment, text):
    return f"{text}:{environment.autoescape}"


@jinja2.pass_eval_context
def from_eval_context(eval_context, text):
    return f"{text}:{eval_context.autoescape}"


class CallableWithContext:
    @jinja2.pass_context
    def __call__(self, context):
        return context.get("who")


class Methods:
    def plain(self, text):
        return f"<{text}>"

    @jinja2.pass_context
    def with_context(self, context):
        return context.get("who")


def stops():
    raise StopIteration


CALLS = (
    "{% macro box(x) %}[{{ x }}{{ caller() if caller is defined }}]{% endmacro %}"
    "{% set who = '<moi>' %}"
    "{{ plain('<p>') }}|{{ plain(text='<k>') }}|{{ methods.plain('m') }}|{{ 'abc'.upper() }}|"
    "{{ box('<b>') }}|{% call box('c') %}<appel>{% endcall %}|"
    "{{ from_context('who') }}|{{ from_environment('e') }}|{{ from_eval_context('v') }}|"
    "{{ with_context() }}|{{ methods.with_context() }}|{{ stops() is defined }}|{{ none }}|{{ number }}|"
    "{{ markup }}|{{ html }}|"
    "{% block inner %}{% set who = 'bloc' %}{{ from_context('who') }}{% endblock %}|"
    "{% for who in ['boucle'] %}{{ from_context('who') }}{% endfor %}"
)


def test_quick_calls_and_output_give_what_jinja_gives():
    """`install` (quick `a.b`, escape and calls) changes nothing a page shows: plain functions,
    methods, built-ins, macros with and without `caller`, functions that take the context (which
    sees the block's variables), the environment or the evaluation context."""
    variables = {
        "plain": lambda text: f"{text}!",
        "methods": Methods(),
        "from_context": from_context,
        "from_environment": from_environment,
        "from_eval_context": from_eval_context,
        "with_context": CallableWithContext(),
        "stops": stops,
        "none": None,
        "number": 42,
        "markup": Markup("<em>sûr</em>"),
        "html": Html(),
    }
    plain_env = jinja2.Environment(autoescape=True)
    quick_env = jinja2.Environment(autoescape=True)
    jinja_ext.install(quick_env)
    expected = plain_env.from_string(CALLS).render(variables)
    assert quick_env.from_string(CALLS).render(variables) == expected
    assert expected.startswith(
        "&lt;p&gt;!|&lt;k&gt;!|&lt;m&gt;|ABC|[&lt;b&gt;]|[c<appel>]|who=&lt;moi&gt;|e:True|v:True|"
    )
    assert (
        "|&lt;moi&gt;|&lt;moi&gt;|False|None|42|<em>sûr</em>|<b>déjà sûr</b>|who=bloc|who=&lt;moi&gt;"
        in expected
    )
    assert type(quick_env.from_string("{{ x }}")) is jinja_ext.QuickTemplate


def test_the_public_api_builds_the_same_site_and_says_so_once(territory, tmp_path, monkeypatch, caplog):
    """The quick paths (Jinja's and MarkupSafe's internals) are behind one gate: with another
    version, or ESSAIM_PUBLIC_PATHS=1, the public API renders the very same site, and the build
    warns once."""
    import shutil

    from conftest import REPO, actor_text, build, write

    shutil.copytree(REPO / "content", territory / "content")
    write(territory, "actors/a.md", actor_text("Alpha", website="https://example.org/a?b=1&c=<2>"))
    write(territory, "actors/b.md", actor_text("Bêta « & » <i>", address="\n  city: Rezé"))
    quick = build(territory, tmp_path / "quick", CACHE_CONTENT=False)
    assert internals.quick_paths()
    monkeypatch.setenv("ESSAIM_PUBLIC_PATHS", "1")
    internals.quick_paths.cache_clear()
    try:
        public = build(territory, tmp_path / "public", CACHE_CONTENT=False)
        build(territory, tmp_path / "public-again", CACHE_CONTENT=False)
    finally:
        internals.quick_paths.cache_clear()
    files = sorted(p.relative_to(quick) for p in quick.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(public) for p in public.rglob("*") if p.is_file())
    assert [f for f in files if (quick / f).read_bytes() != (public / f).read_bytes()] == []
    assert caplog.text.count("les chemins rapides (internes de Jinja, MarkupSafe et Pelican)") == 1


def test_the_gate_opens_only_for_the_tested_versions(monkeypatch):
    monkeypatch.delenv("ESSAIM_PUBLIC_PATHS", raising=False)
    versions = {"Jinja2": "3.2.0", "MarkupSafe": "3.0.3", "pelican": "4.12.0"}
    monkeypatch.setattr(internals.metadata, "version", lambda name: versions[name])
    internals.quick_paths.cache_clear()
    try:
        assert not internals.quick_paths()
        environment = Environment()
        jinja_ext.install(environment)
        assert environment.template_class is Template and environment.context_class is Context
        assert pelican_plugin.get_writer(None) is Writer  # Pelican's own, not our _open_w
    finally:
        monkeypatch.undo()
        internals.quick_paths.cache_clear()
    assert internals.quick_paths()  # the real, tested versions
    assert pelican_plugin.get_writer(None) is pelican_plugin.UnchangedFilesWriter
