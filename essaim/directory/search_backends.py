"""The two full-text search backends of the directory, chosen by the database vendor.

Both index the same pre-analysed terms (`analysis.index_document`) and receive the same query terms, so
they match the same structures:

- SQLite: an FTS5 table `directory_structure_fts(search_name, search_body)` keyed by the structure id,
  ranked with bm25 (name weighs 10, body 1); typo tolerance on names through an FTS5 `trigram` table of
  normalised names that yields candidates, rescored in Python with the pg_trgm similarity formula.
  The service layer keeps both tables up to date (`index`), a full `rebuild` is available.
- PostgreSQL: a generated `search_vector` column (`to_tsvector('simple', …)` over the same terms, name
  weighted A, body D, tags C) with a GIN index partial on published rows (queries say
  `status = 'published'`), ranked with ts_rank; large sets are counted on fixed samples of the rows with
  their own small GIN indexes (`count_and_facet_rows`); typo tolerance with pg_trgm (`%` operator and
  `similarity()`) on `name_normalised`, GIN trigram index.

The 'simple' configuration (no stemming, no stopwords in the database) is deliberate: stemming, accents,
stopwords and synonyms are all done once in Python, identically for both databases.
"""

from __future__ import annotations

import json
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
PG_EXACT_COUNT = 3000  # exact totals (and facets) up to this many matches on PostgreSQL, estimated beyond
PG_RANK_ALL = 3000  # ts_rank on every match up to this many, on candidates beyond
PG_RANK_SCAN = 1000  # large sets: matches ranked (the first ones in table order)
PG_EXACT_FIRST = PG_EXACT_COUNT // 2  # planner estimate up to which the matches are read at once
PG_ESTIMATE_EXACT = PG_EXACT_COUNT * 3 // 2  # sample estimate up to which the matches are read (exact count)
RANK = "ts_rank('{0.1, 0.0, 0.4, 1.0}', s.search_vector, to_tsquery('simple', %s))"
PG_SAMPLE_MODULUS = 64  # large sets: total and facets from the rows with id % 64 = 0 (own partial GIN index)
PG_SPARSE_MODULUS, PG_DENSE = 512, 200_000  # a sparser sample when the planner expects more matches
PUBLISHED_TAG = "zstatuspublished"
PG_INDEXES = (
    "directory_structure_published_search_gin",
    "directory_structure_sample_search_gin",
    "directory_structure_sparse_sample_search_gin",
)

# Sort keys -> SQL order on the joined structure table `s` (SQLite raw query) and ORM ordering.
ORDERINGS = {
    "relevance": ("score DESC, s.name_normalised, s.id", ("-score", "name_normalised", "id")),
    "name": ("s.name_normalised, s.id", ("name_normalised", "id")),
    "updated": ("s.updated_at DESC, s.id DESC", ("-updated_at", "-id")),
}


# Pre-score of matching candidates (`sourcing.match_input`): 35 × sector + 20 × place + 25 × text, from tags.
PRESCORE_WEIGHTS = (35.0, 20.0, 25.0)
SectorTags = Sequence[tuple[Sequence[str], Sequence[str]]]  # per need sector: (exact fit, top level only)
PlaceTags = Sequence[tuple[float, Sequence[str]]]  # (value, tags), best first


def prescore(
    tags: set[str], body: set[str], sectors: SectorTags, places: PlaceTags, terms: dict[str, float]
) -> float:
    """The pre-score of one structure from its tags and body words (what the PostgreSQL query computes)."""
    fits = [
        1.0 if tags.intersection(exact) else 0.5 if tags.intersection(top) else 0.0 for exact, top in sectors
    ]
    sector = 0.7 * max(fits) + 0.3 * sum(fits) / len(fits) if fits else 0.0
    place = next((value for value, group in places if tags.intersection(group)), 0.0)
    total = sum(terms.values())
    text = sum(w for t, w in terms.items() if t in body) / total if total else 0.0
    return PRESCORE_WEIGHTS[0] * sector + PRESCORE_WEIGHTS[1] * place + PRESCORE_WEIGHTS[2] * text


def _eligible_sql(columns: Sequence[str]) -> str:
    allowed = {"eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15"}
    if not columns:
        return ""
    if not set(columns) <= allowed:
        raise ValueError(f"Unknown eligibility columns: {columns}")
    return " AND (" + " OR ".join(f"s.{c}" for c in columns) + ")"


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
            f"AND s.status = 'published'{_eligible_sql(eligible_any)} ORDER BY s.id"
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


