"""The template machinery the pages rely on: the quick attribute lookup and `{% fragment %}`."""

from __future__ import annotations

from types import MethodType

import jinja2

from essaim.pages.jinja_ext import FragmentExtension, getattr_quick

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

    cards = Cards(card, urls=None, themes={})
    h2, h3 = cards(Actor(), "h2"), cards(Actor(), "h3")
    assert h2 == '<article><h2 class="t">Les &lt;Ateliers&gt;</h2></article>'
    assert h3 == '<article><h3 class="t">Les &lt;Ateliers&gt;</h3></article>'
    assert calls == ["a"]
