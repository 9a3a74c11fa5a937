"""The PostgreSQL backend of the directory search: tsvector with partial GIN indexes, ts_rank, sampled
counts for large sets, pg_trgm for names (see `backends` for how the two backends relate)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from .analysis import normalise, tokenize
from .partial import Slot
from .sql import (
    FACET_COLUMNS,
    FUZZY_CANDIDATES,
    FUZZY_THRESHOLD,
    ORDERINGS,
    PRESCORE_WEIGHTS,
    SORTED,
    WORD_CANDIDATES,
    PlaceTags,
    SectorTags,
    Terms,
    eligible_sql,
    level_text,
    words_of,
)

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
# The words of the index (name and body lexemes, not the tags of weight C) with their number of structures,
# counted by ts_stat; `{where}` narrows the structures. Used by the migration that creates the table too.
WORDS_INSERT = (
    "INSERT INTO directory_searchword (word, documents) SELECT word, ndoc FROM ts_stat("
    "'SELECT ts_filter(search_vector, ''{{a,d}}'') FROM directory_structure{where}') "
    "WHERE length(word) <= 60 ON CONFLICT (word) DO {conflict}"
)
WORDS_REBUILD = ["DELETE FROM directory_searchword", WORDS_INSERT.format(where="", conflict="NOTHING")]


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
            f"{eligible_sql(eligible_any)} {'LIMIT %(scan)s' if scan else ''} OFFSET 0) m "
            "ORDER BY score DESC, m.id LIMIT %(limit)s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def index(self, ids: Iterable[int]) -> None:
        """`search_vector` is a generated column: only the new words of these structures are recorded."""
        ids = sorted({int(pk) for pk in ids})
        for start in range(0, len(ids), 1000):
            chunk = ",".join(str(pk) for pk in ids[start : start + 1000])  # integers: safe in the SQL text
            self._add_words(f" WHERE id IN ({chunk})", conflict="NOTHING")

    def index_range(self, first: int, last: int) -> None:
        """New structures (bulk inserts): their words are added, with their numbers of structures."""
        self._add_words(
            f" WHERE id BETWEEN {int(first)} AND {int(last)}",
            conflict="UPDATE SET documents = directory_searchword.documents + EXCLUDED.documents",
        )

    @staticmethod
    def _add_words(where: str, conflict: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(WORDS_INSERT.format(where=where, conflict=conflict))

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            for index in PG_INDEXES:
                cursor.execute(f"REINDEX INDEX {index}")
            for sql in WORDS_REBUILD:
                cursor.execute(sql)

    # --- Words of the index (partial.py: absent words, corrections of misspelt ones).
    def word_documents(self, terms: Sequence[str]) -> dict[str, int]:
        """The terms the word table holds, with their (approximate) numbers of structures."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, documents FROM directory_searchword WHERE word = ANY(%s)", [list(terms)]
            )
            return {word: int(documents) for word, documents in cursor.fetchall()}

    def holds(self, term: str) -> bool:
        """Whether a published structure holds the term (for a term missing from the word table: cheap,
        its posting list is empty or short). A count, not EXISTS: with EXISTS the planner expects an early
        hit and scans the table for a word nobody holds."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM directory_structure s WHERE s.status = 'published' "
                "AND s.search_vector @@ to_tsquery('simple', %s)",
                [term],
            )
            return bool(cursor.fetchone()[0])

    def similar_words(self, term: str) -> list[tuple[str, int]]:
        """Words of the table sharing trigrams with the term (pg_trgm `%`, GIN trigram index), closest first."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, documents FROM directory_searchword WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, documents DESC, word LIMIT %s",
                [term, term, WORD_CANDIDATES],
            )
            return [(word, int(documents)) for word, documents in cursor.fetchall()]

    # --- Index-driven search (index.py). The status is not a tsquery word on PostgreSQL: every query
    # says `status = 'published'`, the predicate of the partial GIN indexes (which hold published rows only).
    @staticmethod
    def expression(
        terms: Terms, clauses: Sequence[Sequence[str]], exclude: Sequence[str] = (), *, text: str = ""
    ) -> str:
        """`terms` must all match (a tuple of words: one of them), each clause (one of its tags) too, no tag
        of `exclude`; `text` is a ready text expression (`level_expression`)."""
        parts = [t if isinstance(t, str) else "(" + " | ".join(t) + ")" for t in terms]
        parts += [f"({text})"] if text else []
        parts += ["(" + " | ".join(c) + ")" for c in clauses if list(c) != [PUBLISHED_TAG]]
        expr = " & ".join(parts)
        if exclude:
            expr += (" & " if expr else "") + "!(" + " | ".join(exclude) + ")"
        return expr

    def level_expression(self, slots: Sequence[Slot], k: int, clauses: Sequence[Sequence[str]]) -> str:
        """Structures matching exactly `k` of the slots (`k` = 0: at least one), and the clauses."""
        return self.expression(
            [], clauses, text=level_text(slots, k, and_=" & ", or_=" | ", but_not="{} & !{}")
        )

    @staticmethod
    def _rank_query(terms: Terms, any_word: bool) -> str:
        """The tsquery ts_rank reads: every term (alternatives OR-ed), or any word of them (partial)."""
        if any_word:
            return " | ".join(words_of(terms))
        return " & ".join(t if isinstance(t, str) else "(" + " | ".join(t) + ")" for t in terms)

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

    def _exact_rows(
        self, cursor: Any, expr: str, terms: Terms = (), any_word: bool = False
    ) -> list[tuple[Any, ...]]:
        """Facet columns, id, text rank, name and date of the matches, at most PG_EXACT_COUNT + 1 of them."""
        where, params = self._where(expr)
        rank, rank_params = "0", []
        if terms:
            rank, rank_params = RANK, [self._rank_query(terms, any_word)]
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
        self, expr: str, limit: int, terms: Terms = (), *, any_word: bool = False
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
            rows = self._exact_rows(cursor, expr, terms, any_word)
            if len(rows) <= PG_EXACT_COUNT:
                return len(rows), False, [r[:6] for r in rows], 1.0, [r[6:] for r in rows]
            if sample is None:
                sample, scale = self._sample_rows(cursor, expr, expected)
            total = max(PG_EXACT_COUNT + 1, round(len(sample) * scale))
            return total, True, sample, (total / len(sample) if sample else 1.0), None

    def level_matches(self, expr: str, terms: Terms, limit: int) -> tuple[int, bool, list[tuple[Any, ...]]]:
        """A level of a partial search, bounded: (count, estimated, matches as (id, rank, name, updated)).
        Up to `limit` matches every one is read and the count is exact; beyond, the count is estimated
        from the sample and the matches are the first `limit` + 1 in table order (a scan that stops early),
        which the page is ranked from."""
        where, params = self._where(expr)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id, {RANK}, s.name_normalised, s.updated_at FROM directory_structure s "  # noqa: S608
                f"WHERE {where} LIMIT %s",
                [self._rank_query(terms, True), *params, limit + 1],
            )
            rows = cursor.fetchall()
            if len(rows) <= limit:
                return len(rows), False, rows
            sample, scale = self._sample_rows(cursor, expr, self._estimate(cursor, expr))
        return max(limit + 1, round(len(sample) * scale)), True, rows

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
        self, expr: str, offset: int, limit: int, terms: Terms, total: int, *, any_word: bool = False
    ) -> list[tuple[int, float]]:
        rank = RANK
        text = self._rank_query(terms, any_word)
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
