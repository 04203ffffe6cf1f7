"""Emulation at national scale: ranking every cluster of a year (the 34 provinces in their
clusters, plus each province's communes in commune clusters: 3,355 members), and one
cluster's scoreboard page.

    .venv/bin/python bench/bench_emulation.py

Builds a fresh SQLite database: the real map; a central chapter, one chapter per province of
the new map (34) and one per commune (3,321), created by the real action; province clusters
of about 5 owned by the centre, commune clusters of about 10 owned by each province; one
criteria version per owner (20 criteria in 3 sections, weights, a bonus, a penalty, one
criterion for communes only); the year-end round of every cluster with a self mark and a
cross mark on every criterion of every member (bulk rows: 134,000 marks). Targets (issue
#18): ranking all ≤ 1 s; a scoreboard page ≤ 200 ms. Prints one JSON line; figures in
docs/benchmarks.md.
"""

import json
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def timed(fn, *args, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        samples.append(time.perf_counter() - start)
    return round(min(samples) * 1000, 1), round(sorted(samples)[len(samples) // 2] * 1000, 1)


def build() -> dict:
    from django.contrib.auth import get_user_model

    from nhandao.emulation import actions
    from nhandao.emulation.models import (
        CriteriaVersion,
        Criterion,
        CriterionKind,
        Mark,
        Round,
        Scorecard,
        Section,
        Stage,
    )
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.mapdata import load_admin_units
    from nhandao.orgs.models import AdminUnit, EmulationCluster, OrgKind, OrgLevel

    load_admin_units()
    root = get_user_model().objects.create_superuser("bench", password="x")

    def org(parent, code, name, level, unit):
        return org_actions.create_organisation(
            root,
            parent=parent,
            code=code,
            name=name,
            kind=OrgKind.RED_CROSS,
            level=level,
            admin_unit=unit,
            partner_type="",
        )

    central = org(None, "CTD-TW", "Trung ương Hội", OrgLevel.CENTRAL, None)
    provinces, communes = {}, {}
    for unit in AdminUnit.objects.filter(map="2025-07", level="province").order_by("code"):
        provinces[unit.pk] = org(
            central, f"CTD-{unit.code}", f"Hội CTĐ {unit.name}", OrgLevel.PROVINCE, unit
        )
    for unit in AdminUnit.objects.filter(map="2025-07", level="commune").order_by("code"):
        communes.setdefault(unit.province_id, []).append(
            org(
                provinces[unit.province_id],
                f"CTD-X{unit.code}",
                f"Hội CTĐ {unit.name}",
                OrgLevel.COMMUNE,
                unit,
            )
        )

    def chunks(items, size):
        return [items[i : i + size] for i in range(0, len(items), size)]

    groups = [(central, chunk) for chunk in chunks(list(provinces.values()), 5)]
    for pid, members in communes.items():
        groups += [(provinces[pid], chunk) for chunk in chunks(members, 10)]
    versions = {}
    for owner in {o.pk: o for o, _ in groups}.values():
        version = CriteriaVersion.objects.create(
            owner=owner,
            year=YEAR,
            name="Tiêu chí",
            status="frozen",
            tie_rules=["section:II"],
            grades=[
                {"min": 95, "label": "Xuất sắc"},
                {"min": 85, "label": "Tốt"},
                {"min": 0, "label": "Khá"},
            ],
        )
        criteria = []
        for s, code in enumerate(("I", "II", "III")):
            section = Section.objects.create(version=version, code=code, title=code, order=s)
            for n in range(7 if code != "III" else 6):
                kind = (
                    CriterionKind.BONUS
                    if (s, n) == (2, 4)
                    else CriterionKind.PENALTY
                    if (s, n) == (2, 5)
                    else CriterionKind.STANDARD
                )
                criteria.append(
                    Criterion(
                        section=section,
                        code=f"{s + 1}.{n + 1}",
                        name=f"Tiêu chí {s + 1}.{n + 1}",
                        max_score=Decimal(10),
                        weight=Decimal(2 if n == 0 else 1),
                        kind=kind,
                        org_levels=[OrgLevel.COMMUNE] if (s, n) == (1, 6) else [],
                        order=n,
                    )
                )
        versions[owner.pk] = Criterion.objects.bulk_create(criteria)
    number = {}
    rounds = []
    for owner, members in groups:
        number[owner.pk] = number.get(owner.pk, 0) + 1
        cluster = EmulationCluster.objects.create(
            owner=owner, year=YEAR, number=number[owner.pk], name=f"Cụm {number[owner.pk]}"
        )
        cluster.members.set(members)
        rnd = Round.objects.create(
            cluster=cluster,
            version_id=versions[owner.pk][0].section.version_id,
            kind="yearend",
            period=str(YEAR),
            self_deadline=date(YEAR, 12, 31),
        )
        rounds.append(rnd)
        cards = Scorecard.objects.bulk_create(
            Scorecard(round=rnd, organisation=m, status="crossed") for m in members
        )
        marks = []
        for i, card in enumerate(cards):
            for c in versions[owner.pk]:
                if not c.applies_to(card.organisation):
                    continue
                score = Decimal((i * 7 + c.pk) % 11) if c.kind == "standard" else Decimal(i % 3)
                marks.append(Mark(scorecard=card, criterion=c, stage=Stage.SELF, score=score))
                marks.append(
                    Mark(
                        scorecard=card,
                        criterion=c,
                        stage=Stage.CROSS,
                        score=max(Decimal(0), score - 1),
                        reason="bench",
                    )
                )
        Mark.objects.bulk_create(marks, batch_size=2000)
        for card in cards:  # what each mark's action does: the score stored on the card
            actions.recompute(card)
    province_round = rounds[0]
    return {
        "root": root,
        "province_round": province_round,
        "commune_round": rounds[-1],
        "members": sum(len(m) for _, m in groups),
        "clusters": len(groups),
        "marks": Mark.objects.count(),
    }


def main():
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_emulation.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from nhandao.emulation import actions
    from nhandao.emulation.models import Round

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    world = build()
    figures = {
        "members": world["members"],
        "clusters": world["clusters"],
        "marks": world["marks"],
        "build_s": round(time.perf_counter() - began, 1),
    }
    year_rounds = Round.objects.filter(cluster__year=YEAR, kind="yearend")
    ranked = actions.rank_rounds(year_rounds)
    assert sum(len(r) for r in ranked.values()) == world["members"]
    figures["rank_all_clusters_ms_min_median"] = timed(actions.rank_rounds, year_rounds)
    print(json.dumps(figures, ensure_ascii=False), flush=True)  # the ranking, before the pages
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(world["root"])

    def page(rnd):
        answer = client.get(f"/thi-dua/dot/{rnd.pk}/")
        assert answer.status_code == 200, answer.status_code

    figures["province_scoreboard_page_ms_min_median"] = timed(page, world["province_round"])
    figures["commune_scoreboard_page_ms_min_median"] = timed(page, world["commune_round"])
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
