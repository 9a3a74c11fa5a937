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
from .partial import Slot
from .sql import (
    FACET_COLUMNS,
    FUZZY_CANDIDATES,
    FUZZY_THRESHOLD,
    ORDERINGS,
    SORTED,
    TIE_MARGIN,
    WORD_CANDIDATES,
    PlaceTags,
    SectorTags,
    Terms,
    eligible_sql,
    level_text,
    prescore,
    words_of,
)

DENSE_SHARE = 0.1  # SQLite: matches holding at least this share of the published rows walk the sort index
SAMPLE_WINDOWS = 8
RANK_ALL = 20_000  # SQLite: bm25 on every match up to this many, on name matches first beyond
SORT_INDEXES = {"name": "directory_structure_name_sort", "updated": "structure_status_updated"}
WORD_TRIGRAM_ROWS = 100  # words read from the trigram table before the similarity is computed here
# The word table's trigram index: an FTS5 table over `directory_searchword` (external content) that
# triggers keep in step with it, whoever writes or empties the word table. Created by migration 0007.
WORDS_TRIGRAMS = [
    "CREATE VIRTUAL TABLE directory_searchword_trigrams USING fts5(word, content='directory_searchword', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER directory_searchword_ai AFTER INSERT ON directory_searchword BEGIN "
    "INSERT INTO directory_searchword_trigrams (rowid, word) VALUES (new.id, new.word); END",
    "CREATE TRIGGER directory_searchword_ad AFTER DELETE ON directory_searchword BEGIN "
    "INSERT INTO directory_searchword_trigrams (directory_searchword_trigrams, rowid, word) "
    "VALUES ('delete', old.id, old.word); END",
    "CREATE TRIGGER directory_searchword_au AFTER UPDATE OF word ON directory_searchword BEGIN "
    "INSERT INTO directory_searchword_trigrams (directory_searchword_trigrams, rowid, word) "
    "VALUES ('delete', old.id, old.word); "
    "INSERT INTO directory_searchword_trigrams (rowid, word) VALUES (new.id, new.word); END",
]
# The words of the index with their exact numbers of structures, from the FTS5 vocabulary of the name and
# body columns (`directory_structure_fts_vocab`). Used by the migration too.
WORDS_SYNC = (
    "INSERT INTO directory_searchword (word, documents) SELECT term, max(doc) FROM directory_structure_fts_vocab "
    "WHERE col IN ('search_name', 'search_body') AND length(term) <= 60 GROUP BY term "
    "ON CONFLICT (word) DO UPDATE SET documents = excluded.documents"
)


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
                cursor.execute(
                    f"SELECT search_name, search_body FROM directory_structure WHERE id IN ({marks})",  # noqa: S608
                    chunk,
                )
                words = {w for row in cursor.fetchall() for text in row for w in (text or "").split()}
                self._add_words(cursor, sorted(w for w in words if len(w) <= 60))

    @staticmethod
    def _add_words(cursor: Any, words: list[str]) -> None:
        """New words of a few structures (their numbers of structures are counted again by `rebuild`)."""
        if not words:
            return
        cursor.executemany(
            "INSERT INTO directory_searchword (word, documents) VALUES (%s, 1) ON CONFLICT (word) DO NOTHING",
            [(w,) for w in words],
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
            cursor.execute(WORDS_SYNC)

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
            cursor.execute("DELETE FROM directory_searchword")  # the triggers empty the trigram table
            cursor.execute(WORDS_SYNC)

    # --- Words of the index (partial.py: absent words, corrections of misspelt ones).
    def word_documents(self, terms: Sequence[str]) -> dict[str, int]:
        """The terms the word table holds, with their numbers of structures."""
        terms = list(terms)
        if not terms:
            return {}
        marks = ",".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word, documents FROM directory_searchword WHERE word IN ({marks})",  # noqa: S608
                terms,
            )
            return {word: int(documents) for word, documents in cursor.fetchall()}

    def holds(self, term: str) -> bool:
        """Whether a published structure holds the term (for a term missing from the word table)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM directory_structure_fts WHERE directory_structure_fts MATCH %s LIMIT 1",
                [self.expression([term], [["zstatuspublished"]])],
            )
            return cursor.fetchone() is not None

    def similar_words(self, term: str) -> list[tuple[str, int]]:
        """Words of the table sharing trigrams with the term (FTS5 trigram table for candidates, then the
        pg_trgm similarity computed here, at least FUZZY_THRESHOLD), closest first."""
        grams = sorted({term[i : i + 3] for i in range(len(term) - 2)})
        if not grams:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.word, w.documents FROM directory_searchword_trigrams t "
                "JOIN directory_searchword w ON w.id = t.rowid WHERE directory_searchword_trigrams MATCH %s "
                "ORDER BY t.rank LIMIT %s",
                [" OR ".join(f'"{g}"' for g in grams), WORD_TRIGRAM_ROWS],
            )
            rows = [(word, int(docs), trigram_similarity(term, word)) for word, docs in cursor.fetchall()]
        rows = [r for r in rows if r[2] >= FUZZY_THRESHOLD]
        rows.sort(key=lambda r: (-r[2], -r[1], r[0]))
        return [(word, docs) for word, docs, _sim in rows[:WORD_CANDIDATES]]

    # --- Index-driven search (index.py): the expression holds the text terms and the filter tags.
    @staticmethod
    def expression(
        terms: Terms, clauses: Sequence[Sequence[str]], exclude: Sequence[str] = (), *, text: str = ""
    ) -> str:
        """`terms` must all match (a tuple of words: one of them), each clause (one of its tags) too, no tag
        of `exclude`; `text` is a ready text expression (`level_expression`)."""
        parts = [
            f'"{t}"' if isinstance(t, str) else "(" + " OR ".join(f'"{w}"' for w in t) + ")" for t in terms
        ]
        parts += [f"({text})"] if text else []
        parts += ["(" + " OR ".join(f'"{t}"' for t in c) + ")" for c in clauses]
        expr = " AND ".join(parts)
        if exclude:
            expr = f"({expr}) NOT (" + " OR ".join(f'"{t}"' for t in exclude) + ")"
        return expr

    def level_expression(self, slots: Sequence[Slot], k: int, clauses: Sequence[Sequence[str]]) -> str:
        """Structures matching exactly `k` of the slots (`k` = 0: at least one), and the clauses."""
        text = level_text(slots, k, and_=" AND ", or_=" OR ", but_not="{} NOT {}", quote='"')
        return self.expression([], clauses, text=text)

    def count(self, expr: str) -> tuple[int, bool]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM directory_structure_fts WHERE directory_structure_fts MATCH %s", [expr]
            )
            return int(cursor.fetchone()[0]), False

    def level_matches(self, expr: str, terms: Terms, limit: int) -> tuple[int, bool, None]:
        """A level of a partial search: its exact FTS5 count; the page is read by `ranked_page`."""
        total, estimated = self.count(expr)
        return total, estimated, None

    def count_and_facet_rows(
        self, expr: str, limit: int, terms: Terms = (), *, any_word: bool = False
    ) -> tuple[int, bool, list[tuple[Any, ...]], float, None]:
        """(total, estimated, facet rows, scale, None): the exact FTS5 count, then the facet rows (a sample
        above `limit` matches, none when `limit` is 0); the page is read by `ranked_page` / `sorted_page`."""
        total, estimated = self.count(expr)
        if not total or limit <= 0:  # limit 0: the count alone
            return total, estimated, [], 1.0, None
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
        self, expr: str, offset: int, limit: int, terms: Terms, total: int, *, any_word: bool = False
    ) -> list[tuple[int, float]]:
        """The page by bm25 of the expression's words (with `any_word`, the expression of a partial level
        already requires the right words: nothing changes)."""
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
                in_name = "{search_name} : (" + " OR ".join(f'"{t}"' for t in words_of(terms)) + ")"
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
