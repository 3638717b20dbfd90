"""PostgreSQL only: `search_searchword`, one row per word of an entry (the lexemes of its tokens_tsvector) with
whether the word is a title word, the entry's title length and kind, kept by triggers on search_searchentry.

Search ranks from this table alone with index-only scans of its primary key (word, entry_id, then the columns
ranking needs), and reads search_searchentry only for the page it returns: ranking over the tsvector read every
candidate's row, scattered over the table (4,000 pages for a word held by 4 % of 100,000 entries). See ADR 0008.
The full-text and trigram indexes of migration 0002 are dropped: search reads neither any more. The tsvector
column stays: its lexemes are the words of the table, as PostgreSQL's parser reads them.
SQLite has no such table and ranks with LIKE (elaos.search.selectors)."""

from django.db import migrations

# The rows of one entry: each distinct word of its tokens, a title word when it is one of title_tokens' words
# (the words `title_tokens LIKE '% word %'` finds).
ENTRY_WORDS = """
    SELECT lexeme, e.id, lexeme = ANY (string_to_array(btrim(e.title_tokens), ' ')), length(e.title_tokens), e.kind
    FROM unnest(tsvector_to_array(e.tokens_tsvector)) AS lexeme
"""

ASCII_TITLE_WORD = "in_title AND word < '{'"

CREATE = [
    "CREATE TABLE search_searchword ("
    ' word text COLLATE "C" NOT NULL,'
    " entry_id bigint NOT NULL,"
    " in_title boolean NOT NULL,"
    " title_length integer NOT NULL,"
    " kind varchar(40) NOT NULL,"
    " CONSTRAINT search_word_pkey PRIMARY KEY (word, entry_id) INCLUDE (in_title, title_length, kind)"
    ")",
    "CREATE INDEX search_word_entry ON search_searchword (entry_id)",
    # The distinct ASCII title words (Latin words sort before '{', Lao ones after), the vocabulary misspelled
    # Latin words are compared with: read by skipping from one word to the next, site-wide or of one kind.
    f"CREATE INDEX search_word_ascii_title ON search_searchword (word) WHERE {ASCII_TITLE_WORD}",
    f"CREATE INDEX search_word_ascii_title_kind ON search_searchword (kind, word) WHERE {ASCII_TITLE_WORD}",
    f"INSERT INTO search_searchword (word, entry_id, in_title, title_length, kind) "
    f"SELECT w.* FROM search_searchentry AS e CROSS JOIN LATERAL ({ENTRY_WORDS}) AS w",
    f"""
    CREATE FUNCTION search_entry_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM search_searchword WHERE entry_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO search_searchword (word, entry_id, in_title, title_length, kind)
            SELECT w.* FROM (SELECT NEW.*) AS e CROSS JOIN LATERAL ({ENTRY_WORDS}) AS w;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION search_entry_words_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_searchword;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER search_entry_words AFTER INSERT OR DELETE OR UPDATE OF kind, title_tokens, tokens"
    " ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_words()",
    "CREATE TRIGGER search_entry_words_truncate AFTER TRUNCATE ON search_searchentry"
    " FOR EACH STATEMENT EXECUTE FUNCTION search_entry_words_truncate()",
    # Search no longer reads these two (the word table replaces them); writes no longer keep them.
    "DROP INDEX search_entry_tokens_fts",
    "DROP INDEX search_entry_title_trgm",
    "ANALYZE search_searchword",
]
DROP = [
    "CREATE INDEX IF NOT EXISTS search_entry_tokens_fts ON search_searchentry USING gin (tokens_tsvector)",
    "CREATE INDEX IF NOT EXISTS search_entry_title_trgm ON search_searchentry USING gin (title_tokens gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS search_entry_words_truncate ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_entry_words ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_words_truncate()",
    "DROP FUNCTION IF EXISTS search_entry_words()",
    "DROP TABLE IF EXISTS search_searchword",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_postgresql_indexes"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP), elidable=False),
    ]
