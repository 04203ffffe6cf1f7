"""Look-alikes of Đ (Ð, Ɖ) are now folded to d (lib.text.D_LETTERS): recompute the keys
that held them, so that "dinh" and "Đình" find the "Ðình" already stored."""

from django.db import migrations

from nhandao.lib.refold import refold
from nhandao.lib.text import search_key


def refold_keys(apps, schema_editor):
    for name in ("AdminUnit", "Organisation"):
        refold(apps.get_model("orgs", name), {"name_key": lambda row: search_key(row.name)})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(refold_keys, migrations.RunPython.noop)]
