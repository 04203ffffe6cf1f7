"""Does a donor find their own transfer? (issue #24, item 7)

Builds a separate database from the real typhoon Yagi lines of the shared files (Vietcombank
0011001932418 and Agribank 1500201113838, /work/shared/data/saoke: every credit line once, with
its real date, amount, reference and message; the donor's name extracted as the importer does),
then asks the public search as donors type, for lines drawn at random:

- name: the donor's name in lower case without diacritics ("nguyen van an");
- name + amount: the same and the amount as people write it ("500000", "500.000", "500k",
  "0,5tr") in the one search box;
- self-check: name + amount + day through the self-check page and the public API
  (/api/public/self-check), the day typed being the booking day or the day before;
- reference: a Vietcombank reference as printed ("5213.45946"), without its dot ("521345946"),
  with a space ("5213 45946"), and an Agribank reference ("1375649"), in the search box.

For each: found on page 1 (20 lines), found within 5 pages (following the `next` cursor),
p50/p95 of the first page in milliseconds.

    .venv/bin/python bench/bench_portal_findmine.py [--db sqlite|postgresql] [--per-kind 200]
        [--reload]

SQLite: var/bench_findmine.sqlite3; PostgreSQL: database nhandao_bench_findmine.
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
SQLITE_PATH = ROOT / "var" / "bench_findmine.sqlite3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/nhandao_bench_findmine"
FILES = {
    "VCB": ("vcb_0011001932418_2024-09-01_2024-09-10.csv.gz", "0011001932418", "doc_no"),
    "AGRIBANK": ("agribank_1500201113838_2024-09-09_2024-09-12.csv.gz", "1500201113838", "ref_no"),
}


def database_url(kind: str) -> str:
    return f"sqlite:///{SQLITE_PATH}" if kind == "sqlite" else PG_URL


def setup(kind: str, fresh: bool):
    os.environ["DATABASE_URL"] = database_url(kind)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    os.environ["PORTAL_RATE_LIMITS"] = "off"
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
                conn.execute("DROP DATABASE IF EXISTS nhandao_bench_findmine")
                conn.execute("CREATE DATABASE nhandao_bench_findmine")
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def real_frame(name: str, ref_col: str):
    """The credit lines of one shared file, with the importer's donor name."""
    import polars as pl

    from nhandao.donations.importers.names import (
        CT_RE,
        LEAD_NAME_RE,
        PREFIX_RE,
        plausible_name,
    )

    with gzip.open(DATA / name) as handle:
        f = pl.read_csv(handle.read(), infer_schema=False)
    f = f.filter(pl.col("credit_vnd").is_not_null() & pl.col("details").is_not_null())
    f = f.with_columns(
        pl.col("credit_vnd").cast(pl.Int64).alias("amount"),
        pl.col(ref_col).fill_null("").alias("reference"),
        pl.col("details").str.extract(CT_RE, 2).fill_null("").str.strip_chars().alias("ct"),
        pl.col("details")
        .str.replace(PREFIX_RE, "")
        .str.extract(LEAD_NAME_RE, 1)
        .fill_null("")
        .str.strip_chars()
        .alias("lead"),
    ).filter(pl.col("amount") > 0)
    f = f.with_columns(
        plausible_name(pl.col("ct")).alias("ct_ok"), plausible_name(pl.col("lead")).alias("lead_ok")
    )
    return f.with_columns(
        pl.when(pl.col("ct_ok") != "")
        .then(pl.col("ct_ok"))
        .otherwise(pl.col("lead_ok"))
        .alias("donor_name")
    )


