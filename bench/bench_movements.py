"""Movements at national scale (issue #22): launching a year's parts for 34 province
chapters and 3,321 commune chapters, and a province's target-vs-result page.

    .venv/bin/python bench/bench_movements.py [--repeat N]

Builds a fresh SQLite database in a temp directory: the real map, a central chapter, one
chapter per province (34) and per commune (3,321) of the new map (the communes inserted in
bulk, as a load would), a yearly movement with default targets per level, its national
campaign launched, and donations and received gift lines in Hà Nội's communes so that the
results have something to sum. Then times, through the real code:
- the launch of every level at once: `actions.launch_parts(depth="all")` and the task that
  runs it, through the queue (`db_worker --batch`), as production runs it — target ≤ 30 s;
- a fair's redemption with 5,000 vouchers: `POST /api/movements/fairs/<id>/redeem` as a
  stall's phone sends it (the voucher's line confirmed through relief: overlap check,
  ledger) — target ≤ 200 ms per scan;
- Hà Nội's target-vs-result page (`/phong-trao/chien-dich/<id>/`, 126 commune parts, with
  the Tết rule's coverage), through Django's test client: server time, p50/p95 over
  `--repeat` after a warm-up — target ≤ 300 ms.
Prints one JSON line. No timed assertion anywhere in the tests (figures in
docs/benchmarks.md).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "bench_movements.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = {"backend": "sqlite"}
    start = time.perf_counter()
    world = build()
    figures["build_s"] = round(time.perf_counter() - start, 1)
    measure(world, figures, args.repeat)
    print(json.dumps(figures, ensure_ascii=False))


def build() -> dict:
    from datetime import date

    from django.contrib.auth import get_user_model

    from nhandao.movements import actions
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.mapdata import load_admin_units
    from nhandao.orgs.models import AdminUnit, Organisation, OrgKind, OrgLevel, RoleKind

    load_admin_units()
    User = get_user_model()
    root = User.objects.create_superuser("root", password="bench-Password-1")
    central_user = User.objects.create_user("tw", password="bench-Password-1")
    hanoi_user = User.objects.create_user("hn", password="bench-Password-1")

    def org(parent, code, name, level, unit=None):
        return org_actions.create_organisation(
            root, parent=parent, code=code, name=name, kind=OrgKind.RED_CROSS, level=level,
            admin_unit=unit, partner_type="",
        )  # fmt: skip

    central = org(None, "CTD-TW", "Trung ương Hội", OrgLevel.CENTRAL)
    org_actions.grant_role(root, central_user, central, RoleKind.MANAGER)
    provinces = {
        u.pk: org(central, f"CTD-{u.code}", f"Hội CTĐ {u.name}", OrgLevel.PROVINCE, u)
        for u in AdminUnit.objects.filter(map="2025-07", level="province").order_by("code")
    }
    communes = [
        Organisation(
            parent=provinces[u.province_id],
            code=f"CTD-X{u.code}",
            name=f"Hội CTĐ {u.name}",
            name_key=u.name_key,
            kind=OrgKind.RED_CROSS,
            level=OrgLevel.COMMUNE,
            admin_unit=u,
            path="",
        )  # fmt: skip
        for u in AdminUnit.objects.filter(map="2025-07", level="commune").order_by("code")
    ]
    Organisation.objects.bulk_create(communes, batch_size=500)
    for c in communes:
        c.path = f"{c.parent.path}{c.pk}/"
    Organisation.objects.bulk_update(communes, ["path"], batch_size=500)
    hanoi = next(p for p in provinces.values() if p.admin_unit.code == "1")
    org_actions.grant_role(root, hanoi_user, hanoi, RoleKind.OFFICER)
    movement = actions.create_movement(
        root, organisation=central, code="TNA", name="Tết Nhân ái", kind="tet",
        start_month=12, start_day=15, end_month=2, end_day=15,
        defaults={("commune", "gifts"): 500, ("commune", "households"): 400,
                  ("province", "gifts"): 60_000},
    )  # fmt: skip
    edition = actions.launch_edition(
        central_user, movement, year=2026, launch_date=date(2026, 12, 15),
        targets={"money": 1_000_000_000_000, "gifts": 2_000_000, "households": 1_800_000},
    )  # fmt: skip
    return {"edition": edition, "central_user": central_user, "hanoi_user": hanoi_user,
            "hanoi": hanoi, "n_provinces": len(provinces), "n_communes": len(communes)}  # fmt: skip


def seed_results(world):
    """Donations and received gift lines in Hà Nội's communes (after the launch: the parts
    they are recorded against exist then)."""
    from datetime import date

    from nhandao.beneficiaries import actions as registry
    from nhandao.campaigns.models import Campaign
    from nhandao.donations import actions as donations
    from nhandao.relief import actions as relief

    root = world["central_user"].__class__.objects.get(username="root")
    parts = Campaign.objects.filter(parent__organisation=world["hanoi"]).select_related(
        "organisation__admin_unit"
    )[:20]
    day = date(2026, 12, 20)
    for n, part in enumerate(parts):
        org = part.organisation
        donations.record_donation(
            None, organisation=org, campaign=part, channel="transfer", received_on=day,
            amount=5_000_000 + n * 100_000, donor_name="Nhà hảo tâm",
        )  # fmt: skip
        homes = []
        for i in range(5):
            hh = registry.create_household(root, organisation=org, commune=org.admin_unit)
            registry.create_person(
                root, organisation=org, household=hh, relationship="head",
                full_name=f"Nguyễn Văn {n} {i}", commune=org.admin_unit,
            )  # fmt: skip
            registry.set_poverty(root, hh, year=2026, status="poor")
            homes.append(hh)
        rnd = relief.create_round(root, organisation=org, campaign=part, kind="gift",
                                  name="Quà Tết", date=day)  # fmt: skip
        relief.add_lines(root, rnd, [(f"Dòng {i}", h, None, 300_000, None)
                                     for i, h in enumerate(homes)])  # fmt: skip
        relief.set_round_status(root, rnd, "open")
        for line in list(rnd.lines.all())[:3]:
            relief.confirm_line(root, line, method="signature")


def measure(world, figures, repeat):
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from nhandao.campaigns.models import Campaign
    from nhandao.movements import actions

    figures["provinces"], figures["communes"] = world["n_provinces"], world["n_communes"]
    national = world["edition"].campaign
    start = time.perf_counter()
    with transaction.atomic():
        launch = actions.launch_parts(world["central_user"], national, depth="all")
    queued = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    done = time.perf_counter()
    launch.refresh_from_db()
    figures["launch"] = {
        "status": launch.status,
        "parts": launch.done,
        "queue_s": round(queued - start, 2),
        "task_s": round(done - queued, 2),
        "total_s": round(done - start, 2),
        "target_s": 30,
    }
    print(json.dumps(figures["launch"]), file=sys.stderr)
    seed_results(world)
    hanoi_part = Campaign.objects.get(parent=national, organisation=world["hanoi"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(world["hanoi_user"])
    url = f"/phong-trao/chien-dich/{hanoi_part.pk}/"
    assert client.get(url).status_code == 200  # warm-up
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        answer = client.get(url)
        samples.append(time.perf_counter() - t)
        assert answer.status_code == 200
    samples.sort()
    figures["province_page"] = {
        "parts": hanoi_part.parts.count(),
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(samples[max(int(len(samples) * 0.95) - 1, 0)] * 1000, 1),
        "target_ms": 300,
    }
    print(json.dumps(figures["province_page"]), file=sys.stderr)
    measure_redemption(world, figures, client, repeat)


def measure_redemption(world, figures, client, scans, n_vouchers=5000):
    """A fair in one Hà Nội commune with 5,000 vouchers (households and their poverty rows
    inserted in bulk), then `scans` redemptions through the API, as a stall's phone sends
    them: server time per scan."""
    from datetime import date

    from nhandao.beneficiaries.models import Household, HouseholdPoverty
    from nhandao.campaigns.models import Campaign
    from nhandao.donations import actions as donations
    from nhandao.movements import fairs

    part = (
        Campaign.objects.filter(parent__organisation=world["hanoi"])
        .select_related("organisation__admin_unit")
        .order_by("-pk")
        .first()
    )
    org, day = part.organisation, date(2026, 12, 20)
    donations.record_donation(
        None, organisation=org, campaign=part, channel="transfer", received_on=day,
        amount=500_000 * n_vouchers, donor_name="Nhà tài trợ hội chợ",
    )  # fmt: skip
    homes = Household.objects.bulk_create(
        [Household(organisation=org, commune=org.admin_unit) for _ in range(n_vouchers)],
        batch_size=1000,
    )
    HouseholdPoverty.objects.bulk_create(
        [HouseholdPoverty(household=h, year=2026, status="poor") for h in homes], batch_size=1000
    )
    root = world["central_user"].__class__.objects.get(username="root")
    fair = fairs.create_fair(
        root, campaign=part, organisation=org, name="Hội chợ Tết", place="Nhà văn hóa",
        date=day, commune=org.admin_unit, gift_value=500_000, stalls=[{"name": "Gian gạo"}],
    )  # fmt: skip
    start = time.perf_counter()
    vouchers = fairs.issue_vouchers(root, fair)
    issued = time.perf_counter() - start
    stall = fair.stalls.get()
    url = f"/api/movements/fairs/{fair.pk}/redeem"
    samples = []
    for n, voucher in enumerate(vouchers[: scans + 1]):
        body = {"code": voucher.code, "stall": stall.pk, "request_id": f"scan-{n}"}
        t = time.perf_counter()
        answer = client.post(url, body, content_type="application/json")
        if n:  # the first one warms up
            samples.append(time.perf_counter() - t)
        assert answer.status_code == 200, answer.content
    t = time.perf_counter()
    again = client.post(url, body, content_type="application/json")  # a resent scan
    resent = time.perf_counter() - t
    assert again.status_code == 200
    samples.sort()
    figures["redemption"] = {
        "vouchers": len(vouchers),
        "issue_s": round(issued, 2),
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(samples[max(int(len(samples) * 0.95) - 1, 0)] * 1000, 1),
        "resent_ms": round(resent * 1000, 1),
        "target_ms": 200,
    }


if __name__ == "__main__":
    main()
