"""The blood donation indicators (issue #19): units, volume and their value by the
configurable value per unit (blood.UnitValue), on the Red Cross's form."""

from django.db import migrations

INDICATORS = [
    ("blood_units", "Số đơn vị máu tiếp nhận", "đơn vị"),
    ("blood_volume", "Thể tích máu tiếp nhận", "ml"),
    ("blood_value", "Giá trị quy đổi đơn vị máu tiếp nhận", "đồng"),
]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    ReportForm = apps.get_model("reports", "ReportForm")
    FormIndicator = apps.get_model("reports", "FormIndicator")
    for code, name, unit in INDICATORS:
        indicator, _ = Indicator.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "source": "computed"}
        )
        for form in ReportForm.objects.filter(org_kind="red_cross"):
            last = FormIndicator.objects.filter(form=form).order_by("-order").first()
            FormIndicator.objects.get_or_create(
                form=form, indicator=indicator,
                defaults={"order": (last.order + 1) if last else 0},
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_standard_forms"), ("blood", "0002_rule_tables")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
