"""Bring stored search documents in line after `analysis` changed (new synonyms, stopwords, stemming rules).

The analysis is idempotent, so a stored document (`search_name`, `search_body`: analysed terms) analysed
again with the new rules gives what analysing the original texts would give. Only the structures holding
a word whose analysis changed are rewritten: the words come from the word table (`SearchWord`), the
structures from the index, so a change touching a few words costs a few rows whatever the directory's
size. Raw SQL on the search columns only, so that a migration can run it whatever later migrations add.
"""

from __future__ import annotations

from django.db import connection

from .analysis import index_document
from .backends import get_backend

BATCH = 2000


def changed_words() -> list[str]:
    """Words of the index that the current analysis would write differently."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM directory_searchword")
        return sorted(word for (word,) in cursor.fetchall() if index_document(word) != word)


def _holding(words: list[str]) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM directory_structure WHERE search_vector @@ to_tsquery('simple', %s) ORDER BY id",
                [" | ".join(words)],
            )
        else:
            match = "{search_name search_body} : (" + " OR ".join(f'"{w}"' for w in words) + ")"
            cursor.execute(
                "SELECT rowid FROM directory_structure_fts WHERE directory_structure_fts MATCH %s ORDER BY rowid",
                [match],
            )
        return [row[0] for row in cursor.fetchall()]


def reanalyse_documents() -> int:
    """Re-analyse the documents holding a changed word, reindex them, forget the changed words. Returns
    the number of structures rewritten."""
    words = changed_words()
    if not words:
        return 0
    ids = _holding(words)
    backend = get_backend()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id, search_name, search_body FROM directory_structure WHERE id IN ({marks})",  # noqa: S608
                chunk,
            )
            rows = [
                (index_document(name or ""), index_document(body or ""), pk)
                for pk, name, body in cursor.fetchall()
            ]
            cursor.executemany(
                "UPDATE directory_structure SET search_name = %s, search_body = %s WHERE id = %s", rows
            )
            backend.index(chunk)
        marks = ",".join(["%s"] * len(words))
        cursor.execute(f"DELETE FROM directory_searchword WHERE word IN ({marks})", words)  # noqa: S608
    return len(ids)
