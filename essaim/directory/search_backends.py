"""The two full-text search backends of the directory, chosen by the database vendor.

Both index the same pre-analysed terms (`analysis.index_document`) and receive the same query terms, so
they match the same structures:

- SQLite: an FTS5 table `directory_structure_fts(search_name, search_body)` keyed by the structure id,
  ranked with bm25 (name weighs 10, body 1); typo tolerance on names through an FTS5 `trigram` table of
  normalised names that yields candidates, rescored in Python with the pg_trgm similarity formula.
  The service layer keeps both tables up to date (`index`), a full `rebuild` is available.
- PostgreSQL: a generated `search_vector` column (`to_tsvector('simple', …)` over the same terms, name
  weighted A, body D) with a GIN index, ranked with ts_rank; typo tolerance with pg_trgm (`%` operator and
  `similarity()`) on `name_normalised`, GIN trigram index.

The 'simple' configuration (no stemming, no stopwords in the database) is deliberate: stemming, accents,
stopwords and synonyms are all done once in Python, identically for both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from .analysis import normalise, tokenize, trigram_similarity

FUZZY_THRESHOLD = 0.3
FUZZY_CANDIDATES = 2000

# Sort keys -> SQL order on the joined structure table `s` (SQLite raw query) and ORM ordering.
ORDERINGS = {
    "relevance": ("score DESC, s.name_normalised, s.id", ("-score", "name_normalised", "id")),
    "name": ("s.name_normalised, s.id", ("name_normalised", "id")),
    "updated": ("s.updated_at DESC, s.id", ("-updated_at", "id")),
}


class SqliteBackend:
    vendor = "sqlite"

    def index(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM directory_structure_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.execute(f"DELETE FROM directory_structure_names WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.execute(
                    "INSERT INTO directory_structure_fts(rowid, search_name, search_body) "  # noqa: S608
                    f"SELECT id, search_name, search_body FROM directory_structure WHERE id IN ({marks})",
                    chunk,
                )
                cursor.execute(
                    "INSERT INTO directory_structure_names(rowid, name_normalised) "  # noqa: S608
                    f"SELECT id, name_normalised FROM directory_structure WHERE id IN ({marks})",
                    chunk,
                )

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_structure_fts")
            cursor.execute("DELETE FROM directory_structure_names")
            cursor.execute(
                "INSERT INTO directory_structure_fts(rowid, search_name, search_body) "
                "SELECT id, search_name, search_body FROM directory_structure"
            )
            cursor.execute(
                "INSERT INTO directory_structure_names(rowid, name_normalised) "
                "SELECT id, name_normalised FROM directory_structure"
            )
            cursor.execute("INSERT INTO directory_structure_fts(directory_structure_fts) VALUES ('optimize')")

    @staticmethod
    def _match(terms: Sequence[str]) -> str:
        return " AND ".join(f'"{term}"' for term in terms)

    def text_filter(self, qs: QuerySet[Any], terms: Sequence[str]) -> QuerySet[Any]:
        return qs.filter(
            id__in=RawSQL(
                "SELECT rowid FROM directory_structure_fts WHERE directory_structure_fts MATCH %s",
                [self._match(terms)],
            )
        )

    def ranked_ids(
        self, qs: QuerySet[Any], terms: Sequence[str], sort: str, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        try:
            base_sql, base_params = qs.values("id").query.sql_with_params()
        except EmptyResultSet:
            return []
        order = ORDERINGS[sort][0]
        # MATERIALIZED: bm25 is computed once per matching row, then joined (never re-run per structure).
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25(directory_structure_fts, 10.0, 1.0) AS score "  # noqa: S608
            "FROM directory_structure_fts WHERE directory_structure_fts MATCH %s) "
            f"SELECT m.id, m.score FROM m JOIN directory_structure s ON s.id = m.id WHERE m.id IN ({base_sql}) "
            f"ORDER BY {order.replace('score', 'm.score')} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._match(terms), *base_params, limit, offset])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def fuzzy_name_scores(self, qs: QuerySet[Any], query: str) -> list[tuple[int, float]]:
        grams = sorted({word[i : i + 3] for word in tokenize(query) for i in range(max(len(word) - 2, 0))})
        if not grams:
            return []
        match = " OR ".join(f'"{gram}"' for gram in grams)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM directory_structure_names WHERE directory_structure_names MATCH %s "
                "ORDER BY rank LIMIT %s",
                [match, FUZZY_CANDIDATES],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        wanted = normalise(query)
        scored = []
        for pk, name in qs.filter(id__in=candidates).values_list("id", "name_normalised"):
            score = trigram_similarity(wanted, name)
            if score >= FUZZY_THRESHOLD:
                scored.append((pk, score))
        return scored


class PostgresBackend:
    vendor = "postgresql"

    def index(self, ids: Iterable[int]) -> None:
        """Nothing to do: `search_vector` is a generated column."""

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX directory_structure_search_gin")

    @staticmethod
    def _tsquery(terms: Sequence[str]) -> str:
        return " ".join(terms)

    def text_filter(self, qs: QuerySet[Any], terms: Sequence[str]) -> QuerySet[Any]:
        return qs.filter(
            RawSQL(
                '"directory_structure"."search_vector" @@ plainto_tsquery(\'simple\', %s)',
                [self._tsquery(terms)],
                output_field=BooleanField(),
            )
        )

    def ranked_ids(
        self, qs: QuerySet[Any], terms: Sequence[str], sort: str, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        ranked = self.text_filter(qs, terms).annotate(
            score=RawSQL(
                'ts_rank(\'{0.1, 0.2, 0.4, 1.0}\', "directory_structure"."search_vector", '
                "plainto_tsquery('simple', %s))",
                [self._tsquery(terms)],
                output_field=FloatField(),
            )
        )
        rows = ranked.order_by(*ORDERINGS[sort][1]).values_list("id", "score")[offset : offset + limit]
        return [(pk, float(score)) for pk, score in rows]

    def fuzzy_name_scores(self, qs: QuerySet[Any], query: str) -> list[tuple[int, float]]:
        wanted = normalise(query)
        if not tokenize(wanted):
            return []
        # The `%` operator uses pg_trgm.similarity_threshold, 0.3 by default like FUZZY_THRESHOLD.
        rows = (
            qs.filter(
                RawSQL('"directory_structure"."name_normalised" %% %s', [wanted], output_field=BooleanField())
            )
            .annotate(
                similarity=RawSQL(
                    'similarity("directory_structure"."name_normalised", %s)',
                    [wanted],
                    output_field=FloatField(),
                )
            )
            .order_by("-similarity")
            .values_list("id", "similarity")[:FUZZY_CANDIDATES]
        )
        return [(pk, float(score)) for pk, score in rows if score >= FUZZY_THRESHOLD - 1e-9]


def get_backend() -> SqliteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No directory search backend for {connection.vendor}")
