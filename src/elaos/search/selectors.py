"""Reads of the search engine: `search()` finds indexed objects of any domain from what a person typed.

Ranking is one SQL expression shared by PostgreSQL and SQLite, so both rank the same rows the same way; the
databases differ only in how candidate rows are found. PostgreSQL finds them with its full-text GIN index and
looks up misspelled Latin words with a trigram index; SQLite scans with LIKE and compares words with difflib.

For each distinct query word an entry scores 8 if it is a title word, 4 if a title word starts with it, 2 if a word
of the body is it, 1 if one starts with it. Every word that scores at all adds COVERAGE, so an entry that
matches more of the query ranks first (what an AND query followed by an OR query would give, in one query); a word's
score is multiplied by its weight (elaos.search.lao.query_words). Ties go to the shorter title, then to the key.

The SQL is written out rather than built with the ORM: building a dozen CASE expressions through the ORM cost
several milliseconds a search, far more than running them."""

import difflib
import time
from dataclasses import dataclass
from itertools import combinations
from math import comb

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
MAX_FUZZY_TITLES = 200
# On PostgreSQL, a word held by more than this share of entries (from the planner's statistics of the index) is
# common: candidates are first found by the query's other words only (see _ranked). Statistics are re-read this often.
COMMON_SHARE = 0.005
WORD_SHARES_SECONDS = 300
MAX_PRUNING_STEPS = 3
MAX_COMBINATIONS = 40
# Entries holding any of these uncommon words, or at least this many of these common words.
Candidates = tuple[list[str], dict[str, int], int]

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
    hits, matched = _ranked(words, kind=kind, limit=limit)
    unmatched = [w for w in words if w not in matched and is_latin_word(w) and len(w) >= MIN_MISSPELLED]
    corrections = _corrections(unmatched, kind=kind) if unmatched else {}
    if corrections:
        corrected: dict[str, int] = {}
        for word, weight in words.items():
            corrected.setdefault(corrections.get(word, word), weight)
        hits, _ = _ranked(corrected, kind=kind, limit=limit)
    return hits


def _ranked(words: dict[str, int], *, kind: str | None, limit: int) -> tuple[list[SearchHit], set[str]]:
    """The best entries for these words, and which of the words those entries matched.

    Exact, and fast when some words are common (a MaxScore search): entries are first looked for among those
    holding an uncommon word or at least `m` of the common ones, `m` starting at all of them; an entry outside that
    set holds at most m - 1 common words and so scores at most what they give together. When the page is full
    with scores above that, nothing outside could rank; else `m` goes down, and at the end every entry holding any
    word is ranked. Common words' long lists of entries are thus read only through their intersections."""
    split = _common_words(words)
    if split is not None:
        uncommon, common = split
        weights = sorted(common.values(), reverse=True)
        for at_least in range(len(common), max(len(common) - MAX_PRUNING_STEPS, 1), -1):
            if comb(len(common), at_least) > MAX_COMBINATIONS:
                continue
            hits, matched = _run(words, kind=kind, limit=limit, candidates=(uncommon, common, at_least))
            outside_best = sum((COVERAGE + TITLE_WORD) * weight for weight in weights[: at_least - 1])
            if len(hits) == limit and hits[-1].score > outside_best:
                return hits, matched
    return _run(words, kind=kind, limit=limit, candidates=None)


def _run(
    words: dict[str, int], *, kind: str | None, limit: int, candidates: Candidates | None
) -> tuple[list[SearchHit], set[str]]:
    sql, params = _ranking_sql(words, kind=kind, limit=limit, candidates=candidates)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    hits, matched = [], set()
    for kind_, key, title_lo, title_en, url, score, *word_scores in rows:
        hits.append(SearchHit(kind=kind_, key=key, title_lo=title_lo, title_en=title_en, url=url, score=float(score)))
        matched.update(word for word, word_score in zip(words, word_scores, strict=True) if word_score)
    return hits, matched


