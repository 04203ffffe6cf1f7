"""Statement import, end to end, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_statement_import.py [--backend sqlite|postgresql|both]
                                                     [--file PATH] [--generate N]

For each backend, in a fresh database (a child process each, so peak memory is per run):
1. baseline: parse the CSV with polars and bulk-insert the same rows, unchanged, into an
   unindexed table (executemany on SQLite, COPY on PostgreSQL);
2. the real import (parse, validate, natural keys, donors, lines with their folded search
   text, hash-chained ledger entries, donations) through importers.run_import;
3. the same file again (must add nothing; recognised by its checksum);
4. the same lines in a re-saved file (another checksum: every line read, checked and found
   by its natural key; must add nothing).
Prints one JSON line per backend: seconds, ratio to the baseline, re-import share, peak RSS.
--generate N writes an N-line file in the Vietcombank layout (the real lines repeated with
fresh references and later dates) and benchmarks that instead.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared/data/saoke/vcb_0011001932418_2024-09-01_2024-09-10.csv.gz"


def generate(source: Path, lines: int, target: Path) -> Path:
    import polars as pl

    base = pl.read_csv(source, infer_schema=False)
    parts, made, round_ = [], 0, 0
    while made < lines:
        take = min(base.height, lines - made)
        part = base.head(take).with_columns(
            (pl.col("doc_no") + pl.lit(f"-{round_}")).alias("doc_no"),
            (pl.col("date").str.to_date() + pl.duration(days=10 * round_))
            .dt.strftime("%Y-%m-%d")
            .alias("date"),
        )
        parts.append(part)
        made += take
        round_ += 1
    pl.concat(parts).write_csv(target)
    return target


def child(path: Path) -> dict:
    """Runs inside a process whose DATABASE_URL points at an empty database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection

    from nhandao.audit import ledger
    from nhandao.campaigns import actions as campaign_actions
    from nhandao.donations import actions, importers
    from nhandao.donations.models import Donation, Donor, StatementLine
    from nhandao.orgs import actions as org_actions

    call_command("migrate", verbosity=0)
    data = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        data = gzip.decompress(data)

    # 1. Baseline: the same rows into an unindexed table.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare (page text, date text, doc_no text, debit bigint, "
            "credit bigint, details text)"
        )
    started = time.perf_counter()
    frame = pl.read_csv(data, infer_schema=False).with_columns(
        pl.col("debit_vnd").cast(pl.Int64), pl.col("credit_vnd").cast(pl.Int64)
    )
    parsed_at = time.perf_counter()
    from django.db import transaction

    with transaction.atomic():
        ledger.insert_rows(
            "bench_bare",
            ["page", "date", "doc_no", "debit", "credit", "details"],
            frame.rows(),
        )
    baseline = time.perf_counter() - started
    parse_only = parsed_at - started
    # Only these figures are needed later: the baseline's frame (~0.4 GB at 2M lines) would
    # otherwise count in the import's peak memory.
    rows, last_day = frame.height, frame["date"].max()
    del frame

    # 2. The real import.
    org = org_actions.create_organisation(
        None,
        parent=None,
        code="BCT-TW",
        name="Ban Cứu trợ Trung ương",
        kind="relief_board",
        level="central",
        admin_unit=None,
        partner_type="",
    )
    from datetime import date

    campaign = campaign_actions.create_campaign(
        None,
        code="YAGI-2024",
        name="Bão Yagi",
        kind="appeal",
        organisation=org,
        launch_date=date(2024, 9, 1),
        status="receiving",
        transfer_memo="YAGI2024",
    )
    if last_day > "2024-11-29":  # a generated file runs past the 90 days
        campaign.kind = "other"
        campaign.save()
    account = actions.create_bank_account(
        None,
        bank="VCB",
        number="0011001932418",
        holder="MTTQ VN - BAN CUU TRO TW",
        organisation=org,
        campaign=campaign,
    )
    filename = "vcb_0011001932418_bench.csv"
    started, cpu_before = time.perf_counter(), cpu_seconds()
    statement = actions.create_statement(None, account, filename=filename, data=data)
    first = importers.run_import(statement, data)
    import_seconds = time.perf_counter() - started
    cpu = {k: round(cpu_seconds()[k] - v, 2) for k, v in cpu_before.items()}
    assert statement.status == "done", statement.errors[:3]

    # 3. The same file again.
    started = time.perf_counter()
    again_statement = actions.create_statement(None, account, filename=filename, data=data)
    # answered by the first statement (lib.imports: the same file for the same account)
    assert again_statement.repeated, "the same file was not recognised"
    again = again_statement.repeat_summary()
    reimport_seconds = time.perf_counter() - started
    # 4. The same lines in another file (re-saved with CRLF line ends: another checksum), so
    # every line is read, checked and looked up by its natural key.
    resaved = data.replace(b"\n", b"\r\n")
    del data  # a worker holds one file at a time
    started = time.perf_counter()
    resaved_statement = actions.create_statement(None, account, filename=filename, data=resaved)
    resaved_result = importers.run_import(resaved_statement, resaved)
    resaved_seconds = time.perf_counter() - started
    counts = {
        "lines_stored": StatementLine.objects.count(),
        "donations": Donation.objects.count(),
        "donors": Donor.objects.count(),
        "ledger_ok": ledger.verify(ledger.account_for(org, campaign)).ok,
    }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "backend": connection.vendor,
        "rows": rows,
        "baseline_parse_s": round(parse_only, 2),
        "baseline_parse_and_bare_insert_s": round(baseline, 2),
        "import_s": round(import_seconds, 2),
        "ratio_to_baseline": round(import_seconds / baseline, 2),
        "reimport_s": round(reimport_seconds, 2),
        "reimport_share": round(reimport_seconds / import_seconds, 3),
        "same_lines_new_file_s": round(resaved_seconds, 2),
        "same_lines_new_file_share": round(resaved_seconds / import_seconds, 3),
        "first": first,
        "again": again,
        "same_lines_new_file": resaved_result,
        **counts,
        "peak_rss_mb": round(peak_mb),
        "import_cpu_s": cpu,
    }


