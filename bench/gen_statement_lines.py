"""Generate N statement lines (default 2,000,000) into a SEPARATE database for the portal
benchmarks, by bulk SQL (never the ORM per row).

Lines are the real typhoon Yagi Vietcombank and Agribank lines (/work/shared/data/saoke,
242,854 rows) repeated with new references, amounts shuffled among real amounts and dates
spread over September 2024, so names, messages and their frequencies are real.

    .venv/bin/python bench/gen_statement_lines.py --db sqlite   [--lines 2000000]
    .venv/bin/python bench/gen_statement_lines.py --db postgresql

SQLite: var/bench_portal.sqlite3; PostgreSQL: database nhandao_bench_portal on 127.0.0.1.
"""

import argparse
import gzip
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NHANDAO_DATA", "/work/shared/data")) / "saoke"
SQLITE_PATH = ROOT / "var" / "bench_portal.sqlite3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/nhandao_bench_portal"


def database_url(kind: str) -> str:
    return f"sqlite:///{SQLITE_PATH}" if kind == "sqlite" else PG_URL


def setup(kind: str, fresh: bool):
    os.environ["DATABASE_URL"] = database_url(kind)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    if fresh:
        if kind == "sqlite":
            SQLITE_PATH.parent.mkdir(exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as conn:
                conn.execute("DROP DATABASE IF EXISTS nhandao_bench_portal")
                conn.execute("CREATE DATABASE nhandao_bench_portal")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def real_lines():
    """(details, credit) of the real files."""
    import polars as pl

    out = []
    for name in (
        "vcb_0011001932418_2024-09-01_2024-09-10.csv.gz",
        "agribank_1500201113838_2024-09-09_2024-09-12.csv.gz",
    ):
        with gzip.open(DATA / name) as handle:
            frame = pl.read_csv(handle.read(), infer_schema=False)
        frame = frame.filter(pl.col("credit_vnd").is_not_null() & pl.col("details").is_not_null())
        out += list(zip(frame["details"].to_list(), frame["credit_vnd"].to_list(), strict=True))
    return out


def objects():
    """One public campaign, its organiser, account and an import record (through actions)."""
    from nhandao.campaigns import actions as campaign_actions
    from nhandao.campaigns.models import CampaignKind, CampaignStatus
    from nhandao.donations import actions
    from nhandao.donations.models import Statement, StatementStatus
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.models import OrgKind, OrgLevel

    org = org_actions.create_organisation(
        None,
        code="MTTQ-TW",
        name="Ủy ban Trung ương MTTQ Việt Nam",
        kind=OrgKind.FRONT,
        level=OrgLevel.CENTRAL,
        parent=None,
        admin_unit=None,
        partner_type="",
    )
    campaign = campaign_actions.create_campaign(
        None,
        code="YAGI-2024",
        name="Ủng hộ đồng bào bị thiệt hại do bão Yagi",
        kind=CampaignKind.APPEAL,
        organisation=org,
        launch_date=date(2024, 9, 1),
        transfer_memo="YAGI",
    )
    campaign_actions.set_status(None, campaign, CampaignStatus.RECEIVING)
    account = actions.create_bank_account(
        None,
        bank="VCB",
        number="0011001932418",
        holder="MTTQ VN - Ban Cuu tro TW",
        organisation=org,
        campaign=campaign,
    )
    statement = Statement.objects.create(
        bank_account=account,
        campaign=campaign,
        file_name="bench.csv",
        checksum="0" * 64,
        status=StatementStatus.DONE,
    )
    return campaign, account, statement


def rows(n: int, campaign, account, statement, seed: int = 7):
    from nhandao.lib.text import nfc, search_key

    rng = random.Random(seed)
    real = real_lines()
    keys = {}
    amounts = [int(a) for _, a in real]
    start = date(2024, 9, 1)
    # 30 days, more lines in the first days after the appeal (as in 2024)
    weights = [3.0 if d < 5 else (2.0 if d < 12 else 0.6) for d in range(30)]
    days = rng.choices(range(30), weights=weights, k=n)
    days.sort()
    for i in range(n):
        text, _ = real[rng.randrange(len(real))]
        key = keys.get(text)
        if key is None:
            key = keys[text] = (nfc(text), search_key(text))
        booked = (start + timedelta(days=days[i])).isoformat()
        ref = f"{5000 + (i % 4000)}.{(i * 7919) % 100000:05d}{i // 100000:02d}"
        yield (
            account.pk,
            statement.pk,
            f"b{i}",
            i + 1,
            booked,
            "",
            ref,
            "C",
            amounts[rng.randrange(len(amounts))],
            None,
            key[0],
            key[1],
            "",
            "",
            campaign.pk,
        )


def load(kind: str, n: int):
    from importlib import import_module

    from django.db import connection, transaction

    from nhandao.donations.importers.writing import LINE_COLUMNS

    migration = import_module("nhandao.portal.migrations.0001_search_indexes")
    campaign, account, statement = objects()
    table = "donations_statementline"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if kind == "sqlite":
            for sql in migration.SQLITE_REVERSE + migration.COMMON_REVERSE:
                cursor.execute(sql)
            marks = ", ".join(["%s"] * len(LINE_COLUMNS))
            sql = f"INSERT INTO {table} ({', '.join(LINE_COLUMNS)}) VALUES ({marks})"
            batch = []
            with transaction.atomic():
                for row in rows(n, campaign, account, statement):
                    batch.append(row)
                    if len(batch) == 50_000:
                        cursor.executemany(sql, batch)
                        batch = []
                cursor.executemany(sql, batch)
            loaded = time.perf_counter()
            for sql in migration.COMMON + migration.SQLITE:
                cursor.execute(sql)
            cursor.execute("ANALYZE")
        else:
            for sql in migration.POSTGRESQL_REVERSE + migration.COMMON_REVERSE:
                cursor.execute(sql)
            stored_key = import_module("nhandao.portal.migrations.0004_stored_bare_reference")
            cursor.execute(stored_key.DROP_KEY_INDEX)
            with cursor.cursor.copy(f"COPY {table} ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows(n, campaign, account, statement):
                    copy.write_row(row)
            loaded = time.perf_counter()
            # the indexes of migration 0001 as later migrations changed them
            no_message = import_module("nhandao.portal.migrations.0002_no_message_trigrams")
            bare = import_module("nhandao.portal.migrations.0003_bare_reference_trigrams")
            for sql in migration.COMMON + migration.POSTGRESQL:
                cursor.execute(sql)
            for sql in (no_message.DROP, bare.DROP_PLAIN, stored_key.KEY_INDEX):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    done = time.perf_counter()
    print(
        f"{kind}: {n:,} lines loaded in {loaded - started:.1f} s, indexes in {done - loaded:.1f} s"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--lines", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    setup(args.db, fresh=True)
    load(args.db, args.lines)


if __name__ == "__main__":
    main()
