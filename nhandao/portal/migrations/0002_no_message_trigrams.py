"""PostgreSQL: drop the trigram index of the folded message. Keeping it up to date cost about
9 s of every 200,000 imported lines (bench/bench_statement_import.py), and the words index
(to_tsvector, with prefixes for the last word) answers the same searches; reference fragments
keep their trigram index."""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

T = "donations_statementline"
DROP = "DROP INDEX IF EXISTS portal_line_desc_trgm"


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_search_indexes"), ("donations", "0002_fewer_indexes")]

    operations = [
        run_sql(
            {"postgresql": [DROP]},
            {
                "postgresql": [
                    f"CREATE INDEX IF NOT EXISTS portal_line_desc_trgm ON {T} "
                    "USING gin (description_key gin_trgm_ops)"
                ]
            },
        ),
    ]
