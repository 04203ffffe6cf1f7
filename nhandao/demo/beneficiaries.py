"""Demo beneficiaries: households in some Hà Nội communes registered by their Red Cross
chapters, some of the same people registered again (typed differently, old commune codes,
birth year only) by the Hà Nội Women's Union, support from several organisations, a few
humanitarian addresses with sponsors, then a full duplicate run so the review queue is filled.

Synthetic people only (names from data/demo_names.csv, a slice of ../shared/data/names).
"""

import csv
import random
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from nhandao.beneficiaries import actions, commitments, dedup, privacy
from nhandao.beneficiaries.models import DataRequest, Person, PovertyStatus, SupportKind
from nhandao.demo import dates
from nhandao.lib.text import D_LETTERS
from nhandao.orgs.models import Organisation

NAMES = Path(__file__).resolve().parent / "data" / "demo_names.csv"
COMMUNES = ["4", "8", "25", "70", "82", "91"]  # Ba Đình, Ngọc Hà, Giảng Võ, Hoàn Kiếm, …
HOUSEHOLDS_PER_COMMUNE = 8


PUBLIC_SUMMARIES = [
    "Cụ ông sống một mình, cần gạo và tiền ăn hằng tháng",
    "Cụ bà neo đơn, nhà dột, cần hỗ trợ sinh hoạt hằng tháng",
]


def _names():
    surnames, weights, middles, given = [], [], {}, {}
    with NAMES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "surname":
                surnames.append(row["name"])
                weights.append(float(row["weight"]))
            elif row["kind"] == "middle":
                middles.setdefault(row["sex"], []).append(row["name"])
            else:
                given.setdefault(row["sex"], []).append(row["name"])
    return surnames, weights, middles, given


_PLAIN_D = {ord(c): "d" if c.islower() else "D" for c in D_LETTERS}


