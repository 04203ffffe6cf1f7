"""Look-alikes of Đ (Ð, Ɖ) are now folded to d (lib.text.D_LETTERS): recompute the keys
that held them, so that "dinh" and "Đình" find the "Ðình" already stored, and so that a
re-import of a registry does not add again the people whose import key hashes their name."""

from django.db import migrations

from nhandao.beneficiaries.identity import split_name
from nhandao.beneficiaries.importers import natural_key
from nhandao.lib.refold import refold, search_key_before
from nhandao.lib.text import search_key


def _import_row(person):
    return {
        "external_id": person.external_id,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "birth_year": person.birth_year,
        "id_number": person.id_number,
        "commune_id": person.commune_id,
    }


def refold_keys(apps, schema_editor):
    Person = apps.get_model("beneficiaries", "Person")
    village_key = {"village_key": lambda row: search_key(row.village)}
    refold(Person, village_key)
    refold(apps.get_model("beneficiaries", "Household"), village_key)
    refold(apps.get_model("beneficiaries", "Sponsor"), {"name_key": lambda row: search_key(row.name)})
    changed = refold(
        Person,
        {
            "name_key": lambda p: split_name(p.full_name).key,
            "family_name": lambda p: split_name(p.full_name).family,
            "middle_name": lambda p: split_name(p.full_name).middle,
            "given_name": lambda p: split_name(p.full_name).given,
        },
    )
    # An imported person's key hashes the folded name of the row: recompute it, unless the
    # person was edited since (then the key no longer comes from what is stored; keep it).
    rekeyed = []
    for person in changed:
        row = _import_row(person)
        was = natural_key(person.organisation_id, row, fold_name=search_key_before)
        if person.import_key.startswith("h:") and person.import_key == was:
            person.import_key = natural_key(person.organisation_id, row)
            rekeyed.append(person)
    Person.objects.bulk_update(rekeyed, ["import_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0003_merge_group_pairs")]

    operations = [migrations.RunPython(refold_keys, migrations.RunPython.noop)]
