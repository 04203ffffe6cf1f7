"""Look-alikes of Đ (Ð, Ɖ) are now folded to d (lib.text.D_LETTERS): recompute the keys
that held them, so that "dinh" and "Đình" find the "Ðình" already stored."""

from django.db import migrations

from nhandao.lib.refold import refold
from nhandao.lib.text import search_key


def refold_keys(apps, schema_editor):
    name_key = {"name_key": lambda row: search_key(row.name)}
    refold(apps.get_model("relief", "Incident"), name_key)
    refold(apps.get_model("relief", "Item"), name_key, unique_with=("unit",))


class Migration(migrations.Migration):
    dependencies = [("relief", "0004_line_imports")]

    operations = [migrations.RunPython(refold_keys, migrations.RunPython.noop)]
