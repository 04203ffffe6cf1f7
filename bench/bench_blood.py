"""Blood donation at national scale (issue #19): the reminder list of a drive, a province's
yearly honour list and `blood_due` for the whole country.

    .venv/bin/python bench/bench_blood.py [--donors N] [--per-donor K] [--database-url URL]

Builds a fresh SQLite database (or uses --database-url, which it fills): the real map; one
province chapter per province of the new map; N people (people.Individual) with a commune
spread over the country (Hà Nội and Hồ Chí Minh City heavier), each a donor with K
donations on average (1–2K, 12–20 weeks apart, the last in the past year), written in bulk
with the derived fields (count, last donation, likely eligible from) computed by the same
rule functions the actions use. Then, each timed as the best and median of 5 runs:

- the reminder list of a drive in Hà Nội a week from today: its count (the drive's page)
  and every row (the call list's query, materialised);
- the honour list of Hà Nội for 7/4 of this year (honours.honour_list, every candidate);
- `nhandao blood_due --on <next week>` for the whole country, its output discarded.

Targets: reminder list ≤ 1 s (1 M donors / 5 M donations), honour list ≤ 2 s,
blood_due country ≤ 30 s. Prints one JSON line; figures in docs/benchmarks.md.
"""

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return round(min(samples), 3), round(sorted(samples)[len(samples) // 2], 3)


def build(n_donors: int, per_donor: int, today: date) -> dict:
    from django.db import connection, transaction

    from nhandao.blood import rules
    from nhandao.blood.models import Donation, Donor
    from nhandao.lib.text import search_key
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.mapdata import load_admin_units, map_is_loaded
    from nhandao.orgs.models import AdminMap, AdminUnit, OrgLevel
    from nhandao.people.models import Individual

    if not map_is_loaded():
        load_admin_units()
    provinces = list(AdminUnit.objects.filter(map=AdminMap.NEW, level="province"))
    central = org_actions.create_organisation(
        None, code="B-TW", name="Trung ương Hội CTĐ", level=OrgLevel.CENTRAL, kind="red_cross"
    )
    chapters = {
        p.pk: org_actions.create_organisation(
            None,
            code=f"B-{p.code}",
            name=f"Hội CTĐ {p.name}",
            level=OrgLevel.PROVINCE,
            kind="red_cross",
            parent=central,
            admin_unit=p,
        )  # fmt: skip
        for p in provinces
    }
    communes = {}
    for pk, province_id in AdminUnit.objects.filter(map=AdminMap.NEW, level="commune").values_list(
        "pk", "province_id"
    ):
        communes.setdefault(province_id, []).append(pk)
    weights = [5 if p.code in ("1", "79") else 1 for p in provinces]
    table = rules.rule_table()
    rng = random.Random(19)
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Hà", "Hoàng Đức Long"]
    chunk = 20_000
    start_pk = (Individual.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    donations_written = 0
    for base in range(0, n_donors, chunk):
        people, donors, donations = [], [], []
        for i in range(base, min(base + chunk, n_donors)):
            province = rng.choices(provinces, weights)[0]
            name = names[i % len(names)]
            pk = start_pk + i
            people.append(Individual(
                pk=pk, code=f"CN{pk:07d}", organisation=chapters[province.pk], full_name=name,
                name_key=search_key(name), sex="male" if i % 3 else "female",
                birth_date=today - timedelta(days=365 * rng.randint(19, 59)),
                commune_id=rng.choice(communes[province.pk]), consent_contact=i % 5 != 0,
            ))  # fmt: skip
            count = rng.randint(1, 2 * per_donor - 1)
            last = today - timedelta(days=rng.randint(1, 365))
            days = [last]
            for _ in range(count - 1):
                days.append(days[-1] - timedelta(weeks=rng.randint(12, 20)))
            kind = "platelets" if i % 10 == 0 else "whole"
            donors.append(Donor(
                pk=pk, code=f"HM{pk:08d}", individual_id=pk, organisation=chapters[province.pk],
                abo="O", rh="+", weight_kg=60, donation_count=count, last_donation_on=last,
                province_id=province.pk,
                last_kind=kind, eligible_from=rules.likely_eligible_from(last, kind, None, table),
            ))  # fmt: skip
            for k, day in enumerate(days):
                donations.append(Donation(
                    donor_id=pk, organisation_id=chapters[province.pk].pk, donated_on=day,
                    kind=kind if k == 0 else "whole", volume_ml=350,
                ))  # fmt: skip
        with transaction.atomic():
            Individual.objects.bulk_create(people, batch_size=2000)
            Donor.objects.bulk_create(donors, batch_size=2000)
            Donation.objects.bulk_create(donations, batch_size=5000)
        donations_written += len(donations)
        print(f"… {base + len(people):,} donors, {donations_written:,} donations", file=sys.stderr)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    hanoi = next(p for p in provinces if p.code == "1")
    return {"hanoi": hanoi, "chapter": chapters[hanoi.pk], "donations": donations_written}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--donors", type=int, default=200_000)
    parser.add_argument("--per-donor", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_blood.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("NHANDAO_DEV", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    import django

    django.setup()
    from datetime import time as clock

    from django.core.management import call_command
    from django.utils import timezone

    from nhandao.blood import actions, due, honours

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    start = time.perf_counter()
    world = build(args.donors, args.per_donor, today)
    built = round(time.perf_counter() - start, 1)
    drive = actions.create_drive(
        None, name="Bench", organisation=world["chapter"], blood_centre="Viện HHTMTW",
        commune=world["hanoi"].__class__.objects.filter(province=world["hanoi"]).first(),
        address="—", held_on=today + timedelta(days=7), starts_at=clock(7), ends_at=clock(11),
    )  # fmt: skip
    listed = due.reminder_list(drive)
    count = listed.count()
    rows = len(list(due.reminder_list(drive).values_list("code", "individual__phone")))
    candidates = len(honours.honour_list(world["hanoi"], today.year))

    def blood_due():
        call_command("blood_due", "--on", f"{today + timedelta(days=7):%Y-%m-%d}",
                     stdout=io.StringIO())  # fmt: skip

    out = io.StringIO()
    call_command("blood_due", "--on", f"{today + timedelta(days=7):%Y-%m-%d}", stdout=out)
    due_lines = out.getvalue().count("\n")
    result = {
        "donors": args.donors,
        "donations": world["donations"],
        "build_s": built,
        "reminder_count_s": timed(lambda: due.reminder_list(drive).count()),
        "reminder_rows_s": timed(
            lambda: list(due.reminder_list(drive).values_list("code", "individual__phone"))
        ),
        "reminder_list_size": count,
        "reminder_rows": rows,
        "honour_list_s": timed(lambda: honours.honour_list(world["hanoi"], today.year)),
        "honour_candidates": candidates,
        "blood_due_country_s": timed(blood_due, repeat=3),
        "blood_due_lines": due_lines,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
