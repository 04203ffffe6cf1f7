"""A member list of 50,000 rows through the import frame (issue #20: "a list import of
50,000 members ≤ 60 s").

    .venv/bin/python bench/bench_people_import.py [--rows 50000] [--existing 100000]

A fresh SQLite file: a province chapter with 100 commune chapters; `--existing` people
already recorded (a tenth of them members of a commune). The list (.xlsx, written with
lib.exports) holds `--rows` rows spread over the communes by name: 5 % are people already
recorded (found by their CCCD), 1 % of those already members of the row's commune
("already present"), 1 % probable duplicates (same name and birth date, another phone);
the rest new people. Timed: writing the workbook (not counted), then the import as the
tasks run it — the upload kept (importers.start), the check (importers.preview: the file
read, every row checked, the people matched), the confirmation and the commit
(importers.commit: checked again, written in one transaction, the summary kept). The
total is the figure to compare with the 60 s goal (the URLs are loaded first, as in a worker
that has run a task before: loading them takes a few seconds once). Prints one JSON line.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
         "Tuấn", "Vy"]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--existing", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-people-import-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("NHANDAO_DEV", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "nhandao.settings"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from nhandao.lib.exports import Sheet, xlsx_bytes
    from nhandao.lib.text import search_key
    from nhandao.orgs.models import Organisation, OrgKind, OrgLevel
    from nhandao.people import importers
    from nhandao.people import membership as ms
    from nhandao.people.models import Individual, ListKind, Membership

    settings.MEDIA_ROOT = str(tmp / "media")
    call_command("migrate", verbosity=0)
    rng = random.Random(20)
    out = {"rows": args.rows, "existing_people": args.existing}

    def name():
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def born():
        return date(1950, 1, 1) + timedelta(days=rng.randrange(18_000))

    with transaction.atomic():
        province = Organisation.objects.create(
            code="P1", name="Hội Chữ thập đỏ Tỉnh Một", kind=OrgKind.RED_CROSS,
            level=OrgLevel.PROVINCE, path="",
        )  # fmt: skip
        province.path = f"/{province.pk}/"
        province.save()
        communes = Organisation.objects.bulk_create([
            Organisation(code=f"X{i}", name=f"Hội Chữ thập đỏ Xã {i}",
                         name_key=search_key(f"Hội Chữ thập đỏ Xã {i}"), kind=OrgKind.RED_CROSS,
                         level=OrgLevel.COMMUNE, parent=province, path="")
            for i in range(100)
        ])  # fmt: skip
        for c in communes:
            c.path = f"{province.path}{c.pk}/"
        Organisation.objects.bulk_update(communes, ["path"])
        known = []
        for i in range(args.existing):
            full = name()
            known.append(Individual(
                organisation=communes[i % 100], full_name=full, name_key=search_key(full),
                birth_date=born(), phone=f"09{i:08d}", id_number=f"0011{i:08d}",
                code=f"CN{i + 1:07d}",
            ))  # fmt: skip
        known = Individual.objects.bulk_create(known, batch_size=5_000)
        Membership.objects.bulk_create(
            [Membership(individual=p, organisation=communes[i % 100], kind="member",
                        started_on=date(2020, 1, 1), started_via="join")
             for i, p in enumerate(known) if i % 10 == 0],
            batch_size=5_000,
        )  # fmt: skip
        ms.rebuild_counts()
    user = get_user_model().objects.create_superuser("bench", password="x")

    rows, found, present, probable, used = [], 0, 0, 0, set()

    def pick(member: bool) -> int:
        while True:  # a person once in the file (a second row would be refused as a repeat)
            j = rng.randrange(args.existing)
            j = j - j % 10 if member else j + (j % 10 == 0)
            if j < args.existing and j not in used:
                used.add(j)
                return j

    for i in range(args.rows):
        commune = communes[i % 100]
        draw = rng.random() if args.existing else 1
        if draw < 0.01:  # a member of that commune already: "already present"
            j = pick(True)
            person, commune = known[j], communes[j % 100]
            present += 1
        elif draw < 0.05:  # recorded, not a member: found by the CCCD, joins
            person = known[pick(False)]
            found += 1
        if draw < 0.05:
            rows.append([person.full_name, "", "", "", person.id_number, "01/06/2025",
                         "Hội viên", commune.name])  # fmt: skip
        elif draw < 0.06:  # the same name and birth date, another phone: reported
            person = known[pick(False)]
            rows.append([person.full_name, person.birth_date.strftime("%d/%m/%Y"), "",
                         f"08{i:08d}", "", "01/06/2025", "Hội viên", commune.name])  # fmt: skip
            probable += 1
        else:
            rows.append([name(), born().strftime("%d/%m/%Y"), rng.choice(["Nam", "Nữ"]),
                         f"03{i:08d}", f"0021{i:08d}", "01/06/2025", "Hội viên",
                         commune.code])  # fmt: skip
    header = list(importers.COLUMNS[ListKind.MEMBERS].values())
    start = time.perf_counter()
    data = xlsx_bytes([Sheet("Hội viên", header, rows)])
    out["workbook_s"] = round(time.perf_counter() - start, 1)
    out["rows_written"], out["workbook_mb"] = len(rows), round(len(data) / 2**20, 1)

    from django.urls import reverse

    reverse("member_import", args=[1])  # the URLs loaded, as in a worker that has run a task
    t0 = time.perf_counter()
    imp = importers.start(user, province, ListKind.MEMBERS, "hoi-vien.xlsx", data)
    t1 = time.perf_counter()
    imp = importers.preview(imp.pk)
    t2 = time.perf_counter()
    assert imp.status == "previewed", imp.errors[:5]
    importers.confirm(user, imp)
    imp = importers.commit(imp.pk, user)
    t3 = time.perf_counter()
    assert imp.status == "done", imp.errors[:5]
    out.update(
        upload_s=round(t1 - t0, 2),
        check_s=round(t2 - t1, 1),
        commit_s=round(t3 - t2, 1),
        total_s=round(t3 - t0, 1),
        accepted=imp.rows_accepted,
        already_present=imp.rows_duplicate,
        people_created=imp.people_created,
        likely_duplicates=imp.likely_duplicates,
        expected_present=present,
        expected_found=found,
        expected_probable=probable,
    )
    today = date.today()
    assert ms.count_on(province, today) == ms.members_on(province, today).count()
    out["members_now"] = ms.count_on(province, today)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
