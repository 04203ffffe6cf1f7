"""Relief at scale: allocation and distribution actions with millions of ledger entries, the
coverage view of a province with 100k households, a campaign's reconciliation with 2M
donations and 100k distribution lines.

    .venv/bin/python bench/bench_relief.py [--backend postgresql|sqlite] [--donations N]
                                          [--households N]

Builds a fresh database (PostgreSQL: nhandao_bench_relief on 127.0.0.1; SQLite: a temp
file): the real map, a central chapter, 34 province chapters, one chapter per commune of
Hà Nội (126), a Yagi-like appeal. Then, set-based (as a statement import would):
- N donations: hash-chained ledger entries through audit.ledger.append_many (half on the
  central fund, half over the provinces) and their Donation rows (INSERT … SELECT);
- 100k registry households in Hà Nội's communes with a 2024 poverty status (40 % poor,
  30 % near-poor);
- two distribution rounds per commune with ~100k received lines in all; their money leaves
  each commune's account as one spend entry per round, and the summary tables
  (FundFlow, DistributionSummary) get what the actions would have added.
Real actions (relief/actions.py) do everything that is timed: allocations central →
province → communes, adding lines, confirming receipts. Prints one JSON line.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql://postgres@127.0.0.1:5432/nhandao_bench_relief"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def summary(samples) -> dict:
    samples = sorted(samples)
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1 if len(samples) > 1 else 0] * 1000, 1),
        "max_ms": round(samples[-1] * 1000, 1),
    }


def fresh_database(backend: str) -> str:
    if backend == "postgresql":
        for sql in (
            "drop database if exists nhandao_bench_relief",
            "create database nhandao_bench_relief",
        ):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        return PG_URL
    path = Path(tempfile.mkdtemp()) / "bench_relief.sqlite3"
    return f"sqlite:///{path}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--donations", type=int, default=2_000_000)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument(
        "--measure-only",
        metavar="DATABASE_URL",
        help="measure again on a database an earlier run built",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.measure_only or fresh_database(args.backend)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = {"backend": args.backend}
    if args.measure_only:
        world = existing_world(figures)
    else:
        build_start = time.perf_counter()
        world = build(args.donations, args.households, figures)
        figures["build_s"] = round(time.perf_counter() - build_start, 1)
    measure(world, figures)
    print(json.dumps(figures, ensure_ascii=False))


def build(n_donations: int, n_households: int, figures: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from nhandao.audit import ledger
    from nhandao.campaigns import actions as campaign_actions
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.mapdata import load_admin_units
    from nhandao.orgs.models import AdminUnit, OrgKind, OrgLevel, RoleKind

    load_admin_units()
    User = get_user_model()
    root = User.objects.create_superuser("root", password="bench-Password-1")
    maker = User.objects.create_user("maker", password="bench-Password-1")
    checker = User.objects.create_user("checker", password="bench-Password-1")

    def org(parent, code, name, level, unit=None):
        return org_actions.create_organisation(
            root,
            parent=parent,
            code=code,
            name=name,
            kind=OrgKind.RED_CROSS,
            level=level,
            admin_unit=unit,
            partner_type="",
        )

    central = org(None, "CTD-TW", "Trung ương Hội", OrgLevel.CENTRAL)
    for user, role in ((maker, RoleKind.ACCOUNTANT), (checker, RoleKind.MANAGER)):
        org_actions.grant_role(root, user, central, role)
    provinces = {
        u.code: org(central, f"CTD-{u.code}", f"Hội CTĐ {u.name}", OrgLevel.PROVINCE, u)
        for u in AdminUnit.objects.filter(map="2025-07", level="province").order_by("code")
    }
    hanoi = provinces["1"]
    communes = {
        u.pk: org(hanoi, f"CTD-X{u.code}", f"Hội CTĐ {u.name}", OrgLevel.COMMUNE, u)
        for u in AdminUnit.objects.filter(map="2025-07", level="commune", province=hanoi.admin_unit)
    }
    campaign = campaign_actions.create_campaign(
        root,
        code="YAGI-BENCH",
        name="Ủng hộ đồng bào bị ảnh hưởng bão số 3 (bench)",
        kind="appeal",
        organisation=central,
        launch_date=date(2024, 9, 7),
        status="receiving",
    )

    # ---- donations: ledger entries + Donation rows ------------------------------------
    rng = random.Random(6)
    start = time.perf_counter()
    holders = [central] * 17 + list(provinces.values())  # half on the central fund
    per_holder = n_donations // len(holders)
    first_day = date(2024, 9, 8)
    by_holder: dict = {}
    for holder in holders:
        by_holder[holder.pk] = by_holder.get(holder.pk, 0) + per_holder
    for org_pk, count in by_holder.items():
        account = ledger.account_for(type(central).objects.get(pk=org_pk), campaign)
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
    figures["donations"] = n_donations
    figures["load_donations_s"] = round(time.perf_counter() - start, 1)

    # ---- the registry: households of Hà Nội with a 2024 poverty status -------------------
    start = time.perf_counter()
    commune_ids = list(communes)
    now = connection.ops.adapt_datetimefield_value(django_now())
    rows = [
        (
            "",
            commune_ids[i % len(commune_ids)],
            None,
            "",
            "",
            communes[commune_ids[i % len(commune_ids)]].pk,
            None,
            now,
        )
        for i in range(n_households)
    ]
    ledger.insert_rows(
        "beneficiaries_household",
        [
            "address",
            "commune_id",
            "old_commune_id",
            "village",
            "village_key",
            "organisation_id",
            "head_id",
            "created_at",
        ],
        rows,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO beneficiaries_householdpoverty (household_id, year, status,
                   certified_by, certificate_no)
               SELECT id, 2024, CASE WHEN id % 10 < 4 THEN 'poor' WHEN id % 10 < 7
                   THEN 'near_poor' ELSE 'none' END, '', '' FROM beneficiaries_household"""
        )
        cursor.execute(
            """INSERT INTO beneficiaries_person (organisation_id, household_id, relationship,
                   full_name, name_key, family_name, middle_name, given_name, sex, id_number,
                   phone, vulnerabilities, consent_by, consent_purpose, external_id, import_key,
                   status, address, commune_id, village, village_key, created_at)
               SELECT organisation_id, id, 'head', 'Chủ hộ ' || id, 'chu ho ' || id, '', '',
                   '', '', '', '', '[]', '', '', '', '', 'active', '', commune_id, '', '',
                   created_at FROM beneficiaries_household"""
        )
        cursor.execute(
            "UPDATE beneficiaries_household SET head_id = (SELECT p.id FROM beneficiaries_person"
            " p WHERE p.household_id = beneficiaries_household.id)"
        )
    figures["households"] = n_households
    figures["load_registry_s"] = round(time.perf_counter() - start, 1)

    # ---- allocations (timed: real actions) -----------------------------------------------
    from nhandao.relief import actions
    from nhandao.relief.actions.common import _flow

    alloc_samples = []
    for code, province in list(provinces.items())[:10]:
        amount = n_households * 600_000 + 3_000_000_000 if code == "1" else 1_000_000_000
        t, allocation = timed(
            actions.propose_allocation,
            maker,
            organisation=central,
            campaign=campaign,
            amount=amount,
            decision_no=f"QĐ {code}",
            decision_date=first_day,
            target_organisation=province,
        )
        t2, _ = timed(actions.approve_allocation, checker, allocation)
        alloc_samples.append(t + t2)
    figures["allocation_central_to_province"] = summary(alloc_samples)

    # ---- distribution lines, set-based, then their money and summaries -------------------
    start = time.perf_counter()
    rounds = {}
    for unit_pk, commune in communes.items():
        for kind, name in (("cash", "Hỗ trợ tiền mặt"), ("gift", "Quà hỗ trợ")):
            rounds[(unit_pk, kind)] = actions.create_round(
                root,
                organisation=commune,
                campaign=campaign,
                kind=kind,
                name=f"{name} {commune.name}",
                date=date(2024, 9, 20),
                commune=commune.admin_unit,
            )
    with connection.cursor() as cursor:
        for (unit_pk, kind), rnd in rounds.items():
            picked = "id %% 7 <> 0 AND id %% 10 < 7" if kind == "cash" else "id %% 5 < 2"
            cursor.execute(
                f"""INSERT INTO relief_distributionline (round_id, campaign_id, organisation_id,
                       household_id, commune_id, recipient_name, value, status, receipt_method,
                       receipt_file, received_on, confirmed_at, override_reason, source,
                       created_at)
                   SELECT %s, %s, %s, id, commune_id, 'Hộ #' || id, 500000, 'received',
                       'signature', '', %s, %s, '', 'import', %s
                   FROM beneficiaries_household WHERE commune_id = %s AND {picked}""",  # noqa: S608
                [rnd.pk, campaign.pk, rnd.organisation_id, date(2024, 9, 20), now, now, unit_pk],
            )
    from django.db.models import Count, Sum

    from nhandao.relief.models import DistributionLine, DistributionSummary, RoundStatus

    figures["lines"] = DistributionLine.objects.count()

    totals = dict(
        DistributionLine.objects.values("organisation_id")
        .annotate(v=Sum("value"))
        .values_list("organisation_id", "v")
    )
    commune_samples = []
    for commune in communes.values():
        need = totals.get(commune.pk, 0) + 20_000_000
        t, allocation = timed(
            actions.propose_allocation,
            maker,
            organisation=hanoi,
            campaign=campaign,
            amount=need,
            decision_no=f"QĐ-HN {commune.pk}",
            decision_date=first_day,
            target_organisation=commune,
        )
        t2, _ = timed(actions.approve_allocation, checker, allocation)
        commune_samples.append(t + t2)
    figures["allocation_province_to_commune"] = summary(commune_samples)
    for rnd in rounds.values():
        value = rnd.lines.aggregate(v=Sum("value"))["v"] or 0
        if value:
            with transaction.atomic():
                account = ledger.account_for(rnd.organisation, campaign)
                ledger.post(
                    account,
                    -value,
                    booked_on=rnd.date,
                    kind="spend",
                    memo=f"{rnd.name} (nạp hàng loạt)",
                    source=f"relief-round:{rnd.pk}",
                )
                _flow(account, distributed=value)
        type(rnd).objects.filter(pk=rnd.pk).update(status=RoundStatus.OPEN)
    grouped = DistributionLine.objects.values(
        "campaign_id", "organisation_id", "commune_id", "round__kind"
    ).annotate(n=Count("pk"), v=Sum("value"))
    DistributionSummary.objects.bulk_create(
        DistributionSummary(
            campaign_id=g["campaign_id"],
            organisation_id=g["organisation_id"],
            commune_id=g["commune_id"],
            kind=g["round__kind"],
            lines=g["n"],
            households=g["n"],
            persons=0,
            value=g["v"],
        )
        for g in grouped
    )
    figures["load_lines_s"] = round(time.perf_counter() - start, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures["ledger_entries"] = ledger.LedgerEntry.objects.count()
    return {
        "campaign": campaign,
        "hanoi": hanoi,
        "communes": communes,
        "root": root,
        "maker": maker,
        "checker": checker,
        "central": central,
    }


def existing_world(figures) -> dict:
    from django.contrib.auth import get_user_model

    from nhandao.audit.models import LedgerEntry
    from nhandao.campaigns.models import Campaign
    from nhandao.donations.models import Donation
    from nhandao.orgs.models import Organisation
    from nhandao.relief.models import DistributionLine

    hanoi = Organisation.objects.get(code="CTD-1")
    communes = {o.admin_unit_id: o for o in Organisation.objects.filter(parent=hanoi)}
    figures.update(
        donations=Donation.objects.count(),
        ledger_entries=LedgerEntry.objects.count(),
        lines=DistributionLine.objects.count(),
    )
    return {
        "campaign": Campaign.objects.get(code="YAGI-BENCH"),
        "hanoi": hanoi,
        "communes": communes,
        "root": get_user_model().objects.get(username="root"),
    }


def django_now():
    from django.utils import timezone

    return timezone.now()


def measure(world, figures):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from nhandao.beneficiaries.models import Household
    from nhandao.relief import actions, coverage, public
    from nhandao.relief.models import DistributionLine, DistributionRound

    campaign, hanoi = world["campaign"], world["hanoi"]
    # a new round in one commune: adding lines and confirming receipts (overlap check,
    # ledger spend, support record, summary), one line at a time
    unit_pk, commune = next(iter(world["communes"].items()))
    earlier = DistributionRound.objects.filter(kind="medicine").count()  # one per run
    rnd = actions.create_round(
        world["root"],
        organisation=commune,
        campaign=campaign,
        kind="medicine",
        name="Thuốc sau lũ",
        date=date(2024, 9, 25),  # within the appeal's Decree 93 deadline
    )
    # other households on each run, so that no run meets an overlap with an earlier one
    homes = list(
        Household.objects.filter(commune_id=unit_pk).order_by("pk")[
            40 * earlier : 40 * earlier + 40
        ]
    )
    t, _ = timed(
        actions.add_lines,
        world["root"],
        rnd,
        [(f"Dòng {i}", h, None, 300_000, None) for i, h in enumerate(homes, 2)],
    )
    figures["add_40_lines_ms"] = round(t * 1000, 1)
    topup = actions.propose_allocation(
        world["root"],
        organisation=hanoi,
        campaign=campaign,
        amount=12_000_000,
        decision_no="QĐ bổ sung",
        decision_date=date(2024, 9, 24),
        target_organisation=commune,
    )
    actions.approve_allocation(get_user_model().objects.get(username="checker"), topup)
    actions.set_round_status(world["root"], rnd, "open")
    samples = []
    for line in DistributionLine.objects.filter(round=rnd):
        t, _ = timed(actions.confirm_line, world["root"], line, method="signature")
        samples.append(t)
    figures["confirm_line"] = summary(samples)

    measure_import(world, figures)

    province = hanoi.admin_unit
    runs = []
    for _ in range(5):
        t, rows = timed(coverage.by_commune, campaign, province)
        runs.append(t)
    figures["coverage_province"] = summary(runs) | {
        "communes": len(rows),
        "eligible": sum(r.eligible for r in rows),
        "left_behind": sum(r.left_behind for r in rows),
    }
    runs = []
    for _ in range(5):
        t, _ = timed(lambda: list(coverage.left_behind(campaign, province)[:50]))
        runs.append(t)
    figures["coverage_list_first_page"] = summary(runs)

    runs = []
    for _ in range(5):
        t, rec = timed(public.reconciliation, campaign)
        runs.append(t)
    figures["reconciliation"] = summary(runs) | {
        "balanced": rec["balanced"],
        "organisations": len(rec["rows"]),
    }
    runs = []
    for _ in range(5):
        t, _ = timed(public.campaign_figures, campaign)
        runs.append(t)
    figures["campaign_figures_all"] = summary(runs)
    figures["database"] = connection.vendor


def measure_import(world, figures, rows=5000):
    """A distribution list of `rows` Hà Nội households uploaded (.xlsx), checked and previewed,
    then committed: the importer's two steps as a user meets them."""
    import io

    from openpyxl import Workbook

    from nhandao.beneficiaries.models import Household
    from nhandao.relief import actions, importers

    hanoi = world["hanoi"]
    rnd = actions.create_round(
        world["root"],
        organisation=hanoi,
        campaign=world["campaign"],
        kind="cash",
        name="Danh sách nhập từ tệp",
        date=date(2024, 9, 25),
    )
    picked = Household.objects.filter(commune__province=hanoi.admin_unit).order_by("pk")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["STT", "Mã hộ", "Số tiền"])
    for n, pk in enumerate(picked.values_list("pk", flat=True)[:rows], start=1):
        sheet.append([n, pk, 500_000])
    out = io.BytesIO()
    book.save(out)
    t_preview, (batch, _) = timed(importers.start, world["root"], rnd, "ds.xlsx", out.getvalue())
    t_commit, lines = timed(importers.commit, world["root"], batch)
    figures["import_list"] = {
        "rows": batch.rows_read,
        "errors": len(batch.errors),
        "created": len(lines),
        "upload_and_preview_ms": round(t_preview * 1000),
        "commit_ms": round(t_commit * 1000),
    }


if __name__ == "__main__":
    main()
