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
FACET_COLUMNS = (
    "s.sectors_mask, s.ess_families_mask, s.inclusion_kinds_mask, "
    "s.eligible_l2113_12, s.eligible_l2113_13, s.eligible_l2113_15"
)
SORTED = {"name": "s.name_normalised, s.id", "updated": "s.updated_at DESC, s.id DESC"}
TIE_MARGIN = 50  # extra top rows fetched so that ties on the score are broken by name like the full order
DENSE_SHARE = 0.1  # SQLite: matches holding at least this share of the published rows walk the sort index
SAMPLE_WINDOWS = 8
RANK_ALL = 20_000  # SQLite: bm25 on every match up to this many, on name matches first beyond
SORT_INDEXES = {"name": "directory_structure_name_sort", "updated": "structure_status_updated"}
PG_EXACT_COUNT = 10_000  # exact totals up to this many matches on PostgreSQL, estimated beyond
PG_RANK_ALL = 3000  # ts_rank on every match up to this many, on candidates beyond
PG_CANDIDATES = 1000
PG_WINDOWS, PG_SAMPLE_SHARE = 8, 40  # sample: 8 id windows, 1/40 of the ids together

# Sort keys -> SQL order on the joined structure table `s` (SQLite raw query) and ORM ordering.
ORDERINGS = {
    "relevance": ("score DESC, s.name_normalised, s.id", ("-score", "name_normalised", "id")),
    "name": ("s.name_normalised, s.id", ("name_normalised", "id")),
    "updated": ("s.updated_at DESC, s.id DESC", ("-updated_at", "-id")),
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
                    "INSERT INTO directory_structure_fts(rowid, search_name, search_body, search_tags) "  # noqa: S608
                    f"SELECT id, search_name, search_body, search_tags FROM directory_structure WHERE id IN ({marks})",
                    chunk,
                )
                cursor.execute(
                    "INSERT INTO directory_structure_names(rowid, name_normalised) "  # noqa: S608
                    f"SELECT id, name_normalised FROM directory_structure WHERE id IN ({marks})",
                    chunk,
                )

    def index_range(self, first: int, last: int) -> None:
        """Index structures with ids in [first, last] that are not indexed yet (after bulk inserts)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO directory_structure_fts(rowid, search_name, search_body, search_tags) "
                "SELECT id, search_name, search_body, search_tags FROM directory_structure WHERE id BETWEEN %s AND %s",
                [first, last],
            )
            cursor.execute(
                "INSERT INTO directory_structure_names(rowid, name_normalised) "
                "SELECT id, name_normalised FROM directory_structure WHERE id BETWEEN %s AND %s",
                [first, last],
            )

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_structure_fts")
            cursor.execute("DELETE FROM directory_structure_names")
            cursor.execute(
                "INSERT INTO directory_structure_fts(rowid, search_name, search_body, search_tags) "
                "SELECT id, search_name, search_body, search_tags FROM directory_structure"
            )
            cursor.execute(
                "INSERT INTO directory_structure_names(rowid, name_normalised) "
                "SELECT id, name_normalised FROM directory_structure"
            )
            cursor.execute("INSERT INTO directory_structure_fts(directory_structure_fts) VALUES ('optimize')")

    # --- Index-driven search (search_index.py): the expression holds the text terms and the filter tags.
    @staticmethod
    def expression(
        terms: Sequence[str], clauses: Sequence[Sequence[str]], exclude: Sequence[str] = ()
    ) -> str:
        parts = [f'"{t}"' for t in terms] + ["(" + " OR ".join(f'"{t}"' for t in c) + ")" for c in clauses]
        expr = " AND ".join(parts)
        if exclude:
            expr += " NOT (" + " OR ".join(f'"{t}"' for t in exclude) + ")"
        return expr

    def count(self, expr: str) -> tuple[int, bool]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM directory_structure_fts WHERE directory_structure_fts MATCH %s", [expr]
            )
            return int(cursor.fetchone()[0]), False

    def facet_rows(self, expr: str, total: int, limit: int) -> tuple[list[tuple[Any, ...]], float]:
        sql = (
            f"SELECT {FACET_COLUMNS} FROM directory_structure_fts f "  # noqa: S608
            "JOIN directory_structure s INDEXED BY directory_structure_facets ON s.id = f.rowid "
            "WHERE directory_structure_fts MATCH %s"
        )
        with connection.cursor() as cursor:
            if total <= limit:
                cursor.execute(sql, [expr])
                return cursor.fetchall(), 1.0
            # A sample: matches in id windows spread over the table (FTS5 seeks rowid ranges).
            cursor.execute("SELECT min(id), max(id) FROM directory_structure")
            low, high = cursor.fetchone()
            span = max(1, int((high - low + 1) * limit / total / SAMPLE_WINDOWS))
            rows: list[tuple[Any, ...]] = []
            for i in range(SAMPLE_WINDOWS):
                start = low + i * (high - low + 1) // SAMPLE_WINDOWS
                cursor.execute(sql + " AND f.rowid BETWEEN %s AND %s", [expr, start, start + span - 1])
                rows += cursor.fetchall()
        return rows, (total / len(rows) if rows else 1.0)

    def ranked_page(
        self, expr: str, offset: int, limit: int, terms: Sequence[str], total: int
    ) -> list[tuple[int, float]]:
        wanted = offset + limit + TIE_MARGIN
        sql = (
            "SELECT f.rowid, -f.rank AS score, s.name_normalised "
            "FROM (SELECT rowid, rank FROM directory_structure_fts WHERE directory_structure_fts MATCH %s "
            "AND rank MATCH 'bm25(10.0, 1.0, 0.0)' ORDER BY rank LIMIT %s) f "
            "JOIN directory_structure s ON s.id = f.rowid"
        )
        with connection.cursor() as cursor:
            if total <= RANK_ALL:
                cursor.execute(sql, [expr, wanted])
                rows = cursor.fetchall()
            else:
                # Large sets: a name match weighs 10 times a body match, so the best rows hold a word in
                # their name; rank those, then (if the page needs more) the first RANK_ALL other rows.
                in_name = "{search_name} : (" + " OR ".join(f'"{t}"' for t in terms) + ")"
                cursor.execute(sql, [f"({expr}) AND {in_name}", wanted])
                rows = cursor.fetchall()
                if len(rows) < wanted:
                    cursor.execute(
                        sql.replace("MATCH %s", "MATCH %s AND rowid <= %s", 1),
                        [f"({expr}) NOT {in_name}", self._nth_rowid(cursor, expr), wanted - len(rows)],
                    )
                    rows += cursor.fetchall()
        rows.sort(key=lambda r: (-r[1], r[2], r[0]))
        return [(r[0], float(r[1])) for r in rows[offset : offset + limit]]

    @staticmethod
    def _nth_rowid(cursor: Any, expr: str) -> int:
        cursor.execute(
            "SELECT max(rowid) FROM (SELECT rowid FROM directory_structure_fts WHERE "
            "directory_structure_fts MATCH %s LIMIT %s)",
            [expr, RANK_ALL],
        )
        return int(cursor.fetchone()[0] or 0)

    def sorted_page(self, expr: str, total: int, sort: str, offset: int, limit: int) -> list[int]:
        order = SORTED[sort]
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) - min(id) + 1 FROM directory_structure")
            rows = cursor.fetchone()[0] or 1  # cheap: only chooses the plan
            if total / rows < DENSE_SHARE:  # sort the matches
                sql = (
                    "SELECT s.id FROM directory_structure_fts f JOIN directory_structure s ON s.id = f.rowid "  # noqa: S608
                    f"WHERE directory_structure_fts MATCH %s ORDER BY {order} LIMIT %s OFFSET %s"
                )
            else:  # dense: walk the sort index, checking each row against the index until the page is full
                sql = (
                    f"SELECT s.id FROM directory_structure s INDEXED BY {SORT_INDEXES[sort]} "  # noqa: S608
                    "WHERE s.status = 'published' AND EXISTS (SELECT 1 FROM directory_structure_fts f "
                    "WHERE directory_structure_fts MATCH %s AND f.rowid = s.id) "
                    f"ORDER BY {order} LIMIT %s OFFSET %s"
                )
            cursor.execute(sql, [expr, limit, offset])
            return [row[0] for row in cursor.fetchall()]

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

    def index_range(self, first: int, last: int) -> None:
        """Nothing to do: `search_vector` is a generated column."""

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX directory_structure_search_gin")

    # --- Index-driven search (search_index.py)
    @staticmethod
    def expression(
        terms: Sequence[str], clauses: Sequence[Sequence[str]], exclude: Sequence[str] = ()
    ) -> str:
        parts = list(terms) + ["(" + " | ".join(c) + ")" for c in clauses]
        expr = " & ".join(parts)
        if exclude:
            expr += " & !(" + " | ".join(exclude) + ")"
        return expr

    def _windows(self) -> tuple[str, list[int], float]:
        """Id windows spread over the table (a sample of about 1/PG_SAMPLE_SHARE of the rows)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM directory_structure")
            low, high = cursor.fetchone()
        low, high = low or 0, high or 0
        span = max(1, (high - low + 1) // (PG_WINDOWS * PG_SAMPLE_SHARE))
        params: list[int] = []
        for i in range(PG_WINDOWS):
            start = low + i * (high - low + 1) // PG_WINDOWS
            params += [start, start + span - 1]
        sql = "(" + " OR ".join(["id BETWEEN %s AND %s"] * PG_WINDOWS) + ")"
        return sql, params, (high - low + 1) / (span * PG_WINDOWS)

    def count(self, expr: str) -> tuple[int, bool]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM directory_structure WHERE search_vector @@ "
                "to_tsquery('simple', %s) LIMIT %s) t",
                [expr, PG_EXACT_COUNT + 1],
            )
            exact = int(cursor.fetchone()[0])
            if exact <= PG_EXACT_COUNT:
                return exact, False
            windows, params, scale = self._windows()
            cursor.execute(
                "SELECT count(*) FROM directory_structure WHERE search_vector @@ to_tsquery('simple', %s) "  # noqa: S608
                f"AND {windows}",
                [expr, *params],
            )
            return max(PG_EXACT_COUNT + 1, round(int(cursor.fetchone()[0]) * scale)), True

    def facet_rows(self, expr: str, total: int, limit: int) -> tuple[list[tuple[Any, ...]], float]:
        sql = (
            f"SELECT {FACET_COLUMNS} FROM directory_structure s "  # noqa: S608
            "WHERE search_vector @@ to_tsquery('simple', %s)"
        )
        params: list[Any] = [expr]
        if total > limit:
            windows, window_params, _ = self._windows()
            sql += f" AND {windows}"
            params += window_params
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return rows, (total / len(rows) if rows and total > limit else 1.0)

    def ranked_page(
        self, expr: str, offset: int, limit: int, terms: Sequence[str], total: int
    ) -> list[tuple[int, float]]:
        rank = "ts_rank('{0.1, 0.0, 0.4, 1.0}', search_vector, to_tsquery('simple', %s))"
        text = " & ".join(terms)
        with connection.cursor() as cursor:
            if total <= PG_RANK_ALL:
                cursor.execute(
                    f"SELECT id, {rank} AS score FROM directory_structure "  # noqa: S608
                    "WHERE search_vector @@ to_tsquery('simple', %s) "
                    "ORDER BY score DESC, name_normalised, id LIMIT %s OFFSET %s",
                    [text, expr, limit, offset],
                )
                return [(r[0], float(r[1])) for r in cursor.fetchall()]
            # Large sets: rank candidates only, names holding a word first, then any matches.
            by_name = expr + " & (" + " | ".join(f"{t}:A" for t in terms) + ")"
            cursor.execute(
                "(SELECT id FROM directory_structure WHERE search_vector @@ to_tsquery('simple', %s) LIMIT %s) "
                "UNION (SELECT id FROM directory_structure WHERE search_vector @@ to_tsquery('simple', %s) "
                "LIMIT %s)",
                [by_name, PG_CANDIDATES, expr, PG_CANDIDATES],
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(
                f"SELECT id, {rank} AS score FROM directory_structure WHERE id = ANY(%s) "  # noqa: S608
                "ORDER BY score DESC, name_normalised, id LIMIT %s OFFSET %s",
                [text, ids, limit, offset],
            )
            return [(r[0], float(r[1])) for r in cursor.fetchall()]

    def sorted_page(self, expr: str, total: int, sort: str, offset: int, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.id FROM directory_structure s WHERE search_vector @@ to_tsquery('simple', %s) "  # noqa: S608
                f"ORDER BY {SORTED[sort]} LIMIT %s OFFSET %s",
                [expr, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

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
