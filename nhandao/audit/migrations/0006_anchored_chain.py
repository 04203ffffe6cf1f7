"""The chain anchored outside the database (docs/decisions/0011-anchored-chain.md):

- ledger entries get a hash rule per entry and a memo salt. Existing entries keep rule 1
  (their stored hashes still verify); new ones are written with rule 2 (memo committed).
  Columns are added with ALTER TABLE, not Django's SQLite table rebuild, which would drop
  the append-only triggers.
- audit events are chained: each existing event, in id order, gets its seq, prev_hash and
  hash (the triggers are set aside for this one pass, then put back).
- checkpoints, their heads and signatures: append-only tables, triggers like the ledger's.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from nhandao.lib.migration_sql import run_sql

EVENTS = "audit_auditevent"
ENTRIES = "audit_ledgerentry"
CHECKPOINT_TABLES = ["audit_checkpoint", "audit_checkpointhead", "audit_checkpointsignature"]


def sqlite_triggers(table, what):
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;""",
    ]


def postgres_trigger(table):
    return [
        """CREATE OR REPLACE FUNCTION nhandao_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION nhandao_append_only();""",
    ]


def chain_existing_events(apps, schema_editor):
    from nhandao.audit.models import GENESIS, event_hash, event_values

    AuditEvent = apps.get_model("audit", "AuditEvent")
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_update")
        else:
            cursor.execute(f"ALTER TABLE {EVENTS} DISABLE TRIGGER USER")
        prev = GENESIS
        for seq, event in enumerate(AuditEvent.objects.order_by("pk").iterator(2000), start=1):
            event.seq, event.prev_hash = seq, prev
            prev = event_hash(event_values(event))
            cursor.execute(
                f"UPDATE {EVENTS} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [seq, event.prev_hash, prev, event.pk],
            )
        if vendor == "sqlite":
            cursor.execute(sqlite_triggers(EVENTS, "audit events")[0])
        else:
            cursor.execute(f"ALTER TABLE {EVENTS} ENABLE TRIGGER USER")


added_columns = {
    vendor: [
        f"ALTER TABLE {ENTRIES} ADD COLUMN hash_rule smallint NOT NULL DEFAULT 1",
        f"ALTER TABLE {ENTRIES} ADD COLUMN memo_salt varchar(32) NOT NULL DEFAULT ''",
        f"ALTER TABLE {EVENTS} ADD COLUMN seq bigint NULL",
        f"ALTER TABLE {EVENTS} ADD COLUMN prev_hash varchar(64) NOT NULL DEFAULT ''",
        f"ALTER TABLE {EVENTS} ADD COLUMN hash varchar(64) NOT NULL DEFAULT ''",
        f"CREATE UNIQUE INDEX {EVENTS}_seq_uniq ON {EVENTS} (seq)",
    ]
    for vendor in ("sqlite", "postgresql")
}


# Undoing the step (SQLite ≥ 3.35 and PostgreSQL drop columns in place, triggers kept).
dropped_columns = {
    vendor: [
        f"DROP INDEX {EVENTS}_seq_uniq",
        *[f"ALTER TABLE {EVENTS} DROP COLUMN {c}" for c in ("seq", "prev_hash", "hash")],
        *[f"ALTER TABLE {ENTRIES} DROP COLUMN {c}" for c in ("hash_rule", "memo_salt")],
    ]
    for vendor in ("sqlite", "postgresql")
}


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_ledger_moves_index"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="ledgerentry",
                    name="hash_rule",
                    field=models.PositiveSmallIntegerField(default=2),
                ),
                migrations.AddField(
                    model_name="ledgerentry",
                    name="memo_salt",
                    field=models.CharField(blank=True, default="", max_length=32),
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="seq",
                    field=models.PositiveBigIntegerField(
                        editable=False, null=True, unique=True, verbose_name="số thứ tự"
                    ),
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="prev_hash",
                    field=models.CharField(blank=True, default="", editable=False, max_length=64),
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="hash",
                    field=models.CharField(blank=True, default="", editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="at",
                    field=models.DateTimeField(
                        db_index=True,
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="thời điểm",
                    ),
                ),
            ],
            database_operations=[run_sql(added_columns, dropped_columns)],
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True, verbose_name="số")),
                ("taken_at", models.DateTimeField(verbose_name="lúc")),
                ("reason", models.CharField(choices=[("import", "Sau khi nhập sao kê"), ("daily", "Hằng ngày"), ("manual", "Theo yêu cầu")], max_length=10, verbose_name="lý do")),
                ("audit_seq", models.PositiveBigIntegerField(default=0)),
                ("audit_hash", models.CharField(max_length=64)),
                ("heads_digest", models.CharField(max_length=64)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "điểm mốc", "verbose_name_plural": "điểm mốc", "ordering": ["number"]},
        ),
        migrations.CreateModel(
            name="CheckpointHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("account", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="checkpoint_heads", to="audit.ledgeraccount")),
                ("checkpoint", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="heads", to="audit.checkpoint")),
            ],
            options={"indexes": [models.Index(fields=["account", "seq"], name="audit_check_account_15b980_idx")]},
        ),
        migrations.CreateModel(
            name="CheckpointSignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_id", models.CharField(max_length=16)),
                ("public_key", models.CharField(max_length=64)),
                ("value", models.CharField(max_length=120)),
                ("checkpoint", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="signatures", to="audit.checkpoint")),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.organisation")),
            ],
        ),
        run_sql(
            {
                "sqlite": [sql for t in CHECKPOINT_TABLES for sql in sqlite_triggers(t, "checkpoints")],
                "postgresql": [sql for t in CHECKPOINT_TABLES for sql in postgres_trigger(t)],
            },
            {
                "sqlite": [f"DROP TRIGGER IF EXISTS {t}_no_{w};" for t in CHECKPOINT_TABLES for w in ("update", "delete")],
                "postgresql": [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in CHECKPOINT_TABLES],
            },
        ),
    ]
