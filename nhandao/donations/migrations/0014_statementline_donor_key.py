"""The donor's name of a statement line, folded (issue #24): the public search looks a typed
name up there first. Lines already stored get it from their donor_name."""

from django.db import migrations, models

from nhandao.lib.text import search_key


def fill(apps, schema_editor):
    Line = apps.get_model("donations", "StatementLine")
    batch = []
    for pk, name in Line.objects.exclude(donor_name="").values_list("pk", "donor_name").iterator():
        batch.append(Line(pk=pk, donor_key=search_key(name)[:200]))
        if len(batch) == 5000:
            Line.objects.bulk_update(batch, ["donor_key"])
            batch = []
    Line.objects.bulk_update(batch, ["donor_key"])


class Migration(migrations.Migration):
    dependencies = [("donations", "0013_review_lines")]

    operations = [
        migrations.AddField(
            model_name="statementline",
            name="donor_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