def _fold(text):
    """The name as typed without diacritics, capitals kept ("Ðình" → "Dinh")."""
    text = unicodedata.normalize("NFD", text.translate(_PLAIN_D))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def seed(actor, network) -> dict:
    rng = random.Random(2025)
    surnames, weights, middles, given = _names()
    chapters = {code: network["communes"][code] for code in COMMUNES if code in network["communes"]}
    union = Organisation.objects.filter(code="HLHPN-1").first() or network["front_province"]["1"]
    viettel = Organisation.objects.filter(code="DT-1-VIETTEL").first()

    def name(sex, surname=None):
        surname = surname or rng.choices(surnames, weights)[0]
        return f"{surname} {rng.choice(middles[sex])} {rng.choice(given[sex])}", surname

    people = []
    for chapter in chapters.values():
        unit = chapter.admin_unit
        for _ in range(HOUSEHOLDS_PER_COMMUNE):
            household = actions.create_household(
                actor,
                organisation=chapter,
                commune=unit,
                village=f"Tổ {rng.randint(1, 20)}",
                address=f"Số {rng.randint(1, 150)}",
            )
            phone = f"09{rng.randint(0, 99999999):08d}"
            head_sex = "male" if rng.random() < 0.7 else "female"
            head_name, surname = name(head_sex)
            year = rng.randint(1940, 1985)
            members = [(head_name, head_sex, year, "head")]
            if rng.random() < 0.7:
                spouse_sex = "female" if head_sex == "male" else "male"
                members.append(
                    (name(spouse_sex)[0], spouse_sex, year + rng.randint(-4, 4), "spouse")
                )
            for i in range(rng.randint(0, 3)):
                sex = rng.choice(["male", "female"])
                child = name(sex, surname if head_sex == "male" else None)[0]
                members.append((child, sex, min(year + 22 + 2 * i, 2020), "child"))
            for full_name, sex, born_year, relationship in members:
                born = date(born_year, rng.randint(1, 12), rng.randint(1, 28))
                person = actions.create_person(
                    actor,
                    organisation=chapter,
                    full_name=full_name,
                    sex=sex,
                    birth_date=born,
                    phone=phone if relationship == "head" else "",
                    household=household,
                    relationship=relationship,
                    vulnerabilities=rng.sample(
                        [
                            "disability",
                            "lonely_elderly",
                            "serious_illness",
                            "student_hardship",
                            "agent_orange",
                        ],
                        k=rng.randint(0, 1),
                    ),
                    consent_by=members[0][0],
                    consent_at=dates.days(-90),
                    consent_purpose="Quản lý, hỗ trợ đối tượng khó khăn",
                )
                people.append(person)
            status = rng.choice([PovertyStatus.POOR, PovertyStatus.NEAR_POOR, PovertyStatus.NONE])
            actions.set_poverty(
                actor,
                household,
                year=dates.poverty_year(),
                status=status,
                certified_by=f"UBND {unit.name}",
                certificate_no=f"{rng.randint(10, 300)}/QĐ-UBND",
            )
            actions.record_support(
                actor,
                organisation=chapter,
                household=household,
                date=dates.days(-40),
                kind=SupportKind.GIFT,
                value=500_000,
                note="Quà Tết Nhân ái",
            )

    # The Women's Union registers some of the same people, typed its own way; the first few
    # also by the city's Front committee (groups of three records for the review queue).
    heads = [p for p in people if p.relationship == "head"]
    front = network["front_province"]["1"]
    for index, person in enumerate(rng.sample(heads, min(25, len(heads)))):
        typed = rng.choice(
            [
                _fold(person.full_name).upper(),
                _fold(person.full_name),
                f"{person.full_name.split()[0]} {person.full_name.split()[-1]}",
            ]
        )
        old = person.commune.old_units().order_by("code").first()
        twin = actions.create_person(
            actor,
            organisation=union,
            full_name=typed,
            sex=person.sex,
            birth_year=person.birth_year,
            commune=person.commune,
            old_commune=old if old and rng.random() < 0.5 else None,
            village=person.village,
        )
        actions.record_support(
            actor,
            organisation=union,
            person=twin,
            date=dates.days(-35),
            kind=SupportKind.CASH,
            value=1_000_000,
            note="Tết Nhân ái",
        )
        if index < 3 and front != union:
            actions.create_person(
                actor,
                organisation=front,
                full_name=_fold(person.full_name),
                sex=person.sex,
                birth_year=person.birth_year,
                commune=person.commune,
                village=person.village,
            )

    # Humanitarian addresses: lonely elderly people, half of them sponsored.
    lonely = [p for p in people if "lonely_elderly" in p.vulnerabilities][:6]
    sponsor = None
    if chapters:  # Viettel is its organisation when the demo network has it
        sponsor = actions.create_sponsor(
            actor,
            organisation=network["rc_province"]["1"],
            name="Tổng Công ty Viễn thông Viettel",
            sponsor_org=viettel,
        )
    # Each sponsored address is paid month by month through the ledger; one is in arrears
    # (its last two months unpaid); the others consented to the public list of addresses
    # seeking a sponsor (issue #22 item 4).
    for index, person in enumerate(lonely):
        sponsored = sponsor is not None and index % 2 == 0
        address = actions.create_address(
            actor,
            organisation=person.organisation,
            person=person,
            needs="Gạo, thuốc men hằng tháng",
            since=dates.days(-120),
            public_consent=not sponsored,
            public_summary="" if sponsored else PUBLIC_SUMMARIES[index % len(PUBLIC_SUMMARIES)],
        )
        if sponsored:
            sponsorship = actions.commit_sponsorship(
                actor,
                address,
                sponsor=sponsor,
                amount=500_000,
                start=dates.days(-120),
                end=commitments.end_of(dates.days(-120), 24),
            )
            due = [d for d in sponsorship.due_dates() if d <= dates.days(0)]
            paid = due[:-2] if index == 2 else due
            for period in paid:
                actions.pay_sponsorship(
                    actor,
                    sponsorship,
                    period=period,
                    paid_on=min(period + timedelta(days=3), dates.days(0)),
                )
    run = dedup.run_dedup(actor)
    return {"persons": Person.objects.count(), "pairs": run.pairs}


def seed_data_request(network, receiver: str = "xa.canbo") -> DataRequest | None:
    """A person's request to see their data, received by the commune officer (xa.canbo) two
    days ago: 22 hours are left of its 72, so /du-lieu-ca-nhan/ shows it and `nhandao
    deadlines` reminds of it. After the logins (the receiver is a demo user)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    officer = get_user_model().objects.filter(username=receiver).first()
    commune = network["communes"].get("4")
    person = Person.objects.filter(organisation=commune, relationship="head").order_by("pk")
    person = person.first() if commune is not None else None
    if officer is None or person is None:
        return None
    req = privacy.receive_request(officer, person, "see", "Chính chủ, đến trụ sở Hội",
                                  "Xin bản sao thông tin cá nhân Hội đang lưu.")  # fmt: skip
    received = timezone.now() - timedelta(hours=50)
    DataRequest.objects.filter(pk=req.pk).update(
        received_at=received, due_at=received + timedelta(hours=req.kind.deadline_hours)
    )
    return req
