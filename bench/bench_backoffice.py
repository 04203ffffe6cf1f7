"""Server time of the back office, page by page, walked as each demo role.

    .venv/bin/python bench/bench_backoffice.py [--database-url URL] [--repeat N]

Needs a demo database (`nhandao demo --no-serve`; by default the one `make run` builds, or
--database-url). For each demo login it signs in (Django's test client, in process: the time
is the server's — URL resolution, middleware, views, templates, queries — not the network's),
walks the home page, every link of its menu (the menu is built from permissions, so each role
walks what it may open) and the first record of the main lists, each page `--repeat` times
after one warm-up, and prints p50/p95 per page and role, then the worst p95 of all pages and
of the home page, as one JSON line at the end. `--only / /khoa-api/` times the home page
next to the API-token page (a page that reads almost nothing: the machine's floor at that
moment, useful on a shared, loaded machine). Targets (issue #16): p95 ≤ 150 ms per page,
home ≤ 100 ms.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DETAILS = [  # (list page, first record link to follow)
    ("/chien-dich/", r'href="(/chien-dich/\d+/)"'),
    ("/ung-ho/", r'href="(/ung-ho/\d+/)"'),
    ("/doi-tuong/", r'href="(/doi-tuong/\d+/)"'),
    ("/cuu-tro/", r'href="(/cuu-tro/dot/\d+/)"'),
    ("/to-chuc/", r'href="(/to-chuc/\d+/)"'),
]
MENU = re.compile(r'<nav id="main-menu".*?</nav>', re.S)
HREF = re.compile(r'href="([^"#]+)"')


def p95(samples: list[float]) -> float:
    samples = sorted(samples)
    return samples[max(0, round(len(samples) * 0.95) - 1)]


def pages_of(client) -> list[str]:
    home = client.get("/").content.decode()
    menu = HREF.findall(MENU.search(home).group(0))
    pages = ["/"] + [u for u in menu if u.startswith("/") and not u.startswith("/cong-khai")]
    for listing, pattern in DETAILS:
        if listing in pages:
            found = re.search(pattern, client.get(listing).content.decode())
            if found:
                pages.append(found.group(1))
    return list(dict.fromkeys(pages))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="walk only these URLs (e.g. / /khoa-api/)")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    users = (
        get_user_model()
        .objects.filter(roles__isnull=False, is_active=True)
        .distinct()
        .order_by("username")
    )
    results = []
    for user in users:
        client = Client()
        client.force_login(user)
        for url in args.only or pages_of(client):
            client.get(url)  # warm-up
            samples = []
            status = None
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - start)
                status = response.status_code
            row = {
                "user": user.username,
                "url": url,
                "status": status,
                "p50_ms": round(statistics.median(samples) * 1000, 1),
                "p95_ms": round(p95(samples) * 1000, 1),
            }
            results.append(row)
            print(
                f"{row['user']:<16} {row['url']:<40} {status} "
                f"p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms"
            )
    worst = max(results, key=lambda r: r["p95_ms"])
    home = max((r for r in results if r["url"] == "/"), key=lambda r: r["p95_ms"], default=worst)
    over = [r for r in results if r["p95_ms"] > (100 if r["url"] == "/" else 150)]
    print(
        json.dumps(
            {
                "pages_walked": len(results),
                "users": users.count(),
                "worst_p95_ms": worst["p95_ms"],
                "worst": f"{worst['user']} {worst['url']}",
                "home_worst_p95_ms": home["p95_ms"],
                "home_worst_user": home["user"],
                "over_target": [f"{r['user']} {r['url']} {r['p95_ms']} ms" for r in over],
                "not_200": [
                    f"{r['user']} {r['url']} {r['status']}" for r in results if r["status"] != 200
                ],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
