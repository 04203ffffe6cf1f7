"""The members' and volunteers' indicators (issue #20), computed from people's records, on
the Red Cross's standard report form."""

from django.db import migrations

INDICATORS = [
    # code, name, unit
    ("members_end", "Số hội viên cuối kỳ", "người"),
    ("members_new", "Số hội viên kết nạp mới trong kỳ", "người"),
    ("members_left", "Số hội viên thôi sinh hoạt trong kỳ", "người"),
    ("youth_members", "Số hội viên thanh thiếu niên cuối kỳ", "người"),
    ("volunteers", "Số tình nguyện viên", "người"),
    ("active_volunteers", "Số tình nguyện viên có tham gia ca trực trong kỳ", "người"),
    ("volunteer_hours", "Số giờ tình nguyện (theo ca có mặt)", "giờ"),
]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    ReportForm = apps.get_model("reports", "ReportForm")
    FormIndicator = apps.get_model("reports", "FormIndicator")
    form = ReportForm.objects.filter(code="hctd-so-ket").first()
    start = 100
    for order, (code, name, unit) in enumerate(INDICATORS):
        indicator, _ = Indicator.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "source": "computed",
                                 "expression": "", "required": False},
        )  # fmt: skip
        if form is not None:
            FormIndicator.objects.get_or_create(form=form, indicator=indicator,
                                                defaults={"order": start + order})  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_blood_indicators"), ("people", "0003_volunteers_shifts")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
