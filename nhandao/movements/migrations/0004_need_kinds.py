"""The need kinds after a disaster, as data (issue #22 item 5)."""

from django.db import migrations

KINDS = [
    # code, name, unit, money, items (folded names of relief goods that meet it)
    ("rice", "Gạo", "kg", False, "gao"),
    ("water", "Nước uống", "lít", False, "nuoc uong,nuoc suoi,nuoc tinh khiet"),
    ("tarpaulin", "Bạt che", "tấm", False, "bat,bat che"),
    ("house_repair", "Nhà cần sửa chữa", "căn", False, ""),
    ("evacuate", "Người cần sơ tán", "người", False, ""),
    ("money", "Tiền", "đồng", True, ""),
]


def seed(apps, schema_editor):
    NeedKind = apps.get_model("movements", "NeedKind")
    for order, (code, name, unit, money, items) in enumerate(KINDS):
        NeedKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "money": money, "items": items, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("movements", "0003_incident_needs")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
