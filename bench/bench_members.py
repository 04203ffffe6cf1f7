"""Members on a date, and a commune's fee arrears, at a size we can generate here.

    .venv/bin/python bench/bench_members.py [--people 300000] [--communes 3321]

A fresh SQLite file: 34 province chapters and `--communes` commune chapters; `--people`
individuals, each a member since a date in 2015–2026; a third transferred once to another
commune (two membership rows), a tenth ended. The summary (people.MembershipCount) is built
from the rows by `membership.rebuild_counts()` (timed), then: the whole country on a date
from the summary (target ≤ 2 s over 5 M people and 20 M events), the same count exactly from
the rows, and one commune's arrears for this year with its members' paid months (target
≤ 200 ms). Prints one JSON line at the end.
"""

import argparse
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
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        spent = time.perf_counter() - start
        best = spent if best is None else min(best, spent)
    return best, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--communes", type=int, default=3_321)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-members-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("NHANDAO_DEV", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "nhandao.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from nhandao.orgs.models import Organisation, OrgKind, OrgLevel
    from nhandao.people import membership as ms
    from nhandao.people.models import FeeSchedule, Individual, Membership

    call_command("migrate", verbosity=0)
    rng = random.Random(20)
    out = {"people": args.people, "communes": args.communes}
    start = time.perf_counter()
    with transaction.atomic():
        central = Organisation.objects.create(
            code="TW", name="Trung ương", kind=OrgKind.RED_CROSS, level=OrgLevel.CENTRAL, path=""
        )
        central.path = f"/{central.pk}/"
        central.save()
        provinces = Organisation.objects.bulk_create([
            Organisation(code=f"P{i}", name=f"Tỉnh {i}", name_key=f"tinh {i}",
                         kind=OrgKind.RED_CROSS, level=OrgLevel.PROVINCE, parent=central, path="")
            for i in range(34)
        ])  # fmt: skip
        for p in provinces:
            p.path = f"{central.path}{p.pk}/"
        Organisation.objects.bulk_update(provinces, ["path"])
        communes = Organisation.objects.bulk_create([
            Organisation(code=f"X{i}", name=f"Xã {i}", name_key=f"xa {i}", kind=OrgKind.RED_CROSS,
                         level=OrgLevel.COMMUNE, parent=provinces[i % 34], path="")
            for i in range(args.communes)
        ])  # fmt: skip
        for c in communes:
            c.path = f"{c.parent.path}{c.pk}/"
        Organisation.objects.bulk_update(communes, ["path"], batch_size=2_000)
        people = Individual.objects.bulk_create(
            [Individual(organisation=communes[i % len(communes)], full_name=f"Người {i}",
                        name_key=f"nguoi {i}") for i in range(args.people)],
            batch_size=5_000,
        )  # fmt: skip
        rows = []
        for i, person in enumerate(people):
            org = communes[i % len(communes)]
            begun = date(2015, 1, 1) + timedelta(days=rng.randrange(4_200))
            if i % 3 == 0:  # transferred once
                moved = begun + timedelta(days=rng.randrange(1, 400))
                rows.append(
                    Membership(
                        individual=person,
                        organisation=org,
                        kind="member",
                        started_on=begun,
                        started_via="join",
                        ended_on=moved - timedelta(1),
                        end_reason="transfer",
                    )
                )
                org, begun, via = communes[(i * 7) % len(communes)], moved, "transfer"
            else:
                via = "join"
            ended = begun + timedelta(days=rng.randrange(1, 900)) if i % 10 == 1 else None
            rows.append(Membership(individual=person, organisation=org, kind="member",
                                   started_on=begun, started_via=via, ended_on=ended,
                                   end_reason="left" if ended else ""))  # fmt: skip
        Membership.objects.bulk_create(rows, batch_size=5_000)
        out["membership_rows"] = len(rows)
        FeeSchedule.objects.create(
            year=2026,
            amount_per_month=1_000,
            exemption_cap_percent=10,
            shares={"commune": 80, "province": 15, "central": 5},
        )
    out["generate_s"] = round(time.perf_counter() - start, 1)

    # paid months for half of one commune's members, through the real action (ledger and all)
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("bench", password="x")
    target = communes[0]
    members = list(Membership.objects.filter(organisation=target, ended_on__isnull=True))
    for m in members[: len(members) // 2]:
        due = ms.months_due(m, 2026, date(2026, 6, 30))
        if due:
            ms.record_payment(root, m, year=2026, months=due, paid_on=date(2026, 7, 1))
    out["commune_members"] = len(members)

    spent, groups = timed(ms.rebuild_counts, repeat=1)
    out["summary_rebuild_s"], out["summary_rows"] = round(spent, 2), groups
    day = date(2025, 12, 31)
    spent, n = timed(lambda: ms.count_on(central, day))
    out["country_on_date_from_summary_s"], out["country_members"] = round(spent, 3), n
    spent, exact = timed(lambda: ms.members_on(central, day).count(), repeat=1)
    out["country_on_date_exact_rows_s"] = round(spent, 2)
    assert exact == n, (exact, n)
    spent, n = timed(lambda: ms.count_on(provinces[3], day))
    out["province_on_date_from_summary_s"] = round(spent, 3)
    spent, rows = timed(lambda: ms.arrears(target, 2026, date(2026, 11, 30)))
    out["commune_arrears_s"], out["commune_arrears_rows"] = round(spent, 3), len(rows)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