def load(kind: str):
    """Every credit line of both files, once, through bulk SQL (the importer's columns)."""
    from django.db import connection, transaction

    from bench.gen_statement_lines import objects
    from nhandao.donations import actions
    from nhandao.donations.importers import writing
    from nhandao.donations.models import Statement, StatementStatus
    from nhandao.lib.text import nfc, search_key

    campaign, vcb, statement = objects()
    agri = actions.create_bank_account(
        None,
        bank="AGRIBANK",
        number="1500201113838",
        holder="UB MTTQ VN TP Ha Noi",
        organisation=vcb.organisation,
        campaign=campaign,
    )
    agri_statement = Statement.objects.create(
        bank_account=agri,
        campaign=campaign,
        file_name="agribank.csv",
        checksum="1" * 64,
        status=StatementStatus.DONE,
    )
    started = time.perf_counter()
    cols = writing.LINE_COLUMNS
    rows = []
    for bank, (name, _, ref_col) in FILES.items():
        account, stmt = (vcb, statement) if bank == "VCB" else (agri, agri_statement)
        f = real_frame(name, ref_col)
        for i, r in enumerate(f.iter_rows(named=True)):
            values = {
                "bank_account_id": account.pk,
                "statement_id": stmt.pk,
                "line_key": f"{bank}{i}",
                "row_no": i + 1,
                "booked_on": r["date"],
                "booked_time": "",
                "reference": r["reference"],
                "direction": "C",
                "amount": r["amount"],
                "balance": None,
                "description": nfc(r["details"]),
                "description_key": search_key(r["details"]),
                "donor_name": r["donor_name"],
                "donor_key": search_key(r["donor_name"]),
                "campaign_id": campaign.pk,
                "page": None,  # a PDF statement's page: none in these CSV files
                "position": None,
            }
            unknown = set(cols) - set(values)
            if unknown:
                raise SystemExit(f"LINE_COLUMNS changed: {sorted(unknown)}")
            rows.append(tuple(values[c] for c in cols))
    table = "donations_statementline"
    with transaction.atomic(), connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(cols))
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    after_load(kind)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{kind}: {len(rows):,} real lines loaded in {time.perf_counter() - started:.1f} s")


def after_load(kind: str):
    """What the importer does after writing lines (the search's per-account knowledge)."""
    try:
        from nhandao.donations import boilerplate
    except ImportError:  # before issue #24
        return
    boilerplate.learn_all()


# --- queries as donors type them -------------------------------------------------------------


def typed_amount(amount: int, rng) -> str:
    forms = [str(amount), f"{amount:,}".replace(",", ".")]
    if amount % 1000 == 0:
        forms.append(f"{amount // 1000}k")
    if amount % 100_000 == 0 and amount < 10_000_000:
        forms.append(f"{amount / 1_000_000:g}".replace(".", ",") + "tr")
    return rng.choice(forms)


def sample(n: int, seed: int = 24):
    from django.db import connection

    from nhandao.lib.text import fold

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.booked_on, l.amount, l.reference, l.donor_name, a.bank "
            "FROM donations_statementline l JOIN donations_bankaccount a "
            "ON a.id = l.bank_account_id ORDER BY l.id"
        )  # in a stated order: the draws are the same lines whatever plan reads them
        rows = cursor.fetchall()
    rng.shuffle(rows)
    named = [r for r in rows if r[4]][:n]
    # senders whose name holds a word of a receiving account's name (TRAN VAN NAM and "MAT TRAN
    # TO QUOC VIET NAM"): the lines that match only through the account's name are noise
    boiler = [r for r in rows if r[4] and set(fold(r[4]).split()) & ACCOUNT_NAME_WORDS][:n]
    vcb_refs = [r for r in rows if r[5] == "VCB" and "." in r[3]][:n]
    agri_refs = [r for r in rows if r[5] == "AGRIBANK" and r[3]][:n]
    sets = {
        "name": [],
        "name + amount": [],
        "self-check page": [],
        "self-check API": [],
        "ref as printed": [],
        "ref without dot": [],
        "ref with space": [],
        "ref Agribank": [],
        "name, account word": [(r[0], {"q": fold(r[4])}) for r in boiler],
    }
    for pk, day, amount, _, name, _ in named:
        day = day if isinstance(day, date) else date.fromisoformat(day)
        typed = fold(name)
        sets["name"].append((pk, {"q": typed}))
        sets["name + amount"].append((pk, {"q": f"{typed} {typed_amount(amount, rng)}"}))
        check = {
            "name": typed,
            "amount": typed_amount(amount, rng),
            "day": (day - timedelta(days=rng.choice([0, 0, 0, 1]))).strftime("%d/%m/%Y"),
        }
        sets["self-check page"].append((pk, check))
        sets["self-check API"].append((pk, check))
    for pk, _, _, ref, _, _ in vcb_refs:
        sets["ref as printed"].append((pk, {"q": ref}))
        sets["ref without dot"].append((pk, {"q": ref.replace(".", "")}))
        sets["ref with space"].append((pk, {"q": ref.replace(".", " ")}))
    for pk, _, _, ref, _, _ in agri_refs:
        sets["ref Agribank"].append((pk, {"q": ref}))
    return sets


# the words of the two receiving accounts' names as their lines print them
ACCOUNT_NAME_WORDS = {
    "mat", "tran", "to", "quoc", "vn", "ban", "cuu", "tro", "tw", "uy", "viet", "nam", "tp",
    "ha", "noi",
}  # fmt: skip


def percentile(samples, p):
    ordered = sorted(samples)
    return (
        ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0
    )


