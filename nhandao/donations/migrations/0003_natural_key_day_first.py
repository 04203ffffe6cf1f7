"""Statement lines' natural keys become "YYYYMMDD" + the first 32 hex digits of the same SHA-1
(importers/checking.py): the day first keeps index inserts and lookups local. Existing keys
are rewritten the same way, so files imported before are still recognised when re-imported.
(Ledger entries keep the key they were written with in their hashed `source`.)"""

from django.db import migrations

from nhandao.lib.migration_sql import run_sql

SQL = {
    "sqlite": [
        "UPDATE donations_statementline SET natural_key = "
        "replace(booked_on, '-', '') || substr(natural_key, 1, 32)"
    ],
    "postgresql": [
        "UPDATE donations_statementline SET natural_key = "
        "to_char(booked_on, 'YYYYMMDD') || substr(natural_key, 1, 32)"
    ],
}


class Migration(migrations.Migration):
    dependencies = [("donations", "0002_fewer_indexes")]

    operations = [run_sql(SQL)]
