"""Coordination (issue #21): the issuer's follow-up board and the home page's waiting work
with a directive of 200 tasks, and a supervisor's read of a donation through a grant.

    .venv/bin/python bench/bench_coordination.py --database-url sqlite:////tmp/demo.sqlite3

Needs a demo database (`nhandao demo --no-serve`). In one transaction rolled back at the end
(the demo is left as it was): the Hà Nội Front officer issues a plan with one task for each
of the first 200 organisations it may give work to (a third of them late), then each
measure runs `--repeat` times after one warm-up (Django's test client, in process: server
time). Prints p50/p95 in ms per measure and one JSON line. No target in the issue; the back
office's (issue #16) is p95 ≤ 150 ms per page, home ≤ 100 ms.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> dict:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": round(statistics.median(samples), 1),
            "p95": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1)}  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from nhandao.coordination import actions, home
    from nhandao.donations.lookups import get_donation
    from nhandao.donations.models import Donation

    settings.ALLOWED_HOSTS = ["*"]
    User = get_user_model()
    officer = User.objects.get(username="hn.mttq.canbo")
    front = officer.roles.first().organisation
    today = timezone.localdate()
    results = {}
    with transaction.atomic():
        assignees = list(actions.assignable(front)[:200])
        tasks = [(f"Nhiệm vụ {i}", [org], today + timedelta(days=(i % 3) * 10 - 5))
                 for i, org in enumerate(assignees)]  # fmt: skip
        start = time.perf_counter()
        directive = actions.issue_directive(
            officer, organisation=front, kind="ke_hoach", number="99/KH-BENCH",
            title="Đo thời gian", issued_on=today - timedelta(days=30), tasks=tasks,
        )  # fmt: skip
        results["issue the directive (ms)"] = round((time.perf_counter() - start) * 1000, 1)
        client = Client()
        client.force_login(officer)
        board = f"/chi-dao/{directive.pk}/"

        def get(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        assert f"Nhiệm vụ {len(assignees) - 1}" in get(board).content.decode()
        results["tasks on the board"] = len(assignees)
        results["follow-up board"] = timed(lambda: get(board), args.repeat)
        results["home page (issuer)"] = timed(lambda: get("/"), args.repeat)
        results["coordination home items (issuer)"] = timed(
            lambda: home.waiting(officer), args.repeat
        )
        donation = Donation.objects.filter(
            organisation__path__startswith=front.grants_held.first().supervised.path,
            received_on__range=("2024-09-01", "2024-12-31"),
        ).first()
        if donation is not None:
            results["supervisor reads a donation (grant, logged)"] = timed(
                lambda: get_donation(officer, donation.pk), args.repeat
            )
        transaction.set_rollback(True)
    for name, value in results.items():
        print(f"{name}: {value}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
