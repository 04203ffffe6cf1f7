"""PostgreSQL: the trigram index of the reference holds its letters and digits only.
pg_trgm cuts words at punctuation, so the fragment "70.353" was searched by the single
trigram "353" (1 search in 200 hit the time budget in bench/bench_portal_search.py); without
the dot it has three. (Migration 0004 stores this expression in a column instead.)"""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

T = "donations_statementline"
BARE = f"""CREATE INDEX IF NOT EXISTS portal_line_ref_bare_trgm ON {T}
    USING gin ((regexp_replace(reference, '[^0-9A-Za-z]+', '', 'g')) gin_trgm_ops)"""
PLAIN = f"CREATE INDEX IF NOT EXISTS portal_line_ref_trgm ON {T} USING gin (reference gin_trgm_ops)"
DROP_PLAIN = "DROP INDEX IF EXISTS portal_line_ref_trgm"


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_no_message_trigrams")]

    operations = [
        run_sql(
            {"postgresql": [BARE, DROP_PLAIN]},
            {"postgresql": [PLAIN, "DROP INDEX IF EXISTS portal_line_ref_bare_trgm"]},
        ),
    ]
