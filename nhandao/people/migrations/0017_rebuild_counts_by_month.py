"""The members' summary (MembershipCount) per month instead of per day: rebuilt from the
membership rows (undone: rebuilt per day). A migration of its own: on PostgreSQL rows written
beside the index creation of 0016 would leave pending trigger events."""

from collections import defaultdict
from datetime import timedelta

from django.db import migrations


def _rebuild(apps, bucket):
    Membership = apps.get_model("people", "Membership")
    MembershipCount = apps.get_model("people", "MembershipCount")
    deltas = defaultdict(int)
    rows = Membership.objects.values_list("organisation_id", "started_on", "ended_on")
    for org_id, start, end in rows.iterator(chunk_size=20_000):
        deltas[(org_id, bucket(start))] += 1
        if end is not None:
            deltas[(org_id, bucket(end + timedelta(days=1)))] -= 1
    MembershipCount.objects.all().delete()
    MembershipCount.objects.bulk_create(
        [MembershipCount(organisation_id=o, day=d, delta=n) for (o, d), n in deltas.items() if n],
        batch_size=5_000,
    )


def by_month(apps, schema_editor):
    _rebuild(apps, lambda day: day.replace(day=1))


def by_day(apps, schema_editor):
    _rebuild(apps, lambda day: day)


class Migration(migrations.Migration):
    dependencies = [("people", "0016_membership_count_by_month")]
    operations = [migrations.RunPython(by_month, by_day)]
