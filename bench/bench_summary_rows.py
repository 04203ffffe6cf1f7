"""Would a per-account summary row make so-lieu.json ≤ 100 ms? (issue #14, decision 0023's
addendum). On a database built by bench/bench_figures.py, without changing it: builds the
summary the ledger's writers would keep, in a TEMP table (per account × kind × reversed kind
× source class × counterparty account — the counterparty keeps the transfer pairs the
figures net within a level or a province), then measures reading it against what
relief.figures reads today for the same flows (the ledger heads and the non-donation
entries). Prints one JSON line.

    .venv/bin/python bench/bench_summary_rows.py FILE [--runs N]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ENDS = (
    "CREATE TEMP TABLE ends AS SELECT id, transfer, account_id FROM audit_ledgerentry "
    "WHERE transfer != ''",
    "CREATE INDEX temp.ends_transfer ON ends (transfer)",
)
SUMMARY = """
CREATE TEMP TABLE summary AS
SELECT e.account_id AS account_id, e.kind AS kind, COALESCE(r.kind, '') AS reversed_kind,
       CASE WHEN instr(e.source, ':') > 0 THEN substr(e.source, 1, instr(e.source, ':') - 1)
            ELSE e.source END AS source_class,
       COALESCE(o.account_id, 0) AS counterparty,
       SUM(e.amount) AS amount, COUNT(*) AS entries
FROM audit_ledgerentry e
LEFT JOIN audit_ledgerentry r ON r.id = e.reverses_id
LEFT JOIN ends o ON e.transfer != '' AND o.transfer = e.transfer AND o.id != e.id
GROUP BY 1, 2, 3, 4, 5
"""

READ = """
SELECT a.organisation_id, s.kind, s.reversed_kind, s.source_class, s.counterparty, s.amount
FROM summary s JOIN audit_ledgeraccount a ON a.id = s.account_id
WHERE a.campaign_id IN ({ids})
"""


def cpu_ms(fn, runs):
    samples = []
    for _ in range(runs):
        began = time.process_time()
        fn()
        samples.append((time.process_time() - began) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "n": runs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from nhandao.campaigns.models import Campaign
    from nhandao.relief import figures

    campaign = Campaign.objects.get(code="YAGI-BENCH")
    ids = campaign.subtree_ids()
    out = {"load": os.getloadavg()[0]}
    with connection.cursor() as cursor:
        began = time.perf_counter()
        for statement in ENDS:
            cursor.execute(statement)
        cursor.execute(SUMMARY)
        out["summary_build_s"] = round(time.perf_counter() - began, 1)
        cursor.execute("SELECT COUNT(*) FROM summary")
        out["summary_rows"] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM summary WHERE kind != 'donation'")
        out["summary_rows_not_donations"] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM audit_ledgerentry WHERE kind != 'donation'")
        out["entries_not_donations"] = cursor.fetchone()[0]
        read = READ.format(ids=", ".join(str(int(i)) for i in ids))

        def summary_read():
            cursor.execute(read)
            return cursor.fetchall()

        out["read_summary_cpu"] = cpu_ms(summary_read, args.runs)
    out["today_heads_cpu"] = cpu_ms(lambda: figures._heads(ids, None), args.runs)
    out["today_ledger_moves_cpu"] = cpu_ms(lambda: figures.ledger_moves(ids, {}), args.runs)
    out["campaign_figures_cpu"] = cpu_ms(
        lambda: figures.campaign_figures(campaign).public(), args.runs
    )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
