"""The default family band (a separate migration: on PostgreSQL, rows written in the
migration that creates the tables' indexes leave pending trigger events that block them)."""

from datetime import date

from django.db import migrations

# The family band DOMAIN.md names (a family's 15th donation: a gold glass cup from the
# province), the default everywhere until a province sets its own family bands.
FAMILY_BANDS = [(15, "Cúp thủy tinh vàng", "Ban Chỉ đạo vận động hiến máu tình nguyện cấp tỉnh")]


def family_defaults(apps, schema_editor):
    HonourThreshold = apps.get_model("blood", "HonourThreshold")
    for count, award, awarded_by in FAMILY_BANDS:
        HonourThreshold.objects.get_or_create(
            province=None, for_family=True, donations=count, valid_from=date(2017, 1, 1),
            defaults={"award": award, "awarded_by": awarded_by},
        )  # fmt: skip


def no_family_defaults(apps, schema_editor):
    # plain SQL: the ORM's delete checks related rows across historical model states and
    # refuses (the family bands are only held by family honours, dropped just after)
    honours = apps.get_model("blood", "FamilyHonour")._meta.db_table
    bands = apps.get_model("blood", "HonourThreshold")._meta.db_table
    schema_editor.execute(f"DELETE FROM {honours}")
    schema_editor.execute(f"DELETE FROM {bands} WHERE for_family")


class Migration(migrations.Migration):
    dependencies = [("blood", "0007_family_and_area_honours")]
    operations = [migrations.RunPython(family_defaults, no_family_defaults)]
