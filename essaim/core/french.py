"""French plurals, the one way: in Python `plural(n)` / `counted(n, "structure")`, in templates `|pluriel`;
a label inside a sentence: `lowercase_start(label)`, in templates `|minuscule` ("structure de l'ESS", never
"structure de l'ess" as `|lower` writes it).

French puts the plural from 2 on: 0 and 1 are singular ("0 structure prévenue", "1 structure prévenue",
"2 structures prévenues"). Django's `pluralize` follows English (0 is plural), so templates use the
`pluriel` filter (a builtin, `essaim.core.templatetags.essaim_text`) and Python code these functions;
user-facing text never puts a plural ending in parentheses. Imports no Django.
"""

from __future__ import annotations

from decimal import Decimal

Number = int | float | Decimal


def is_plural(count: Number | None) -> bool:
    """Whether French puts a word counted `count` times in the plural (from 2 on, whatever the sign)."""
    return count is not None and (count >= 2 or count <= -2)


def plural(count: Number | None, suffixes: str = "s") -> str:
    """The ending after a count, as Django's `pluralize` takes it: `"s"` (the plural's ending), or
    `"singular,plural"` endings (`plural(n, "al,aux")`, `plural(n, "eut,euvent")`)."""
    singular, _, many = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return many if is_plural(count) else singular


def counted(count: Number, singular: str, many: str | None = None) -> str:
    """The count and the word agreeing with it: `counted(1, "structure")` → "1 structure",
    `counted(3, "peut", "peuvent")` → "3 peuvent"."""
    word = (many or f"{singular}s") if is_plural(count) else singular
    return f"{count} {word}"


def lowercase_start(text: str) -> str:
    """A label as it reads inside a sentence: its first letter in lowercase, every other letter kept
    ("Structure de l'ESS" → "structure de l'ESS"), and kept whole when it starts with an acronym
    ("EPCI / EPT", "ESAT")."""
    first_word = text.split(maxsplit=1)[0] if text.strip() else ""
    if not first_word or (len(first_word) > 1 and first_word[1].isupper()):
        return text
    start = text.index(first_word[0])
    return text[:start] + text[start].lower() + text[start + 1 :]
