"""Statement lines' natural keys become "YYYYMMDD" + the first 32 hex digits of the same SHA-1
(importers/checking.py): the day first keeps index inserts and lookups local. Existing keys
are rewritten the same way, so files imported before are still recognised when re-imported.
(Ledger entries keep the key they were written with in their hashed `source`.)"""

from django.db import migrations

SQL = {
    "sqlite": "UPDATE donations_statementline SET natural_key = "
    "replace(booked_on, '-', '') || substr(natural_key, 1, 32)",
    "postgresql": "UPDATE donations_statementline SET natural_key = "
    "to_char(booked_on, 'YYYYMMDD') || substr(natural_key, 1, 32)",
}


def day_first(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("donations", "0002_fewer_indexes")]

    operations = [migrations.RunPython(day_first, migrations.RunPython.noop)]
