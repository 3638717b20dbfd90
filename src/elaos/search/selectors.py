"""Reads of the search engine: `search()` finds indexed objects of any domain from what a person typed.

Both databases rank by the same rule and give the same hits in the same order; they differ in how. SQLite tests
every entry's words with LIKE. PostgreSQL ranks from its word table (migration 0003, ADR 0008): one row per word
of an entry, read with index-only scans, so that only the page of hits is read from the entries themselves; its
misspelled Latin words are compared with the title words of that table. SQLite compares them with difflib too.

For each distinct query word an entry scores 8 if it is a title word, 4 if a title word starts with it, 2 if a word
of the body is it, 1 if one starts with it. Every word that scores at all adds COVERAGE, so an entry that
matches more of the query ranks first (what an AND query followed by an OR query would give, in one query); a word's
score is multiplied by its weight (elaos.search.lao.query_words). Ties go to the shorter title, then to the key.

The SQL is written out rather than built with the ORM: building a dozen CASE expressions through the ORM cost
several milliseconds a search, far more than running them."""

import difflib
from dataclasses import dataclass

from django.db import connection

from elaos.search.lao import is_latin_word, query_words
from elaos.search.models import SearchEntry

MAX_QUERY_WORDS = 12
COVERAGE = 100
TITLE_WORD, TITLE_WORD_START, BODY_WORD, BODY_WORD_START = 8, 4, 2, 1
# Word starts shorter than this would match too much ("ໃບ…", "re…"); such words only match whole.
MIN_WORD_START = 3
# A Latin word this long that matches nothing is taken for a misspelling of a close title word.
MIN_MISSPELLED = 4
CLOSE_ENOUGH = 0.8

_TABLE = SearchEntry._meta.db_table


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    key: str
    title_lo: str
    title_en: str
    url: str
    score: float


def search(query: str, *, kind: str | None = None, limit: int = 10) -> list[SearchHit]:
    """The best `limit` entries for a query typed in Lao (with or without spaces, Lao or ASCII digits) or English,
    best first; `kind` keeps one domain's entries. One database query; when a Latin word matched none of the hits
    and may be misspelled ("pasport"), one more to look for a close title word and, if there is one, a second
    search with it."""
    words = dict(list(query_words(query).items())[:MAX_QUERY_WORDS])
    if not words or limit < 1:
        return []
    hits, matched = _run(words, kind=kind, limit=limit)
    unmatched = [w for w in words if w not in matched and is_latin_word(w) and len(w) >= MIN_MISSPELLED]
    corrections = _corrections(unmatched, kind=kind) if unmatched else {}
    if corrections:
        corrected: dict[str, int] = {}
        for word, weight in words.items():
            corrected.setdefault(corrections.get(word, word), weight)
        hits, _ = _run(corrected, kind=kind, limit=limit)
    return hits