class PostgresBackend:
    vendor = "postgresql"

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
        """Published structures matching the tag expression (the first `scan` of them when given), the
        `limit` best by `prescore` computed in SQL: (id, pre-score), best first."""
        params: dict[str, Any] = {"expr": expr, "limit": limit, "scan": scan}

        def has(words: Sequence[str]) -> str:
            name = f"q{len(params)}"
            params[name] = " | ".join(words)
            return f"m.v @@ to_tsquery('simple', %({name})s)"

        fits = []
        for exact, top in sectors:
            fits.append(
                f"(CASE WHEN {has(exact)} THEN 1.0 "
                + (f"WHEN {has(top)} THEN 0.5 " if top else "")
                + "ELSE 0 END)"
            )
        sector = (
            f"(0.7 * GREATEST({', '.join(fits)}) + 0.3 * ({' + '.join(fits)}) / {len(fits)})" if fits else "0"
        )
        place = (
            "(CASE "
            + " ".join(f"WHEN {has(group)} THEN {float(value)}" for value, group in places)
            + " ELSE 0 END)"
            if places
            else "0"
        )
        total = sum(terms.values())
        text = "0"
        if total:
            text = (
                "("
                + " + ".join(f"({has([f'{t}:D'])})::int * {float(w / total)}" for t, w in terms.items())
                + ")"
            )
        w_sector, w_place, w_text = PRESCORE_WEIGHTS
        sql = (
            f"SELECT m.id, {w_sector} * {sector} + {w_place} * {place} + {w_text} * {text} AS score "  # noqa: S608
            "FROM (SELECT s.id, s.search_vector AS v FROM directory_structure s "
            "WHERE s.status = 'published' AND s.search_vector @@ to_tsquery('simple', %(expr)s)"
            f"{_eligible_sql(eligible_any)} {'LIMIT %(scan)s' if scan else ''} OFFSET 0) m "
            "ORDER BY score DESC, m.id LIMIT %(limit)s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def index(self, ids: Iterable[int]) -> None:
        """Nothing to do: `search_vector` is a generated column."""

    def index_range(self, first: int, last: int) -> None:
        """Nothing to do: `search_vector` is a generated column."""

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            for index in PG_INDEXES:
                cursor.execute(f"REINDEX INDEX {index}")

    # --- Index-driven search (search_index.py). The status is not a tsquery word on PostgreSQL: every query
    # says `status = 'published'`, the predicate of the partial GIN indexes (which hold published rows only).
    @staticmethod
    def expression(
        terms: Sequence[str], clauses: Sequence[Sequence[str]], exclude: Sequence[str] = ()
    ) -> str:
        parts = list(terms) + ["(" + " | ".join(c) + ")" for c in clauses if list(c) != [PUBLISHED_TAG]]
        expr = " & ".join(parts)
        if exclude:
            expr += (" & " if expr else "") + "!(" + " | ".join(exclude) + ")"
        return expr

    @staticmethod
    def _where(expr: str) -> tuple[str, list[Any]]:
        if not expr:
            return "s.status = 'published'", []
        return "s.status = 'published' AND s.search_vector @@ to_tsquery('simple', %s)", [expr]

    def _estimate(self, cursor: Any, expr: str) -> int:
        """The planner's estimate of the matches (tsvector statistics), without running the query."""
        where, params = self._where(expr)
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM directory_structure s WHERE {where}", params)  # noqa: S608
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def _exact_rows(self, cursor: Any, expr: str, terms: Sequence[str] = ()) -> list[tuple[Any, ...]]:
        """Facet columns, id, text rank, name and date of the matches, at most PG_EXACT_COUNT + 1 of them."""
        where, params = self._where(expr)
        rank, rank_params = "0", []
        if terms:
            rank, rank_params = RANK, [" & ".join(terms)]
        cursor.execute(
            f"SELECT {FACET_COLUMNS}, s.id, {rank}, s.name_normalised, s.updated_at "  # noqa: S608
            f"FROM directory_structure s WHERE {where} LIMIT %s",
            [*rank_params, *params, PG_EXACT_COUNT + 1],
        )
        return cursor.fetchall()

    def _sample_rows(self, cursor: Any, expr: str, expected: int) -> tuple[list[tuple[Any, ...]], float]:
        """Facet columns of the matches among a fixed sample of the rows (`id % modulus = 0`, each sample
        with its own small partial GIN index: 1/64 of the rows, 1/512 when the planner expects more than
        PG_DENSE matches), with the scale from the sample to the whole table."""
        modulus = PG_SPARSE_MODULUS if expected > PG_DENSE else PG_SAMPLE_MODULUS
        where, params = self._where(expr or PUBLISHED_TAG)
        cursor.execute(
            f"SELECT {FACET_COLUMNS} FROM directory_structure s WHERE {where} AND s.id %% {modulus} = 0",  # noqa: S608
            params,
        )
        return cursor.fetchall(), float(modulus)

    def count_and_facet_rows(
        self, expr: str, limit: int, terms: Sequence[str] = ()
    ) -> tuple[int, bool, list[tuple[Any, ...]], float, list[tuple[Any, ...]] | None]:
        """(total, estimated, facet rows, scale, matches) in one to three cheap queries.

        Up to PG_EXACT_COUNT matches, the total and the facets are exact and `matches` lists every match
        as (id, rank, name_normalised, updated_at), so the page is sorted from them without another query.
        Beyond, the total and the facets come from the matches among a fixed 1/PG_SAMPLE_MODULUS of the
        rows (their own small index) and `matches` is None. Which path is taken: a planner estimate up to
        PG_EXACT_FIRST reads the matches at once; above, the sample is read first and the matches only
        when it says the set may hold at most PG_ESTIMATE_EXACT (small sets always get exact counts).
        """
        sample: list[tuple[Any, ...]] | None = None
        with connection.cursor() as cursor:
            expected = self._estimate(cursor, expr)
            if expected > PG_EXACT_FIRST:
                sample, scale = self._sample_rows(cursor, expr, expected)
                total = round(len(sample) * scale)
                if total > PG_ESTIMATE_EXACT:
                    return total, True, sample, (total / len(sample) if sample else 1.0), None
            rows = self._exact_rows(cursor, expr, terms)
            if len(rows) <= PG_EXACT_COUNT:
                return len(rows), False, [r[:6] for r in rows], 1.0, [r[6:] for r in rows]
            if sample is None:
                sample, scale = self._sample_rows(cursor, expr, expected)
            total = max(PG_EXACT_COUNT + 1, round(len(sample) * scale))
            return total, True, sample, (total / len(sample) if sample else 1.0), None

    def count(self, expr: str) -> tuple[int, bool]:
        total, estimated, _rows, _scale, _matches = self.count_and_facet_rows(expr, 0)
        return total, estimated

    def facet_rows(self, expr: str, total: int, limit: int) -> tuple[list[tuple[Any, ...]], float]:
        with connection.cursor() as cursor:
            if total <= max(limit, PG_EXACT_COUNT):
                return [r[:6] for r in self._exact_rows(cursor, expr)], 1.0
            rows, _scale = self._sample_rows(cursor, expr, total)
        return rows, (total / len(rows) if rows else 1.0)

    def ranked_page(
        self, expr: str, offset: int, limit: int, terms: Sequence[str], total: int
    ) -> list[tuple[int, float]]:
        rank = RANK
        text = " & ".join(terms)
        where, params = self._where(expr)
        with connection.cursor() as cursor:
            if total <= PG_RANK_ALL:
                cursor.execute(
                    f"SELECT s.id, {rank} AS score FROM directory_structure s WHERE {where} "  # noqa: S608
                    "ORDER BY score DESC, s.name_normalised, s.id LIMIT %s OFFSET %s",
                    [text, *params, limit, offset],
                )
                return [(r[0], float(r[1])) for r in cursor.fetchall()]
            # Large sets: rank a bounded slice, the first PG_RANK_SCAN matches in table order (a scan that
            # stops early; a name word weighs 10 times a body word, so names holding a word lead).
            cursor.execute(
                f"SELECT s.id, {rank} AS score, s.name_normalised FROM (SELECT s.id, s.search_vector, "  # noqa: S608
                f"s.name_normalised FROM directory_structure s WHERE {where} LIMIT %s OFFSET 0) s "
                "ORDER BY score DESC, s.name_normalised, s.id LIMIT %s",
                [text, *params, PG_RANK_SCAN, offset + limit],
            )
            rows = cursor.fetchall()
        rows.sort(key=lambda r: (-r[1], r[2], r[0]))
        return [(r[0], float(r[1])) for r in rows[offset : offset + limit]]

    def sorted_page(self, expr: str, total: int, sort: str, offset: int, limit: int) -> list[int]:
        where, params = self._where(expr)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id FROM directory_structure s WHERE {where} "  # noqa: S608
                f"ORDER BY {SORTED[sort]} LIMIT %s OFFSET %s",
                [*params, limit, offset],
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
