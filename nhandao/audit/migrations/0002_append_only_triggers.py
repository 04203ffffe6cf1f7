"""The database itself refuses UPDATE and DELETE on audit events (SQLite and PostgreSQL)."""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

TABLE = "audit_auditevent"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
                  f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]  # fmt: skip

POSTGRES = [
    """CREATE OR REPLACE FUNCTION nhandao_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION nhandao_append_only();""",
]
POSTGRES_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};"]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        run_sql(
            {"sqlite": SQLITE, "postgresql": POSTGRES},
            {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE},
        )
    ]
