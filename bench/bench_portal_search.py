"""Portal benchmarks over 2 million statement lines (made by bench/gen_statement_lines.py).

1. Search latency (p50/p95/p99, first page, in process: form validation + search.run) on
   SQLite and PostgreSQL for a common name, a rare full name, a reference fragment, an exact
   amount and a date range; then the CPU time one distinct search costs, in this process and
   in the database server (PostgreSQL).
2. Throughput and p95 under load from another process (wrk, loopback, bounded duration)
   against gunicorn: the campaign page (cached) and the search API.

    .venv/bin/python bench/gen_statement_lines.py --db sqlite
    .venv/bin/python bench/gen_statement_lines.py --db postgresql
    .venv/bin/python bench/bench_portal_search.py [--db sqlite|postgresql|both] [--no-load]

The server uses the project's settings: persistent connections, and the shared cache (files
under var/cache, or Redis when REDIS_URL is set in the environment). Each run prints the
cache backend and the load average.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_statement_import import cpu_seconds  # noqa: E402
from bench.gen_statement_lines import database_url  # noqa: E402

RUNS = 200
NAME = re.compile(r"\b([A-Z]{2,}(?: [A-Z]{2,}){2,3})\b")
COMMON = ["nguyen van", "nguyen thi", "ung ho", "chuyen tien", "tran", "le thi", "bao lu"]


def percentiles(samples_ms):
    ordered = sorted(samples_ms)

    def pick(p):
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return pick(50), pick(95), pick(99)


def sample_lines(k: int, seed: int = 11):
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM donations_statementline")
        top = cursor.fetchone()[0]
        ids = [rng.randint(1, top) for _ in range(k)]
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT reference, amount, description, booked_on FROM "  # noqa: S608
            f"donations_statementline WHERE id IN ({marks})",
            ids,
        )
        return cursor.fetchall()


def query_sets(seed: int = 3):
    from datetime import date, timedelta

    rng = random.Random(seed)
    lines = sample_lines(3000)
    names = [m.group(1) for _, _, text, _ in lines for m in [NAME.search(text or "")] if m]
    refs = [r for r, _, _, _ in lines if r and len(r) >= 8]
    amounts = [a for _, a, _, _ in lines]
    sets = {
        "common name": [{"q": COMMON[i % len(COMMON)]} for i in range(RUNS)],
        "rare name": [{"q": rng.choice(names)} for _ in range(RUNS)],
        "reference fragment": [
            {"ref": (lambda r: r[(s := rng.randrange(0, len(r) - 6)) : s + 6])(rng.choice(refs))}
            for _ in range(RUNS)
        ],
        "amount": [{"amount": str(rng.choice(amounts))} for _ in range(RUNS)],
        "date range": [],
    }
    for _ in range(RUNS):
        start = date(2024, 9, 1) + timedelta(days=rng.randrange(28))
        sets["date range"].append(
            {
                "date_from": start.strftime("%d/%m/%Y"),
                "date_to": (start + timedelta(days=2)).strftime("%d/%m/%Y"),
                "sort": rng.choice(["-date", "-amount"]),
            }
        )
    return sets


def latency(kind: str) -> dict:
    from nhandao.portal import search
    from nhandao.portal.forms import SearchForm

    out = {}
    for label, queries in query_sets().items():
        samples, empty, broad = [], 0, 0
        for params in queries[:5]:  # warm the caches once
            form = SearchForm(params)
            form.is_valid() and search.run(form.query())
        for params in queries:
            started = time.perf_counter()
            form = SearchForm(params)
            if not form.is_valid():
                raise SystemExit(f"invalid bench query {params}: {form.errors}")
            result = search.run(form.query())
            samples.append((time.perf_counter() - started) * 1000)
            empty += not result.lines
            broad += "quá rộng" in result.message
        p50, p95, p99 = percentiles(samples)
        out[label] = {"p50": p50, "p95": p95, "p99": p99, "empty": empty, "too_broad": broad}
        print(
            f"  {kind:10} {label:20} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"
            f"  ({empty} empty, {broad} too broad of {len(samples)})",
            flush=True,
        )
    return out


def distinct_queries() -> list[dict]:
    """Every query of 20 seeds' sets once, shuffled: the load test's distinct searches."""
    seen, distinct = set(), []
    for seed in range(5, 25):
        for qs in query_sets(seed=seed).values():
            for p in qs:
                if (key := urlencode(p)) not in seen:
                    seen.add(key)
                    distinct.append(p)
    random.Random(1).shuffle(distinct)
    return distinct


def cpu_per_search(kind: str, n: int = 600) -> dict:
    """CPU time per search over n distinct queries in a row (the load test's first ones), in
    this process and in the database server: what one search costs the machine, steadier
    than a throughput that two cores share with the load generator."""
    from nhandao.portal import search
    from nhandao.portal.forms import SearchForm

    queries = distinct_queries()[50 : 50 + n]
    before = cpu_seconds()
    for params in queries:
        form = SearchForm(params)
        form.is_valid() and search.run(form.query())
    after = cpu_seconds()
    out = {k: (after[k] - v) * 1000 / len(queries) for k, v in before.items()}
    print(
        f"  {kind:10} CPU per distinct search   "
        + " + ".join(f"{k} {v:.2f} ms" for k, v in out.items()),
        flush=True,
    )
    return out


# --- load from another process ---------------------------------------------------------------

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%f %%f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status))
end
"""


def wait_up(url: str, seconds: float = 30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not start: {url}")


def wrk(paths, seconds=10, connections=16, threads=2, port=8765) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_SCRIPT % listing)
        proc = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", proc.stdout)
    if not match:
        raise SystemExit(proc.stdout + proc.stderr)
    requests, duration_us, p50, p95, bad = match.groups()
    return {
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "non_2xx": int(bad),
    }


def load(kind: str, workers: int = 3) -> dict:
    if not shutil.which("wrk"):
        print("  wrk not found (apt-get install wrk): load test skipped")
        return {}
    port = 8765
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("FileCache"):
        cache.clear()  # no result left from an earlier run (Redis: they expire in 60 s)
    env = dict(
        os.environ,
        DATABASE_URL=database_url(kind),
        PORTAL_RATE_LIMITS="off",
        DJANGO_SETTINGS_MODULE="nhandao.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "nhandao.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "512",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    out = {}
    try:
        wait_up(f"http://127.0.0.1:{port}/cong-khai/chien-dich/YAGI-2024/")
        campaign = ["/cong-khai/chien-dich/YAGI-2024/"]
        distinct = [f"/api/public/search?{urlencode(p)}" for p in distinct_queries()]
        popular = distinct[:200]  # the same 200 queries again and again (served from cache)
        for path in popular[:50]:  # warm every worker's connection and sample
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()  # noqa: S310
        out["campaign page (cached)"] = wrk(campaign, port=port)
        out["search API, distinct queries"] = wrk(distinct[50:], port=port)
        out["search API, 200 popular queries"] = wrk(popular, port=port)
        for label, r in out.items():
            print(
                f"  {kind:10} {label:28} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p95 {r['p95']:6.1f} ms  non-2xx {r['non_2xx']}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return out


def child(kind: str, with_load: bool, workers: int = 3):
    os.environ["DATABASE_URL"] = database_url(kind)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM donations_statementline")
        n = cursor.fetchone()[0]
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    conn_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(
        f"{kind}: {n:,} statement lines; cache {backend}; CONN_MAX_AGE {conn_age}; "
        f"load average {loadavg()}",
        flush=True,
    )
    result = {"lines": n, "cache": backend, "latency": latency(kind), "loadavg": [loadavg()]}
    result["cpu_per_search_ms"] = cpu_per_search(kind)
    connection.close()
    if with_load:
        result["load"] = load(kind, workers)
        result["loadavg"].append(loadavg())
        print(f"  load average after the load test: {loadavg()}", flush=True)
    print("JSON " + json.dumps(result))


def loadavg() -> str:
    """The machine's 1/5/15-minute load average (it has 2 cores, often shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, not args.no_load, args.workers)
        return
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        cmd = [sys.executable, __file__, "--child", "--db", kind, "--workers", str(args.workers)]
        cmd += ["--no-load"] if args.no_load else []
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
