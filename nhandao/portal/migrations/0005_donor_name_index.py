"""An index of the donor's folded name (donations.StatementLine.donor_key, issue #24): a typed
name is first looked up as the start of the sender's name, in whole words (search._where:
equal, or within [name + " ", name + " ~")). PostgreSQL compares in the "C" collation, where
that range is the names starting with those words."""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

T = "donations_statementline"
SQLITE = [f"CREATE INDEX IF NOT EXISTS portal_line_donor ON {T} (donor_key, booked_on, id)"]
POSTGRESQL = [
    f'CREATE INDEX IF NOT EXISTS portal_line_donor ON {T} ((donor_key COLLATE "C"), booked_on, id)'
]
REVERSE = ["DROP INDEX IF EXISTS portal_line_donor"]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_stored_bare_reference"),
        ("donations", "0014_statementline_donor_key"),
    ]

    operations = [
        run_sql(
            {"sqlite": SQLITE, "postgresql": POSTGRESQL},
            {"sqlite": REVERSE, "postgresql": REVERSE},
        ),
    ]
