"""Reports at national scale: the central report built from 34 provinces' approved totals
over 3,321 communes' approved reports, a commune's computed indicators over N donations,
the Word report, a province's workbook, the national workbook with its 3,321-commune annex,
and the leaders' dashboard page (a province with its communes; the nation).

    .venv/bin/python bench/bench_reports.py [--backend sqlite|postgresql] [--donations N]

Builds a fresh database: the real map; a central chapter, one chapter per province of the
new map (34) and one per commune (3,321), created by the real action; N donations spread
over the communes (bulk rows: computed indicators read Donation rows); every commune's and
province's report for 2026-H1 approved with its totals snapshotted, as the workflow leaves
them (bulk rows). How the figures stay correct as records change: a report's own computed
values are read live until it is submitted and snapshotted then; a parent sums its
children's totals snapshotted at their approval, and a child cannot be reopened while the
parent's approved report counts it, so the sums never go stale silently. Prints one JSON
line; figures in docs/benchmarks.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql://postgres@127.0.0.1:5432/nhandao_bench_reports"
PERIOD = "2026-H1"


def timed(fn, *args, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        samples.append(time.perf_counter() - start)
    return round(min(samples) * 1000, 1), round(sorted(samples)[len(samples) // 2] * 1000, 1)


def fresh_database(backend: str) -> str:
    if backend == "postgresql":
        for sql in ("drop database if exists nhandao_bench_reports",
                    "create database nhandao_bench_reports"):  # fmt: skip
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        return PG_URL
    return f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_reports.sqlite3'}"


def build(n_donations: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from nhandao.audit import ledger
    from nhandao.campaigns import actions as campaign_actions
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.mapdata import load_admin_units
    from nhandao.orgs.models import AdminUnit, OrgKind, OrgLevel
    from nhandao.reports import actions, building
    from nhandao.reports.models import Report, ReportStatus, ReportValue, Source

    load_admin_units()
    root = get_user_model().objects.create_superuser("bench", password="x")

    def org(parent, code, name, level, unit):
        return org_actions.create_organisation(root, parent=parent, code=code, name=name,
                                               kind=OrgKind.RED_CROSS, level=level,
                                               admin_unit=unit, partner_type="")  # fmt: skip

    central = org(None, "CTD-TW", "Trung ương Hội", OrgLevel.CENTRAL, None)
    provinces, communes = {}, []
    for unit in AdminUnit.objects.filter(map="2025-07", level="province"):
        provinces[unit.pk] = org(central, f"CTD-{unit.code}", f"Hội CTĐ {unit.name}",
                                 OrgLevel.PROVINCE, unit)  # fmt: skip
    for unit in AdminUnit.objects.filter(map="2025-07", level="commune").select_related("province"):
        communes.append(org(provinces[unit.province_id], f"CTD-X{unit.code}",
                            f"Hội CTĐ {unit.name}", OrgLevel.COMMUNE, unit))  # fmt: skip
    # N donations over the first 100 communes, chained on their ledger accounts as a
    # statement import would (audit.ledger.append_many), then their Donation rows
    campaign = campaign_actions.create_campaign(
        root,
        code="TND-2026",
        name="Tháng Nhân đạo",
        kind="humanitarian_month",
        organisation=central,
        launch_date=date(2026, 1, 1),
        status="receiving",
    )
    holders = communes[:100]
    for n, holder in enumerate(holders):
        account = ledger.account_for(holder, campaign)
        count = n_donations // len(holders)
        items = [(date(2026, 1, 1) + timedelta(days=(n + i) % 180), 10_000 + (i % 97) * 1_000,
                  f"Ung ho {i}", "transfer") for i in range(count)]  # fmt: skip
        with transaction.atomic():
            ledger.append_many(account, items)
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

    form = actions.form_for(central)
    indicators = {i.code: i for i in form.indicators.all()}
    period = building.parse(PERIOD)

    def approved(orgs):
        reports = Report.objects.bulk_create(
            Report(
                form=form,
                organisation=o,
                period=PERIOD,
                start=period.start,
                end=period.end,
                due_on=period.end,
                status=ReportStatus.APPROVED,
            )
            for o in orgs  # fmt: skip
        )
        values = []
        for r in reports:
            for code in ("received_money", "distributed", "people_reached", "state_budget"):
                values.append(
                    ReportValue(
                        report=r,
                        indicator=indicators[code],
                        scope="total",
                        value=1_000_000 + r.pk,
                        source=Source.COMPUTED,
                    )  # fmt: skip
                )
        ReportValue.objects.bulk_create(values)

    approved(communes)
    approved(provinces.values())
    return {"central": central, "province": next(iter(provinces.values())),
            "commune": communes[0], "communes": len(communes)}  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["postgresql", "sqlite"])
    parser.add_argument("--donations", type=int, default=500_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = fresh_database(args.backend)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")  # the page's Client
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from nhandao.reports import actions, building, outputs

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    world = build(args.donations)
    figures = {
        "backend": args.backend,
        "donations": args.donations,
        "communes": world["communes"],
        "build_s": round(time.perf_counter() - began, 1),
    }
    national = actions.open_report(None, world["central"], PERIOD)
    commune = building.Report.objects.get(organisation=world["commune"], period=PERIOD)
    province = building.Report.objects.get(organisation=world["province"], period=PERIOD)
    figures["national_report_ms_min_median"] = timed(building.lines, national)
    figures["commune_computed_ms_min_median"] = timed(building.computed_now, commune)
    figures["national_docx_ms_min_median"] = timed(outputs.docx_bytes, national, repeat=3)
    figures["province_xlsx_ms_min_median"] = timed(outputs.xlsx_bytes, province, repeat=3)

    def dashboard(report):
        children = building.children_status(report)
        building.children_table(report, children)
        building.lines(report)
        building.monthly_trend(report)

    figures["national_dashboard_ms_min_median"] = timed(dashboard, national)
    figures["commune_dashboard_ms_min_median"] = timed(dashboard, commune)
    figures["commune_trend_ms_min_median"] = timed(building.monthly_trend, commune)
    # the all-communes annex: the national workbook with 3,321 commune rows, a province's
    # Word report with its communes' table
    figures["national_xlsx_ms_min_median"] = timed(outputs.xlsx_bytes, national, repeat=3)
    figures["province_docx_ms_min_median"] = timed(outputs.docx_bytes, province, repeat=3)

    # the leaders' dashboard page, whole (view, template), as a central leader opens it
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))

    def page(org):
        response = client.get("/bao-cao/tong-quan/", {"don_vi": org.pk, "ky": PERIOD})
        assert response.status_code == 200, response.status_code

    figures["province_dashboard_page_ms_min_median"] = timed(page, world["province"])
    figures["national_dashboard_page_ms_min_median"] = timed(page, world["central"])
    figures["province_communes"] = building.Organisation.objects.filter(
        parent=world["province"]
    ).count()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
