"""Personal values kept out of the audit chain (docs/decisions/0025-personal-data.md):

- audit events get a hash rule: existing events keep rule 1 (their stored hashes verify as
  before), new ones are written with rule 2 (personal values committed). The column is added
  with ALTER TABLE, not Django's SQLite table rebuild, which would drop the append-only
  triggers.
- AuditPersonalValue, the values and their salts beside the chain: an ordinary table,
  deletable (an erasure deletes its rows), so no append-only trigger.
"""

import django.db.models.deletion
from django.db import migrations, models

from nhandao.lib.migration_sql import run_sql

EVENTS = "audit_auditevent"

added = {
    vendor: [f"ALTER TABLE {EVENTS} ADD COLUMN hash_rule smallint NOT NULL DEFAULT 1"]
    for vendor in ("sqlite", "postgresql")
}
dropped = {
    vendor: [f"ALTER TABLE {EVENTS} DROP COLUMN hash_rule"] for vendor in ("sqlite", "postgresql")
}


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_anchored_chain")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="hash_rule",
                    field=models.PositiveSmallIntegerField(default=2, editable=False),
                ),
            ],
            database_operations=[run_sql(added, dropped)],
        ),
        migrations.CreateModel(
            name="AuditPersonalValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),  # noqa: E501
                ("key", models.CharField(max_length=120)),
                ("salt", models.CharField(max_length=32)),
                ("value", models.JSONField(null=True)),
                ("subject_type", models.CharField(max_length=80)),
                ("subject_id", models.CharField(max_length=64)),
                ("event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="personal_values", to="audit.auditevent")),  # noqa: E501
            ],
            options={
                "verbose_name": "giá trị cá nhân trong nhật ký",
                "verbose_name_plural": "giá trị cá nhân trong nhật ký",
                "constraints": [
                    models.UniqueConstraint(fields=("event", "key"), name="unique_audit_personal_value")  # noqa: E501
                ],
                "indexes": [
                    models.Index(fields=["subject_type", "subject_id"], name="audit_value_subject")
                ],
            },
        ),
    ]
