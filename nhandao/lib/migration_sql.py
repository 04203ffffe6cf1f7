"""Raw SQL steps for migrations, per database (triggers, full-text tables, indexes that
Django's schema operations cannot express)."""

from django.db import migrations


def run_sql(forwards: dict[str, list[str]], backwards: dict[str, list[str]] | None = None):
    """A migration step running SQL that differs by database, e.g.
    `run_sql({"postgresql": [create]}, {"postgresql": [drop]})`. A database not named runs
    nothing (the portal's PostgreSQL indexes have no SQLite counterpart); without
    `backwards`, undoing the step does nothing."""

    def step(statements: dict[str, list[str]]):
        def run(apps, schema_editor):
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql, None)

        return run

    return migrations.RunPython(step(forwards), step(backwards or {}))
