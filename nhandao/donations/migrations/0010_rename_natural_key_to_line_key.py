# StatementLine.natural_key → line_key: a field named `natural_key` hides the method Django's
# serialisers call, so `dumpdata --natural-foreign` crashed.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0009_signing_key_rotation"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="statementline", name="unique_line_key"),
        migrations.RenameField(
            model_name="statementline", old_name="natural_key", new_name="line_key"
        ),
        migrations.AddConstraint(
            model_name="statementline",
            constraint=models.UniqueConstraint(
                fields=("bank_account", "line_key"), name="unique_line_key"
            ),
        ),
    ]
