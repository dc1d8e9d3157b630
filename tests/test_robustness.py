"""Property-based tests: whatever a contributor writes, reading and checking never crash; every
problem names the file and a line that exists."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TERRITORY, actor_text
from essaim.records.load import load_yaml_mapping
from essaim.records.read import read_directory, read_record
from essaim.records.territory import load_territory

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "name",
    "legal_form",
    "summary",
    "themes",
    "address",
    "geo",
    "website",
    "email",
    "siret",
    "founded",
    "accessibility",
    "social",
    "skills_offered",
    "updated",
    "slug",
    "logo",
]
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=8)


def check(file: Path, root: Path, kind: str = "actor") -> None:
    text_lines = max(1, file.read_bytes().count(b"\n") + 1)
    record, problems = read_record(file, root, kind)
    for problem in problems:
        assert problem.path == file.relative_to(root).as_posix()
        assert 1 <= problem.line <= text_lines, problem
        assert problem.col >= 1 and problem.message
    if record is None:
        assert problems, "a record that cannot be read must say why"


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "actors").mkdir()
        file = root / "actors" / "x.md"
        file.write_bytes(data)
        check(file, root)


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_after_a_front_matter_opening(text):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "actors").mkdir()
        file = root / "actors" / "x.md"
        file.write_text("---\n" + text, encoding="utf-8")
        check(file, root)


@SETTINGS
@given(front_matters, st.text(max_size=200))
def test_any_yaml_front_matter(fields, body):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "actors").mkdir()
        file = root / "actors" / "x.md"
        front = yaml.safe_dump(fields, allow_unicode=True)
        file.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        check(file, root)


@settings(max_examples=40, deadline=None)
@given(front_matters)
def test_a_bad_file_never_hides_the_good_ones(fields):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "territory.yml").write_text(TERRITORY, encoding="utf-8")
        (root / "actors").mkdir()
        (root / "actors" / "bon.md").write_text(actor_text("Bonne fiche"), encoding="utf-8")
        front = yaml.safe_dump(fields, allow_unicode=True)
        (root / "actors" / "hasard.md").write_text(f"---\n{front}---\n", encoding="utf-8")
        directory, problems = read_directory(root, load_territory(root), git_dates=False)
        assert "bon" in [a.slug for a in directory.actors]
        assert all(p.path == "actors/hasard.md" for p in problems)


@SETTINGS
@given(front_matters)
def test_reading_without_the_line_map_gives_the_same_data_and_problems(fields):
    # Valid records are read without noting where each key is (`lines=False`); a record with a
    # problem is parsed again to find its lines. Both readings must agree on what the file says.
    text = yaml.safe_dump(fields, allow_unicode=True)
    with_lines = load_yaml_mapping(text, "actors/x.md", 1)
    without = load_yaml_mapping(text, "actors/x.md", 1, lines=False)
    assert without[0] == with_lines[0]
    assert without[2] == with_lines[2]
    assert without[1] == {} and (with_lines[1] or not fields)


def test_reading_without_the_line_map_keeps_codes_answers_and_duplicates():
    text = (
        "name: A\naddress:\n  postcode: 01000\n  city: Bourg\naccessibility:\n  wheelchair: yes\n"
        "skills_offered: [1, yes, 01000]\nname: B\n"
    )
    data, lines, problems = load_yaml_mapping(text, "actors/x.md", 1, lines=False)
    assert data == {
        "name": "B",
        "address": {"postcode": "01000", "city": "Bourg"},
        "accessibility": {"wheelchair": "yes"},
        "skills_offered": [1, True, 512],  # YAML 1.1 octal: only code fields keep their digits
    }
    assert lines == {}
    assert [(p.line, p.message) for p in problems] == [
        (9, "la clé « name » est écrite deux fois : gardez-en une")
    ]
    assert load_yaml_mapping(text, "actors/x.md", 1)[0] == data
