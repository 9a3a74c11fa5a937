"""French text analysis shared by the directory search and the sourcing matcher. Imports no Django.

`analyse(text)` turns a text into index terms: lowercase, accents stripped (unidecode), tokens of letters
and digits, French stopwords removed, Snowball French stems (plurals in -os folded too), and a few synonyms
folded onto one term ("recyclé", "recyclage", "réutilisation" all become "reemploi"; "théâtre", "scène"
become "spectacl"). Changing them changes what documents hold: `reanalyse.reanalyse_documents` brings the
stored documents in line (a migration runs it after each change). The same function analyses documents and
queries, so "jouet recyclé" matches "jouets recyclés" and "réemploi de jouets".

The output is idempotent: analysing the terms again gives the same terms (stems are taken to their fixpoint
and synonyms point to a canonical stem that maps to itself). Both search backends index these terms as
plain words, which is what makes them behave alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from unidecode import unidecode

_TOKEN = re.compile(r"[a-z0-9]+")
_stemmer = snowballstemmer.stemmer("french")

# French stopwords (unaccented, as they appear after normalisation), plus words too common in the ESS
# vocabulary to help ranking.
STOPWORDS: frozenset[str] = frozenset(
    """
    a afin ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais aurait
    auras aurez auriez aurions aurons auront aussi autre autres aux avaient avais avait avant avec avez aviez
    avions avoir avons ayant ayez ayons c ca ce ceci cela celle celles celui ces cet cette ceux chaque chez ci
    comme comment d dans de des deja depuis dont du donc elle elles en encore entre es est et etaient etais
    etait etant ete etes etiez etions etre eu eue eues eumes eurent eus eusse eussent eusses eussiez eussions
    eut eutes eux fait faites font fumes furent fus fusse fussent fusses fussiez fussions fut futes ici il ils
    j je jusqu jusque l la le les leur leurs lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on
    ont ou par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans
    se sera serai seraient serais serait seras serez seriez serions serons seront ses si sien soi soient sois
    soit sommes son sont sous soyez soyons suis sur t ta te tes toi ton tous tout toute toutes tres tu un une
    unes uns vers via vos votre vous vu y
    """.split()
)

# Groups of words a buyer uses interchangeably. Each group folds onto the stem of its first word.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("réemploi", "recyclé", "recyclage", "recycler", "réutilisation", "réutiliser", "réemployer"),
    ("jouet", "joujou"),
    ("vélo", "bicyclette", "cycle"),
    ("numérique", "informatique"),
    ("nettoyage", "propreté", "ménage"),
    ("traiteur", "restauration"),
    ("spectacle", "théâtre", "théâtral", "scène", "scénique"),
    ("location", "louer"),
    ("jeux", "jeu"),
)


def normalise(text: str) -> str:
    """Lowercase ASCII form of a text: "Réemploi À Vitry" -> "reemploi a vitry"."""
    return unidecode(text or "").lower()


def tokenize(text: str) -> list[str]:
    """The words of a text, normalised, in order."""
    return _TOKEN.findall(normalise(text))


def _fixpoint_stem(word: str) -> str:
    for _ in range(6):
        stemmed = _stemmer.stemWord(word)
        # Snowball keeps the s after an o ("gros", "repos"), so the plural of a word in -o stayed apart
        # from it: "vélos" gave `velos`, "vidéos" `videos`. Dropping it costs nothing ("gro" meets "gros").
        if len(stemmed) > 3 and stemmed.endswith("os"):
            stemmed = stemmed[:-1]
        if stemmed == word:
            break
        word = stemmed
    return word


def _build_synonyms() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        canonical = _fixpoint_stem(tokenize(group[0])[0])
        for word in group:
            for token in tokenize(word):
                mapping[_fixpoint_stem(token)] = canonical
        mapping[canonical] = canonical
    return mapping


_SYNONYMS = _build_synonyms()


@lru_cache(maxsize=100_000)
def _term(token: str) -> str | None:
    if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
        return None
    stem = _fixpoint_stem(token)
    if stem in STOPWORDS or not stem or (len(stem) < 2 and not stem.isdigit()):
        return None  # a one-letter stem would not survive a second analysis (idempotence)
    return _SYNONYMS.get(stem, stem)


def analyse(text: str) -> list[str]:
    """Index terms of a text, in order, repetitions kept (they weigh in ranking)."""
    terms = []
    for token in tokenize(text):
        term = _term(token)
        if term is not None:
            terms.append(term)
    return terms


def stems(text: str) -> set[str]:
    """The distinct terms of a text: what a matcher compares."""
    return set(analyse(text))


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in the order typed. Every one must match (AND)."""
    return list(dict.fromkeys(analyse(query)))


_TYPED = re.compile(r"[^\W_]+")


def typed_words(query: str) -> dict[str, str]:
    """Each term of a query mapped to the word the person typed for it (accents and case kept), to name
    the words a search corrected or could not find."""
    typed: dict[str, str] = {}
    for word in _TYPED.findall(query or ""):
        for term in analyse(word):
            typed.setdefault(term, word)
    return typed


def index_document(*parts: str) -> str:
    """The terms of a document joined by spaces: what both search backends store and index."""
    return " ".join(term for part in parts for term in analyse(part))


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in tokenize(text):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(left: str, right: str) -> float:
    """Similarity of two names as PostgreSQL's pg_trgm computes it (shared trigrams / all trigrams).

    The SQLite backend uses it to rescore candidate names, so typo tolerance behaves as on PostgreSQL.
    """
    a, b = _trigrams(left), _trigrams(right)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
