"""Search indexes over the statement lines (a table of the donations app), kept here so that
the public search owns its indexes.

- both vendors: keyset indexes (date, id), (amount, date, id), (campaign, date, id);
- SQLite: two FTS5 external-content tables kept in sync by triggers: words of the folded
  message (`portal_line_fts`, unicode61) and trigrams of the bank reference
  (`portal_ref_fts`, for fragments);
- PostgreSQL: pg_trgm GIN indexes on the folded message and on the reference, and a GIN
  index of the message's words (to_tsvector('simple', …)) for names made of common words.
"""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

T = "donations_statementline"

COMMON = [
    f"CREATE INDEX IF NOT EXISTS portal_line_date ON {T} (booked_on, id)",
    f"CREATE INDEX IF NOT EXISTS portal_line_amount ON {T} (amount, booked_on, id)",
    f"CREATE INDEX IF NOT EXISTS portal_line_campaign_date ON {T} (campaign_id, booked_on, id)",
]
COMMON_REVERSE = [
    "DROP INDEX IF EXISTS portal_line_date",
    "DROP INDEX IF EXISTS portal_line_amount",
    "DROP INDEX IF EXISTS portal_line_campaign_date",
]

SQLITE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS portal_line_fts USING fts5(
        description_key, content='{T}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail='none')""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS portal_ref_fts USING fts5(
        reference, content='{T}', content_rowid='id', tokenize='trigram', detail='none')""",
    f"""CREATE TRIGGER IF NOT EXISTS portal_line_ai AFTER INSERT ON {T} BEGIN
        INSERT INTO portal_line_fts(rowid, description_key) VALUES (new.id, new.description_key);
        INSERT INTO portal_ref_fts(rowid, reference) VALUES (new.id, new.reference);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS portal_line_ad AFTER DELETE ON {T} BEGIN
        INSERT INTO portal_line_fts(portal_line_fts, rowid, description_key)
            VALUES ('delete', old.id, old.description_key);
        INSERT INTO portal_ref_fts(portal_ref_fts, rowid, reference)
            VALUES ('delete', old.id, old.reference);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS portal_line_au AFTER UPDATE OF description_key, reference
        ON {T} BEGIN
        INSERT INTO portal_line_fts(portal_line_fts, rowid, description_key)
            VALUES ('delete', old.id, old.description_key);
        INSERT INTO portal_ref_fts(portal_ref_fts, rowid, reference)
            VALUES ('delete', old.id, old.reference);
        INSERT INTO portal_line_fts(rowid, description_key) VALUES (new.id, new.description_key);
        INSERT INTO portal_ref_fts(rowid, reference) VALUES (new.id, new.reference);
    END""",
    # Lines that existed before this migration.
    "INSERT INTO portal_line_fts(portal_line_fts) VALUES ('rebuild')",
    "INSERT INTO portal_ref_fts(portal_ref_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS portal_line_ai",
    "DROP TRIGGER IF EXISTS portal_line_ad",
    "DROP TRIGGER IF EXISTS portal_line_au",
    "DROP TABLE IF EXISTS portal_line_fts",
    "DROP TABLE IF EXISTS portal_ref_fts",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""CREATE INDEX IF NOT EXISTS portal_line_desc_trgm ON {T}
        USING gin (description_key gin_trgm_ops)""",
    f"CREATE INDEX IF NOT EXISTS portal_line_ref_trgm ON {T} USING gin (reference gin_trgm_ops)",
    # whole words (a rare name made of common words: trigrams of "nguyen", "van" are slow)
    f"""CREATE INDEX IF NOT EXISTS portal_line_desc_words ON {T}
        USING gin (to_tsvector('simple', description_key))""",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS portal_line_desc_trgm",
    "DROP INDEX IF EXISTS portal_line_ref_trgm",
    "DROP INDEX IF EXISTS portal_line_desc_words",
]


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]

    operations = [
        run_sql(
            {"sqlite": COMMON + SQLITE, "postgresql": COMMON + POSTGRESQL},
            {"sqlite": SQLITE_REVERSE + COMMON_REVERSE,
             "postgresql": POSTGRESQL_REVERSE + COMMON_REVERSE},
        ),
    ]
