"""French plurals, the one way: 0 and 1 singular, plural from 2; no "structure(s)", no English `pluralize`."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from essaim.core.french import counted, is_plural, lowercase_start, plural

ROOT = Path(__file__).resolve().parents[2] / "essaim"
# "structure(s)", "éligible(s)", "peu(ven)t", "prévenu(e)s": a reader should never have to decode those.
PARENTHESISED_PLURAL = re.compile(r"[^\W\d_]\((?:s|x|e|es|nt|ent|ven)\)", re.UNICODE)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 structure"),
        (1, "1 structure"),
        (1.5, "1.5 structure"),
        (2, "2 structures"),
        (-3, "-3 structures"),
    ],
)
def test_counted_puts_the_plural_from_two_on(count: float, expected: str) -> None:
    assert counted(count, "structure") == expected


def test_irregular_plurals_and_endings() -> None:
    assert counted(1, "peut", "peuvent") == "1 peut" and counted(4, "peut", "peuvent") == "4 peuvent"
    assert plural(1, "al,aux") == "al" and plural(2, "al,aux") == "aux" and plural(2, "ent") == "ent"


@given(st.integers(min_value=-1000, max_value=1000))
def test_plural_agrees_with_the_french_rule(count: int) -> None:
    assert (plural(count) == "s") == (abs(count) >= 2) == is_plural(count)


def test_the_template_filter_says_1_structure_prevenue_and_0_reponse() -> None:
    template = Template(
        "{{ n }} structure{{ n|pluriel }} prévenue{{ n|pluriel }}, correspond{{ items|pluriel:'ent' }}"
    )
    assert template.render(Context({"n": 1, "items": [1, 2]})) == "1 structure prévenue, correspondent"
    assert template.render(Context({"n": 0, "items": []})) == "0 structure prévenue, correspond"
    assert template.render(Context({"n": 12, "items": [1]})) == "12 structures prévenues, correspond"


def test_templates_use_the_french_filter_not_the_english_pluralize() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.suffix in {".html", ".txt"} and "|pluralize" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def _python_strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [
        (t.start[0], t.string)
        for t in tokens
        if t.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1))
    ]


def test_no_user_facing_text_writes_plurals_in_parentheses() -> None:
    offenders = []
    for path in ROOT.rglob("*"):
        if "migrations" in path.parts or path.suffix not in {".py", ".html", ".txt"}:
            continue
        if path.suffix == ".py":
            found = [
                (line, text) for line, text in _python_strings(path) if PARENTHESISED_PLURAL.search(text)
            ]
        else:
            found = [
                (number, line)
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if PARENTHESISED_PLURAL.search(line)
            ]
        offenders += [f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]}" for line, text in found]
    assert offenders == []


@pytest.mark.parametrize(
    ("label", "inside"),
    [
        ("Structure de l'ESS", "structure de l'ESS"),
        ("Acheteur public", "acheteur public"),
        ("EPCI / EPT", "EPCI / EPT"),
        ("ESAT", "ESAT"),
        ("Équipe du territoire", "équipe du territoire"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence_keeps_its_acronyms(label: str, inside: str) -> None:
    assert lowercase_start(label) == inside
    assert Template("{{ label|minuscule }}").render(Context({"label": label})) == inside.replace(
        "'", "&#x27;"
    )


@given(st.text())
def test_lowercase_start_changes_at_most_the_first_letter(text: str) -> None:
    changed = [i for i, (a, b) in enumerate(zip(text, lowercase_start(text), strict=True)) if a != b]
    assert len(changed) <= 1 and all(text[i].lower() == lowercase_start(text)[i] for i in changed)


def test_no_label_is_lowercased_whole() -> None:
    """`|lower` and `.lower()` on a label write "structure de l'ess": `|minuscule` / `lowercase_start` keep
    the acronyms."""
    offenders = []
    for path in ROOT.rglob("*"):
        if path.suffix in {".html", ".txt"} and "|lower" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
        if path.suffix == ".py" and re.search(r"(_display\(\)|\.label)\.lower\(\)", path.read_text("utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
