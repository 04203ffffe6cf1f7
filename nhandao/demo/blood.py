"""Demo blood donation: drives of this month in Hà Nội (a commune chapter) and Tuyên Quang —
one held with its result sheet confirmed, one held waiting for its results, two open for
registration — donors with histories (imported as a centre's list would be, spread over the
past years), a donor whose 10th donation is on this month's sheet, reminders ready for the
open drives, and this year's honour list proposed for Hà Nội. Dated from today
(demo/dates.py); everything goes through blood/actions.py with the demo logins."""

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model

from nhandao.blood import actions, families, honours, rules
from nhandao.blood.models import Donation, FamilyHonour
from nhandao.demo import dates
from nhandao.orgs.models import AdminMap, AdminUnit

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE_M, MIDDLE_F = ["Văn", "Minh", "Đức", "Quang"], ["Thị", "Thu", "Ngọc", "Thanh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Sơn", "Tuấn"]
GIVEN_F = ["Anh", "Chi", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Trang", "Yến"]
CENTRE = "Viện Huyết học – Truyền máu Trung ương"


def _person(rng, i):
    female = i % 3 == 0
    given = GIVEN_F if female else GIVEN_M
    middle = MIDDLE_F if female else MIDDLE_M
    name = f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
    return name, ("female" if female else "male")


def _donors(actor, rng, org, commune, count, start):
    donors = []
    for i in range(count):
        name, sex = _person(rng, i)
        born = dates.days(-365 * rng.randint(20, 52) - rng.randint(0, 300))
        donor = actions.create_donor(
            actor, organisation=org, full_name=name, birth_date=born, sex=sex,
            phone=f"09{start + i:08d}", email=f"nguoihien{start + i}@example.vn",
            commune=commune, blood_group=rng.choice(["O+", "A+", "B+", "AB+", "O-"]),
            weight_kg=rng.randint(50, 75) if sex == "male" else rng.randint(45, 60),
            consent_contact=i % 5 != 4, consent_publish=i % 4 != 3,
        )  # fmt: skip
        donors.append(donor)
    return donors


def _history(donor, count, last_days_ago, table):
    """`count` earlier whole-blood donations 16 weeks apart, the last `last_days_ago` ago
    (the centre's imported list: no drive)."""
    for k in range(count):
        Donation.objects.create(
            donor=donor, organisation=donor.organisation, kind="whole",
            volume_ml=350 if donor.individual.sex == "male" else 250,
            donated_on=dates.days(-last_days_ago - 112 * k), weight_kg=donor.weight_kg,
        )  # fmt: skip
    rules.refresh_donor(donor, table)


def _drive(actor, org, commune, name, day, status):
    drive = actions.create_drive(
        actor, name=name, organisation=org, partners="Đoàn Thanh niên", blood_centre=CENTRE,
        commune=commune, address=f"Nhà văn hóa {commune.name}", held_on=day,
        starts_at=time(7, 30), ends_at=time(11, 30), target_units=150,
    )  # fmt: skip
    for target in ("open", "held")[: ("planned", "open", "held").index(status)]:
        drive = actions.set_status(actor, drive, target)
    return drive


def seed(actor, network) -> None:
    User = get_user_model()
    officer = User.objects.get(username="xa.canbo")
    leader = User.objects.get(username="hn.lanhdao")
    rng = random.Random(19)
    table = rules.rule_table()
    hanoi = network["rc_province"]["1"]
    commune_org = network["communes"].get("4") or next(iter(network["communes"].values()))
    commune = commune_org.admin_unit
    tuyen_quang = network["rc_province"]["8"]
    tq_commune = (
        AdminUnit.objects.filter(map=AdminMap.NEW, level="commune", province__code="8")
        .order_by("code")
        .first()
    )

    donors = _donors(actor, rng, commune_org, commune, 36, 10_000_000)
    tq_donors = _donors(actor, rng, tuyen_quang, tq_commune, 12, 20_000_000)
    for i, donor in enumerate(donors + tq_donors):
        # a spread of histories: 1–14 donations, the last 3 weeks to a year ago
        _history(donor, 1 + (i * 5) % 14, 21 + (i * 37) % 340, table)
    # the 10th donation on this month's sheet: nine before it, the last over 12 weeks ago
    tenth = actions.create_donor(
        actor, organisation=commune_org, full_name="Phạm Quang Vinh", sex="male",
        birth_date=dates.days(-365 * 35), phone="0904999999", email="vinh@example.vn",
        commune=commune, blood_group="O+", weight_kg=68, consent_contact=True,
        consent_publish=True,
    )  # fmt: skip
    _history(tenth, 9, 130, table)

    day = dates.today()
    held = _drive(officer, commune_org, commune, "Ngày hội hiến máu phường đầu tháng",
                  day - timedelta(days=min(day.day - 1, 10)), "held")  # fmt: skip
    eligible = [d for d in donors if d.eligible_from and d.eligible_from <= held.held_on]
    for donor in [tenth, *eligible[:8]]:
        actions.register(officer, held, donor)
    for donor in [tenth, *eligible[:6]]:
        actions.record_result(officer, held, donor, kind="whole",
                              volume_ml=350 if donor.individual.sex == "male" else 250)  # fmt: skip
    if len(eligible) > 7:
        actions.record_deferral(officer, held, eligible[7], until=held.held_on + timedelta(180),
                                reason="Xăm mình trong 6 tháng")  # fmt: skip
    actions.set_status(leader, held, "results")

    waiting = _drive(officer, commune_org, commune, "Hiến máu tại trường THPT",
                     day - timedelta(days=1), "held")  # fmt: skip
    if len(eligible) > 9:
        actions.register(officer, waiting, eligible[9])
    # on that sheet, still to be entered: a 10th donation (the browser test enters it)
    ninth = actions.create_donor(
        actor, organisation=commune_org, full_name="Lê Thị Mười", sex="female",
        birth_date=dates.days(-365 * 30), phone="0904888888", commune=commune,
        blood_group="A+", weight_kg=55, consent_contact=True, consent_publish=True,
    )  # fmt: skip
    _history(ninth, 9, 120, table)
    actions.register(officer, waiting, ninth)
    _drive(officer, commune_org, commune, "Giọt hồng Thủ đô", day + timedelta(days=5), "open")
    _drive(actor, tuyen_quang, tq_commune, "Hiến máu tình nguyện Tuyên Quang",
           day + timedelta(days=9), "open")  # fmt: skip

    _families_and_areas(actor, leader, officer, rng, donors, hanoi, table)

    # the list of the coming occasion (7/4, or 14/6 once 7/4 has passed, then next year's 7/4)
    year, occasion = honours.next_occasion(day)
    proposed = honours.propose(leader, hanoi.admin_unit, year, occasion)
    # the city's decision came for the first half: those are public (with consent), the rest wait
    half = [h for h in proposed if not isinstance(h, FamilyHonour)]
    half = half[: len(half) // 2] + [h for h in proposed if isinstance(h, FamilyHonour)][:1]
    if half:
        honours.mark_awarded(leader, half, decision="125/QĐ-UBND", awarded_on=dates.days(-3))


# Hà Nội's mountain communes (the former Ba Vì district, on the 2025 map)
MOUNTAIN_COMMUNES = ["9700", "9706", "9694"]


def _families_and_areas(actor, leader, officer, rng, donors, hanoi, table):
    """Two families of donors in the commune (one past the family band of 15 donations, one
    on its way) and Hà Nội's mountain communes with a band of their own: 7 donations where the
    lowlands need 10, and a donor of Xã Ba Vì with 8 on the list for it (awarded)."""
    for members in (donors[1:3], donors[9:11]):
        family = families.create_family(officer, members[0])
        for donor in members[1:]:
            families.add_member(officer, family, donor)
    communes = list(AdminUnit.objects.filter(map=AdminMap.NEW, code__in=MOUNTAIN_COMMUNES))
    area = families.add_area(leader, hanoi.admin_unit, "Các xã miền núi (huyện Ba Vì cũ)",
                             communes)  # fmt: skip
    # the area's bands replace the city's for its donors as a whole: the defaults, with the
    # Giấy khen at 7 donations instead of 10
    since = dates.days(-400)
    for band in honours.thresholds(None, since):
        families.add_band(leader, hanoi.admin_unit, area=area, valid_from=since,
                          donations=7 if band.donations == 10 else band.donations,
                          award=band.award, awarded_by=band.awarded_by)  # fmt: skip
    ba_vi = next(c for c in communes if c.code == "9700")
    highland = actions.create_donor(
        actor, organisation=hanoi, full_name="Đinh Văn Núi", sex="male",
        birth_date=dates.days(-365 * 41), phone="0904777777", commune=ba_vi, blood_group="B+",
        weight_kg=58, consent_contact=True, consent_publish=True,
    )  # fmt: skip
    _history(highland, 8, 60, table)
