"""Server time of the pickers' search endpoints and of the forms that render them, on a demo
database, as the demo's users (a commune accountant, a province officer, the admin).

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 nhandao demo --no-serve   # once
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 PYTHONPATH=. .venv/bin/python bench/bench_pickers.py

Prints p50 and p95 (ms) of 30 requests each, through Django's test client (no network).
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 30
CASES = [
    ("xa.ketoan", "/ung-ho/them/cash/"),
    ("xa.ketoan", "/tra-cuu/chien-dich?pham-vi=tiep-nhan&q=thang+nhan+dao"),
    ("hn.canbo", "/ho-gia-dinh/them/"),
    ("hn.canbo", "/doi-tuong/them/"),
    ("hn.canbo", "/tra-cuu/xa-phuong?q=quan+thanh"),
    ("hn.canbo", "/tra-cuu/nguoi?q=nguyen+van"),
    ("hn.canbo", "/tra-cuu/ho?q=tran"),
    ("admin", "/tra-cuu/to-chuc?q=hoi+chu+thap+do+xa"),
    ("admin", "/tra-cuu/xa-phuong?q=phuong"),
    ("admin", "/cuu-tro/dot/moi/"),
    ("admin", "/chien-dich/tao/"),
]


def main():
    setup_test_environment()
    users = get_user_model().objects
    print(f"{'user':10} {'page':58} {'p50 ms':>7} {'p95 ms':>7}")
    for username, url in CASES:
        client = Client()
        client.force_login(users.get(username=username))
        assert client.get(url).status_code == 200, url  # warm up, and check
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{username:10} {url:58} {statistics.median(times):7.1f} {p95:7.1f}")


if __name__ == "__main__":
    main()
