"""The SQLite backend of the directory search: FTS5 with bm25, trigram candidates for names (see
`backends` for how the two backends relate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .analysis import normalise, tokenize, trigram_similarity
from .sql import (
    FACET_COLUMNS,
    FUZZY_CANDIDATES,
    FUZZY_THRESHOLD,
    ORDERINGS,
    SORTED,
    TIE_MARGIN,
    PlaceTags,
    SectorTags,
    eligible_sql,
    prescore,
)

DENSE_SHARE = 0.1  # SQLite: matches holding at least this share of the published rows walk the sort index
SAMPLE_WINDOWS = 8
RANK_ALL = 20_000  # SQLite: bm25 on every match up to this many, on name matches first beyond
SORT_INDEXES = {"name": "directory_structure_name_sort", "updated": "structure_status_updated"}


class SqliteBackend:
    vendor = "sqlite"

    def prescored_ids(
        self,
        expr: str,
        *,
        eligible_any: Sequence[str],
        sectors: SectorTags,
        places: PlaceTags,
        terms: dict[str, float],
        limit: int,
        scan: int | None = None,
    ) -> list[tuple[int, float]]:
        """Published structures matching the tag expression (the first `scan` of them in id order when
        given), the `limit` best by `prescore`: (id, pre-score), best first."""
        sql = (
            "SELECT s.id, s.search_tags, s.search_body FROM directory_structure_fts f "  # noqa: S608
            "JOIN directory_structure s ON s.id = f.rowid WHERE directory_structure_fts MATCH %s "
            f"AND s.status = 'published'{eligible_sql(eligible_any)} ORDER BY s.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql + (" LIMIT %s" if scan else ""), [expr, scan] if scan else [expr])
            scored = [
                (pk, prescore(set(tags.split()), set(body.split()), sectors, places, terms))
                for pk, tags, body in cursor.fetchall()
            ]
        scored.sort(key=lambda r: (-r[1], r[0]))
        return scored[:limit]

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

    # --- Index-driven search (index.py): the expression holds the text terms and the filter tags.
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

    def count_and_facet_rows(
        self, expr: str, limit: int, terms: Sequence[str] = ()
    ) -> tuple[int, bool, list[tuple[Any, ...]], float, None]:
        """(total, estimated, facet rows, scale, None): the exact FTS5 count, then the facet rows (a sample
        above `limit` matches); the page is read by `ranked_page` / `sorted_page`."""
        total, estimated = self.count(expr)
        if not total:
            return 0, estimated, [], 1.0, None
        rows, scale = self.facet_rows(expr, total, limit)
        return total, estimated, rows, scale, None

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