def _common_words(words: dict[str, int]) -> tuple[list[str], dict[str, int]] | None:
    """The query's uncommon words and its common ones with their weights; None without statistics or common words."""
    shares = _word_shares()
    common = {w: weight for w, weight in words.items() if shares.get(w, 0.0) > COMMON_SHARE}
    if not common:
        return None
    return [w for w in words if w not in common], common


_shares_cache: dict[str, object] = {"at": float("-inf"), "shares": {}}


def _word_shares() -> dict[str, float]:
    """PostgreSQL's estimate of the share of entries holding each of the most common words (ANALYZE's statistics of
    the tsvector column); empty on other databases."""
    if connection.vendor != "postgresql":
        return {}
    if time.monotonic() - float(_shares_cache["at"]) > WORD_SHARES_SECONDS:  # type: ignore[arg-type]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = %s AND attname = 'tokens_tsvector'",
                [_TABLE],
            )
            row = cursor.fetchone()
        words, shares = (row[0] or [], row[1] or []) if row else ([], [])
        _shares_cache.update(at=time.monotonic(), shares=dict(zip(words, shares, strict=False)))
    return _shares_cache["shares"]  # type: ignore[return-value]


def _may_match_start(word: str) -> bool:
    return len(word) >= MIN_WORD_START and not word.isdigit()


def _ranking_sql(
    words: dict[str, int], *, kind: str | None, limit: int, candidates: Candidates | None = None
) -> tuple[str, list[object]]:
    """The ranking query: kind, key, title_lo, title_en, url, score, then each word's own score. Entries holding
    any word are ranked, by all the words; with `candidates` (PostgreSQL only), only those holding one of its
    uncommon words or at least the given number of its common words.

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
        where_params.append(_candidates_tsquery(words, candidates))
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


def _lexeme(word: str) -> str:
    return f"'{word}':*" if _may_match_start(word) else f"'{word}'"


def _candidates_tsquery(words: dict[str, int], candidates: Candidates | None) -> str:
    if candidates is None:
        return " | ".join(_lexeme(w) for w in words)
    uncommon, common, at_least = candidates
    groups = [_lexeme(w) for w in uncommon]
    groups += ["(" + " & ".join(_lexeme(w) for w in group) + ")" for group in combinations(common, at_least)]
    return " | ".join(groups)


def _corrections(words: list[str], *, kind: str | None) -> dict[str, str]:
    """The closest Latin title word for each word that looks misspelled, when one is close enough."""
    vocabulary = sorted(
        {
            word
            for title in _titles_with_similar_words(words, kind=kind)
            for word in title.split()
            if is_latin_word(word)
        }
    )
    corrections = {}
    for word in words:
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CLOSE_ENOUGH)
        if close and close[0] != word:
            corrections[word] = close[0]
    return corrections


def _titles_with_similar_words(words: list[str], *, kind: str | None) -> list[str]:
    """Title words of the entries that may hold a word close to one of these: on PostgreSQL those the trigram
    index finds, on SQLite all of them (difflib then compares every Latin title word)."""
    if connection.vendor != "postgresql":
        entries = SearchEntry.objects.filter(kind=kind) if kind else SearchEntry.objects.all()
        return list(entries.values_list("title_tokens", flat=True))
    sql, params = _similar_titles_sql(words, kind=kind)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [title for (title,) in cursor.fetchall()]


def _similar_titles_sql(words: list[str], *, kind: str | None) -> tuple[str, list[object]]:
    """PostgreSQL: titles with a word trigram-similar to one of the words (`%>`, served by the trigram index)."""
    similar = " OR ".join(["title_tokens %%> %s"] * len(words))
    where = f"kind = %s AND ({similar})" if kind else similar
    params = [kind, *words] if kind else list(words)
    key = connection.ops.quote_name("key")
    sql = f"SELECT title_tokens FROM {_TABLE} WHERE {where} ORDER BY kind, {key} LIMIT {MAX_FUZZY_TITLES}"  # noqa: S608
    return sql, params