def search_pages(params: dict, pages: int, said=None) -> tuple[list[list[int]], float]:
    """The ids of up to `pages` pages of the search box; the first page's time in ms. `said`:
    a list to which the lines the first page says match are appended (its count, estimate or
    "at least"; COUNT_CAP + 1 for "more than")."""
    from nhandao.portal import search
    from nhandao.portal.forms import SearchForm

    out, first_ms, after = [], 0.0, ""
    for n in range(pages):
        started = time.perf_counter()
        form = SearchForm({**params, "after": after})
        if not form.is_valid():
            return out, (time.perf_counter() - started) * 1000
        result = search.run(form.query())
        if n == 0:
            first_ms = (time.perf_counter() - started) * 1000
            if said is not None:
                said.append(
                    result.count
                    if result.count is not None
                    else result.estimate or result.count_at_least or search.COUNT_CAP + 1
                )
        out.append([line["id"] for line in result.lines])
        after = result.next_cursor
        if not after:
            break
    return out, first_ms


def check_page(client, params) -> tuple[list[int], float]:
    from urllib.parse import urlencode

    started = time.perf_counter()
    response = client.get("/cong-khai/kiem-tra-ung-ho/?" + urlencode(params))
    ms = (time.perf_counter() - started) * 1000
    result = response.context["result"] if response.context else None
    return ([line["id"] for line in result.lines] if result else []), ms


def check_api(client, params, by_key) -> tuple[list[int], float]:
    """The ids of the API's answer. The API shows no id: each line is read back by reference,
    amount and day, and by its message as shown when two lines share those (1,089 pairs of
    Vietcombank lines do: reading them by the first three alone counted a found line as missed
    when its twin was the one the key pointed to)."""
    from urllib.parse import urlencode

    started = time.perf_counter()
    response = client.get("/api/public/self-check?" + urlencode(params))
    ms = (time.perf_counter() - started) * 1000
    lines = response.json().get("lines", []) if response.status_code == 200 else []
    return [_line_id(x, by_key) for x in lines], ms


def _line_id(shown: dict, by_key) -> int:
    from nhandao.donations.models import StatementLine
    from nhandao.portal.masking import mask_accounts

    ids = by_key.get((shown["reference"], shown["amount"], shown["booked_on"]), [])
    if len(ids) <= 1:
        return ids[0] if ids else -1
    for pk, text, number in StatementLine.objects.filter(pk__in=ids).values_list(
        "pk", "description", "bank_account__number"
    ):
        if shown["description"] in (text, mask_accounts(text, frozenset([number]))):
            return pk
    return -1


def evaluate(kind: str, n: int):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's view of each page's context, host testserver
    cache.clear()
    sets = sample(n)
    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM donations_statementline")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT id, reference, amount, booked_on FROM donations_statementline")
        by_key = {}
        for pk, ref, amount, day in cursor.fetchall():
            by_key.setdefault((ref, amount, str(day)), []).append(pk)
    print(f"{kind}: {total:,} lines; {n} lines drawn per kind; load {os.getloadavg()[0]:.2f}")
    print(f"  {'kind':18} {'page 1':>7} {'≤5 pages':>9} {'p50 ms':>8} {'p95 ms':>8}  (n)")
    out = {}
    for label, queries in sets.items():
        first = within = 0
        times, said = [], []
        for pk, params in queries:
            if label == "self-check page":
                ids, ms = check_page(client, params)
                pages = [ids]
            elif label == "self-check API":
                ids, ms = check_api(client, params, by_key)
                pages = [ids]
            else:
                pages, ms = search_pages(params, 5, said)
            times.append(ms)
            first += bool(pages) and pk in pages[0]
            within += any(pk in p for p in pages)
        k = len(queries) or 1
        out[label] = (first / k, within / k, percentile(times, 50), percentile(times, 95))
        print(
            f"  {label:18} {100 * first / k:6.1f}% {100 * within / k:8.1f}% "
            f"{percentile(times, 50):8.1f} {percentile(times, 95):8.1f}  ({len(queries)})",
            flush=True,
        )
        if label == "name, account word":
            print(
                f"  {'':18} lines said to match: median {percentile(said, 50):,}, "
                f"p90 {percentile(said, 90):,}"
            )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--reload", action="store_true", help="build the database again")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    fresh = args.reload or (args.db == "sqlite" and not SQLITE_PATH.exists())
    setup(args.db, fresh)
    if fresh:
        load(args.db)
    evaluate(args.db, args.per_kind)


if __name__ == "__main__":
    main()