def cpu_seconds() -> dict:
    """CPU time used so far by this process (all its threads: polars runs several) and, on
    PostgreSQL, by the server process of its connection (local server: /proc). The two run
    one after the other, so their sum against the wall time shows any idle wait."""
    from django.db import connection

    usage = resource.getrusage(resource.RUSAGE_SELF)
    out = {"python": usage.ru_utime + usage.ru_stime}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out["database"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # a server on another machine
            pass
    return out


def run_child(script: str, backend: str, path: Path) -> dict:
    """Run `script --child path` in a fresh database of `backend` (dropped afterwards) and
    return the JSON object it prints last. bench_receipts.py uses it too."""
    env = dict(os.environ)
    tmp = Path(tempfile.mkdtemp(prefix="nhandao-bench-"))
    env["NHANDAO_VAR_DIR"] = str(tmp)
    database = None
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        database = f"nhandao_bench_{os.getpid()}"
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                f"CREATE DATABASE {database}",
                "postgres",
            ],
            check=True,
        )
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{database}"
    try:
        out = subprocess.run(
            [sys.executable, script, "--child", str(path)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        for line in out.stderr.splitlines():
            if "import phases" in line or "validated in" in line:
                print(f"  {backend}: {line}", file=sys.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if database:
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {database}",
                    "postgres",
                ],
                check=False,
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--file", default=str(DEFAULT_FILE))
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child)), ensure_ascii=False))
        return
    path = Path(args.file)
    if args.generate:
        path = generate(path, args.generate, Path(tempfile.mkdtemp()) / "vcb_generated.csv")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(json.dumps(run_child(__file__, backend, path), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