def _run(words: dict[str, int], *, kind: str | None, limit: int) -> tuple[list[SearchHit], set[str]]:
    """The best entries for these words, and which of the words those entries matched."""
    if connection.vendor == "postgresql":
        sql, params = _word_table_sql(words, kind=kind, limit=limit)
    else:
        sql, params = _ranking_sql(words, kind=kind, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    hits, matched = [], set()
    for kind_, key, title_lo, title_en, url, score, *word_scores in rows:
        hits.append(SearchHit(kind=kind_, key=key, title_lo=title_lo, title_en=title_en, url=url, score=float(score)))
        matched.update(word for word, word_score in zip(words, word_scores, strict=True) if word_score)
    return hits, matched


def _may_match_start(word: str) -> bool:
    return len(word) >= MIN_WORD_START and not word.isdigit()


def _ranking_sql(words: dict[str, int], *, kind: str | None, limit: int) -> tuple[str, list[object]]:
    """The ranking query, written from the rule: kind, key, title_lo, title_en, url, score, then each word's own
    score, for the entries holding any word. SQLite's; on PostgreSQL, the reference the word table's query
    (_word_table_sql) is tested against, with the entries found by the full-text index.

    Titles are short and tested with LIKE on both databases. Bodies are tested with LIKE on SQLite and, on
    PostgreSQL, against the stored tsvector, whose words are the same (tests check it) and much faster to look up
    in than long text. Words come from elaos.search.lao.segment and hold only letters, marks and digits, so they
    need no escaping in LIKE patterns (no % or _) nor in tsquery syntax (no quotes or operators)."""
    postgresql = connection.vendor == "postgresql"
    # tokens_tsvector: to_tsvector('simple', tokens), stored and indexed by migration 0002 (PostgreSQL only).
    body_test = "tokens_tsvector @@ to_tsquery('simple'::regconfig, %s)" if postgresql else "tokens LIKE %s"
    word_scores: list[str] = []
    params: list[object] = []
    for i, (word, weight) in enumerate(words.items()):
        whole, start = (f"'{word}'", f"'{word}':*") if postgresql else (f"% {word} %", f"% {word}%")
        # Title words are body words too, so the body is tested first: a word a candidate does not hold (most
        # words of most candidates) costs one test. A score includes the word's COVERAGE, times its weight.
        title_tests = [("title_tokens LIKE %s", f"% {word} %", TITLE_WORD)]
        if _may_match_start(word):
            title_tests.append(("title_tokens LIKE %s", f"% {word}%", TITLE_WORD_START))
            body_tests = [(body_test, whole, BODY_WORD), (body_test, start, BODY_WORD_START)]
        else:
            body_tests = [(body_test, whole, BODY_WORD)]
        # The last test is the broadest one: does the entry hold the word at all.
        *narrower, (_, broadest, broadest_points) = title_tests + body_tests
        whens = " ".join(f"WHEN {test} THEN {(COVERAGE + points) * weight}" for test, _, points in narrower)
        otherwise = (COVERAGE + broadest_points) * weight
        word_scores.append(f"CASE WHEN {body_test} THEN CASE {whens} ELSE {otherwise} END ELSE 0 END AS w{i}")
        params.extend([broadest, *(param for _, param, _ in narrower)])

    where, where_params = [], []
    if kind:
        where.append("kind = %s")
        where_params.append(kind)
    if postgresql:
        where.append("tokens_tsvector @@ to_tsquery('simple'::regconfig, %s)")
        where_params.append(" | ".join(f"'{w}':*" if _may_match_start(w) else f"'{w}'" for w in words))
    else:
        where.append("(" + " OR ".join([body_test] * len(words)) + ")")
        where_params.extend(f"% {w}%" if _may_match_start(w) else f"% {w} %" for w in words)

    columns = [f"w{i}" for i in range(len(words))]
    key = connection.ops.quote_name("key")
    # Every value is a parameter; the f-strings only join fixed pieces of SQL and generated column names.
    sql = (
        f"SELECT kind, {key}, title_lo, title_en, url, {' + '.join(columns)} AS score, {', '.join(columns)} "  # noqa: S608
        f"FROM (SELECT kind, {key}, title_lo, title_en, url, title_tokens, {', '.join(word_scores)} "
        f"FROM {_TABLE} WHERE {' AND '.join(where)}) AS matches "
        f"ORDER BY score DESC, LENGTH(title_tokens), {key}, kind LIMIT %s"
    )
    return sql, [*params, *where_params, limit]


def _word_table_sql(words: dict[str, int], *, kind: str | None, limit: int) -> tuple[str, list[object]]:
    """PostgreSQL: the ranking query of _ranking_sql, same columns and same order, computed from the word table
    (migration 0003) alone: one index-only range scan of its primary key per word gives, for each entry holding the
    word or a word it starts, whether that word is a title word; an entry's points for a query word are the best
    of its rows (8 a title word, 4 a title word's start, 2 a word, 1 a word's start), exactly the tests of
    _ranking_sql. The top `limit` by score and title length, with ties, are then read from search_searchentry."""
    scans: list[str] = []
    params: list[object] = []
    for i, word in enumerate(words):
        where = "word LIKE %s" if _may_match_start(word) else "word = %s"
        if kind:
            where += " AND kind = %s"
        scans.append(
            f"SELECT entry_id, title_length, {i} AS i, CASE WHEN word = %s THEN CASE WHEN in_title THEN "  # noqa: S608
            f"{TITLE_WORD} ELSE {BODY_WORD} END WHEN in_title THEN {TITLE_WORD_START} ELSE {BODY_WORD_START} END "
            f"AS points FROM search_searchword WHERE {where}"
        )
        params.extend([word, f"{word}%" if _may_match_start(word) else word, *([kind] if kind else [])])
    points = [f"MAX(points) FILTER (WHERE i = {i}) AS p{i}" for i in range(len(words))]
    word_scores = [f"COALESCE((p{i} + {COVERAGE}) * {weight}, 0) AS w{i}" for i, weight in enumerate(words.values())]
    columns = [f"w{i}" for i in range(len(words))]
    key = connection.ops.quote_name("key")
    # Every value is a parameter; the f-strings only join fixed pieces of SQL, numbers and generated column names.
    sql = (
        f"WITH rows AS ({' UNION ALL '.join(scans)}), "  # noqa: S608
        f"entries AS (SELECT entry_id, title_length, {', '.join(points)} FROM rows GROUP BY entry_id, title_length), "
        f"scored AS (SELECT entry_id, title_length, {', '.join(word_scores)} FROM entries), "
        f"best AS (SELECT *, {' + '.join(columns)} AS score FROM scored "
        f"ORDER BY score DESC, title_length FETCH FIRST %s ROWS WITH TIES) "
        f"SELECT e.kind, e.{key}, e.title_lo, e.title_en, e.url, best.score, {', '.join(columns)} "
        f"FROM best JOIN {_TABLE} AS e ON e.id = best.entry_id "
        f"ORDER BY best.score DESC, best.title_length, e.{key}, e.kind LIMIT %s"
    )
    return sql, [*params, limit, limit]


def _corrections(words: list[str], *, kind: str | None) -> dict[str, str]:
    """The closest Latin title word for each word that looks misspelled, when one is close enough."""
    vocabulary = sorted({word for title in _title_words(kind=kind) for word in title.split() if is_latin_word(word)})
    corrections = {}
    for word in words:
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CLOSE_ENOUGH)
        if close and close[0] != word:
            corrections[word] = close[0]
    return corrections


