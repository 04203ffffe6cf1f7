"""Look-alikes of Đ (Ð, Ɖ) are now folded to d (lib.text.D_LETTERS): recompute the keys
that held them, so that "dinh" and "Đình" find the "Ðình" already stored, and so that a
re-import of a statement does not add again the lines whose natural key hashes the message."""

from django.db import migrations

from nhandao.donations.importers.checking import stored_natural_keys
from nhandao.donations.models import identity_key
from nhandao.lib.refold import refold
from nhandao.lib.text import search_key


def refold_keys(apps, schema_editor):
    Donor = apps.get_model("donations", "Donor")
    refold(Donor, {"name_key": lambda row: search_key(row.name)})
    refold(
        Donor,
        {"identity_key": lambda d: identity_key(d.name, d.account_no, d.phone, d.code)},
        unique_with=("organisation_id",),
    )
    Line = apps.get_model("donations", "StatementLine")
    changed = refold(Line, {"description_key": lambda row: search_key(row.description)})
    # A line without a reference is keyed by its day, direction, amount and folded message,
    # numbered among the lines with the same key: renumber every such group that changed.
    groups = {
        (line.bank_account_id, line.booked_on, line.direction, line.amount)
        for line in changed
        if not line.reference
    }
    for account_id, day, direction, amount in groups:
        lines = list(
            Line.objects.filter(
                bank_account_id=account_id,
                booked_on=day,
                direction=direction,
                amount=amount,
                reference="",
            )
            .select_related("bank_account")
            .order_by("pk")
        )
        keys = stored_natural_keys(lines, lines[0].bank_account.number)
        # "natural_key" at this point of history; "line_key" since 0007 (tests call this
        # function with today's models)
        field = "natural_key" if hasattr(Line, "natural_key") else "line_key"
        moved = [(line, key) for line, key in zip(lines, keys, strict=True) if getattr(line, field) != key]
        # Two passes: a line may take the key another line of the group is leaving.
        for line, _ in moved:
            setattr(line, field, f"~{line.pk}")
        Line.objects.bulk_update([line for line, _ in moved], [field])
        for line, key in moved:
            setattr(line, field, key)
        Line.objects.bulk_update([line for line, _ in moved], [field])

class Migration(migrations.Migration):
    dependencies = [("donations", "0003_natural_key_day_first")]

    operations = [migrations.RunPython(refold_keys, migrations.RunPython.noop)]
