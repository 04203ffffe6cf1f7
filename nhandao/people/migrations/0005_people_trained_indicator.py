"""The "people trained" indicator (issue #20), computed from the training courses
(reports/indicators.py `people_trained`), on the Red Cross's standard report form after the
members' ones. In people, not reports: reports takes no new migrations in this wave."""

from django.db import migrations


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    ReportForm = apps.get_model("reports", "ReportForm")
    FormIndicator = apps.get_model("reports", "FormIndicator")
    indicator, _ = Indicator.objects.update_or_create(
        code="people_trained",
        defaults={"name": "Số người được tập huấn đạt yêu cầu", "unit": "người",
                  "source": "computed", "expression": "", "required": False},
    )  # fmt: skip
    form = ReportForm.objects.filter(code="hctd-so-ket").first()
    if form is not None:
        FormIndicator.objects.get_or_create(form=form, indicator=indicator,
                                            defaults={"order": 107})  # fmt: skip


def backwards(apps, schema_editor):
    # the form's row first: FormIndicator protects its indicator
    apps.get_model("reports", "FormIndicator").objects.filter(indicator__code="people_trained").delete()
    apps.get_model("reports", "Indicator").objects.filter(code="people_trained").delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0004_training_courses"), ("reports", "0004_member_indicators")]
    operations = [migrations.RunPython(forwards, backwards)]