def _title_words(*, kind: str | None) -> list[str]:
    """The title words a misspelled word is compared with: on PostgreSQL the distinct ASCII title words (of the kind)
    of the word table, a few hundred rows however many entries hold them; on SQLite every title, whole."""
    if connection.vendor != "postgresql":
        entries = SearchEntry.objects.filter(kind=kind) if kind else SearchEntry.objects.all()
        return list(entries.values_list("title_tokens", flat=True))
    sql, params = _title_vocabulary_sql(kind=kind)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [word for (word,) in cursor.fetchall()]


def _title_vocabulary_sql(*, kind: str | None) -> tuple[str, list[object]]:
    """PostgreSQL: the distinct ASCII title words of the word table, one index probe per word (a loose index scan
    of the partial indexes of migration 0003) rather than a read of every title word."""
    same_kind = "kind = %s AND " if kind else ""
    # The word table's partial indexes cover exactly the rows with this condition (migration 0003).
    ascii_title = "in_title AND word < '{'"
    first = f"SELECT word FROM search_searchword WHERE {same_kind}{ascii_title} ORDER BY word LIMIT 1"  # noqa: S608
    following = (
        f"SELECT word FROM search_searchword WHERE {same_kind}{ascii_title} AND word > vocabulary.word "  # noqa: S608
        "ORDER BY word LIMIT 1"
    )
    sql = (
        f"WITH RECURSIVE vocabulary(word) AS (({first}) UNION ALL "  # noqa: S608
        f"SELECT ({following}) FROM vocabulary WHERE vocabulary.word IS NOT NULL) "
        "SELECT word FROM vocabulary WHERE word IS NOT NULL"
    )
    return sql, [kind, kind] if kind else []
