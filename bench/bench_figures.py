"""so-lieu.json of a large campaign, uncached (issue #14: ≤ 100 ms with 2 M donations, 34
provinces, 3,321 communes).

    .venv/bin/python bench/bench_figures.py [--donations N] [--runs N]

Builds a fresh SQLite database (a temp file): the real map, a central chapter, one chapter
per province (34) and per commune (3,321), one appeal; then, set-based as a statement import
does, N donations (hash-chained ledger entries through audit.ledger.append_many, their
Donation rows and the DonationTotal rows the import keeps); real allocation actions central
→ each province; ledger transfers province → each commune with their executed Allocation
rows, one cash hand-out per commune (a spend entry and its DistributionSummary row) and a
purchase into stock per province (the real action). Then measures relief.figures.
campaign_figures() and the page /cong-khai/chien-dich/<code>/so-lieu.json through Django's
test client with a new query string each time (the portal's page cache never answers).
Prints one JSON line.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def summary(samples) -> dict:
    samples = sorted(samples)
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(samples[-1] * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--donations", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--measure-only", metavar="SQLITE_FILE", help="a database built before")
    args = parser.parse_args()
    path = args.measure_only or Path(tempfile.mkdtemp()) / "bench_figures.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out = {"backend": "sqlite", "database": str(path), "load": os.getloadavg()[0]}
    if args.measure_only:
        from nhandao.campaigns.models import Campaign
        from nhandao.donations.models import Donation

        campaign = Campaign.objects.get(code="YAGI-BENCH")
        out["donations"] = Donation.objects.count()
    else:
        out["donations"] = args.donations
        start = time.perf_counter()
        campaign = build(args.donations, out)
        out["build_s"] = round(time.perf_counter() - start, 1)
    measure(campaign, args.runs, out)
    print(json.dumps(out, ensure_ascii=False))


def build(n_donations: int, out: dict):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from nhandao.audit import ledger
    from nhandao.campaigns import actions as campaign_actions
    from nhandao.orgs.mapdata import load_admin_units
    from nhandao.orgs.models import AdminUnit, Organisation, OrgKind, OrgLevel
    from nhandao.relief import actions
    from nhandao.relief.models import Allocation, AllowedUse, DistributionSummary, Item

    load_admin_units()
    User = get_user_model()
    root = User.objects.create_superuser("root", password="bench-Password-1")
    checker = User.objects.create_superuser("checker", password="bench-Password-1")

    def org(parent, code, name, level, unit=None):
        made = Organisation.objects.create(
            parent=parent, code=code, name=name, kind=OrgKind.RED_CROSS, level=level,
            admin_unit=unit, path="",
        )  # fmt: skip
        made.path = f"{parent.path if parent else '/'}{made.pk}/"
        Organisation.objects.filter(pk=made.pk).update(path=made.path)
        return made

    t = time.perf_counter()
    central = org(None, "CTD-TW", "Trung ương Hội", OrgLevel.CENTRAL)
    units = AdminUnit.objects.filter(map="2025-07")
    provinces = {
        u.pk: org(central, f"CTD-{u.code}", f"Hội CTĐ {u.name}", OrgLevel.PROVINCE, u)
        for u in units.filter(level="province").order_by("code")
    }
    communes = [
        org(provinces[u.province_id], f"CTD-X{u.code}", f"Hội CTĐ {u.name}", OrgLevel.COMMUNE, u)
        for u in units.filter(level="commune").order_by("code")
    ]
    out["provinces"], out["communes"] = len(provinces), len(communes)
    out["build_orgs_s"] = round(time.perf_counter() - t, 1)
    campaign = campaign_actions.create_campaign(
        root, code="YAGI-BENCH", name="Ủng hộ đồng bào bị ảnh hưởng bão số 3 (bench)",
        kind="appeal", organisation=central, launch_date=date(2024, 9, 7), status="receiving",
    )  # fmt: skip

    # ---- donations: half on the central fund, half over the provinces ---------------------
    t = time.perf_counter()
    rng = random.Random(14)
    first_day = date(2024, 9, 8)
    holders = {central.pk: n_donations // 2}
    for province in provinces.values():
        holders[province.pk] = (n_donations - n_donations // 2) // len(provinces)
    for org_pk, count in holders.items():
        account = ledger.account_for(Organisation.objects.get(pk=org_pk), campaign)
        made = 0
        while made < count:
            take = min(200_000, count - made)
            items = [
                (
                    first_day + timedelta(days=(made + i) % 60),
                    rng.randint(10, 5000) * 1000,
                    f"Ung ho bao so 3 {made + i}",
                    "transfer",
                )
                for i in range(take)
            ]
            with transaction.atomic():
                ledger.append_many(account, items)
            made += take
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            """INSERT INTO donations_donation (organisation_id, campaign_id, donor_name, channel,
                   received_on, amount, goods_item, goods_unit, earmark_kind, earmark_ref,
                   ledger_entry_id, note, created_at)
               SELECT a.organisation_id, a.campaign_id, '', 'transfer', e.booked_on, e.amount,
                   '', '', '', '', e.id, '', e.at
               FROM audit_ledgerentry e JOIN audit_ledgeraccount a ON a.id = e.account_id
               WHERE e.kind = 'donation'"""
        )
        # what the statement import adds to DonationTotal, for these donations at once
        cursor.execute(
            """INSERT INTO donations_donationtotal (organisation_id, campaign_id, channel, amount,
                   count)
               SELECT organisation_id, campaign_id, channel, SUM(amount), COUNT(*)
               FROM donations_donation GROUP BY organisation_id, campaign_id, channel"""
        )
    out["build_donations_s"] = round(time.perf_counter() - t, 1)

    # ---- money down: actions to the provinces, transfers to the communes -----------------
    t = time.perf_counter()
    share = n_donations // 2 * 1000 // len(provinces)  # well within the central fund
    for province in provinces.values():
        proposal = actions.propose_allocation(
            root, organisation=central, campaign=campaign, amount=share,
            decision_no=f"QĐ {province.code}", decision_date=first_day,
            target_organisation=province,
        )  # fmt: skip
        actions.approve_allocation(checker, proposal)
    decisions, summaries = [], []
    for i, commune in enumerate(communes):
        province = provinces[commune.admin_unit.province_id]
        amount, handed = 2_000_000, 1_200_000
        with transaction.atomic():
            source = ledger.account_for(province, campaign)
            target = ledger.account_for(commune, campaign)
            ledger.transfer(
                source, target, amount, booked_on=first_day, reference=f"relief-allocation:b{i}"
            )
            ledger.post(
                target, -handed, booked_on=first_day, kind="spend", source=f"relief-line:b{i}"
            )
        decisions.append(
            Allocation(
                organisation=province, campaign=campaign, direction="down",
                target_organisation=commune, amount=amount, decision_no=f"QĐ-X {i}",
                decision_date=first_day, status="executed", proposed_by=root,
            )
        )  # fmt: skip
        summaries.append(
            DistributionSummary(
                campaign=campaign, organisation=commune, commune=commune.admin_unit,
                kind="cash", lines=4, households=4, persons=0, value=handed,
            )
        )  # fmt: skip
    Allocation.objects.bulk_create(decisions, batch_size=1000)
    DistributionSummary.objects.bulk_create(summaries, batch_size=1000)
    rice = Item.objects.create(name="Gạo", unit="kg")
    food = AllowedUse.objects.get(code="food_water_medicine")
    for province in provinces.values():
        store = actions.create_warehouse(root, organisation=province, name=f"Kho {province.name}")
        purchase = actions.propose_allocation(  # a purchase: maker–checker (decision 0023)
            root, organisation=province, campaign=campaign, amount=15_000_000,
            decision_no=f"QĐ-MUA {province.code}", decision_date=first_day, purpose=food,
            into_stock=True,
        )  # fmt: skip
        purchase = actions.approve_allocation(checker, purchase)
        actions.receive_goods(root, store, rice, 1000, date=first_day, purchase=purchase)
    out["build_relief_s"] = round(time.perf_counter() - t, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign


def measure(campaign, runs: int, out: dict) -> None:
    from django.test import Client

    from nhandao.relief import figures

    samples, cpu, f = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        f = figures.campaign_figures(campaign)
        f.public()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    out["campaign_figures"] = summary(samples)
    # the CPU this process used (SQLite runs in it): what the wall time would be on an idle
    # machine, the shared one being loaded 5-10 times over by other sessions
    out["campaign_figures_cpu"] = summary(cpu)
    out["organisations"] = len(f.rows)
    out["reconciled"] = f.reconciled
    client, samples, cpu = Client(), [], []
    url = f"/cong-khai/chien-dich/{campaign.code}/so-lieu.json"
    for i in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, {"lan": f"{i}-{time.time_ns()}"})  # never the page cache
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200 and "X-Cache" not in response
    data = json.loads(response.content)
    out["so_lieu_json_uncached"] = summary(samples)
    out["so_lieu_json_uncached_cpu"] = summary(cpu)
    out["received_total"] = data["received"]["total"]
    out["levels_reconciled"] = [level["reconciled"] for level in data["levels"]]
    # a period (decision 0023's addendum): read by date, from the donations' entries and the
    # ledger by day, not from the totals; fewer runs, it reads every donation twice
    os.environ["PORTAL_RATE_LIMITS"] = "off"
    dates = sorted(campaign_dates(campaign))
    start, end = dates[len(dates) // 3], dates[2 * len(dates) // 3]
    samples, cpu = [], []
    for i in range(max(3, runs // 3)):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(
            url, {"tu": f"{start:%d/%m/%Y}", "den": f"{end:%d/%m/%Y}", "lan": f"{i}"}
        )
        samples.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        assert response.status_code == 200
    data = json.loads(response.content)
    out["period"] = [start.isoformat(), end.isoformat()]
    out["so_lieu_json_period"] = summary(samples)
    out["so_lieu_json_period_cpu"] = summary(cpu)
    out["period_reconciled"] = data["reconciled"]


def campaign_dates(campaign):
    from nhandao.donations.models import Donation

    return (
        Donation.objects.filter(campaign=campaign).values_list("received_on", flat=True).distinct()
    )


if __name__ == "__main__":
    main()
